// Zones past their last written transition (2037 in Debian's TZif files): the footer's POSIX TZ
// rule holds there, to the end of the supported years. The expected instants and offsets come
// from Python 3.11's zoneinfo over Debian 12's tzdata 2025b, which applies the footer (as glibc
// and zdump do); bindings/python/tests/test_zones_zoneinfo.py checks the same against zoneinfo
// live, over every change of the years it samples.

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/calendar.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace zone_test {

namespace {

using itsm::sys_seconds;
using std::chrono::seconds;

sys_seconds at(const char* text) {
  return sys_seconds{seconds{itsm::detail::parse_text_time(text, "t").seconds}};
}

itsm::calendar all_week(const std::string& zone) {
  std::string week;
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
    week += std::string(week.empty() ? "" : ",") + "\"" + d + R"(":[["00:00","24:00"]])";
  }
  auto cal = itsm::calendar::from_json(R"({"timezone":")" + zone + R"(","week":{)" + week + "}}");
  REQUIRE(cal);
  return *cal;
}

struct change {
  const char* zone;
  const char* instant;  // UTC
  int before, after;    // offsets in seconds
};

}  // namespace

TEST_CASE("zones: the footer rule holds after the last written transition", "[calendar][zones]") {
  // Issue 22's minimal case: Berlin is on +02:00 in July 2050 (it answered +01:00).
  auto office = itsm::calendar::from_json(
      R"({"timezone":"Europe/Berlin","week":{"fri":[["09:00","17:00"]]}})");
  REQUIRE(office);
  const auto open = office->next_open(at("2050-07-01T00:00:00Z"));
  REQUIRE(open);
  CHECK(office->format(*open) == "2050-07-01T09:00:00+02:00");

  const std::vector<change> changes = {
      {"Europe/Berlin", "2038-03-28T01:00:00Z", 3600, 7200},
      {"Europe/Berlin", "2038-10-31T01:00:00Z", 7200, 3600},
      {"Europe/Berlin", "2050-03-27T01:00:00Z", 3600, 7200},
      {"Europe/Berlin", "2100-10-31T01:00:00Z", 7200, 3600},
      {"Europe/Berlin", "2222-03-31T01:00:00Z", 3600, 7200},
      {"Europe/Berlin", "2399-10-31T01:00:00Z", 7200, 3600},
      {"America/New_York", "2038-03-14T07:00:00Z", -18000, -14400},
      {"America/New_York", "2038-11-07T06:00:00Z", -14400, -18000},
      {"America/New_York", "2100-03-14T07:00:00Z", -18000, -14400},
      {"America/New_York", "2222-11-03T06:00:00Z", -14400, -18000},
      {"America/New_York", "2399-11-07T06:00:00Z", -14400, -18000},
      // A 30-minute change, in the southern hemisphere (DST runs across the new year).
      {"Australia/Lord_Howe", "2038-04-03T15:00:00Z", 39600, 37800},
      {"Australia/Lord_Howe", "2038-10-02T15:30:00Z", 37800, 39600},
      {"Australia/Lord_Howe", "2100-04-03T15:00:00Z", 39600, 37800},
      {"Australia/Lord_Howe", "2222-10-05T15:30:00Z", 37800, 39600},
      {"Australia/Lord_Howe", "2399-04-03T15:00:00Z", 39600, 37800},
  };
  for (const auto& c : changes) {
    INFO(c.zone << " at " << c.instant);
    const auto cal = all_week(c.zone);
    const auto t = at(c.instant);
    CHECK(cal.offset_at(t - seconds{1}).count() == c.before);
    CHECK(cal.offset_at(t).count() == c.after);
  }
  // No daylight saving time any more: one offset all year, every year.
  for (const char* year : {"2038", "2100", "2399"}) {
    for (const char* month_day : {"-01-15T12:00:00Z", "-07-15T12:00:00Z"}) {
      const std::string when = std::string(year) + month_day;
      INFO(when);
      CHECK(all_week("America/Sao_Paulo").offset_at(at(when.c_str())).count() == -10800);
      CHECK(all_week("Asia/Tehran").offset_at(at(when.c_str())).count() == 12600);
    }
  }
}

TEST_CASE("zones: wall times and windows past 2037 meet the changes as before", "[calendar][zones]") {
  const auto berlin = all_week("Europe/Berlin");
  // 2100-03-28: 02:00 -> 03:00; 2100-10-31: 03:00 -> 02:00.
  CHECK(berlin.between(at("2100-03-28T00:00:00+01:00"), at("2100-03-29T00:00:00+02:00"))->count() == 82800);
  CHECK(berlin.between(at("2100-10-31T00:00:00+02:00"), at("2100-11-01T00:00:00+01:00"))->count() == 90000);
  auto gap = berlin.parse_time("2100-03-28T02:30:00");
  REQUIRE(!gap);
  CHECK_THAT(gap.error_value().message, Catch::Contains("does not exist in Europe/Berlin"));
  CHECK(*berlin.parse_time("2100-10-31T02:30:00") == at("2100-10-31T02:30:00+02:00"));

  // A window ending inside the gap ends at the gap's end; one inside the overlap at the earlier.
  auto sunday = itsm::calendar::from_json(R"({"timezone":"Europe/Berlin","week":{"sun":[["01:00","02:30"]]}})");
  REQUIRE(sunday);
  CHECK(sunday->between(at("2399-03-27T00:00:00Z"), at("2399-03-29T00:00:00Z"))->count() == 3600);
  CHECK(sunday->between(at("2399-10-30T00:00:00Z"), at("2399-11-01T00:00:00Z"))->count() == 5400);

  // Lord Howe's half hour: 2100-10-03 02:00 -> 02:30 local.
  const auto howe = all_week("Australia/Lord_Howe");
  CHECK(howe.between(at("2100-10-03T00:00:00+10:30"), at("2100-10-04T00:00:00+11:00"))->count() == 84600);
  CHECK(!howe.parse_time("2100-10-03T02:15:00"));
}

TEST_CASE("zones: POSIX TZ strings of TZif footers", "[calendar][zones]") {
  using itsm::detail::posix_tz;
  auto berlin = posix_tz::parse("CET-1CEST,M3.5.0,M10.5.0/3");
  REQUIRE(berlin);
  CHECK(berlin->std_offset == 3600);
  CHECK(berlin->dst_offset == 7200);
  CHECK(berlin->dst_start.time == 7200);
  CHECK(berlin->dst_end.time == 10800);
  CHECK(itsm::detail::format_date(berlin->dst_start.day_in(2050)) == "2050-03-27");
  CHECK(itsm::detail::format_date(berlin->dst_end.day_in(2050)) == "2050-10-30");

  auto howe = posix_tz::parse("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  REQUIRE(howe);
  CHECK(howe->std_offset == 37800);
  CHECK(howe->dst_offset == 39600);

  // Nuuk: a start at -1:00, the Saturday before the last Sunday of March.
  auto nuuk = posix_tz::parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  REQUIRE(nuuk);
  CHECK(nuuk->dst_start.time == -3600);
  const std::int64_t start_2050 = nuuk->dst_start.day_in(2050) * 86400 + nuuk->dst_start.time - nuuk->std_offset;
  CHECK(nuuk->period_at(start_2050 - 1, INT64_MIN).offset == -7200);
  CHECK(nuuk->period_at(start_2050, INT64_MIN).offset == -3600);

  // Julian days: Jn never counts February 29, n does.
  auto julian = posix_tz::parse("AAA3BBB,J60/0,300/0");
  REQUIRE(julian);
  CHECK(itsm::detail::format_date(julian->dst_start.day_in(2048)) == "2048-03-01");
  CHECK(itsm::detail::format_date(julian->dst_end.day_in(2048)) == "2048-10-27");

  // Daylight saving time all year: the period never ends at a year boundary.
  auto always = posix_tz::parse("EST5EDT,0/0,J365/25");
  REQUIRE(always);
  const auto p = always->period_at(at("2100-12-31T23:00:00Z").time_since_epoch().count(), INT64_MIN);
  CHECK(p.offset == -14400);
  CHECK(p.end > at("2101-01-02T00:00:00Z").time_since_epoch().count());

  auto fixed = posix_tz::parse("<+0330>-3:30");
  REQUIRE(fixed);
  CHECK(!fixed->has_dst);
  CHECK(fixed->std_offset == 12600);

  for (const char* bad : {"", "CE-1", "CET", "CET-1CEST", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
                          "CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J100",
                          "CET-1CEST,M3.5.0,M10.5.0/168", "CET-25", "<+03-3", "CET-1CEST,M3.5.0,M10.5.0x"}) {
    INFO("'" << bad << "'");
    CHECK(!posix_tz::parse(bad));
  }
}

TEST_CASE("zones: a TZif file's tail, and files that give none", "[calendar][zones]") {
  const auto berlin = itsm::detail::read_tzif_tail("/usr/share/zoneinfo/Europe/Berlin");
  REQUIRE(berlin);
  CHECK(berlin->last_transition == at("2037-10-25T01:00:00Z").time_since_epoch().count());
  CHECK(berlin->rule.has_dst);

  CHECK(!itsm::detail::read_tzif_tail("/nonexistent/zoneinfo/Europe/Berlin"));
  std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 100);
  const std::string path = "zone_test_truncated.tzif";
  for (const std::size_t keep : {std::size_t{10}, std::size_t{60}, bytes.size() / 2, bytes.size() - 2}) {
    INFO("first " << keep << " bytes");
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(keep));
    CHECK(!itsm::detail::read_tzif_tail(path));
  }
  std::ofstream(path, std::ios::binary) << "not a TZif file at all";
  CHECK(!itsm::detail::read_tzif_tail(path));
  std::remove(path.c_str());
}

}  // namespace zone_test
