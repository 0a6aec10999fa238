"""The exception hierarchy and the protocol that carries C++ errors into it."""
from __future__ import annotations

import json as _json
from typing import List, Optional, Union

from . import _itsm


class Error(Exception):
    """Base class of every itsm error. `.code` is the C ABI's negative code, `.reason` its
    stable name (`"parse_error"`, `"missing_fields"`, ...)."""

    def __init__(self, message: str, code: int = -1):
        super().__init__(message)
        self.code = code

    @property
    def reason(self) -> str:
        return _itsm.errc_name(self.code)


class CalendarError(Error, ValueError):
    """A calendar or a business-time query was refused; the message names the field."""


class SLAError(Error, ValueError):
    """An SLA definition or the history given to it was refused; the message names the field."""


class WorkflowError(Error, ValueError):
    """A workflow definition, a ticket, a snapshot or a history was refused; the message names
    the field, state or transition."""


class TransitionRefused(WorkflowError):
    """A ticket operation (fire, move_to, approve, reject, update) was refused; the ticket is
    unchanged. Besides `.code` / `.reason`: `.state` (the ticket's state), `.allowed` (the
    transitions allowed from it, on `not_allowed_from_state`), `.missing` (fields, on
    `missing_fields`), `.approvals` / `.approvals_needed` (on `approvals_pending`), `.guard`
    (the guard that said no, on `guard_failed`) and `.actor_roles` / `.allowed_roles` (the
    actor's roles and those that would have let it, on `role_denied`). A call made on a ticket
    from one of its own guards or actions is refused with reason `"busy"`."""

    def __init__(self, message: str, code: int = -1, state: str = "", allowed: Optional[List[str]] = None,
                 missing: Optional[List[str]] = None, approvals: int = 0, approvals_needed: int = 0,
                 guard: str = "", actor_roles: Optional[List[str]] = None,
                 allowed_roles: Optional[List[str]] = None):
        super().__init__(message, code)
        self.state = state
        self.allowed = list(allowed or [])
        self.missing = list(missing or [])
        self.approvals = approvals
        self.approvals_needed = approvals_needed
        self.guard = guard
        self.actor_roles = list(actor_roles or [])
        self.allowed_roles = list(allowed_roles or [])


class TamperedError(WorkflowError):
    """A hash-chained history export did not verify; the message names the first bad line."""


# Tracebacks and reprs name the classes where users find them: itsm.CalendarError, not
# itsm._errors.CalendarError (pickle finds them there too).
for _public in (Error, CalendarError, SLAError, WorkflowError, TransitionRefused, TamperedError):
    _public.__module__ = "itsm"

# Codes by name, for outcomes (which name their code) turned into exceptions.
_CODE_OF = {_itsm.errc_name(c): c for c in range(-40, 1)}
_CODE_OF.pop("unknown", None)


def _code(name: str) -> int:
    """The C ABI's code of a reason name (`"invalid_argument"` -> -1)."""
    return _CODE_OF[name]


def _raise_from(exc: "_itsm.CoreError", kind: type = CalendarError) -> None:
    """Raises a refusal of the C++ core (`_itsm.CoreError`: its message and `.code`) as `kind`
    (a tampered chain as TamperedError)."""
    code = exc.code
    if kind is WorkflowError and code == _CODE_OF["tampered"]:
        kind = TamperedError
    raise kind(str(exc), code) from None


def _call(kind: type, fn, *args):
    """`fn(*args)` with the core's refusals raised as `kind`."""
    try:
        return fn(*args)
    except _itsm.CoreError as exc:
        _raise_from(exc, kind)
        raise  # unreachable: _raise_from always raises


def _load(core_class, spec: Union[str, dict], kind: type):
    """A core object from its JSON form, given as text or as a dict; refusals raise `kind`."""
    text = spec if isinstance(spec, str) else _json.dumps(spec)
    return _call(kind, core_class.from_json, text)


def get_limits() -> dict:
    """The limits in force (docs/reliability.md, "Limits"): json_bytes, json_depth, field_bytes, fields,
    history, intervals_per_day, holidays, overrides. Input beyond one raises an Error whose
    `.reason` is "limit_exceeded" and whose message names the limit."""
    return dict(_itsm.get_limits())


def set_limits(**limits: int) -> None:
    """Changes some limits for the whole process (others keep their values; 0 restores a
    default; json_depth is capped at 1000). Meant for start-up, before other threads parse."""
    for name, value in limits.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TypeError(f"{name}: expected a non-negative int, got {value!r}")
    _call(Error, _itsm.set_limits, limits)
