"""SLA clocks against an independent model (sla_model.py, written from the manual alone) over
random histories: every field of every answer must be equal.

The cases cover what the model was written to catch: zones with daylight saving time (windows
on change days, 30-minute changes, years past 2037 where only the TZif footer gives the rule),
years 1916..2398, pauses, priority changes (also after a breach), reopenings in both policies,
tickets created in a stop or cancel state, pauses and stops exactly where the target is used up,
and `now` on the instants where the answer changes. ITSM_SLA_MODEL_CASES (default 10000) and
ITSM_SLA_MODEL_SEED change the run; a failure prints the case to reproduce it.
"""
import collections
import datetime as dt
import json
import os
import random

import pytest

import itsm
import sla_model

CASES = int(os.environ.get("ITSM_SLA_MODEL_CASES", "10000"))
SEED = int(os.environ.get("ITSM_SLA_MODEL_SEED", "22"))
DAY = sla_model.DAY
DST_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Tehran"]
ZONES = DST_ZONES + ["UTC", "Asia/Kolkata", "+05:30", "-03:00", "+13:45"]
STATES = [("new", "new"), ("assigned", "new"), ("in_progress", "open"), ("awaiting_change", "open"),
          ("on_hold", "waiting"), ("pending_vendor", "waiting"), ("resolved", "resolved"),
          ("closed", "closed"), ("cancelled", "cancelled")]
CATEGORY = dict(STATES)


def epoch(year, month, day, minute=0):
    return int((dt.datetime(year, month, day, tzinfo=dt.timezone.utc) - sla_model.EPOCH).total_seconds()) + minute * 60


def hhmm(minute):
    return "%02d:%02d" % (minute // 60, minute % 60)


def random_day_hours(rng, dst):
    """0-3 intervals of one day; in DST zones often with ends at 01:00-03:30, where changes fall."""
    shape = rng.random()
    if shape < 0.15:
        return []
    if shape < 0.25:
        return [["00:00", "24:00"]]
    special = [60, 90, 120, 150, 165, 180, 210] if dst else []
    cuts = sorted(set(rng.choice(special) if special and rng.random() < 0.4 else rng.randrange(0, 96) * 15
                      for _ in range(2 * rng.randint(1, 3))))
    intervals = [[hhmm(cuts[i]), hhmm(cuts[i + 1])] for i in range(0, len(cuts) - 1, 2)]
    if intervals and rng.random() < 0.2:
        # The last one runs overnight into the next day (a close before the open).
        last = intervals[-1]
        close = rng.randrange(0, 8 * 4) * 15
        if close != cuts[len(intervals) * 2 - 2]:
            last[1] = hhmm(close)
    if intervals and intervals[-1][1] == "00:00" and rng.random() < 0.5:
        intervals[-1][1] = "24:00"
    return intervals


def random_calendar(rng, zone, start, span_days):
    dst = zone in DST_ZONES
    week = {}
    while not any(week.values()):
        week = {d: random_day_hours(rng, dst) for d in sla_model.WEEKDAYS}
    cal = {"timezone": zone, "week": week}
    day0 = start // DAY
    holidays = []
    for _ in range(rng.randint(0, 3)):
        holidays.append((dt.date(1970, 1, 1) + dt.timedelta(days=day0 + rng.randrange(-1, span_days + 7))).isoformat())
    if rng.random() < 0.2:
        d = dt.date(1970, 1, 1) + dt.timedelta(days=day0 + rng.randrange(0, span_days + 1))
        holidays.append("--%02d-%02d" % (d.month, d.day))
    if rng.random() < 0.2:
        holidays.append({"month": rng.randint(1, 12), "weekday": rng.choice(sla_model.WEEKDAYS),
                         "nth": rng.choice([1, 2, 3, 4, 5, -1])})
    if holidays:
        cal["holidays"] = holidays
    if rng.random() < 0.3:
        cal["overrides"] = {}
        for _ in range(rng.randint(1, 2)):
            d = (dt.date(1970, 1, 1) + dt.timedelta(days=day0 + rng.randrange(0, span_days + 1))).isoformat()
            cal["overrides"][d] = random_day_hours(rng, dst)
    return cal


def random_definition(rng, zone, start, span_days):
    d = {"name": "model"}
    if rng.random() < 0.25:
        d["targets"] = {"any": rng.randint(1, 3 * 60) * 60}
    else:
        d["targets"] = {p: rng.randint(1, 3 * 60) * 60 * f for p, f in (("P1", 1), ("P2", 2), ("P3", 4))}
    if rng.random() < 0.1:
        d["targets"] = {k: v + rng.randint(1, 59) for k, v in d["targets"].items()}
    if rng.random() < 0.9:
        d["calendar"] = random_calendar(rng, zone, start, span_days)
    d["start"] = rng.choice(["create"] * 6 + [{"states": ["assigned"]}, {"categories": ["open"]},
                                               {"categories": ["open", "resolved"]},
                                               {"states": ["assigned", "cancelled"], "categories": ["open"]}])
    d["pause"] = rng.choice([{"categories": ["waiting"]}, {"categories": ["waiting"], "states": ["awaiting_change"]},
                             {"states": ["on_hold"]}])
    d["stop"] = rng.choice([{"categories": ["resolved", "closed"]}, {"categories": ["resolved"], "states": ["closed"]}])
    if rng.random() < 0.8:
        d["cancel"] = {"categories": ["cancelled"]}
    d["on_reopen"] = rng.choice(["resume", "new_cycle"])
    if rng.random() < 0.8:
        d["warnings"] = sorted(rng.sample([25, 50, 75, 90, 100, 150], rng.randint(1, 4)))
    return d


def random_record(rng, definition, at, first=False):
    state, category = rng.choice(STATES)
    record = {"at": at, "state": state, "category": category}
    if first:
        if rng.random() < 0.5:
            record["state"], record["category"] = "new", "new"
    elif rng.random() < 0.15:
        del record["category"]  # a state without its category keeps the previous category
    if len(definition["targets"]) > 1 and (first or rng.random() < 0.15):
        record["priority"] = rng.choice(sorted(definition["targets"]))
    elif first and rng.random() < 0.5:
        record["priority"] = "any"
    if not first and rng.random() < 0.1:
        record = {"at": at, "priority": rng.choice(sorted(definition["targets"]))}
    return record


def random_start(rng):
    era = rng.random()
    year = rng.randint(2038, 2398) if era < 0.45 else (rng.randint(1916, 2037) if era < 0.9 else rng.choice([2038, 2100, 2399 - 1]))
    if rng.random() < 0.5:  # around the changes of either hemisphere
        month, day = rng.choice([(3, 20), (3, 28), (4, 1), (9, 28), (10, 1), (10, 20), (10, 28), (11, 1)])
    else:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
    return epoch(year, month, day, rng.randrange(0, 24 * 60))


def random_case(rng):
    """A definition, a history and the instants to evaluate it at."""
    zone = rng.choice(ZONES)
    start = random_start(rng)
    span_days = rng.randint(2, 30)
    definition = random_definition(rng, zone, start, span_days)
    hours = sla_model.WorkingTime(definition.get("calendar", sla_model.ALWAYS_OPEN))
    history = [random_record(rng, definition, start, first=True)]
    t = start
    for _ in range(rng.randint(0, 12)):
        t += 0 if rng.random() < 0.08 else rng.randrange(1, span_days * 24 * 60 // 4 + 2) * 60
        history.append(random_record(rng, definition, t))
    end = max(t, start + span_days * DAY)
    tags = set()
    if rng.random() < 0.35:
        # Something happens exactly where the target is used up: a pause (then maybe a resume), a
        # stop, or a priority change; or, once breached, a priority change after the breach.
        probe = sla_model.evaluate(definition, history, end + 60 * DAY, hours)
        used_up = probe["deadline"]
        if probe["status"] in ("running", "breached") and used_up is not None and used_up >= history[-1]["at"]:
            kind = rng.choice(["pause", "pause", "stop", "priority"])
            if kind == "pause":
                history.append({"at": used_up, "state": "on_hold", "category": "waiting"})
                if rng.random() < 0.7:
                    history.append({"at": used_up + rng.randrange(0, 3 * DAY // 60) * 60, "state": "in_progress",
                                    "category": "open"})
            elif kind == "stop":
                history.append({"at": used_up, "state": "resolved", "category": "resolved"})
            elif len(definition["targets"]) > 1:
                history.append({"at": used_up, "priority": rng.choice(sorted(definition["targets"]))})
            tags.add("event at used-up instant")
        breach = probe["breached_at"]
        if breach is not None and breach >= history[-1]["at"] and len(definition["targets"]) > 1:
            history.append({"at": breach + rng.randrange(0, 2 * DAY // 60) * 60,
                            "priority": rng.choice(sorted(definition["targets"]))})
            tags.add("priority change after breach")
        end = max(end, history[-1]["at"] + DAY)
    nows = [rng.randrange(start - 3600, end + 1)]
    nows.append(rng.choice(history)["at"])
    probe = sla_model.evaluate(definition, history, end, hours)
    for key in ("deadline", "breached_at"):
        if probe[key] is not None:
            nows.append(probe[key] + rng.choice([-1, 0, 0, 1, 60]))
    return definition, history, nows, hours, tags


def to_library(history):
    return [{**r, "at": sla_model.EPOCH + dt.timedelta(seconds=r["at"])} for r in history]


def seconds_of(value):
    return None if value is None else int((value - sla_model.EPOCH).total_seconds())


def library_answer(sla, history, now):
    s = sla.evaluate(history, sla_model.EPOCH + dt.timedelta(seconds=now))
    return {"status": s.status, "priority": s.priority, "target": int(s.target.total_seconds()),
            "elapsed": int(s.elapsed.total_seconds()), "remaining": int(s.remaining.total_seconds()),
            "percent": s.percent, "deadline": seconds_of(s.deadline), "breached_at": seconds_of(s.breached_at),
            "warnings": [(p, seconds_of(w)) for p, w in s.warnings], "cycle": s.cycle}


def test_random_histories_agree_with_the_independent_model():
    rng = random.Random(SEED)
    failures, seen = [], collections.Counter()
    evaluated = 0
    while evaluated < CASES:
        definition, history, nows, hours, tags = random_case(rng)
        sla = itsm.SLA.from_json(definition)
        lib_history = to_library(history)
        for now in nows:
            if evaluated >= CASES:
                break
            evaluated += 1
            expected = sla_model.evaluate(definition, history, now, hours)
            got = library_answer(sla, lib_history, now)
            seen[expected["status"]] += 1
            seen.update(tags)
            zone = definition.get("calendar", {}).get("timezone", "UTC")
            if zone in DST_ZONES and now >= epoch(2038, 1, 19):
                seen["DST zone past 2037"] += 1
            if hours.zone.offset_at(history[0]["at"]) != hours.zone.offset_at(max(now, history[-1]["at"])):
                seen["offset change inside the case"] += 1
            if expected["breached_at"] is not None and expected["breached_at"] != expected["deadline"]:
                seen["breach after the used-up instant"] += 1
            if history[0].get("category") in ("resolved", "closed", "cancelled") and definition["start"] == "create":
                seen["created stopped or cancelled"] += 1
            if expected != got:
                failures.append({"definition": definition, "history": history, "now": now,
                                 "differs": {k: (expected[k], got[k]) for k in expected if expected[k] != got[k]}})
    report = "; ".join(f"{k}: {v}" for k, v in sorted(seen.items()))
    print(f"{evaluated} evaluations, {len(failures)} disagree; {report}")
    assert not failures, json.dumps(failures[:3], indent=1) + f"\n... {len(failures)} of {evaluated} disagree"
    # The run reaches what it is for (with CASES in the thousands).
    if CASES >= 5000:
        for what in ("DST zone past 2037", "offset change inside the case", "breach after the used-up instant", "created stopped or cancelled",
                     "event at used-up instant", "priority change after breach", "met", "breached_met",
                     "cancelled", "paused", "not_started"):
            assert seen[what] >= 20, f"only {seen[what]} cases of '{what}'"
