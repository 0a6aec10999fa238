// How a calendar's compiled ranges grow (issue 18): queries that creep outward a little at a
// time, in either direction, must not rebuild the compiled range at each step and keep every
// old copy, which made memory quadratic in the distance covered (20,000 working days took
// gigabytes). The timeline reports the day count of each piece it keeps; with growth that at
// least doubles, a century takes a handful of pieces, and all of them together stay within three
// times the newest.

#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/calendar.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace calendar_growth_test {

namespace {

using itsm::detail::seconds_per_day;

std::shared_ptr<const itsm::detail::calendar_spec> spec_of(const char* json) {
  return std::make_shared<const itsm::detail::calendar_spec>(
      itsm::detail::parse_calendar(nlohmann::json::parse(json), "calendar"));
}

const char* const berlin_office = R"({"timezone":"Europe/Berlin",
    "week":{"mon":[["08:00","12:00"],["13:00","18:00"]],"tue":[["08:00","18:00"]],
            "wed":[["08:00","18:00"]],"thu":[["08:00","18:00"]],"fri":[["08:00","16:00"]]},
    "holidays":["--01-01",{"easter":-2},{"easter":1},"--12-25",{"from":"2030-07-20","to":"2030-08-10"}]})";

/// Checks the pieces a timeline keeps after a creeping walk: few, and their sum bounded by the
/// newest (what the doubling promises), which also bounds the memory they hold.
void check_growth(const std::vector<std::int64_t>& kept, std::int64_t days_walked) {
  INFO("pieces kept (days each): " << Catch::Detail::stringify(kept));
  REQUIRE(!kept.empty());
  CHECK(kept.size() <= 12);
  const std::int64_t total = std::accumulate(kept.begin(), kept.end(), std::int64_t{0});
  CHECK(total < 3 * kept.back());
  CHECK(kept.back() >= days_walked);
}

const std::int64_t day_2026 = itsm::detail::days_from_civil(2026, 1, 5);  // a Monday

}  // namespace

TEST_CASE("counting working days a century forward and back keeps a few day tables", "[calendar][growth]") {
  itsm::detail::timeline tl(spec_of(berlin_office), false);
  const std::vector<itsm::detail::instant_range> no_pauses;
  const itsm::detail::engine e(tl, no_pauses);
  // Seven more working days per call, as a caller stepping through a schedule would ask.
  std::int64_t last = day_2026;
  for (std::int64_t n = 7; n <= 25000; n += 7) {
    const std::int64_t day = e.working_day_after(day_2026, n);
    REQUIRE(day > last);
    last = day;
  }
  check_growth(tl.kept_day_table_days(), last - day_2026);
  for (std::int64_t n = 0; n >= -25000; n -= 7) last = e.working_day_after(day_2026, n);
  check_growth(tl.kept_day_table_days(), day_2026 - last);
  // Counting days compiles no instants.
  CHECK(tl.kept_segment_days().empty());
}

TEST_CASE("instants asked a day further each time keep a few segments", "[calendar][growth]") {
  const std::int64_t t0 = day_2026 * seconds_per_day + 10 * 3600;
  SECTION("forward, as a chronological replay asks") {
    itsm::detail::timeline tl(spec_of(berlin_office), false);
    for (std::int64_t d = 0; d < 36525; ++d) REQUIRE(tl.covering(t0 + d * seconds_per_day, t0 + d * seconds_per_day));
    check_growth(tl.kept_segment_days(), 36525);
  }
  SECTION("backward") {
    itsm::detail::timeline tl(spec_of(berlin_office), true);
    for (std::int64_t d = 0; d < 36525; ++d) REQUIRE(tl.covering(t0 - d * seconds_per_day, t0 - d * seconds_per_day));
    check_growth(tl.kept_segment_days(), 36525);
  }
}

TEST_CASE("next_open and prev_close across centuries of closed days grow by doubling", "[calendar][growth]") {
  // The only working hours are two overrides three centuries apart.
  auto cal = itsm::calendar::from_json(
      R"({"timezone":"Asia/Tokyo","overrides":{"1901-03-04":[["09:00","10:00"]],"2398-11-07":[["09:00","10:00"]]}})");
  REQUIRE(cal);
  const itsm::sys_seconds mid{std::chrono::seconds{day_2026 * seconds_per_day}};
  CHECK(cal->format(*cal->next_open(mid)) == "2398-11-07T09:00:00+09:00");
  CHECK(cal->format(*cal->prev_close(mid)) == "1901-03-04T10:00:00+09:00");
  CHECK(cal->format(*cal->add_working_days(mid, 0)) == "2398-11-07T09:00:00+09:00");
  CHECK(cal->format(*cal->add_working_days(*cal->parse_time("1901-03-04T09:30:00"), 1)) ==
        "2398-11-07T09:30:00+09:00");
  CHECK(cal->format(*cal->add_working_days(*cal->parse_time("2398-11-07T09:30:00"), -1)) ==
        "1901-03-04T09:30:00+09:00");
  const auto past_last = cal->add_working_days(mid, 1);
  REQUIRE(!past_last);
  CHECK(past_last.error_value().code == itsm::errc::out_of_range);
  CHECK_THAT(past_last.error_value().message,
             Catch::Contains("days: 1 reaches past the supported years 1900..2399, which hold 1 working day "
                             "after 2026-01-05 (or on it)"));
  const auto before_first = cal->add_working_days(mid, -2);
  REQUIRE(!before_first);
  CHECK(before_first.error_value().code == itsm::errc::out_of_range);
  CHECK_THAT(before_first.error_value().message, Catch::Contains("which hold 1 working day before 2026-01-05"));
  const auto none_after = cal->add_working_days(*cal->parse_time("2399-01-01T12:00:00"), 0);
  REQUIRE(!none_after);
  CHECK(none_after.error_value().code == itsm::errc::no_working_time);
  CHECK_THAT(none_after.error_value().message,
             Catch::Contains("calendar: no working day after 2399-01-01 (or on it) within the supported years"));
}

TEST_CASE("holidays of every supported year, ranges included", "[calendar][growth][holidays]") {
  auto cal = itsm::calendar::from_json(
      R"({"week":{"mon":[["09:00","17:00"]]},"holidays":[{"date":"--01-01","observed":true},{"easter":1},
          {"from":"1999-12-24","to":"2000-01-09"},{"from":"2399-12-31","to":"2399-12-31"}]})");
  REQUIRE(cal);
  for (int y = itsm::detail::min_supported_year; y <= itsm::detail::max_supported_year; ++y) {
    const auto days = cal->holidays(y);
    REQUIRE(days);
    CHECK(days->size() >= 2);  // New Year and Easter Monday, at least
  }
  const auto y1999 = *cal->holidays(1999), y2000 = *cal->holidays(2000);
  CHECK(y1999.size() == 1 + 1 + 8);  // New Year, Easter Monday (5 April), 24..31 December
  REQUIRE(y2000.size() == 9 + 1);   // 1..9 January, Easter Monday (24 April)
  CHECK(y2000.front().to_string() == "2000-01-01");
  CHECK(y2000[8].to_string() == "2000-01-09");
  CHECK(y2000[9].to_string() == "2000-04-24");
  CHECK(cal->holidays(2399)->back().to_string() == "2399-12-31");
}

}  // namespace calendar_growth_test
