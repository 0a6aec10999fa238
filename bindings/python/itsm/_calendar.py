"""Business calendars and SLA clocks (re-exported by the package)."""
from __future__ import annotations

import dataclasses as _dataclasses
import datetime as _dt
import json as _json
from typing import List, Optional, Sequence, Tuple, Union

from . import _itsm
from ._errors import CalendarError, SLAError, _call, _load

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class Calendar:
    """A business calendar: working hours, holidays, overrides and a time zone.

    Aware datetimes go in and come out (in the calendar's zone); a naive datetime means the
    calendar's wall clock. docs/calendars.md has the JSON form and the exact conventions.
    """

    def __init__(self, core: "_itsm.Calendar"):
        self._core = core

    @classmethod
    def from_json(cls, spec: Union[str, dict]) -> "Calendar":
        """Loads the JSON form, given as text or as a dict."""
        return cls(_load(_itsm.Calendar, spec, CalendarError))

    @property
    def timezone(self) -> str:
        """The zone's name as given in the JSON (`UTC` by default)."""
        return self._core.timezone

    def to_json(self) -> dict:
        """The canonical JSON form as a dict."""
        return _json.loads(self._core.to_json())

    # --- conversions -------------------------------------------------------------------
    def _epoch(self, t: _dt.datetime) -> int:
        if not isinstance(t, _dt.datetime):
            raise TypeError(f"expected a datetime, got {type(t).__name__}")
        if t.tzinfo is None or t.utcoffset() is None:
            return _call(CalendarError, self._core.parse_time, t.replace(microsecond=0).isoformat())
        return (t - _EPOCH) // _dt.timedelta(seconds=1)

    def _datetime(self, seconds: int) -> _dt.datetime:
        offset = _dt.timedelta(seconds=self._core.offset_at(seconds))
        tz = _dt.timezone.utc if not offset else _dt.timezone(offset)
        return _EPOCH.astimezone(tz) + _dt.timedelta(seconds=seconds)

    def _pauses(self, pauses) -> list:
        return [(self._epoch(b), self._epoch(e)) for b, e in (pauses or [])]

    # --- operations --------------------------------------------------------------------
    def add(self, start: _dt.datetime, delta: _dt.timedelta, pauses=None,
            at_close: str = "close", dst: str = "elapsed") -> _dt.datetime:
        """The deadline `delta` of business time after `start` (before it when negative)."""
        secs = delta // _dt.timedelta(seconds=1) if isinstance(delta, _dt.timedelta) else int(delta)
        return self._datetime(_call(CalendarError, self._core.add, self._epoch(start), secs, at_close, dst,
                                    self._pauses(pauses)))

    def between(self, a: _dt.datetime, b: _dt.datetime, pauses=None,
                at_close: str = "close", dst: str = "elapsed") -> _dt.timedelta:
        """Signed business time in [a, b) (negative when b < a)."""
        secs = _call(CalendarError, self._core.between, self._epoch(a), self._epoch(b), at_close, dst,
                     self._pauses(pauses))
        return _dt.timedelta(seconds=secs)

    def next_open(self, t: _dt.datetime, pauses=None, at_close: str = "close",
                  dst: str = "elapsed") -> _dt.datetime:
        """`t` when it is working time, else the start of the next working stretch."""
        return self._step("next_open", t, pauses, at_close, dst)

    def next_close(self, t: _dt.datetime, pauses=None, at_close: str = "close",
                   dst: str = "elapsed") -> _dt.datetime:
        """The end of the working stretch holding `t`, or of the next one."""
        return self._step("next_close", t, pauses, at_close, dst)

    def prev_close(self, t: _dt.datetime, pauses=None, at_close: str = "close",
                   dst: str = "elapsed") -> _dt.datetime:
        """`t` when it is working or ends a stretch, else the end of the previous stretch."""
        return self._step("prev_close", t, pauses, at_close, dst)

    def add_working_days(self, t: _dt.datetime, days: int, pauses=None, at_close: str = "close",
                         dst: str = "elapsed") -> _dt.datetime:
        """The same wall time `days` working days after `t` (before it when negative)."""
        if not isinstance(days, int) or isinstance(days, bool):
            raise TypeError(f"days: expected an int, got {type(days).__name__}")
        return self._datetime(_call(CalendarError, self._core.add_working_days, self._epoch(t), days, at_close,
                                    dst, self._pauses(pauses)))

    def holidays(self, year: int) -> List[_dt.date]:
        """The holiday dates of `year` by the calendar's rules (observed days included), sorted."""
        return [_dt.date(y, m, d) for y, m, d in _call(CalendarError, self._core.holidays, year)]

    def _step(self, op, t, pauses, at_close, dst):
        return self._datetime(_call(CalendarError, self._core.step, op, self._epoch(t), at_close, dst,
                                    self._pauses(pauses)))

    # --- bulk --------------------------------------------------------------------------
    def add_many(self, starts, deltas, at_close: str = "close", dst: str = "elapsed"):
        """`add` over many starts in one call, without a Python loop and without holding the GIL.

        `starts`: a numpy array of datetime64 (UTC instants) or of int64 epoch seconds, or a
        sequence of datetimes. `deltas`: one timedelta / number of seconds for all, or one per
        start (a numpy timedelta64 or int64 array, or a sequence). Returns a numpy datetime64[s]
        array (UTC) for datetime64 input, an int64 array for int64 input, else a list of aware
        datetimes. The first query that fails raises, naming its index.
        """
        return self._many(self._core.add_many, starts, deltas, kind="delta", at_close=at_close, dst=dst)

    def between_many(self, starts, ends, at_close: str = "close", dst: str = "elapsed"):
        """`between` over many pairs in one call (numpy arrays or sequences, as `add_many`).
        Returns business seconds: an int64 array for numpy input, else a list of timedeltas."""
        return self._many(self._core.between_many, starts, ends, kind="instant", at_close=at_close, dst=dst)

    def _many(self, core_call, starts, values, kind, at_close, dst):
        np = _numpy()
        numpy_in = np is not None and isinstance(starts, np.ndarray)
        if np is None:
            # Without numpy: the scalar calls, one by one.
            if kind == "delta":
                one = not isinstance(values, (list, tuple))
                return [self.add(s, values if one else v, at_close=at_close, dst=dst)
                        for s, v in zip(starts, [values] * len(starts) if one else values)]
            return [self.between(a, b, at_close=at_close, dst=dst) for a, b in zip(starts, values)]
        s = self._instants(np, starts)
        v = self._durations(np, values) if kind == "delta" else self._instants(np, values)
        out = _call(CalendarError, core_call, s, v, at_close, dst)
        if kind == "instant":
            return out if numpy_in else [_dt.timedelta(seconds=int(x)) for x in out]
        if numpy_in:
            return out.astype("datetime64[s]") if np.issubdtype(starts.dtype, np.datetime64) else out
        return [self._datetime(int(x)) for x in out]

    def _instants(self, np, xs):
        if isinstance(xs, np.generic):
            xs = np.array([xs])
        if isinstance(xs, np.ndarray):
            if np.issubdtype(xs.dtype, np.datetime64):
                return xs.astype("datetime64[s]").astype(np.int64)
            return xs.astype(np.int64, copy=False)
        if isinstance(xs, _dt.datetime):
            return np.array([self._epoch(xs)], dtype=np.int64)
        return np.fromiter((self._epoch(x) for x in xs), dtype=np.int64)

    def _durations(self, np, xs):
        if isinstance(xs, np.generic):
            xs = np.array([xs])
        if isinstance(xs, np.ndarray):
            if np.issubdtype(xs.dtype, np.timedelta64):
                return xs.astype("timedelta64[s]").astype(np.int64)
            return xs.astype(np.int64, copy=False)
        if isinstance(xs, (_dt.timedelta, int)):
            xs = [xs]
        return np.fromiter((x // _dt.timedelta(seconds=1) if isinstance(x, _dt.timedelta) else int(x) for x in xs),
                           dtype=np.int64)


@_dataclasses.dataclass(frozen=True)
class SLAStatus:
    """One SLA clock at a given time (docs/sla.md, "Evaluation", gives each member's meaning)."""
    status: str                       #: not_started, running, paused, met, breached, breached_met, cancelled
    priority: str
    target: _dt.timedelta
    elapsed: _dt.timedelta            #: business time on the clock, pauses excluded
    remaining: _dt.timedelta          #: target - elapsed; negative once breached
    percent: float
    deadline: Optional[_dt.datetime]  #: where the target is used up if the clock runs on (UTC)
    breached_at: Optional[_dt.datetime]
    warnings: List[Tuple[int, _dt.datetime]]  #: thresholds crossed: (percent, when)
    cycle: int

    @classmethod
    def _from_json(cls, text: str) -> "SLAStatus":
        j = _json.loads(text)
        sec = lambda n: _dt.timedelta(seconds=n)
        return cls(j["status"], j["priority"], sec(j["target"]), sec(j["elapsed"]), sec(j["remaining"]),
                   j["percent"], _utc(j.get("deadline")), _utc(j.get("breached_at")),
                   [(w["percent"], _utc(w["at"])) for w in j["warnings"]], j["cycle"])


def _instant_seconds(value, where: str, kind: type) -> int:
    """Epoch seconds of an instant: an aware datetime or RFC 3339 text with an offset (a naive
    one is refused: an instant needs its offset). Sub-second parts are truncated toward the past."""
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise kind(f"{where}: '{value}' is not an RFC 3339 time", -1) from None
    if not isinstance(value, _dt.datetime):
        raise kind(f"{where}: expected an aware datetime, got {type(value).__name__}", -1)
    if value.tzinfo is None or value.utcoffset() is None:
        raise kind(f"{where}: a naive datetime; give an aware one (an instant)", -1)
    return (value - _EPOCH) // _dt.timedelta(seconds=1)


def _utc(text: Optional[str]) -> Optional[_dt.datetime]:
    return None if text is None else _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class SLA:
    """An SLA definition: targets per priority, business hours, start / pause / stop / cancel.

        >>> sla = itsm.SLA.from_json({"name": "resolution", "targets": {"P1": 14400},
        ...                           "stop": {"categories": ["resolved", "closed"]}})
        >>> sla.evaluate([{"at": t0, "state": "new", "category": "new", "priority": "P1"}], now)
    """

    def __init__(self, core: "_itsm.SLA"):
        self._core = core

    @classmethod
    def from_json(cls, spec: Union[str, dict]) -> "SLA":
        """Loads the JSON form, given as text or as a dict."""
        return cls(_load(_itsm.SLA, spec, SLAError))

    @property
    def name(self) -> str:
        return self._core.name

    def evaluate(self, history: Sequence[dict], now: _dt.datetime) -> SLAStatus:
        """The clock at `now` over a ticket's history: dicts with "at" (an aware datetime or RFC
        3339 text) and optional "state", "category", "priority"; the first is the creation."""
        def instant(value, where):
            if isinstance(value, _dt.datetime):
                if value.tzinfo is None or value.utcoffset() is None:
                    raise SLAError(f"{where}: a naive datetime; give an aware one (an instant)", -1)
                return value.isoformat()
            return value
        records = []
        for i, r in enumerate(history):
            if not isinstance(r, dict):
                raise SLAError(f"history[{i}]: expected a dict, got {type(r).__name__}", -1)
            records.append({**r, "at": instant(r.get("at"), f"history[{i}].at")} if "at" in r else dict(r))
        seconds = _instant_seconds(now, "now", SLAError)
        return SLAStatus._from_json(_call(SLAError, self._core.evaluate_json, _json.dumps(records, default=str),
                                          seconds))


def _numpy():
    try:
        import numpy
    except ImportError:  # numpy is optional: the bulk calls fall back to one call per query
        return None
    return numpy
