#!/usr/bin/env python3
"""itsmctl demo and report: the demo is deterministic and writes its files; the report's figures
agree with figures computed here, independently, from the event lines: which events apply comes
from workflow_model.py (a model written from the manual that reads the built-in definitions), a
ticket's priority from the manual's priority matrix written out below. Part `demo` checks the
demo's log; part `real-logs` the ServiceNow incident log and the Volvo problem log of ../shared
(converted with itsmctl convert), and exits 77 (ctest: skipped) without them, 1 when CI is set.

usage: itsmctl_report_test.py ITSMCTL SHARED_DIR demo|real-logs
"""
import collections
import json
import math
import os
import subprocess
import sys
import tempfile

if len(sys.argv) != 4 or sys.argv[3] not in ("demo", "real-logs"):
    sys.exit(f"usage: {sys.argv[0]} ITSMCTL SHARED_DIR demo|real-logs")
ITSMCTL, SHARED, PART = sys.argv[1:]
HERE = os.path.dirname(os.path.abspath(__file__))
MAPS = os.path.join(HERE, "..", "..", "tools", "itsmctl", "maps")
sys.path.insert(0, HERE)
import skipping  # noqa: E402
import workflow_model  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(*args):
    return subprocess.run([ITSMCTL, *args], capture_output=True, text=True)


def parse_time(text):
    import datetime as dt
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def level(v):
    """Impact / urgency / priority as the manual defines a level: an integer 1..99, or text
    starting with one ("2", "2 - High", "P2"); 0 for anything else."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v if 1 <= v <= 99 else 0
    s = str(v)
    s = s[1:] if s[:1] in "Pp" else s
    digits = ""
    for ch in s:
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits and 1 <= int(digits) <= 99 else 0


# The default priority matrix (docs/workflows.md, "priority_matrix"; the built-in processes set
# none): row = impact 1..5, column = urgency 1..5. P1 needs both at 1 or one at 1 and the other at 2.
PRIORITY_MATRIX = [
    [1, 1, 2, 2, 3],
    [1, 2, 2, 3, 3],
    [2, 2, 3, 3, 4],
    [2, 3, 3, 4, 4],
    [3, 3, 4, 4, 5],
]


def priority(fields):
    """The `priority` field read as a level when set, else the matrix; 0 (none) outside it."""
    if fields.get("priority") not in (None, ""):
        return level(fields["priority"])
    impact, urgency = level(fields.get("impact", 0)), level(fields.get("urgency", 0))
    return PRIORITY_MATRIX[impact - 1][urgency - 1] if 1 <= impact <= 5 and 1 <= urgency <= 5 else 0


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def p90(xs):
    xs = sorted(xs)
    return xs[math.ceil(0.9 * len(xs)) - 1]


def predicted(events_path):
    with open(events_path, encoding="utf-8") as f:
        return workflow_model.predict(f.read().splitlines())


def independent_figures(events_path, response_targets, process="incident"):
    """Response and resolution hours, reopen rate and 24x7 response compliance of `process`, as
    docs/report-and-audit.md defines them, from the events the model applies."""
    model, outcomes = predicted(events_path)
    definition = model.definitions[process]
    assert definition.simple, f"workflow_model.py does not cover '{process}'"
    category = {s: d["category"] for s, d in definition.states.items()}
    tickets = {}
    for n in outcomes:  # in the order the events were applied
        o = outcomes[n]
        ev = o["event"]
        if o.get("unmodelled") or o["code"] is not None:
            continue
        if ev.get("create"):
            if ev["workflow"] == process:
                tickets[ev["ticket"]] = {"created": parse_time(ev["at"]), "responded": None, "resolved": None,
                                         "reopened": False, "cancelled_first": False}
            continue
        t = tickets.get(ev["ticket"])
        if t is None or o["fired"] is None:
            continue  # another process, or an update (no transition record)
        at, after = parse_time(ev["at"]), o["after"]
        if o["fired"].get("kind") == "reopen":
            t["reopened"] = True
        if t["responded"] is None and category[after] != "new":
            t["responded"] = at
            t["cancelled_first"] = category[after] == "cancelled"
        if t["resolved"] is None and category[after] in ("resolved", "closed"):
            t["resolved"] = at
    resp = [(t["responded"] - t["created"]) / 3600 for t in tickets.values() if t["responded"] is not None]
    resol = [(t["resolved"] - t["created"]) / 3600 for t in tickets.values() if t["resolved"] is not None]
    met = breached = 0
    for tid, t in tickets.items():
        # A priority change swaps the target retroactively (docs/sla.md): the clock is judged
        # by the priority in force at the end of the log.
        prio = priority(model.tickets[tid].fields)
        if t["responded"] is None or prio == 0 or t["cancelled_first"]:
            continue  # never responded, no target, or cancelled (the clock is cancelled, not met)
        if t["responded"] - t["created"] > response_targets[f"P{prio}"]:
            breached += 1
        else:
            met += 1
    return {"tickets": len(tickets), "resp_median": median(resp), "resp_p90": p90(resp), "resol_mean": sum(resol) / len(resol),
            "reopen": 100 * sum(t["reopened"] for t in tickets.values()) / max(1, len(resol)),
            "met": met, "breached": breached, "all_tickets": len(model.tickets)}


def disallowed_moves(events_path):
    """The events the model refuses that itsmctl audit reports as disallowed_transition."""
    _, outcomes = predicted(events_path)
    return sum(1 for o in outcomes.values()
               if o.get("code") in ("not_allowed_from_state", "unknown_transition", "ambiguous"))


def compare(name, events_path, tmp, process="incident"):
    targets = {"P1": 3600, "P2": 4 * 3600, "P3": 8 * 3600, "P4": 86400, "P5": 86400}
    policy = os.path.join(tmp, "policy-24x7.json")
    with open(policy, "w") as f:
        json.dump({"targets": {"incident": {"response": targets, "resolution": {k: 10 * v for k, v in targets.items()}}}}, f)
    r = run("report", "--events", events_path, "--policy", policy, "--format", "json")
    check(r.returncode == 0, f"{name}: report exit {r.returncode}: {r.stderr}")
    rep = json.loads(r.stdout)
    want = independent_figures(events_path, targets, process)
    row = next(g for g in rep["processes"] if g["process"] == process and g["priority"] == "all")
    close = lambda a, b: a is not None and abs(a - b) < 1e-6
    check(rep["tickets"] == want["all_tickets"], f"{name}: tickets {rep['tickets']} != {want['all_tickets']}")
    check(row["tickets"] == want["tickets"], f"{name}: incidents {row['tickets']} != {want['tickets']}")
    check(close(row["first_response_hours"]["median"], want["resp_median"]),
          f"{name}: response median {row['first_response_hours']['median']} != {want['resp_median']}")
    check(close(row["first_response_hours"]["p90"], want["resp_p90"]),
          f"{name}: response p90 {row['first_response_hours']['p90']} != {want['resp_p90']}")
    check(close(row["resolution_hours"]["mean"], want["resol_mean"]),
          f"{name}: resolution mean {row['resolution_hours']['mean']} != {want['resol_mean']}")
    check(close(row["reopen_rate"], want["reopen"]), f"{name}: reopen rate {row['reopen_rate']} != {want['reopen']}")
    if process == "incident":  # the policy here has incident targets only
        resp = row["sla"]["response"]
        check(resp["met"] == want["met"] and resp["breached"] == want["breached"],
              f"{name}: 24x7 response met/breached {resp['met']}/{resp['breached']} != {want['met']}/{want['breached']}")
    for fmt in ("table", "markdown", "csv"):
        r = run("report", "--events", events_path, "--format", fmt)
        check(r.returncode == 0 and process in r.stdout, f"{name}: --format {fmt}")


def demo_part(tmp):
    a, b, c = (os.path.join(tmp, d) for d in ("a", "b", "c"))
    for out, seed in ((a, "7"), (b, "7"), (c, "8")):
        r = run("demo", "--days", "10", "--tickets-per-day", "20", "--seed", seed, "--out", out)
        check(r.returncode == 0 and "SLA compliance" in r.stdout, f"demo --out {out}: exit {r.returncode} {r.stderr}")
    read = lambda d: open(os.path.join(d, "events.jsonl")).read()
    check(read(a) == read(b), "demo: the same seed gives the same events")
    check(read(a) != read(c), "demo: another seed gives other events")
    for f in ("report.json", "report.md", "workflows/incident.dot", "workflows/change_normal.dot"):
        check(os.path.exists(os.path.join(a, f)), f"demo: {f} written")
    rep = json.load(open(os.path.join(a, "report.json")))
    check(rep["refused"] > 0 and sum(t["count"] for t in rep["top_refusals"]) <= rep["refused"]
          and len(rep["top_refusals"]) > 0, "demo: refusals happen and are reported")
    check(run("demo", "--days", "0").returncode == 2, "demo --days 0 is a usage error")
    check(run("report", "--events", os.path.join(tmp, "missing.jsonl")).returncode == 2, "report: unreadable file exits 2")
    bad_policy = os.path.join(tmp, "bad.json")
    with open(bad_policy, "w") as f:
        f.write('{"targets": {"incident": {"response": {"P1": "soon"}}}}')
    r = run("report", "--events", os.path.join(a, "events.jsonl"), "--policy", bad_policy)
    check(r.returncode == 2 and "policy.targets.incident.response" in r.stderr, f"report: bad policy named: {r.stderr}")
    compare("demo", os.path.join(a, "events.jsonl"), tmp)

    # audit on the demo: the approvals the implementer or requester attempted on their own
    # changes, counted here from the event lines, are the segregation-of-duties findings.
    demo_events = os.path.join(a, "events.jsonl")
    own = 0
    people = {}
    for line in open(demo_events):
        ev = json.loads(line)
        if ev.get("create") and ev["workflow"] in ("change_normal", "change_emergency"):
            people[ev["ticket"]] = {ev["fields"].get("implementer"), ev["fields"].get("requested_by")}
        elif ev.get("approve") and ev["actor"] in people.get(ev["ticket"], ()):
            own += 1
    r = run("audit", "--events", demo_events, "--chain", os.path.join(a, "history.jsonl"), "--format", "json")
    audit = json.loads(r.stdout)
    rules = collections.Counter(f["rule"] for f in audit["findings"])
    check(r.returncode == (1 if audit["findings"] else 0), f"audit exit {r.returncode} with {len(audit['findings'])} findings")
    check(rules["segregation_of_duties"] == own, f"audit: {rules['segregation_of_duties']} SoD findings, {own} own approvals")
    check(rules["broken_hash_chain"] == 0, "audit: the demo's history chain verifies")
    # One edited byte in the chained history is a critical finding naming the line.
    lines = open(os.path.join(a, "history.jsonl")).read().splitlines()
    lines[5] = lines[5].replace('"actor":"', '"actor":"x', 1)
    tampered = os.path.join(tmp, "tampered.jsonl")
    open(tampered, "w").write("\n".join(lines) + "\n")
    r = run("audit", "--events", demo_events, "--chain", tampered, "--format", "json")
    broken = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "broken_hash_chain"]
    check(r.returncode == 1 and len(broken) == 1 and "line 6" in broken[0]["evidence"], f"audit: tampered chain {broken}")
    clean = os.path.join(tmp, "clean.jsonl")
    open(clean, "w").write(lines[0] + "\n")
    check(run("audit", "--events", clean).returncode == 0, "audit: one clean create is exit 0")

    # A Latin-1 export is refused naming the line, before anything is converted.
    latin1 = os.path.join(tmp, "latin1.csv")
    with open(latin1, "wb") as f:
        f.write(b"number,incident_state\nINC1,New\nINC2,Caf\xe9\n")
    r = run("convert", "servicenow-csv", latin1, "--map", os.path.join(MAPS, "servicenow_incident.json"))
    check(r.returncode == 2 and f"{latin1}:3: not valid UTF-8 (byte 9 of the line)" in r.stderr and not r.stdout,
          f"convert: Latin-1 CSV: {r.returncode} {r.stderr}")
    return 0


def real_logs_part(tmp):
    log = os.path.join(SHARED, "data", "uci_incident_event_log_partial.csv")
    if not os.path.exists(log):
        return skipping.skip(f"{log} is absent (../shared is not beside the checkout)")
    events = os.path.join(tmp, "servicenow.jsonl")
    mapping = os.path.join(MAPS, "servicenow_incident.json")
    with open(events, "w") as f:
        f.write(run("convert", "servicenow-csv", log, "--map", mapping).stdout)
    # Convert errors name the file, the row or the field, and exit 2.
    bad_map = os.path.join(tmp, "bad-map.json")
    with open(bad_map, "w") as f:
        json.dump({**json.load(open(mapping)), "states": {"New": "new"}}, f)
    r = run("convert", "servicenow-csv", log, "--map", bad_map)
    check(r.returncode == 2 and "ticket INC0000045 row 2: source state 'Resolved' is not in map.states" in r.stderr, f"convert bad map: {r.stderr}")
    r = run("convert", "xes", log, "--map", mapping)
    check(r.returncode == 2 and "itsmctl convert" in r.stderr, f"convert: CSV read as XES: {r.stderr}")
    compare("servicenow", events, tmp)
    # Every move the incident model does not allow is an audit finding.
    r = run("audit", "--events", events, "--format", "json")
    rules = collections.Counter(f["rule"] for f in json.loads(r.stdout)["findings"])
    want = disallowed_moves(events)
    check(want > 0 and rules["disallowed_transition"] == want, f"servicenow audit: {rules}, the model: {want}")
    # Volvo IT problems: the report's figures, and every refused move is an audit finding.
    xes = os.path.join(SHARED, "data", "bpic2013_closed_problems.xes.gz")
    volvo = os.path.join(tmp, "volvo.jsonl")
    with open(volvo, "w") as f:
        f.write(run("convert", "xes", xes, "--map", os.path.join(MAPS, "bpic2013_problem.json")).stdout)
    compare("volvo", volvo, tmp, process="problem")
    r = run("audit", "--events", volvo, "--format", "json")
    rules = collections.Counter(f["rule"] for f in json.loads(r.stdout)["findings"])
    want = disallowed_moves(volvo)
    check(r.returncode == 1 and want > 0 and rules["disallowed_transition"] == want, f"volvo audit: {rules}, the model: {want}")
    return 0


with tempfile.TemporaryDirectory() as tmp:
    status = demo_part(tmp) if PART == "demo" else real_logs_part(tmp)
for f in failures:
    print("FAIL:", f)
if status == 0 or failures:
    print(f"{'FAILED' if failures else 'passed'}: itsmctl {PART} report checks")
sys.exit(1 if failures else status)
