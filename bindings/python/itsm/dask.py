"""The calendar bulk calls over Dask collections, so a table larger than one machine holds is
worked on by a cluster's workers, partition by partition (docs/python.md, "Dask").

`deadlines` and `between` are lazy: they return a Dask Series aligned with the input's index
(same partitions and divisions), typed as the pandas calls type their results; `.compute()` (or a
`distributed.Client`) runs them. Each partition goes through the pandas bulk call
(`Calendar.add_many` / `between_many`), so a row's result is what the single-process pandas call
gives for it, NaT rows included. The calendar travels to the workers pickled (by its JSON form).

`import itsm` never imports this module, nor dask: `import itsm.dask` does, and raises an
ImportError naming the missing package and the Debian package to install when dask is absent.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

try:
    import dask as _dask
    import dask.dataframe as _dd
    import pandas as _pd
except ImportError as _missing:  # dask.dataframe needs pandas (and numpy) too
    _name = (_missing.name or "dask").split(".")[0]
    _debian = {"pandas": "python3-pandas", "numpy": "python3-numpy"}.get(_name, "python3-dask")
    raise ImportError(f"itsm.dask needs the Python package '{_name}', which is not installed "
                      f"(on Debian: apt-get install {_debian}; python3-distributed too, to run on a "
                      f"cluster): {_missing}", name=_missing.name) from _missing

from ._calendar import Calendar

__all__ = ["deadlines", "between"]


def deadlines(data: Any, calendar: Calendar, start: Optional[str] = None, budget: Any = None,
              at_close: str = "close", dst: str = "elapsed") -> Any:
    """Lazy `Calendar.add_many` over a Dask DataFrame or Series: each row's start plus its budget
    of business time, as a Dask Series aligned with the input's index.

    `data`: a Dask DataFrame, with `start` naming its column of datetimes (naive: the calendar's
    wall clock; tz-aware: instants), or a Dask Series of those (then `start` is left out).
    `budget`: the name of a column (of timedelta64 or integer seconds; DataFrame only), a Dask
    Series partitioned as `data`, or one value for every row (a `timedelta`, whole seconds, a
    `timedelta64`). The result holds tz-aware times in the calendar's zone, NaT where a start or
    budget is NaT, named as the start column; a bad row raises when the result is computed,
    naming its position in its partition."""
    starts = _column(data, start, "start")
    if budget is None:
        raise TypeError("deadlines: budget is required (a column name, a Dask Series or one value for all rows)")
    budgets = _column(data, budget, "budget") if isinstance(budget, str) else budget
    return _map_rows(calendar.add_many, starts, budgets, at_close, dst)


def between(data: Any, calendar: Calendar, start: Optional[str] = None, end: Any = None,
            at_close: str = "close", dst: str = "elapsed") -> Any:
    """Lazy `Calendar.between_many` over a Dask DataFrame or Series: the business time from each
    row's start to its end, as a Dask Series of timedelta64 aligned with the input's index.

    `data` and `start` as in `deadlines`. `end`: the name of a column of datetimes (DataFrame
    only), a Dask Series partitioned as `data`, or one time for every row. NaT where a start or
    end is NaT; named as the start column."""
    starts = _column(data, start, "start")
    if end is None:
        raise TypeError("between: end is required (a column name, a Dask Series or one time for all rows)")
    ends = _column(data, end, "end") if isinstance(end, str) else end
    return _map_rows(calendar.between_many, starts, ends, at_close, dst)


def _column(data: Any, name: Any, argument: str) -> Any:
    """The Dask Series `argument` refers to: a column of a Dask DataFrame by name, or `data`
    itself when it is a Dask Series and no name is given."""
    if isinstance(data, _dd.DataFrame):
        if not isinstance(name, str):
            raise TypeError(f"{argument}: expected the name of a column of the DataFrame, got {name!r}")
        if name not in data.columns:
            raise KeyError(f"{argument}: the DataFrame has no column {name!r} (its columns: {list(data.columns)})")
        return data[name]
    if isinstance(data, _dd.Series):
        if name is not None:
            instead = "leave start out" if argument == "start" else "pass a Dask Series or one value for all rows"
            raise TypeError(f"{argument}: {name!r} names a column, but the data is a Series ({instead})")
        return data
    raise TypeError(f"expected a Dask DataFrame or Series, got {type(data).__name__} "
                    "(dask.dataframe.from_pandas converts a pandas one)")


def _map_rows(bulk_call: Callable[..., Any], rows: Any, other: Any, at_close: str, dst: str) -> Any:
    """`bulk_call(rows, other)` partition by partition; `other` is a Dask Series partitioned as
    `rows` or one value for all. The result's meta is the call itself on the empty partition, so
    its dtype and name are exactly what the pandas call gives, and a wrongly typed column is
    refused here, before anything runs."""
    if isinstance(other, (_pd.Series, _pd.Index)):
        raise TypeError("a per-row argument over Dask rows must be a column name or a Dask Series partitioned as "
                        "the rows, not a pandas one (dask.dataframe.from_pandas would split it differently)")
    if isinstance(other, _dd.Series):
        if other.npartitions != rows.npartitions:
            raise ValueError(f"the per-row Series has {other.npartitions} partitions, the rows {rows.npartitions}: "
                             "take both from one DataFrame (or repartition them alike)")
        meta = bulk_call(rows._meta, other._meta, at_close=at_close, dst=dst)
    else:
        meta = bulk_call(rows._meta, other, at_close=at_close, dst=dst)
    return _dd.map_partitions(_call_on_partition, bulk_call, rows, other, at_close, dst, meta=meta,
                              align_dataframes=False)


def _call_on_partition(bulk_call: Callable[..., Any], rows: Any, other: Any, at_close: str, dst: str) -> Any:
    return bulk_call(rows, other, at_close=at_close, dst=dst)


def _map_reduce(frame: Any, per_partition: Callable[[Any], Any], merge: Callable[[Any, Any], Any],
                split_every: int = 8) -> Any:
    """A lazy value (`dask.delayed`): `per_partition` run on each pandas partition of `frame`,
    the partial results merged `split_every` at a time in a tree (so no single task gathers
    them all), down to one. `merge` must be associative, as exact accumulators' merges are; for
    reports and audits shuffled by ticket, the partials are per-partition reports."""
    if split_every < 2:
        raise ValueError(f"split_every: expected 2 or more, got {split_every}")
    partials: List[Any] = [_dask.delayed(per_partition)(part) for part in frame.to_delayed()]
    if not partials:
        raise ValueError("the frame has no partitions")
    while len(partials) > 1:
        partials = [_dask.delayed(_merge_all)(merge, partials[i:i + split_every])
                    for i in range(0, len(partials), split_every)]
    return partials[0]


def _merge_all(merge: Callable[[Any, Any], Any], partials: Sequence[Any]) -> Any:
    merged = partials[0]
    for partial in partials[1:]:
        merged = merge(merged, partial)
    return merged
