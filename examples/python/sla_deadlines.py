#!/usr/bin/env python3
"""SLA deadlines for a CSV of tickets: business hours in Berlin (Mon-Fri 08:00-18:00, German
national holidays), a resolution target per priority, all rows in one bulk call.

usage: sla_deadlines.py [TICKETS.csv]   (default: tickets.csv beside this script)
The CSV needs the columns number, opened_at (RFC 3339 with an offset) and priority (P1..P4);
the deadlines are printed as CSV in Berlin time. Exit 1 on a row that cannot be read.
"""
import csv
import datetime as dt
import os
import sys

import itsm

CALENDAR = {
    "timezone": "Europe/Berlin",
    "week": {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holidays": ["--01-01", {"easter": -2}, {"easter": 1}, "--05-01", {"easter": 39}, {"easter": 50},
                 "--10-03", "--12-25", "--12-26"],
}
TARGET_HOURS = {"P1": 4, "P2": 8, "P3": 24, "P4": 40}


def main(path):
    cal = itsm.Calendar.from_json(CALENDAR)
    rows, starts, targets = [], [], []
    with open(path, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                opened = dt.datetime.fromisoformat(row["opened_at"])
                hours = TARGET_HOURS[row["priority"]]
            except (KeyError, ValueError) as exc:
                print(f"{path}:{line}: cannot read the row: {exc!r}", file=sys.stderr)
                return 1
            if opened.tzinfo is None:
                print(f"{path}:{line}: opened_at '{row['opened_at']}' has no offset", file=sys.stderr)
                return 1
            rows.append(row)
            starts.append(opened)
            targets.append(dt.timedelta(hours=hours))
    # One call for every row (numpy arrays when numpy is installed, else one call per row).
    deadlines = cal.add_many(starts, targets)
    out = csv.writer(sys.stdout)
    out.writerow(["number", "priority", "opened_at", "business_hours", "deadline"])
    for row, start, target, deadline in zip(rows, starts, targets, deadlines):
        out.writerow([row["number"], row["priority"], start.isoformat(), int(target.total_seconds() // 3600),
                      deadline.isoformat()])
    return 0


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "tickets.csv")))
