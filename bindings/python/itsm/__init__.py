"""itsm: ITSM process logic for Python: business calendars and SLA time (more to come).

    >>> import itsm, datetime as dt
    >>> cal = itsm.Calendar.from_json({"week": {"mon": [["09:00", "17:00"]]}})
    >>> cal.add(dt.datetime(2026, 1, 5, 16, 0), dt.timedelta(hours=2))
    datetime.datetime(2026, 1, 12, 10, 0, tzinfo=datetime.timezone.utc)
"""
from __future__ import annotations

import datetime as _dt
import json as _json
from typing import Iterable, Optional, Sequence, Tuple, Union

from . import _itsm

__version__: str = _itsm.__version__
__all__ = ["Calendar", "Error", "CalendarError", "__version__"]


class Error(Exception):
    """Base class of every itsm error; `.code` is the C ABI's negative code."""

    def __init__(self, message: str, code: int = -1):
        super().__init__(message)
        self.code = code


class CalendarError(Error, ValueError):
    """A calendar or a business-time query was refused; the message names the field."""


def _raise_from(exc: ValueError) -> None:
    text = str(exc)
    if "\x1f" in text:
        code, message = text.split("\x1f", 1)
        raise CalendarError(message, int(code)) from None
    raise exc


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class Calendar:
    """A business calendar: working hours, holidays, overrides and a time zone.

    Aware datetimes go in and come out (in the calendar's zone); a naive datetime means the
    calendar's wall clock. See the README for the JSON form and the exact conventions.
    """

    def __init__(self, core: "_itsm.Calendar"):
        self._core = core

    @classmethod
    def from_json(cls, spec: Union[str, dict]) -> "Calendar":
        """Loads the JSON form, given as text or as a dict."""
        text = spec if isinstance(spec, str) else _json.dumps(spec)
        try:
            return cls(_itsm.Calendar.from_json(text))
        except ValueError as exc:
            _raise_from(exc)
            raise  # unreachable

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
            try:
                return self._core.parse_time(t.replace(microsecond=0).isoformat())
            except ValueError as exc:
                _raise_from(exc)
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
        try:
            return self._datetime(self._core.add(self._epoch(start), secs, at_close, dst,
                                                 self._pauses(pauses)))
        except ValueError as exc:
            _raise_from(exc)
            raise

    def between(self, a: _dt.datetime, b: _dt.datetime, pauses=None,
                at_close: str = "close", dst: str = "elapsed") -> _dt.timedelta:
        """Signed business time in [a, b) (negative when b < a)."""
        try:
            secs = self._core.between(self._epoch(a), self._epoch(b), at_close, dst,
                                      self._pauses(pauses))
        except ValueError as exc:
            _raise_from(exc)
            raise
        return _dt.timedelta(seconds=secs)
