// Table-driven tests of the calendar rules of the design page (docs: README "Business time").
// Each row: a calendar, a query, the expected answer, and why.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/query.hpp"

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
          "holidays":["2026-12-31","--12-25",{"date":"--07-04","observed":true},{"month":11,"weekday":"thu","nth":4},{"easter":1,"name":"Easter Monday"}],
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
