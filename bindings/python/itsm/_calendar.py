"""Business calendars (re-exported by the package)."""
from __future__ import annotations

import datetime as _dt
import json as _json
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _itsm
from ._errors import CalendarError, _call, _code, _load
from ._frames import check_rows, duration_seconds, pandas_kind, result_zone, spans, time_seconds
from ._frames import times as _pandas_times
from ._time import ResultZone, calendar_instant, instant_seconds, is_datetime64
from ._values import int_arg, seconds_arg, str_arg

# What `_events` and older callers import from here.
_instant_seconds = instant_seconds

_FIRST_YEAR, _LAST_YEAR = _itsm.supported_years
_YEARS = f"the supported years {_FIRST_YEAR}..{_LAST_YEAR}"
# The longest business duration there can be: the supported years end to end (the library's bound).
_SPAN = int((_dt.datetime(_LAST_YEAR + 1, 1, 1) - _dt.datetime(_FIRST_YEAR, 1, 1)).total_seconds())
_INT32 = 2 ** 31
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Pauses = Optional[Sequence[Tuple[Any, Any]]]


class Calendar:
    """A business calendar: working hours, holidays, overrides and a time zone.

    Times go in as aware datetimes (instants), naive datetimes or numpy datetime64 (readings of
    the calendar's wall clock) or RFC 3339 text; results come out as aware datetimes in the
    calendar's zone (a `zoneinfo.ZoneInfo` for an IANA zone). docs/python.md, "Times and naive
    values", has the rule; docs/calendars.md the JSON form and the conventions.

        >>> import datetime as dt
        >>> cal = itsm.Calendar.from_json({"timezone": "Europe/Berlin",
        ...                                "week": {"fri": [["08:00", "18:00"]], "mon": [["08:00", "18:00"]]}})
        >>> cal
        <itsm.Calendar Europe/Berlin, working mon fri, 0 holiday rules, 0 overrides>
        >>> cal.add(dt.datetime(2026, 3, 27, 16, 0), dt.timedelta(hours=4))  # naive: Berlin wall time
        datetime.datetime(2026, 3, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo(key='Europe/Berlin'))
    """

    def __init__(self, core: "_itsm.Calendar"):
        """Internal: use `from_json`."""
        self._core = core
        self._zone = ResultZone(core.timezone, core.offset_at)

    @classmethod
    def from_json(cls, spec: Union[str, Dict[str, Any]]) -> "Calendar":
        """Loads the JSON form, given as text or as a dict."""
        return cls(_load(_itsm.Calendar, spec, CalendarError))

    @property
    def timezone(self) -> str:
        """The zone's name as given in the JSON (`UTC` by default)."""
        return self._core.timezone

    def to_json(self) -> Dict[str, Any]:
        """The canonical JSON form as a dict."""
        return _json.loads(self._core.to_json())

    def __reduce__(self) -> Tuple[Any, ...]:
        """Pickles as the canonical JSON form; unpickling loads it again (the library's only way to
        make a calendar, and a cheap one: it compiles nothing until asked)."""
        return (Calendar.from_json, (self._core.to_json(),))

    def __repr__(self) -> str:
        spec = self.to_json()
        days = " ".join(d for d in _DAYS if spec["week"].get(d)) or "never"
        return (f"<itsm.Calendar {spec['timezone']}, working {days}, {len(spec['holidays'])} holiday rules, "
                f"{len(spec['overrides'])} overrides>")

    # --- arguments -----------------------------------------------------------------------
    def _instant(self, value: Any, field: str) -> int:
        return calendar_instant(self._core, value, field)

    def _options(self, pauses: Pauses, at_close: Any, dst: Any) -> Tuple[str, str, List[Tuple[int, int]]]:
        at_close = str_arg(at_close, "at_close")
        dst = str_arg(dst, "dst")
        if pauses is None:
            return at_close, dst, []
        if isinstance(pauses, (str, bytes, dict)):
            raise TypeError(f"pauses: expected a list of (begin, end) pairs, got {type(pauses).__name__}")
        spans = []
        for i, pause in enumerate(pauses):
            if not isinstance(pause, (tuple, list)) or len(pause) != 2:
                raise TypeError(f"pauses[{i}]: expected a (begin, end) pair, got {pause!r}")
            spans.append((self._instant(pause[0], f"pauses[{i}].begin"), self._instant(pause[1], f"pauses[{i}].end")))
        return at_close, dst, spans

    # --- operations ----------------------------------------------------------------------
    def add(self, start: Any, delta: Any, pauses: Pauses = None, at_close: str = "close",
            dst: str = "elapsed") -> _dt.datetime:
        """The deadline `delta` (a timedelta or whole seconds) of business time after `start`
        (before it when negative)."""
        t = self._instant(start, "start")
        seconds = _business_seconds(delta, "delta")
        options = self._options(pauses, at_close, dst)
        return self._zone.datetime(_call(CalendarError, self._core.add, t, seconds, *options))

    def between(self, a: Any, b: Any, pauses: Pauses = None, at_close: str = "close",
                dst: str = "elapsed") -> _dt.timedelta:
        """Signed business time in [a, b) (negative when b < a)."""
        ta, tb = self._instant(a, "a"), self._instant(b, "b")
        return _dt.timedelta(seconds=_call(CalendarError, self._core.between, ta, tb,
                                           *self._options(pauses, at_close, dst)))

    def next_open(self, t: Any, pauses: Pauses = None, at_close: str = "close", dst: str = "elapsed") -> _dt.datetime:
        """`t` when it is working time, else the start of the next working stretch."""
        return self._step("next_open", t, pauses, at_close, dst)

    def next_close(self, t: Any, pauses: Pauses = None, at_close: str = "close", dst: str = "elapsed") -> _dt.datetime:
        """The end of the working stretch holding `t`, or of the next one."""
        return self._step("next_close", t, pauses, at_close, dst)

    def prev_close(self, t: Any, pauses: Pauses = None, at_close: str = "close", dst: str = "elapsed") -> _dt.datetime:
        """`t` when it is working or ends a stretch, else the end of the previous stretch."""
        return self._step("prev_close", t, pauses, at_close, dst)

    def add_working_days(self, t: Any, days: int, pauses: Pauses = None, at_close: str = "close",
                         dst: str = "elapsed") -> _dt.datetime:
        """The same wall time `days` working days after `t` (before it when negative)."""
        start = self._instant(t, "t")
        days = int_arg(days, "days")
        if not -_INT32 < days < _INT32:
            raise CalendarError(f"days: {days} reaches past {_YEARS}", _code("out_of_range"))
        return self._zone.datetime(_call(CalendarError, self._core.add_working_days, start, days,
                                         *self._options(pauses, at_close, dst)))

    def holidays(self, year: int) -> List[_dt.date]:
        """The holiday dates of `year` by the calendar's rules (observed days included), sorted."""
        year = int_arg(year, "year")
        if not _FIRST_YEAR <= year <= _LAST_YEAR:
            raise CalendarError(f"year: {year} is outside {_YEARS}", _code("out_of_range"))
        return [_dt.date(y, m, d) for y, m, d in _call(CalendarError, self._core.holidays, year)]

    def _step(self, op: str, t: Any, pauses: Pauses, at_close: Any, dst: Any) -> _dt.datetime:
        start = self._instant(t, "t")
        return self._zone.datetime(_call(CalendarError, self._core.step, op, start,
                                         *self._options(pauses, at_close, dst)))

    # --- bulk --------------------------------------------------------------------------
    def add_many(self, starts: Any, deltas: Any, at_close: str = "close", dst: str = "elapsed") -> Any:
        """`add` over many starts in one call, in C++ without the GIL.

        `starts`: a numpy array of datetime64 (naive: the calendar's wall clock) or of int64 epoch
        seconds (instants), a pandas Series of datetimes or a DatetimeIndex (naive or tz-aware),
        or a sequence of what `add` takes. `deltas`: one timedelta / number of seconds for all,
        or one per start (a numpy timedelta64 or integer array, a pandas Series of those, or a
        sequence). Returns, for datetime64 starts, datetime64[s] deadlines on the calendar's wall
        clock; for int64 starts, int64 epoch seconds; for pandas starts, the same kind (a Series
        keeps its index and name) of tz-aware times in the calendar's zone, NaT where a start or
        delta is NaT; for a sequence, a list of aware datetimes. The first query that fails
        raises, naming its index.

            >>> import pandas as pd
            >>> cal = itsm.Calendar.from_json({"timezone": "Europe/Berlin",
            ...                                "week": {"mon": [["08:00", "18:00"]], "fri": [["08:00", "18:00"]]}})
            >>> opened = pd.Series(pd.to_datetime(["2026-03-27 16:00", None]), index=["INC1", "INC2"])
            >>> cal.add_many(opened, pd.Series(pd.to_timedelta([4, 1], unit="h"), index=opened.index))
            INC1   2026-03-30 10:00:00+02:00
            INC2                         NaT
            dtype: datetime64[ns, Europe/Berlin]
        """
        at_close, dst = str_arg(at_close, "at_close"), str_arg(dst, "dst")
        if pandas_kind(starts) is not None:
            np = _numpy()
            s, wall = time_seconds(np, starts, "starts")
            d = self._pandas_seconds(np, starts, deltas, "deltas")
            out = _call(CalendarError, self._core.add_many, s, d, at_close, dst, wall, False, True)
            return self._pandas_times(np, out, starts)
        np = _numpy()
        if np is None:  # numpy is optional: one call per query
            values = _spread(deltas, len(starts))
            return [self.add(s, v, at_close=at_close, dst=dst) for s, v in zip(starts, values)]
        s, wall = self._instants(np, starts, "starts", many=True)
        out = _call(CalendarError, self._core.add_many, s, self._seconds(np, deltas, "deltas"), at_close, dst, wall,
                    wall, False)
        if isinstance(starts, np.ndarray):
            return out.astype("datetime64[s]") if wall else out
        return [self._zone.datetime(int(x)) for x in out]

    def between_many(self, starts: Any, ends: Any, at_close: str = "close", dst: str = "elapsed") -> Any:
        """`between` over many pairs in one call (numpy arrays, pandas Series or DatetimeIndex, or
        sequences, as `add_many`; one end for all, or one per start). Returns a numpy
        timedelta64[s] array for numpy starts; for pandas starts a Series of timedelta64 (same
        index and name) or a TimedeltaIndex, NaT where a start or end is NaT; else a list of
        timedeltas."""
        at_close, dst = str_arg(at_close, "at_close"), str_arg(dst, "dst")
        if pandas_kind(starts) is not None:
            np = _numpy()
            a, wall_a = time_seconds(np, starts, "starts")
            if pandas_kind(ends) is not None:
                check_rows(starts, ends, "ends", len(a))
                b, wall_b = time_seconds(np, ends, "ends")
            else:
                b, wall_b = self._instants(np, ends, "ends", many=False)
                if b.size not in (1, a.size):
                    raise ValueError(f"ends: expected one value or one per row ({a.size}), got {b.size}")
            out = _call(CalendarError, self._core.between_many, a, b, at_close, dst, wall_a, wall_b, True)
            return spans(np, out, starts)
        np = _numpy()
        if np is None:
            values = _spread(ends, len(starts))
            return [self.between(a, b, at_close=at_close, dst=dst) for a, b in zip(starts, values)]
        a, wall_a = self._instants(np, starts, "starts", many=True)
        b, wall_b = self._instants(np, ends, "ends", many=False)
        out = _call(CalendarError, self._core.between_many, a, b, at_close, dst, wall_a, wall_b, False)
        if isinstance(starts, np.ndarray):
            return out.astype("timedelta64[s]")
        return [_dt.timedelta(seconds=int(x)) for x in out]

    def next_open_many(self, times: Any, at_close: str = "close", dst: str = "elapsed") -> Any:
        """`next_open` over many times in one call; arguments and results as `add_many`'s starts
        and results."""
        return self._step_many("next_open", times, at_close, dst)

    def next_close_many(self, times: Any, at_close: str = "close", dst: str = "elapsed") -> Any:
        """`next_close` over many times in one call; arguments and results as `add_many`'s starts
        and results."""
        return self._step_many("next_close", times, at_close, dst)

    def _step_many(self, op: str, times: Any, at_close: Any, dst: Any) -> Any:
        at_close, dst = str_arg(at_close, "at_close"), str_arg(dst, "dst")
        np = _numpy()
        if pandas_kind(times) is not None:
            t, wall = time_seconds(np, times, "times")
            out = _call(CalendarError, self._core.step_many, op, t, at_close, dst, wall, False, True)
            return self._pandas_times(np, out, times)
        if np is None:
            return [self._step(op, t, None, at_close, dst) for t in times]
        t, wall = self._instants(np, times, "times", many=True)
        out = _call(CalendarError, self._core.step_many, op, t, at_close, dst, wall, wall, False)
        if isinstance(times, np.ndarray):
            return out.astype("datetime64[s]") if wall else out
        return [self._zone.datetime(int(x)) for x in out]

    def _pandas_seconds(self, np: Any, rows: Any, deltas: Any, name: str) -> Any:
        """Business seconds for pandas rows: one for all, or one per row (a Series, aligned)."""
        if pandas_kind(deltas) is not None:
            check_rows(rows, deltas, name, len(rows))
            return duration_seconds(np, deltas, name)
        seconds = self._seconds(np, deltas, name)
        if seconds.size not in (1, len(rows)):
            raise ValueError(f"{name}: expected one value or one per row ({len(rows)}), got {seconds.size}")
        return seconds

    def _pandas_times(self, np: Any, seconds: Any, like: Any) -> Any:
        return _pandas_times(np, seconds, like, result_zone(self._zone, self._core.offset_at))

    def _instants(self, np: Any, xs: Any, name: str, many: bool) -> Tuple[Any, bool]:
        """int64 values and whether they are wall times (datetime64) rather than epoch seconds."""
        if isinstance(xs, np.ndarray) and xs.dtype != object:
            if np.issubdtype(xs.dtype, np.datetime64):
                nat = np.flatnonzero(np.isnat(xs))
                if nat.size:
                    raise CalendarError(f"{name}[{nat[0]}]: NaT is not a time", _code("invalid_argument"))
                return xs.astype("datetime64[s]").astype(np.int64), True
            if np.issubdtype(xs.dtype, np.integer):
                return xs.astype(np.int64, copy=False), False
            raise TypeError(f"{name}: expected an array of datetime64 or of int64 epoch seconds, got {xs.dtype}")
        if not many and (isinstance(xs, (_dt.datetime, str)) or is_datetime64(xs)):
            return np.array([self._instant(xs, name)], dtype=np.int64), False
        if isinstance(xs, (str, bytes, dict)) or not hasattr(xs, "__iter__"):
            raise TypeError(f"{name}: expected a numpy array or a sequence of times, got {type(xs).__name__}")
        return np.array([self._instant(x, f"{name}[{i}]") for i, x in enumerate(xs)], dtype=np.int64), False

    def _seconds(self, np: Any, xs: Any, name: str) -> Any:
        if isinstance(xs, np.ndarray) and xs.dtype != object:
            if np.issubdtype(xs.dtype, np.timedelta64):
                nat = np.flatnonzero(np.isnat(xs))
                if nat.size:
                    raise TypeError(f"{name}[{nat[0]}]: NaT is not a duration")
                return xs.astype("timedelta64[s]").astype(np.int64)
            if np.issubdtype(xs.dtype, np.integer):
                return xs.astype(np.int64, copy=False)
            raise TypeError(f"{name}: expected an array of timedelta64 or of integer seconds, got {xs.dtype}")
        if isinstance(xs, (str, bytes, dict)) or not hasattr(xs, "__iter__"):
            return np.array([_business_seconds(xs, name)], dtype=np.int64)
        return np.array([_business_seconds(x, f"{name}[{i}]") for i, x in enumerate(xs)], dtype=np.int64)


def _business_seconds(value: Any, name: str) -> int:
    """Whole seconds of a business duration, within what the supported years can hold."""
    seconds = seconds_arg(value, name)
    if not -_SPAN <= seconds <= _SPAN:
        raise CalendarError(f"{name}: {seconds} seconds reaches outside {_YEARS}", _code("out_of_range"))
    return seconds


def _spread(values: Any, n: int) -> List[Any]:
    """One value for each of `n` queries: a sequence as it is, anything else repeated."""
    if isinstance(values, (list, tuple)):
        return list(values)
    return [values] * n


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        return None
    return numpy
