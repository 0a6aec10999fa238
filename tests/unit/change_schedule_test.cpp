// Change scheduling (freezes, recurring freezes, exemptions, overlaps on a configuration item,
// bookings through the built-in change processes) and problems resolving their incidents.

#include <catch2/catch.hpp>

#include "itsm/change_schedule.hpp"
#include "itsm/links.hpp"
#include "ticket_support.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace change_schedule_test {

namespace {

using itsm::actor;
using itsm::change_schedule;
using itsm::errc;
using itsm::planned_change;
using itsm::schedule_conflict;
using itsm::ticket;
using nlohmann::json;

itsm::sys_seconds utc(const char* text) {
  static const auto cal = itsm::calendar::from_json("{}");
  REQUIRE(cal);
  auto t = cal->parse_time(text);
  REQUIRE(t);
  return *t;
}

planned_change plan(const char* id, const char* wf, const char* ci, const char* start, const char* end) {
  return planned_change{id, wf, ci, utc(start), utc(end)};
}

change_schedule schedule_from(const char* text) {
  auto s = change_schedule::parse(text);
  INFO((s ? "" : s.error_value().message));
  REQUIRE(s);
  return *s;
}

const char* const year_end = R"({"freezes": [
  {"name": "year-end", "start": "2026-12-15T00:00:00Z", "end": "2027-01-05T00:00:00Z", "exempt": ["change_emergency"]},
  {"name": "weekends", "calendar": {"timezone": "Europe/Berlin",
     "week": {"sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}}}]})";

ticket make(const char* wf, const char* id, const json& fields) {
  auto def = itsm::builtin_workflow(wf);
  REQUIRE(def);
  auto t = ticket::create(*def, id, actor{"creator", {}}, utc("2026-03-02T09:00:00Z"), fields);
  INFO((t ? "" : t.error_value().message));
  REQUIRE(t);
  return std::move(*t);
}

using itsm_test::ok;

}  // namespace

TEST_CASE("change_schedule: the JSON form and its errors name the path") {
  const auto s = schedule_from(year_end);
  REQUIRE(s.freezes().size() == 2);
  CHECK(s.freezes()[0].exempt_workflows == std::vector<std::string>{"change_emergency"});
  CHECK(s.freezes()[1].frozen_time.has_value());
  CHECK(s.overlaps() == change_schedule::overlap_policy::report);
  CHECK(schedule_from(R"({"overlaps": "refuse"})").overlaps() == change_schedule::overlap_policy::refuse);

  const std::pair<const char*, const char*> bad[] = {
      {"[1]", "schedule: expected an object"},
      {R"({"freeze": []})", "unknown key 'freeze'"},
      {R"({"overlaps": "warn"})", "overlaps: 'warn' is not one of report, refuse"},
      {R"({"freezes": [{"start": "2026-12-15T00:00:00Z", "end": "2027-01-05T00:00:00Z"}]})", "freezes[0].name: missing"},
      {R"({"freezes": [{"name": "x", "start": "2026-12-15T00:00:00Z"}]})", "freezes[0].end: missing"},
      {R"({"freezes": [{"name": "x", "start": "2026-12-15", "end": "2027-01-05T00:00:00Z"}]})", "freezes[0].start"},
      {R"({"freezes": [{"name": "x", "start": "2026-12-15T00:00:00", "end": "2027-01-05T00:00:00Z"}]})", "has no offset"},
      {R"({"freezes": [{"name": "x", "start": "2027-01-05T00:00:00Z", "end": "2026-12-15T00:00:00Z"}]})", "freezes[0]: the freeze 'x' ends"},
      {R"({"freezes": [{"name": "x", "calendar": {"timezone": "Mars/Olympus"}}]})", "freezes[0].calendar.timezone"},
      {R"({"freezes": [{"name": "x", "calendar": {}, "start": "2026-12-15T00:00:00Z"}]})", "not both"},
      {R"({"freezes": [{"name": "x", "start": "2026-12-15T00:00:00Z", "end": "2027-01-05T00:00:00Z", "exempt": "all"}]})", "freezes[0].exempt"},
      {"{", "schedule"},
  };
  for (const auto& [text, expected] : bad) {
    auto r = change_schedule::parse(text);
    INFO(text);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error_value().message, Catch::Contains(expected));
  }
  auto unnamed = change_schedule::create({itsm::change_freeze{}});
  REQUIRE_FALSE(unnamed);
  CHECK_THAT(unnamed.error_value().message, Catch::Contains("freezes[0].name"));
}

TEST_CASE("change_schedule: freezes, recurring freezes and exemptions") {
  const auto s = schedule_from(year_end);
  // Tuesday evening in March: clear.
  CHECK(s.check(plan("C1", "change_normal", "", "2026-03-03T20:00:00Z", "2026-03-03T22:00:00Z")).empty());
  // Crosses into the year-end freeze.
  auto c = s.check(plan("C1", "change_normal", "", "2026-12-14T22:00:00Z", "2026-12-15T02:00:00Z"));
  REQUIRE(c.size() == 1);
  CHECK(c[0].what == schedule_conflict::kind::freeze);
  CHECK(c[0].with == "year-end");
  CHECK(c[0].from == utc("2026-12-15T00:00:00Z"));
  CHECK(c[0].to == utc("2026-12-15T02:00:00Z"));
  CHECK_THAT(c[0].message, Catch::Contains("meets the change freeze 'year-end'"));
  // Ending exactly when the freeze starts is clear (half-open windows).
  CHECK(s.check(plan("C1", "change_normal", "", "2026-12-14T22:00:00Z", "2026-12-15T00:00:00Z")).empty());
  // Emergency changes are exempt from year-end (a Wednesday), not from weekends.
  CHECK(s.check(plan("C1", "change_emergency", "", "2026-12-16T10:00:00Z", "2026-12-16T11:00:00Z")).empty());
  // Friday 22:30 UTC to Saturday 01:00 UTC: the Berlin weekend starts at 23:00 UTC (CET).
  auto w = s.check(plan("C1", "change_emergency", "", "2026-03-06T22:30:00Z", "2026-03-07T01:00:00Z"));
  REQUIRE(w.size() == 1);
  CHECK(w[0].with == "weekends");
  CHECK(w[0].from == utc("2026-03-06T23:00:00Z"));
  CHECK(w[0].to == utc("2026-03-07T01:00:00Z"));
  // Friday 21:00..22:59 UTC is still Friday in Berlin.
  CHECK(s.check(plan("C1", "change_normal", "", "2026-03-06T21:00:00Z", "2026-03-06T23:00:00Z")).empty());
}

TEST_CASE("change_schedule: overlaps on the same configuration item") {
  change_schedule s;
  CHECK(s.book(plan("C1", "change_normal", "db01", "2026-03-03T20:00:00Z", "2026-03-03T22:00:00Z")).empty());
  CHECK(s.book(plan("C2", "change_normal", "web01", "2026-03-03T21:00:00Z", "2026-03-03T23:00:00Z")).empty());
  auto o = s.book(plan("C3", "change_standard", "db01", "2026-03-03T21:30:00Z", "2026-03-03T23:00:00Z"));
  REQUIRE(o.size() == 1);
  CHECK(o[0].what == schedule_conflict::kind::overlap);
  CHECK(o[0].with == "C1");
  CHECK(o[0].from == utc("2026-03-03T21:30:00Z"));
  CHECK(o[0].to == utc("2026-03-03T22:00:00Z"));
  CHECK_THAT(o[0].message, Catch::Contains("overlaps change C1") && Catch::Contains("'db01'"));
  // Rebooking a ticket replaces its booking and never overlaps with itself.
  CHECK(s.book(plan("C3", "change_standard", "db01", "2026-03-03T22:00:00Z", "2026-03-03T23:00:00Z")).empty());
  CHECK(s.bookings().size() == 3);
  CHECK(s.release("C1"));
  CHECK_FALSE(s.release("C1"));
  CHECK(s.bookings().size() == 2);
  // No configuration item: never an overlap.
  CHECK(s.check(plan("C4", "change_normal", "", "2026-03-03T22:00:00Z", "2026-03-03T23:00:00Z")).empty());
  // Copies share the bookings.
  const change_schedule copy = s;
  CHECK(copy.bookings().size() == 2);
}

TEST_CASE("change_schedule: a change's planned window from its fields") {
  auto p = change_schedule::plan_of("C1", "change_normal",
                                    {{"planned_start", "2026-03-03T20:00:00+01:00"},
                                     {"planned_end", "2026-03-03T22:00:00Z"},
                                     {"configuration_item", "db01"}});
  REQUIRE(p);
  CHECK(p->start == utc("2026-03-03T19:00:00Z"));
  CHECK(p->configuration_item == "db01");
  const std::pair<json, const char*> bad[] = {
      {{{"planned_end", "2026-03-03T22:00:00Z"}}, "planned_start: missing"},
      {{{"planned_start", "soon"}, {"planned_end", "2026-03-03T22:00:00Z"}}, "planned_start"},
      {{{"planned_start", "2026-03-03T22:00:00Z"}, {"planned_end", "2026-03-03T22:00:00Z"}}, "planned_end: 2026-03-03T22:00:00Z is not after"},
      {{{"planned_start", "2026-03-03T20:00:00Z"}, {"planned_end", "2026-03-03T22:00:00Z"}, {"configuration_item", 7}}, "configuration_item: expected a string"},
  };
  for (const auto& [fields, expected] : bad) {
    auto r = change_schedule::plan_of("C1", "change_normal", fields);
    INFO(fields.dump());
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error_value().message, Catch::Contains(expected));
  }
}

TEST_CASE("change_schedule: the built-in change processes check, book and release") {
  auto s = schedule_from(R"({"overlaps": "refuse", "freezes": [
      {"name": "quarter-end", "start": "2026-03-30T00:00:00Z", "end": "2026-04-02T00:00:00Z"}]})");
  itsm::hooks host;
  s.install(host);
  const actor rita{"rita", {"requester"}};
  const actor ivan{"ivan", {"implementer"}};
  const json base = {{"requested_by", "rita"}, {"template", "patch"}, {"configuration_item", "db01"}};
  auto a = make("change_standard", "CHG1", base);
  auto b = make("change_standard", "CHG2", base);
  const auto t = utc("2026-03-02T10:00:00Z");

  const std::string before = a.snapshot().dump();
  auto frozen = a.fire("schedule", rita, t,
                       {{"planned_start", "2026-03-31T20:00:00Z"}, {"planned_end", "2026-03-31T21:00:00Z"}}, {}, &host);
  CHECK(frozen.code == errc::guard_failed);
  CHECK_THAT(frozen.message, Catch::Contains("quarter-end"));
  CHECK(a.snapshot().dump() == before);
  CHECK(s.bookings().empty());

  ok(a.fire("schedule", rita, t, {{"planned_start", "2026-03-03T20:00:00Z"}, {"planned_end", "2026-03-03T22:00:00Z"}}, {}, &host));
  REQUIRE(s.bookings().size() == 1);
  CHECK(s.bookings()[0].ticket == "CHG1");

  auto overlap = b.fire("schedule", rita, t,
                        {{"planned_start", "2026-03-03T21:00:00Z"}, {"planned_end", "2026-03-03T23:00:00Z"}}, {}, &host);
  CHECK(overlap.code == errc::guard_failed);
  CHECK_THAT(overlap.message, Catch::Contains("overlaps change CHG1"));
  CHECK(b.state() == "new");

  ok(a.fire("implement", ivan, t, {{"implementer", "ivan"}}, {}, &host));
  ok(a.fire("review", ivan, t, {{"close_code", "successful"}}, {}, &host));
  CHECK(s.bookings().empty());  // released when the change's window is over
  ok(b.fire("schedule", rita, t, {{"planned_start", "2026-03-03T21:00:00Z"}, {"planned_end", "2026-03-03T23:00:00Z"}}, {}, &host));
  ok(b.fire("cancel", rita, t, {{"cancel_reason", "not needed"}}, {}, &host));
  CHECK(s.bookings().empty());
}

TEST_CASE("problems resolve the incidents waiting on them") {
  const actor desk{"sam", {"service_desk"}};
  const actor pm{"pat", {"problem_manager"}};
  const auto t = utc("2026-03-02T12:00:00Z");
  auto prb = make("problem", "PRB1", json::object());
  std::vector<ticket> incidents;
  auto held = [&](const char* id, const char* problem, const char* reason) {
    auto i = make("incident", id, {{"problem", problem}});
    ok(i.fire("hold", desk, t, {{"hold_reason", reason}}));
    return i;
  };
  incidents.push_back(held("INC1", "PRB1", "awaiting_problem"));
  incidents.push_back(held("INC2", "PRB1", "awaiting_problem"));
  incidents.push_back(held("INC3", "PRB2", "awaiting_problem"));  // another problem
  incidents.push_back(held("INC4", "PRB1", "awaiting_vendor"));   // waiting on something else
  incidents.push_back(make("incident", "INC5", {{"problem", "PRB1"}}));  // new, not on hold
  ok(incidents[4].fire("start", desk, t));

  auto early = itsm::resolve_linked_incidents(prb, incidents, desk, t);
  REQUIRE_FALSE(early);
  CHECK(early.error_value().code == errc::not_allowed_from_state);
  CHECK_THAT(early.error_value().message, Catch::Contains("problem PRB1 is new, not resolved"));

  ok(prb.fire("assess", pm, t));
  ok(prb.fire("analyse", pm, t));
  ok(prb.fire("start_fix", pm, t, {{"root_cause", "firmware"}}));
  ok(prb.fire("resolve", pm, t, {{"fix_notes", "firmware 7.2 rolled out"}, {"resolution_code", "fix_applied"}}));

  // A problem manager lacks the incident roles: each incident refuses and stays as it was.
  const std::string before = incidents[0].snapshot().dump();
  auto denied = itsm::resolve_linked_incidents(prb, incidents, pm, t);
  REQUIRE(denied);
  REQUIRE(denied->size() == 2);
  CHECK((*denied)[0].result.code == errc::role_denied);
  CHECK(incidents[0].snapshot().dump() == before);

  auto done = itsm::resolve_linked_incidents(prb, incidents, desk, t);
  REQUIRE(done);
  REQUIRE(done->size() == 2);
  CHECK((*done)[0].ticket == "INC1");
  CHECK((*done)[1].ticket == "INC2");
  for (const auto& r : *done) CHECK(r.result.ok());
  CHECK(incidents[0].state() == "resolved");
  CHECK(incidents[0].fields()["resolution_code"] == "solved_permanently");
  CHECK(incidents[0].fields()["resolution_notes"] == "Resolved with problem PRB1: firmware 7.2 rolled out");
  CHECK(incidents[2].state() == "on_hold");
  CHECK(incidents[3].state() == "on_hold");
  CHECK(incidents[4].state() == "in_progress");

  // One incident at a time, with the reason when it is not eligible.
  auto vendor = itsm::resolve_with_problem(prb, incidents[3], desk, t);
  CHECK(vendor.code == errc::not_allowed_from_state);
  CHECK_THAT(vendor.message, Catch::Contains("not on hold with hold_reason awaiting_problem"));
  auto other = itsm::resolve_with_problem(prb, incidents[2], desk, t);
  CHECK(other.code == errc::invalid_argument);
  CHECK_THAT(other.message, Catch::Contains("does not name problem PRB1"));
  auto again = itsm::resolve_with_problem(prb, incidents[0], desk, t);
  CHECK(again.code == errc::not_allowed_from_state);
  CHECK_THAT(again.message, Catch::Contains("already resolved"));

  // Without a hold reason to match, every open linked incident goes.
  itsm::linked_resolution all;
  all.hold_value.clear();
  all.fields = {{"resolution_code", "solved_workaround"}, {"resolution_notes", "see PRB1"}};
  auto rest = itsm::resolve_linked_incidents(prb, incidents, desk, t, all);
  REQUIRE(rest);
  REQUIRE(rest->size() == 2);
  CHECK(incidents[3].state() == "resolved");
  CHECK(incidents[4].fields()["resolution_notes"] == "see PRB1");
}

}  // namespace change_schedule_test
