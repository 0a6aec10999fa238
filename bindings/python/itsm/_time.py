"""Times across the boundary: the naive-value rule, instants, and the zones results carry.

The rule (docs/python.md, "Times and naive values"): a naive value -- a `datetime` without tzinfo,
a numpy `datetime64`, RFC 3339 text without an offset -- means what that text means to the
library. A calendar reads it as a reading of its own wall clock; ticket times, SLA histories and
`now` are instants with no zone to read them in, so there it is refused.
"""
from __future__ import annotations

import datetime as _dt
import sys as _sys
import zoneinfo as _zoneinfo
from typing import Any, Callable, Optional

from . import _itsm
from ._errors import CalendarError, _call, _code

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
SECOND = _dt.timedelta(seconds=1)
_NAIVE_EPOCH = EPOCH.replace(tzinfo=None)


def is_naive(t: _dt.datetime) -> bool:
    return t.tzinfo is None or t.utcoffset() is None


def _numpy() -> Any:
    """numpy when something has imported it (a numpy value cannot exist otherwise)."""
    return _sys.modules.get("numpy")


def is_datetime64(value: Any) -> bool:
    np = _numpy()
    return np is not None and isinstance(value, np.datetime64)


def _not_a_time(value: Any) -> bool:
    """NaT (pandas' or numpy's): it compares unequal to itself."""
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def aware_seconds(t: _dt.datetime) -> int:
    """Epoch seconds of an aware datetime, sub-second parts truncated toward the past."""
    return (t - EPOCH) // SECOND


def calendar_instant(core: "_itsm.Calendar", value: Any, field: str) -> int:
    """Epoch seconds of a time given to a calendar call: an aware datetime is an instant; a naive
    datetime or datetime64 is a reading of the calendar's wall clock (`fold=1` picks the later of
    two instants in a fall-back overlap, else the earlier; a wall time in a gap raises); text is
    RFC 3339, read by the library (without an offset: the calendar's wall clock)."""
    if isinstance(value, _dt.datetime):
        if _not_a_time(value):
            raise CalendarError(f"{field}: NaT is not a time", _code("invalid_argument"))
        if not is_naive(value):
            return aware_seconds(value)
        local = (value.replace(tzinfo=None, fold=0) - _NAIVE_EPOCH) // SECOND
        return _call(CalendarError, core.wall_to_instant, local, value.fold == 1, field)
    if isinstance(value, str):
        return _call(CalendarError, core.parse_time, value, field)
    if is_datetime64(value):
        if _not_a_time(value):
            raise CalendarError(f"{field}: NaT is not a time", _code("invalid_argument"))
        np = _numpy()
        local = int(value.astype("datetime64[s]").astype(np.int64))
        return _call(CalendarError, core.wall_to_instant, local, False, field)
    raise TypeError(f"{field}: expected a datetime (aware, or naive for the calendar's wall clock), a numpy "
                    f"datetime64 or RFC 3339 text, got {type(value).__name__}")


def instant_seconds(value: Any, where: str, kind: type) -> int:
    """Epoch seconds of an instant where no calendar gives a zone (ticket times, SLA histories,
    `now`): an aware datetime or RFC 3339 text with an offset. A naive value is refused."""
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise kind(f"{where}: '{value}' is not an RFC 3339 time", _code("invalid_argument")) from None
        if is_naive(parsed):
            raise kind(f"{where}: '{value}' has no offset; an instant needs one (naive times are read only by "
                       "calendars)", _code("invalid_argument"))
        return aware_seconds(parsed)
    if is_datetime64(value):
        raise kind(f"{where}: a naive datetime64; give an aware datetime (an instant): naive times are read "
                   "only by calendars", _code("invalid_argument"))
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{where}: expected an aware datetime or RFC 3339 text, got {type(value).__name__}")
    if _not_a_time(value):
        raise kind(f"{where}: NaT is not a time", _code("invalid_argument"))
    if is_naive(value):
        raise kind(f"{where}: a naive datetime; give an aware one (an instant): naive times are read only by "
                   "calendars", _code("invalid_argument"))
    return aware_seconds(value)


def rfc3339(t: _dt.datetime) -> str:
    """An aware datetime as RFC 3339 text (`Z` for UTC, as the library writes it)."""
    text = t.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def utc_datetime(seconds: int) -> _dt.datetime:
    return EPOCH + _dt.timedelta(seconds=seconds)


def _fixed(offset_seconds: int) -> _dt.tzinfo:
    if offset_seconds == 0:
        return _dt.timezone.utc
    return _dt.timezone(_dt.timedelta(seconds=offset_seconds))


class ResultZone:
    """The zone results of a calendar carry: `zoneinfo.ZoneInfo` for an IANA zone name,
    `datetime.timezone.utc` for UTC, a fixed `datetime.timezone` for an offset such as `+05:30`.
    The library's offset decides: where Python's zone data disagrees with it (a zone newer on
    one side), the result carries the library's offset as a fixed zone instead."""

    def __init__(self, name: str, offset_at: Callable[[int], int]):
        self.name = name
        self._offset_at = offset_at
        self._zone: Optional[_dt.tzinfo] = None
        if name != "UTC" and not name.startswith(("+", "-")):
            try:
                self._zone = _zoneinfo.ZoneInfo(name)
            except (ValueError, KeyError, OSError):  # a name Python's zone data lacks
                self._zone = None

    def datetime(self, seconds: int) -> _dt.datetime:
        offset = self._offset_at(seconds)
        at = utc_datetime(seconds)
        if self._zone is not None:
            local = at.astimezone(self._zone)
            if local.utcoffset() == _dt.timedelta(seconds=offset):
                return local
        return at.astimezone(_fixed(offset))

    def wall(self, seconds: int) -> _dt.datetime:
        """The naive reading of this zone's wall clock at an instant."""
        return (_NAIVE_EPOCH + _dt.timedelta(seconds=seconds + self._offset_at(seconds)))


UTC_RESULTS = ResultZone("UTC", lambda seconds: 0)
