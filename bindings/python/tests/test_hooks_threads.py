"""Guards and actions under threads, garbage collection and exceptions (issue 18, items 5-7):
each callback sees its own ticket; a ticket another thread is changing makes a caller wait its
turn (or refuses when waiting would deadlock); Hooks are collected; an Exception refuses with
its text and is the refusal's cause; anything else propagates with the ticket unchanged."""
import _thread
import datetime as dt
import gc
import sys
import threading
import time
import weakref

import pytest

import itsm

UTC = dt.timezone.utc
AGENT = itsm.Actor("ann", ["agent"])
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# A loop that a guard checks on every pass, and a way out whose action runs after the commit.
LOOP = itsm.Workflow.from_json({
    "name": "loop", "version": 1, "roles": ["agent"], "guards": ["check"], "actions": ["note", "after"],
    "states": [{"id": "new", "category": "new", "initial": True},
               {"id": "open", "category": "open"},
               {"id": "done", "category": "closed", "terminal": True}],
    "transitions": [{"id": "start", "from": ["new"], "to": "open", "roles": ["agent"]},
                    {"id": "poke", "from": ["open"], "to": "open", "roles": ["agent"], "guards": ["check"]},
                    {"id": "finish", "from": ["open"], "to": "done", "roles": ["agent"],
                     "actions": ["note", "after"]}],
})


def ticket(id="T1"):
    """A ticket in "open", its history [create, start]."""
    t = itsm.Ticket.create(LOOP, id, AGENT, AT)
    t.fire("start", AGENT, AT)
    return t


def test_threads_sharing_hooks_see_their_own_tickets():
    hooks = itsm.Hooks()
    wrong = []

    @hooks.guard("check")
    def check(ctx):
        time.sleep(0)  # let the other threads run inside the call
        if ctx.ticket.id != threading.current_thread().name:
            wrong.append((threading.current_thread().name, ctx.ticket.id))

    def worker():
        t = ticket(threading.current_thread().name)
        for _ in range(300):
            t.fire("poke", AGENT, AT, hooks=hooks)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=worker, name=f"T{k}") for k in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == [], f"{len(wrong)} of 1,200 guard calls saw another thread's ticket"


def test_a_second_thread_waits_for_its_turn_on_a_ticket():
    t = ticket()
    inside, release = threading.Event(), threading.Event()
    hooks = itsm.Hooks()
    hooks.guard("check", lambda ctx: (inside.set(), release.wait(10)) and None)
    results = {}

    def first():
        results["first"] = t.fire("poke", AGENT, AT, comment="first", hooks=hooks)

    def second():
        inside.wait(10)
        results["second"] = t.fire("poke", AGENT, AT, comment="second", hooks=hooks)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    inside.wait(10)
    time.sleep(0.3)
    assert "second" not in results, "the second call ran while the first one's guard was running"
    assert len(t.history) == 2
    release.set()
    for th in threads:
        th.join(10)
    assert results["first"].state == "open" and results["second"].state == "open"
    assert [r["comment"] for r in t.history[2:]] == ["first", "second"]


def test_a_ticket_changed_from_its_own_guard_is_still_refused():
    t = ticket()
    hooks = itsm.Hooks()
    hooks.guard("check", lambda ctx: ctx.ticket.fire("poke", AGENT, AT))
    with pytest.raises(itsm.TransitionRefused, match="is running one of its own guards or actions") as info:
        t.fire("poke", AGENT, AT, hooks=hooks)
    assert info.value.reason == "guard_failed"
    # What the guard's own call raised: the core's busy refusal, as C and C++ give it.
    inner = info.value.__cause__
    assert isinstance(inner, itsm.TransitionRefused) and inner.reason == "busy" and inner.code == -23
    assert str(inner) == (f"busy: fire: ticket {t.id} is running one of its own guards or actions; "
                          "it may not be changed until they return")
    assert len(t.history) == 2


def test_waiting_that_would_deadlock_is_refused():
    a, b = ticket("A"), ticket("B")
    a_inside, b_inside = threading.Event(), threading.Event()
    hooks = itsm.Hooks()
    outcomes = {}

    @hooks.guard("check")
    def cross(ctx):
        # A's guard changes B and B's guard changes A, each once the other holds its ticket.
        if ctx.ticket.id == "A" and threading.current_thread().name == "a":
            a_inside.set()
            b_inside.wait(10)
            b.fire("poke", AGENT, AT, comment="from a", hooks=hooks)
        elif ctx.ticket.id == "B" and threading.current_thread().name == "b":
            b_inside.set()
            a_inside.wait(10)
            time.sleep(0.2)  # let thread a start waiting for B first
            a.fire("poke", AGENT, AT, comment="from b", hooks=hooks)

    def run(name, t):
        try:
            outcomes[name] = t.fire("poke", AGENT, AT, hooks=hooks).state
        except itsm.TransitionRefused as exc:
            outcomes[name] = exc

    threads = [threading.Thread(target=run, args=("a", a), name="a"),
               threading.Thread(target=run, args=("b", b), name="b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(20)
    assert not any(th.is_alive() for th in threads), "deadlocked"
    # b asked for A last, so b is refused (its guard raised); a then got B and went on.
    assert outcomes["a"] == "open"
    assert isinstance(outcomes["b"], itsm.TransitionRefused) and "deadlock" in str(outcomes["b"])
    assert [r["comment"] for r in b.history[2:]] == ["from a"]
    assert [r["transition"] for r in a.history] == ["create", "start", "poke"]


def test_ctrl_c_reaches_a_main_thread_waiting_for_its_turn():
    t = ticket()
    inside, release = threading.Event(), threading.Event()
    hooks = itsm.Hooks()
    hooks.guard("check", lambda ctx: (inside.set(), release.wait(10))[0] and None)
    worker = threading.Thread(target=lambda: t.fire("poke", AGENT, AT, hooks=hooks))
    worker.start()
    inside.wait(10)
    threading.Timer(0.3, _thread.interrupt_main).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            t.fire("poke", AGENT, AT, comment="main", hooks=hooks)
    finally:
        release.set()
        worker.join(10)
    assert [r.get("comment", "") for r in t.history[2:]] == [""]


def test_hooks_are_collected_with_their_closures():
    refs = []
    for _ in range(1000):
        hooks = itsm.Hooks()

        @hooks.guard("check")
        def check(ctx, hooks=hooks):  # a guard that refers to its own Hooks: a cycle
            return None

        hooks.action("note", lambda t, r, hooks=hooks: None)
        refs.append(weakref.ref(hooks))
        del hooks, check
    gc.collect()
    alive = sum(1 for r in refs if r() is not None)
    assert alive == 0, f"{alive} of 1,000 Hooks are alive after gc.collect()"


def test_collected_hooks_still_work_while_in_use():
    t = ticket()
    hooks = itsm.Hooks()
    hooks.guard("check", lambda ctx: (gc.collect(), None)[1])
    assert t.fire("poke", AGENT, AT, hooks=hooks).state == "open"


@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit, GeneratorExit,
                                   type("Stop", (BaseException,), {})])
def test_non_exceptions_from_a_guard_propagate_and_change_nothing(error):
    t = ticket()
    before = t.snapshot()
    hooks = itsm.Hooks()

    def guard(ctx):
        raise error()

    hooks.guard("check", guard)
    with pytest.raises(error):
        t.fire("poke", AGENT, AT, hooks=hooks)
    assert t.snapshot() == before


def test_non_exceptions_from_an_action_propagate_and_change_nothing():
    t = ticket()
    before = t.snapshot()
    ran = []
    hooks = itsm.Hooks()

    def note(ticket, record):
        ran.append("note")
        raise KeyboardInterrupt()

    hooks.action("note", note)
    hooks.action("after", lambda ticket, record: ran.append("after"))
    with pytest.raises(KeyboardInterrupt):
        t.fire("finish", AGENT, AT, hooks=hooks)
    assert t.snapshot() == before and t.state == "open"
    assert ran == ["note"], "actions after the interrupted one still ran"
    # The ticket is usable afterwards.
    assert t.fire("finish", AGENT, AT, hooks=itsm.Hooks()).state == "done"


def test_an_exception_is_the_refusal_with_its_text_and_cause():
    t = ticket()
    hooks = itsm.Hooks()
    problem = LookupError("CMDB has no record of core-router")

    def guard(ctx):
        raise problem

    hooks.guard("check", guard)
    with pytest.raises(itsm.TransitionRefused) as info:
        t.fire("poke", AGENT, AT, hooks=hooks)
    assert info.value.reason == "guard_failed" and info.value.guard == "check"
    assert str(info.value) == "guard_failed: 'poke': guard 'check': CMDB has no record of core-router"
    assert info.value.__cause__ is problem
    assert "Traceback" not in str(info.value) and "At:" not in str(info.value)
    hooks.guard("check", lambda ctx: 1 / 0)
    with pytest.raises(itsm.TransitionRefused) as info:
        t.fire("poke", AGENT, AT, hooks=hooks)
    assert str(info.value).endswith("guard 'check': division by zero")
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    # A plain refusal has no cause.
    hooks.guard("check", lambda ctx: "frozen")
    with pytest.raises(itsm.TransitionRefused) as info:
        t.fire("poke", AGENT, AT, hooks=hooks)
    assert info.value.__cause__ is None


def test_an_exception_in_an_action_is_listed_without_a_traceback():
    t = ticket()
    hooks = itsm.Hooks()
    hooks.action("note", lambda ticket, record: {}["missing"])
    out = t.fire("finish", AGENT, AT, hooks=hooks)
    assert t.state == "done"
    assert out.action_errors == ["note: 'missing'"]
