import datetime as dt

import pytest

import itsm

UTC = dt.timezone.utc
RESOLUTION = {"name": "resolution", "targets": {"P1": 14400, "P2": 28800},
              "pause": {"categories": ["waiting"]}, "stop": {"categories": ["resolved", "closed"]},
              "warnings": [50, 90]}


def at(hour, minute=0):
    return dt.datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


def test_a_clock_paused_on_hold_and_its_warnings():
    sla = itsm.SLA.from_json(RESOLUTION)
    assert sla.name == "resolution"
    history = [{"at": at(10), "state": "new", "category": "new", "priority": "P1"},
               {"at": at(11), "state": "on_hold", "category": "waiting"},
               {"at": "2026-03-02T13:00:00Z", "state": "in_progress", "category": "open"}]
    s = sla.evaluate(history, at(15))
    assert s.status == "running"
    assert s.elapsed == dt.timedelta(hours=3)
    assert s.percent == 75.0 and s.cycle == 1
    assert s.remaining == dt.timedelta(hours=1)
    assert s.deadline == at(16)
    assert s.breached_at is None
    assert s.warnings == [(50, at(14))]  # 75 % used: the 90 % mark is still ahead
    late = sla.evaluate(history, at(17))
    assert late.status == "breached"
    assert late.percent == 125.0
    assert late.breached_at == at(16)
    assert late.remaining == -dt.timedelta(hours=1)
    assert late.warnings == [(50, at(14)), (90, at(15, 36))]


def test_a_priority_change_swaps_the_target():
    sla = itsm.SLA.from_json(RESOLUTION)
    history = [{"at": at(10), "state": "new", "category": "new", "priority": "P1"},
               {"at": at(12), "priority": "P2"},
               {"at": at(14), "state": "resolved", "category": "resolved"}]
    s = sla.evaluate(history, at(18))
    assert (s.status, s.priority, s.target, s.elapsed) == ("met", "P2", dt.timedelta(hours=8), dt.timedelta(hours=4))


def test_bad_definitions_and_histories_name_the_field():
    with pytest.raises(itsm.SLAError) as info:
        itsm.SLA.from_json({"targets": {"P1": "soon"}})
    assert "targets" in str(info.value)
    sla = itsm.SLA.from_json(RESOLUTION)
    with pytest.raises(itsm.SLAError) as info:
        sla.evaluate([{"at": "2026-03-02T10:00:00"}], at(12))
    assert "history[0].at" in str(info.value)
    with pytest.raises(itsm.SLAError) as info:
        sla.evaluate([{"at": dt.datetime(2026, 3, 2, 10)}], at(12))
    assert "naive" in str(info.value)
    with pytest.raises(itsm.SLAError) as info:
        sla.evaluate([{"at": at(10), "priority": "P9"}], at(12))
    assert "history[0].priority: no target for priority 'P9' in SLA 'resolution'" in str(info.value)
    assert isinstance(info.value, itsm.Error) and isinstance(info.value, ValueError)


def test_cycles_resume_or_start_again_on_reopening():
    # docs/sla.md, worked example "Cycles": resolved at 16:00 after 2 h (14:00-16:00), reopened
    # on Tuesday at 09:00, evaluated at 10:00; a 24x7 calendar here, so every hour counts.
    history = [{"at": at(14), "state": "new", "category": "new", "priority": "P1"},
               {"at": at(16), "state": "resolved", "category": "resolved"},
               {"at": "2026-03-03T09:00:00Z", "state": "in_progress", "category": "open"}]
    tuesday_10 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    resumed = itsm.SLA.from_json(RESOLUTION).evaluate(history, tuesday_10)
    assert (resumed.cycle, resumed.elapsed, resumed.percent) == (1, dt.timedelta(hours=3), 75.0)
    fresh = itsm.SLA.from_json({**RESOLUTION, "on_reopen": "new_cycle"}).evaluate(history, tuesday_10)
    assert (fresh.cycle, fresh.elapsed, fresh.percent) == (2, dt.timedelta(hours=1), 25.0)
    before = itsm.SLA.from_json({**RESOLUTION, "start": {"states": ["in_progress"]}}).evaluate(history[:1], at(15))
    assert (before.status, before.cycle, before.percent) == ("not_started", 0, 0.0)
