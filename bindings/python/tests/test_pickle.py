"""Pickling (issue 20, item 3): Calendar, SLA, Workflow, Actor, Ticket and EventStore pickle by
their JSON forms and unpickle to equal objects (`==` where the class defines it, else the same
JSON forms, snapshots and results), here, in a fresh interpreter and in `multiprocessing` workers
started with spawn (what Dask does). A tampered pickle raises the library's error, not a crash.
There is no Report class yet: reports are dicts, which pickle as they are."""
import copy
import datetime as dt
import multiprocessing
import os
import pickle
import subprocess
import sys

import pytest

import itsm
from doc_blocks import python_blocks, run_block

UTC = dt.timezone.utc
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CALENDAR = {"timezone": "Europe/Berlin", "week": {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
            "holidays": ["--01-01", {"easter": -2}], "overrides": {"2026-12-24": [["08:00", "12:00"]]}}
SLA = {"name": "resolution", "targets": {"P1": 14400, "P3": 86400}, "calendar": CALENDAR,
       "start": {"categories": ["new"]}, "stop": {"categories": ["resolved", "closed"]}}
MINI = {"name": "mini", "version": 3,
        "states": [{"id": "open", "category": "new", "initial": True},
                   {"id": "done", "category": "closed", "terminal": True}],
        "transitions": [{"id": "finish", "from": ["open"], "to": "done"}]}
EVENTS = [
    {"ticket": "INC1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": True,
     "fields": {"short_description": "VPN down", "impact": 1, "urgency": 1}},
    {"ticket": "INC1", "at": "2026-03-02T09:05:00Z", "transition": "start"},
    {"ticket": "INC1", "at": "2026-03-02T09:10:00Z", "transition": "close"},  # refused: not from in_progress
    {"ticket": "M1", "workflow": "mini", "at": "2026-03-02T10:00:00Z", "create": True},
    {"ticket": "M1", "at": "2026-03-02T11:00:00Z", "transition": "finish"},
]


def roundtrip(value):
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def ticket():
    desk = itsm.Actor("sam", ["service_desk"])
    t = itsm.Ticket.create(itsm.Workflow.builtin("incident"), "INC7", itsm.Actor("ann", ["caller"]), AT,
                           fields={"short_description": "mail down", "impact": 2, "urgency": 1}, comment="opened")
    t.fire("start", desk, AT + dt.timedelta(minutes=5), fields={"assignment_group": "mail"})
    return t


def store():
    s = itsm.EventStore([itsm.Workflow.from_json(MINI)])
    s.extend(EVENTS)
    return s


def test_a_calendar_unpickles_to_the_same_json_form_and_answers():
    cal = itsm.Calendar.from_json(CALENDAR)
    back = roundtrip(cal)
    assert back.to_json() == cal.to_json() and repr(back) == repr(cal)
    start = dt.datetime(2026, 12, 23, 16, 0)
    assert back.add(start, dt.timedelta(hours=5)) == cal.add(start, dt.timedelta(hours=5))
    assert copy.deepcopy(cal).to_json() == cal.to_json()


def test_an_sla_unpickles_to_the_same_definition():
    sla = itsm.SLA.from_json(SLA)
    back = roundtrip(sla)
    assert repr(back) == repr(sla)
    history = [{"at": AT, "state": "new", "category": "new", "priority": "P1"}]
    now = AT + dt.timedelta(hours=30)
    assert back.evaluate(history, now) == sla.evaluate(history, now)  # SLAStatus is a dataclass: ==
    text = itsm.SLA.from_json('{"name": "r", "targets": {"P2": 60}, "stop": {"categories": ["closed"]}}')
    assert repr(roundtrip(text)) == repr(text)


def test_a_builtin_workflow_pickles_by_name_and_others_by_their_json_form():
    wf = itsm.Workflow.builtin("change_normal")
    data = pickle.dumps(wf)
    assert b"change_normal" in data and len(data) < 200, len(data)  # the name, not the definition
    back = pickle.loads(data)
    assert back.to_json() == wf.to_json() and back._core.is_builtin
    mini = itsm.Workflow.from_json(MINI)
    back = roundtrip(mini)
    assert back.to_json() == mini.to_json() and not back._core.is_builtin
    # A definition loaded under a built-in's name is not the built-in: it travels whole.
    own = itsm.Workflow.from_json({**MINI, "name": "incident"})
    assert roundtrip(own).to_json() == own.to_json() != itsm.Workflow.builtin("incident").to_json()


def test_actors_are_equal_after_a_round_trip():
    for actor in (itsm.Actor("sam", ["service_desk", "cab"]), itsm.Actor.trusted("import")):
        back = roundtrip(actor)
        assert back == actor and hash(back) == hash(actor)
        assert isinstance(back.roles, tuple)


def test_a_ticket_unpickles_with_the_same_snapshot_and_goes_on():
    t = ticket()
    back = roundtrip(t)
    assert back.snapshot() == t.snapshot()
    assert back.history == t.history and back.export_history() == t.export_history()
    assert back.workflow.to_json() == t.workflow.to_json()
    desk = itsm.Actor("sam", ["service_desk"])
    assert back.allowed(desk) == t.allowed(desk)
    back.update(desk, {"urgency": 3}, AT + dt.timedelta(minutes=9))  # independent of the original
    assert back.fields["urgency"] == 3 and t.fields["urgency"] == 1


def test_a_tampered_ticket_pickle_raises_the_librarys_error():
    data = pickle.dumps(ticket())
    assert data.count(b'"state":"in_progress"') == 1
    bad = data.replace(b'"state":"in_progress"', b'"state":"in_progresz"')  # same length: a valid pickle
    with pytest.raises(itsm.WorkflowError, match="in_progresz"):
        pickle.loads(bad)


def test_an_event_store_unpickles_with_the_same_tickets_counts_report_and_audit():
    s = store()
    back = roundtrip(s)
    assert back.counts == s.counts == {"tickets": 2, "events": 5, "applied": 4, "refused": 1}
    assert back.ticket_ids == s.ticket_ids
    for id in s.ticket_ids:
        assert back.ticket(id).snapshot() == s.ticket(id).snapshot()
    assert back.report() == s.report()
    assert back.audit() == s.audit()
    # Line numbers go on where they were; the custom workflow is known to the copy.
    refusal = back.apply({"ticket": "M1", "at": "2026-03-02T12:00:00Z", "transition": "finish"})
    assert refusal == s.apply({"ticket": "M1", "at": "2026-03-02T12:00:00Z", "transition": "finish"})
    assert refusal["line"] == 6
    assert roundtrip(back).report() == s.report()


def test_an_event_store_made_not_picklable_says_so():
    s = itsm.EventStore(picklable=False)
    s.extend(EVENTS[:2])
    with pytest.raises(TypeError, match=r"picklable=False .* cannot be pickled"):
        pickle.dumps(s)


def test_pickles_load_in_a_fresh_interpreter(tmp_path):
    cal, sla, wf, t, s = itsm.Calendar.from_json(CALENDAR), itsm.SLA.from_json(SLA), itsm.Workflow.from_json(MINI), \
        ticket(), store()
    path = tmp_path / "objects.pickle"
    path.write_bytes(pickle.dumps((cal, sla, wf, itsm.Actor("sam", ["cab"]), t, s)))
    code = ("import json, pickle, sys\n"
            "cal, sla, wf, actor, t, s = pickle.load(open(sys.argv[1], 'rb'))\n"
            "print(json.dumps([cal.to_json(), repr(sla), wf.to_json(), [actor.name, list(actor.roles)],\n"
            "                  t.snapshot(), s.counts, s.report()]))\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    import json
    assert json.loads(done.stdout) == [cal.to_json(), repr(sla), wf.to_json(), ["sam", ["cab"]], t.snapshot(),
                                       s.counts, json.loads(json.dumps(s.report()))]


def test_objects_travel_to_spawned_worker_processes():
    cal, t, s = itsm.Calendar.from_json(CALENDAR), ticket(), store()
    start = dt.datetime(2026, 12, 23, 16, 0, tzinfo=UTC)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        due = pool.starmap(itsm.Calendar.add, [(cal, start, 3600 * k) for k in (1, 5, 20)])
        snapshots = pool.map(itsm.Ticket.snapshot, [t, t])
        reports = pool.map(itsm.EventStore.report, [s])
        back = pool.map(copy.copy, [t])  # a ticket made in a worker comes back too
    assert due == [cal.add(start, 3600 * k) for k in (1, 5, 20)]
    assert snapshots == [t.snapshot()] * 2
    assert reports == [s.report()]
    assert back[0].snapshot() == t.snapshot()


@pytest.mark.parametrize("index", range(len(python_blocks("Pickling"))))
def test_the_pickling_examples_of_the_docs_run(index):
    run_block("Pickling", index)
