#!/usr/bin/env python3
"""Converts a real ITSM log (CSV or gzip/plain XES) into itsmctl event lines through a mapping.

usage: convert_log.py MAP.json LOG > events.jsonl

The mapping (see maps/*.json) names the ticket, order, state and time columns, translates source
states into workflow states (null: skip the event), and fills fields from "{column}" templates,
per-field value tables (a value a table does not list is an error) and per-source-state extra
fields. Every row becomes a "to" event (the
state the ticket was in after that update, with the order column as "seq"); a ticket's first row
becomes a create event first, at the earliest of the ticket's times.
Standard library only.
"""
import csv
import datetime as dt
import gzip
import json
import re
import sys
import xml.etree.ElementTree as ET


def fill(template, row, missing):
    def sub(m):
        v = row.get(m.group(1), "")
        return "" if v == missing or v is None else v
    return re.sub(r"\{([^}]+)\}", sub, template)


def utc(text, mapping):
    fmt = mapping.get("time_format")
    if fmt:
        t = dt.datetime.strptime(text, fmt)
        if mapping.get("time_zone", "UTC") != "UTC":
            raise SystemExit("convert_log.py: only time_zone UTC is supported")
        t = t.replace(tzinfo=dt.timezone.utc)
    else:
        t = dt.datetime.fromisoformat(text)
        if t.tzinfo is None:
            raise SystemExit(f"convert_log.py: time '{text}' has no offset")
    return t.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_csv(path, mapping):
    with open(path, newline="", encoding="utf-8-sig") as f:  # a byte-order mark is not a column name
        rows = list(csv.DictReader(f))
    tickets = {}
    for row in rows:
        tickets.setdefault(row[mapping["ticket"]], []).append(row)
    order = mapping.get("order")
    for tid, trows in tickets.items():
        if order:
            trows.sort(key=lambda r: int(r[order]))
        yield tid, trows


def read_xes(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        root = ET.parse(f).getroot()
    ns = ""
    for trace in root.iter(ns + "trace"):
        attrs = {a.get("key"): a.get("value") for a in trace if a.tag != "event"}
        events = []
        for ev in trace.iter("event"):
            events.append({a.get("key"): a.get("value") for a in ev})
        yield attrs.get("concept:name"), events


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mapping = json.load(open(sys.argv[1], encoding="utf-8"))
    log = sys.argv[2]
    missing = mapping.get("missing")
    source = read_csv(log, mapping) if mapping["format"] == "csv" else read_xes(log)
    skipped = 0
    out = sys.stdout
    order = mapping.get("order")
    for tid, rows in source:
        created = False
        # The create goes no later than the earliest of the ticket's event rows.
        earliest = min((utc(row[mapping["at"]], mapping) for row in rows
                        if mapping["states"].get(fill(mapping["state"], row, missing)) is not None), default="")
        for row in rows:
            src_state = fill(mapping["state"], row, missing)
            if src_state not in mapping["states"]:
                raise SystemExit(f"convert_log.py: ticket {tid}: source state '{src_state}' is not in the mapping")
            state = mapping["states"][src_state]
            if state is None:
                skipped += 1
                continue
            fields = {}
            for name, template in mapping.get("fields", {}).items():
                value = fill(template, row, missing)
                if not value:
                    continue
                table = mapping.get("values", {}).get(name)
                if table is not None and value not in table:
                    raise SystemExit(f"convert_log.py: ticket {tid}: map.values.{name} has no entry for '{value}'")
                fields[name] = value if table is None else table[value]
            for name, template in mapping.get("state_fields", {}).get(src_state, {}).items():
                fields[name] = fill(template, row, missing)
            at = utc(row[mapping["at"]], mapping)
            actor = fill(mapping.get("actor", ""), row, missing) or "import"
            if not created:
                created = True
                created_at = utc(row[mapping["created_at"]], mapping) if "created_at" in mapping else earliest
                creator = fill(mapping.get("created_by", mapping.get("actor", "")), row, missing) or "import"
                base = {k: v for k, v in fields.items()
                        if k not in mapping.get("state_fields", {}).get(src_state, {})}
                out.write(json.dumps({"ticket": tid, "workflow": mapping["workflow"], "at": min(created_at, earliest),
                                      "create": True, "actor": creator, "fields": base}) + "\n")
                if state == mapping["initial_state"]:
                    continue
            event = {"ticket": tid, "at": at, "to": state, "actor": actor, "fields": fields}
            if order:
                event["seq"] = int(row[order])  # the export's order settles events of one instant
            out.write(json.dumps(event) + "\n")
    print(f"convert_log.py: {skipped} event(s) skipped (mapped to null)", file=sys.stderr)


if __name__ == "__main__":
    main()
