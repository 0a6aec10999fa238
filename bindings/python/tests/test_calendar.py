import datetime as dt

import pytest

import itsm

OFFICE = {"week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}


def test_version_matches_the_library():
    assert itsm.__version__.count(".") == 2


def test_add_and_between_round_trip():
    cal = itsm.Calendar.from_json(OFFICE)
    start = dt.datetime(2026, 1, 9, 16, 0, tzinfo=dt.timezone.utc)  # a Friday
    due = cal.add(start, dt.timedelta(hours=2))
    assert due == dt.datetime(2026, 1, 12, 10, 0, tzinfo=dt.timezone.utc)
    assert cal.between(start, due) == dt.timedelta(hours=2)
    assert cal.between(due, start) == -dt.timedelta(hours=2)


def test_naive_datetimes_are_the_calendars_wall_clock():
    cal = itsm.Calendar.from_json({"timezone": "Europe/Berlin", **OFFICE})
    due = cal.add(dt.datetime(2026, 3, 27, 16, 0), dt.timedelta(hours=2))
    assert due.isoformat() == "2026-03-30T10:00:00+02:00"


def test_bad_calendar_names_the_field():
    with pytest.raises(itsm.CalendarError) as info:
        itsm.Calendar.from_json({"week": {"mon": [["09:00", "25:00"]]}})
    assert "calendar.week.mon[0][1]" in str(info.value)
    assert info.value.code == -1
    assert isinstance(info.value, itsm.Error)


def test_unknown_convention_names_the_argument():
    cal = itsm.Calendar.from_json(OFFICE)
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
    with pytest.raises(itsm.CalendarError, match="at_close: unknown convention 'later'"):
        cal.add(start, dt.timedelta(hours=1), at_close="later")
    with pytest.raises(itsm.CalendarError, match="dst: unknown convention 'solar'"):
        cal.between(start, start, dst="solar")


def test_open_convention_moves_off_the_close():
    cal = itsm.Calendar.from_json(OFFICE)
    start = dt.datetime(2026, 1, 5, 16, 0, tzinfo=dt.timezone.utc)
    assert cal.add(start, dt.timedelta(hours=1)).hour == 17
    assert cal.add(start, dt.timedelta(hours=1), at_close="open") == dt.datetime(
        2026, 1, 6, 9, 0, tzinfo=dt.timezone.utc)
