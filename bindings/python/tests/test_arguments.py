"""Arguments of the wrong type or out of range, and field values from data work (issue 18,
items 8 and 10): wrong types raise TypeError naming the argument, out-of-range values the
library's error naming it, never pybind11's "incompatible function arguments"; numpy scalars,
datetimes and dates are written as JSON, NaN and infinities refused naming the field."""
import datetime as dt
import math

import pytest

import itsm

UTC = dt.timezone.utc
OFFICE = {"timezone": "Europe/Berlin", "week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}
START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
DESK = itsm.Actor("sam", ["service_desk"])
CALLER = itsm.Actor("ann", ["caller"])


@pytest.fixture
def cal():
    return itsm.Calendar.from_json(OFFICE)


def no_pybind_text(exc):
    assert "incompatible function arguments" not in str(exc)
    assert "itsm._itsm" not in str(exc)


@pytest.mark.parametrize("delta", ["3600", 1.9, 3600.0, None, True, [3600]])
def test_add_refuses_a_delta_that_is_not_a_duration(cal, delta):
    with pytest.raises(TypeError, match=r"^delta: expected a timedelta or whole seconds") as info:
        cal.add(START, delta)
    no_pybind_text(info.value)


def test_add_takes_numpy_integers_and_timedelta64(cal):
    np = pytest.importorskip("numpy")
    want = cal.add(START, dt.timedelta(hours=2))
    assert cal.add(START, np.int64(7200)) == want
    assert cal.add(START, np.timedelta64(2, "h")) == want
    assert cal.add(START, 7200) == want


@pytest.mark.parametrize("delta", [10 ** 30, -(10 ** 30), 2 ** 63, 10 ** 12])
def test_add_names_a_delta_out_of_range(cal, delta):
    with pytest.raises(itsm.CalendarError, match=rf"^delta: {delta} seconds reaches outside the supported years "
                                                 r"1900\.\.2399$") as info:
        cal.add(START, delta)
    assert info.value.reason == "out_of_range"


def test_times_of_the_wrong_type_name_the_argument(cal):
    for call, name in [(lambda: cal.add(20260105, 60), "start"), (lambda: cal.between(START, 3.5), "b"),
                       (lambda: cal.next_open(None), "t"), (lambda: cal.add_working_days([START], 1), "t"),
                       (lambda: cal.add(START, 60, pauses=[(START, "x", START)]), r"pauses\[0\]"),
                       (lambda: cal.add(START, 60, pauses=[(START, 5)]), r"pauses\[0\]\.end"),
                       (lambda: cal.add(START, 60, at_close=1), "at_close"),
                       (lambda: cal.add(START, 60, dst=None), "dst")]:
        with pytest.raises(TypeError, match=rf"^{name}: ") as info:
            call()
        no_pybind_text(info.value)


def test_holidays_and_working_days_check_their_numbers(cal):
    for year in ("2026", 2026.0, None, True):
        with pytest.raises(TypeError, match=r"^year: expected an int") as info:
            cal.holidays(year)
        no_pybind_text(info.value)
    for year in (10 ** 30, -5, 1899, 2400):
        with pytest.raises(itsm.CalendarError, match=rf"^year: {year} is outside the supported years 1900\.\.2399$"):
            cal.holidays(year)
    for days in ("1", 1.0, None):
        with pytest.raises(TypeError, match=r"^days: expected an int"):
            cal.add_working_days(START, days)
    for days in (10 ** 12, -(10 ** 30)):
        with pytest.raises(itsm.CalendarError, match=rf"^days: {days} reaches past the supported years") as info:
            cal.add_working_days(START, days)
        assert info.value.reason == "out_of_range"
    with pytest.raises(itsm.CalendarError, match=r"^days: 1000000 reaches past the supported years"):
        cal.add_working_days(START, 10 ** 6)  # the library's own check, within a C int


def test_bulk_arguments_name_themselves(cal):
    np = pytest.importorskip("numpy")
    starts = np.array(["2026-01-05T10:00"], dtype="datetime64[s]")
    with pytest.raises(TypeError, match=r"^deltas: expected a timedelta or whole seconds"):
        cal.add_many(starts, "3600")
    with pytest.raises(TypeError, match=r"^deltas\[1\]: expected a timedelta or whole seconds"):
        cal.add_many([START, START], [60, 1.5])
    with pytest.raises(itsm.CalendarError, match=r"^deltas: 10{30} seconds reaches outside"):
        cal.add_many(starts, 10 ** 30)
    with pytest.raises(TypeError, match=r"^starts: expected an array of datetime64 or of int64"):
        cal.add_many(np.array([1.5]), 60)
    with pytest.raises(TypeError, match=r"^starts\[0\]: expected a datetime"):
        cal.add_many([1.5], 60)
    with pytest.raises(TypeError, match=r"^starts: expected a numpy array or a sequence"):
        cal.between_many(5, starts)
    with pytest.raises(itsm.CalendarError, match=r"^starts\[1\]: NaT is not a time"):
        cal.add_many(np.array(["2026-01-05T10:00", "NaT"], dtype="datetime64[s]"), 60)
    with pytest.raises(TypeError, match=r"^at_close: expected a str"):
        cal.add_many(starts, 60, at_close=None)


def test_actor_roles_must_be_a_list_of_names():
    with pytest.raises(TypeError, match=r"^roles: expected a list of role names, got the str 'service_desk'"):
        itsm.Actor("sam", "service_desk")
    with pytest.raises(TypeError, match=r"^roles\[1\]: expected a str, got int"):
        itsm.Actor("sam", ["service_desk", 3])
    with pytest.raises(TypeError, match=r"^roles: expected a list of role names, got int"):
        itsm.Actor("sam", 3)
    with pytest.raises(TypeError, match=r"^name: expected a str"):
        itsm.Actor(None, ["service_desk"])
    with pytest.raises(TypeError, match=r"^check_roles: expected a bool"):
        itsm.Actor("sam", ["service_desk"], "no")
    a = itsm.Actor("sam", ["service_desk", "agent"])
    assert a.roles == ("service_desk", "agent") and a == itsm.Actor("sam", ("service_desk", "agent"))
    assert hash(a) == hash(itsm.Actor("sam", ("service_desk", "agent")))


def incident(**fields):
    return itsm.Ticket.create(itsm.Workflow.builtin("incident"), "INC1", CALLER, START,
                              fields={"short_description": "mail down", **fields})


def test_field_values_from_numpy_and_datetimes_are_written_as_json():
    np = pytest.importorskip("numpy")
    t = incident(impact=np.int64(2), urgency=np.int32(1))
    assert t.fields["impact"] == 2 and t.priority == 1
    berlin = dt.timezone(dt.timedelta(hours=1))
    t.update(DESK, {"resolution_notes": "see log", "category": [np.float64(0.5), np.bool_(True)]}, START)
    t.update(DESK, {"assigned_to": np.str_("sam"), "short_description": "x"}, START)
    t.update(DESK, {"category": {"seen": dt.datetime(2026, 1, 5, 11, 30, tzinfo=berlin),
                                   "utc": dt.datetime(2026, 1, 5, 10, 30, tzinfo=UTC),
                                   "due": dt.date(2026, 1, 9), "day": np.datetime64("2026-01-09"),
                                   "counts": np.array([1, 2, 3])}}, START)
    assert t.fields["category"] == {"seen": "2026-01-05T11:30:00+01:00", "utc": "2026-01-05T10:30:00Z",
                                      "due": "2026-01-09", "day": "2026-01-09", "counts": [1, 2, 3]}
    assert t.fields["assigned_to"] == "sam"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_refused_naming_the_field(bad):
    t = incident()
    before = t.snapshot()
    with pytest.raises(itsm.TransitionRefused, match=r"^fields\.category\[1\]: -?(nan|inf) is not a JSON number") \
            as info:
        t.update(DESK, {"category": [1.0, bad]}, START)
    assert info.value.reason == "invalid_argument" and info.value.state == "new"
    assert t.snapshot() == before
    with pytest.raises(itsm.WorkflowError, match=r"^fields\.impact: -?(nan|inf) is not a JSON number"):
        incident(impact=bad)


def test_other_field_values_are_refused_naming_the_field():
    np = pytest.importorskip("numpy")
    t = incident()
    cases = [({"category": dt.datetime(2026, 1, 5, 10)}, r"^fields\.category: a naive datetime"),
             ({"category": np.datetime64("2026-01-05T10:00")}, r"^fields\.category: a naive datetime64"),
             ({"category": {1: "x"}}, r"^fields: not JSON-serialisable: fields\.category: the key 1 is not text"),
             ({"category": [np.float32("nan")]}, r"^fields\.category\[0\]: nan is not a JSON number"),
             ({"category": dt.timedelta(hours=1)}, r"^fields: not JSON-serialisable: fields\.category: a "
                                                     r"datetime\.timedelta is not a JSON value")]
    for fields, message in cases:
        with pytest.raises(itsm.TransitionRefused, match=message):
            t.update(DESK, fields, START)
    assert len(t.history) == 1


def test_sla_histories_and_replays_take_numpy_values():
    np = pytest.importorskip("numpy")
    sla = itsm.SLA.from_json({"name": "r", "targets": {"P1": 3600}, "stop": {"categories": ["resolved"]}})
    s = sla.evaluate([{"at": START, "state": "new", "category": "new", "priority": np.str_("P1")}],
                     START + dt.timedelta(minutes=30))
    assert s.remaining == dt.timedelta(minutes=30)
    with pytest.raises(itsm.SLAError, match=r"^history\[0\]\.at: a naive datetime"):
        sla.evaluate([{"at": dt.datetime(2026, 1, 5, 10)}], START)
    with pytest.raises(TypeError, match=r"^history\[0\]: expected a dict"):
        sla.evaluate(["2026-01-05T10:00:00Z"], START)
    with pytest.raises(TypeError, match=r"^now: expected an aware datetime"):
        sla.evaluate([{"at": START}], 5)
    t = incident(impact=np.int64(2))
    again = itsm.Ticket.replay(t.workflow, "INC1", t.history)
    assert again.snapshot() == t.snapshot()
