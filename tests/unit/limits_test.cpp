// Limits: every limit refuses input beyond it with limit_exceeded, names itself, changes
// nothing, and can be raised; the depth scan is not fooled by brackets inside strings.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "itsm/itsm.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace limits_test {

namespace {

using itsm::errc;
using nlohmann::json;

/// Sets limits for one test and puts the defaults back, whatever happens.
struct scoped_limits {
  explicit scoped_limits(const itsm::limits& l) { itsm::set_limits(l); }
  ~scoped_limits() { itsm::set_limits(itsm::limits{}); }
};

itsm::sys_seconds at(std::int64_t minutes) {
  return itsm::sys_seconds{std::chrono::seconds{1772445600 + minutes * 60}};
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

itsm::ticket incident() {
  auto t = itsm::ticket::create(*itsm::builtin_workflow("incident"), "INC1", itsm::actor{"ann", {}}, at(0),
                                json{{"short_description", "x"}});
  REQUIRE(t);
  return std::move(*t);
}

const itsm::actor desk{"sam", {"service_desk"}};

}  // namespace

TEST_CASE("the depth scan skips strings and escapes") {
  using itsm::detail::json_text_depth;
  CHECK(json_text_depth("1") == 0);
  CHECK(json_text_depth("{\"a\": [1, {\"b\": []}]}") == 4);
  CHECK(json_text_depth("[\"[[[[\", \"\\\"[[[\"]") == 1);
  CHECK(json_text_depth("\"\\\\\" [[]]") == 2);  // an escaped backslash ends before the quote
  CHECK(json_text_depth(nested(5000)) == 5000);
}

TEST_CASE("defaults, set_limits and zero meaning the default") {
  const itsm::limits d;
  CHECK(itsm::get_limits().json_depth == d.json_depth);
  {
    itsm::limits l;
    l.json_depth = 5000;
    l.history = 0;
    scoped_limits scope(l);
    CHECK(itsm::get_limits().json_depth == 1000);  // capped
    CHECK(itsm::get_limits().history == d.history);
  }
  CHECK(itsm::get_limits().json_depth == d.json_depth);
}

TEST_CASE("the limits by name: every member of limits once, in order, spelled as messages spell it") {
  std::vector<std::string> names;
  for (const auto& e : itsm::limit_entries) names.emplace_back(e.name);
  CHECK(names == std::vector<std::string>{"json_bytes", "json_depth", "field_bytes", "fields", "history",
                                          "intervals_per_day", "holidays", "overrides"});
  // Each entry reaches its own member: setting one by name changes that one alone.
  for (const auto& e : itsm::limit_entries) {
    CAPTURE(e.name);
    itsm::limits l;
    const itsm::limits d;
    l.*e.value = 7;
    CHECK((l.json_bytes == 7) == (std::string(e.name) == "json_bytes"));
    CHECK((l.json_depth == 7) == (std::string(e.name) == "json_depth"));
    CHECK((l.overrides == 7) == (std::string(e.name) == "overrides"));
    std::size_t changed = 0;
    for (const auto& other : itsm::limit_entries) changed += l.*other.value != d.*other.value;
    CHECK(changed == 1);
  }
  {
    itsm::limits l;
    l.json_depth = 3;
    scoped_limits scope(l);
    const auto r = itsm::calendar::from_json(R"({"week": {"mon": [["09:00", "17:00"]]}, "holidays": [[[]]]})");
    REQUIRE(!r);
    CHECK(r.error_value().message.find(std::string("limits.") + itsm::limit_entries[1].name + " = 3") !=
          std::string::npos);
  }
}

TEST_CASE("JSON depth and size: every document kind refuses, naming the limit") {
  const std::string deep = "{\"a\": " + nested(100) + "}";
  auto cal = itsm::calendar::from_json(deep);
  REQUIRE(!cal);
  CHECK(cal.error_value().code == errc::limit_exceeded);
  CHECK_THAT(cal.error_value().message, Catch::Contains("calendar: JSON nested 101 deep") &&
                                            Catch::Contains("limits.json_depth = 64"));
  CHECK(itsm::workflow::from_json(deep).error_value().code == errc::limit_exceeded);
  CHECK(itsm::sla_definition::from_json(deep).error_value().code == errc::limit_exceeded);
  CHECK(itsm::ticket::restore(*itsm::builtin_workflow("incident"), std::string_view(deep)).error_value().code ==
        errc::limit_exceeded);
  CHECK(itsm::change_schedule::parse(deep).error_value().code == errc::limit_exceeded);
  CHECK(itsm::verify_history(deep + "\n").error_value().code == errc::limit_exceeded);
  itsm::query_evaluator queries;
  CHECK_THAT(queries.evaluate_line(deep), Catch::Contains("limit_exceeded"));

  itsm::limits l;
  l.json_depth = 200;
  l.json_bytes = 64;
  scoped_limits scope(l);
  const auto big = itsm::calendar::from_json(deep);  // deep enough now, but longer than 64 bytes
  REQUIRE(!big);
  CHECK_THAT(big.error_value().message, Catch::Contains("limits.json_bytes = 64"));
  CHECK(itsm::calendar::from_json(R"({"week": {"mon": [["09:00", "17:00"]]}})"));
}

TEST_CASE("calendar lists: intervals per day, holidays, overrides") {
  itsm::limits l;
  l.intervals_per_day = 2;
  l.holidays = 1;
  l.overrides = 1;
  scoped_limits scope(l);
  auto three = itsm::calendar::from_json(R"({"week": {"mon": [["08:00", "09:00"], ["10:00", "11:00"], ["12:00", "13:00"]]}})");
  REQUIRE(!three);
  CHECK(three.error_value().code == errc::limit_exceeded);
  CHECK_THAT(three.error_value().message, Catch::Contains("calendar.week.mon: 3 intervals") &&
                                              Catch::Contains("limits.intervals_per_day = 2"));
  CHECK(itsm::calendar::from_json(R"({"week": {"mon": [["08:00", "09:00"], ["10:00", "11:00"]]}})"));
  auto hols = itsm::calendar::from_json(R"({"week": {"mon": [["08:00", "09:00"]]}, "holidays": ["--12-25", "--12-26"]})");
  REQUIRE(!hols);
  CHECK_THAT(hols.error_value().message, Catch::Contains("limits.holidays = 1"));
  auto over = itsm::calendar::from_json(
      R"({"week": {"mon": [["08:00", "09:00"]]}, "overrides": {"2026-01-03": [], "2026-01-04": []}})");
  REQUIRE(!over);
  CHECK_THAT(over.error_value().message, Catch::Contains("limits.overrides = 1"));
}

TEST_CASE("ticket limits: field size and depth, number of fields, comment, history, and nothing changes") {
  itsm::ticket t = incident();
  REQUIRE(t.fire("start", desk, at(1)).ok());
  const std::string before = t.snapshot().dump();
  itsm::limits l;
  l.field_bytes = 100;
  l.fields = 5;
  l.json_depth = 8;
  l.history = 4;
  scoped_limits scope(l);

  auto out = t.update(desk, at(2), json{{"resolution_notes", std::string(101, 'x')}});
  CHECK(out.code == errc::limit_exceeded);
  CHECK_THAT(out.message, Catch::Contains("fields.resolution_notes") && Catch::Contains("limits.field_bytes = 100"));
  json deep = json::array();
  for (int i = 0; i < 10; ++i) deep = json::array({deep});
  out = t.update(desk, at(2), json{{"resolution_notes", deep}});
  CHECK(out.code == errc::limit_exceeded);
  CHECK_THAT(out.message, Catch::Contains("nested 11 deep") && Catch::Contains("limits.json_depth = 8"));
  out = t.update(desk, at(2),  // five new ones on top of the one there
                 json{{"category", "a"}, {"assigned_to", "b"}, {"assignment_group", "c"}, {"caller", "d"}, {"impact", 2}});
  CHECK(out.code == errc::limit_exceeded);
  CHECK_THAT(out.message, Catch::Contains("leaves 6 fields") && Catch::Contains("limits.fields = 5"));
  out = t.fire("hold", desk, at(2), json{{"hold_reason", "awaiting_caller"}}, std::string(101, 'c'));
  CHECK(out.code == errc::limit_exceeded);
  CHECK_THAT(out.message, Catch::Contains("comment: 101 bytes"));
  CHECK(t.snapshot().dump() == before);

  REQUIRE(t.fire("hold", desk, at(3), json{{"hold_reason", "awaiting_caller"}}).ok());
  REQUIRE(t.fire("start", desk, at(4)).ok());  // the fourth record
  out = t.fire("hold", desk, at(5), json{{"hold_reason", "awaiting_vendor"}});
  CHECK(out.code == errc::limit_exceeded);
  CHECK_THAT(out.message, Catch::Contains("history holds 4 records") && Catch::Contains("limits.history = 4"));
  CHECK(t.update(desk, at(5), json{{"category", "network"}}).code == errc::limit_exceeded);
  const auto snap = t.snapshot();
  {
    itsm::limits tighter = l;
    tighter.history = 3;
    itsm::set_limits(tighter);
    auto restored = itsm::ticket::restore(*itsm::builtin_workflow("incident"), snap);
    REQUIRE(!restored);
    CHECK_THAT(restored.error_value().message, Catch::Contains("snapshot.history: 4 records"));
  }
  itsm::set_limits(itsm::limits{});
  CHECK(t.fire("start", desk, at(5)).code == errc::not_allowed_from_state);  // limits back: plain checks again
  CHECK(t.fire("resolve", desk, at(5), json{{"resolution_code", "solved_remotely"}, {"resolution_notes", "ok"}}).ok());
}

TEST_CASE("creating a ticket: id, comment and fields within the limits") {
  itsm::limits l;
  l.field_bytes = 10;
  scoped_limits scope(l);
  auto wf = *itsm::builtin_workflow("incident");
  auto long_id = itsm::ticket::create(wf, std::string(11, 'I'), itsm::actor{"a", {}}, at(0), json{{"short_description", "x"}});
  REQUIRE(!long_id);
  CHECK(long_id.error_value().code == errc::limit_exceeded);
  auto long_field = itsm::ticket::create(wf, "I", itsm::actor{"a", {}}, at(0), json{{"short_description", std::string(11, 'x')}});
  REQUIRE(!long_field);
  CHECK_THAT(long_field.error_value().message, Catch::Contains("fields.short_description"));
}

TEST_CASE("numbers beyond a double are a parse error, not an exception (found by the snapshot fuzzer)") {
  auto cal = itsm::calendar::from_json(R"({"week": 2e308})");
  REQUIRE(!cal);
  CHECK(cal.error_value().code == errc::parse_error);
  auto t = itsm::ticket::restore(*itsm::builtin_workflow("incident"), std::string_view(R"({"history": 1e400})"));
  REQUIRE(!t);
  CHECK(t.error_value().code == errc::parse_error);
  CHECK_THAT(t.error_value().message, Catch::Contains("snapshot: not valid JSON"));
}

}  // namespace limits_test
