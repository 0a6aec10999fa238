"""Workflows from Python: built-ins, JSON in and out, files, validation, DOT, errors."""
import json

import pytest

import itsm

SMALL = {
    "name": "tiny", "version": 3,
    "states": [{"id": "open", "category": "new", "initial": True},
               {"id": "done", "category": "closed", "terminal": True}],
    "transitions": [{"id": "finish", "from": ["open"], "to": "done", "roles": ["agent"]}],
}


def test_builtins_by_name():
    names = itsm.Workflow.builtin_names()
    assert names == ["incident", "service_request", "change_normal", "change_standard", "change_emergency",
                     "problem", "audit_engagement", "audit_finding"]
    for name in names:
        wf = itsm.Workflow.builtin(name)
        assert wf.name == name and wf.version >= 1
        assert wf.states and wf.transitions
    incident = itsm.Workflow.builtin("incident")
    assert incident.states == ["new", "in_progress", "on_hold", "resolved", "closed", "cancelled"]
    assert "resolve" in incident.transitions and repr(incident) == "<itsm.Workflow 'incident' v1>"


def test_unknown_builtin_names_the_known_ones():
    with pytest.raises(itsm.WorkflowError) as info:
        itsm.Workflow.builtin("incidnet")
    assert "incidnet" in str(info.value) and "incident" in str(info.value)
    assert info.value.reason == "not_found" and info.value.code == -20
    with pytest.raises(TypeError):
        itsm.Workflow.builtin(3)


def test_json_round_trip_as_text_dict_and_file(tmp_path):
    wf = itsm.Workflow.from_json(SMALL)
    assert (wf.name, wf.version, wf.states, wf.transitions) == ("tiny", 3, ["open", "done"], ["finish"])
    again = itsm.Workflow.from_json(json.dumps(wf.to_json()))
    assert again.to_json() == wf.to_json()
    path = tmp_path / "tiny.json"
    wf.save(path)
    assert itsm.Workflow.load(path).to_json() == wf.to_json()
    builtin = itsm.Workflow.builtin("change_normal")
    builtin.save(tmp_path / "change.json")
    assert itsm.Workflow.load(str(tmp_path / "change.json")).to_json() == builtin.to_json()


def test_validate_lists_every_problem_without_raising():
    broken = json.loads(json.dumps(SMALL))
    broken["transitions"].append({"id": "back", "from": ["nowhere"], "to": "open"})
    broken["transitions"].append({"id": "skip", "from": ["open"], "to": "limbo"})
    problems = itsm.Workflow.validate(broken)
    errors = [p for p in problems if p.level == "error"]
    assert len(errors) >= 2
    text = "\n".join(str(p) for p in errors)
    assert "nowhere" in text and "limbo" in text
    assert all(isinstance(p, itsm.Problem) for p in problems)
    assert itsm.Workflow.validate(SMALL) == []
    assert itsm.Workflow.validate(json.dumps(SMALL)) == []
    # Building it refuses with every error in the message.
    with pytest.raises(itsm.WorkflowError) as info:
        itsm.Workflow.from_json(broken)
    assert info.value.reason == "invalid_definition"
    assert "nowhere" in str(info.value) and "limbo" in str(info.value)


def test_validate_of_a_built_workflow_is_its_warnings():
    # The two warnings docs/workflows.md names: a state whose single way out is never guarded,
    # and a transition that duplicates another.
    warned = {
        "name": "warned",
        "states": [{"id": "open", "category": "new", "initial": True}, {"id": "work", "category": "open"},
                   {"id": "done", "category": "closed", "terminal": True}],
        "transitions": [{"id": "take", "from": ["open"], "to": "work"},
                        {"id": "finish", "from": ["work"], "to": "done"},
                        {"id": "finish_too", "from": ["work"], "to": "done"}],
    }
    wf = itsm.Workflow.from_json(warned)
    assert [(p.level, p.where) for p in wf.warnings] == [("warning", "state 'open'"),
                                                          ("warning", "transition 'finish_too' (#3)")]
    assert "single way out" in wf.warnings[0].message and "duplicates transition 'finish'" in wf.warnings[1].message
    # The built workflow's warnings are those the unbuilt definition's check lists.
    assert itsm.Workflow.validate(wf) == wf.warnings == itsm.Workflow.validate(warned)
    incident = itsm.Workflow.builtin("incident")
    assert itsm.Workflow.validate(incident) == incident.warnings == []


def test_documents_that_are_not_definitions():
    with pytest.raises(itsm.WorkflowError) as info:
        itsm.Workflow.from_json("{not json")
    assert info.value.reason == "parse_error"
    with pytest.raises(itsm.WorkflowError) as info:
        itsm.Workflow.validate({"name": "x", "states": "none", "transitions": []})
    assert "states" in str(info.value)
    with pytest.raises(itsm.WorkflowError):
        itsm.Workflow.from_json({"name": "x", "states": [], "transitions": [], "colour": "red"})


def test_dot_marks_the_current_state():
    wf = itsm.Workflow.builtin("incident")
    dot = wf.to_dot()
    assert dot.startswith("digraph") and '"on_hold"' in dot
    assert wf.to_dot("on_hold") != dot
