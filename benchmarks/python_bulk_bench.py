#!/usr/bin/env python3
"""One million business-time additions through itsm's Python bulk call (numpy in, numpy out),
and 200,000 rows as pandas against the same rows as numpy.

usage: PYTHONPATH=build/bench-or-dev/python /usr/bin/python3 benchmarks/python_bulk_bench.py
Prints the best of five runs of Calendar.add_many over 1,000,000 random starts in 2026-2027
(Berlin wall times, numpy datetime64 in and out); then, when pandas is installed, the best of
five of add_many and between_many over the first 200,000 of them as numpy arrays, as a naive
pandas Series, as a tz-aware (UTC) Series, and as a naive Series with one row in ten NaT, with
the ratio of each to the numpy call (the target: under 2).
"""
import time

import numpy as np

import itsm

cal = itsm.Calendar.from_json({
    "timezone": "Europe/Berlin", "holidays": ["--01-01", {"easter": -2}, {"easter": 1}, "--05-01", "--12-25", "--12-26"],
    "week": {d: [["08:00", "12:00"], ["13:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}})
rng = np.random.default_rng(1)
starts = (np.int64(1767225600) + rng.integers(0, 2 * 365 * 86400, 1_000_000)).astype("datetime64[s]")
# datetime64 is naive: Berlin wall times. Those in the hour the clocks skip each spring do not
# exist (the call would refuse them); they move an hour on, as a clock does.
for spring in (np.datetime64("2026-03-29T02:00"), np.datetime64("2027-03-28T02:00")):
    skipped = (starts >= spring) & (starts < spring + np.timedelta64(1, "h"))
    starts[skipped] += np.timedelta64(1, "h")
budgets = rng.integers(60, 5 * 86400, 1_000_000).astype("timedelta64[s]")


def best_of_5(starts):
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        due = cal.add_many(starts, budgets)
        best = min(best, time.perf_counter() - t0)
    return best, due


best, due = best_of_5(starts)
print(f"add_many: 1,000,000 additions in {best:.3f} s ({1e6 / best / 1e6:.1f} million per second), best of 5")
t0 = time.perf_counter()
cal.between_many(starts, due)
print(f"between_many: 1,000,000 spans in {time.perf_counter() - t0:.3f} s")
# The same starts as instants (int64 epoch seconds): no wall times to read, the cost of the rule.
best, _ = best_of_5(starts.astype(np.int64))
print(f"add_many over int64 epoch seconds: {best:.3f} s, best of 5")


try:
    import pandas as pd
except ImportError:
    pd = None
if pd is not None:
    rows = 200_000
    wall, ends = starts[:rows], due[:rows]

    def best(fn):
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    naive, naive_ends = pd.Series(wall), pd.Series(ends)
    # The earlier instant in the autumn overlap, as the library reads a naive time there.
    aware = naive.dt.tz_localize("Europe/Berlin", ambiguous=np.ones(rows, dtype=bool)).dt.tz_convert("UTC")
    gappy = naive.copy()
    gappy[::10] = pd.NaT
    print(f"pandas {pd.__version__}, {rows:,} rows, best of 5 (ratio to numpy):")
    add = best(lambda: cal.add_many(wall, budgets[:rows]))
    span = best(lambda: cal.between_many(wall, ends))
    print(f"  numpy datetime64: add_many {add:.4f} s, between_many {span:.4f} s")
    budget_series = pd.Series(budgets[:rows])
    for name, series in (("naive Series", naive), ("tz-aware Series (UTC)", aware), ("naive Series, 10% NaT", gappy)):
        a = best(lambda: cal.add_many(series, budget_series))
        b = best(lambda: cal.between_many(series, naive_ends))
        print(f"  {name}: add_many {a:.4f} s ({a / add:.2f}x), between_many {b:.4f} s ({b / span:.2f}x)")
