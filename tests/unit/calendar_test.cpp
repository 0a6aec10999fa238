// Table-driven tests of the calendar rules (docs/calendars.md, "Business time").
// Each row: a calendar, a query, the expected answer, and why.

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/query.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace calendar_test {

namespace {

struct row {
  const char* why;
  std::string query;     // a query line without "id"
  std::string expected;  // result as JSON text, or "error:<substring>"
};

const std::string mon_fri_9_17 =
    R"({"week": {"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "wed": [["09:00","17:00"]],
        "thu": [["09:00","17:00"]], "fri": [["09:00","17:00"]]}})";

std::string with_cal(const std::string& cal, const std::string& rest) {
  return R"({"calendar": )" + cal + ", " + rest + "}";
}

void run_rows(const std::vector<row>& rows) {
  itsm::query_evaluator ev;
  for (const auto& r : rows) {
    const auto answer = ev.evaluate(r.query);
    INFO(r.why << "\n  query: " << r.query << "\n  answer: " << answer.dump());
    if (r.expected.rfind("error:", 0) == 0) {
      REQUIRE(answer.contains("error"));
      CHECK_THAT(answer["error"].get<std::string>(), Catch::Contains(r.expected.substr(6)));
    } else {
      REQUIRE(answer.contains("result"));
      CHECK(answer["result"] == nlohmann::json::parse(r.expected));
    }
  }
}

}  // namespace

TEST_CASE("add and between on a plain office calendar", "[calendar]") {
  const auto& c = mon_fri_9_17;
  run_rows({
      {"inside a stretch", with_cal(c, R"("op":"add","start":"2026-01-05T10:00:00Z","seconds":3600)"),
       R"("2026-01-05T11:00:00+00:00")"},
      {"budget ends exactly at close: close convention gives the close",
       with_cal(c, R"("op":"add","start":"2026-01-05T16:00:00Z","seconds":3600)"),
       R"("2026-01-05T17:00:00+00:00")"},
      {"budget ends exactly at close: open convention gives the next opening",
       with_cal(c, R"("op":"add","start":"2026-01-05T16:00:00Z","seconds":3600,"options":{"at_close":"open"})"),
       R"("2026-01-06T09:00:00+00:00")"},
      {"start before opening", with_cal(c, R"("op":"add","start":"2026-01-05T07:00:00Z","seconds":60)"),
       R"("2026-01-05T09:01:00+00:00")"},
      {"add 0 is next_open", with_cal(c, R"("op":"add","start":"2026-01-03T12:00:00Z","seconds":0)"),
       R"("2026-01-05T09:00:00+00:00")"},
      {"across a weekend", with_cal(c, R"("op":"add","start":"2026-01-09T16:00:00Z","seconds":7200)"),
       R"("2026-01-12T10:00:00+00:00")"},
      {"negative add, close convention lands on the opening",
       with_cal(c, R"("op":"add","start":"2026-01-06T10:00:00Z","seconds":-3600)"),
       R"("2026-01-06T09:00:00+00:00")"},
      {"negative add, open convention goes to the previous close",
       with_cal(c, R"("op":"add","start":"2026-01-06T10:00:00Z","seconds":-3600,"options":{"at_close":"open"})"),
       R"("2026-01-05T17:00:00+00:00")"},
      {"between a week", with_cal(c, R"("op":"between","start":"2026-01-05T00:00:00Z","end":"2026-01-12T00:00:00Z")"),
       "144000"},
      {"between reversed is negative",
       with_cal(c, R"("op":"between","start":"2026-01-12T00:00:00Z","end":"2026-01-05T00:00:00Z")"),
       "-144000"},
      {"next_close inside", with_cal(c, R"("op":"next_close","at":"2026-01-05T10:00:00Z")"),
       R"("2026-01-05T17:00:00+00:00")"},
      {"next_close outside", with_cal(c, R"("op":"next_close","at":"2026-01-05T18:00:00Z")"),
       R"("2026-01-06T17:00:00+00:00")"},
      {"prev_close at a close is itself", with_cal(c, R"("op":"prev_close","at":"2026-01-05T17:00:00Z")"),
       R"("2026-01-05T17:00:00+00:00")"},
      {"prev_close on a Sunday", with_cal(c, R"("op":"prev_close","at":"2026-01-11T12:00:00Z")"),
       R"("2026-01-09T17:00:00+00:00")"},
      {"next_open while working is itself", with_cal(c, R"("op":"next_open","at":"2026-01-05T12:34:56Z")"),
       R"("2026-01-05T12:34:56+00:00")"},
  });
}

TEST_CASE("overnight shifts, 24:00 and holidays", "[calendar]") {
  const std::string night =
      R"({"week": {"fri": [["22:00","06:00"]], "sat": [["00:00","24:00"]]}, "holidays": ["2026-01-10"]})";
  run_rows({
      {"the design page example: Friday's only shift is 22:00-06:00",
       with_cal(R"({"timezone":"Europe/Berlin","week":{"fri":[["22:00","06:00"]]}})",
                R"("op":"add","start":"2026-03-27T16:00:00+01:00","seconds":14400)"),
       R"("2026-03-28T02:00:00+01:00")"},
      {"an overnight shift runs into a holiday: the holiday closes only its own day's hours",
       with_cal(night, R"("op":"between","start":"2026-01-09T00:00:00Z","end":"2026-01-11T00:00:00Z")"),
       "28800"},
      {"an overnight shift runs on into its next day's holiday, which closes that day's own hours",
       with_cal(night, R"("op":"add","start":"2026-01-09T23:00:00Z","seconds":25200)"),
       R"("2026-01-10T06:00:00+00:00")"},
      {"past the holiday the budget goes on in the next Friday's shift",
       with_cal(night, R"("op":"add","start":"2026-01-09T23:00:00Z","seconds":28800)"),
       R"("2026-01-16T23:00:00+00:00")"},
      {"24:00 close", with_cal(R"({"week":{"mon":[["20:00","24:00"]]}})",
                                R"("op":"next_close","at":"2026-01-05T21:00:00Z")"),
       R"("2026-01-06T00:00:00+00:00")"},
  });
}

TEST_CASE("holiday rules", "[calendar][holidays]") {
  const std::string us =
      R"({"week":{"mon":[["09:00","17:00"]]},"holidays":[{"date":"--01-01","observed":true},
          {"month":1,"weekday":"mon","nth":3},{"month":5,"weekday":"mon","nth":-1},
          {"date":"--07-04","observed":true},{"month":11,"weekday":"thu","nth":4},
          {"date":"--12-25","observed":true}]})";
  run_rows({
      {"US federal holidays 2021: 2022-01-01 is a Saturday, so 2021-12-31 is observed",
       with_cal(us, R"("op":"holidays","year":2021)"),
       R"(["2021-01-01","2021-01-18","2021-05-31","2021-07-04","2021-07-05","2021-11-25","2021-12-24","2021-12-25","2021-12-31"])"},
      {"Easter-relative: Good Friday, Easter Monday 2026",
       with_cal(R"({"week":{"mon":[["09:00","17:00"]]},"holidays":[{"easter":-2},{"easter":1},{"easter":0}]})",
                R"("op":"holidays","year":2026)"),
       R"(["2026-04-03","2026-04-05","2026-04-06"])"},
      {"a fifth Monday that a month lacks is no holiday",
       with_cal(R"({"week":{"mon":[["09:00","17:00"]]},"holidays":[{"month":2,"weekday":"mon","nth":5}]})",
                R"("op":"holidays","year":2026)"),
       "[]"},
      {"Feb 29 only in leap years",
       with_cal(R"({"week":{"mon":[["09:00","17:00"]]},"holidays":["--02-29"]})", R"("op":"holidays","year":2028)"),
       R"(["2028-02-29"])"},
      {"overrides beat holidays and the week",
       with_cal(R"({"week":{"mon":[["09:00","17:00"]]},"holidays":["2026-01-05"],"overrides":{"2026-01-05":[["10:00","11:00"]],"2026-01-12":[]}})",
                R"("op":"between","start":"2026-01-05T00:00:00Z","end":"2026-01-20T00:00:00Z")"),
       "32400"},
  });
}

TEST_CASE("holiday ranges", "[calendar][holidays]") {
  const std::string office_with_golden_week =
      R"({"week":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],
          "thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]},
          "holidays":[{"from":"2026-10-01","to":"2026-10-07","name":"National Day"},
                      {"from":"2026-12-28","to":"2027-01-03"}],
          "overrides":{"2026-10-10":[["09:00","17:00"]]}})";
  const auto with_range = [](const std::string& range) {
    return R"({"week":{"mon":[["09:00","17:00"]]},"holidays":["--12-25",)" + range + "]}";
  };
  run_rows({
      {"every date of a range is a holiday, both ends included",
       with_cal(office_with_golden_week, R"("op":"holidays","year":2026)"),
       R"(["2026-10-01","2026-10-02","2026-10-03","2026-10-04","2026-10-05","2026-10-06","2026-10-07",
           "2026-12-28","2026-12-29","2026-12-30","2026-12-31"])"},
      {"a range across the year end lists its dates of each year in that year",
       with_cal(office_with_golden_week, R"("op":"holidays","year":2027)"),
       R"(["2027-01-01","2027-01-02","2027-01-03"])"},
      {"Wednesday 30 September + 1 working day skips the week-long holiday",
       with_cal(office_with_golden_week, R"("op":"add_working_days","start":"2026-09-30T10:00:00Z","days":1)"),
       R"("2026-10-08T10:00:00+00:00")"},
      {"a make-up working day (an override) on the Saturday after the range",
       with_cal(office_with_golden_week, R"("op":"add_working_days","start":"2026-10-09T10:00:00Z","days":1)"),
       R"("2026-10-10T10:00:00+00:00")"},
      {"backward across the range", with_cal(office_with_golden_week,
                                               R"("op":"add_working_days","start":"2026-10-08T10:00:00Z","days":-1)"),
       R"("2026-09-30T10:00:00+00:00")"},
      {"no working time inside the range",
       with_cal(office_with_golden_week, R"("op":"between","start":"2026-09-28T00:00:00Z","end":"2026-10-12T00:00:00Z")"),
       "172800"},  // 28-30 September, 8 and 9 October, the make-up Saturday 10th: 6 days of 8 h
      {"a one-day range", with_cal(with_range(R"({"from":"2026-07-06","to":"2026-07-06"})"), R"("op":"holidays","year":2026)"),
       R"(["2026-07-06","2026-12-25"])"},
      {"a range of 366 days is the longest",
       with_cal(with_range(R"({"from":"2028-01-01","to":"2028-12-31"})"), R"("op":"next_open","at":"2027-12-31T18:00:00Z")"),
       R"("2029-01-01T09:00:00+00:00")"},
      {"to before from", with_cal(with_range(R"({"from":"2026-10-07","to":"2026-10-01"})"), R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[1].to: '2026-10-01' is before from '2026-10-07'"},
      {"a range longer than a year (the wrong year typed)",
       with_cal(with_range(R"({"from":"2026-10-01","to":"2027-10-07"})"), R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[1].to: 2026-10-01..2027-10-07 spans 372 days; a holiday range spans at most 366"},
      {"an end that is no date", with_cal(with_range(R"({"from":"2026-02-30","to":"2026-03-02"})"), R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[1].from: invalid date '2026-02-30' (no such day)"},
      {"a yearly end is not a date", with_cal(with_range(R"({"from":"--10-01","to":"--10-07"})"), R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[1].from: invalid date '--10-01' (expected YYYY-MM-DD)"},
      {"an end that is no string", with_cal(with_range(R"({"from":"2026-10-01","to":20261007})"), R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[1].to: expected a string"},
      {"a missing end", with_cal(with_range(R"({"from":"2026-10-01","name":"National Day"})"), R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[1]: missing key 'to' (a holiday range needs from and to, both dates)"},
      {"observed does not apply to a range",
       with_cal(with_range(R"({"from":"2026-10-01","to":"2026-10-07","observed":true})"), R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[1]: unknown key 'observed' (allowed: from, to, name)"},
      {"an end outside the supported years",
       with_cal(with_range(R"({"from":"2399-12-30","to":"2400-01-02"})"), R"("op":"holidays","year":2399)"),
       "error:calendar.holidays[1].to: date '2400-01-02' is outside the supported years 1900..2399"},
  });
}

// The State Council's schedule for 2025 (国务院办公厅关于2025年部分节假日安排的通知, published
// 12 November 2024): New Year's Day 1 January; Spring Festival 28 January to 4 February, with
// Sunday 26 January and Saturday 8 February worked; Qingming 4 to 6 April; Labour Day 1 to 5 May,
// Sunday 27 April worked; Dragon Boat 31 May to 2 June; National Day and Mid-Autumn 1 to 8 October,
// Sunday 28 September and Saturday 11 October worked. examples/calendars/cn-mainland-2025.json
// holds it as the manual shows it.
TEST_CASE("the Chinese Mainland calendar of 2025", "[calendar][holidays]") {
  std::ifstream in(std::string(ITSM_EXAMPLES_DIR) + "/calendars/cn-mainland-2025.json");
  REQUIRE(in);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto cal = itsm::calendar::from_json(json);
  REQUIRE(cal);
  const auto at = [&](const char* wall) { return *cal->parse_time(wall); };
  const auto text = [&](const itsm::result<itsm::sys_seconds>& r) { return r ? cal->format(*r) : r.error_value().message; };

  const auto holidays_2025 = cal->holidays(2025);
  REQUIRE(holidays_2025);
  std::vector<std::string> listed;
  for (const auto& d : *holidays_2025) listed.push_back(d.to_string());
  CHECK(listed == std::vector<std::string>{
                      "2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01",
                      "2025-02-02", "2025-02-03", "2025-02-04", "2025-04-04", "2025-04-05", "2025-04-06",
                      "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05", "2025-05-31",
                      "2025-06-01", "2025-06-02", "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
                      "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08"});

  struct day_row {
    const char* why;
    const char* start;  // wall time in Asia/Shanghai
    int days;
    const char* expected;
  };
  const day_row rows[] = {
      {"Friday + 1 is the make-up Sunday before the Spring Festival", "2025-01-24T10:00:00", 1, "2025-01-26T10:00:00+08:00"},
      {"the day before the Spring Festival + 1 skips its eight days", "2025-01-27T10:00:00", 1, "2025-02-05T10:00:00+08:00"},
      {"a day of the festival counts as the next working day", "2025-02-01T10:00:00", 0, "2025-02-05T10:00:00+08:00"},
      {"Friday + 1 is the make-up Saturday after it", "2025-02-07T10:00:00", 1, "2025-02-08T10:00:00+08:00"},
      {"Qingming: Thursday + 1 is Monday", "2025-04-03T10:00:00", 1, "2025-04-07T10:00:00+08:00"},
      {"Labour Day: Friday + 1 is the make-up Sunday", "2025-04-25T10:00:00", 1, "2025-04-27T10:00:00+08:00"},
      {"Labour Day: 30 April + 1 is 6 May", "2025-04-30T10:00:00", 1, "2025-05-06T10:00:00+08:00"},
      {"Dragon Boat: Friday + 1 is Tuesday", "2025-05-30T10:00:00", 1, "2025-06-03T10:00:00+08:00"},
      {"Golden Week: Friday + 1 is the make-up Sunday", "2025-09-26T10:00:00", 1, "2025-09-28T10:00:00+08:00"},
      {"Golden Week: 30 September + 1 is 9 October", "2025-09-30T10:00:00", 1, "2025-10-09T10:00:00+08:00"},
      {"Golden Week: Friday 10 October + 1 is the make-up Saturday", "2025-10-10T10:00:00", 1, "2025-10-11T10:00:00+08:00"},
      {"Golden Week backward: 9 October - 1 is 30 September", "2025-10-09T10:00:00", -1, "2025-09-30T10:00:00+08:00"},
      {"2025 has 248 working days: the last day of 2024 + 248 is the last of 2025", "2024-12-31T10:00:00", 248,
       "2025-12-31T10:00:00+08:00"},
  };
  for (const auto& r : rows) {
    INFO(r.why);
    CHECK(text(cal->add_working_days(at(r.start), r.days)) == r.expected);
  }
  // 248 working days of 8 h; nothing is open during the Golden Week.
  CHECK(cal->between(at("2025-01-01T00:00:00"), at("2026-01-01T00:00:00"))->count() == 248 * 8 * 3600);
  CHECK(text(cal->next_open(at("2025-10-01T09:00:00"))) == "2025-10-09T09:00:00+08:00");
  // It round-trips through its canonical form, ranges and names included.
  const auto again = itsm::calendar::from_json(cal->to_json());
  REQUIRE(again);
  CHECK(again->to_json() == cal->to_json());
  CHECK(cal->to_json()["holidays"][1] ==
        nlohmann::json::parse(R"({"from":"2025-01-28","to":"2025-02-04","name":"Spring Festival 春节"})"));
}

TEST_CASE("daylight saving: elapsed and wall conventions", "[calendar][dst]") {
  const std::string berlin_24x7 =
      R"({"timezone":"Europe/Berlin","week":{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}})";
  run_rows({
      {"24x7 across the fall-back night: the day has 25 h",
       with_cal(berlin_24x7, R"("op":"between","start":"2026-10-25T00:00:00","end":"2026-10-26T00:00:00")"),
       "90000"},
      {"same, on the wall clock: 24 h",
       with_cal(berlin_24x7, R"("op":"between","start":"2026-10-25T00:00:00","end":"2026-10-26T00:00:00","options":{"dst":"wall"})"),
       "86400"},
      {"spring forward: the day has 23 h",
       with_cal(berlin_24x7, R"("op":"between","start":"2026-03-29T00:00:00","end":"2026-03-30T00:00:00")"),
       "82800"},
      {"a window partly inside the gap starts at the gap's end",
       with_cal(R"({"timezone":"Europe/Berlin","week":{"sun":[["02:30","03:15"]]}})",
                R"("op":"between","start":"2026-03-29T00:00:00","end":"2026-03-30T00:00:00")"),
       "900"},
      {"a window wholly inside the gap is empty",
       with_cal(R"({"timezone":"Europe/Berlin","week":{"sun":[["02:10","02:50"]],"mon":[["09:00","10:00"]]}})",
                R"("op":"next_open","at":"2026-03-29T00:00:00")"),
       R"("2026-03-30T09:00:00+02:00")"},
      {"a naive wall time inside the gap is an error naming it",
       with_cal(berlin_24x7, R"("op":"add","start":"2026-03-29T02:30:00","seconds":60)"),
       "error:does not exist in Europe/Berlin"},
      {"a naive wall time in the overlap means the earlier instant",
       with_cal(berlin_24x7, R"("op":"add","start":"2026-10-25T02:30:00","seconds":0)"),
       R"("2026-10-25T02:30:00+02:00")"},
      {"Sao Paulo's old midnight transitions (2018-11-04 began at 01:00)",
       with_cal(R"({"timezone":"America/Sao_Paulo","week":{"sun":[["00:00","24:00"]]}})",
                R"("op":"between","start":"2018-11-04T00:00:00-03:00","end":"2018-11-05T00:00:00-02:00")"),
       "82800"},
      {"Sydney: first Sunday of April 2026 falls back at 03:00",
       with_cal(R"({"timezone":"Australia/Sydney","week":{"sun":[["00:00","24:00"]]}})",
                R"("op":"between","start":"2026-04-05T00:00:00","end":"2026-04-06T00:00:00")"),
       "90000"},
      {"Tehran has had no DST since 2022: a 24 h day",
       with_cal(R"({"timezone":"Asia/Tehran","week":{"sat":[["00:00","24:00"]]}})",
                R"("op":"between","start":"2026-03-21T00:00:00","end":"2026-03-22T00:00:00")"),
       "86400"},
      {"Tehran sprang forward at midnight on 2021-03-22: a 23 h day, and 00:30 never existed",
       with_cal(R"({"timezone":"Asia/Tehran","week":{"sun":[["00:00","24:00"]],"mon":[["00:00","24:00"]]}})",
                R"("op":"between","start":"2021-03-21T12:00:00","end":"2021-03-22T12:00:00")"),
       "82800"},
      {"the Tehran midnight gap: a wall time in it is an error",
       with_cal(R"({"timezone":"Asia/Tehran","week":{"mon":[["00:00","24:00"]]}})",
                R"("op":"next_open","at":"2021-03-22T00:30:00")"),
       "error:at: wall time '2021-03-22T00:30:00' does not exist in Asia/Tehran"},
      {"wall convention: an add across the fall-back night counts wall hours",
       with_cal(berlin_24x7, R"("op":"add","start":"2026-10-25T00:00:00","seconds":10800,"options":{"dst":"wall"})"),
       R"("2026-10-25T03:00:00+01:00")"},
      {"elapsed convention: the same add ends an hour earlier on the wall clock",
       with_cal(berlin_24x7, R"("op":"add","start":"2026-10-25T00:00:00","seconds":10800)"),
       R"("2026-10-25T02:00:00+01:00")"},
      {"wall convention: a result inside the spring gap is the end of the gap",
       with_cal(berlin_24x7, R"("op":"add","start":"2026-03-29T01:00:00","seconds":5400,"options":{"dst":"wall"})"),
       R"("2026-03-29T03:00:00+02:00")"},
      {"wall convention: a forward add landing in the overlap after its start takes the later instant",
       with_cal(berlin_24x7, R"("op":"add","start":"2026-10-25T02:10:00+01:00","seconds":600,"options":{"dst":"wall"})"),
       R"("2026-10-25T02:20:00+01:00")"},
      {"add_working_days keeps the wall time across a DST change",
       with_cal(R"({"timezone":"Europe/Berlin","week":{"fri":[["08:00","18:00"]],"mon":[["08:00","18:00"]]}})",
                R"("op":"add_working_days","start":"2026-03-27T10:00:00","days":1)"),
       R"("2026-03-30T10:00:00+02:00")"},
      {"fixed offset zone formats with its offset",
       with_cal(R"({"timezone":"+05:30","week":{"mon":[["09:00","17:00"]]}})",
                R"("op":"add","start":"2026-01-05T09:00:00","seconds":3600)"),
       R"("2026-01-05T10:00:00+05:30")"},
  });
}

TEST_CASE("pauses", "[calendar][pauses]") {
  const auto& c = mon_fri_9_17;
  run_rows({
      {"a pause spanning closed time only removes working time",
       with_cal(c, R"("op":"between","start":"2026-01-09T09:00:00Z","end":"2026-01-13T09:00:00Z","pauses":[["2026-01-09T16:00:00Z","2026-01-12T10:00:00Z"]])"),
       "50400"},
      {"add jumps over a pause",
       with_cal(c, R"("op":"add","start":"2026-01-05T09:00:00Z","seconds":7200,"pauses":[["2026-01-05T10:00:00Z","2026-01-05T12:00:00Z"]])"),
       R"("2026-01-05T13:00:00+00:00")"},
      {"a pause start is a closing (close convention)",
       with_cal(c, R"("op":"add","start":"2026-01-05T09:00:00Z","seconds":3600,"pauses":[["2026-01-05T10:00:00Z","2026-01-05T12:00:00Z"]])"),
       R"("2026-01-05T10:00:00+00:00")"},
      {"a pause start is a closing (open convention moves past the pause)",
       with_cal(c, R"("op":"add","start":"2026-01-05T09:00:00Z","seconds":3600,"options":{"at_close":"open"},"pauses":[["2026-01-05T10:00:00Z","2026-01-05T12:00:00Z"]])"),
       R"("2026-01-05T12:00:00+00:00")"},
      {"negative add over a pause",
       with_cal(c, R"("op":"add","start":"2026-01-05T13:00:00Z","seconds":-7200,"pauses":[["2026-01-05T10:00:00Z","2026-01-05T12:00:00Z"]])"),
       R"("2026-01-05T09:00:00+00:00")"},
      {"next_close stops at a pause", with_cal(c, R"("op":"next_close","at":"2026-01-05T09:30:00Z","pauses":[["2026-01-05T10:00:00Z","2026-01-05T12:00:00Z"]])"),
       R"("2026-01-05T10:00:00+00:00")"},
      {"prev_close inside a pause is the pause start",
       with_cal(c, R"("op":"prev_close","at":"2026-01-05T11:00:00Z","pauses":[["2026-01-05T10:00:00Z","2026-01-05T12:00:00Z"]])"),
       R"("2026-01-05T10:00:00+00:00")"},
      {"a pause that ends before it starts is an error",
       with_cal(c, R"("op":"add","start":"2026-01-05T09:00:00Z","seconds":60,"pauses":[["2026-01-05T12:00:00Z","2026-01-05T10:00:00Z"]])"),
       "error:pauses[0]: the pause ends before it starts"},
  });
}

TEST_CASE("add_working_days", "[calendar][days]") {
  const auto& c = mon_fri_9_17;
  run_rows({
      {"Saturday + 1 is Tuesday", with_cal(c, R"("op":"add_working_days","start":"2026-01-10T10:00:00Z","days":1)"),
       R"("2026-01-13T10:00:00+00:00")"},
      {"Friday + 1 is Monday", with_cal(c, R"("op":"add_working_days","start":"2026-01-09T10:00:00Z","days":1)"),
       R"("2026-01-12T10:00:00+00:00")"},
      {"a non-working wall time moves to next_open", with_cal(c, R"("op":"add_working_days","start":"2026-01-05T18:00:00Z","days":1)"),
       R"("2026-01-07T09:00:00+00:00")"},
      {"negative: prev_close", with_cal(c, R"("op":"add_working_days","start":"2026-01-07T08:00:00Z","days":-1)"),
       R"("2026-01-05T17:00:00+00:00")"},
  });
}

TEST_CASE("bad input names the field and the value", "[calendar][errors]") {
  run_rows({
      {"25:00", with_cal(R"({"week":{"mon":[["09:00","25:00"]]}})", R"("op":"next_open","at":"2026-01-05T09:00:00Z")"),
       "error:calendar.week.mon[0][1]: invalid time '25:00'"},
      {"overlap", with_cal(R"({"week":{"mon":[["09:00","12:00"],["11:00","13:00"]]}})", R"("op":"next_open","at":"2026-01-05T09:00:00Z")"),
       "error:calendar.week.mon: intervals overlap: 09:00-12:00 and 11:00-13:00"},
      {"open == close", with_cal(R"({"week":{"mon":[["09:00","09:00"]]}})", R"("op":"next_open","at":"2026-01-05T09:00:00Z")"),
       "error:calendar.week.mon[0]: empty interval"},
      {"unknown zone", with_cal(R"({"timezone":"Mars/Olympus","week":{"mon":[["09:00","12:00"]]}})", R"("op":"next_open","at":"2026-01-05T09:00:00Z")"),
       "error:calendar.timezone: unknown time zone 'Mars/Olympus'"},
      {"unknown calendar key", with_cal(R"({"weeks":{}})", R"("op":"next_open","at":"2026-01-05T09:00:00Z")"),
       "error:calendar: unknown key 'weeks'"},
      {"unknown query key", with_cal(mon_fri_9_17, R"("op":"next_open","at":"2026-01-05T09:00:00Z","bogus":1)"),
       "error:query: unknown key 'bogus'"},
      {"seconds must be an integer", with_cal(mon_fri_9_17, R"("op":"add","start":"2026-01-05T09:00:00Z","seconds":1.5)"),
       "error:seconds: expected an integer"},
      {"fractional seconds", with_cal(mon_fri_9_17, R"("op":"add","start":"2026-01-05T09:00:00.5Z","seconds":1)"),
       "error:start: invalid time '2026-01-05T09:00:00.5Z' (fractional seconds"},
      {"no working time at all", with_cal(R"({"week":{}})", R"("op":"add","start":"2026-01-05T09:00:00Z","seconds":1)"),
       "error:no working time at all"},
      {"only a past override: no endless search",
       with_cal(R"({"overrides":{"2020-01-01":[["09:00","10:00"]]}})", R"("op":"next_open","at":"2026-01-05T09:00:00Z")"),
       "error:no working time after"},
      {"unknown op", with_cal(mon_fri_9_17, R"("op":"subtract","start":"2026-01-05T09:00:00Z")"),
       "error:op: unknown operation 'subtract'"},
      {"not JSON", "{\"op\": ", "error:query: not valid JSON"},
      {"bad holiday nth", with_cal(R"({"holidays":[{"month":1,"weekday":"mon","nth":6}]})", R"("op":"holidays","year":2026)"),
       "error:calendar.holidays[0].nth: 6 is out of range -1..5"},
      {"year out of range", with_cal(mon_fri_9_17, R"("op":"holidays","year":1066)"),
       "error:year: 1066 is out of range"},
  });
}

TEST_CASE("a calendar round-trips through its canonical JSON", "[calendar]") {
  const auto cal = itsm::calendar::from_json(
      R"({"timezone":"Europe/Berlin","week":{"mon":[["08:00","13:00"],["14:00","18:00"]],"fri":[["22:00","06:00"]]},
          "holidays":["2026-12-31","--12-25",{"date":"--07-04","observed":true},{"month":11,"weekday":"thu","nth":4},{"easter":1,"name":"Easter Monday"},
                      {"from":"2026-10-01","to":"2026-10-07","name":"National Day"}],
          "overrides":{"2026-12-24":[["08:00","12:00"]]}})");
  REQUIRE(cal);
  const auto again = itsm::calendar::from_json(cal->to_json());
  REQUIRE(again);
  CHECK(again->to_json() == cal->to_json());
  CHECK(cal->to_json()["week"]["fri"] == nlohmann::json::parse(R"([["22:00","06:00"]])"));
}

TEST_CASE("finer time points are truncated toward the past to whole seconds") {
  auto cal = itsm::calendar::from_json(std::string(R"({"week": {"mon": [["09:00", "17:00"]]}})"));
  REQUIRE(cal);
  using namespace std::chrono;
  const itsm::sys_seconds mon_10{seconds{1767607200}};  // 2026-01-05T10:00:00Z, a Monday
  const time_point<system_clock, milliseconds> fine = mon_10 + milliseconds(999);
  CHECK(*cal->add(fine, hours(1)) == mon_10 + hours(1));
  CHECK(*cal->between(fine, fine + hours(2)) == hours(2));
  CHECK(*cal->next_open(fine) == mon_10);
  CHECK(*cal->next_close(fine) == mon_10 + hours(7));
  CHECK(*cal->prev_close(fine) == mon_10);
  CHECK(*cal->add_working_days(fine, 1) == mon_10 + hours(24 * 7));
  // Before 1970 "toward the past" is floor, not truncation toward zero.
  const time_point<system_clock, milliseconds> before_epoch{milliseconds(-1500)};
  CHECK(*cal->next_close(before_epoch) == *cal->next_close(itsm::sys_seconds{seconds(-2)}));
  // system_clock::now() is accepted as it is.
  CHECK(cal->next_open(system_clock::now()).has_value());
}

TEST_CASE("result: value() throws on an error, if_value() never does") {
  const auto good = itsm::calendar::from_json(R"({"week": {"mon": [["08:00", "17:00"]]}})");
  REQUIRE(good.if_value() != nullptr);
  CHECK(good.if_value() == &good.value());
  const auto bad = itsm::calendar::from_json("{");
  CHECK(bad.if_value() == nullptr);
  CHECK_THROWS_AS(bad.value(), itsm::bad_result_access);
  CHECK(bad.error_value().code == itsm::errc::parse_error);
}

}  // namespace calendar_test
