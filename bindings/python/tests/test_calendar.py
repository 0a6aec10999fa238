import datetime as dt
import pathlib

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


BERLIN_OFFICE = {"timezone": "Europe/Berlin", "holidays": ["--12-25", {"easter": 1}],
                 "week": {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}


def test_next_open_next_close_prev_close_and_working_days():
    cal = itsm.Calendar.from_json(BERLIN_OFFICE)
    friday_17 = dt.datetime(2026, 3, 27, 17, 0)  # wall clock, CET
    assert cal.next_open(friday_17).isoformat() == "2026-03-27T17:00:00+01:00"
    assert cal.next_close(friday_17).isoformat() == "2026-03-27T18:00:00+01:00"
    assert cal.next_open(dt.datetime(2026, 3, 28, 12, 0)).isoformat() == "2026-03-30T08:00:00+02:00"
    assert cal.prev_close(dt.datetime(2026, 3, 28, 12, 0)).isoformat() == "2026-03-27T18:00:00+01:00"
    assert cal.add_working_days(friday_17, 1).isoformat() == "2026-03-30T17:00:00+02:00"
    assert cal.add_working_days(friday_17, -5).isoformat() == "2026-03-20T17:00:00+01:00"
    assert cal.holidays(2026) == [dt.date(2026, 4, 6), dt.date(2026, 12, 25)]
    with pytest.raises(TypeError):
        cal.add_working_days(friday_17, 1.5)
    with pytest.raises(itsm.CalendarError) as info:
        cal.holidays(1066)
    assert "1066" in str(info.value)


# The State Council's 2025 schedule (国务院办公厅关于2025年部分节假日安排的通知, 12 November 2024),
# as the manual shows it; the C++ tests check it day by day.
CN_MAINLAND_2025 = pathlib.Path(__file__).resolve().parents[3] / "examples" / "calendars" / "cn-mainland-2025.json"


def test_holiday_ranges_load_from_python():
    cal = itsm.Calendar.from_json(CN_MAINLAND_2025.read_text(encoding="utf-8"))
    holidays = cal.holidays(2025)
    assert len(holidays) == 28
    assert holidays[1:9] == [dt.date(2025, 1, 28) + dt.timedelta(days=k) for k in range(8)]  # Spring Festival
    assert holidays[-8:] == [dt.date(2025, 10, 1) + dt.timedelta(days=k) for k in range(8)]  # Golden Week
    # The day before the Spring Festival + 1 skips its eight days; Friday + 1 is the make-up Saturday.
    assert cal.add_working_days(dt.datetime(2025, 1, 27, 10, 0), 1).isoformat() == "2025-02-05T10:00:00+08:00"
    assert cal.add_working_days(dt.datetime(2025, 2, 7, 10, 0), 1).isoformat() == "2025-02-08T10:00:00+08:00"
    assert cal.to_json()["holidays"][1] == {"from": "2025-01-28", "to": "2025-02-04", "name": "Spring Festival 春节"}
    assert itsm.Calendar.from_json(cal.to_json()).to_json() == cal.to_json()


def test_bad_holiday_ranges_name_the_field():
    def load(range_):
        return itsm.Calendar.from_json({**OFFICE, "holidays": ["--12-25", range_]})

    with pytest.raises(itsm.CalendarError, match=r"calendar\.holidays\[1\]\.to: '2026-10-01' is before from '2026-10-07'"):
        load({"from": "2026-10-07", "to": "2026-10-01"})
    with pytest.raises(itsm.CalendarError, match=r"calendar\.holidays\[1\]\.to: .* spans 372 days"):
        load({"from": "2026-10-01", "to": "2027-10-07"})
    with pytest.raises(itsm.CalendarError, match=r"calendar\.holidays\[1\]: missing key 'from'"):
        load({"to": "2026-10-07"})


np = pytest.importorskip("numpy")


def test_bulk_add_and_between_match_the_scalar_calls():
    cal = itsm.Calendar.from_json(BERLIN_OFFICE)
    rng = np.random.default_rng(7)
    starts = (np.int64(1767225600) + rng.integers(0, 2 * 365 * 86400, 2000)).astype("datetime64[s]")
    budgets = rng.integers(-40 * 3600, 40 * 3600, 2000).astype("timedelta64[s]")
    due = cal.add_many(starts, budgets)
    assert due.dtype == np.dtype("datetime64[s]")
    # datetime64 is naive: in and out, readings of Berlin's wall clock, as naive datetimes are.
    for i in range(0, 2000, 97):
        start = starts[i].astype(dt.datetime)
        want = cal.add(start, dt.timedelta(seconds=int(budgets[i].astype(np.int64))))
        assert due[i].astype(dt.datetime) == want.replace(tzinfo=None)
    spans = cal.between_many(starts, due)
    assert spans.dtype == np.dtype("timedelta64[s]")
    for i in range(0, 2000, 97):
        a = starts[i].astype(dt.datetime)
        b = due[i].astype(dt.datetime)
        assert spans[i].item() == cal.between(a, b)
    # One budget for all; epoch seconds (instants) give epoch seconds; lists give aware datetimes.
    epoch = starts.astype(np.int64)
    by_epoch = cal.add_many(epoch, 3600)
    assert by_epoch.dtype == np.int64
    for i in range(0, 2000, 97):
        instant = dt.datetime.fromtimestamp(int(epoch[i]), dt.timezone.utc)
        assert by_epoch[i] == int(cal.add(instant, dt.timedelta(hours=1)).timestamp())
    listed = cal.add_many([dt.datetime(2026, 3, 27, 17, 0)] * 2, dt.timedelta(hours=2))
    assert [d.isoformat() for d in listed] == ["2026-03-30T09:00:00+02:00"] * 2


def test_bulk_errors_name_the_index_and_the_shape():
    cal = itsm.Calendar.from_json(BERLIN_OFFICE)
    with pytest.raises(itsm.CalendarError) as info:
        cal.add_many(np.array([1767225600, -10**13], dtype=np.int64), 60)
    assert str(info.value).startswith("[1]: ")
    with pytest.raises(itsm.CalendarError) as info:
        cal.add_many(np.array([1, 2, 3], dtype=np.int64), np.array([1, 2], dtype=np.int64))
    assert "one value or one per start" in str(info.value)


def test_bulk_calls_release_the_gil():
    import threading
    import time
    cal = itsm.Calendar.from_json(BERLIN_OFFICE)
    starts = np.full(3_000_000, 1767225600, dtype=np.int64) + np.arange(3_000_000, dtype=np.int64) * 61
    window = {}

    def worker():
        window["start"] = time.perf_counter()
        cal.add_many(starts, 8 * 3600)
        window["end"] = time.perf_counter()

    thread = threading.Thread(target=worker)
    ticks = []
    thread.start()
    while thread.is_alive():
        ticks.append(time.perf_counter())
    thread.join()
    inside = [t for t in ticks if window["start"] < t < window["end"]]
    # With the GIL held for the whole call this thread could not run at all inside the window.
    assert len(inside) > 100, f"{len(inside)} ticks of this thread ran during the bulk call"
