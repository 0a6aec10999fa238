#!/usr/bin/env python3
"""Writes the fuzz harnesses' seed corpora (tests/fuzz/seeds/<harness>/) from the tests, the
examples, the built-in workflows, the peer vectors and the real logs (../shared, when present),
and a demo run of itsmctl. The seeds are committed; run this again after a change of the input
forms, then commit what changed.

usage: make_seeds.py ITSMCTL [SHARED_DIR]
  ITSMCTL: a built itsmctl (its demo writes events; its convert reads the real logs)
The snapshot seeds come from the `itsm` Python package (PYTHONPATH=<build>/python).
"""
import glob
import hashlib
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
SEEDS = os.path.join(HERE, "seeds")


def write(harness, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(SEEDS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def numbers(rng):
    """The 8 bytes the calendar harness reads before the JSON (start and business seconds)."""
    return struct.pack(">II", rng.randrange(2**32), rng.randrange(2**32))


def main():
    itsmctl = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(REPO, "..", "shared")
    rng = random.Random(7)
    shutil.rmtree(SEEDS, ignore_errors=True)

    # Calendars and query lines: the peer vectors (distinct calendars), the sample queries.
    queries = [l for l in open(os.path.join(REPO, "examples", "itsmctl", "sample-queries.jsonl")) if l.strip()]
    vectors = os.path.join(shared, "vectors", "public_vectors.jsonl")
    calendars = {}
    if os.path.isfile(vectors):
        for line in open(vectors):
            q = json.loads(line)["query"]
            calendars.setdefault(json.dumps(q["calendar"], sort_keys=True), q["calendar"])
            queries.append(json.dumps(q) + "\n")
    for q in queries[:5]:
        calendars.setdefault(json.dumps(json.loads(q)["calendar"], sort_keys=True), json.loads(q)["calendar"])
    calendars["berlin"] = {"timezone": "Europe/Berlin", "week": {d: [["08:00", "12:00"], ["13:00", "18:00"]] for d in
                                                                  ("mon", "tue", "wed", "thu", "fri")},
                           "holidays": ["--01-01", {"easter": -2}, {"month": 11, "weekday": "thu", "nth": 4},
                                        {"date": "2026-12-24", "observed": True}],
                           "overrides": {"2026-12-31": [["08:00", "12:00"]]}}
    calendars["overnight"] = {"timezone": "America/Sao_Paulo", "week": {"fri": [["22:00", "06:00"]], "sat": [["00:00", "24:00"]]}}
    for cal in list(calendars.values())[:40]:
        write("calendar_json", numbers(rng) + json.dumps(cal).encode())
    # The example calendars (holiday ranges, make-up days), from 2025-01-27T02:00:00Z with 8 h of
    # business time and 3,800 working days: numbers fixed, not drawn, so the seeds above stay.
    for path in sorted(glob.glob(os.path.join(REPO, "examples", "calendars", "*.json"))):
        write("calendar_json", struct.pack(">II", 1737943200 + 2_000_000_000, 28800) +
              open(path, "rb").read())
    for i in range(0, min(len(queries), 60), 3):
        write("sla_query", "".join(queries[i:i + 3]))

    # Workflows: every built-in definition, and a tiny one.
    for path in sorted(glob.glob(os.path.join(REPO, "src", "workflows", "*.json"))):
        write("workflow_json", open(path, encoding="utf-8").read())
    write("workflow_json", json.dumps({"name": "tiny", "states": [{"id": "a", "category": "new", "initial": True},
                                                                 {"id": "b", "category": "closed", "terminal": True}],
                                       "transitions": [{"id": "go", "from": ["a"], "to": "b"}]}))

    # Event lines: the sample, a demo run's events, the real logs' first tickets.
    sample = open(os.path.join(REPO, "examples", "itsmctl", "sample-events.jsonl"), encoding="utf-8").read()
    write("event_lines", sample)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([itsmctl, "demo", "--days", "3", "--tickets-per-day", "6", "--out", tmp], check=True,
                       capture_output=True)
        events = open(os.path.join(tmp, "events.jsonl"), encoding="utf-8").read().splitlines(keepends=True)
    for i in range(0, min(len(events), 400), 40):
        write("event_lines", "".join(events[i:i + 40]))
    maps = os.path.join(REPO, "examples", "itsmctl", "maps")
    for kind, log, mapping in (("servicenow-csv", "uci_incident_event_log_partial.csv", "servicenow_incident.json"),
                               ("xes", "bpic2013_closed_problems.xes.gz", "bpic2013_problem.json")):
        path = os.path.join(shared, "data", log)
        if os.path.isfile(path):
            out = subprocess.run([itsmctl, "convert", kind, path, "--map", os.path.join(maps, mapping)], check=True,
                                 capture_output=True, text=True).stdout.splitlines(keepends=True)
            for i in range(0, 240, 60):
                write("event_lines", "".join(out[i:i + 60]))

    # Snapshots: a ticket of each built-in process a few steps in (the first byte picks the workflow).
    import itsm
    names = itsm.Workflow.builtin_names()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([itsmctl, "demo", "--days", "2", "--tickets-per-day", "8", "--out", tmp], check=True,
                       capture_output=True)
        history = [json.loads(l) for l in open(os.path.join(tmp, "history.jsonl"), encoding="utf-8")]
    by_ticket = {}
    for r in history:
        by_ticket.setdefault((r["workflow"], r["ticket"]), []).append(
            {k: v for k, v in r.items() if k not in ("ticket", "workflow", "prev", "hash")})
    seen = set()
    for (wf_name, tid), records in sorted(by_ticket.items()):
        if wf_name in seen or wf_name not in names:
            continue
        t = itsm.Ticket.replay(itsm.Workflow.builtin(wf_name), tid, records)
        write("snapshot", bytes([names.index(wf_name)]) + json.dumps(t.snapshot()).encode())
        seen.add(wf_name)
    for wf_name in names:  # the processes the short demo did not reach: a fresh ticket each
        if wf_name in seen:
            continue
        wf = itsm.Workflow.builtin(wf_name)
        j = wf.to_json()
        initial = next(st for st in j["states"] if st.get("initial"))
        values = {f["id"]: f["values"][0] for f in j.get("fields", []) if isinstance(f, dict)}
        fields = {f: values.get(f, "x") for f in initial.get("requires", [])}
        t = itsm.Ticket.create(wf, "SEED-" + wf_name, itsm.Actor.trusted("seed"), "2026-03-02T09:00:00Z", fields)
        write("snapshot", bytes([names.index(wf_name)]) + json.dumps(t.snapshot()).encode())

    # C ABI call sequences: the harness reads choices from bytes; random ones of a few lengths.
    for n in (16, 64, 256, 1024):
        for _ in range(3):
            write("c_api_calls", bytes(rng.randrange(256) for _ in range(n)))
    for h in sorted(os.listdir(SEEDS)):
        print(f"{h}: {len(os.listdir(os.path.join(SEEDS, h)))} seeds")


if __name__ == "__main__":
    main()
