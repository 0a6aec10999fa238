// SLA clocks over ticket histories: start, pause, stop, cancel, cycles, priority changes,
// warnings, and the errors that name the record; the cases of issue 22 (defects found by an
// independent model, and the rules the manual pins for deadlines, stopped clocks and cycles;
// bindings/python/tests/test_sla_model.py compares the whole clock with that model).

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/sla.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace sla_test {

namespace {

using itsm::sla_state;
using itsm::sys_seconds;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const char* resolution_sla = R"({
  "name": "resolution",
  "calendar": {"week": {"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "wed": [["09:00","17:00"]],
                        "thu": [["09:00","17:00"]], "fri": [["09:00","17:00"]]}},
  "targets": {"P1": 7200, "P2": 14400, "P3": 28800},
  "pause": {"categories": ["waiting"]},
  "stop": {"categories": ["resolved", "closed"]},
  "cancel": {"categories": ["cancelled"]},
  "warnings": [75, 50, 90]
})";

sys_seconds at(const char* text) {
  return sys_seconds{std::chrono::seconds{itsm::detail::parse_text_time(text, "t").seconds}};
}

// Issue 22's calendar: one working hour on Monday and one on Tuesday.
const char* one_hour_a_day = R"({"name": "p1",
  "calendar": {"timezone": "UTC", "week": {"mon": [["09:00","10:00"]], "tue": [["09:00","10:00"]]}},
  "targets": {"P1": 3600}, "pause": {"categories": ["waiting"]},
  "stop": {"categories": ["resolved", "closed"]}, "cancel": {"categories": ["cancelled"]}})";

/// The definition with one more member, e.g. `"on_reopen": "new_cycle"`.
std::string with(std::string def, const char* member) {
  def.insert(def.rfind('}'), std::string(", ") + member);
  return def;
}

itsm::sla_definition load(const char* json) {
  auto d = itsm::sla_definition::from_json(json);
  INFO((d ? "" : d.error_value().message));
  REQUIRE(d);
  return *d;
}

itsm::sla_definition load(const std::string& json) { return load(json.c_str()); }

itsm::sla_status eval(const itsm::sla_definition& def, const std::vector<itsm::ticket_event>& h,
                      const char* now) {
  auto r = itsm::evaluate(def, h, at(now));
  INFO((r ? "" : r.error_value().message));
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("sla: a running clock, its deadline and warnings", "[sla]") {
  const auto def = load(resolution_sla);
  const std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P2"}};
  const auto s = eval(def, h, "2026-01-05T11:00:00Z");
  CHECK(s.status == sla_state::running);
  CHECK(s.priority == "P2");
  CHECK(s.elapsed == hours{2});
  CHECK(s.remaining == hours{2});
  CHECK(s.percent == Approx(50.0));
  REQUIRE(s.deadline);
  CHECK(*s.deadline == at("2026-01-05T13:00:00Z"));
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].percent == 50);
  CHECK(s.warnings[0].at == at("2026-01-05T11:00:00Z"));
  CHECK(s.cycle == 1);
}

TEST_CASE("sla: pauses stop the clock, and the deadline counts past pauses, not future ones", "[sla]") {
  const auto def = load(resolution_sla);
  const std::vector<itsm::ticket_event> h = {
      {at("2026-01-05T09:00:00Z"), "new", "new", "P2"},
      {at("2026-01-05T10:00:00Z"), "on_hold", "waiting", ""},
  };
  auto s = eval(def, h, "2026-01-05T12:00:00Z");
  CHECK(s.status == sla_state::paused);
  CHECK(s.elapsed == hours{1});
  CHECK(*s.deadline == at("2026-01-05T15:00:00Z"));  // runs on from now: 3 h left

  auto resumed = h;
  resumed.push_back({at("2026-01-05T16:00:00Z"), "in_progress", "open", ""});
  s = eval(def, resumed, "2026-01-06T10:00:00Z");
  CHECK(s.status == sla_state::running);
  CHECK(s.elapsed == hours{3});  // 9-10, 16-17, 9-10 next day
  CHECK(*s.deadline == at("2026-01-06T11:00:00Z"));
}

TEST_CASE("sla: met, breached, breached_met, cancelled", "[sla]") {
  const auto def = load(resolution_sla);
  std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P2"}};

  SECTION("breached while running: breached_at is where elapsed first exceeds the target") {
    const auto s = eval(def, h, "2026-01-06T10:00:00Z");
    CHECK(s.status == sla_state::breached);
    CHECK(s.elapsed == hours{9});
    CHECK(s.remaining == -hours{5});
    CHECK(*s.breached_at == at("2026-01-05T13:00:00Z"));
    REQUIRE(s.warnings.size() == 3);
    CHECK(s.warnings[1].percent == 75);
    CHECK(s.warnings[1].at == at("2026-01-05T12:00:00Z"));
  }
  SECTION("met on time: the clock stops") {
    h.push_back({at("2026-01-05T12:00:00Z"), "resolved", "resolved", ""});
    const auto s = eval(def, h, "2026-01-09T12:00:00Z");
    CHECK(s.status == sla_state::met);
    CHECK(s.elapsed == hours{3});
    CHECK(!s.breached_at);
  }
  SECTION("stopped late") {
    h.push_back({at("2026-01-05T16:00:00Z"), "resolved", "resolved", ""});
    const auto s = eval(def, h, "2026-01-09T12:00:00Z");
    CHECK(s.status == sla_state::breached_met);
    CHECK(*s.breached_at == at("2026-01-05T13:00:00Z"));
  }
  SECTION("cancelled") {
    h.push_back({at("2026-01-05T10:00:00Z"), "cancelled", "cancelled", ""});
    CHECK(eval(def, h, "2026-01-09T12:00:00Z").status == sla_state::cancelled);
  }
  SECTION("records after now are not seen") {
    h.push_back({at("2026-01-05T12:00:00Z"), "resolved", "resolved", ""});
    CHECK(eval(def, h, "2026-01-05T11:00:00Z").status == sla_state::running);
  }
}

TEST_CASE("sla: a priority change keeps elapsed time and swaps the target retroactively", "[sla]") {
  const auto def = load(resolution_sla);
  const std::vector<itsm::ticket_event> h = {
      {at("2026-01-05T09:00:00Z"), "new", "new", "P3"},
      {at("2026-01-05T10:30:00Z"), "", "", "P1"},
  };
  auto s = eval(def, h, "2026-01-05T11:00:00Z");
  CHECK(s.priority == "P1");
  CHECK(s.target == hours{2});
  CHECK(s.elapsed == hours{2});
  CHECK(s.status == sla_state::running);  // exactly at the target is not yet a breach
  s = eval(def, h, "2026-01-05T11:30:00Z");
  CHECK(s.status == sla_state::breached);
  CHECK(*s.breached_at == at("2026-01-05T11:00:00Z"));
}

TEST_CASE("sla: reopening resumes the cycle, or starts a new one", "[sla]") {
  const std::vector<itsm::ticket_event> h = {
      {at("2026-01-05T09:00:00Z"), "new", "new", "P3"},
      {at("2026-01-05T11:00:00Z"), "resolved", "resolved", ""},
      {at("2026-01-05T14:00:00Z"), "in_progress", "open", ""},
  };
  auto s = eval(load(resolution_sla), h, "2026-01-05T15:00:00Z");
  CHECK(s.status == sla_state::running);
  CHECK(s.elapsed == hours{3});
  CHECK(s.cycle == 1);

  std::string cycles = resolution_sla;
  cycles.insert(cycles.rfind('}'), R"(, "on_reopen": "new_cycle")");
  s = eval(load(cycles.c_str()), h, "2026-01-05T15:00:00Z");
  CHECK(s.elapsed == hours{1});
  CHECK(s.cycle == 2);
}

TEST_CASE("sla: a clock that starts on entering a state", "[sla]") {
  const auto def = load(R"({"name": "response", "targets": {"any": 3600},
      "start": {"states": ["assigned"]}, "stop": {"categories": ["open"]}})");
  const std::vector<itsm::ticket_event> h = {
      {at("2026-01-05T09:00:00Z"), "new", "new", ""},
      {at("2026-01-05T09:20:00Z"), "assigned", "new", ""},
      {at("2026-01-05T09:50:00Z"), "in_progress", "open", ""},
  };
  auto s = eval(def, h, "2026-01-05T12:00:00Z");
  CHECK(s.status == sla_state::met);
  CHECK(s.elapsed == minutes{30});  // 24x7 when no calendar is given
  CHECK(eval(def, {h[0]}, "2026-01-05T12:00:00Z").status == sla_state::not_started);
}

TEST_CASE("sla: bad definitions and histories name the field or the record", "[sla][errors]") {
  auto bad = itsm::sla_definition::from_json(R"({"targets": {"P1": 0}, "stop": {"categories": ["resolved"]}})");
  REQUIRE(!bad);
  CHECK_THAT(bad.error_value().message, Catch::Contains("sla.targets.P1: 0 is out of range"));
  bad = itsm::sla_definition::from_json(R"({"targets": {"P1": 60}, "stop": {"categories": ["done"]}})");
  REQUIRE(!bad);
  CHECK_THAT(bad.error_value().message, Catch::Contains("sla.stop.categories[0]: unknown category 'done'"));
  bad = itsm::sla_definition::from_json(R"({"targets": {"P1": 60}})");
  REQUIRE(!bad);
  CHECK_THAT(bad.error_value().message, Catch::Contains("sla.stop: missing"));

  const auto def = load(resolution_sla);
  auto r = itsm::evaluate(def, std::vector<itsm::ticket_event>{{at("2026-01-05T09:00:00Z"), "new", "new", "P9"}},
                          at("2026-01-06T00:00:00Z"));
  REQUIRE(!r);
  CHECK_THAT(r.error_value().message, Catch::Contains("history[0].priority: no target for priority 'P9'"));
  r = itsm::evaluate(def,
                     std::vector<itsm::ticket_event>{{at("2026-01-05T09:00:00Z"), "new", "new", "P1"},
                                                     {at("2026-01-05T08:00:00Z"), "resolved", "resolved", ""}},
                     at("2026-01-06T00:00:00Z"));
  REQUIRE(!r);
  CHECK_THAT(r.error_value().message, Catch::Contains("history[1].at"));
}

TEST_CASE("sla: breached_at is where elapsed first exceeds the target, not where it was used up",
          "[sla][issue22]") {
  const auto def = load(one_hour_a_day);
  std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P1"}};

  // Used up at Monday's close; nothing more runs until Tuesday's opening.
  auto s = eval(def, h, "2026-01-06T09:30:00Z");
  CHECK(s.status == sla_state::breached);
  CHECK(s.elapsed == minutes{90});
  REQUIRE(s.breached_at);
  CHECK(*s.breached_at == at("2026-01-06T09:00:00Z"));
  CHECK(*s.deadline == at("2026-01-05T10:00:00Z"));

  s = eval(def, h, "2026-01-05T12:00:00Z");
  CHECK(s.status == sla_state::running);
  CHECK(s.remaining == seconds{0});
  CHECK(!s.breached_at);

  h.push_back({at("2026-01-05T18:00:00Z"), "resolved", "resolved", ""});
  s = eval(def, h, "2026-01-07T12:00:00Z");
  CHECK(s.status == sla_state::met);
  CHECK(!s.breached_at);
}

TEST_CASE("sla: a pause right where the target is used up breaches at the resume", "[sla][issue22]") {
  const auto def = load(R"({"targets": {"P1": 3600}, "pause": {"categories": ["waiting"]},
                            "stop": {"categories": ["resolved"]}})");
  const std::vector<itsm::ticket_event> h = {
      {at("2026-01-05T09:00:00Z"), "new", "new", "P1"},
      {at("2026-01-05T10:00:00Z"), "on_hold", "waiting", ""},
      {at("2026-01-05T12:00:00Z"), "in_progress", "open", ""},
  };
  auto s = eval(def, h, "2026-01-05T11:00:00Z");
  CHECK(s.status == sla_state::paused);
  CHECK(s.remaining == seconds{0});
  CHECK(*s.deadline == at("2026-01-05T10:00:00Z"));
  s = eval(def, h, "2026-01-05T12:30:00Z");
  CHECK(s.status == sla_state::breached);
  CHECK(*s.breached_at == at("2026-01-05T12:00:00Z"));
  CHECK(*s.deadline == at("2026-01-05T10:00:00Z"));
}

TEST_CASE("sla: with start create, a ticket created stopped or cancelled has a clock", "[sla][issue22]") {
  const std::string def_json = R"({"targets": {"P1": 36000}, "stop": {"categories": ["resolved"]},
                                   "cancel": {"categories": ["cancelled"]}})";
  const std::vector<itsm::ticket_event> reopened = {
      {at("2026-01-05T09:00:00Z"), "resolved", "resolved", "P1"},
      {at("2026-01-05T10:00:00Z"), "in_progress", "open", ""},
  };
  auto s = eval(load(def_json), reopened, "2026-01-05T12:00:00Z");
  CHECK(s.status == sla_state::running);
  CHECK(s.elapsed == hours{2});
  CHECK(s.cycle == 1);
  s = eval(load(with(def_json, R"("on_reopen": "new_cycle")")), reopened, "2026-01-05T12:00:00Z");
  CHECK(s.elapsed == hours{2});
  CHECK(s.cycle == 2);

  s = eval(load(def_json), {reopened[0]}, "2026-01-05T12:00:00Z");
  CHECK(s.status == sla_state::met);
  CHECK(s.elapsed == seconds{0});
  CHECK(s.cycle == 1);

  const std::vector<itsm::ticket_event> cancelled = {{at("2026-01-05T09:00:00Z"), "cancelled", "cancelled", "P1"}};
  s = eval(load(def_json), cancelled, "2026-01-05T12:00:00Z");
  CHECK(s.status == sla_state::cancelled);
  CHECK(s.cycle == 1);
  CHECK(*s.deadline == at("2026-01-05T19:00:00Z"));  // run on from the cancel instant
}

TEST_CASE("sla: the deadline is the used-up instant once reached, so it never jumps", "[sla][issue22]") {
  const auto def = load(one_hour_a_day);
  const std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P1"}};
  for (const char* now : {"2026-01-05T09:00:00Z", "2026-01-05T09:30:00Z", "2026-01-05T10:00:00Z",
                          "2026-01-05T12:00:00Z", "2026-01-06T08:59:59Z", "2026-01-06T09:00:00Z",
                          "2026-01-06T09:00:01Z", "2026-01-07T12:00:00Z"}) {
    INFO("now " << now);
    CHECK(*eval(def, h, now).deadline == at("2026-01-05T10:00:00Z"));
  }
}

TEST_CASE("sla: a stopped clock's deadline runs on from its stop, past pauses counted", "[sla][issue22]") {
  const auto def = load(resolution_sla);
  std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P2"}};

  SECTION("met") {
    h.push_back({at("2026-01-05T10:00:00Z"), "on_hold", "waiting", ""});
    h.push_back({at("2026-01-05T11:00:00Z"), "in_progress", "open", ""});
    h.push_back({at("2026-01-05T12:00:00Z"), "resolved", "resolved", ""});
    const auto s = eval(def, h, "2026-01-09T12:00:00Z");
    CHECK(s.status == sla_state::met);
    CHECK(s.elapsed == hours{2});
    CHECK(*s.deadline == at("2026-01-05T14:00:00Z"));
  }
  SECTION("cancelled: from the cancel instant, not from now") {
    h.push_back({at("2026-01-05T10:00:00Z"), "cancelled", "cancelled", ""});
    const auto s = eval(def, h, "2026-01-09T12:00:00Z");
    CHECK(s.status == sla_state::cancelled);
    CHECK(*s.deadline == at("2026-01-05T13:00:00Z"));
  }
  SECTION("breached_met: the used-up instant") {
    h.push_back({at("2026-01-05T16:00:00Z"), "resolved", "resolved", ""});
    const auto s = eval(def, h, "2026-01-09T12:00:00Z");
    CHECK(s.status == sla_state::breached_met);
    CHECK(*s.deadline == at("2026-01-05T13:00:00Z"));
    CHECK(*s.breached_at == at("2026-01-05T13:00:00Z"));
  }
}

TEST_CASE("sla: cycles, categories and start conditions as the manual states them", "[sla][issue22]") {
  const auto def = load(resolution_sla);
  SECTION("a resolved-then-cancelled cycle stays met") {
    const std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P2"},
                                               {at("2026-01-05T10:00:00Z"), "resolved", "resolved", ""},
                                               {at("2026-01-05T11:00:00Z"), "cancelled", "cancelled", ""}};
    const auto s = eval(def, h, "2026-01-05T12:00:00Z");
    CHECK(s.status == sla_state::met);
    CHECK(*s.deadline == at("2026-01-05T13:00:00Z"));
  }
  SECTION("a record with a state and no category keeps the previous category") {
    const std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P2"},
                                               {at("2026-01-05T10:00:00Z"), "on_hold", "waiting", ""},
                                               {at("2026-01-05T11:00:00Z"), "awaiting_vendor", "", ""}};
    const auto s = eval(def, h, "2026-01-05T12:00:00Z");
    CHECK(s.status == sla_state::paused);
    CHECK(s.elapsed == hours{1});
  }
  SECTION("a start condition that also matches stop does not start the clock") {
    const auto by_state = load(R"({"targets": {"P2": 14400}, "start": {"categories": ["open", "resolved"]},
                                   "stop": {"categories": ["resolved"]}})");
    std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P2"},
                                         {at("2026-01-05T10:00:00Z"), "resolved", "resolved", ""}};
    CHECK(eval(by_state, h, "2026-01-05T12:00:00Z").status == sla_state::not_started);
    h.push_back({at("2026-01-05T11:00:00Z"), "in_progress", "open", ""});
    const auto s = eval(by_state, h, "2026-01-05T12:00:00Z");
    CHECK(s.status == sla_state::running);
    CHECK(s.elapsed == hours{1});
  }
  SECTION("leaving a cancelled state opens a new cycle from zero, even under resume") {
    const std::vector<itsm::ticket_event> h = {{at("2026-01-05T09:00:00Z"), "new", "new", "P2"},
                                               {at("2026-01-05T10:00:00Z"), "cancelled", "cancelled", ""},
                                               {at("2026-01-05T11:00:00Z"), "in_progress", "open", ""}};
    const auto s = eval(def, h, "2026-01-05T12:00:00Z");
    CHECK(s.status == sla_state::running);
    CHECK(s.cycle == 2);
    CHECK(s.elapsed == hours{1});
  }
}

}  // namespace sla_test
