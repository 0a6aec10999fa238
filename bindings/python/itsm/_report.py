"""The service report and the compliance audit as Python objects: the dicts `itsmctl report` and
`itsmctl audit` print (`--format json`), backed by the library's accumulators, so that reports over
parts of a log merge exactly (`merge`), travel between processes (pickle, Dask) and turn into
DataFrames (`to_frames`)."""
from __future__ import annotations

import json as _json
import sys as _sys
from typing import Any, Dict, Iterator, List, Tuple, TypeVar

from . import _itsm
from ._errors import Error, _call
from ._values import json_ready

_Self = TypeVar("_Self", bound="_Figures")


class _Figures(dict):
    """A read-only dict of a report's or an audit's JSON form, kept with the accumulator it came
    from. The dict is what the tool prints; `merge`, `render` and pickling use the accumulator."""

    __slots__ = ("_core",)
    _core_class: Any = None
    _what = ""

    def __init__(self, core: Any) -> None:
        super().__init__(_json.loads(core.to_json()))
        self._core = core

    def merge(self: _Self, other: _Self) -> _Self:
        """The report of both (over disjoint sets of tickets): exact, counts, means, medians and
        percentiles included; neither operand changes. Raises itsm.Error when the two were
        measured at different instants or against different policies."""
        if type(other) is not type(self):
            raise TypeError(f"{self._what} merge: expected another {type(self).__name__}, got "
                            f"{type(other).__name__}")
        return type(self)(_call(Error, self._core.merged, other._core))

    def render(self, format: str = "table") -> str:
        """As the tool prints it: `table`, `markdown`, `csv` or `json` (as `--format`)."""
        return _call(Error, self._core.render, format)

    def state(self) -> str:
        """Everything the accumulator holds, as JSON text (docs/report-and-audit.md, "Partial
        reports"): what a pickle carries. `from_state(state())` equals this one."""
        return self._core.state()

    @classmethod
    def from_state(cls: type, state: str) -> Any:
        """The report (audit) whose `state()` is `state`; itsm.Error naming the member when the
        state is malformed."""
        return cls(_call(Error, cls._core_class.from_state, state))

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_from_state, (type(self).__name__, self.state()))

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"a {type(self).__name__} is read-only (its figures are the accumulator's); "
                        f"dict(r) is a copy you can change")

    __setitem__ = __delitem__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]
    __ior__ = _read_only  # type: ignore[assignment]

    def __copy__(self: _Self) -> _Self:
        return self  # read-only, so a copy may be the same object

    def __deepcopy__(self: _Self, memo: Dict[int, Any]) -> _Self:
        return self


class Report(_Figures):
    """The service report (`itsmctl report --format json`, as a read-only dict): SLA compliance,
    response and resolution times, reopen rate, backlog, time per state, changes and the top
    refused events (docs/report-and-audit.md). `merge` combines reports over disjoint sets of
    tickets exactly; `to_frames` gives its tables as pandas DataFrames; it pickles."""

    __slots__ = ()
    _core_class = _itsm.Report
    _what = "report"

    def to_frames(self) -> Dict[str, Any]:
        """The report's tables as pandas DataFrames: `processes` (one row per process and
        priority, "all" first; the SLA clocks and the duration summaries as flat columns such as
        `sla.resolution.met` and `resolution_hours.median`), `backlog`, `time_in_state`, `changes`,
        `top_refusals`, and `data_quality` (one row per count; `refused_by_code` as
        `refused_by_code.<code>`)."""
        pd = _pandas()
        quality = {k: v for k, v in self["data_quality"].items() if k not in ("refused_by_code", "skipped_lines")}
        quality.update({f"refused_by_code.{code}": n for code, n in self["data_quality"]["refused_by_code"].items()})
        return {
            "processes": _frame(pd, self["processes"], ["process", "priority", "tickets"]),
            "backlog": _frame(pd, self["backlog"], ["process", "age", "open"]),
            "time_in_state": _frame(pd, self["time_in_state"], ["process", "state", "hours.n", "hours.mean",
                                                                 "hours.median", "hours.p90"]),
            "changes": _frame(pd, self["changes"], ["process", "successful", "failed", "refused", "cancelled",
                                                    "in_progress"]),
            "top_refusals": _frame(pd, self["top_refusals"], ["process", "event", "code", "count"]),
            "data_quality": pd.DataFrame({"count": pd.Series(quality, dtype="int64")}).rename_axis("measure"),
        }

    def __repr__(self) -> str:
        return (f"<itsm.Report {self['tickets']} tickets, {self['events']} events ({self['refused']} refused), "
                f"measured at {self['now']}>")


class Audit(_Figures):
    """The compliance audit (`itsmctl audit --format json`, as a read-only dict): findings naming
    the ticket, the rule, a severity and the evidence. Mergeable and picklable as a `Report`."""

    __slots__ = ()
    _core_class = _itsm.Audit
    _what = "audit"

    def to_frames(self) -> Dict[str, Any]:
        """`findings` (ticket, rule, severity, evidence) as a pandas DataFrame, under that key."""
        pd = _pandas()
        return {"findings": _frame(pd, self["findings"], ["ticket", "rule", "severity", "evidence"])}

    def __repr__(self) -> str:
        return (f"<itsm.Audit {len(self['findings'])} findings over {self['tickets']} tickets, "
                f"measured at {self['now']}>")


def _from_state(kind: str, state: str) -> _Figures:
    """Unpickles a Report or an Audit."""
    return {"Report": Report, "Audit": Audit}[kind].from_state(state)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError("to_frames needs pandas (Debian: python3-pandas)") from None
    return pandas


def _frame(pd: Any, rows: List[Dict[str, Any]], columns: List[str]) -> Any:
    """Rows of nested dicts as a flat DataFrame (`a.b` columns), with `columns` first even when
    there are no rows."""
    frame = pd.json_normalize(rows) if rows else pd.DataFrame(columns=columns)
    rest = [c for c in frame.columns if c not in columns]
    return frame[[c for c in columns if c in frame.columns] + rest]


# --- DataFrames of event lines -------------------------------------------------------------------
def is_data_frame(value: Any) -> bool:
    pd = _sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.DataFrame)


def _missing(pd: Any, value: Any) -> bool:
    """An empty cell: None, NaN, NaT or pd.NA (the row lacks that key)."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def frame_lines(frame: Any) -> Iterator[str]:
    """The event lines of a DataFrame with the event-line columns (docs/events.md), one row a
    line in row order. An empty cell means the row lacks that key (DataFrames have every column
    on every row); whole numbers in a float column (pandas' way of holding integers beside empty
    cells, such as `seq`) are written as integers; datetimes must be aware and are written as
    RFC 3339; a value that is not JSON is an itsm.Error naming the row and column."""
    pd = _sys.modules["pandas"]
    columns = [str(c) for c in frame.columns]
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        event: Dict[str, Any] = {}
        for column, value in zip(columns, values):
            if not _missing(pd, value):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                event[column] = value
        yield _json.dumps(json_ready(event, f"row {position}", Error), allow_nan=False)
