"""Arguments checked before they reach the C++ core: numbers and text by type and range, and the
values of ticket fields (and other JSON the package writes) as plain JSON."""
from __future__ import annotations

import datetime as _dt
import json as _json
import math as _math
import numbers as _numbers
from typing import Any, Dict, Optional

from ._errors import _code
from ._time import is_naive, rfc3339

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1


def int_arg(value: Any, name: str) -> int:
    """An integer argument (an int or a numpy integer; not a bool, not a float, not text)."""
    if isinstance(value, bool) or not isinstance(value, _numbers.Integral):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__} {value!r}")
    return int(value)


def str_arg(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a str, got {type(value).__name__}")
    return value


def seconds_arg(value: Any, name: str) -> int:
    """Whole seconds from a timedelta (sub-second parts truncated toward the past), an int or a
    numpy integer or timedelta64. Floats and text are refused: 1.9 s is not a business duration."""
    if isinstance(value, _dt.timedelta):
        return value // _dt.timedelta(seconds=1)
    np = _numpy_of(value)
    if np is not None and isinstance(value, np.timedelta64):
        if value != value:
            raise TypeError(f"{name}: NaT is not a duration")
        return int(value.astype("timedelta64[s]").astype(np.int64))
    if isinstance(value, bool) or not isinstance(value, _numbers.Integral):
        raise TypeError(f"{name}: expected a timedelta or whole seconds (an int), got {type(value).__name__} "
                        f"{value!r}")
    return int(value)


def _numpy_of(value: Any) -> Any:
    """numpy, when `value` is one of its objects."""
    if type(value).__module__ != "numpy":
        return None
    import numpy
    return numpy


# --- JSON values ---------------------------------------------------------------------------------
def json_ready(value: Any, path: str, kind: type) -> Any:
    """`value` as plain JSON values: numpy scalars and arrays as Python numbers and lists,
    aware datetimes as RFC 3339 text, dates as ISO dates. Refuses, naming the path (`fields.cis[2]`):
    NaN and infinities (not JSON numbers), naive datetimes (an instant needs its offset), keys
    that are not text, values that contain themselves and values of any other type."""
    return _plain(value, path, kind, set())


def json_text(value: Any, path: str, kind: type) -> str:
    return _json.dumps(json_ready(value, path, kind), allow_nan=False)


def _refuse(kind: type, path: str, why: str) -> Exception:
    top = path.split(".", 1)[0].split("[", 1)[0]
    return kind(f"{top}: not JSON-serialisable: {path}: {why}", _code("invalid_argument"))


def _plain(value: Any, path: str, kind: type, open_containers: set) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return str(value) if isinstance(value, str) and type(value) is not str else value
    if isinstance(value, _numbers.Integral):
        return int(value)
    if isinstance(value, float) or isinstance(value, _numbers.Real) and not isinstance(value, _numbers.Rational):
        number = float(value)
        if not _math.isfinite(number):
            raise kind(f"{path}: {number} is not a JSON number (NaN and infinities are refused)",
                       _code("invalid_argument"))
        return number
    if isinstance(value, _dt.datetime):
        if value != value:
            raise _refuse(kind, path, "NaT is not a time")
        if is_naive(value):
            raise kind(f"{path}: a naive datetime; give an aware one (an instant, written as RFC 3339): naive "
                       "times are read only by calendars", _code("invalid_argument"))
        return rfc3339(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    np = _numpy_of(value)
    if np is not None:
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.datetime64):
            if np.isnat(value):
                raise _refuse(kind, path, "NaT is not a time")
            if np.datetime_data(value.dtype)[0] in ("Y", "M", "W", "D"):
                return str(value.astype("datetime64[D]"))
            raise kind(f"{path}: a naive datetime64; give an aware datetime (an instant, written as RFC 3339): "
                       "naive times are read only by calendars", _code("invalid_argument"))
        if isinstance(value, (np.generic, np.ndarray)) and not isinstance(value, np.timedelta64):
            return _plain(value.tolist(), path, kind, open_containers)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in open_containers:
            raise _refuse(kind, path, "it contains itself")
        open_containers.add(id(value))
        try:
            if isinstance(value, dict):
                return _plain_object(value, path, kind, open_containers)
            return [_plain(v, f"{path}[{i}]", kind, open_containers) for i, v in enumerate(value)]
        finally:
            open_containers.discard(id(value))
    raise _refuse(kind, path, f"a {type(value).__module__}.{type(value).__qualname__} is not a JSON value")


def _plain_object(value: Dict[Any, Any], path: str, kind: type, open_containers: set) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, v in value.items():
        if not isinstance(key, str):
            raise _refuse(kind, path, f"the key {key!r} is not text")
        out[key] = _plain(v, f"{path}.{key}", kind, open_containers)
    return out


def fields_text(fields: Optional[Dict[str, Any]], kind: type) -> str:
    """A ticket operation's fields as JSON text (`{}` for None)."""
    if fields is None:
        return "{}"
    if not isinstance(fields, dict):
        raise TypeError(f"fields: expected a dict, got {type(fields).__name__}")
    return json_text(fields, "fields", kind)
