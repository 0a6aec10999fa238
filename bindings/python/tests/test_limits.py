"""Limits from Python: hostile input raises (never crashes the interpreter), names the limit and
changes nothing; limits can be read and raised."""
import json

import pytest

import itsm


@pytest.fixture
def restore_limits():
    yield
    itsm.set_limits(**{name: 0 for name in itsm.get_limits()})


def incident():
    return itsm.Ticket.create(itsm.Workflow.builtin("incident"), "INC1", "ann", "2026-03-02T09:00:00Z",
                              fields={"short_description": "x"})


def test_deeply_nested_json_is_refused_everywhere():
    deep = "[" * 200_000 + "]" * 200_000
    t = incident()
    snap = json.dumps(t.snapshot()).replace('"short_description": "x"', '"short_description": ' + deep)
    for call, kind in ((lambda: itsm.Ticket.restore(t.workflow, snap), itsm.WorkflowError),
                       (lambda: itsm.Workflow.from_json(deep), itsm.WorkflowError),
                       (lambda: itsm.Workflow.validate(deep), itsm.WorkflowError),
                       (lambda: itsm.Calendar.from_json(deep), itsm.CalendarError),
                       (lambda: itsm.SLA.from_json(deep), itsm.SLAError),
                       (lambda: itsm.Ticket.replay(t.workflow, "X", deep), itsm.WorkflowError),
                       (lambda: itsm.verify_history(deep), itsm.WorkflowError)):
        with pytest.raises(kind) as info:
            call()
        assert info.value.reason == "limit_exceeded", str(info.value)
        assert "limits.json_depth = 64" in str(info.value)


def test_fields_beyond_the_limits_leave_the_ticket_unchanged(restore_limits):
    t = incident()
    before = t.snapshot()
    desk = itsm.Actor("sam", ["service_desk"])
    nested = []
    for _ in range(70):
        nested = [nested]
    with pytest.raises(itsm.TransitionRefused) as info:
        t.fire("start", desk, "2026-03-02T10:00:00Z", fields={"category": nested})
    assert info.value.reason == "limit_exceeded" and "json_depth" in str(info.value)
    # A text value counts its UTF-8 bytes: 1 MiB is within field_bytes, one byte more is not.
    with pytest.raises(itsm.TransitionRefused, match="limits.field_bytes = 1048576"):
        t.fire("start", desk, "2026-03-02T10:00:00Z", fields={"category": "x" * ((1 << 20) + 1)})
    with pytest.raises(itsm.TransitionRefused, match="limits.field_bytes = 1048576"):
        t.fire("start", desk, "2026-03-02T10:00:00Z", fields={"category": "\u00e9" * (1 << 19) + "x"})
    at_the_limit = incident()
    at_the_limit.fire("start", desk, "2026-03-02T10:00:00Z", fields={"category": "\u00e9" * (1 << 19)})
    assert len(at_the_limit.fields["category"].encode()) == 1 << 20
    itsm.set_limits(fields=2)
    with pytest.raises(itsm.TransitionRefused, match="limits.fields = 2"):
        t.update(desk, {"category": "a", "caller": "b"}, "2026-03-02T10:00:00Z")
    assert t.snapshot() == before


def test_get_and_set_limits(restore_limits):
    defaults = itsm.get_limits()
    assert defaults == {"json_bytes": 64 << 20, "json_depth": 64, "field_bytes": 1 << 20, "fields": 1024,
                        "history": 1_000_000, "intervals_per_day": 96, "holidays": 10_000, "overrides": 100_000}
    itsm.set_limits(json_depth=200, holidays=3)
    assert itsm.get_limits() == {**defaults, "json_depth": 200, "holidays": 3}
    with pytest.raises(itsm.CalendarError, match="limits.holidays = 3"):
        itsm.Calendar.from_json({"week": {"mon": [["09:00", "17:00"]]}, "holidays": ["--01-01"] * 4})
    with pytest.raises(itsm.Error, match="unknown limit 'depth'"):
        itsm.set_limits(depth=3)
    with pytest.raises(TypeError):
        itsm.set_limits(json_depth=-1)
    itsm.set_limits(json_depth=0)
    assert itsm.get_limits()["json_depth"] == 64
