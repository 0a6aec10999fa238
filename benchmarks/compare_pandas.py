#!/usr/bin/env python3
"""Side by side: business-hour `add` in itsm (Python bindings, one call per query) and in pandas
CustomBusinessHour (Debian python3-pandas), on the same calendar and spans. Prints the time per
call and the ratio. pandas has no time zones, so both run on a UTC calendar with two shifts and
national holidays.

    PYTHONPATH=build/dev/python /usr/bin/python3 benchmarks/compare_pandas.py
"""
import datetime as dt
import random
import sys
import time

import itsm

try:
    import pandas as pd
except ImportError:
    print("pandas is not installed (apt-get install python3-pandas): nothing to compare")
    sys.exit(0)

HOLIDAYS = ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25",
            "2026-10-03", "2026-12-25", "2026-12-26"]
SHIFTS = [["08:00", "12:00"], ["13:00", "18:00"]]
cal = itsm.Calendar.from_json({
    "week": {d: SHIFTS for d in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": HOLIDAYS + [h.replace("2026", str(y)) for y in range(2027, 2037) for h in HOLIDAYS],
})
offset_hour = pd.offsets.CustomBusinessHour(
    start=[s for s, _ in SHIFTS], end=[e for _, e in SHIFTS],
    holidays=HOLIDAYS + [h.replace("2026", str(y)) for y in range(2027, 2037) for h in HOLIDAYS])

rng = random.Random(42)
base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
starts = [base + dt.timedelta(seconds=rng.randrange(0, 365 * 86400) // 60 * 60) for _ in range(200)]

print(f"{'span':>10} {'itsm us/call':>14} {'pandas us/call':>16} {'ratio':>8}")
for days in (1, 90, 365, 3650):
    hours = max(1, days * 40 // 7)
    t0 = time.perf_counter()
    ours = [cal.add(s, dt.timedelta(hours=hours), at_close="open") for s in starts]
    t_itsm = (time.perf_counter() - t0) / len(starts)
    n_pandas = 50 if days < 3650 else 5
    t0 = time.perf_counter()
    theirs = [pd.Timestamp(s.replace(tzinfo=None)) + hours * offset_hour for s in starts[:n_pandas]]
    t_pandas = (time.perf_counter() - t0) / n_pandas
    # pandas uses the "open" convention, so the answers must be identical.
    agree = sum(1 for a, b in zip(ours, theirs) if a.replace(tzinfo=None) == b.to_pydatetime())
    print(f"{days:>8} d {t_itsm * 1e6:>14.1f} {t_pandas * 1e6:>16.1f} {t_pandas / t_itsm:>7.0f}x"
          f"   ({agree}/{len(theirs)} identical answers)")
