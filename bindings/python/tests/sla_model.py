"""An SLA clock written from the manual alone, to check the library against.

Everything here follows the manual's words (the calendar rules, "SLA clocks", and the rules pinned
by issue 22: docs/_incoming/issue22.md), not the library's code: working time comes from the
calendar's week, holidays and overrides placed on the timeline through Python's zoneinfo (the
system's TZif files, footer rules included), and the clock is the set of running pieces of that
time, walked piece by piece. Instants are integer epoch seconds throughout.
"""
import bisect
import datetime as dt
import zoneinfo

DAY = 86400
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
LOCAL_EPOCH = dt.datetime(1970, 1, 1)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ALWAYS_OPEN = {"timezone": "UTC", "week": {d: [["00:00", "24:00"]] for d in WEEKDAYS}}


def clock_seconds(text):
    """`HH:MM` or `HH:MM:SS` as seconds after midnight."""
    parts = [int(p) for p in text.split(":")]
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)


def day_number(text):
    """`YYYY-MM-DD` as days since 1970-01-01."""
    return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days


class Zone:
    """A fixed offset or an IANA zone; maps wall times to instants by the manual's rules."""

    def __init__(self, name):
        self.tz = None
        self.fixed = 0
        if name[0] in "+-":
            sign = -1 if name[0] == "-" else 1
            self.fixed = sign * (int(name[1:3]) * 3600 + int(name[4:6]) * 60)
        elif name != "UTC":
            self.tz = zoneinfo.ZoneInfo(name)

    def offset_at(self, t):
        if self.tz is None:
            return self.fixed
        return int((EPOCH + dt.timedelta(seconds=t)).astimezone(self.tz).utcoffset().total_seconds())

    def instant(self, local):
        """The instant of the wall time `local` (seconds since 1970-01-01T00:00 on the wall): the
        earlier of two in a fall-back overlap, the end of the gap in a spring-forward gap."""
        if self.tz is None:
            return local - self.fixed
        wall = LOCAL_EPOCH + dt.timedelta(seconds=local)
        offsets = {int(wall.replace(tzinfo=self.tz, fold=f).utcoffset().total_seconds()) for f in (0, 1)}
        if len(offsets) == 1:
            return local - offsets.pop()
        solutions = sorted(local - o for o in offsets if self.offset_at(local - o) == o)
        if solutions:
            return solutions[0]
        # A gap: the instant the offset changes lies between the two readings.
        lo, hi = sorted(local - o for o in offsets)
        before = self.offset_at(lo)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.offset_at(mid) == before:
                lo = mid
            else:
                hi = mid
        return hi


class WorkingTime:
    """The calendar's working instants W as sorted, merged intervals, laid out lazily."""

    def __init__(self, spec):
        self.zone = Zone(spec.get("timezone", "UTC"))
        self.week = [self._hours(spec.get("week", {}).get(d, [])) for d in WEEKDAYS]
        self.overrides = {day_number(k): self._hours(v) for k, v in spec.get("overrides", {}).items()}
        self.dates, self.yearly, self.nth = set(), set(), []
        for h in spec.get("holidays", []):
            if isinstance(h, dict):
                self.nth.append((h["month"], WEEKDAYS.index(h["weekday"]), h["nth"]))
            elif h.startswith("--"):
                self.yearly.add((int(h[2:4]), int(h[5:7])))
            else:
                self.dates.add(day_number(h))
        self.day_lo = self.day_hi = None
        self.starts, self.ends, self.cum = [], [], [0]

    @staticmethod
    def _hours(intervals):
        out = []
        for o, c in intervals:
            open_s, close_s = clock_seconds(o), clock_seconds(c)
            out.append((open_s, close_s if close_s > open_s else close_s + DAY))  # overnight: next day
        return out

    def _holiday(self, day):
        if day in self.dates:
            return True
        d = dt.date(1970, 1, 1) + dt.timedelta(days=day)
        if (d.month, d.day) in self.yearly:
            return True
        for month, weekday, nth in self.nth:
            if d.month != month or d.weekday() != weekday:
                continue
            if nth > 0 and (d.day - 1) // 7 + 1 == nth:
                return True
            if nth == -1 and (d + dt.timedelta(days=7)).month != month:
                return True
        return False

    def _hours_of(self, day):
        if day in self.overrides:
            return self.overrides[day]
        if self._holiday(day):
            return []
        return self.week[(day + 3) % 7]  # 1970-01-01 was a Thursday

    def _lay_out(self, day_lo, day_hi):
        windows = []
        for day in range(day_lo, day_hi):
            for o, c in self._hours_of(day):
                s, e = self.zone.instant(day * DAY + o), self.zone.instant(day * DAY + c)
                if s < e:
                    windows.append((s, e))
        windows.sort()
        self.starts, self.ends, self.cum = [], [], [0]
        for s, e in windows:
            if self.ends and s <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], e)
                continue
            self.starts.append(s)
            self.ends.append(e)
        for s, e in zip(self.starts, self.ends):
            self.cum.append(self.cum[-1] + e - s)
        self.day_lo, self.day_hi = day_lo, day_hi

    def cover(self, lo, hi):
        """Makes the layout exact over instants [lo, hi] (a day's hours reach into the next day,
        and offsets are under a day, so three days of margin suffice)."""
        need_lo, need_hi = lo // DAY - 3, hi // DAY + 3
        if self.day_lo is None:
            self._lay_out(need_lo, need_hi)
        elif need_lo < self.day_lo or need_hi > self.day_hi:
            # Grow by doubling, so that a search walking forward lays out each day a few times at most.
            lo_day = min(need_lo, self.day_lo)
            self._lay_out(lo_day, max(need_hi, self.day_hi + (self.day_hi - lo_day)))

    def pieces(self, a, b):
        """The working intervals within [a, b)."""
        if b <= a:
            return []
        self.cover(a, b)
        i = bisect.bisect_right(self.ends, a)
        out = []
        while i < len(self.starts) and self.starts[i] < b:
            s, e = max(self.starts[i], a), min(self.ends[i], b)
            if s < e:
                out.append((s, e))
            i += 1
        return out

    def reach(self, a, amount):
        """The earliest instant x with `amount` (> 0) working seconds in [a, x)."""
        horizon = a + 60 * DAY
        while True:
            self.cover(a, horizon)
            acc = 0
            for s, e in self.pieces(a, horizon):
                if acc + (e - s) >= amount:
                    return s + (amount - acc)
                acc += e - s
            horizon += (horizon - a) * 2


def matches(rule, state, category):
    """A state matches a `start` / `pause` / `stop` / `cancel` rule by its id or its category."""
    return state in rule.get("states", []) or category in rule.get("categories", [])


def _instant_of(pieces, amount):
    """Where the clock's pieces hold `amount` seconds: the earliest x with `amount` before x."""
    acc = 0
    for s, e in pieces:
        if acc + (e - s) >= amount:
            return s + (amount - acc)
        acc += e - s
    return None


def _exceeds_at(pieces, target):
    """The first instant after which the clock holds more than `target`: inside the piece that
    carries it past, where the excess starts (at the piece's start if the target was used up
    before it)."""
    acc = 0
    for s, e in pieces:
        if acc + (e - s) > target:
            return s + max(0, target - acc)
        acc += e - s
    return None


def evaluate(definition, history, now, hours=None):
    """The clock at `now` as a dict of the library's fields (durations in seconds, instants as
    epoch seconds or None). `history`: dicts with integer "at" and optional "state",
    "category", "priority"; `hours`: a WorkingTime to reuse for this definition's calendar."""
    hours = hours or WorkingTime(definition.get("calendar", ALWAYS_OPEN))
    start = definition.get("start", "create")
    on_create = start == "create"
    new_cycle = definition.get("on_reopen", "resume") == "new_cycle"
    pause_rule, stop_rule = definition.get("pause", {}), definition["stop"]
    cancel_rule = definition.get("cancel", {})

    phase, cycle, spans = "idle", 0, []
    run_start = stop_at = None
    state = category = priority = ""
    for i, record in enumerate(history):
        at = record["at"]
        if at > now:
            break
        priority = record.get("priority") or priority
        state = record.get("state") or state
        category = record.get("category") or category  # a state without a category keeps the last one
        if i > 0 and not record.get("state") and not record.get("category"):
            continue  # a priority change alone moves no clock
        is_stop, is_cancel = matches(stop_rule, state, category), matches(cancel_rule, state, category)
        is_pause = matches(pause_rule, state, category)

        def target_phase():
            if is_cancel:
                return "cancelled"
            if is_stop:
                return "stopped"
            return "paused" if is_pause else "running"

        if i == 0 and on_create:
            cycle, spans = 1, []
        elif phase in ("running", "paused"):
            if phase == "running":
                spans.append((run_start, at))
        elif is_stop or is_cancel:
            continue  # a met cycle that is then cancelled stays met; stopping a stopped clock does nothing
        elif phase == "idle" and (on_create or not matches(start, state, category)):
            continue
        elif phase == "idle" or phase == "cancelled" or new_cycle:
            cycle, spans = cycle + 1, []
        phase = target_phase()
        if phase in ("running", "paused"):
            run_start = at
        else:
            stop_at = at

    if phase == "idle":
        return {"status": "not_started", "priority": "", "target": 0, "elapsed": 0, "remaining": 0,
                "percent": 0.0, "deadline": None, "breached_at": None, "warnings": [], "cycle": 0}
    targets = definition["targets"]
    if not priority:
        assert len(targets) == 1, "the generator gives a priority when there are several targets"
        priority = next(iter(targets))
    target = targets[priority]
    if phase == "running" and now > run_start:
        spans = spans + [(run_start, now)]
    pieces = [p for s, e in spans for p in hours.pieces(s, e)]
    elapsed = sum(e - s for s, e in pieces)

    if elapsed >= target:
        deadline = _instant_of(pieces, target)
    else:
        deadline = hours.reach(stop_at if phase in ("stopped", "cancelled") else now, target - elapsed)
    warnings = []
    for w in sorted(set(definition.get("warnings", []))):
        mark = -(-target * w // 100)
        if elapsed < mark:
            break
        warnings.append((w, _instant_of(pieces, mark)))
    breached = elapsed > target
    status = {"running": "breached" if breached else "running",
              "paused": "breached" if breached else "paused",
              "stopped": "breached_met" if breached else "met",
              "cancelled": "cancelled"}[phase]
    return {"status": status, "priority": priority, "target": target, "elapsed": elapsed,
            "remaining": target - elapsed, "percent": 100.0 * elapsed / target, "deadline": deadline,
            "breached_at": _exceeds_at(pieces, target) if breached else None, "warnings": warnings,
            "cycle": cycle}
