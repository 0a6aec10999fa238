"""The shared material beside the checkout (../shared) through the Python API: every public peer
vector (pandas, biz) and a replay of the real ServiceNow incident log through the built-in
`incident` workflow. Both skip, saying why, when ../shared is absent."""
import collections
import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest

import itsm

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SHARED = os.environ.get("ITSM_SHARED_DIR") or os.path.join(REPO, "..", "shared")
VECTORS = os.path.join(SHARED, "vectors", "public_vectors.jsonl")
DATA = os.path.join(SHARED, "data")


def vectors():
    if not os.path.isfile(VECTORS):
        return []
    with open(VECTORS, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def instant(text):
    """Query-form times: with an offset, an instant; without, the calendar's wall clock (naive)."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.skipif(not os.path.isfile(VECTORS), reason=f"{VECTORS} is absent (../shared sits beside the checkout)")
def test_every_public_peer_vector_through_the_python_api():
    cases = vectors()
    assert len(cases) >= 300
    failures = []
    for case in cases:
        q = case["query"]
        cal = itsm.Calendar.from_json(q["calendar"])
        options = dict(q.get("options", {}))
        pauses = [(instant(b), instant(e)) for b, e in q.get("pauses", [])]
        op = q["op"]
        if op == "add":
            got = cal.add(instant(q["start"]), dt.timedelta(seconds=q["seconds"]), pauses=pauses, **options)
        elif op == "between":
            got = cal.between(instant(q["start"]), instant(q["end"]), pauses=pauses, **options)
        elif op == "add_working_days":
            got = cal.add_working_days(instant(q["start"]), q["days"], pauses=pauses, **options)
        elif op in ("next_open", "next_close", "prev_close"):
            got = getattr(cal, op)(instant(q.get("at", q.get("start"))), pauses=pauses, **options)
        else:
            failures.append(f"{case['id']}: op '{op}' has no Python call in this test")
            continue
        if op == "between":
            expected = dt.timedelta(seconds=case["expected"])
        else:
            expected = instant(case["expected"])
            assert got.tzinfo is not None, case["id"]
        if got != expected:
            failures.append(f"{case['id']} ({case['engine']}): {op} gave {got}, expected {expected}")
    assert not failures, "\n".join(failures)


def load_replay_expectations():
    sys.path.insert(0, os.path.join(REPO, "tests", "itsmctl"))
    try:
        import replay_real_logs
    finally:
        sys.path.pop(0)
    return replay_real_logs


def apply_event(tickets, workflows, ev):
    """One event line (itsmctl's event form) through the Python API; returns None or the refusal."""
    who = itsm.Actor(ev.get("actor", ""), ev["roles"], True) if "roles" in ev else itsm.Actor.trusted(ev.get("actor", ""))
    fields, comment, at = ev.get("fields", {}), ev.get("comment", ""), ev["at"]  # "seq" orders, nothing more
    if ev.get("create"):
        tickets[ev["ticket"]] = itsm.Ticket.create(workflows[ev["workflow"]], ev["ticket"], who, at, fields, comment)
        return None
    t = tickets[ev["ticket"]]
    try:
        if "transition" in ev:
            t.fire(ev["transition"], who, at, fields, comment)
        elif "to" in ev:
            t.move_to(ev["to"], who, at, fields, comment)
        elif ev.get("approve"):
            t.approve(who, at, comment)
        elif ev.get("reject"):
            t.reject(who, at, fields, comment)
        else:
            t.update(who, fields, at, comment)
    except itsm.TransitionRefused as refused:
        return refused
    return None


@pytest.mark.skipif(not os.path.isdir(DATA), reason=f"{DATA} is absent (../shared sits beside the checkout)")
def test_servicenow_incident_log_replayed_through_python():
    expectations = load_replay_expectations()
    case = expectations.EXPECTED["servicenow incidents -> incident"]
    mapping = os.path.join(REPO, "tools", "itsmctl", "maps", case["map"])
    converted = subprocess.run([sys.executable, os.path.join(REPO, "tests", "itsmctl", "convert_log.py"), mapping,
                                os.path.join(DATA, case["log"])], check=True, capture_output=True, text=True).stdout
    events = [json.loads(line) for line in converted.splitlines()]
    # In the order itsmctl applies them by default: a stable sort by time, a create before the
    # other events of its instant, then the export's seq (sys_mod_count).
    events.sort(key=lambda ev: (dt.datetime.fromisoformat(ev["at"].replace("Z", "+00:00")),
                                0 if ev.get("create") else 1, ev.get("seq", 0)))
    workflows = {"incident": itsm.Workflow.builtin("incident")}
    tickets = {}
    applied = 0
    kinds = collections.Counter()
    refused_tickets = collections.defaultdict(list)
    for ev in events:
        refusal = apply_event(tickets, workflows, ev)
        if refusal is None:
            applied += 1
            continue
        m = re.search(r"to '([^']+)'", str(refusal)) if "no transition leads" in str(refusal) else None
        key = (refusal.reason, tickets[ev["ticket"]].state, m.group(1) if m else None)
        kinds[key] += 1
        refused_tickets[key].append(ev["ticket"])
    summary = {"tickets": len(tickets), "events": len(events), "applied": applied, "refused": sum(kinds.values())}
    assert summary == {key: case["summary"][key] for key in summary}
    assert dict(kinds) == case["refused"]
    for key, ids in case["tickets"].items():
        assert refused_tickets[key] == ids
    # Every closed ticket's history verifies, and restores to itself.
    closed = [t for t in tickets.values() if t.state == "closed"]
    assert closed
    text = "".join(t.export_history() for t in closed)
    assert itsm.verify_history(text) == itsm.ChainReport(sum(len(t.history) for t in closed), len(closed))
    for t in closed[:50]:
        assert itsm.Ticket.restore(workflows["incident"], t.snapshot()).snapshot() == t.snapshot()
