// The public time-zone type (itsm/zone.hpp) and the supported years and civil helpers of
// itsm/time.hpp. Expected offsets and instants come from Python 3.11's zoneinfo over Debian 12's
// tzdata (the system database the library reads too), as noted per table; the wall-time rules
// are docs/calendars.md's ("Time": a gap is an error, an overlap means the earlier instant).

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/calendar.hpp"
#include "itsm/time.hpp"
#include "itsm/zone.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace time_zone_test {

namespace {

using itsm::local_mapping;
using itsm::local_seconds;
using itsm::sys_seconds;
using std::chrono::seconds;

sys_seconds utc(const char* text) {
  const auto t = itsm::parse_utc(text);
  REQUIRE(t);
  return *t;
}

itsm::time_zone zone(const char* name) {
  const auto z = itsm::time_zone::locate(name);
  INFO(name << ": " << z.error_value().message);
  REQUIRE(z);
  return *z;
}

}  // namespace

TEST_CASE("time_zone: lookup by name, and the errors for names it does not know", "[zone]") {
  const auto berlin = zone("Europe/Berlin");
  CHECK(berlin.name() == "Europe/Berlin");
  CHECK_FALSE(berlin.is_fixed());

  const itsm::time_zone by_default;
  CHECK(by_default.name() == "UTC");
  CHECK(by_default.is_fixed());
  for (const char* alias : {"UTC", "Etc/UTC", "Z", "GMT"}) {
    const auto z = zone(alias);
    CHECK(z.name() == alias);
    CHECK(z.is_fixed());
    CHECK(z.offset_at(utc("2026-07-01T12:00:00Z")) == seconds{0});
  }

  struct fixed_case {
    const char* name;
    std::int64_t offset;
  };
  for (const auto& f : std::vector<fixed_case>{{"+05:30", 19800}, {"-03:30", -12600}, {"+0545", 20700},
                                               {"-10", -36000}, {"+18:00", 64800}}) {
    const auto z = zone(f.name);
    INFO(f.name);
    CHECK(z.is_fixed());
    CHECK(z.offset_at(utc("2026-07-01T12:00:00Z")) == seconds{f.offset});
  }

  const auto unknown = itsm::time_zone::locate("Mars/Olympus_Mons", "office.timezone");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error_value().code == itsm::errc::unknown_zone);
  CHECK(unknown.error_value().message ==
        "office.timezone: unknown time zone 'Mars/Olympus_Mons' (expected an IANA name such as "
        "'Europe/Berlin', 'UTC' or an offset such as '+05:30')");
  const auto empty = itsm::time_zone::locate("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error_value().code == itsm::errc::unknown_zone);
  CHECK(empty.error_value().message.rfind("timezone: unknown time zone ''", 0) == 0);

  for (const char* bad : {"+25:00", "+18:30", "+5:30", "-05:3x", "+"}) {
    const auto z = itsm::time_zone::locate(bad, "tz");
    INFO(bad);
    REQUIRE_FALSE(z);
    CHECK(z.error_value().code == itsm::errc::invalid_argument);
    CHECK(z.error_value().message ==
          std::string("tz: invalid UTC offset '") + bad + "' (expected +HH:MM or -HH:MM, at most 18:00)");
  }
}

TEST_CASE("time_zone: known offsets at instants, historical and past the last written change", "[zone]") {
  struct row {
    const char* zone;
    const char* instant;
    std::int64_t offset;  // zoneinfo's utcoffset()
  };
  const std::vector<row> rows = {
      {"Europe/Berlin", "2026-01-15T12:00:00Z", 3600},
      {"Europe/Berlin", "2026-07-01T12:00:00Z", 7200},
      {"Europe/Berlin", "1945-07-01T12:00:00Z", 10800},  // the Soviet zone's double summer time
      {"Europe/Berlin", "2100-07-01T12:00:00Z", 7200},   // the file's footer rule
      {"Europe/Berlin", "2399-07-01T12:00:00Z", 7200},
      {"America/New_York", "2026-01-15T12:00:00Z", -18000},
      {"America/New_York", "2026-07-01T12:00:00Z", -14400},
      {"Asia/Kolkata", "2026-07-01T12:00:00Z", 19800},
      {"Asia/Kathmandu", "2026-07-01T12:00:00Z", 20700},
      {"Australia/Lord_Howe", "2026-01-15T12:00:00Z", 39600},  // half an hour of summer time
      {"Australia/Lord_Howe", "2026-07-01T12:00:00Z", 37800},
      {"America/Sao_Paulo", "2100-01-15T12:00:00Z", -10800},  // no summer time since 2019
      {"Asia/Tehran", "2100-07-01T12:00:00Z", 12600},
  };
  for (const auto& r : rows) {
    INFO(r.zone << " at " << r.instant);
    CHECK(zone(r.zone).offset_at(utc(r.instant)) == seconds{r.offset});
  }

  // The period around an instant: Berlin's summer time of 2026, from the change in March to the
  // one in October (each at 01:00Z), and nothing outside it.
  const auto berlin = zone("Europe/Berlin");
  const auto summer = berlin.period_at(utc("2026-07-01T12:00:00Z"));
  CHECK(summer.begin == utc("2026-03-29T01:00:00Z"));
  CHECK(summer.end == utc("2026-10-25T01:00:00Z"));
  CHECK(summer.offset == seconds{7200});
  CHECK(summer.contains(summer.begin));
  CHECK_FALSE(summer.contains(summer.end));
  CHECK_FALSE(summer.contains(summer.begin - seconds{1}));
  CHECK(berlin.period_at(summer.end).offset == seconds{3600});
  CHECK(berlin.period_at(summer.begin - seconds{1}).end == summer.begin);
  // Past 2037 (the last change Debian's files write) the periods come from the footer rule.
  const auto later = berlin.period_at(utc("2100-07-01T12:00:00Z"));
  CHECK(later.begin == utc("2100-03-28T01:00:00Z"));
  CHECK(later.end == utc("2100-10-31T01:00:00Z"));

  // A fixed offset has one period, over all the supported instants.
  const auto fixed = zone("+05:30").period_at(utc("2026-07-01T12:00:00Z"));
  CHECK(fixed.offset == seconds{19800});
  CHECK(fixed.contains(itsm::first_supported_instant - seconds{86400 * 365}));
  CHECK(fixed.contains(itsm::end_of_supported_instants + seconds{86400 * 365}));
}

TEST_CASE("time_zone: wall times in a daylight-saving gap and overlap", "[zone][dst]") {
  // Instants from zoneinfo (fold=0 the earlier, fold=1 the later of an overlap).
  struct row {
    const char* why;
    const char* zone;
    local_seconds wall;
    local_mapping::kind_t kind;
    const char* first;   // unique: the instant; gap: its end; overlap: the earlier
    const char* second;  // overlap: the later
  };
  const auto L = itsm::from_civil_local;
  const std::vector<row> rows = {
      {"Berlin, a second before the spring gap", "Europe/Berlin", L(2026, 3, 29, 1, 59, 59), local_mapping::unique,
       "2026-03-29T00:59:59Z", "2026-03-29T00:59:59Z"},
      {"Berlin, the gap's first second", "Europe/Berlin", L(2026, 3, 29, 2, 0, 0), local_mapping::gap,
       "2026-03-29T01:00:00Z", "2026-03-29T01:00:00Z"},
      {"Berlin, inside the gap", "Europe/Berlin", L(2026, 3, 29, 2, 30, 0), local_mapping::gap,
       "2026-03-29T01:00:00Z", "2026-03-29T01:00:00Z"},
      {"Berlin, the gap's end", "Europe/Berlin", L(2026, 3, 29, 3, 0, 0), local_mapping::unique,
       "2026-03-29T01:00:00Z", "2026-03-29T01:00:00Z"},
      {"Berlin, a second before the autumn overlap", "Europe/Berlin", L(2026, 10, 25, 1, 59, 59),
       local_mapping::unique, "2026-10-24T23:59:59Z", "2026-10-24T23:59:59Z"},
      {"Berlin, the overlap's first second", "Europe/Berlin", L(2026, 10, 25, 2, 0, 0), local_mapping::overlap,
       "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"},
      {"Berlin, inside the overlap", "Europe/Berlin", L(2026, 10, 25, 2, 30, 0), local_mapping::overlap,
       "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"},
      {"Berlin, after the overlap", "Europe/Berlin", L(2026, 10, 25, 3, 0, 0), local_mapping::unique,
       "2026-10-25T02:00:00Z", "2026-10-25T02:00:00Z"},
      {"New York's spring gap", "America/New_York", L(2026, 3, 8, 2, 30, 0), local_mapping::gap,
       "2026-03-08T07:00:00Z", "2026-03-08T07:00:00Z"},
      {"New York's autumn overlap", "America/New_York", L(2026, 11, 1, 1, 30, 0), local_mapping::overlap,
       "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"},
      {"Lord Howe's half-hour gap", "Australia/Lord_Howe", L(2026, 10, 4, 2, 15, 0), local_mapping::gap,
       "2026-10-03T15:30:00Z", "2026-10-03T15:30:00Z"},
      {"Lord Howe's half-hour overlap", "Australia/Lord_Howe", L(2026, 4, 5, 1, 45, 0), local_mapping::overlap,
       "2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z"},
      {"Berlin's gap by the footer rule", "Europe/Berlin", L(2100, 3, 28, 2, 30, 0), local_mapping::gap,
       "2100-03-28T01:00:00Z", "2100-03-28T01:00:00Z"},
      {"Berlin's overlap by the footer rule", "Europe/Berlin", L(2100, 10, 31, 2, 30, 0), local_mapping::overlap,
       "2100-10-31T00:30:00Z", "2100-10-31T01:30:00Z"},
      {"a fixed offset has neither", "-03:30", L(2026, 3, 29, 2, 30, 0), local_mapping::unique,
       "2026-03-29T06:00:00Z", "2026-03-29T06:00:00Z"},
  };
  for (const auto& r : rows) {
    INFO(r.why);
    const auto z = zone(r.zone);
    const auto mapped = z.map(r.wall);
    REQUIRE(mapped);
    const local_mapping m = *mapped;
    CHECK(m.kind == r.kind);
    CHECK(m.first == utc(r.first));
    CHECK(m.second == utc(r.second));

    const auto earlier = z.to_instant(r.wall, "start");
    const auto later = z.to_instant(r.wall, "start", itsm::overlap_choice::later);
    if (r.kind == local_mapping::gap) {
      REQUIRE_FALSE(earlier);
      REQUIRE_FALSE(later);
      CHECK(earlier.error_value().code == itsm::errc::nonexistent_time);
      CHECK(earlier.error_value().message == "start: wall time '" +
                                                 itsm::format_utc(sys_seconds{r.wall.time_since_epoch()}).substr(0, 19) +
                                                 "' does not exist in " + r.zone +
                                                 " (it falls in a daylight-saving gap)");
    } else {
      REQUIRE(earlier);
      REQUIRE(later);
      CHECK(*earlier == utc(r.first));
      CHECK(*later == utc(r.second));
    }
  }

  // The message as the manual shows it, and the calendar reading the same text the same way.
  const auto berlin = zone("Europe/Berlin");
  const auto gap = berlin.to_instant(L(2026, 3, 29, 2, 30, 0));
  REQUIRE_FALSE(gap);
  CHECK(gap.error_value().message ==
        "time: wall time '2026-03-29T02:30:00' does not exist in Europe/Berlin (it falls in a daylight-saving gap)");
  const auto cal = itsm::calendar::from_json(R"({"timezone":"Europe/Berlin"})");
  REQUIRE(cal);
  CHECK(cal->zone().name() == "Europe/Berlin");
  const auto parsed = cal->parse_time("2026-10-25T02:30:00");
  REQUIRE(parsed);
  CHECK(*parsed == *cal->zone().to_instant(L(2026, 10, 25, 2, 30, 0)));
  CHECK(cal->parse_time("2026-03-29T02:30:00").error_value().message == gap.error_value().message);
}

TEST_CASE("time.hpp: the supported years, and time_zone's bounds on wall times", "[zone][years]") {
  static_assert(itsm::min_supported_year == 1900 && itsm::max_supported_year == 2399);
  // 1900-01-01T00:00:00Z and 2400-01-01T00:00:00Z as Python's datetime.timestamp() gives them.
  static_assert(itsm::first_supported_instant.time_since_epoch().count() == -2208988800);
  static_assert(itsm::end_of_supported_instants.time_since_epoch().count() == 13569465600);
  static_assert(itsm::from_civil_utc(2026, 3, 2, 9, 0, 0) == sys_seconds{seconds{1772442000}});
  static_assert(itsm::from_civil_local(2026, 3, 2, 9, 0, 0).time_since_epoch() == seconds{1772442000});

  // The calendar takes exactly these instants.
  const auto cal = itsm::calendar::from_json(R"({"week":{"mon":[["00:00","24:00"]]}})");
  REQUIRE(cal);
  CHECK(cal->next_open(itsm::first_supported_instant));
  CHECK(cal->next_open(itsm::end_of_supported_instants - seconds{86400 * 7}));
  for (const sys_seconds outside : {itsm::first_supported_instant - seconds{1}, itsm::end_of_supported_instants}) {
    const auto r = cal->next_open(outside);
    REQUIRE_FALSE(r);
    CHECK(r.error_value().code == itsm::errc::out_of_range);
  }

  // Wall times within a day of them are placed (a zone west or east of UTC may bring them in);
  // beyond that they are out of range, named as wall times.
  const auto west = zone("-01:00");
  const auto just_in = west.to_instant(itsm::from_civil_local(1899, 12, 31, 23, 30, 0));
  REQUIRE(just_in);
  CHECK(*just_in == utc("1900-01-01T00:30:00Z"));
  CHECK(west.to_instant(itsm::from_civil_local(1899, 12, 31, 0, 0, 0)));
  CHECK(west.to_instant(itsm::from_civil_local(2400, 1, 1, 23, 59, 59)));
  struct out {
    local_seconds wall;
    const char* text;
  };
  for (const auto& o : std::vector<out>{
           {itsm::from_civil_local(1899, 12, 30, 23, 59, 59), "1899-12-30T23:59:59"},
           {itsm::from_civil_local(2400, 1, 2, 0, 0, 0), "2400-01-02T00:00:00"},
           {local_seconds{seconds{std::numeric_limits<std::int64_t>::max()}},
            "9223372036854775807 s after 1970-01-01T00:00"},
           {local_seconds{seconds{std::numeric_limits<std::int64_t>::min()}},
            "-9223372036854775808 s after 1970-01-01T00:00"}}) {
    const auto berlin = zone("Europe/Berlin");
    const auto r = berlin.to_instant(o.wall, "starts");
    INFO(o.text);
    REQUIRE_FALSE(r);
    CHECK(r.error_value().code == itsm::errc::out_of_range);
    CHECK(r.error_value().message ==
          std::string("starts: wall time ") + o.text + " is outside the supported years 1900..2399");
    const auto m = berlin.map(o.wall, "starts");
    REQUIRE_FALSE(m);
    CHECK(m.error_value().message == r.error_value().message);
  }
}

TEST_CASE("time_zone: an instant as text with the zone's offset", "[zone][format]") {
  struct row {
    const char* zone;
    const char* instant;
    const char* text;
  };
  const std::vector<row> rows = {
      {"Europe/Berlin", "2026-01-15T12:00:00Z", "2026-01-15T13:00:00+01:00"},
      {"Europe/Berlin", "2026-07-01T10:00:00Z", "2026-07-01T12:00:00+02:00"},
      // Either side of the autumn change: the same wall hour twice, told apart by the offset.
      {"Europe/Berlin", "2026-10-25T00:59:59Z", "2026-10-25T02:59:59+02:00"},
      {"Europe/Berlin", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00+01:00"},
      {"America/New_York", "2026-07-01T12:00:00Z", "2026-07-01T08:00:00-04:00"},
      {"Asia/Kolkata", "2026-07-01T12:00:00Z", "2026-07-01T17:30:00+05:30"},
      {"Australia/Lord_Howe", "2026-01-15T12:00:00Z", "2026-01-15T23:00:00+11:00"},
      {"UTC", "2026-07-01T12:00:00Z", "2026-07-01T12:00:00+00:00"},
      {"-03:30", "2026-07-01T12:00:00Z", "2026-07-01T08:30:00-03:30"},
      {"Europe/Berlin", "1900-01-01T00:00:00Z", "1900-01-01T01:00:00+01:00"},
      {"Europe/Berlin", "2399-12-31T22:59:59Z", "2399-12-31T23:59:59+01:00"},
  };
  for (const auto& r : rows) {
    INFO(r.zone << " at " << r.instant);
    const auto z = zone(r.zone);
    CHECK(z.format(utc(r.instant)) == r.text);
    // Read back, the text gives the instant again.
    CHECK(utc(r.text) == utc(r.instant));
  }
  // As a calendar in that zone prints it.
  const auto cal = itsm::calendar::from_json(R"({"timezone":"America/New_York"})");
  REQUIRE(cal);
  const auto t = utc("2026-11-01T06:30:00Z");
  CHECK(cal->zone().format(t) == cal->format(t));
  CHECK(cal->zone().format(t) == "2026-11-01T01:30:00-05:00");
}

}  // namespace time_zone_test
