"""Issue 18: counting working days, and queries that creep outward a day at a time, made a
calendar rebuild its compiled range at each step and keep every old copy, so memory grew with the
square of the distance covered: 20,000 working days (77 years) took gigabytes and raised
CalendarError: out of memory under a 4 GiB limit. Each case here runs in a child process whose
address space is capped at 512 MiB, a bound the fixed library stays far inside (a few MB) and the
old one could not meet; nothing here is timed."""
import datetime as dt
import json
import os
import subprocess
import sys

import pytest

ADDRESS_SPACE = 512 << 20

CHILD = r"""
import datetime as dt, json, resource, sys
import itsm

resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]),) * 2)
office = itsm.Calendar.from_json({"week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}})
start = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone.utc)  # a Monday
out = {"forward": office.add_working_days(start, 20000).isoformat(),
       "backward": office.add_working_days(start, -20000).isoformat()}
# A replay that moves a day at a time, over 80 years each way, on fresh calendars: the hour from
# 10:00 each day.
for name, step in (("creep_forward", 1), ("creep_backward", -1)):
    cal = itsm.Calendar.from_json(office.to_json())
    for k in range(0, 80 * 365):
        t = start + dt.timedelta(days=step * k)
        last = cal.between(t, t + dt.timedelta(hours=1))
    out[name] = last.total_seconds()
print(json.dumps(out))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS as Linux counts it")
def test_twenty_thousand_working_days_and_creeping_queries_fit_in_512_mib():
    run = subprocess.run([sys.executable, "-c", CHILD, str(ADDRESS_SPACE)], capture_output=True, text=True,
                         env=os.environ, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout)
    # Mon-Fri without holidays: 20,000 working days are 4,000 weeks, 28,000 days.
    start = dt.date(2026, 1, 5)
    assert got["forward"] == f"{start + dt.timedelta(days=28000)}T10:00:00+00:00"
    assert got["backward"] == f"{start - dt.timedelta(days=28000)}T10:00:00+00:00"
    # The last days walked: Wednesday 16 December 2105 (an hour of work), Saturday 26 January 1946.
    assert (start + dt.timedelta(days=80 * 365 - 1)).weekday() == 2
    assert (start - dt.timedelta(days=80 * 365 - 1)).weekday() == 5
    assert got["creep_forward"] == 3600
    assert got["creep_backward"] == 0
