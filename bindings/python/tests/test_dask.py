"""itsm.dask (issue 20, item 4, first part): deadlines and between over Dask collections, run on a
two-worker `distributed.LocalCluster` these tests start and stop themselves (localhost only, no
dashboard), equal row for row to the single-process pandas calls, surviving a worker killed
mid-computation; the ImportError without dask; the Dask example of docs/python.md.

Without dask or distributed the tests needing them are skipped, saying what to install; under
CI=true they fail instead (CI installs them: .ci/install-deps)."""
import collections
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import itsm
from dask_cluster import alive, client, require  # noqa: F401  (client is a fixture)
from doc_blocks import python_blocks, run_block

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

WEEK = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
ROWS = 4000
PARTITIONS = 8


@pytest.fixture(scope="module")
def cal():
    return itsm.Calendar.from_json({"timezone": "Europe/Berlin", "week": WEEK,
                                    "holidays": [{"date": "2026-04-03", "name": "Good Friday"}]})


@pytest.fixture(scope="module")
def tickets():
    """A few thousand tickets opened over 2026 (naive: Berlin wall time, the DST switches
    included), NaT among the starts, budgets and ends, a string index."""
    rng = np.random.default_rng(20)
    opened = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86400, ROWS), unit="s")
    frame = pd.DataFrame({
        "opened": opened,
        "budget": pd.to_timedelta(rng.choice([4, 8, 24, 72], ROWS), unit="h"),
        "resolved": (opened + pd.to_timedelta(rng.integers(0, 30 * 86400, ROWS), unit="s")).tz_localize(
            "Europe/Berlin", ambiguous="NaT", nonexistent="NaT").tz_convert("UTC"),
    }, index=[f"INC{i:05}" for i in range(ROWS)])
    frame.loc[frame.index[::97], "opened"] = pd.NaT
    frame.loc[frame.index[5::101], "budget"] = pd.NaT
    frame.loc[frame.index[7::89], "resolved"] = pd.NaT
    return frame


def as_dask(frame):
    dd = require("dask.dataframe")
    require("itsm.dask")  # sets itsm.dask, which the tests use
    return dd.from_pandas(frame, npartitions=PARTITIONS)


def test_deadlines_on_the_cluster_equal_the_pandas_call_row_for_row(client, cal, tickets):
    ddf = as_dask(tickets)
    due = itsm.dask.deadlines(ddf, cal, start="opened", budget="budget")
    assert due.npartitions == PARTITIONS and str(due.dtype) == "datetime64[ns, Europe/Berlin]"
    expected = cal.add_many(tickets["opened"], tickets["budget"])
    assert expected.isna().sum() > 60  # NaT starts and NaT budgets both give NaT rows
    got = client.compute(due).result()
    pd.testing.assert_series_equal(got, expected)
    pd.testing.assert_index_equal(got.index, tickets.index)


def test_a_scalar_budget_and_a_dask_series_of_starts(client, cal, tickets):
    ddf = as_dask(tickets)
    got = client.compute(itsm.dask.deadlines(ddf["opened"], cal, budget=pd.Timedelta(hours=8))).result()
    pd.testing.assert_series_equal(got, cal.add_many(tickets["opened"], pd.Timedelta(hours=8)))
    per_row = client.compute(itsm.dask.deadlines(ddf["opened"], cal, budget=ddf["budget"])).result()
    pd.testing.assert_series_equal(per_row, cal.add_many(tickets["opened"], tickets["budget"]))


def test_between_on_the_cluster_equals_the_pandas_call_row_for_row(client, cal, tickets):
    ddf = as_dask(tickets)
    spent = itsm.dask.between(ddf, cal, start="opened", end="resolved")
    assert str(spent.dtype) == "timedelta64[ns]"
    expected = cal.between_many(tickets["opened"], tickets["resolved"])
    assert expected.isna().sum() > 60 and expected.notna().sum() > ROWS - 200
    pd.testing.assert_series_equal(client.compute(spent).result(), expected)
    end = pd.Timestamp("2027-01-01", tz="UTC")
    pd.testing.assert_series_equal(client.compute(itsm.dask.between(ddf, cal, start="opened", end=end)).result(),
                                   cal.between_many(tickets["opened"], end))


def test_two_calendars_in_one_graph_stay_apart(client, tickets):
    """Dask names tasks by hashing their arguments: two calendars must never share results."""
    ddf = as_dask(tickets)
    week = itsm.Calendar.from_json({"timezone": "Europe/Berlin", "week": WEEK})
    mornings = itsm.Calendar.from_json({"timezone": "Europe/Berlin",
                                        "week": {d: [["08:00", "12:00"]] for d in WEEK}})
    due_week, due_mornings = client.compute([itsm.dask.deadlines(ddf, week, start="opened", budget="budget"),
                                             itsm.dask.deadlines(ddf, mornings, start="opened", budget="budget")],
                                            sync=True)
    pd.testing.assert_series_equal(due_week, week.add_many(tickets["opened"], tickets["budget"]))
    pd.testing.assert_series_equal(due_mornings, mornings.add_many(tickets["opened"], tickets["budget"]))
    assert (due_week != due_mornings).sum() > ROWS / 2


def slowly(partition):
    time.sleep(0.25)
    return partition


def test_a_worker_killed_mid_computation_changes_nothing(client, cal, tickets):
    ddf = as_dask(tickets).map_partitions(slowly, meta=as_dask(tickets)._meta)
    future = client.compute(itsm.dask.deadlines(ddf, cal, start="opened", budget="budget"))
    pids = client.run(os.getpid)
    # Kill a worker once it holds finished partitions, so they are lost and must be computed again.
    deadline = time.monotonic() + 20
    victim = None
    while victim is None and time.monotonic() < deadline:
        victim = next((w for w, keys in client.has_what().items() if keys and w in pids), None)
        time.sleep(0.02)
    assert victim is not None and not future.done(), "the computation ended before a worker could be killed"
    os.kill(pids[victim], signal.SIGKILL)
    got = future.result(timeout=60)
    assert pids[victim] not in client.run(os.getpid).values() or not alive(pids[victim])
    pd.testing.assert_series_equal(got, cal.add_many(tickets["opened"], tickets["budget"]))


def test_partials_merge_in_a_tree(client, tickets):
    """The private map-reduce the report and audit will use: per-partition partials merged a
    few at a time give what one pass over the whole frame gives."""
    ddf = as_dask(tickets)
    count = client.compute(itsm.dask._map_reduce(ddf, lambda p: collections.Counter(p["budget"].dropna()),
                                                 lambda a, b: a + b, split_every=3)).result()
    assert count == collections.Counter(tickets["budget"].dropna())
    with pytest.raises(ValueError, match="split_every: expected 2 or more, got 1"):
        itsm.dask._map_reduce(ddf, len, max, split_every=1)


def test_bad_arguments_are_refused_before_anything_runs(cal, tickets):
    ddf = as_dask(tickets)
    with pytest.raises(KeyError, match="start: the DataFrame has no column 'created'"):
        itsm.dask.deadlines(ddf, cal, start="created", budget=3600)
    with pytest.raises(TypeError, match="starts: expected datetimes"):
        itsm.dask.deadlines(ddf, cal, start="budget", budget=3600)
    with pytest.raises(TypeError, match="budget is required"):
        itsm.dask.deadlines(ddf, cal, start="opened")
    with pytest.raises(TypeError, match="not a pandas one"):
        itsm.dask.deadlines(ddf, cal, start="opened", budget=tickets["budget"])
    with pytest.raises(ValueError, match="3 partitions, the rows 8"):
        itsm.dask.between(ddf, cal, start="opened", end=ddf["resolved"].repartition(npartitions=3))
    with pytest.raises(TypeError, match="budget: 'budget' names a column, but the data is a Series"):
        itsm.dask.deadlines(ddf["opened"], cal, budget="budget")
    with pytest.raises(TypeError, match="start: 'opened' names a column, but the data is a Series"):
        itsm.dask.between(ddf["opened"], cal, start="opened", end=ddf["resolved"])
    with pytest.raises(TypeError, match="expected a Dask DataFrame or Series, got DataFrame"):
        itsm.dask.deadlines(tickets, cal, start="opened", budget=3600)


def run_python(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_without_dask_the_import_error_names_the_debian_package():
    run = run_python("""
        import sys
        sys.modules["dask"] = None  # as if dask were not installed
        import itsm
        try:
            import itsm.dask
        except ImportError as e:
            print(e)
        else:
            raise SystemExit("itsm.dask imported without dask")
        """)
    assert run.returncode == 0, run.stderr
    assert "itsm.dask needs the Python package 'dask', which is not installed" in run.stdout
    assert "apt-get install python3-dask" in run.stdout


def test_import_itsm_alone_never_imports_dask():
    run = run_python("""
        import sys, itsm
        assert not [m for m in sys.modules if m == "dask" or m.startswith(("dask.", "distributed"))], sys.modules
        """)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("index", range(len(python_blocks("Dask"))))
def test_the_dask_examples_of_the_docs_run(index):
    require("distributed")
    require("itsm.dask")
    run_block("Dask", index)

