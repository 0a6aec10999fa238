"""pandas through the calendar bulk calls (issue 20, item 1): Series and DatetimeIndex in (naive =
the calendar's wall clock, tz-aware = instants), the same kind out (a Series keeps its index and
name; times tz-aware in the calendar's zone, spans as timedelta64), NaT in giving NaT out for its
row only, budgets one for all or per row, with no Python loop per row (the speed against numpy is
measured by benchmarks/python_bulk_bench.py, not asserted here: tests never assert timings). The pandas
examples of docs/python.md run here too."""
import datetime as dt
import subprocess
import sys
import zoneinfo

import pytest

import itsm
from doc_blocks import python_blocks, run_block

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
WEEK = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def cal():
    return itsm.Calendar.from_json({"timezone": "Europe/Berlin", "week": WEEK,
                                    "holidays": [{"date": "2026-04-03", "name": "Good Friday"}]})


def naive_starts():
    # Around the switch to summer time (29 March) and Good Friday, on both sides of working hours.
    return pd.Series(pd.to_datetime(["2026-03-27 16:00", "2026-03-28 11:00", "2026-03-30 07:59:59.9",
                                     "2026-04-02 17:30", "2026-10-25 02:30"]),
                     index=["INC1", "INC2", "INC3", "INC4", "INC5"], name="opened")


def test_a_naive_series_gives_aware_times_in_the_calendars_zone_with_its_index(cal):
    starts = naive_starts()
    due = cal.add_many(starts, dt.timedelta(hours=4))
    assert isinstance(due, pd.Series)
    assert list(due.index) == list(starts.index) and due.name == "opened"
    assert str(due.dtype) == "datetime64[ns, Europe/Berlin]"
    for label, start in starts.items():
        assert due[label] == cal.add(start.to_pydatetime(), dt.timedelta(hours=4)), label
    assert due["INC1"] == pd.Timestamp("2026-03-30 10:00", tz=BERLIN)  # 2 h on Friday, 2 h on Monday (CEST)
    assert due["INC4"] == pd.Timestamp("2026-04-06 11:30", tz=BERLIN)  # Good Friday and the weekend skipped


def test_aware_series_are_instants_whatever_their_zone(cal):
    utc = naive_starts().dt.tz_localize(BERLIN, ambiguous=[False] * 4 + [True]).dt.tz_convert("UTC")
    tokyo = utc.dt.tz_convert("Asia/Tokyo")
    from_naive = cal.add_many(naive_starts(), 3600 * 5)
    for starts in (utc, tokyo):
        due = cal.add_many(starts, 3600 * 5)
        assert list(due.index) == list(starts.index)
        assert (due == from_naive).all()
        for label, start in starts.items():
            assert due[label] == cal.add(start.to_pydatetime(), 3600 * 5), label


def test_a_datetime_index_gives_a_datetime_index_and_spans_a_timedelta_index(cal):
    starts = pd.DatetimeIndex(naive_starts().values, name="opened")
    due = cal.add_many(starts, np.timedelta64(2, "h"))
    assert isinstance(due, pd.DatetimeIndex) and due.name == "opened"
    assert str(due.tz) == "Europe/Berlin"
    spent = cal.between_many(starts, due)
    assert isinstance(spent, pd.TimedeltaIndex) and spent.name == "opened"
    assert (spent == pd.Timedelta(hours=2)).all()


def test_nat_in_gives_nat_out_for_that_row_and_the_rest_are_computed(cal):
    starts = naive_starts()
    starts["INC2"] = pd.NaT
    budgets = pd.Series(pd.to_timedelta([1, 2, None, 4, 5], unit="h"), index=starts.index)
    due = cal.add_many(starts, budgets)
    assert list(due.isna()) == [False, True, True, False, False]
    for label in ("INC1", "INC4", "INC5"):
        assert due[label] == cal.add(starts[label].to_pydatetime(), budgets[label].to_pytimedelta())
    ends = pd.Series(pd.to_datetime(["2026-04-01 12:00", "2026-04-01 12:00", None, "2026-04-08 09:00",
                                     "2026-10-26 09:00"]), index=starts.index)
    spent = cal.between_many(starts, ends)
    assert str(spent.dtype) == "timedelta64[ns]"
    assert list(spent.isna()) == [False, True, True, False, False]
    assert spent["INC1"] == cal.between(starts["INC1"].to_pydatetime(), ends["INC1"].to_pydatetime())
    opens = cal.next_open_many(starts)
    assert list(opens.isna()) == [False, True, False, False, False]
    assert opens["INC3"] == pd.Timestamp("2026-03-30 08:00", tz=BERLIN)
    assert cal.add_many(pd.Series(pd.to_datetime([None, None])), 60).isna().all()


def test_numpy_arrays_still_refuse_nat(cal):
    with pytest.raises(itsm.CalendarError, match=r"^starts\[1\]: NaT is not a time"):
        cal.add_many(np.array(["2026-01-05T10:00", "NaT"], dtype="datetime64[s]"), 60)


def test_budgets_per_row_from_priorities(cal):
    tickets = pd.DataFrame({"opened": naive_starts(), "priority": ["P1", "P2", "P3", "P1", "P2"]})
    targets = {"P1": pd.Timedelta(hours=4), "P2": pd.Timedelta(hours=8), "P3": pd.Timedelta(hours=24)}
    due = cal.add_many(tickets["opened"], tickets["priority"].map(targets))
    for label, row in tickets.iterrows():
        assert due[label] == cal.add(row["opened"].to_pydatetime(), targets[row["priority"]].to_pytimedelta())
    in_seconds = cal.add_many(tickets["opened"], tickets["priority"].map({"P1": 14400, "P2": 28800, "P3": 86400}))
    assert (in_seconds == due).all()
    assert (cal.add_many(tickets["opened"], np.array([14400, 28800, 86400, 14400, 28800])) == due).all()


def test_misaligned_or_wrongly_sized_budgets_are_refused(cal):
    starts = naive_starts()
    shuffled = pd.Series(pd.to_timedelta([1] * 5, unit="h"), index=starts.index[::-1])
    with pytest.raises(ValueError, match=r"^deltas: its index differs from the index of the rows"):
        cal.add_many(starts, shuffled)
    with pytest.raises(ValueError, match=r"^deltas: expected one value or one per row \(5\), got 2"):
        cal.add_many(starts, pd.Series(pd.to_timedelta([1, 2], unit="h")))
    with pytest.raises(ValueError, match=r"^deltas: expected one value or one per row \(5\), got 3"):
        cal.add_many(starts, [60, 60, 60])
    with pytest.raises(ValueError, match=r"^ends: expected one value or one per row \(5\), got 2"):
        cal.between_many(starts, pd.Series(pd.to_datetime(["2026-04-01", "2026-04-02"])))
    with pytest.raises(TypeError, match=r"^deltas: expected a Series of timedelta64 or of integer seconds, got "
                                        r"dtype float64"):
        cal.add_many(starts, pd.Series([1.5] * 5, index=starts.index))


def test_wrong_values_are_refused_naming_the_argument_and_the_row(cal):
    with pytest.raises(TypeError, match=r"^starts: expected datetimes .*got dtype object; pandas.to_datetime"):
        cal.add_many(pd.Series(["2026-03-27 16:00"]), 60)
    with pytest.raises(TypeError, match=r"^times: expected datetimes"):
        cal.next_close_many(pd.Series([1, 2]))
    gap = pd.Series(pd.to_datetime(["2026-03-27 16:00", "2026-03-29 02:30"]))
    with pytest.raises(itsm.CalendarError, match=r"^\[1\]: starts: wall time '2026-03-29T02:30:00' does not exist"):
        cal.add_many(gap, 60)
    with pytest.raises(itsm.CalendarError, match=r"is outside what pandas' datetime64\[ns\] holds") as e:
        cal.add_many(pd.Series(pd.to_datetime(["2262-04-01"])), dt.timedelta(days=30))
    assert e.value.reason == "out_of_range"


def test_next_open_and_close_many_match_the_single_calls(cal):
    starts = naive_starts()
    wall = starts.values.astype("datetime64[s]")
    for bulk, single in ((cal.next_open_many, cal.next_open), (cal.next_close_many, cal.next_close)):
        from_pandas = bulk(starts)
        from_numpy = bulk(wall)
        from_list = bulk(list(starts.dt.to_pydatetime()))
        instants = starts.dt.tz_localize(BERLIN, ambiguous=np.array([False] * 4 + [True]))  # the earlier, as the library reads it
        epoch = bulk(np.asarray(instants.array.asi8) // 10**9)  # epoch seconds of the same instants
        for i, (label, start) in enumerate(starts.items()):
            want = single(start.to_pydatetime())
            assert from_pandas[label] == want
            assert from_list[i] == want
            assert from_numpy[i] == np.datetime64(want.replace(tzinfo=None), "s")
            assert epoch[i] == int(want.timestamp())


def test_rows_are_not_converted_one_by_one_in_python(cal, monkeypatch):
    def per_row(*args, **kwargs):
        raise AssertionError("a Python call per row")

    monkeypatch.setattr(itsm.Calendar, "_instant", per_row)
    monkeypatch.setattr(itsm.Calendar, "add", per_row)
    starts = naive_starts()
    assert cal.add_many(starts, 60).notna().all()
    assert cal.between_many(starts, starts + pd.Timedelta(days=1)).notna().all()
    assert cal.next_close_many(starts).notna().all()


def test_the_package_does_not_import_pandas():
    code = ("import sys, numpy as np, itsm\n"
            "cal = itsm.Calendar.from_json({'week': {'mon': [['09:00', '17:00']]}})\n"
            "cal.add_many(np.array(['2026-01-05T10:00'], dtype='datetime64[s]'), 60)\n"
            "cal.next_open_many(['2026-01-05T10:00:00Z'])\n"
            "assert 'pandas' not in sys.modules, 'pandas was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("index", range(len(python_blocks("pandas"))))
def test_the_pandas_examples_of_the_docs_run(index):
    run_block("pandas", index)


def test_fixed_offset_and_utc_calendars_and_empty_rows():
    india = itsm.Calendar.from_json({"timezone": "+05:30", "week": {"mon": [["09:00", "17:00"]]}})
    due = india.add_many(pd.Series(pd.to_datetime(["2026-01-05 16:30"])), 3600)
    assert due[0] == pd.Timestamp("2026-01-12 09:30+05:30") and due[0].utcoffset() == dt.timedelta(hours=5.5)
    utc = itsm.Calendar.from_json({"week": {"mon": [["09:00", "17:00"]]}})
    assert str(utc.next_close_many(pd.DatetimeIndex(["2026-01-05 10:00"])).tz) == "UTC"
    empty = pd.Series(pd.to_datetime([]), dtype="datetime64[ns]")
    assert len(india.add_many(empty, 60)) == 0 and str(india.between_many(empty, empty).dtype) == "timedelta64[ns]"
