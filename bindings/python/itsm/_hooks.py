"""The host's guards and actions: Python callables the engine calls during a ticket operation."""
from __future__ import annotations

import dataclasses as _dataclasses
import datetime as _dt
import functools as _functools
import json as _json
import threading as _threading
import weakref as _weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from . import _itsm
from ._time import utc_datetime

if TYPE_CHECKING:
    from ._process import Ticket


@_dataclasses.dataclass(frozen=True)
class GuardContext:
    """What a guard sees: the ticket before the change, the transition id, the actor's name, the
    time and the fields as they would be after the change."""
    ticket: "Ticket"
    transition: str
    actor: str
    at: _dt.datetime
    fields: Dict[str, Any]


class _Call:
    """One ticket operation with hooks, running on this thread: its ticket (what callbacks see)
    and the exception a guard raised (the refusal's `__cause__`)."""
    __slots__ = ("ticket", "guard_error")

    def __init__(self, ticket: "Ticket"):
        self.ticket = ticket
        self.guard_error: Optional[Exception] = None


# Per thread: the operations whose callbacks may run, innermost last. A callback runs on the
# thread of the operation that calls it, so the innermost call of its own thread is its own.
_threads = _threading.local()


def _calls() -> List[_Call]:
    stack = getattr(_threads, "calls", None)
    if stack is None:
        stack = _threads.calls = []
    return stack


def begin_call(ticket: "Ticket") -> _Call:
    call = _Call(ticket)
    _calls().append(call)
    return call


def end_call(call: _Call) -> None:
    stack = _calls()
    if stack and stack[-1] is call:
        stack.pop()


def record(j: Dict[str, Any]) -> Dict[str, Any]:
    """A history record from the core's JSON: `at` as an aware UTC datetime."""
    j["at"] = _dt.datetime.fromisoformat(j["at"].replace("Z", "+00:00"))
    return j


def _reason(exc: Exception) -> str:
    """What an exception says, without its traceback (its type when it says nothing)."""
    return str(exc) or type(exc).__name__


# The core holds these dispatchers, bound to a weak reference to the Hooks and a name: the
# callables themselves stay in the Hooks' dicts, where Python's collector sees every cycle
# through them (a guard that refers to its own Hooks, say). A strong reference held by C++ would
# keep such a cycle alive forever.
def _run_guard(hooks_ref: "_weakref.ref[Hooks]", name: str, transition: str, actor: str, at: int,
               fields_after: str) -> Optional[str]:
    hooks = hooks_ref()
    stack = _calls()
    fn = hooks._guards.get(name) if hooks is not None else None
    if fn is None or not stack:
        return "its itsm.Hooks object is gone"  # fail closed
    call = stack[-1]
    try:
        verdict = fn(GuardContext(call.ticket, transition, actor, utc_datetime(at), _json.loads(fields_after)))
        if verdict is None or verdict is True:
            return None
        return "refused" if verdict is False else str(verdict)
    except Exception as exc:  # a refusal; anything else (KeyboardInterrupt, ...) ends the operation
        call.guard_error = exc
        return _reason(exc)


def _run_action(hooks_ref: "_weakref.ref[Hooks]", name: str, record_json: str) -> Optional[str]:
    hooks = hooks_ref()
    stack = _calls()
    fn = hooks._actions.get(name) if hooks is not None else None
    if fn is None or not stack:
        return "its itsm.Hooks object is gone"
    try:
        fn(stack[-1].ticket, record(_json.loads(record_json)))
    except Exception as exc:  # listed in Outcome.action_errors; anything else ends the operation
        return _reason(exc)
    return None


class Hooks:
    """The host's guards and actions, by the names workflow definitions use.

    A guard is called as `fn(ctx: GuardContext)` before a transition commits and returns None or
    True to allow it, False or a reason (str) to refuse it. A guard that raises an `Exception`
    refuses: the reason is `str(exc)` and the `TransitionRefused` has the exception as its
    `__cause__`. An action is called as `fn(ticket, record)` after the commit; an `Exception` it
    raises is listed in `Outcome.action_errors` (the transition stays). Anything else a guard or
    action raises (`KeyboardInterrupt`, `SystemExit`, ...) propagates out of the operation, with
    the ticket as it was before it. A guard a transition names but the hooks lack refuses (fail
    closed). Guards and actions may read their ticket but not change it (that raises inside the
    callback); one Hooks may serve any number of threads.

        >>> hooks = itsm.Hooks()
        >>> @hooks.guard("change_schedule_clear")
        ... def clear(ctx):
        ...     return None if ctx.fields.get("configuration_item") != "core-router" else "frozen"
        >>> clear.__name__, hooks
        ('clear', <itsm.Hooks guards ['change_schedule_clear'], actions []>)
    """

    def __init__(self) -> None:
        self._core = _itsm.Hooks()
        self._guards: Dict[str, Callable[[GuardContext], Any]] = {}
        self._actions: Dict[str, Callable[["Ticket", Dict[str, Any]], Any]] = {}

    def guard(self, name: str, fn: Optional[Callable[[GuardContext], Any]] = None) -> Any:
        """Registers `fn` as the guard `name` (again: replaces it); without `fn`, a decorator that
        returns the function unchanged."""
        if fn is None:
            _check_name(name)
            return lambda f: self.guard(name, f) or f
        _check_callable(name, fn)
        self._guards[name] = fn
        self._core.guard(name, _functools.partial(_run_guard, _weakref.ref(self), name))
        return None

    def action(self, name: str, fn: Optional[Callable[["Ticket", Dict[str, Any]], Any]] = None) -> Any:
        """Registers `fn` as the action `name` (again: replaces it); without `fn`, a decorator that
        returns the function unchanged."""
        if fn is None:
            _check_name(name)
            return lambda f: self.action(name, f) or f
        _check_callable(name, fn)
        self._actions[name] = fn
        self._core.action(name, _functools.partial(_run_action, _weakref.ref(self), name))
        return None

    def __repr__(self) -> str:
        return f"<itsm.Hooks guards {sorted(self._guards)}, actions {sorted(self._actions)}>"


def _check_name(name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"name: expected a str, got {type(name).__name__}")


def _check_callable(name: Any, fn: Any) -> None:
    _check_name(name)
    if not callable(fn):
        raise TypeError(f"{name}: expected a callable, got {type(fn).__name__}")
