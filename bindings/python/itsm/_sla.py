"""SLA clocks (re-exported by the package)."""
from __future__ import annotations

import dataclasses as _dataclasses
import datetime as _dt
import json as _json
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _itsm
from ._errors import SLAError, _call, _load
from ._time import UTC_RESULTS, ResultZone, aware_seconds, instant_seconds
from ._values import json_text


@_dataclasses.dataclass(frozen=True)
class SLAStatus:
    """One SLA clock at a given time (docs/sla.md, "Evaluation", gives each member's meaning).
    Its times are aware datetimes in the zone of the SLA's calendar (UTC for an SLA without one),
    as calendar results are."""
    status: str                       #: not_started, running, paused, met, breached, breached_met, cancelled
    priority: str
    target: _dt.timedelta
    elapsed: _dt.timedelta            #: business time on the clock, pauses excluded
    remaining: _dt.timedelta          #: target - elapsed; negative once breached
    percent: float
    deadline: Optional[_dt.datetime]  #: where the target is used up if the clock runs on
    breached_at: Optional[_dt.datetime]
    warnings: List[Tuple[int, _dt.datetime]]  #: thresholds crossed: (percent, when)
    cycle: int

    @classmethod
    def _from_json(cls, text: str, zone: ResultZone) -> "SLAStatus":
        j = _json.loads(text)

        def when(value: Optional[str]) -> Optional[_dt.datetime]:
            if value is None:
                return None
            return zone.datetime(aware_seconds(_dt.datetime.fromisoformat(value.replace("Z", "+00:00"))))

        sec = lambda n: _dt.timedelta(seconds=n)  # noqa: E731
        return cls(j["status"], j["priority"], sec(j["target"]), sec(j["elapsed"]), sec(j["remaining"]),
                   j["percent"], when(j.get("deadline")), when(j.get("breached_at")),
                   [(w["percent"], when(w["at"])) for w in j["warnings"]], j["cycle"])


class SLA:
    """An SLA definition: targets per priority, business hours, start / pause / stop / cancel.

        >>> import datetime as dt
        >>> sla = itsm.SLA.from_json({"name": "resolution", "targets": {"P1": 14400},
        ...                           "stop": {"categories": ["resolved", "closed"]}})
        >>> sla
        <itsm.SLA 'resolution': P1 4 h, 24x7 UTC>
        >>> opened = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
        >>> s = sla.evaluate([{"at": opened, "state": "new", "category": "new", "priority": "P1"}],
        ...                  now=opened + dt.timedelta(hours=3))
        >>> s.status, s.remaining, s.deadline.isoformat()
        ('running', datetime.timedelta(seconds=3600), '2026-03-02T13:00:00+00:00')
    """

    def __init__(self, core: "_itsm.SLA", spec: str):
        """Internal: use `from_json`."""
        self._core = core
        self._spec = spec  # the JSON text it was loaded from: the library keeps no JSON form of an SLA
        calendar = core.calendar
        self._zone = UTC_RESULTS if calendar is None else ResultZone(calendar.timezone, calendar.offset_at)

    @classmethod
    def from_json(cls, spec: Union[str, Dict[str, Any]]) -> "SLA":
        """Loads the JSON form, given as text or as a dict."""
        text = spec if isinstance(spec, str) else _json.dumps(spec)
        return cls(_load(_itsm.SLA, text, SLAError), text)

    @property
    def name(self) -> str:
        return self._core.name

    def evaluate(self, history: Sequence[Dict[str, Any]], now: Union[_dt.datetime, str]) -> SLAStatus:
        """The clock at `now` over a ticket's history: dicts with "at" (an aware datetime or RFC
        3339 text with an offset) and optional "state", "category", "priority"; the first is the
        creation. Naive times are refused here (an instant needs its offset)."""
        if isinstance(history, (str, bytes, dict)) or not isinstance(history, Sequence):
            raise TypeError(f"history: expected a list of dicts, got {type(history).__name__}")
        for i, r in enumerate(history):
            if not isinstance(r, dict):
                raise TypeError(f"history[{i}]: expected a dict, got {type(r).__name__}")
        text = json_text(list(history), "history", SLAError)
        seconds = instant_seconds(now, "now", SLAError)
        return SLAStatus._from_json(_call(SLAError, self._core.evaluate_json, text, seconds), self._zone)

    def __reduce__(self) -> Tuple[Any, ...]:
        """Pickles as the JSON text it was loaded from, loaded (and so checked) again on the other
        side: the library has no other way to make an SLA."""
        return (SLA.from_json, (self._spec,))

    def __repr__(self) -> str:
        targets = ", ".join(f"{p} {t.total_seconds() / 3600:g} h" for p, t in sorted(self._core.targets.items()))
        hours = "24x7 UTC" if self._core.calendar is None else f"business hours in {self._zone.name}"
        return f"<itsm.SLA {self.name!r}: {targets}, {hours}>"
