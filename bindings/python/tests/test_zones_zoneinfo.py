"""Zones past their last written transition, against Python's zoneinfo over the same system files
(zoneinfo applies each file's footer rule, as glibc and zdump do). Every offset change of the
sampled years is found in zoneinfo, then the library must give the same offsets either side of
it, the same instants for wall times around it (the earlier one in an overlap, an error in a
gap), and the length of the local day holding it."""
import datetime as dt
import random
import zoneinfo

import pytest

import itsm
import sla_model

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEK = {d: [["00:00", "24:00"]] for d in WEEKDAYS}
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Tehran",
         "America/Nuuk", "Pacific/Chatham", "Africa/Casablanca", "Europe/Dublin", "America/Santiago"]
YEARS = [2037, 2038, 2039, 2100, 2222, 2399]


def offset(tz, t):
    return int((EPOCH + dt.timedelta(seconds=t)).astimezone(tz).utcoffset().total_seconds())


def changes(tz, year):
    """(instant, offset before, offset after) of every change in `year`, by bisection."""
    t = int((dt.datetime(year, 1, 1, tzinfo=UTC) - EPOCH).total_seconds())
    end = int((dt.datetime(year + 1, 1, 1, tzinfo=UTC) - EPOCH).total_seconds())
    out, before = [], offset(tz, t)
    while t < end:
        step = min(t + 6 * 3600, end)
        if offset(tz, step) != before:
            lo, hi = t, step
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(tz, mid) == before else (lo, mid)
            out.append((hi, before, offset(tz, hi)))
            before = offset(tz, hi)
        t = step
    return out


def as_instant(t):
    return EPOCH + dt.timedelta(seconds=t)


@pytest.mark.parametrize("zone", ZONES)
def test_offsets_and_wall_times_past_2037_match_zoneinfo(zone):
    tz = zoneinfo.ZoneInfo(zone)
    cal = itsm.Calendar.from_json({"timezone": zone, "week": WEEK})
    seen = 0
    for year in YEARS:
        for instant, before, after in changes(tz, year):
            seen += 1
            where = f"{zone} change at {as_instant(instant).isoformat()}"
            for t, expected in ((instant - 1, before), (instant, after), (instant + 3600, after)):
                got = cal.next_open(as_instant(t))  # 24x7: the instant itself, in the zone's offset
                assert (got - EPOCH).total_seconds() == t, where
                assert got.utcoffset().total_seconds() == expected, where
            # Wall times every 5 minutes across the change.
            lo_wall = instant + min(before, after) - 3600
            for local in range(lo_wall, instant + max(before, after) + 3600, 300):
                wall = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=local)
                fits = sorted(local - o for o in {before, after} if offset(tz, local - o) == o)
                if not fits:
                    with pytest.raises(itsm.CalendarError, match="does not exist"):
                        cal.next_open(wall)
                    continue
                assert (cal.next_open(wall) - EPOCH).total_seconds() == fits[0], f"{where}: wall {wall}"
            # A calendar open all of the change's local day (and no other weekday) holds the day's
            # real length, its midnights placed by the manual's rules (a midnight in a gap: the gap's end).
            day = (dt.datetime.fromtimestamp(instant, tz).date() - dt.date(1970, 1, 1)).days
            one_day = itsm.Calendar.from_json({"timezone": zone, "week": {WEEKDAYS[(day + 3) % 7]: [["00:00", "24:00"]]}})
            place = sla_model.Zone(zone).instant
            length = place((day + 1) * 86400) - place(day * 86400)
            around = (as_instant((day - 2) * 86400), as_instant((day + 3) * 86400))
            assert one_day.between(*around).total_seconds() == length, where
    # Zones that keep changing must show it every sampled year; the others never do.
    if zone in ("America/Sao_Paulo", "Asia/Tehran"):
        assert seen == 0
    elif zone != "Africa/Casablanca":
        assert seen >= 2 * len(YEARS)


@pytest.mark.parametrize("zone", ZONES)
def test_random_instants_to_2399_have_zoneinfo_offsets(zone):
    tz = zoneinfo.ZoneInfo(zone)
    cal = itsm.Calendar.from_json({"timezone": zone, "week": WEEK})
    rng = random.Random(zone)
    lo = int((dt.datetime(1950, 1, 1, tzinfo=UTC) - EPOCH).total_seconds())
    hi = int((dt.datetime(2399, 12, 31, tzinfo=UTC) - EPOCH).total_seconds())
    for _ in range(300):
        t = rng.randrange(lo, hi)
        assert cal.next_open(as_instant(t)).utcoffset().total_seconds() == offset(tz, t), (zone, as_instant(t))
