#!/usr/bin/env python3
"""itsm.dask.deadlines on 1,000,000 rows, on a local Dask cluster of 1 and of 2 worker processes
(one thread each), against the single-process pandas call (Calendar.add_many on a Series).

usage: PYTHONPATH=build/dev/python /usr/bin/python3 benchmarks/dask_bench.py [rows] [partitions]
Needs dask and distributed (Debian: python3-distributed). The rows are naive Berlin wall times
in 2026-2027 with per-row budgets, one in a hundred NaT, in 8 partitions. For each cluster the
frame is first persisted on the workers (as data read by the workers themselves would be), then
the deadlines are computed and gathered into the client as one pandas Series, best of 3; the
result is checked against the pandas call's, row for row. Prints wall times and the ratio of
each to the single-process call (Dask's overhead, or its gain from a second core).
"""
import sys
import time

import numpy as np
import pandas as pd

import itsm


def best_of(n, fn):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def dask_best_of(n, client, collection):
    """The best time of n runs computing the collection and gathering it into the client, each
    after the scheduler has forgotten the previous run's results (the same graph has the same
    keys: it would hand back what it still holds)."""
    keys = {str(k) for k in collection.__dask_keys__()}
    times = []
    for _ in range(n):
        while keys & {str(k) for k in client.who_has()}:
            time.sleep(0.01)
        t0 = time.perf_counter()
        future = client.compute(collection)
        result = future.result()
        times.append(time.perf_counter() - t0)
        future.release()
        del future
    return min(times), result


def main():
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import itsm.dask

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    partitions = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    cal = itsm.Calendar.from_json({
        "timezone": "Europe/Berlin",
        "holidays": ["--01-01", {"easter": -2}, {"easter": 1}, "--05-01", "--12-25", "--12-26"],
        "week": {d: [["08:00", "12:00"], ["13:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}})
    rng = np.random.default_rng(1)
    # Tz-aware instants read as Berlin wall times: none falls in the hour a spring night skips.
    opened = pd.Series(pd.to_datetime(1767225600 + rng.integers(0, 2 * 365 * 86400, rows), unit="s", utc=True))
    frame = pd.DataFrame({"opened": opened.dt.tz_convert("Europe/Berlin").dt.tz_localize(None),
                          "budget": pd.to_timedelta(rng.integers(60, 5 * 86400, rows), unit="s")})
    frame.loc[frame.index[::100], "opened"] = pd.NaT

    single, expected = best_of(3, lambda: cal.add_many(frame["opened"], frame["budget"]))
    print(f"{rows:,} rows, {partitions} partitions, best of 3, pandas {pd.__version__}:")
    print(f"  single process (Calendar.add_many on a Series): {single:.3f} s")
    ddf = dd.from_pandas(frame, npartitions=partitions)
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=":0",
                          scheduler_kwargs={"dashboard": False}) as cluster, Client(cluster) as client:
            on_workers = client.persist(ddf)
            on_workers.count().compute()  # wait until the partitions are on the workers
            due = itsm.dask.deadlines(on_workers, cal, start="opened", budget="budget")
            took, got = dask_best_of(3, client, due)
            pd.testing.assert_series_equal(got, expected)
            print(f"  Dask, {workers} worker process(es): {took:.3f} s ({took / single:.2f}x the single process)")


if __name__ == "__main__":  # worker processes import the main module: the guard keeps them from re-running it
    main()
