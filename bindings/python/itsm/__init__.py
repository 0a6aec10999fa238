"""itsm: ITSM process logic for Python: business calendars, SLA clocks, workflows and tickets.

    >>> import itsm, datetime as dt
    >>> cal = itsm.Calendar.from_json({"week": {"mon": [["09:00", "17:00"]]}})
    >>> cal.add(dt.datetime(2026, 1, 5, 16, 0), dt.timedelta(hours=2))
    datetime.datetime(2026, 1, 12, 10, 0, tzinfo=datetime.timezone.utc)
    >>> t = itsm.Ticket.create(itsm.Workflow.builtin("incident"), "INC1", "ann",
    ...                        fields={"short_description": "mail down"})
    >>> t.state
    'new'

A naive time (a datetime without tzinfo, a numpy datetime64, RFC 3339 text without an offset) is
a reading of a calendar's wall clock where a calendar reads it, and refused where an instant is
needed (ticket times, SLA histories, `now`): docs/python.md, "Times and naive values".

Event logs (one JSON object a line) give the service report and the compliance audit of
`itsmctl report` / `itsmctl audit`: `itsm.report(path)`, `itsm.audit(path)`, `itsm.EventStore`.

Errors are exceptions under `itsm.Error` (CalendarError, SLAError, WorkflowError and its
TransitionRefused and TamperedError); each message names the argument, field, state or
transition. Wrong argument types raise TypeError naming the argument.
"""
from __future__ import annotations

from . import _itsm
from ._calendar import Calendar
from ._errors import (CalendarError, Error, SLAError, TamperedError, TransitionRefused, WorkflowError, get_limits,
                      set_limits)
from ._events import EventStore, audit, report
from ._hooks import GuardContext, Hooks
from ._report import Audit, Report
from ._process import Actor, ChainReport, Outcome, Problem, Ticket, Workflow, verify_history
from ._sla import SLA, SLAStatus

__version__: str = _itsm.__version__
__all__ = ["Calendar", "SLA", "SLAStatus", "Workflow", "Problem", "Ticket", "Actor", "Hooks", "GuardContext",
           "Outcome", "ChainReport", "verify_history", "EventStore", "report", "audit", "Report", "Audit", "Error", "CalendarError", "SLAError", "WorkflowError",
           "TransitionRefused", "TamperedError", "get_limits", "set_limits", "__version__"]
