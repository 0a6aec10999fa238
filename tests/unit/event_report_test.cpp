// Event lines through the event store, the service report and the compliance audit: the refusal
// line is to_json(outcome) with the line's context; reports and audits over disjoint parts of a
// log merge into exactly the report and audit of the whole.

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "itsm/audit.hpp"
#include "itsm/event.hpp"
#include "itsm/report.hpp"

#include "event_log_support.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace event_report_test {

using nlohmann::json;
using event_log_support::synthetic_log;
using event_log_support::ticket_of;
using event_log_support::utc;

TEST_CASE("event lines: the refusal line is to_json(outcome) with the line's context") {
  itsm::event_store store;
  const auto created = store.apply(
      R"({"ticket": "I1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": true, "actor": "c"})", 1);
  CHECK(created.ok());
  CHECK(created.event == "create");
  CHECK(created.workflow == "incident");

  const auto refused = store.apply(
      R"({"ticket": "I1", "at": "2026-03-02T09:05:00Z", "transition": "close", "actor": "sam", "roles": ["service_desk"]})", 2);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.result.code == itsm::errc::not_allowed_from_state);
  json expected = itsm::to_json(refused.result);
  expected["ticket"] = "I1";
  expected["line"] = 2;
  expected["workflow"] = "incident";
  expected["event"] = "transition close";
  CHECK(itsm::to_json(refused) == expected);
  CHECK(expected["state"] == "new");

  const auto garbage = store.apply("{nope", 3);
  CHECK(garbage.result.code == itsm::errc::parse_error);
  CHECK(itsm::to_json(garbage) ==
        json{{"ticket", nullptr}, {"line", 3}, {"code", "parse_error"}, {"message", "event: not a JSON object"}});

  CHECK(store.apply(R"({"ticket": "I1", "at": "2026-03-02T09:06:00Z", "transition": "start", "colour": 1})", 4)
            .result.message == "event: unknown key 'colour'");
  CHECK(store.apply(R"({"ticket": "I1", "at": "2026-03-02T09:06:00", "transition": "start"})", 5).result.message ==
        "event.at: '2026-03-02T09:06:00' has no offset (add Z or +HH:MM)");
  CHECK(store.apply(R"({"ticket": "I2", "at": "2026-03-02T09:06:00Z", "transition": "start"})", 6).result.code ==
        itsm::errc::not_found);

  CHECK(store.counts().events == 6);
  CHECK(store.counts().applied == 1);
  CHECK(store.counts().refused == 5);
  REQUIRE(store.refusals().size() == 5);
  CHECK(store.refusals().front().line == 2);
  CHECK(store.last_event_time() == *itsm::parse_utc("2026-03-02T09:00:00Z"));
  REQUIRE(store.find("I1") != nullptr);
  CHECK(store.find("I1")->state() == "new");
}

TEST_CASE("event store: added workflows and a moved store keep working") {
  itsm::event_store store;
  auto wf = itsm::workflow::from_json(R"({"name": "tiny", "version": 1,
    "states": [{"id": "a", "category": "new", "initial": true}, {"id": "b", "category": "closed", "terminal": true}],
    "transitions": [{"id": "go", "from": ["a"], "to": "b"}]})");
  REQUIRE(wf);
  CHECK(store.apply(R"({"ticket": "T", "workflow": "tiny", "at": "2026-03-02T09:00:00Z", "create": true})", 1)
            .result.code == itsm::errc::not_found);
  store.add_workflow(*wf);
  REQUIRE(store.find_workflow("tiny") != nullptr);
  CHECK(store.apply(R"({"ticket": "T", "workflow": "tiny", "at": "2026-03-02T09:00:00Z", "create": true})", 2).ok());
  itsm::event_store moved = std::move(store);
  CHECK(moved.apply(R"({"ticket": "T", "at": "2026-03-02T09:01:00Z", "transition": "go"})", 3).ok());
  CHECK(moved.find("T")->state() == "b");
}

TEST_CASE("reports and audits over disjoint parts of a log merge into those of the whole") {
  const auto log = synthetic_log(7, 400, 60);
  itsm::event_store whole;
  for (std::size_t i = 0; i < log.size(); ++i) (void)whole.apply(log[i], i + 1);
  REQUIRE(whole.counts().refused > 10);
  const auto now = whole.last_event_time();
  const auto& policy = itsm::sla_policy::builtin();
  const auto report = itsm::make_report(whole, policy, now);
  const auto audit = itsm::make_audit(whole, policy, now);
  // The log exercises every part of both (so the comparison below compares something).
  const json r = report.to_json();
  CHECK(r["tickets"] == 460);
  CHECK_FALSE(r["backlog"].empty());
  CHECK_FALSE(r["time_in_state"].empty());
  CHECK_FALSE(r["changes"].empty());
  CHECK_FALSE(r["top_refusals"].empty());
  std::set<std::string> rules;
  for (const auto& f : audit.findings()) rules.insert(f.rule);
  CHECK(rules == std::set<std::string>{"disallowed_transition", "missing_resolution_code", "segregation_of_duties",
                                       "unescalated_breach"});

  for (const std::size_t parts : {2u, 3u, 7u}) {
    // Split by ticket (lines naming no ticket go to the first part), keeping line numbers.
    std::vector<itsm::event_store> stores(parts);
    for (std::size_t i = 0; i < log.size(); ++i) {
      const std::string id = ticket_of(log[i]);
      (void)stores[std::hash<std::string>{}(id) % parts].apply(log[i], i + 1);
    }
    auto merged_report = itsm::make_report(stores[0], policy, now);
    auto merged_audit = itsm::make_audit(stores[0], policy, now);
    for (std::size_t p = parts; p-- > 1;) {  // in reverse, so the order of merging differs from the split
      REQUIRE(merged_report.merge(itsm::make_report(stores[p], policy, now)));
      REQUIRE(merged_audit.merge(itsm::make_audit(stores[p], policy, now)));
    }
    INFO(parts << " parts");
    CHECK(merged_report.to_json().dump() == report.to_json().dump());
    CHECK(merged_audit.to_json().dump() == audit.to_json().dump());
    for (auto format : {itsm::report_format::table, itsm::report_format::markdown, itsm::report_format::csv}) {
      CHECK(merged_report.render(format) == report.render(format));
      CHECK(merged_audit.render(format) == audit.render(format));
    }
  }
}

TEST_CASE("a merge of reports measured differently is refused and changes nothing") {
  itsm::event_store store;
  (void)store.apply(R"({"ticket": "I1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": true,
                        "fields": {"impact": 1, "urgency": 1}})", 1);
  const auto t0 = *itsm::parse_utc("2026-03-03T00:00:00Z");
  auto report = itsm::make_report(store, itsm::sla_policy::builtin(), t0);
  const auto before = report.to_json();
  auto other_time = report.merge(itsm::make_report(store, itsm::sla_policy::builtin(), t0 + std::chrono::hours(1)));
  REQUIRE_FALSE(other_time);
  CHECK(other_time.error_value().code == itsm::errc::invalid_argument);
  auto other_policy = itsm::sla_policy::from_json(json{{"targets", json::object()}});
  REQUIRE(other_policy);
  CHECK_FALSE(report.merge(itsm::make_report(store, *other_policy, t0)));
  CHECK(report.to_json() == before);
  auto audit = itsm::make_audit(store, itsm::sla_policy::builtin(), t0);
  CHECK_FALSE(audit.merge(itsm::make_audit(store, itsm::sla_policy::builtin(), t0 + std::chrono::hours(1))));
}

TEST_CASE("sla policies: every target is checked, errors name the field") {
  using itsm::sla_policy;
  CHECK(sla_policy::from_json(json::array()).error_value().message == "policy: expected an object");
  CHECK(sla_policy::from_json(json{{"colour", 1}}).error_value().message ==
        "policy: unknown key 'colour' (allowed: calendar, targets, description)");
  CHECK(sla_policy::from_json(json{{"targets", {{"incident", 5}}}}).error_value().message ==
        "policy.targets.incident: expected an object");
  const auto bad_target = sla_policy::from_json(json{{"targets", {{"incident", {{"response", {{"P1", "soon"}}}}}}}});
  REQUIRE_FALSE(bad_target);
  CHECK(bad_target.error_value().message.rfind("policy.targets.incident.response", 0) == 0);
  CHECK(sla_policy::from_json(std::string_view("{nope")).error_value().code == itsm::errc::parse_error);
  const auto& builtin = sla_policy::builtin();
  CHECK(builtin.clocks("incident").size() == 2);
  CHECK(builtin.clocks("problem").empty());
  const auto utc_hours = builtin.with_calendar(json::parse(R"({"timezone": "UTC", "week": {"mon": [["09:00", "17:00"]]}})"));
  REQUIRE(utc_hours);
  CHECK(utc_hours->to_json()["calendar"]["timezone"] == "UTC");
  CHECK_FALSE(builtin.with_calendar(json{{"timezone", "Mars/Olympus"}}));
  CHECK(itsm::parse_report_format("json").value() == itsm::report_format::json);
  CHECK(itsm::parse_report_format("xml").error_value().message ==
        "format: 'xml' is not one of table, markdown, csv, json");
}

// --- Reading a whole log (issue 17): input errors, order, now, data quality ---------------------

namespace {

// One line: a log holds one event a line.
constexpr const char* create_inc1 = R"({"ticket": "I1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", )"
                                    R"("create": true, "actor": "c", "fields": {"impact": 2, "urgency": 2}})";

itsm::result<itsm::data_quality> read_text(itsm::event_store& store, const std::string& text,
                                           const itsm::read_options& options = {}) {
  std::istringstream in(text);
  return itsm::read_events(store, in, "log.jsonl", options);
}

std::string line(const char* ticket, const char* at, const char* what) {
  return std::string(R"({"ticket": ")") + ticket + R"(", "at": ")" + at + "\", " + what + "}";
}

}  // namespace

TEST_CASE("read_events: a line that is not an event line names the line and applies nothing") {
  itsm::event_store store;
  const std::string log = std::string(create_inc1) + "\n[1, 2]\n{nope\n\"x\"\n" + "{\"ticket\": \"Caf\xe9\"}\n";
  const auto refused = read_text(store, log);
  REQUIRE_FALSE(refused);
  CHECK(refused.error_value().code == itsm::errc::parse_error);
  CHECK(refused.error_value().message ==
        "log.jsonl:2: not a JSON object (an array) (and 3 more line(s) that are not event lines)");
  CHECK(store.tickets().empty());
  CHECK(store.quality().read == 0);

  itsm::read_options skip;
  skip.skip_bad_lines = true;
  const auto read = read_text(store, log, skip);
  REQUIRE(read);
  CHECK(read->read == 5);
  CHECK(read->applied == 1);
  CHECK(read->skipped == 4);
  REQUIRE(read->skipped_lines.size() == 4);
  CHECK(read->skipped_lines[1].line == 3);
  CHECK(read->skipped_lines[1].cause == "not JSON (syntax error at byte 3)");
  CHECK(read->skipped_lines[2].cause == "not a JSON object (a string)");
  CHECK(read->skipped_lines[3].cause == "not UTF-8 (byte 16 of the line)");
  CHECK(read->strict_failure() == "4 line(s) skipped");
  CHECK(store.quality().to_json() == read->to_json());  // the store keeps what its reads found
}

TEST_CASE("read_events: each ticket's events in time order, a create first, seq settling ties") {
  const std::string file_order =
      line("I1", "2026-03-02T09:20:00Z", R"("to": "resolved", "fields": {"resolution_code": "solved_remotely", "resolution_notes": "y"})") +
      "\n" + line("I1", "2026-03-02T09:10:00Z", R"("to": "in_progress", "seq": 2)") + "\n" +
      line("I1", "2026-03-02T09:10:00Z", R"("to": "on_hold", "seq": 1, "fields": {"hold_reason": "awaiting_caller"})") +
      "\n" + create_inc1 + "\n";
  itsm::event_store by_time;
  const auto read = read_text(by_time, file_order);
  REQUIRE(read);
  CHECK(read->applied == 4);
  CHECK(read->refused == 0);
  // Applied as create (line 4), on_hold (3), in_progress (2), resolved (1): the fewest moved to
  // get there from 1 2 3 4 is three.
  CHECK(read->reordered == 3);
  CHECK(by_time.find("I1")->state() == "resolved");

  itsm::event_store as_given;
  itsm::read_options file;
  file.order = itsm::event_order::file;
  const auto in_file_order = read_text(as_given, file_order, file);
  REQUIRE(in_file_order);
  CHECK(in_file_order->reordered == 0);
  CHECK(in_file_order->refused == 3);  // nothing before the create exists
  CHECK(in_file_order->creates_refused == 0);
  CHECK(in_file_order->refused_by_code.at("not_found") == 3);
}

TEST_CASE("read_events: now leaves later events out and the report is as of then") {
  const auto log = synthetic_log(11, 120, 20);
  std::string text;
  for (const auto& l : log) text += l + "\n";
  itsm::read_options all;
  all.skip_bad_lines = true;  // the synthetic log has a line that is not JSON
  itsm::event_store whole;
  REQUIRE(read_text(whole, text, all));
  const auto now = *itsm::parse_utc("2026-03-16T12:00:00Z");
  itsm::read_options cut = all;
  cut.now = now;
  itsm::event_store until_now;
  const auto read = read_text(until_now, text, cut);
  REQUIRE(read);
  CHECK(read->after_now > 100);
  CHECK(read->read == read->applied + read->refused + read->after_now + read->skipped);
  const json as_of = itsm::make_report(until_now, itsm::sla_policy::builtin(), now).to_json();
  const json everything = itsm::make_report(whole, itsm::sla_policy::builtin(), now).to_json();
  // The whole log's report measured at now reads each ticket as it stood then: the same figures
  // as the log cut at now, apart from what was read and refused.
  for (const char* key : {"tickets", "processes", "backlog", "time_in_state", "changes"}) {
    INFO(key);
    CHECK(as_of[key] == everything[key]);
  }
  CHECK(as_of["data_quality"]["after_now"] == read->after_now);
}

TEST_CASE("read options: the JSON form, errors naming the key") {
  const auto o = itsm::read_options::from_json(json::parse(R"({"order": "file", "now": "2026-03-02T09:00:00Z",
                                                                "skip_bad_lines": true})"));
  REQUIRE(o);
  CHECK(o->order == itsm::event_order::file);
  CHECK(o->skip_bad_lines);
  CHECK(itsm::read_options::from_json(o->to_json())->to_json() == o->to_json());
  CHECK(itsm::read_options::from_json(json::object())->order == itsm::event_order::time);
  CHECK(itsm::read_options::from_json(json{{"order", "random"}}).error_value().message ==
        "read options.order: 'random' is not one of time, file");
  CHECK(itsm::read_options::from_json(json{{"colour", 1}}).error_value().message.find("unknown key 'colour'") !=
        std::string::npos);
  CHECK_FALSE(itsm::read_options::from_json(json{{"now", "2026-03-02T09:00:00"}}));
}

TEST_CASE("data quality: the warning above 5 % refused, the strict decision, an exact merge") {
  itsm::data_quality q;
  q.applied = 95;
  q.refused = 5;
  CHECK(q.warning().empty());  // exactly 5 %
  q.refused = 6;
  CHECK(q.warning() == "6 of 101 events (5.9 %) were refused: the figures describe only the events that applied");
  CHECK(q.strict_failure() == "6 event(s) refused");
  itsm::data_quality other;
  other.skipped = 1;
  other.skipped_lines = {{2, "not JSON (syntax error at byte 1)"}};
  other.refused_by_code = {{"not_found", 2}};
  q.skipped_lines = {{9, "not UTF-8 (byte 1 of the line)"}};
  q.skipped = 1;
  q.merge(other);
  CHECK(q.skipped == 2);
  CHECK(q.skipped_lines.front().line == 2);
  CHECK(q.refused_by_code.at("not_found") == 2);
  CHECK(itsm::data_quality{}.strict_failure().empty());
}

TEST_CASE("a policy naming a process no workflow has is refused, naming it") {
  itsm::event_store store;
  const auto policy = itsm::sla_policy::from_json(json{{"targets", {{"incidnet", {{"response", {{"P1", 900}}}}}}}});
  REQUIRE(policy);
  const auto checked = itsm::check_policy_processes(*policy, store);
  REQUIRE_FALSE(checked);
  CHECK(checked.error_value().message.find("policy.targets.incidnet: no workflow named 'incidnet'") == 0);
  CHECK(itsm::check_policy_processes(itsm::sla_policy::builtin(), store));
}

TEST_CASE("audit chain: checked against the records the events made") {
  itsm::event_store store;
  const std::string log = std::string(create_inc1) + "\n" + line("I1", "2026-03-02T09:10:00Z", R"("to": "in_progress")") +
                          "\n" + line("I1", "2026-03-02T09:20:00Z", R"("to": "on_hold", "fields": {"hold_reason": "awaiting_caller"})") + "\n";
  REQUIRE(read_text(store, log));
  const std::string chain = store.find("I1")->export_history();
  auto broken = [&](const std::string& text) {
    auto audit = itsm::make_audit(store);
    audit.check_chain(text, "h.jsonl", store);
    std::vector<std::string> evidence;
    for (const auto& f : audit.findings())
      if (f.rule == "broken_hash_chain") evidence.push_back(f.ticket + " " + f.evidence);
    return evidence;
  };
  CHECK(broken(chain).empty());
  const std::string two_lines = chain.substr(0, chain.find('\n', chain.find('\n') + 1) + 1);
  CHECK(broken(two_lines) ==
        std::vector<std::string>{"I1 h.jsonl: ticket I1: the chain ends after record 2 of the 3 the events made (its tail is missing)"});
  CHECK(broken("") == std::vector<std::string>{"- h.jsonl: the chain is empty; the events made 3 record(s) of 1 ticket(s)"});
  const std::string first_line = chain.substr(0, chain.find('\n') + 1);
  CHECK(broken(first_line + chain.substr(two_lines.size())).size() == 1);  // a missing middle: the chain breaks
}

TEST_CASE("read_events: a read that throws is undone, tickets, refusals, counts and bookings as before") {
  itsm::event_store store;
  const itsm::change_schedule schedule;
  store.use_schedule(schedule);
  const std::string before_lines =
      R"({"ticket": "I1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": true, "actor": "c"})"
      "\n"
      R"({"ticket": "I1", "at": "2026-03-02T09:01:00Z", "transition": "close", "actor": "sam", "roles": ["service_desk"]})"
      "\n";
  std::istringstream first(before_lines);
  REQUIRE(itsm::read_events(store, first, "first.jsonl"));
  REQUIRE(store.refusals().size() == 1);

  // A change booked, an existing ticket changed, a new ticket, a refusal: then a callback throws.
  const std::string log =
      R"({"ticket": "C1", "workflow": "change_standard", "at": "2026-03-02T10:00:00Z", "create": true, "actor": "rita",)"
      R"( "fields": {"requested_by": "rita"}})"
      "\n"
      R"({"ticket": "C1", "at": "2026-03-02T10:05:00Z", "transition": "schedule", "actor": "rita", "roles": ["requester"],)"
      R"( "fields": {"planned_start": "2026-03-04T22:00:00Z", "planned_end": "2026-03-04T23:00:00Z", "configuration_item": "db01"}})"
      "\n"
      R"({"ticket": "I1", "at": "2026-03-02T10:10:00Z", "transition": "start", "actor": "sam", "roles": ["service_desk"]})"
      "\n"
      R"({"ticket": "I2", "workflow": "incident", "at": "2026-03-02T10:20:00Z", "create": true, "actor": "c"})"
      "\n"
      R"({"ticket": "I9", "at": "2026-03-02T10:30:00Z", "transition": "start", "actor": "sam"})"
      "\n";
  const json i1_before = store.find("I1")->snapshot();
  const json quality_before = store.quality().to_json();
  const auto counts_before = store.counts();

  std::size_t seen = 0;
  itsm::read_callbacks throwing;
  throwing.outcome = [&](const itsm::event_outcome&) {
    if (++seen == 5) throw std::runtime_error("the host gave up");
  };
  std::istringstream in(log);
  CHECK_THROWS_WITH(itsm::read_events(store, in, "log.jsonl", {}, throwing), "the host gave up");
  REQUIRE(seen == 5);  // every line had applied when it threw

  CHECK(store.tickets().size() == 1);
  CHECK(store.find("C1") == nullptr);
  CHECK(store.find("I2") == nullptr);
  CHECK(store.find("I1")->snapshot() == i1_before);
  CHECK(store.refusals().size() == 1);
  CHECK(store.counts().events == counts_before.events);
  CHECK(store.counts().applied == counts_before.applied);
  CHECK(store.counts().refused == counts_before.refused);
  CHECK(store.quality().to_json() == quality_before);
  CHECK(schedule.bookings().empty());

  // The same log read again without the throw applies as if the first attempt never happened.
  std::istringstream again(log);
  const auto read = itsm::read_events(store, again, "log.jsonl");
  REQUIRE(read);
  CHECK(read->applied == 4);
  CHECK(read->refused == 1);
  CHECK(store.find("I1")->state() == "in_progress");
  REQUIRE(schedule.bookings().size() == 1);
  CHECK(schedule.bookings().front().ticket == "C1");

  // Into an empty store, undoing empties it again.
  itsm::event_store empty;
  std::istringstream once_more(log);
  seen = 0;
  CHECK_THROWS(itsm::read_events(empty, once_more, "log.jsonl", {}, throwing));
  CHECK(empty.tickets().empty());
  CHECK(empty.refusals().empty());
  CHECK(empty.counts().events == 0);
}

}  // namespace event_report_test
