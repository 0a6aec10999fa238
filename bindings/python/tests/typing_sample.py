"""A realistic script over the itsm API, typed as a user would type it: `mypy --strict` must pass
it with the package's stubs, and it runs (test_typing.py does both)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, assert_type

import numpy as np
import numpy.typing as npt

import itsm

UTC = dt.timezone.utc
WEEK = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def deadlines(cal: itsm.Calendar) -> None:
    due = cal.add(dt.datetime(2026, 3, 27, 16, 0), dt.timedelta(hours=4))
    assert_type(due, dt.datetime)
    assert_type(cal.between(due, "2026-04-01T10:00:00+02:00"), dt.timedelta)
    assert_type(cal.next_open(np.datetime64("2026-03-28T10:00")), dt.datetime)
    assert_type(cal.add_working_days(due, 2, pauses=[(due, due + dt.timedelta(hours=1))]), dt.datetime)
    assert_type(cal.holidays(2026), List[dt.date])
    starts: npt.NDArray[np.datetime64] = np.array(["2026-03-27T16:00", "2026-03-30T09:00"], dtype="datetime64[s]")
    bulk = cal.add_many(starts, np.timedelta64(4, "h"))
    assert_type(bulk, npt.NDArray[np.datetime64])
    assert_type(cal.between_many(starts, bulk), npt.NDArray[np.timedelta64])
    epoch: npt.NDArray[np.int64] = np.array([1774623600], dtype=np.int64)
    assert_type(cal.add_many(epoch, 3600), npt.NDArray[np.int64])
    assert_type(cal.add_many([due, "2026-03-30T09:00:00"], [dt.timedelta(hours=1), 60]), List[dt.datetime])
    assert_type(cal.between_many([due], due), List[dt.timedelta])
    assert_type(cal.next_open_many(starts), npt.NDArray[np.datetime64])
    assert_type(cal.next_close_many(epoch), npt.NDArray[np.int64])
    assert_type(cal.next_close_many([due]), List[dt.datetime])


def clocks() -> Optional[dt.datetime]:
    sla = itsm.SLA.from_json({"name": "resolution", "targets": {"P1": 14400}, "stop": {"categories": ["resolved"]},
                              "calendar": {"timezone": "Europe/Berlin", "week": WEEK}})
    history: List[Dict[str, Any]] = [{"at": dt.datetime(2026, 3, 2, 9, tzinfo=UTC), "category": "new",
                                      "priority": "P1"}]
    status = sla.evaluate(history, dt.datetime(2026, 3, 2, 10, tzinfo=UTC))
    assert_type(status.remaining, dt.timedelta)
    return status.deadline


def changes() -> List[str]:
    hooks = itsm.Hooks()

    @hooks.guard("change_schedule_clear")
    def clear(ctx: itsm.GuardContext) -> Optional[str]:
        return "frozen" if ctx.fields.get("configuration_item") == "core-router" else None

    booked: List[str] = []

    @hooks.action("change_schedule_book")
    def book(ticket: itsm.Ticket, record: Dict[str, Any]) -> None:
        booked.append(f"{ticket.id} {record['transition']}")

    hooks.guard("other", lambda ctx: True)
    rita = itsm.Actor("rita", ["requester"])
    chg = itsm.Ticket.create(itsm.Workflow.builtin("change_standard"), "CHG7", rita, "2026-03-02T09:00:00Z",
                             fields={"requested_by": "rita"})
    window = {"planned_start": "2026-03-05T22:00:00Z", "planned_end": "2026-03-05T23:00:00Z"}
    try:
        chg.fire("schedule", rita, "2026-03-02T09:10:00Z", fields={**window, "configuration_item": "core-router"},
                 hooks=hooks)
    except itsm.TransitionRefused as refused:
        assert_type(refused.guard, str)
        assert_type(refused.reason, str)
    outcome = chg.fire("schedule", rita, "2026-03-02T09:11:00Z",
                       fields={**window, "configuration_item": "web01"}, hooks=hooks)
    assert_type(outcome, itsm.Outcome)
    # The decorators give the functions back with their own types: keyword calls keep working.
    context = itsm.GuardContext(chg, "schedule", "rita", dt.datetime(2026, 3, 2, tzinfo=UTC), {})
    assert_type(clear(ctx=context), Optional[str])
    assert_type(book(ticket=chg, record=chg.history[-1]), None)
    return booked


def main() -> None:
    deadlines(itsm.Calendar.from_json({"timezone": "Europe/Berlin", "week": WEEK}))
    assert clocks() is not None
    assert changes() == ["CHG7 schedule", "CHG7 schedule"]
    problems: List[itsm.Problem] = itsm.Workflow.validate({"name": "x", "states": [], "transitions": []})
    assert problems and itsm.verify_history("") == itsm.ChainReport(0, 0)


if __name__ == "__main__":
    main()
