"""Event lines, the service report and the compliance audit (the figures of `itsmctl report` and
`itsmctl audit`, computed by the same library code, so the dicts here equal the tool's JSON)."""
from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple, Union

from . import _itsm
from ._calendar import _instant_seconds
from ._errors import Error, WorkflowError, _call
from ._process import Ticket, Workflow
from ._report import Audit, Report, frame_lines, is_data_frame

Instant = Union[_dt.datetime, str]
Policy = Union[None, str, dict]
# A path, an iterable of lines or dicts, or a pandas DataFrame with the event-line columns.
Events = Union[str, "_os.PathLike[str]", Iterable[Union[str, dict]], Any]

_BATCH = 4096  # lines handed to the core at a time (the GIL is released while they apply)


def _policy_text(policy: Policy) -> str:
    """The policy as JSON text ("" for the built-in one): a dict, JSON text, or a path to a file."""
    if policy is None:
        return ""
    if isinstance(policy, dict):
        return _json.dumps(policy)
    if isinstance(policy, str) and policy.lstrip().startswith("{"):
        return policy
    if isinstance(policy, (str, _os.PathLike)):
        with open(policy, encoding="utf-8") as f:
            return f.read()
    raise TypeError(f"policy: expected a dict, JSON text or a path, got {type(policy).__name__}")


def _read_options(order: str, now: Optional[Instant], skip_bad_lines: bool) -> str:
    """The read options' JSON form (itsm/event.hpp, read_options)."""
    seconds = _now(now)
    at = None if seconds is None else _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _json.dumps({"order": order, "now": at, "skip_bad_lines": bool(skip_bad_lines)})


def _log_text(events: Iterable[Union[str, dict]]) -> str:
    """An iterable of lines or dicts, or a DataFrame's rows, as one text, item n on line n (blank
    items keep their number)."""
    if is_data_frame(events):
        return "\n".join(frame_lines(events))
    if isinstance(events, (bytes, dict)):
        raise TypeError(f"events: expected a path or an iterable of lines or dicts, got {type(events).__name__}")
    lines = []
    for n, item in enumerate(events, 1):
        if isinstance(item, dict):
            lines.append(_json.dumps(item))
        elif isinstance(item, str):
            line = item.rstrip("\n")
            if "\n" in line:
                raise ValueError(f"events[{n - 1}]: a line with a newline inside (one event a line)")
            lines.append(line)
        else:
            raise TypeError(f"events[{n - 1}]: expected a str line or a dict, got {type(item).__name__}")
    return "\n".join(lines)


def _numbered_lines(events: Events) -> Iterator[Tuple[int, str]]:
    """(line number, text) of each non-blank event line: from a file (a path), or from an
    iterable of lines or dicts, numbered from 1 as the items come (blank lines keep their number)."""
    if isinstance(events, (str, _os.PathLike)):
        with open(events, encoding="utf-8", newline="\n") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if line.strip(" \t\r"):
                    yield n, line
        return
    if is_data_frame(events):
        events = frame_lines(events)
    if isinstance(events, (bytes, dict)):
        raise TypeError(f"events: expected a path or an iterable of lines or dicts, got {type(events).__name__}")
    for n, item in enumerate(events, 1):
        if isinstance(item, dict):
            yield n, _json.dumps(item)
        elif isinstance(item, str):
            if item.strip(" \t\r\n"):
                yield n, item.rstrip("\n")
        else:
            raise TypeError(f"events[{n - 1}]: expected a str line or a dict, got {type(item).__name__}")


class EventStore:
    """Tickets by id, built from event lines (docs/events.md) through the workflows it knows:
    the built-in ones plus any given. A refused line changes nothing and is answered with its
    refusal (the dict `itsmctl replay` prints as a line).

        >>> store = itsm.EventStore()
        >>> store.apply({"ticket": "INC1", "workflow": "incident", "at": "2026-03-02T09:00:00Z",
        ...              "create": True})
        >>> store.apply({"ticket": "INC1", "at": "2026-03-02T09:05:00Z", "transition": "close"})["code"]
        'not_allowed_from_state'
    """

    def __init__(self, workflows: Iterable[Workflow] = (), picklable: bool = True):
        """`picklable=False` saves the memory that pickling takes: the text of every line given."""
        self._core = _itsm.EventStore()
        self._line = 0
        # For pickling, what the store was given, in order: the library has no snapshot of a store,
        # so unpickling gives a new store the same workflows, schedules and lines.
        self._steps: Optional[List[Tuple[str, Any]]] = [] if picklable else None
        for wf in workflows:
            self.add_workflow(wf)

    def add_workflow(self, workflow: Workflow) -> None:
        """Makes `workflow` known by its name to later create events (replacing a built-in)."""
        if not isinstance(workflow, Workflow):
            raise TypeError(f"workflow: expected an itsm.Workflow, got {type(workflow).__name__}")
        self._core.add_workflow(workflow._core)
        self._record("workflow", workflow)

    def use_schedule(self, schedule: Union[dict, str]) -> None:
        """Checks changes' planned windows against this change schedule from now on
        (`{"freezes": [...], "overlaps": "report" | "refuse"}`, as `itsmctl replay --schedule`)."""
        text = schedule if isinstance(schedule, str) else _json.dumps(schedule)
        _call(WorkflowError, self._core.use_schedule, text)
        self._record("schedule", text)

    def apply(self, event: Union[str, dict], line: Optional[int] = None) -> Optional[Dict[str, Any]]:
        """Applies one event line (text or dict); None when it applied, else its refusal. `line`
        numbers it in the answer (default: one more than the last line given)."""
        refused = self.extend([event], first_line=line)
        return refused[0] if refused else None

    def extend(self, events: Events, first_line: Optional[int] = None) -> List[Dict[str, Any]]:
        """Applies many event lines (a path, or an iterable of lines or dicts) and returns the
        refusals, in order. Lines are numbered from `first_line` (default: after the last given)."""
        start = (self._line + 1) if first_line is None else first_line
        refusals: List[Dict[str, Any]] = []
        lines: List[str] = []
        numbers: List[int] = []
        last = start - 1
        for n, text in _numbered_lines(events):
            last = start + n - 1
            lines.append(text)
            numbers.append(last)
            if len(lines) == _BATCH:
                refusals += self._apply(lines, numbers)
                lines, numbers = [], []
        if lines:
            refusals += self._apply(lines, numbers)
        self._line = max(self._line, last)
        return refusals

    def _apply(self, lines: List[str], numbers: List[int]) -> List[Dict[str, Any]]:
        refusals = [_json.loads(r) for r in self._core.apply_lines(lines, numbers)]
        self._record("lines", (lines, numbers))
        return refusals

    def _record(self, kind: str, what: Any) -> None:
        if self._steps is not None:
            self._steps.append((kind, what))

    def __reduce__(self) -> Tuple[Any, ...]:
        """Pickles as what it was given (workflows, schedules, lines, logs read); unpickling applies them to a
        new store, which checks every line again: the library has no snapshot of a store to
        restore from, and the lines' outcomes (refusals included) are what the store is."""
        if self._steps is None:
            raise TypeError("an EventStore made with picklable=False keeps no record of its lines and cannot be "
                            "pickled")
        return (_restore_store, (self._steps, self._line))

    def read(self, events: Events, order: str = "time", now: Optional[Instant] = None,
             skip_bad_lines: bool = False) -> Dict[str, Any]:
        """Reads a whole log (a path, or an iterable of lines or dicts) as `itsmctl replay`,
        `report` and `audit` do, and returns what the read found (its data quality). A line that
        is not an event line (not UTF-8, not JSON, not an object) raises itsm.Error naming the
        line, and nothing is applied, unless `skip_bad_lines`. Each ticket's events are applied
        in time order (`order="file"`: as given); events after `now` are left out."""
        options = _read_options(order, now, skip_bad_lines)
        if isinstance(events, (str, _os.PathLike)):
            path = _os.fspath(events)
            quality, _ = _call(Error, self._core.read_file, path, options)
            if self._steps is not None:  # what was read, for a pickle to read again
                with open(path, "rb") as f:
                    self._record("read", (f.read(), path, options))
        else:
            text = _log_text(events)
            quality, _ = _call(Error, self._core.read_text, text, "events", options)
            self._record("read", (text, "events", options))
        return _json.loads(quality)

    def _read_numbered(self, lines: List[str], numbers: List[int], options: str) -> Dict[str, Any]:
        """`read` over lines with their numbers in the whole log, increasing (a part of a log split
        by ticket, as itsm.dask reads each partition): they read as within the whole log."""
        quality, _ = _call(Error, self._core.read_lines, lines, numbers, "events", options)
        self._record("read_lines", (lines, numbers, options))
        return _json.loads(quality)

    @property
    def quality(self) -> Dict[str, Any]:
        """What every line given so far came to: the `data_quality` of reports and audits."""
        return _json.loads(self._core.quality())

    @property
    def counts(self) -> Dict[str, int]:
        """`{"tickets", "events", "applied", "refused"}` so far (the `--summary` line of replay)."""
        tickets, events, applied, refused = self._core.counts()
        return {"tickets": tickets, "events": events, "applied": applied, "refused": refused}

    @property
    def ticket_ids(self) -> List[str]:
        """The ids of the tickets, sorted."""
        return self._core.ticket_ids()

    def ticket(self, id: str) -> Ticket:
        """A copy of the ticket `id` (KeyError when there is none)."""
        core = self._core.ticket(id)
        if core is None:
            raise KeyError(id)
        return Ticket(core)

    def _check_strict(self, strict: bool) -> None:
        """With `strict`, an event refused or a line skipped so far raises itsm.Error (the
        sentence `itsmctl --strict` prints before it exits 1), so no figures are taken as whole."""
        if strict:
            _call(Error, self._core.check_strict)

    def report(self, policy: Policy = None, now: Optional[Instant] = None, strict: bool = False) -> Report:
        """The service report of every ticket and refused line so far, measured at `now`
        (default: the latest record), against `policy` (default: the built-in policy); equal to
        `itsmctl report --format json` on the same events. `strict` as `--strict`, raising
        itsm.Error instead of exiting 1."""
        self._check_strict(strict)
        return Report(_call(Error, self._core.report, _policy_text(policy), _now(now)))

    def audit(self, policy: Policy = None, now: Optional[Instant] = None,
              chain: Union[None, str, "_os.PathLike[str]"] = None, strict: bool = False) -> Audit:
        """The compliance audit (as `itsmctl audit --format json`); `chain` is a hash-chained
        history export (a path) to verify and check against this store's tickets, as `--chain`;
        `strict` as for `report`."""
        self._check_strict(strict)
        chain_text, chain_name = "", ""
        if chain is not None:
            chain_name = _os.fspath(chain)
            with open(chain, encoding="utf-8", newline="\n") as f:
                chain_text = f.read()
        return Audit(_call(Error, self._core.audit, _policy_text(policy), _now(now), chain_text, chain_name))

    def __repr__(self) -> str:
        c = self.counts
        return f"<itsm.EventStore {c['tickets']} tickets, {c['events']} events ({c['refused']} refused)>"


def _restore_store(steps: List[Tuple[str, Any]], line: int) -> EventStore:
    """Unpickles a store (see `EventStore.__reduce__`)."""
    store = EventStore()
    for kind, what in steps:
        if kind == "workflow":
            store.add_workflow(what)
        elif kind == "schedule":
            store.use_schedule(what)
        elif kind == "read":
            store._core.read_text(*what)
        elif kind == "read_lines":
            lines, numbers, options = what
            store._core.read_lines(lines, numbers, "events", options)
        else:
            store._apply(*what)
    store._line = line
    return store


def _now(now: Optional[Instant]) -> Optional[int]:
    return None if now is None else _instant_seconds(now, "now", Error)


def report(events: Events, policy: Policy = None, now: Optional[Instant] = None,
           workflows: Iterable[Workflow] = (), order: str = "time", skip_bad_lines: bool = False,
           strict: bool = False) -> Report:
    """The service report of an event log (a path, an iterable of lines or dicts, or a pandas
    DataFrame with the event-line columns, one row a line): equal to
    `itsmctl report --format json` with `--policy`, `--now`, `--workflow`, `--order`,
    `--skip-bad-lines` and `--strict` as given (`now` also leaves out the events after it;
    `strict` raises itsm.Error where the tool exits 1)."""
    store = EventStore(workflows, picklable=False)
    store.read(events, order=order, now=now, skip_bad_lines=skip_bad_lines)
    return store.report(policy, now, strict)


def audit(events: Events, policy: Policy = None, now: Optional[Instant] = None, workflows: Iterable[Workflow] = (),
          chain: Union[None, str, "_os.PathLike[str]"] = None, order: str = "time",
          skip_bad_lines: bool = False, strict: bool = False) -> Audit:
    """The compliance audit of an event log: equal to `itsmctl audit --format json` (the options
    as for `report`; `chain` as `--chain`)."""
    store = EventStore(workflows, picklable=False)
    store.read(events, order=order, now=now, skip_bad_lines=skip_bad_lines)
    return store.audit(policy, now, chain, strict)
