// Partial reports and audits in their state form (service_report::state, from_state): the form a
// report over some tickets travels in to another process. What comes back is the same
// accumulator: it prints the same and merges into exactly the report of the whole; a malformed
// state is refused naming the member.

#include <catch2/catch.hpp>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "itsm/audit.hpp"
#include "itsm/event.hpp"
#include "itsm/report.hpp"

#include "event_log_support.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace report_state_test {

using nlohmann::json;

namespace {

/// The state after a trip through JSON text, as it would cross a process boundary.
json through_text(const json& state) { return json::parse(state.dump()); }

}  // namespace

TEST_CASE("report and audit states restore to accumulators that print and merge as the originals") {
  const auto log = event_log_support::synthetic_log(11, 300, 50);
  itsm::event_store whole;
  for (std::size_t i = 0; i < log.size(); ++i) (void)whole.apply(log[i], i + 1);
  const auto now = whole.last_event_time();
  const auto& policy = itsm::sla_policy::builtin();
  const auto report = itsm::make_report(whole, policy, now);
  const auto audit = itsm::make_audit(whole, policy, now);

  SECTION("a whole report and audit come back equal") {
    auto restored_report = itsm::service_report::from_state(through_text(report.state()));
    REQUIRE(restored_report);
    CHECK(restored_report->to_json() == report.to_json());
    CHECK(restored_report->state() == report.state());
    auto restored_audit = itsm::compliance_audit::from_state(through_text(audit.state()));
    REQUIRE(restored_audit);
    CHECK(restored_audit->to_json() == audit.to_json());
    CHECK(restored_audit->state() == audit.state());
    for (auto format : {itsm::report_format::table, itsm::report_format::csv}) {
      CHECK(restored_report->render(format) == report.render(format));
      CHECK(restored_audit->render(format) == audit.render(format));
    }
  }

  SECTION("parts that crossed as states merge into the whole, medians and percentiles exact") {
    const std::size_t parts = 4;
    std::vector<itsm::event_store> stores(parts);
    for (std::size_t i = 0; i < log.size(); ++i) {
      (void)stores[std::hash<std::string>{}(event_log_support::ticket_of(log[i])) % parts].apply(log[i], i + 1);
    }
    auto merged_report = itsm::service_report::from_state(through_text(itsm::make_report(stores[0], policy, now).state()));
    auto merged_audit = itsm::compliance_audit::from_state(through_text(itsm::make_audit(stores[0], policy, now).state()));
    REQUIRE(merged_report);
    REQUIRE(merged_audit);
    for (std::size_t p = 1; p < parts; ++p) {
      auto r = itsm::service_report::from_state(through_text(itsm::make_report(stores[p], policy, now).state()));
      auto a = itsm::compliance_audit::from_state(through_text(itsm::make_audit(stores[p], policy, now).state()));
      REQUIRE(r);
      REQUIRE(a);
      REQUIRE(merged_report->merge(*r));
      REQUIRE(merged_audit->merge(*a));
    }
    CHECK(merged_report->to_json().dump() == report.to_json().dump());
    CHECK(merged_audit->to_json().dump() == audit.to_json().dump());
  }

  SECTION("a report's state is not an audit's, nor the other way round") {
    auto as_audit = itsm::compliance_audit::from_state(report.state());
    REQUIRE_FALSE(as_audit);
    CHECK(as_audit.error_value().code == itsm::errc::invalid_argument);
    CHECK(as_audit.error_value().message ==
          "audit state: state: \"itsm.service_report/1\", expected \"itsm.compliance_audit/1\"");
    CHECK_FALSE(itsm::service_report::from_state(audit.state()));
  }
}

TEST_CASE("a malformed report state is refused naming the member") {
  itsm::event_store store;
  for (const auto& line : event_log_support::synthetic_log(3, 20, 5)) (void)store.apply(line, 0);
  const json good = itsm::make_report(store, itsm::sla_policy::builtin(), store.last_event_time()).state();
  // A group with resolution times, for the fractional duration below.
  std::size_t resolved = 0;
  while (resolved < good["groups"].size() && good["groups"][resolved]["resolution"].empty()) ++resolved;
  REQUIRE(resolved < good["groups"].size());
  const std::string at = "groups[" + std::to_string(resolved) + "].resolution[0]";

  struct bad_case {
    const char* what;
    json state;
    const char* message;
  };
  std::vector<bad_case> cases;
  auto with = [&](auto&& change) {
    json s = good;
    change(s);
    return s;
  };
  cases.push_back({"not an object", json::array(), "report state: state: expected an object, got array []"});
  cases.push_back({"no now", with([](json& s) { s.erase("now"); }), "report state: now: missing"});
  cases.push_back({"now as text", with([](json& s) { s["now"] = "2026-01-01T00:00:00Z"; }),
                   "report state: now: expected an integer, got string \"2026-01-01T00:00:00Z\""});
  cases.push_back({"a negative count", with([](json& s) { s["tickets"] = -1; }),
                   "report state: tickets: -1 is out of range 0..9223372036854775807"});
  cases.push_back({"an unknown member", with([](json& s) { s["extra"] = 1; }),
                   "report state: state: unknown key 'extra' (allowed: state, policy, now, data_quality, tickets, "
                   "groups, backlog, time_in_state, changes, refused)"});
  const std::string fractional = "report state: " + at + ": expected an integer, got number 1.5";
  cases.push_back({"a fractional duration", with([&](json& s) { s["groups"][resolved]["resolution"][0] = 1.5; }),
                   fractional.c_str()});
  cases.push_back({"a group without its clocks", with([](json& s) { s["groups"][0].erase("clocks"); }),
                   "report state: groups[0].clocks: missing"});
  cases.push_back({"a data-quality count missing", with([](json& s) { s["data_quality"].erase("applied"); }),
                   "report state: data_quality.applied: missing"});
  cases.push_back({"a policy that does not load", with([](json& s) { s["policy"] = {{"targets", 3}}; }),
                   "report state: policy.targets: expected an object"});
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = itsm::service_report::from_state(c.state);
    REQUIRE_FALSE(r);
    CHECK(r.error_value().code == itsm::errc::invalid_argument);
    CHECK(r.error_value().message == c.message);
  }
}

TEST_CASE("read_event_lines: parts of a log split by ticket read as within the whole") {
  auto log = event_log_support::synthetic_log(5, 200, 40);
  // Out of time order here and there, and a line that is not JSON, so that the order of reading,
  // the reordered count and the skipped lines' numbers all matter.
  for (std::size_t i = 10; i + 1 < log.size(); i += 37) std::swap(log[i], log[i + 1]);
  std::string text;
  for (const auto& line : log) text += line + "\n";
  itsm::read_options options;
  options.skip_bad_lines = true;
  itsm::event_store whole;
  std::istringstream in(text);
  const auto read = itsm::read_events(whole, in, "log", options);
  REQUIRE(read);
  REQUIRE(read->reordered > 0);
  REQUIRE(read->skipped == 1);
  const auto now = whole.last_event_time();
  const auto report = itsm::make_report(whole, itsm::sla_policy::builtin(), now);
  const auto audit = itsm::make_audit(whole, itsm::sla_policy::builtin(), now);

  const std::size_t parts = 3;
  std::vector<std::vector<itsm::numbered_line>> split(parts);
  for (std::size_t i = 0; i < log.size(); ++i) {
    split[std::hash<std::string>{}(event_log_support::ticket_of(log[i])) % parts].push_back({i + 1, log[i]});
  }
  std::optional<itsm::service_report> merged;
  std::optional<itsm::compliance_audit> merged_audit;
  for (const auto& lines : split) {
    itsm::event_store part;
    REQUIRE(itsm::read_event_lines(part, lines, "part", options));
    auto r = itsm::make_report(part, itsm::sla_policy::builtin(), now);
    auto a = itsm::make_audit(part, itsm::sla_policy::builtin(), now);
    if (!merged) {
      merged.emplace(std::move(r));
      merged_audit.emplace(std::move(a));
    } else {
      REQUIRE(merged->merge(r));
      REQUIRE(merged_audit->merge(a));
    }
  }
  CHECK(merged->to_json().dump() == report.to_json().dump());
  CHECK(merged_audit->to_json().dump() == audit.to_json().dump());

  SECTION("line numbers out of order are refused and nothing is applied") {
    itsm::event_store store;
    const std::vector<itsm::numbered_line> backwards = {{5, log[4]}, {3, log[2]}};
    auto refused = itsm::read_event_lines(store, backwards, "part");
    REQUIRE_FALSE(refused);
    CHECK(refused.error_value().code == itsm::errc::invalid_argument);
    CHECK(refused.error_value().message == "part: line numbers must increase (5 then 3)");
    CHECK(store.counts().events == 0);
  }
}

}  // namespace report_state_test
