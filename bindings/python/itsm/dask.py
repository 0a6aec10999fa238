"""The calendar bulk calls over Dask collections, so a table larger than one machine holds is
worked on by a cluster's workers, partition by partition (docs/python.md, "Dask").

`deadlines` and `between` are lazy: they return a Dask Series aligned with the input's index
(same partitions and divisions), typed as the pandas calls type their results; `.compute()` (or a
`distributed.Client`) runs them. Each partition goes through the pandas bulk call
(`Calendar.add_many` / `between_many`), so a row's result is what the single-process pandas call
gives for it, NaT rows included. The calendar travels to the workers pickled (by its JSON form).

`report` and `audit` give the service report and the compliance audit of a Dask DataFrame of event
lines: the rows are numbered in order, shuffled by ticket, read into one event store per partition
as those lines read within the whole log, and the partial reports merged in a tree; the result
equals `itsm.report` / `itsm.audit` (and so `itsmctl report` / `audit`) over the same rows.

`import itsm` never imports this module, nor dask: `import itsm.dask` does, and raises an
ImportError naming the missing package and the Debian package to install when dask is absent.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

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
from ._errors import Error, _call
from ._events import EventStore, Instant, Policy, _now, _policy_text, _read_options
from ._process import Workflow
from ._report import Audit, Report, frame_lines

__all__ = ["deadlines", "between", "report", "audit"]

_LINE = "__itsm_line__"  # the column the rows' numbers travel in through the shuffle
_GROUP = "__itsm_group__"  # the column the shuffle splits on: the ticket, or the engagement of a finding


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


def report(events: Any, policy: Policy = None, now: Optional[Instant] = None, workflows: Sequence[Workflow] = (),
           order: str = "time", split_every: int = 8) -> Report:
    """The service report of a Dask DataFrame of events (the event-line columns, one row a line,
    in log order across partitions, as `dask.dataframe.read_json(path, lines=True)` gives them):
    equal to `itsm.report` over the same rows and to `itsmctl report --format json` over the
    log they came from, with `policy`, `now`, `workflows` and `order` as there.

    Computes now and returns an `itsm.Report` (with a `distributed.Client` in effect, on its
    cluster): rows are numbered, shuffled by `ticket`, each partition read into its own event
    store (its lines keeping their numbers, so ties and refusals read as in the whole log), and
    the partial reports merged `split_every` at a time. Without `now`, the report is measured at
    the latest record of all the partitions, as the single-process report is; the stores are
    kept on the workers meanwhile (`persist`), so no event is applied twice."""
    return _read_and_merge(events, "report", policy, now, workflows, order, split_every)


def audit(events: Any, policy: Policy = None, now: Optional[Instant] = None, workflows: Sequence[Workflow] = (),
          order: str = "time", split_every: int = 8) -> Audit:
    """The compliance audit of a Dask DataFrame of events, as `report` computes the report: equal
    to `itsm.audit` over the same rows (a hash-chain export is checked by `itsm.audit`'s
    `chain`, over one process)."""
    return _read_and_merge(events, "audit", policy, now, workflows, order, split_every)


def _read_and_merge(events: Any, kind: str, policy: Policy, now: Optional[Instant], workflows: Sequence[Workflow],
                    order: str, split_every: int) -> Any:
    if not isinstance(events, _dd.DataFrame):
        raise TypeError(f"events: expected a Dask DataFrame of event lines, got {type(events).__name__} "
                        "(itsm.report and itsm.audit take a pandas one)")
    if "ticket" not in events.columns:
        raise KeyError(f"events: the DataFrame has no 'ticket' column (its columns: {list(events.columns)})")
    for own in (_LINE, _GROUP):
        if own in events.columns:
            raise ValueError(f"events: the column name {own!r} is itsm's own")
    if split_every < 2:
        raise ValueError(f"split_every: expected 2 or more, got {split_every}")
    policy_text = _policy_text(policy)  # read here: a policy file need not exist on the workers
    options = _read_options(order, now, False)
    at = _now(now)
    workflows = list(workflows)
    # Line numbers first: a partition's numbers start after the rows of the ones before it. And
    # the group of each ticket: tickets that read one another must be read by one store.
    parts = events.to_delayed()
    lengths = [_dask.delayed(len)(part) for part in parts]
    groups = _dask.delayed(_ticket_groups)([_dask.delayed(_engagement_links)(part) for part in parts])
    numbered = [_dask.delayed(_number_rows)(part, lengths[:i], groups) for i, part in enumerate(parts)]
    meta = events._meta.assign(**{_LINE: _pd.Series([], dtype="int64"), _GROUP: _pd.Series([], dtype=object)})
    by_group = _dd.from_delayed(numbered, meta=meta, verify_meta=False).shuffle(_GROUP)
    stores = [_dask.delayed(_read_part)(part, workflows, options) for part in by_group.to_delayed()]
    if at is None:
        stores = list(_dask.persist(*stores))
        at = max(_dask.compute(*[_dask.delayed(_last_time)(store) for store in stores]))
    partials = [_dask.delayed(_part_figures)(store, kind, policy_text, at) for store in stores]
    return _dask.compute(_merge_tree(partials, _merge_figures, split_every))[0]


def _engagement_links(part: Any) -> List[Tuple[str, str]]:
    """(ticket, engagement) for each row whose fields name an engagement: an audit engagement's
    close guard (`all_findings_closed`) reads the findings that name it, so they must be in its
    store (docs/report-and-audit.md, "Partial reports")."""
    if "fields" not in part.columns or "ticket" not in part.columns:
        return []
    return [(ticket, fields["engagement"]) for ticket, fields in zip(part["ticket"], part["fields"])
            if isinstance(ticket, str) and isinstance(fields, dict) and isinstance(fields.get("engagement"), str)]


def _ticket_groups(links_per_part: Sequence[List[Tuple[str, str]]]) -> Dict[str, str]:
    """The group of each linked ticket: tickets joined by links, transitively, share one (the
    smallest id among them, so the grouping does not depend on the order of the links)."""
    parent: Dict[str, str] = {}

    def root(t: str) -> str:
        while parent.get(t, t) != t:
            t = parent[t]
        return t

    for links in links_per_part:
        for a, b in links:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {t: root(t) for t in parent}


def _number_rows(part: Any, lengths_before: Sequence[int], groups: Dict[str, str]) -> Any:
    first = sum(lengths_before) + 1
    tickets = part["ticket"]
    group = tickets.map(groups).where(tickets.isin(list(groups)), tickets) if groups else tickets
    return part.assign(**{_LINE: range(first, first + len(part)), _GROUP: group.astype(object)})


def _read_part(part: Any, workflows: List[Workflow], options: str) -> EventStore:
    """The event store of one partition's rows, read in the order of their numbers. Kept
    picklable (by its lines), so Dask may move it between workers."""
    part = part.sort_values(_LINE, kind="stable")
    store = EventStore(workflows)
    lines = list(frame_lines(part.drop(columns=[_LINE, _GROUP])))
    store._read_numbered(lines, [int(n) for n in part[_LINE]], options)
    return store


def _last_time(store: EventStore) -> int:
    return int(store._core.last_event_time())


def _part_figures(store: EventStore, kind: str, policy_text: str, at: int) -> Any:
    if kind == "report":
        return Report(_call(Error, store._core.report, policy_text, at))
    return Audit(_call(Error, store._core.audit, policy_text, at, "", ""))


def _merge_figures(a: Any, b: Any) -> Any:
    return a.merge(b)


def _map_reduce(frame: Any, per_partition: Callable[[Any], Any], merge: Callable[[Any, Any], Any],
                split_every: int = 8) -> Any:
    """A lazy value (`dask.delayed`): `per_partition` run on each pandas partition of `frame`,
    the partial results merged `split_every` at a time in a tree (so no single task gathers
    them all), down to one. `merge` must be associative, as exact accumulators' merges are."""
    if split_every < 2:
        raise ValueError(f"split_every: expected 2 or more, got {split_every}")
    return _merge_tree([_dask.delayed(per_partition)(part) for part in frame.to_delayed()], merge, split_every)


def _merge_tree(partials: List[Any], merge: Callable[[Any, Any], Any], split_every: int) -> Any:
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
