"""Tickets from Python: every operation, refusals as exceptions that change nothing, history,
snapshots, the hash chain, SLA clocks, and guards and actions as Python callables."""
import copy
import datetime as dt

import pytest

import itsm

UTC = dt.timezone.utc
DESK = itsm.Actor("sam", ["service_desk"])
CALLER = itsm.Actor("ann", ["caller"])


def at(hour, minute=0, day=2):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def incident(id="INC1", **fields):
    return itsm.Ticket.create(itsm.Workflow.builtin("incident"), id, CALLER, at(9),
                              fields={"short_description": "mail down", "impact": 2, "urgency": 2, **fields})


def test_an_incident_from_new_to_closed():
    t = incident()
    assert (t.id, t.state, t.category, t.priority, t.is_terminal) == ("INC1", "new", "new", 2, False)
    assert t.fields == {"short_description": "mail down", "impact": 2, "urgency": 2}
    assert t.allowed(DESK) == ["start", "hold", "resolve", "cancel"]
    assert t.allowed(CALLER) == []
    out = t.fire("start", DESK, at(9, 5), fields={"assigned_to": "sam"}, comment="on it")
    assert out == itsm.Outcome("in_progress")
    t.fire("hold", DESK, "2026-03-02T10:00:00Z", fields={"hold_reason": "awaiting_caller"})
    assert t.category == "waiting"
    t.move_to("in_progress", DESK, at(11))
    t.update(DESK, {"urgency": 1}, at(11, 30))
    assert t.priority == 1
    t.fire("resolve", DESK, at(12), fields={"resolution_code": "solved_remotely", "resolution_notes": "restarted"})
    t.fire("close", CALLER, at(13))
    assert (t.state, t.category, t.is_terminal) == ("closed", "closed", True)
    history = t.history
    assert [r["transition"] for r in history] == ["create", "start", "hold", "start", "update", "resolve", "close"]
    assert history[1]["at"] == at(9, 5) and history[1]["comment"] == "on it"
    assert history[1]["changes"] == {"assigned_to": "sam"}
    assert (history[3]["from"], history[3]["to"]) == ("on_hold", "in_progress")
    assert history[4]["priority"] == 1


def test_at_defaults_to_now():
    before = dt.datetime.now(UTC).replace(microsecond=0)
    t = itsm.Ticket.create(itsm.Workflow.builtin("incident"), "INC2", CALLER, fields={"short_description": "x"})
    assert before <= t.history[0]["at"] <= dt.datetime.now(UTC)


def test_refusals_raise_with_details_and_change_nothing():
    t = incident()
    t.fire("start", DESK, at(10))
    before = t.snapshot()
    cases = [
        (lambda: t.fire("resolve", DESK, at(11)), "missing_fields", lambda e: e.missing == ["resolution_code", "resolution_notes"]),
        (lambda: t.fire("close", DESK, at(11)), "not_allowed_from_state",
         lambda e: e.state == "in_progress" and e.allowed == ["hold", "resolve", "cancel"]),
        (lambda: t.fire("explode", DESK, at(11)), "unknown_transition", lambda e: "explode" in str(e)),
        (lambda: t.fire("hold", CALLER, at(11), fields={"hold_reason": "awaiting_caller"}), "role_denied",
         lambda e: "ann" in str(e) and e.actor_roles == list(CALLER.roles)
         and e.allowed_roles == ["service_desk", "support"]),
        (lambda: t.fire("hold", DESK, at(9), fields={"hold_reason": "awaiting_caller"}), "time_went_backwards",
         lambda e: True),
        (lambda: t.fire("hold", DESK, at(11), fields={"hold_reason": "bored"}), "invalid_argument",
         lambda e: "bored" in str(e) and "hold_reason" in str(e)),
        (lambda: t.update(DESK, {"no_such_field": 1}, at(11)), "invalid_argument", lambda e: "no_such_field" in str(e)),
        (lambda: t.move_to("closed", DESK, at(11)), "not_allowed_from_state", lambda e: True),
        (lambda: t.approve(DESK, at(11)), "not_allowed_from_state", lambda e: True),
    ]
    for call, reason, check in cases:
        with pytest.raises(itsm.TransitionRefused) as info:
            call()
        e = info.value
        assert e.reason == reason, (reason, str(e))
        assert isinstance(e, itsm.WorkflowError) and isinstance(e, itsm.Error) and e.code < 0
        assert check(e), (reason, vars(e))
        assert t.snapshot() == before, reason


def test_bad_arguments_are_errors_not_crashes():
    t = incident()
    before = t.snapshot()
    with pytest.raises(TypeError):
        t.fire(3, DESK, at(10))
    with pytest.raises(TypeError):
        t.fire("start", 42, at(10))
    with pytest.raises(TypeError):
        t.fire("start", DESK, at(10), fields=["not", "a", "dict"])
    with pytest.raises(itsm.WorkflowError, match="fields: not JSON-serialisable"):
        t.fire("start", DESK, at(10), fields={"when": object()})
    loop = {}
    loop["self"] = loop
    with pytest.raises(itsm.WorkflowError, match="fields"):
        t.fire("start", DESK, at(10), fields=loop)
    with pytest.raises(itsm.WorkflowError, match="naive"):
        t.fire("start", DESK, dt.datetime(2026, 3, 2, 10))
    with pytest.raises(itsm.WorkflowError, match="RFC 3339"):
        t.fire("start", DESK, "yesterday")
    with pytest.raises(TypeError):
        itsm.Ticket.create("incident", "X", CALLER, at(9))
    with pytest.raises(itsm.WorkflowError, match="fields.colour: not a field"):
        itsm.Ticket.create(itsm.Workflow.builtin("incident"), "X", CALLER, at(9), fields={"colour": "red"})
    assert t.snapshot() == before


def test_snapshot_restore_replay_and_copy():
    t = incident()
    t.fire("start", DESK, at(10), fields={"assigned_to": "sam"})
    snap = t.snapshot()
    restored = itsm.Ticket.restore(itsm.Workflow.builtin("incident"), snap)
    assert restored.snapshot() == snap
    assert itsm.Ticket.restore(t.workflow, __import__("json").dumps(snap)).snapshot() == snap
    replayed = itsm.Ticket.replay(t.workflow, "INC1", t.history)
    assert replayed.snapshot() == snap
    twin = copy.copy(t)
    twin.fire("hold", DESK, at(11), fields={"hold_reason": "awaiting_vendor"})
    assert t.state == "in_progress" and twin.state == "on_hold"
    damaged = dict(snap, state="closed")
    with pytest.raises(itsm.WorkflowError):
        itsm.Ticket.restore(t.workflow, damaged)
    with pytest.raises(itsm.WorkflowError):
        itsm.Ticket.restore(t.workflow, "[1, 2")


def test_the_hash_chain_shows_tampering():
    t = incident()
    t.fire("start", DESK, at(10))
    t.fire("hold", DESK, at(11), fields={"hold_reason": "awaiting_caller"})
    other = incident("INC2")
    text = t.export_history() + other.export_history()
    assert itsm.verify_history(text) == itsm.ChainReport(records=4, tickets=2)
    lines = text.splitlines(keepends=True)
    edited = lines[1].replace('"sam"', '"mallory"')
    assert edited != lines[1]
    with pytest.raises(itsm.TamperedError) as info:
        itsm.verify_history("".join([lines[0], edited] + lines[2:]))
    assert "line 2" in str(info.value) and info.value.reason == "tampered"
    with pytest.raises(itsm.TamperedError):
        itsm.verify_history("".join([lines[0]] + lines[2:]))


def test_sla_clock_of_a_ticket():
    sla = itsm.SLA.from_json({"name": "resolution", "targets": {"P2": 8 * 3600},
                              "pause": {"categories": ["waiting"]}, "stop": {"categories": ["resolved", "closed"]}})
    t = incident()
    t.fire("hold", DESK, at(10), fields={"hold_reason": "awaiting_caller"})
    t.fire("start", DESK, at(12))
    s = t.sla(sla, at(14))
    assert (s.status, s.priority, s.elapsed) == ("running", "P2", dt.timedelta(hours=3))
    assert s.deadline == at(19)
    with pytest.raises(TypeError):
        t.sla({"name": "x"}, at(14))


def change_ticket():
    t = itsm.Ticket.create(itsm.Workflow.builtin("change_normal"), "CHG1", itsm.Actor("rita", ["requester"]), at(9),
                           fields={"short_description": "patch the router", "requested_by": "rita",
                                   "implementer": "ivan", "configuration_item": "core-router"})
    t.fire("submit", itsm.Actor("rita", ["requester"]), at(9, 10))
    t.fire("request_authorization", itsm.Actor("alex", ["assessor"]), at(9, 20),
           fields={"planned_start": "2026-03-07T22:00:00Z", "planned_end": "2026-03-07T23:00:00Z",
                   "backout_plan": "restore config", "risk": "moderate"})
    return t


def test_cab_approvals_segregation_of_duties_and_a_python_guard():
    hooks = itsm.Hooks()
    seen = []

    @hooks.guard("change_schedule_clear")
    def clear(ctx):
        seen.append((ctx.ticket.id, ctx.ticket.state, ctx.transition, ctx.actor, ctx.at, ctx.fields["risk"]))
        return None if ctx.fields["risk"] != "very_high" else "very high risk needs a second look"

    booked = []
    hooks.action("change_schedule_book", lambda ticket, record: booked.append((ticket.state, record["to"])))
    t = change_ticket()
    with pytest.raises(itsm.TransitionRefused) as info:
        t.approve(itsm.Actor("rita", ["cab"]), at(10), hooks=hooks)  # the requester may not approve
    assert info.value.reason == "segregation_of_duties"
    out = t.approve(itsm.Actor("carl", ["cab"]), at(10, 5), hooks=hooks)
    assert (out.state, out.fired, out.approvals, out.approvals_needed) == ("authorize", None, 1, 2)
    with pytest.raises(itsm.TransitionRefused) as info:
        t.approve(itsm.Actor("carl", ["cab"]), at(10, 6), hooks=hooks)
    assert info.value.reason == "segregation_of_duties"  # nobody approves twice
    out = t.approve(itsm.Actor("dana", ["cab"]), at(10, 10), hooks=hooks)
    assert (out.state, out.fired) == ("scheduled", "schedule")
    assert seen == [("CHG1", "authorize", "schedule", "dana", at(10, 10), "moderate")]
    assert booked == [("scheduled", "scheduled")]


MANAGER = itsm.Actor("max", ["change_manager"])


def approved_change():
    """A change with both CAB approvals whose automatic schedule did not fire (no guard)."""
    t = change_ticket()
    with pytest.raises(itsm.TransitionRefused) as info:
        t.fire("schedule", MANAGER, at(10))
    assert info.value.reason == "approvals_pending"
    assert (info.value.approvals, info.value.approvals_needed) == (0, 2)
    t.approve(itsm.Actor("carl", ["cab"]), at(10, 5))
    out = t.approve(itsm.Actor("dana", ["cab"]), at(10, 10))
    assert out.fired is None and "did not fire" in out.message and "change_schedule_clear" in out.message
    assert t.state == "authorize"
    return t


def test_guard_refusals_exceptions_and_missing_guards():
    t = approved_change()
    before = t.snapshot()
    with pytest.raises(itsm.TransitionRefused) as info:  # no hooks: fail closed
        t.fire("schedule", MANAGER, at(11))
    assert info.value.reason == "guard_failed" and info.value.guard == "change_schedule_clear"
    assert t.snapshot() == before
    for verdict, words in ((False, "refused"), ("frozen until Monday", "frozen until Monday")):
        hooks = itsm.Hooks()
        hooks.guard("change_schedule_clear", lambda ctx, v=verdict: v)
        with pytest.raises(itsm.TransitionRefused, match=words):
            t.fire("schedule", MANAGER, at(11), hooks=hooks)
        assert t.snapshot() == before
    hooks = itsm.Hooks()
    hooks.guard("change_schedule_clear", lambda ctx: 1 / 0)
    with pytest.raises(itsm.TransitionRefused, match="ZeroDivisionError|division by zero"):
        t.fire("schedule", MANAGER, at(11), hooks=hooks)
    assert t.snapshot() == before
    hooks.guard("change_schedule_clear", lambda ctx: True)  # registering again replaces
    assert t.fire("schedule", MANAGER, at(11), hooks=hooks).state == "scheduled"


def test_callbacks_may_read_but_not_change_their_ticket():
    t = approved_change()
    before = t.snapshot()
    hooks = itsm.Hooks()
    hooks.guard("change_schedule_clear", lambda ctx: ctx.ticket.update(itsm.Actor("x"), {"risk": "low"}, at(10, 9)))
    with pytest.raises(itsm.TransitionRefused, match="may not be changed"):
        t.fire("schedule", MANAGER, at(11), hooks=hooks)
    assert t.snapshot() == before

    def sneaky(ticket, record):
        ticket.fire("cancel", MANAGER, at(11, 1), fields={"cancel_reason": "x"})

    hooks = itsm.Hooks()
    hooks.guard("change_schedule_clear", lambda ctx: ctx.ticket.snapshot() and None)
    hooks.action("change_schedule_book", sneaky)
    out = t.fire("schedule", MANAGER, at(11), hooks=hooks)
    assert t.state == "scheduled" and out.state == "scheduled"
    assert len(out.action_errors) == 1 and "may not be changed" in out.action_errors[0]
    # Another ticket may be changed from a callback.
    other = incident("INC9")
    hooks = itsm.Hooks()
    hooks.action("change_schedule_release",
                 lambda ticket, record: other.fire("start", DESK, at(12), comment=f"{ticket.id} {record['to']}"))
    t.fire("implement", itsm.Actor("ivan", ["implementer"]), at(11, 30))
    t.fire("review", itsm.Actor("ivan", ["implementer"]), at(12), fields={"close_code": "successful"}, hooks=hooks)
    assert other.state == "in_progress" and other.history[-1]["comment"] == "CHG1 review"


def test_reject_sends_a_change_back():
    t = change_ticket()
    out = t.reject(itsm.Actor("carl", ["cab"]), at(10), fields={"rejection_reason": "no backout test"})
    assert t.state == "new" and out.state == "new"
    assert t.history[-1]["transition"] == "reject"


def test_hooks_reject_bad_registrations():
    hooks = itsm.Hooks()
    with pytest.raises(TypeError):
        hooks.guard("g", "not callable")
    with pytest.raises(TypeError):
        hooks.action(3, print)
    with pytest.raises(TypeError):
        incident().fire("start", DESK, at(10), hooks={"g": print})
