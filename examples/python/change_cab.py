#!/usr/bin/env python3
"""A normal change through its CAB vote with the built-in `change_normal` process: the requester
tries to approve her own change (refused: segregation of duties), two CAB members approve, and the
last approval schedules the change by itself once a Python guard has checked the change freeze.
Exits 0 when the change ends closed and the requester's vote was refused."""
import datetime as dt
import sys

import itsm

FREEZE = (dt.datetime(2026, 3, 20, tzinfo=dt.timezone.utc), dt.datetime(2026, 3, 23, tzinfo=dt.timezone.utc))


def at(hour, minute=0):
    return dt.datetime(2026, 3, 9, hour, minute, tzinfo=dt.timezone.utc)


hooks = itsm.Hooks()


@hooks.guard("change_schedule_clear")
def outside_the_freeze(ctx):
    """The host's rule: no change may start inside the freeze window."""
    start = dt.datetime.fromisoformat(ctx.fields["planned_start"].replace("Z", "+00:00"))
    if FREEZE[0] <= start < FREEZE[1]:
        return f"planned start {start:%Y-%m-%d %H:%M} falls in the change freeze"
    return None


@hooks.action("change_schedule_book")
def announce(ticket, record):
    print(f"  (action) {ticket.id} booked for {ticket.fields['planned_start']} by {record['actor']}")


rita = itsm.Actor("rita", ["requester", "cab"])   # requester, and a CAB member too
alex = itsm.Actor("alex", ["assessor"])
manager = itsm.Actor("max", ["change_manager"])
ivan = itsm.Actor("ivan", ["implementer"])
cab = [itsm.Actor("carl", ["cab"]), itsm.Actor("dana", ["cab"])]

change = itsm.Ticket.create(itsm.Workflow.builtin("change_normal"), "CHG7", rita, at(9), fields={
    "short_description": "Upgrade the core router firmware", "requested_by": "rita", "implementer": "ivan",
    "configuration_item": "core-router", "impact": 2, "urgency": 3})
change.fire("submit", rita, at(9, 5))
change.fire("request_authorization", alex, at(10), fields={
    "planned_start": "2026-03-21T22:00:00Z", "planned_end": "2026-03-21T23:30:00Z",
    "backout_plan": "reflash the previous image", "risk": "moderate"})
print(f"{change.id} is in {change.state}; the CAB votes")

own_vote_refused = False
try:
    change.approve(rita, at(11), hooks=hooks)
except itsm.TransitionRefused as refused:
    own_vote_refused = refused.reason == "segregation_of_duties"
    print(f"  rita's vote refused: {refused}")

for member, minute in zip(cab, (5, 10)):
    out = change.approve(member, at(11, minute), hooks=hooks)
    print(f"  {member.name} approves: {out.approvals} of {out.approvals_needed}"
          + (f", fired '{out.fired}'" if out.fired else f"; {out.message}" if out.message else ""))

if change.state != "scheduled":
    print("  the freeze guard held it; moving the window to the week after")
    change.update(manager, {"planned_start": "2026-03-28T22:00:00Z", "planned_end": "2026-03-28T23:30:00Z"},
                  at(12))
    change.fire("schedule", manager, at(12, 5), hooks=hooks)
print(f"{change.id} is {change.state}")
change.fire("implement", ivan, at(13))
change.fire("review", ivan, at(14), fields={"close_code": "successful", "close_notes": "firmware 17.3 running"})
change.fire("close", manager, at(15))
print(f"{change.id} is {change.state}; {len(change.history)} records, chain verified: "
      f"{itsm.verify_history(change.export_history()).records} records")
sys.exit(0 if change.state == "closed" and own_vote_refused else 1)
