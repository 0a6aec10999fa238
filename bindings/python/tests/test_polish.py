"""What users see of the objects and errors (issue 18, item 11): reprs that say what an object
is, exceptions shown as itsm.X, and Workflow.validate listing graph problems even when a
reference is broken."""
import pickle
import traceback

import pytest

import itsm


def test_reprs_say_what_the_objects_are():
    cal = itsm.Calendar.from_json({"timezone": "Europe/Berlin", "holidays": ["--12-25", {"easter": 1}],
                                   "week": {"mon": [["08:00", "18:00"]], "fri": [["08:00", "16:00"]]}})
    assert repr(cal) == "<itsm.Calendar Europe/Berlin, working mon fri, 2 holiday rules, 0 overrides>"
    sla = itsm.SLA.from_json({"name": "resolution", "targets": {"P2": 28800, "P1": 5400},
                              "stop": {"categories": ["resolved"]}})
    assert repr(sla) == "<itsm.SLA 'resolution': P1 1.5 h, P2 8 h, 24x7 UTC>"
    berlin = itsm.SLA.from_json({"name": "response", "targets": {"P1": 3600}, "stop": {"categories": ["resolved"]},
                                 "calendar": {"timezone": "Europe/Berlin", "week": {"mon": [["08:00", "18:00"]]}}})
    assert repr(berlin) == "<itsm.SLA 'response': P1 1 h, business hours in Europe/Berlin>"
    hooks = itsm.Hooks()
    hooks.guard("freeze", lambda ctx: None)
    hooks.action("notify", lambda t, r: None)
    hooks.action("book", lambda t, r: None)
    assert repr(hooks) == "<itsm.Hooks guards ['freeze'], actions ['book', 'notify']>"
    wf = itsm.Workflow.builtin("incident")
    assert repr(wf) == "<itsm.Workflow 'incident' v1>"
    t = itsm.Ticket.create(wf, "INC7", "ann", "2026-03-02T09:00:00Z", fields={"short_description": "x"})
    assert repr(t) == "<itsm.Ticket 'INC7' incident:new>"


@pytest.mark.parametrize("cls", [itsm.Error, itsm.CalendarError, itsm.SLAError, itsm.WorkflowError,
                                 itsm.TransitionRefused, itsm.TamperedError])
def test_exceptions_show_as_members_of_the_package(cls):
    assert cls.__module__ == "itsm" and repr(cls) == f"<class 'itsm.{cls.__name__}'>"
    assert getattr(itsm, cls.__name__) is cls


def test_a_traceback_names_itsm_calendar_error():
    with pytest.raises(itsm.CalendarError) as info:
        itsm.Calendar.from_json({"week": {"mon": [["09:00", "25:00"]]}})
    last = traceback.format_exception_only(info.type, info.value)[-1]
    assert last.startswith("itsm.CalendarError: calendar.week.mon[0][1]")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is itsm.CalendarError and str(again) == str(info.value) and again.code == info.value.code


BROKEN = {
    "name": "broken", "version": 1,
    "states": [{"id": "new", "category": "new", "initial": True}, {"id": "work", "category": "open"},
               {"id": "limbo", "category": "waiting"}, {"id": "orphan", "category": "open"},
               {"id": "done", "category": "closed", "terminal": True}],
    "transitions": [{"id": "start", "from": ["new"], "to": "work"},
                    {"id": "finish", "from": ["work"], "to": "done"},
                    {"id": "park", "from": ["work"], "to": "limbo"},
                    {"id": "leave", "from": ["orphan"], "to": "done"},
                    {"id": "typo", "from": ["work"], "to": "dnoe"}],
}


def test_validate_lists_graph_problems_when_a_reference_is_broken():
    problems = [str(p) for p in itsm.Workflow.validate(BROKEN) if p.level == "error"]
    assert problems == ["error: transition 'typo' (#5): to: unknown state 'dnoe'",
                        "error: state 'orphan': is not reachable from the initial state 'new'",
                        "error: state 'limbo': is a trap: no terminal state can be reached from it"]
    with pytest.raises(itsm.WorkflowError) as info:
        itsm.Workflow.from_json(BROKEN)
    assert "has 3 errors" in str(info.value) and "is a trap" in str(info.value)
