#!/usr/bin/env python3
"""The C ABI's report and audit (itsm_event_store_report / _audit, through the C test program's
printing modes) equal `itsmctl report/audit --format json`, byte for byte, on one log:

  demo        a log itsmctl demo writes (always available)
  servicenow  the ServiceNow incident log in SHARED_DIR/data, converted with the shipped map
              (exit 77, a skip, when SHARED_DIR/data is absent)

usage: c_abi_matches_tool.py ITSMCTL C_TEST SHARED_DIR demo|servicenow
"""
import os
import subprocess
import sys
import tempfile

ITSMCTL, C_TEST, SHARED, LOG = sys.argv[1:5]
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def same(what, tool, c_abi):
    if tool != c_abi:
        failures.append(f"{what}: the C ABI's answer differs from itsmctl's ({len(c_abi)} vs {len(tool)} bytes)")
    elif not tool.startswith("{"):
        failures.append(f"{what}: not JSON: {tool[:80]!r}")


with tempfile.TemporaryDirectory() as tmp:
    chain = None
    if LOG == "demo":
        run(ITSMCTL, "demo", "--days", "20", "--tickets-per-day", "25", "--out", tmp)
        events, chain = os.path.join(tmp, "events.jsonl"), os.path.join(tmp, "history.jsonl")
    else:
        data = os.path.join(SHARED, "data", "uci_incident_event_log_partial.csv")
        if not os.path.exists(data):
            print(f"SKIPPED: {data} is absent (../shared sits beside the checkout)")
            sys.exit(77)
        events = os.path.join(tmp, "servicenow.jsonl")
        with open(events, "w", encoding="utf-8") as f:
            f.write(run(ITSMCTL, "convert", "servicenow-csv", data, "--map",
                        os.path.join(HERE, "..", "..", "tools", "itsmctl", "maps", "servicenow_incident.json")))
    same(f"{LOG}: report", run(ITSMCTL, "report", "--events", events, "--format", "json"),
         run(C_TEST, "report", events))
    now = "2026-03-10T12:00:00Z" if LOG == "demo" else "2016-04-01T00:00:00Z"
    same(f"{LOG}: report --now {now}", run(ITSMCTL, "report", "--events", events, "--now", now, "--format", "json"),
         run(C_TEST, "report", events, now))
    if chain:
        same(f"{LOG}: audit --chain", run(ITSMCTL, "audit", "--events", events, "--chain", chain, "--format", "json"),
             run(C_TEST, "audit", events, chain))
    else:
        same(f"{LOG}: audit", run(ITSMCTL, "audit", "--events", events, "--format", "json"), run(C_TEST, "audit", events))

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'passed'}: the C ABI's report and audit equal itsmctl's on the {LOG} log")
sys.exit(1 if failures else 0)
