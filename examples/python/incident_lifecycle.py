#!/usr/bin/env python3
"""An incident from new to closed with the built-in `incident` process: a refusal on the way
(resolving without a resolution code), a wait for the caller that pauses the SLA clock, and the
resolution clock at the end. Prints each step; exits 0 when the ticket ends closed within its SLA."""
import datetime as dt
import sys

import itsm

BERLIN_HOURS = {"timezone": "Europe/Berlin",
                "week": {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}
RESOLUTION = {"name": "resolution", "targets": {"P1": 4 * 3600, "P2": 8 * 3600, "P3": 24 * 3600},
              "calendar": BERLIN_HOURS,
              "pause": {"categories": ["waiting"]}, "stop": {"categories": ["resolved", "closed"]}}


def at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.timezone.utc)


def step(what, call):
    try:
        out = call()
        print(f"{what:40} -> {ticket.state}")
        return out
    except itsm.TransitionRefused as refused:
        print(f"{what:40} refused: {refused}")
        if refused.missing:
            print(f"{'':40}    missing: {', '.join(refused.missing)}")
        return None


caller = itsm.Actor("carol", ["caller"])
desk = itsm.Actor("sam", ["service_desk"])
incident = itsm.Workflow.builtin("incident")
ticket = itsm.Ticket.create(incident, "INC1", caller, at(2, 10),
                            fields={"short_description": "VPN drops every hour", "impact": 2, "urgency": 2})
print(f"{'created by carol':40} -> {ticket.state} (priority P{ticket.priority})")
print(f"{'sam may now':40}    {', '.join(ticket.allowed(desk))}")
step("sam starts work", lambda: ticket.fire("start", desk, at(2, 10, 30), fields={"assigned_to": "sam"}))
step("sam resolves too early", lambda: ticket.fire("resolve", desk, at(2, 11)))
step("sam waits for carol's logs", lambda: ticket.fire("hold", desk, at(2, 11, 15),
                                                      fields={"hold_reason": "awaiting_caller"}))
step("carol sends the logs", lambda: ticket.move_to("in_progress", desk, at(3, 9)))
step("sam resolves", lambda: ticket.fire("resolve", desk, at(3, 12), fields={
    "resolution_code": "solved_permanently", "resolution_notes": "MTU lowered on the VPN gateway"}))
step("carol confirms", lambda: ticket.fire("close", caller, at(3, 13)))

clock = ticket.sla(itsm.SLA.from_json(RESOLUTION), at(3, 13))
print(f"resolution SLA: {clock.status}, {clock.elapsed} of {clock.target} used ({clock.percent:.0f} %)")
for record in ticket.history:
    print(f"  {record['seq']}. {record['at']:%Y-%m-%d %H:%M} {record['actor']:6} {record['transition']:8} "
          f"{record['from'] or '':12} -> {record['to']}")
sys.exit(0 if ticket.state == "closed" and clock.status == "met" else 1)
