"""pandas values through the calendar bulk calls, as whole arrays (no Python loop per row).

pandas stays optional: it is never imported here. A value is a pandas one only if pandas is in
`sys.modules` already (a Series cannot exist otherwise), so the checks cost nothing without it.

Rows travel as int64 seconds with numpy's NaT value (the smallest int64) marking a missing row;
the C++ bulk loop skips such rows and gives NaT back for them (`skip_nat`).
"""
from __future__ import annotations

import datetime as _dt
import sys as _sys
from typing import Any, Optional, Tuple

from ._errors import CalendarError, _code
from ._time import ResultZone

# pandas' datetime64[ns] holds 1677-09-21T00:12:44Z .. 2262-04-11T23:47:16Z; results past it
# would wrap around silently.
_FIRST_NS_SECOND = -9223372036
_LAST_NS_SECOND = 9223372035


def pandas_kind(value: Any) -> Optional[str]:
    """"series" or "index" (a DatetimeIndex or TimedeltaIndex) for a pandas value, else None."""
    pd = _sys.modules.get("pandas")
    if pd is None:
        return None
    if isinstance(value, pd.Series):
        return "series"
    if isinstance(value, (pd.DatetimeIndex, pd.TimedeltaIndex)):
        return "index"
    return None


def time_seconds(np: Any, value: Any, name: str) -> Tuple[Any, bool]:
    """int64 seconds of a datetime Series or DatetimeIndex (NaT kept as NaT's int64), and whether
    they are wall-clock readings: naive values are (the package's rule), tz-aware ones are UTC
    instants. Sub-second parts are truncated toward the past, as elsewhere."""
    pd = _sys.modules["pandas"]
    array = value.array
    if not isinstance(array, pd.arrays.DatetimeArray):
        raise TypeError(f"{name}: expected datetimes (a datetime64 Series or a DatetimeIndex, naive or tz-aware), "
                        f"got dtype {value.dtype}; pandas.to_datetime converts text")
    unit = getattr(array, "unit", "ns")  # pandas 2 has other units than nanoseconds
    ticks = np.asarray(array.asi8).view(f"datetime64[{unit}]")  # UTC for tz-aware values, wall times for naive
    return ticks.astype("datetime64[s]").view(np.int64), array.tz is None


def duration_seconds(np: Any, value: Any, name: str) -> Any:
    """int64 seconds of a Series of timedelta64 or of integer seconds, or of a TimedeltaIndex
    (NaT kept as NaT's int64)."""
    dtype = value.dtype
    if np.issubdtype(dtype, np.timedelta64):
        return np.asarray(value.to_numpy()).astype("timedelta64[s]").view(np.int64)
    if np.issubdtype(dtype, np.integer):
        return np.asarray(value.to_numpy(), dtype=np.int64)
    raise TypeError(f"{name}: expected a Series of timedelta64 or of integer seconds, got dtype {dtype}")


def check_rows(rows: Any, value: Any, name: str, n: int) -> None:
    """A per-row argument must have one value per row and, being a Series beside a Series, the
    same index (rows are matched by position; differing indexes would mean a silent mismatch)."""
    if len(value) != n:
        raise ValueError(f"{name}: expected one value or one per row ({n}), got {len(value)}")
    if pandas_kind(rows) == "series" and pandas_kind(value) == "series" and not value.index.equals(rows.index):
        raise ValueError(f"{name}: its index differs from the index of the rows (align it first, e.g. "
                         f"{name}.reindex(starts.index))")


def result_zone(zone: ResultZone, offset_at: Any) -> Any:
    """The zone pandas results carry: the calendar's, as `ResultZone` gives it for one datetime
    (a `zoneinfo.ZoneInfo` for an IANA name, UTC and fixed offsets as `datetime.timezone`); a
    name Python's zone data lacks goes to pandas by name."""
    if zone.name == "UTC":
        return _dt.timezone.utc
    if zone.name.startswith(("+", "-")):
        return _dt.timezone(_dt.timedelta(seconds=offset_at(0)))
    return zone._zone if zone._zone is not None else zone.name


def times(np: Any, seconds: Any, like: Any, tz: Any) -> Any:
    """Instants (int64 epoch seconds, NaT's int64 for missing rows) as `like` is: a Series with
    its index and name, or a DatetimeIndex; tz-aware in `tz`."""
    pd = _sys.modules["pandas"]
    valid = seconds != np.iinfo(np.int64).min
    outside = np.flatnonzero(valid & ((seconds < _FIRST_NS_SECOND) | (seconds > _LAST_NS_SECOND)))
    if outside.size:
        i = int(outside[0])
        raise CalendarError(f"[{i}]: the result, {int(seconds[i])} s after 1970-01-01T00:00Z, is outside what "
                            "pandas' datetime64[ns] holds (1677-09-21 .. 2262-04-11)", _code("out_of_range"))
    utc = pd.DatetimeIndex(seconds.view("datetime64[s]").astype("datetime64[ns]")).tz_localize("UTC")
    values = utc.tz_convert(tz)
    if pandas_kind(like) == "series":
        return pd.Series(values, index=like.index, name=like.name)
    return values.rename(like.name)


def spans(np: Any, seconds: Any, like: Any) -> Any:
    """Business durations (int64 seconds, NaT's int64 for missing rows) as `like` is: a Series of
    timedelta64[ns] with its index and name, or a TimedeltaIndex."""
    pd = _sys.modules["pandas"]
    outside = np.flatnonzero((seconds != np.iinfo(np.int64).min) & (np.abs(seconds) > _LAST_NS_SECOND))
    if outside.size:
        i = int(outside[0])
        raise CalendarError(f"[{i}]: the result, {int(seconds[i])} s, is longer than pandas' timedelta64[ns] "
                            "holds (about 292 years)", _code("out_of_range"))
    values = seconds.view("timedelta64[s]").astype("timedelta64[ns]")
    if pandas_kind(like) == "series":
        return pd.Series(values, index=like.index, name=like.name)
    return pd.TimedeltaIndex(values, name=like.name)
