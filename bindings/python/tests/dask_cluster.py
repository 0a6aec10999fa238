"""A two-worker `distributed.LocalCluster` for the Dask tests, started and stopped by the tests
themselves (localhost only, no dashboard), and what they need around it: a skip (a failure under
CI=true) naming the Debian package when dask or distributed is missing; the workers' process ids,
to kill one; whether a process still runs."""
import importlib
import os
import time

import pytest


def require(module):
    """The module, or a skip naming the Debian package that brings it (a failure under CI=true)."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        reason = f"{module} is not installed (apt-get install python3-distributed, which brings python3-dask): {e}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)


def worker_pids(client):
    return set(client.run(os.getpid).values())


def alive(pid):
    """Whether a process runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(scope="module")
def client():
    distributed = require("distributed")
    require("itsm.dask")
    pids = set()
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", protocol="tcp",
                                  # no dashboard; the scheduler's bare HTTP server on a free port, not on 8787
                                  dashboard_address=":0", scheduler_kwargs={"dashboard": False}) as cluster:
        with distributed.Client(cluster) as c:
            pids |= worker_pids(c)
            assert len(pids) == 2
            yield c
            pids |= worker_pids(c)  # the killed worker's replacement too
    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [p for p in pids if alive(p)]
    assert not survivors, f"worker processes survive the cluster: {survivors}"


