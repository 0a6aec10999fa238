"""A small model of the workflow engine, written from docs/workflows.md and docs/events.md and
reading the definitions in src/workflows/*.json: which event lines it must refuse, with which
code, and which apply. The tests compare itsmctl (and the Python API) with it, so their
expectations come from the manual and the definitions, not from the tool's own output.

It covers what the incident and problem processes use: create, fire, move_to and update; states'
and transitions' `requires`, `set`, `roles`, field declarations, value sets and levels; time going
backwards; terminal states. A ticket whose workflow needs more (approvals, guards, `distinct`,
reject transitions) is marked unmodelled after its create, and its later events are not predicted.
An event the model cannot decide raises NotModelled instead of guessing.

Standard library only; used by replay_real_logs.py, itsmctl_report_test.py and the Python
binding's test_shared.py.
"""
import bisect
import datetime as dt
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
WORKFLOW_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "src", "workflows"))
LEVEL_FIELDS = ("impact", "urgency", "priority")


class NotModelled(Exception):
    """An event whose outcome depends on something this model leaves out."""


def load_definitions(directory=WORKFLOW_DIR):
    """The built-in definitions by name, as written in src/workflows."""
    defs = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                d = json.load(f)
            defs[d["name"]] = d
    return defs


def is_missing(v):
    """docs/workflows.md, Fields: absent, null, "", [] or {}."""
    return v is None or v == "" or v == [] or v == {}


def is_level(v):
    """An integer 1..99, or text of an optional P or p, the number 1..99, then nothing, a space
    or a dash ("2", "2 - High", "P2")."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return 1 <= v <= 99
    if not isinstance(v, str):
        return False
    m = re.fullmatch(r"[Pp]?(\d+)([ -].*)?", v, re.S)
    return bool(m) and 1 <= int(m.group(1)) <= 99


def instant(text):
    if not re.search(r"(Z|[+-]\d\d:\d\d)$", text):
        raise NotModelled(f"a time without offset: {text}")
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Definition:
    def __init__(self, d):
        self.name = d["name"]
        self.states = {s["id"]: s for s in d["states"]}
        self.initial = next(s["id"] for s in d["states"] if s.get("initial"))
        self.terminal = {s["id"] for s in d["states"] if s.get("terminal")}
        self.declared = None
        self.values = {}
        if "fields" in d:
            self.declared = set()
            for f in d["fields"]:
                fid = f if isinstance(f, str) else f["id"]
                self.declared.add(fid)
                if isinstance(f, dict) and "values" in f:
                    self.values[fid] = list(f["values"])
        self.transitions = []
        for t in d["transitions"]:
            sources = t["from"]
            if sources == "*" or sources == ["*"]:
                sources = [s for s in self.states if s not in self.terminal and s != t["to"]]
            self.transitions.append({**t, "from": list(sources)})
        self.ids = {t["id"] for t in self.transitions}
        # What this model leaves out: a ticket of such a workflow is not predicted.
        self.simple = not any(t.get("approvals") or t.get("guards") or t.get("distinct") or t.get("kind") == "reject"
                              for t in self.transitions)

    def leaving(self, state):
        return [t for t in self.transitions if state in t["from"]]

    def field_error(self, fields):
        """The refusal code for incoming fields, or None."""
        if not isinstance(fields, dict):
            return "invalid_argument"
        for k, v in fields.items():
            if v is None:
                continue  # null removes the field
            if self.declared is not None and k not in self.declared:
                return "invalid_argument"
            if is_missing(v):
                continue  # pinned rule 5: a missing value is never outside a set nor a bad level
            if k in self.values and v not in self.values[k]:
                return "invalid_argument"
            if k in LEVEL_FIELDS and not is_level(v):
                return "invalid_argument"
        return None


def merged(fields, change, written=None):
    out = dict(fields)
    for source in (change or {}), (written or {}):
        for k, v in source.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = v
    return out


class Ticket:
    def __init__(self, definition, state, fields, at):
        self.wf = definition
        self.state = state
        self.fields = fields
        self.last_at = at
        self.modelled = definition.simple


class Model:
    """Applies event lines (as dicts) in order; apply() returns None or the refusal code."""

    def __init__(self, definitions=None):
        self.definitions = {n: Definition(d) for n, d in (definitions or load_definitions()).items()}
        self.tickets = {}
        self.fired = None  # the transition the last applied event fired, if any

    def apply(self, ev):
        self.fired = None
        tid = ev["ticket"]
        at = instant(ev["at"])
        if ev.get("create"):
            return self._create(tid, ev, at)
        t = self.tickets.get(tid)
        if t is None:
            return "not_found"
        if not t.modelled:
            raise NotModelled(f"ticket {tid} of workflow '{t.wf.name}'")
        who = ev.get("roles")  # absent: a trusted actor
        fields = ev.get("fields", {})
        if "transition" in ev:
            return self._fire(t, ev["transition"], who, at, fields)
        if "to" in ev:
            return self._move_to(t, ev["to"], who, at, fields)
        if ev.get("update"):
            return self._update(t, at, fields)
        raise NotModelled(f"event {sorted(ev)}")

    def _create(self, tid, ev, at):
        d = self.definitions.get(ev["workflow"])
        if d is None:
            return "not_found"
        if tid in self.tickets:
            return "invalid_argument"
        fields = ev.get("fields", {})
        code = d.field_error(fields)
        if code:
            return code
        fields = {k: v for k, v in fields.items() if v is not None}
        if any(is_missing(fields.get(f)) for f in d.states[d.initial].get("requires", [])):
            return "missing_fields"
        self.tickets[tid] = Ticket(d, d.initial, fields, at)
        return None

    def _fire(self, t, transition, roles, at, fields, checked=False):
        """fire; with `checked`, move_to already chose the transition (steps 2 on)."""
        d = t.wf
        if not checked:
            # Time first (docs/workflows.md, pinned rule 3), then the transition and the state.
            if at < t.last_at:
                return "time_went_backwards"
            if transition not in d.ids:
                return "unknown_transition"
            found = [x for x in d.leaving(t.state) if x["id"] == transition]
            if not found:
                return "not_allowed_from_state"
            tr = found[0]
        else:
            tr = transition
        if roles is not None and tr.get("roles") and not set(roles) & set(tr["roles"]):
            return "role_denied"
        code = d.field_error(fields)
        if code:
            return code
        after = merged(t.fields, fields, tr.get("set"))
        needed = d.states[tr["to"]].get("requires", []) + tr.get("requires", [])
        if any(is_missing(after.get(f)) for f in needed):
            return "missing_fields"
        t.state, t.fields, t.last_at = tr["to"], after, at
        self.fired = tr
        return None

    def _move_to(self, t, state, roles, at, fields):
        d = t.wf
        if at < t.last_at:
            return "time_went_backwards"  # the time first, as in every call (pinned rule 3)
        if state not in d.states:
            return "not_found"
        if state == t.state:
            return self._update(t, at, fields)
        candidates = [x for x in d.leaving(t.state) if x["to"] == state]
        if not candidates:
            return "not_allowed_from_state"
        if len(candidates) > 1:
            # Those the actor may fire by role are kept, then reject ones dropped; each filter
            # keeps all when it would keep none.
            if roles is not None:
                candidates = [x for x in candidates if not x.get("roles") or set(roles) & set(x["roles"])] or candidates
            candidates = [x for x in candidates if x.get("kind") != "reject"] or candidates
            if len(candidates) > 1:
                return "ambiguous"
        return self._fire(t, candidates[0], roles, at, fields, checked=True)

    def _update(self, t, at, fields):
        d = t.wf
        if at < t.last_at:
            return "time_went_backwards"
        if t.state in d.terminal:
            return "not_allowed_from_state"
        code = d.field_error(fields)
        if code:
            return code
        after = merged(t.fields, fields)
        if after == t.fields:
            return None  # nothing changed: nothing appended, the last record's time stays
        if any(is_missing(after.get(f)) for f in d.states[t.state].get("requires", [])):
            return "missing_fields"
        t.fields, t.last_at = after, at
        return None


def application_order(events, order="time"):
    """The line numbers of `events` ({line: event}, in file order) in the order they are applied.

    docs/events.md, "Order": by default a stable sort of the log by `at`; of one instant a create
    first, then lower `seq`, then file order. A line without a readable `at` keeps its place after
    the line before it. `order="file"` keeps the file's order.
    """
    numbers = list(events)
    if order == "file":
        return numbers
    keys, previous = {}, (float("-inf"), 0, 0)
    for n in numbers:
        ev = events[n]
        try:
            at = instant(ev["at"])
        except (KeyError, TypeError, AttributeError, ValueError, NotModelled):
            at = None
        seq = ev.get("seq", 0)
        keys[n] = previous = previous if at is None else (at, 0 if ev.get("create") else 1,
                                                          seq if isinstance(seq, int) else 0)
    return sorted(numbers, key=lambda n: keys[n])  # sorted() is stable: ties keep file order


def reordered(events, applied_order):
    """docs/events.md's count of events reordered: per ticket, the fewest of its events whose moving
    turns the file's order into the order applied (its count less its longest run already in
    applied order, a longest increasing subsequence)."""
    rank = {n: i for i, n in enumerate(applied_order)}
    per_ticket = {}
    for n in events:  # file order
        per_ticket.setdefault(events[n].get("ticket"), []).append(rank[n])
    moved = 0
    for ranks in per_ticket.values():
        tails = []
        for r in ranks:
            i = bisect.bisect_left(tails, r)
            tails[i:i + 1] = [r]
        moved += len(ranks) - len(tails)
    return moved


def predict(lines, definitions=None, order="time"):
    """Runs the model over event lines (text, numbered from 1, blank lines skipped), applied in
    `order` ("time", itsmctl's default, or "file"; see application_order).

    Returns (model, outcomes): outcomes maps each line number to a dict with the event, the
    ticket's state before it, and "code" (the refusal code, None when it applies) or
    "unmodelled" True; for an applied event also "after" (the state after it), "fired" (the
    transition it fired, or None) and "fields" (the ticket's fields after it). Its keys come in
    the order the events were applied; model.reordered counts the events moved.
    """
    model = Model(definitions)
    events = {n: json.loads(line) for n, line in enumerate(lines, 1) if line.strip()}
    applied_order = application_order(events, order)
    model.reordered = reordered(events, applied_order)
    outcomes = {}
    for n in applied_order:
        ev = events[n]
        before = model.tickets.get(ev.get("ticket"))
        state = before.state if before else None
        if before is not None and not before.modelled and not ev.get("create"):
            outcomes[n] = {"event": ev, "state": state, "unmodelled": True}
            continue
        o = outcomes[n] = {"event": ev, "state": state, "code": model.apply(ev)}
        if o["code"] is None:
            t = model.tickets[ev["ticket"]]
            o.update(after=t.state, fired=model.fired, fields=dict(t.fields))
    return model, outcomes


def summary(model, outcomes):
    """`itsmctl replay --summary`'s last line as the model predicts it (all lines modelled)."""
    refused = sum(1 for o in outcomes.values() if o.get("code"))
    return {"tickets": len(model.tickets), "events": len(outcomes), "applied": len(outcomes) - refused,
            "refused": refused, "reordered": model.reordered, "skipped": 0, "after_now": 0}
