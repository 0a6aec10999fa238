"""Workflows, tickets and the host's guards and actions (re-exported by the package)."""
from __future__ import annotations

import dataclasses as _dataclasses
import datetime as _dt
import json as _json
import os as _os
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from . import _itsm
from ._errors import _CODE_OF, TransitionRefused, WorkflowError, _call, _code, _load
from ._hooks import Hooks, begin_call, end_call, record
from ._sla import SLA, SLAStatus
from ._time import instant_seconds
from ._values import fields_text, json_text, str_arg

Instant = Union[_dt.datetime, str, None]


@_dataclasses.dataclass(frozen=True)
class Problem:
    """One finding of the workflow checks: `level` is "error" or "warning"; `where` names the
    state, transition or JSON path."""
    level: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


class Workflow:
    """An immutable, checked process definition: states, transitions, roles, required fields,
    approvals, guards and actions. Share one between any number of tickets.

        >>> wf = itsm.Workflow.builtin("incident")
        >>> wf.states[:3]
        ['new', 'in_progress', 'on_hold']
    """

    def __init__(self, core: "_itsm.Workflow"):
        """Internal: use `builtin`, `from_json` or `load`."""
        self._core = core

    @classmethod
    def builtin(cls, name: str) -> "Workflow":
        """A process shipped with the library (`builtin_names()` lists them)."""
        if not isinstance(name, str):
            raise TypeError(f"name: expected a str, got {type(name).__name__}")
        return cls(_call(WorkflowError, _itsm.Workflow.builtin, name))

    @staticmethod
    def builtin_names() -> List[str]:
        """incident, service_request, change_normal, change_standard, change_emergency, problem,
        audit_engagement, audit_finding."""
        return list(_itsm.Workflow.builtin_names())

    @classmethod
    def from_json(cls, spec: Union[str, dict]) -> "Workflow":
        """Loads and checks the JSON form, given as text or as a dict. A definition with errors
        raises WorkflowError listing every error, one per line (`validate` returns them)."""
        return cls(_load(_itsm.Workflow, spec, WorkflowError))

    @classmethod
    def load(cls, path: Union[str, "_os.PathLike[str]"]) -> "Workflow":
        """Loads the JSON form from a file."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    def save(self, path: Union[str, "_os.PathLike[str]"], indent: int = 2) -> None:
        """Writes the JSON form to a file (`load` reads it back as an equal workflow)."""
        with open(path, "w", encoding="utf-8") as f:
            _json.dump(self.to_json(), f, indent=indent)
            f.write("\n")

    @staticmethod
    def validate(spec: Union[str, dict, "Workflow"]) -> List[Problem]:
        """Every error and warning the checks find in a definition, without building it (an
        empty list: clean). A document that cannot be read as a definition at all (not JSON, a
        wrong type) raises WorkflowError instead. For a built Workflow: its warnings."""
        if isinstance(spec, Workflow):
            return spec.warnings
        text = spec if isinstance(spec, str) else _json.dumps(spec)
        return [Problem(*p) for p in _call(WorkflowError, _itsm.Workflow.check, text)]

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def version(self) -> int:
        return self._core.version

    @property
    def warnings(self) -> List[Problem]:
        """What the checks found worth a look but not wrong (an unreachable state, say)."""
        return [Problem("warning", where, message) for where, message in self._core.warnings()]

    @property
    def states(self) -> List[str]:
        """State ids in definition order."""
        return [s["id"] for s in self.to_json()["states"]]

    @property
    def transitions(self) -> List[str]:
        """Transition ids in definition order (an id may leave several states)."""
        return [t["id"] for t in self.to_json()["transitions"]]

    def __reduce__(self) -> Tuple[Any, ...]:
        """Pickles a built-in workflow by its name (nothing to ship or check again: the other side
        has it built already) and any other by its JSON form, which the other side checks and
        compiles again (the library builds a workflow no other way)."""
        if self._core.is_builtin:
            return (Workflow.builtin, (self._core.name,))
        return (Workflow.from_json, (self._core.to_json(),))

    def to_json(self) -> dict:
        """The JSON form as a dict; `Workflow.from_json(wf.to_json())` gives an equal workflow."""
        return _json.loads(self._core.to_json())

    def to_dot(self, current_state: Optional[str] = None) -> str:
        """Graphviz DOT of the process, `current_state` highlighted when given."""
        return self._core.to_dot(current_state or "")

    def __repr__(self) -> str:
        return f"<itsm.Workflow {self.name!r} v{self.version}>"


@_dataclasses.dataclass(frozen=True)
class Actor:
    """Who does something: the name histories and segregation of duties compare, and roles.
    `check_roles=False` (see `trusted`) is for importers replaying events authorized elsewhere."""
    name: str
    roles: Sequence[str] = ()
    check_roles: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"name: expected a str, got {type(self.name).__name__}")
        if isinstance(self.roles, str):
            raise TypeError(f"roles: expected a list of role names, got the str {self.roles!r} "
                            f"(one role is [{self.roles!r}])")
        try:
            roles = tuple(self.roles)
        except TypeError:
            raise TypeError(f"roles: expected a list of role names, got {type(self.roles).__name__}") from None
        for i, role in enumerate(roles):
            if not isinstance(role, str):
                raise TypeError(f"roles[{i}]: expected a str, got {type(role).__name__}")
        if not isinstance(self.check_roles, bool):
            raise TypeError(f"check_roles: expected a bool, got {type(self.check_roles).__name__}")
        object.__setattr__(self, "roles", roles)  # a tuple: the actor stays immutable and hashable

    @classmethod
    def trusted(cls, name: str) -> "Actor":
        """An actor whose roles are not checked (everything else still is)."""
        return cls(name, (), False)


def _actor(who: Union[Actor, str]) -> Actor:
    if isinstance(who, str):
        return Actor(who)
    if not isinstance(who, Actor):
        raise TypeError(f"actor: expected an itsm.Actor or a name, got {type(who).__name__}")
    return who


@_dataclasses.dataclass(frozen=True)
class Outcome:
    """What a successful ticket operation did: the ticket's `state` after it; for `approve`, the
    approvals so far and needed, and `fired`, the transition the last approval fired by itself;
    `message` for approvals; `action_errors`, the actions that raised after the commit."""
    state: str
    fired: Optional[str] = None
    message: str = ""
    approvals: int = 0
    approvals_needed: int = 0
    action_errors: List[str] = _dataclasses.field(default_factory=list)


class ChainReport(NamedTuple):
    records: int
    tickets: int


def _at(value: Instant) -> int:
    if value is None:
        return int(_dt.datetime.now(_dt.timezone.utc).timestamp())
    return instant_seconds(value, "at", WorkflowError)


class Ticket:
    """One instance of a workflow: its state, fields, pending approvals and history.

    Every operation applies completely or not at all: a refused one raises TransitionRefused
    (`.reason`, `.allowed`, `.missing`, ...) and leaves the ticket exactly as it was. Times are
    aware datetimes or RFC 3339 text; `at=None` means now. `copy.copy(ticket)` is independent.

        >>> t = itsm.Ticket.create(itsm.Workflow.builtin("incident"), "INC1", itsm.Actor("ann"),
        ...                        fields={"short_description": "mail down", "impact": 2, "urgency": 2})
        >>> t.fire("start", itsm.Actor("sam", ["service_desk"]), fields={"assigned_to": "sam"}).state
        'in_progress'
    """

    def __init__(self, core: "_itsm.Ticket"):
        """Internal: use `create`, `restore` or `replay`."""
        self._core = core

    @classmethod
    def create(cls, workflow: Workflow, id: str, actor: Union[Actor, str], at: Instant = None,
               fields: Optional[dict] = None, comment: str = "") -> "Ticket":
        """A ticket in the workflow's initial state; its required fields must be in `fields`."""
        wf = _workflow(workflow)
        who = _actor(actor)
        return cls(_call(WorkflowError, _itsm.Ticket.create, wf._core, str_arg(id, "id"), who.name, list(who.roles),
                         who.check_roles, _at(at), fields_text(fields, WorkflowError), str_arg(comment, "comment")))

    @classmethod
    def restore(cls, workflow: Workflow, snapshot: Union[dict, str]) -> "Ticket":
        """The ticket a `snapshot()` describes, checked against `workflow`; no guard or action runs."""
        text = snapshot if isinstance(snapshot, str) else json_text(snapshot, "snapshot", WorkflowError)
        return cls(_call(WorkflowError, _itsm.Ticket.restore, _workflow(workflow)._core, text))

    @classmethod
    def replay(cls, workflow: Workflow, id: str, history: Union[List[dict], dict, str]) -> "Ticket":
        """A fresh ticket with `history` (records as `history` gives them, or a snapshot)
        re-applied and checked step by step (roles are not checked again; no guard or action)."""
        text = history if isinstance(history, str) else json_text(history, "history", WorkflowError)
        return cls(_call(WorkflowError, _itsm.Ticket.replay, _workflow(workflow)._core, str_arg(id, "id"), text))

    # --- operations ----------------------------------------------------------------------
    def fire(self, transition: str, actor: Union[Actor, str], at: Instant = None, fields: Optional[dict] = None,
             comment: str = "", hooks: Optional[Hooks] = None) -> Outcome:
        """Fires `transition` from the current state, merging `fields` (None removes a field)."""
        return self._apply("fire", str_arg(transition, "transition"), actor, at, fields, comment, hooks)

    def move_to(self, state: str, actor: Union[Actor, str], at: Instant = None, fields: Optional[dict] = None,
                comment: str = "", hooks: Optional[Hooks] = None) -> Outcome:
        """Fires the single transition into `state` (for imports that record states, not
        events); moving to the current state is a field update."""
        return self._apply("move_to", str_arg(state, "state"), actor, at, fields, comment, hooks)

    def approve(self, actor: Union[Actor, str], at: Instant = None, comment: str = "",
                hooks: Optional[Hooks] = None) -> Outcome:
        """Records an approval for the transition leaving this state that needs approvals; the
        last one needed fires it (`Outcome.fired`) when the rule is automatic."""
        return self._apply("approve", "", actor, at, None, comment, hooks)

    def reject(self, actor: Union[Actor, str], at: Instant = None, fields: Optional[dict] = None,
               comment: str = "", hooks: Optional[Hooks] = None) -> Outcome:
        """Fires this state's rejection transition as an approver."""
        return self._apply("reject", "", actor, at, fields, comment, hooks)

    def update(self, actor: Union[Actor, str], fields: dict, at: Instant = None, comment: str = "") -> Outcome:
        """Changes fields without a transition (changing nothing records nothing)."""
        return self._apply("update", "", actor, at, fields, comment, None)

    def allowed(self, actor: Union[Actor, str]) -> List[str]:
        """The transitions `actor` may fire now, by state and role (fields and approvals unchecked)."""
        who = _actor(actor)
        return list(self._core.allowed(who.name, list(who.roles), who.check_roles))

    def _apply(self, kind: str, name: str, actor: Union[Actor, str], at: Instant, fields: Optional[Dict[str, Any]],
               comment: str, hooks: Optional[Hooks]) -> Outcome:
        who = _actor(actor)
        if hooks is not None and not isinstance(hooks, Hooks):
            raise TypeError(f"hooks: expected an itsm.Hooks, got {type(hooks).__name__}")
        try:
            text = fields_text(fields, TransitionRefused)
        except TransitionRefused as refused:
            refused.state = self.state
            raise
        args = (kind, name, who.name, list(who.roles), who.check_roles, _at(at), text,
                str_arg(comment, "comment"), hooks._core if hooks is not None else None)
        if hooks is None:
            text, state = _call(TransitionRefused, self._core.apply, *args)
        else:
            call = begin_call(self)  # what this thread's callbacks see as their ticket
            try:
                text, state = _call(TransitionRefused, self._core.apply, *args)
            finally:
                end_call(call)
        j = _json.loads(text)
        code = _CODE_OF.get(j["code"], _code("internal"))
        if code != 0:
            refused = TransitionRefused(j["message"], code, j.get("state", ""), j.get("allowed"), j.get("missing"),
                                        j.get("approvals", 0), j.get("approvals_needed", 0), j.get("guard", ""),
                                        j.get("actor_roles"), j.get("allowed_roles"))
            if hooks is not None and j.get("guard") and call.guard_error is not None:
                raise refused from call.guard_error
            raise refused
        # {"code": "ok"} alone: the change committed, but its words could not be built for lack of
        # memory.
        return Outcome(state, j.get("fired"), j.get("message", ""), j.get("approvals", 0),
                       j.get("approvals_needed", 0), j.get("action_errors", []))

    # --- reading -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._core.id

    @property
    def state(self) -> str:
        return self._core.state

    @property
    def category(self) -> str:
        """What the state means to SLA clocks: new, open, waiting, resolved, closed, cancelled."""
        return self._core.category

    @property
    def priority(self) -> int:
        """1..N from the `priority` field or impact x urgency; 0 when neither is set."""
        return self._core.priority

    @property
    def is_terminal(self) -> bool:
        return self._core.is_terminal

    @property
    def workflow(self) -> Workflow:
        return Workflow(self._core.workflow)

    @property
    def fields(self) -> Dict[str, Any]:
        """A copy of the fields (change them with fire, update, ...)."""
        return _json.loads(self._core.fields())

    @property
    def history(self) -> List[dict]:
        """The records, oldest first: seq, at (aware datetime, UTC), actor, transition (or
        create / update / approve), from, to, changes, priority, comment."""
        return [record(r) for r in _json.loads(self._core.history())]

    def snapshot(self) -> dict:
        """The whole ticket as a JSON-ready dict; `Ticket.restore(wf, t.snapshot())` is equal."""
        return _json.loads(self._core.snapshot())

    def export_history(self) -> str:
        """The history as JSON Lines with a SHA-256 hash chain (`verify_history` checks it)."""
        return self._core.export_history()

    def sla(self, sla: SLA, now: Instant = None) -> SLAStatus:
        """The SLA clock `sla` over this ticket's history at `now` (waiting states pause it)."""
        if not isinstance(sla, SLA):
            raise TypeError(f"sla: expected an itsm.SLA, got {type(sla).__name__}")
        return SLAStatus._from_json(_call(WorkflowError, self._core.sla, sla._core, _at(now)), sla._zone)

    def __copy__(self) -> "Ticket":
        return Ticket(self._core.clone())

    def __deepcopy__(self, memo) -> "Ticket":
        return self.__copy__()

    def __reduce__(self) -> Tuple[Any, ...]:
        """Pickles as its workflow and its snapshot. Unpickling restores the snapshot through the
        library, which checks it against the workflow again: the library has no unchecked way to
        make a ticket, and the other side may run a different build. The Python-side conversion
        of the snapshot's values is skipped (the text is the library's own)."""
        return (_restore_ticket, (self.workflow, self._core.snapshot()))

    def __repr__(self) -> str:
        return f"<itsm.Ticket {self.id!r} {self._core.workflow.name}:{self.state}>"


def _workflow(workflow) -> Workflow:
    if not isinstance(workflow, Workflow):
        raise TypeError(f"workflow: expected an itsm.Workflow, got {type(workflow).__name__}")
    return workflow


def verify_history(jsonl: str) -> ChainReport:
    """Recomputes the hash chains of `export_history` output (several tickets may share it);
    raises TamperedError naming the first bad line."""
    return ChainReport(*_call(WorkflowError, _itsm.verify_history, str_arg(jsonl, "jsonl")))


def _restore_ticket(workflow: Workflow, snapshot: str) -> Ticket:
    """Unpickles a ticket (see `Ticket.__reduce__`)."""
    return Ticket(_call(WorkflowError, _itsm.Ticket.restore, workflow._core, snapshot))
