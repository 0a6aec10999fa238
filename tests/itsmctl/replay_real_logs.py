#!/usr/bin/env python3
"""Replays the real logs in ../shared/data through the built-in workflows with itsmctl.

usage: replay_real_logs.py ITSMCTL SHARED_DIR

Each log goes through its mapping under tools/itsmctl/maps with `itsmctl convert` (whose
output must equal that of convert_log.py, an independent reference written in Python's standard
library), then `itsmctl replay --summary`. What must be refused comes from workflow_model.py, a
model written from the manual that reads the built-in definitions: the tool must refuse exactly
the events the model refuses, with the same code, in the same state, and its summary must be the
model's. Exit 77 (ctest: skipped) when SHARED_DIR/data is absent; a failure when CI is set.
"""
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MAPS = os.path.join(HERE, "..", "..", "tools", "itsmctl", "maps")
sys.path.insert(0, HERE)
import skipping  # noqa: E402
import workflow_model  # noqa: E402

LOGS = {
    "servicenow incidents -> incident": {
        "map": "servicenow_incident.json",
        "kind": "servicenow-csv",
        "log": "uci_incident_event_log_partial.csv",
    },
    "volvo problems -> problem": {
        "map": "bpic2013_problem.json",
        "kind": "xes",
        "log": "bpic2013_closed_problems.xes.gz",
    },
}


def refusal_kind(code, state, message):
    """(code, state, target state) of a refusal: the breakdown printed for each log."""
    m = re.search(r"to '([^']+)'", message) if "no transition leads" in message else None
    return code, state, m.group(1) if m else None


def compare_with_model(name, events, refusals, summary):
    """The tool's refusal lines and summary against the model's prediction; the failures."""
    model, predicted = workflow_model.predict(events.splitlines())
    failures = []
    unmodelled = [n for n, o in predicted.items() if o.get("unmodelled")]
    if unmodelled:
        failures.append(f"{name}: the model does not cover line(s) {unmodelled[:5]}")
    want = workflow_model.summary(model, predicted)
    if summary != want:
        failures.append(f"{name}: summary {summary}, the model's {want}")
    got = {r["line"]: r for r in refusals}
    for n, o in predicted.items():
        r = got.get(n)
        if o.get("code") is None and r is not None:
            failures.append(f"{name}: line {n} refused ({r['code']}: {r['message']}), the model applies it")
        elif o.get("code") and r is None:
            failures.append(f"{name}: line {n} applied, the model refuses it ({o['code']} in '{o['state']}')")
        elif r is not None and (r["code"], r.get("state")) != (o["code"], o["state"]):
            failures.append(f"{name}: line {n} refused {r['code']} in '{r.get('state')}', "
                            f"the model: {o['code']} in '{o['state']}'")
    for n in sorted(set(got) - set(predicted)):
        failures.append(f"{name}: refusal for line {n}, which is not an event")
    return failures[:20] + ([f"{name}: ... {len(failures) - 20} more"] if len(failures) > 20 else [])


def main():
    itsmctl, shared = sys.argv[1], sys.argv[2]
    data = os.path.join(shared, "data")
    if not os.path.isdir(data):
        return skipping.skip(f"{data} is absent (the real logs sit beside the checkout in ../shared)")
    failures = []
    for name, case in LOGS.items():
        log = os.path.join(data, case["log"])
        mapping = os.path.join(MAPS, case["map"])
        reference = subprocess.run([sys.executable, os.path.join(HERE, "convert_log.py"), mapping, log],
                                   check=True, capture_output=True, text=True).stdout
        converted = subprocess.run([itsmctl, "convert", case["kind"], log, "--map", mapping],
                                   capture_output=True, text=True)
        if converted.returncode != 0:
            failures.append(f"{name}: itsmctl convert exited {converted.returncode}: {converted.stderr}")
            continue
        events = converted.stdout
        if [json.loads(l) for l in events.splitlines()] != [json.loads(l) for l in reference.splitlines()]:
            failures.append(f"{name}: itsmctl convert and convert_log.py disagree")
        run = subprocess.run([itsmctl, "replay", "--events", "-", "--summary"], input=events,
                             capture_output=True, text=True)
        if run.returncode != 0:
            failures.append(f"{name}: itsmctl exited {run.returncode}: {run.stderr}")
            continue
        lines = [json.loads(l) for l in run.stdout.splitlines()]
        summary, refusals = lines[-1], lines[:-1]
        kinds = collections.Counter()
        for r in refusals:
            for key in ("ticket", "line", "code", "message", "state"):
                if key not in r:
                    failures.append(f"{name}: refusal without '{key}': {r}")
            kinds[refusal_kind(r.get("code"), r.get("state"), r.get("message", ""))] += 1
        failures += compare_with_model(name, events, refusals, summary)
        print(f"{name}: {summary}")
        for key, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            print(f"  refused {n:5d}  {key[0]}: {key[1]} -> {key[2] or '(same state / time)'}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
