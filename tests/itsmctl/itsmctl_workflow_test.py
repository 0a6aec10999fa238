#!/usr/bin/env python3
"""itsmctl workflow list|show|validate and replay: output shapes and exit codes.

usage: itsmctl_workflow_test.py ITSMCTL SAMPLE_EVENTS
"""
import json
import os
import subprocess
import sys
import tempfile

ITSMCTL, SAMPLE = sys.argv[1], sys.argv[2]
BUILTINS = ["incident", "service_request", "change_normal", "change_standard", "change_emergency",
            "problem", "audit_engagement", "audit_finding"]
failures = []


def run(*args, stdin=None):
    return subprocess.run([ITSMCTL, *args], input=stdin, capture_output=True, text=True)


def check(cond, what):
    if not cond:
        failures.append(what)


r = run("workflow", "list")
check(r.returncode == 0 and r.stdout.split("\n")[:-1] == BUILTINS, f"workflow list: {r.stdout!r}")

with tempfile.TemporaryDirectory() as tmp:
    for name in BUILTINS:
        r = run("workflow", "show", name, "--format", "json")
        check(r.returncode == 0, f"show {name}: exit {r.returncode} {r.stderr}")
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            f.write(r.stdout)
        check(json.loads(r.stdout)["name"] == name, f"show {name}: wrong name")
        # Dump, load back: the file validates and shows identically.
        v = run("workflow", "validate", path)
        check(v.returncode == 0 and v.stdout == f"{path}: valid\n", f"validate dumped {name}: {v.returncode} {v.stdout}")
        again = run("workflow", "show", path)
        check(again.stdout == r.stdout, f"show {path} differs from show {name}")
        dot = run("workflow", "show", name, "--format", "dot")
        check(dot.returncode == 0 and dot.stdout.startswith(f'digraph "{name}"'), f"dot {name}")

    broken = {
        "name": "broken", "version": 1, "roles": ["agent"],
        "states": [
            {"id": "new", "category": "new", "initial": True},
            {"id": "work", "category": "open"},
            {"id": "limbo", "category": "waiting"},
            {"id": "done", "category": "closed", "terminal": True},
        ],
        "transitions": [
            {"id": "go", "from": ["new"], "to": "work", "roles": ["agnet"]},
            {"id": "park", "from": ["work"], "to": "limbo", "roles": ["agent"]},
            {"id": "finish", "from": ["work"], "to": "done", "roles": ["agent"]},
            {"id": "restart", "from": ["done"], "to": "new", "roles": ["agent"]},
        ],
    }
    path = os.path.join(tmp, "broken.json")
    with open(path, "w") as f:
        json.dump(broken, f)
    v = run("workflow", "validate", path)
    lines = v.stdout.splitlines()
    check(v.returncode == 1, f"validate broken: exit {v.returncode}")
    for needle in ["role 'agnet' is not declared", "state 'limbo': is a trap",
                   "leaves the terminal state 'done'", "enters the initial state 'new'"]:
        check(any(needle in l for l in lines), f"validate broken: no line with {needle!r} in {lines}")
    check(all(l.startswith(path + ": ") for l in lines), "validate lines name the file")

    notjson = os.path.join(tmp, "not.json")
    with open(notjson, "w") as f:
        f.write("{ nope")
    check(run("workflow", "validate", notjson).returncode == 2, "validate non-JSON: exit 2")
    check(run("workflow", "validate", os.path.join(tmp, "missing.json")).returncode == 2, "validate unreadable: exit 2")
    badkey = os.path.join(tmp, "badkey.json")
    with open(badkey, "w") as f:
        json.dump({"name": "x", "states": [], "transitions": [], "colour": 1}, f)
    r = run("workflow", "validate", badkey)
    check(r.returncode == 1 and "unknown key 'colour'" in r.stdout, f"validate unknown key: {r.stdout}")
    check(run("workflow", "show", "no_such_process").returncode == 2, "show unknown: exit 2")

# replay: the sample has five refusals, each naming ticket, line, code and message.
r = run("replay", "--events", SAMPLE, "--summary")
check(r.returncode == 0, f"replay exit {r.returncode}")
out = [json.loads(l) for l in r.stdout.splitlines()]
check(out[-1] == {"tickets": 2, "events": 20, "applied": 15, "refused": 5, "reordered": 0, "skipped": 0, "after_now": 0},
      f"replay summary {out[-1]}")
got = [(o["ticket"], o["line"], o["code"]) for o in out[:-1]]
want = [("INC1", 3, "missing_fields"), ("INC1", 6, "role_denied"), ("CHG1", 12, "approvals_pending"),
        ("CHG1", 13, "segregation_of_duties"), ("CHG1", 15, "segregation_of_duties")]
check(got == want, f"replay refusals {got}")
r = run("replay", "--events", "/nonexistent/events.jsonl")
check(r.returncode == 2 and "/nonexistent/events.jsonl" in r.stderr, "replay unreadable: exit 2 naming the file")
# A line that is not JSON is an input error naming it (issue 17); with --skip-bad-lines it is
# skipped and counted, and the event lines around it are refused as before.
bad = '{"ticket": "X", "at": "2026-01-01T00:00:00Z", "transition": "go"}\nnot json\n{"ticket": "Y"}\n'
r = run("replay", "--events", "-", "--summary", stdin=bad)
check(r.returncode == 2 and r.stdout == "" and "<stdin>:2: not JSON" in r.stderr, f"replay, a line not JSON: {r.stderr!r}")
r = run("replay", "--events", "-", "--summary", "--skip-bad-lines", stdin=bad)
out = [json.loads(l) for l in r.stdout.splitlines()]
check(r.returncode == 0 and [o.get("code") for o in out[:-1]] == ["not_found", "invalid_argument"],
      f"replay bad lines: {out}")
check([o.get("line") for o in out[:-1]] == [1, 3] and out[-1]["skipped"] == 1, "replay bad lines: line numbers")

# replay --schedule: a freeze over CHG1's window keeps the CAB's last approval from scheduling it,
# so implement is refused; a schedule that is not valid JSON is exit 2 naming the file.
with tempfile.TemporaryDirectory() as tmp:
    freeze = os.path.join(tmp, "freeze.json")
    with open(freeze, "w") as f:
        json.dump({"freezes": [{"name": "march-release", "start": "2026-03-05T00:00:00Z",
                                "end": "2026-03-06T00:00:00Z"}]}, f)
    r = run("replay", "--events", SAMPLE, "--summary", "--schedule", freeze)
    out = [json.loads(l) for l in r.stdout.splitlines()]
    frozen = [o for o in out[:-1] if o["line"] == 18]
    check(r.returncode == 0 and len(frozen) == 1 and frozen[0]["code"] == "not_allowed_from_state"
          and frozen[0]["state"] == "authorize", f"replay --schedule: implement refused in authorize: {out}")
    with open(freeze, "w") as f:
        f.write('{"freezes": [{"name": "x"}]}')
    r = run("replay", "--events", SAMPLE, "--schedule", freeze)
    check(r.returncode == 2 and freeze in r.stderr and "freezes[0].start: missing" in r.stderr,
          f"replay --schedule bad file: {r.returncode} {r.stderr}")

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'passed'}: itsmctl workflow/replay checks")
sys.exit(1 if failures else 0)
