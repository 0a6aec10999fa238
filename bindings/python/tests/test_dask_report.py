"""itsm.dask.report and itsm.dask.audit (issue 20, items 4 and 5): over a Dask DataFrame of event
lines, on a two-worker `distributed.LocalCluster` the tests start and stop themselves, equal to
`itsmctl report --format json` / `itsmctl audit --format json` on the log the rows came from
(the demo's log, and the real ServiceNow and Volvo logs converted with the shipped maps), and
surviving a worker killed mid-computation.

Without dask, distributed or ../shared the tests needing them are skipped, saying what is
missing; under CI=true they fail instead."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

import itsm
from dask_cluster import alive, client, require  # noqa: F401  (client is a fixture)

pd = pytest.importorskip("pandas")

ITSMCTL = os.environ.get("ITSMCTL", "")
SHARED = os.environ.get("ITSM_SHARED_DIR", "")
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
MAPS = os.path.join(REPO, "tools", "itsmctl", "maps")


def tool(*args):
    """itsmctl's output; exit status 1 is a report or audit with a data-quality warning."""
    r = subprocess.run([ITSMCTL, *args], capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """Path by name of each event log: the demo's, and the two real ones converted by itsmctl."""
    if not os.path.exists(ITSMCTL):
        pytest.fail("ITSMCTL (the built itsmctl) is not set") if os.environ.get("CI") == "true" else \
            pytest.skip("ITSMCTL (the built itsmctl) is not set")
    out = tmp_path_factory.mktemp("logs")
    tool("demo", "--days", "30", "--tickets-per-day", "40", "--out", str(out / "demo"))
    found = {"demo": out / "demo" / "events.jsonl"}
    data = os.path.join(SHARED, "data") if SHARED else ""
    if data and os.path.isdir(data):
        for name, kind, source, mapping in [
                ("servicenow", "servicenow-csv", "uci_incident_event_log_partial.csv", "servicenow_incident.json"),
                ("volvo", "xes", "bpic2013_closed_problems.xes.gz", "bpic2013_problem.json")]:
            path = out / f"{name}.jsonl"
            path.write_text(tool("convert", kind, os.path.join(data, source), "--map", os.path.join(MAPS, mapping)))
            found[name] = path
    return found


def frame_of(path, partitions):
    """The log as a Dask DataFrame, one row a line, as a pandas user would read it."""
    dd = require("dask.dataframe")
    require("itsm.dask")
    rows = pd.read_json(path, lines=True, dtype=False, convert_dates=False)
    return dd.from_pandas(rows, npartitions=partitions, sort=False)


@pytest.mark.parametrize("name", ["demo", "servicenow", "volvo"])
def test_dask_report_and_audit_equal_the_tools_json(client, logs, name):
    if name not in logs:
        reason = f"../shared/data is absent (ITSM_SHARED_DIR={SHARED!r}): the {name} log cannot be made"
        pytest.fail(reason) if os.environ.get("CI") == "true" else pytest.skip(reason)
    path = str(logs[name])
    ddf = frame_of(path, 6)
    expected = json.loads(tool("report", "--events", path, "--format", "json"))
    assert expected["tickets"] > 100
    got = itsm.dask.report(ddf, split_every=2)
    assert isinstance(got, itsm.Report)
    assert got == expected
    assert itsm.dask.audit(ddf, split_every=3) == json.loads(tool("audit", "--events", path, "--format", "json"))


def test_a_given_now_and_policy_are_the_single_process_ones(client, logs):
    path = str(logs["demo"])
    ddf = frame_of(path, 4)
    policy = {"calendar": {"timezone": "Europe/Berlin", "week": {d: [["08:00", "18:00"]]
                                                                for d in ("mon", "tue", "wed", "thu", "fri")}},
              "targets": {"incident": {"resolution": {"P1": 14400, "P2": 28800, "P3": 86400, "P4": 172800}}}}
    now = "2026-01-20T12:00:00Z"
    assert itsm.dask.report(ddf, policy=policy, now=now) == itsm.report(path, policy=policy, now=now)
    assert itsm.dask.report(ddf, order="file") == itsm.report(path, order="file")


def test_without_a_cluster_too(logs):
    dask = require("dask")
    ddf = frame_of(str(logs["demo"]), 3)
    with dask.config.set(scheduler="sync"):
        assert itsm.dask.report(ddf) == itsm.report(str(logs["demo"]))


def slowly(partition):
    time.sleep(0.3)
    return partition


def test_a_worker_killed_mid_computation_changes_nothing(client, logs):
    path = str(logs["demo"])
    ddf = frame_of(path, 8)
    ddf = ddf.map_partitions(slowly, meta=ddf._meta)
    expected = itsm.report(path)
    pids = client.run(os.getpid)
    killed = []

    def kill_one_worker_holding_data():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            victim = next((w for w, keys in client.has_what().items() if keys and w in pids), None)
            if victim is not None:
                os.kill(pids[victim], signal.SIGKILL)
                killed.append(pids[victim])
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_one_worker_holding_data)
    killer.start()
    got = itsm.dask.report(ddf)
    killer.join()
    assert killed, "no worker held data to kill before the report was done"
    assert not alive(killed[0])
    assert got == expected


def test_bad_arguments_are_refused_before_anything_runs(logs):
    dd = require("dask.dataframe")
    rows = pd.read_json(str(logs["demo"]), lines=True, dtype=False, convert_dates=False)
    with pytest.raises(TypeError, match="expected a Dask DataFrame of event lines, got DataFrame"):
        itsm.dask.report(rows)
    with pytest.raises(KeyError, match="no 'ticket' column"):
        itsm.dask.report(dd.from_pandas(rows.drop(columns=["ticket"]), npartitions=2))
    with pytest.raises(ValueError, match="split_every: expected 2 or more, got 1"):
        itsm.dask.audit(dd.from_pandas(rows, npartitions=2), split_every=1)
