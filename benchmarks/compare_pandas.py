#!/usr/bin/env python3
"""Side by side: business-hour `add` through itsm's bulk call (`Calendar.add_many`, numpy in and
out), through a Python loop over the single call (`Calendar.add`), and through pandas
CustomBusinessHour (Debian python3-pandas; skipped when absent), on the same calendar and spans.
Prints the time per query and the ratios against the bulk call. pandas has no time zones, so all
run on a UTC calendar with two shifts and national holidays. Exits 1 when an answer of the bulk
call differs from the single call's, or one of pandas' from itsm's (same conventions, so they must
be identical).

    PYTHONPATH=build/dev/python /usr/bin/python3 benchmarks/compare_pandas.py
"""
import datetime as dt
import random
import sys
import time

import numpy as np

import itsm

try:
    import pandas as pd
except ImportError:
    pd = None
    print("pandas is not installed (apt-get install python3-pandas): its column is left out")

HOLIDAYS = ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25",
            "2026-10-03", "2026-12-25", "2026-12-26"]
SHIFTS = [["08:00", "12:00"], ["13:00", "18:00"]]
cal = itsm.Calendar.from_json({
    "week": {d: SHIFTS for d in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": HOLIDAYS + [h.replace("2026", str(y)) for y in range(2027, 2037) for h in HOLIDAYS],
})
offset_hour = pd.offsets.CustomBusinessHour(
    start=[s for s, _ in SHIFTS], end=[e for _, e in SHIFTS],
    holidays=HOLIDAYS + [h.replace("2026", str(y)) for y in range(2027, 2037) for h in HOLIDAYS]) if pd else None

rng = random.Random(42)
base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
starts = [base + dt.timedelta(seconds=rng.randrange(0, 365 * 86400) // 60 * 60) for _ in range(200)]
BULK = 200_000
bulk_starts = (np.datetime64("2026-01-01T00:00:00") +
               np.random.default_rng(42).integers(0, 365 * 1440, BULK).astype("timedelta64[m]")).astype("datetime64[s]")

disagreements = []
print(f"{'span':>10} {'bulk us/query':>14} {'loop us/call':>13} {'pandas us/call':>15} {'loop/bulk':>10} {'pandas/bulk':>12}")
for days in (1, 90, 365, 3650):
    hours = max(1, days * 40 // 7)
    t_bulk = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        due = cal.add_many(bulk_starts, np.timedelta64(hours * 3600, "s"), at_close="open")
        t_bulk = min(t_bulk, (time.perf_counter() - t0) / BULK)
    t0 = time.perf_counter()
    ours = [cal.add(s, dt.timedelta(hours=hours), at_close="open") for s in starts]
    t_loop = (time.perf_counter() - t0) / len(starts)
    # The bulk call and the single call must agree.
    check = cal.add_many(np.array([s.replace(tzinfo=None) for s in starts], dtype="datetime64[s]"),
                         np.timedelta64(hours * 3600, "s"), at_close="open")
    assert [str(x) for x in check] == [o.replace(tzinfo=None).isoformat() for o in ours]
    line = f"{days:>8} d {t_bulk * 1e6:>14.2f} {t_loop * 1e6:>13.1f}"
    if pd is None:
        print(line + f" {'-':>15} {t_loop / t_bulk:>9.0f}x {'-':>12}")
        continue
    n_pandas = 50 if days < 3650 else 5
    t0 = time.perf_counter()
    theirs = [pd.Timestamp(s.replace(tzinfo=None)) + hours * offset_hour for s in starts[:n_pandas]]
    t_pandas = (time.perf_counter() - t0) / n_pandas
    # pandas uses the "open" convention, so the answers must be identical.
    for s, a, b in zip(starts, ours, theirs):
        if a.replace(tzinfo=None) != b.to_pydatetime():
            disagreements.append(f"{days} d from {s.isoformat()}: itsm {a.isoformat()}, pandas {b.isoformat()}")
    agree = len(theirs) - sum(1 for d in disagreements if d.startswith(f"{days} d "))
    print(line + f" {t_pandas * 1e6:>15.1f} {t_loop / t_bulk:>9.0f}x {t_pandas / t_bulk:>11.0f}x"
          f"   ({agree}/{len(theirs)} identical to pandas)")

for d in disagreements:
    print("DIFFERS:", d)
sys.exit(1 if disagreements else 0)
