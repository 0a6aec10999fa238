#!/usr/bin/env python3
"""One million business-time additions through itsm's Python bulk call (numpy in, numpy out).

usage: PYTHONPATH=build/bench-or-dev/python /usr/bin/python3 benchmarks/python_bulk_bench.py
Prints the best of five runs of Calendar.add_many over 1,000,000 random starts in 2026-2027
(Berlin wall times, numpy datetime64 in and out).
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
