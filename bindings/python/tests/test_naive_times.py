"""One rule for naive times (issue 18, item 9; docs/python.md "Times and naive values"): a naive
value -- a datetime without tzinfo, a numpy datetime64, RFC 3339 text without an offset -- is a
reading of the calendar's wall clock wherever a calendar reads it (scalar and bulk calls), and
refused where an instant is needed (ticket times, SLA histories, `now`). Results carry the
calendar's zone: a zoneinfo.ZoneInfo for an IANA name."""
import datetime as dt
import zoneinfo

import pytest

import itsm
from itsm._time import ResultZone

UTC = dt.timezone.utc
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
WEEK = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
ALWAYS = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def calendar(zone="Europe/Berlin", week=WEEK):
    return itsm.Calendar.from_json({"timezone": zone, "week": week})


def test_results_carry_the_calendars_named_zone():
    cal = calendar()
    due = cal.add(dt.datetime(2026, 3, 27, 16, 0), dt.timedelta(hours=4))  # across the switch to CEST
    assert isinstance(due.tzinfo, zoneinfo.ZoneInfo) and due.tzinfo.key == "Europe/Berlin"
    assert due == dt.datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN)
    assert due.utcoffset() == dt.timedelta(hours=2)
    assert (due + dt.timedelta(days=250)).utcoffset() == dt.timedelta(hours=1)  # a named zone follows DST
    for op in (cal.next_open, cal.next_close, cal.prev_close):
        assert op(due).tzinfo is due.tzinfo
    assert cal.add_working_days(due, 1).tzinfo is due.tzinfo
    assert calendar("UTC").add(due, 60).tzinfo is UTC
    fixed = calendar("+05:30").add(due, 60)
    assert fixed.tzinfo == dt.timezone(dt.timedelta(hours=5, minutes=30))


def test_the_library_decides_the_offset_when_zone_data_disagree():
    zone = ResultZone("Europe/Berlin", lambda seconds: 5 * 3600)  # as if the library knew other rules
    t = zone.datetime(1767225600)
    assert t.utcoffset() == dt.timedelta(hours=5) and t == dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert ResultZone("Europe/Berlin", lambda seconds: 3600).datetime(1767225600).tzinfo == BERLIN
    assert ResultZone("No/Such_Zone", lambda seconds: 0).datetime(0).tzinfo is UTC


def test_naive_datetimes_text_and_datetime64_are_wall_time_aware_ones_instants():
    np = pytest.importorskip("numpy")
    cal = calendar()
    want = dt.datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN)
    for start in (dt.datetime(2026, 3, 27, 16, 0), "2026-03-27T16:00:00", np.datetime64("2026-03-27T16:00"),
                  dt.datetime(2026, 3, 27, 15, 0, tzinfo=UTC), "2026-03-27T15:00:00Z",
                  dt.datetime(2026, 3, 27, 16, 0, tzinfo=BERLIN)):
        assert cal.add(start, dt.timedelta(hours=4)) == want, start
    # Bulk: datetime64 in, datetime64 out, both on the wall clock; int64 epoch seconds are instants.
    starts = np.array(["2026-03-27T16:00", "2026-10-23T17:00"], dtype="datetime64[s]")
    due = cal.add_many(starts, np.timedelta64(4, "h"))
    assert due.tolist() == [dt.datetime(2026, 3, 30, 10, 0), dt.datetime(2026, 10, 26, 11, 0)]
    epoch = np.array([int(dt.datetime(2026, 3, 27, 15, 0, tzinfo=UTC).timestamp())], dtype=np.int64)
    assert cal.add_many(epoch, 4 * 3600).tolist() == [int(want.timestamp())]
    assert cal.add_many([dt.datetime(2026, 3, 27, 16, 0)], 4 * 3600) == [want]
    spans = cal.between_many(starts, due)
    assert spans.dtype == np.dtype("timedelta64[s]") and spans.tolist() == [dt.timedelta(hours=4)] * 2
    assert cal.between_many(epoch, epoch + 3600).dtype == np.dtype("timedelta64[s]")
    assert cal.between_many(starts, "2026-03-30T10:00:00").tolist()[0] == dt.timedelta(hours=4)


def test_wall_times_in_a_gap_raise_and_an_overlap_gives_the_earlier_instant():
    np = pytest.importorskip("numpy")
    cal = calendar(week=ALWAYS)
    with pytest.raises(itsm.CalendarError, match=r"^start: wall time '2026-03-29T02:30:00' does not exist in "
                                                 r"Europe/Berlin") as info:
        cal.add(dt.datetime(2026, 3, 29, 2, 30), 60)
    assert info.value.reason == "nonexistent_time"
    with pytest.raises(itsm.CalendarError, match=r"^\[1\]: starts: wall time '2026-03-29T02:30:00' does not exist"):
        cal.add_many(np.array(["2026-03-29T01:30", "2026-03-29T02:30"], dtype="datetime64[s]"), 60)
    with pytest.raises(itsm.CalendarError, match=r"^\[0\]: ends: wall time '2026-03-29T02:30:00'"):
        cal.between_many(np.array(["2026-03-29T01:30"], dtype="datetime64[s]"),
                         np.array(["2026-03-29T02:30"], dtype="datetime64[s]"))
    # 2026-10-25 02:30 happens twice in Berlin: first at 00:30Z (CEST), then at 01:30Z (CET). (Python
    # never finds a time in a fold equal to one in another zone (PEP 495): compare in UTC.)
    first, second = dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert cal.next_open(dt.datetime(2026, 10, 25, 2, 30)).astimezone(UTC) == first
    later = cal.next_open(dt.datetime(2026, 10, 25, 2, 30, fold=1))
    assert later.astimezone(UTC) == second and later.fold == 1 and later.utcoffset() == dt.timedelta(hours=1)
    assert cal.next_open("2026-10-25T02:30:00").astimezone(UTC) == first
    assert cal.add_many(np.array(["2026-10-25T02:30"], dtype="datetime64[s]"), 0).tolist() == [
        dt.datetime(2026, 10, 25, 2, 30)]
    assert cal.between_many(np.array(["2026-10-25T02:30"], dtype="datetime64[s]"),
                            np.array([int(second.timestamp())])).tolist() == [dt.timedelta(hours=1)]


@pytest.mark.parametrize("zone,years", [("Europe/Berlin", (2026,)), ("America/New_York", (2026,)),
                                        ("Australia/Lord_Howe", (2026,)), ("Pacific/Apia", (2011,)),
                                        ("America/Sao_Paulo", (2018,)), ("Europe/Dublin", (2026, 2390))])
def test_naive_datetimes_resolve_as_the_library_reads_text_without_an_offset(zone, years):
    cal = calendar(zone, ALWAYS)
    tz = zoneinfo.ZoneInfo(zone)
    for year in years:
        # Around every change of offset in the year, every quarter of an hour.
        t = dt.datetime(year, 1, 1, tzinfo=UTC)
        changes = []
        while t.year == year:
            if t.astimezone(tz).utcoffset() != (t + dt.timedelta(hours=6)).astimezone(tz).utcoffset():
                changes.append(t)
            t += dt.timedelta(hours=6)
        assert changes, f"no offset change in {zone} {year}"
        walls, instants = [], []
        for change in changes:
            local = change.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
            for k in range(4 * 24 * 3):
                wall = local + dt.timedelta(minutes=15 * k)
                outcomes = []
                for given in (wall, wall.isoformat()):
                    try:
                        outcomes.append(cal.next_open(given).timestamp())  # same zone: == ignores fold
                    except itsm.CalendarError as exc:
                        outcomes.append(exc.reason)
                assert outcomes[0] == outcomes[1], (zone, wall, outcomes)
                if outcomes[0] != "nonexistent_time":
                    walls.append(wall)
                    instants.append(int(outcomes[0]))
        # The bulk calls read the same wall times (datetime64) the same way, and give them back.
        np = pytest.importorskip("numpy")
        readings = np.array(walls, dtype="datetime64[s]")
        reference = np.int64(instants[-1])
        spans = cal.between_many(readings, np.array([reference]))
        assert (reference - spans.astype(np.int64)).tolist() == instants
        assert cal.add_many(readings, 0).tolist() == walls


def test_where_an_instant_is_needed_naive_values_are_refused():
    np = pytest.importorskip("numpy")
    wf = itsm.Workflow.builtin("incident")
    sla = itsm.SLA.from_json({"name": "r", "targets": {"P1": 3600}, "stop": {"categories": ["resolved"]}})
    for naive in (dt.datetime(2026, 3, 2, 9, 0), "2026-03-02T09:00:00", np.datetime64("2026-03-02T09:00")):
        with pytest.raises(itsm.WorkflowError, match=r"^at: .*naive|^at: .*has no offset"):
            itsm.Ticket.create(wf, "INC1", "ann", naive, fields={"short_description": "x"})
        with pytest.raises(itsm.SLAError, match=r"^now: .*naive|^now: .*has no offset"):
            sla.evaluate([{"at": "2026-03-02T09:00:00Z", "priority": "P1"}], naive)


def test_sla_times_follow_the_calendar_rule():
    history = [{"at": "2026-03-27T15:00:00Z", "state": "new", "category": "new", "priority": "P1"}]
    berlin = itsm.SLA.from_json({"name": "r", "targets": {"P1": 4 * 3600}, "stop": {"categories": ["resolved"]},
                                 "warnings": [50],
                                 "calendar": {"timezone": "Europe/Berlin", "week": WEEK}})
    s = berlin.evaluate(history, dt.datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    assert s.deadline == dt.datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN) and s.deadline.tzinfo == BERLIN
    assert s.breached_at.tzinfo == BERLIN and s.warnings[0][1].tzinfo == BERLIN
    t = itsm.Ticket.create(itsm.Workflow.builtin("incident"), "INC1", "ann", "2026-03-27T15:00:00Z",
                           fields={"short_description": "x", "priority": "1"})
    assert t.sla(berlin, "2026-03-30T07:00:00Z").deadline.tzinfo == BERLIN
    plain = itsm.SLA.from_json({"name": "r", "targets": {"P1": 3600}, "stop": {"categories": ["resolved"]}})
    assert plain.evaluate(history, "2026-03-27T15:30:00Z").deadline.tzinfo is UTC
    # Ticket times have no zone: UTC.
    assert t.history[0]["at"].tzinfo == UTC
