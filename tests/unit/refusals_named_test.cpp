// Bad input of every kind is refused naming the field and the value, and the rarer paths of the
// engines give the answers the manual describes: calendar documents, instants and UTC offsets,
// pauses, SLA definitions and histories, workflow definitions, event lines, snapshots and
// replays, rejections without roles, audits of histories the engine would have refused.
// Expected answers are worked out by hand from docs/ (the office calendar: Monday 09:00-17:00).

#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/audit.hpp"
#include "itsm/change_schedule.hpp"
#include "itsm/event.hpp"
#include "itsm/links.hpp"
#include "itsm/query.hpp"
#include "itsm/sla.hpp"
#include "itsm/ticket.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace refusals_named_test {

namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::int64_t mon_0 = 1772409600;  // 2026-03-02T00:00:00Z, a Monday
itsm::sys_seconds at(std::int64_t s) { return itsm::sys_seconds{seconds{mon_0 + s}}; }

/// The calendar's error message, or "" when it loads.
std::string calendar_error(const std::string& text) {
  const auto cal = itsm::calendar::from_json(text);
  return cal ? std::string() : cal.error_value().message;
}

std::string with_holiday(const std::string& holiday) {
  return R"({"week": {"mon": [["09:00", "17:00"]]}, "holidays": [)" + holiday + "]}";
}

itsm::workflow_ptr builtin(const char* name) { return itsm::builtin_workflow(name).value(); }

}  // namespace

TEST_CASE("calendar documents: each bad holiday, date and time is named", "[calendar][errors]") {
  struct row {
    std::string text, message;
  };
  const std::vector<row> rows = {
      {with_holiday(R"({"month": 5, "weekday": "mo", "nth": 1})"),
       "calendar.holidays[0].weekday: unknown weekday 'mo' (expected mon, tue, wed, thu, fri, sat or sun)"},
      {with_holiday(R"("--13-01")"), "calendar.holidays[0]: invalid yearly date '--13-01' (expected --MM-DD"},
      {with_holiday(R"({"month": 5, "weekday": "mon"})"), "calendar.holidays[0]: missing key 'nth'"},
      {with_holiday(R"({"month": 5, "weekday": "mon", "nth": 0})"), "calendar.holidays[0].nth: 0 is not a position"},
      {with_holiday(R"({"name": "Founders' day"})"),
       "calendar.holidays[0]: a holiday object needs 'date', 'from'/'to', 'easter' or 'month'/'weekday'/'nth'"},
      {with_holiday(R"("2026-02-30")"), "calendar.holidays[0]: invalid date '2026-02-30' (no such day)"},
      {with_holiday(R"("2026-2-3")"), "calendar.holidays[0]: invalid date '2026-2-3' (expected YYYY-MM-DD)"},
      {with_holiday(R"("1850-01-01")"), "calendar.holidays[0]: date '1850-01-01' is outside the supported years"},
      {R"({"week": {"mon": [["24:00", "09:00"]]}})",
       "calendar.week.mon[0][0]: invalid time '24:00' (24:00 is allowed only as the close of an interval)"},
      {R"({"timezone": "+5:30", "week": {"mon": [["09:00", "17:00"]]}})", "calendar.timezone: invalid UTC offset '+5:30'"},
      {R"({"timezone": "05:30", "week": {"mon": [["09:00", "17:00"]]}})",
       "calendar.timezone: unknown time zone '05:30' (expected an IANA name such as 'Europe/Berlin', 'UTC' or an "
       "offset such as '+05:30')"},
      {R"({"timezone": "+19:00", "week": {"mon": [["09:00", "17:00"]]}})", "calendar.timezone: invalid UTC offset '+19:00'"},
      {R"({"timezone": "+05:3x", "week": {"mon": [["09:00", "17:00"]]}})", "calendar.timezone: invalid UTC offset '+05:3x'"},
      {R"({"timezone": "+0530x", "week": {"mon": [["09:00", "17:00"]]}})", "calendar.timezone: invalid UTC offset '+0530x'"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(calendar_error(r.text), Catch::Contains(r.message));
  }
}

TEST_CASE("UTC offsets in three spellings and times with seconds", "[calendar]") {
  // +0530 and +05:30 are one offset; +05 is five hours. Monday 09:00 at +05:30 is 03:30Z.
  for (const char* zone : {"+0530", "+05:30"}) {
    const auto cal = itsm::calendar::from_json(std::string(R"({"timezone": ")") + zone +
                                               R"(", "week": {"mon": [["09:00", "17:00"]]}})");
    REQUIRE(cal);
    CHECK(*cal->next_open(at(0)) == at(3 * 3600 + 1800));
  }
  const auto five = itsm::calendar::from_json(R"({"timezone": "+05", "week": {"mon": [["09:00", "17:00"]]}})");
  REQUIRE(five);
  CHECK(*five->next_open(at(0)) == at(4 * 3600));
  // Seconds are kept, and written back with them.
  const auto exact = itsm::calendar::from_json(R"({"week": {"mon": [["09:00:30", "17:00"]]}})");
  REQUIRE(exact);
  CHECK(*exact->next_open(at(0)) == at(9 * 3600 + 30));
  CHECK(exact->to_json()["week"]["mon"] == json::parse(R"([["09:00:30", "17:00"]])"));
}

TEST_CASE("instants in queries: each bad shape is named", "[calendar][errors]") {
  itsm::query_evaluator ev;
  const std::string office = R"({"week": {"mon": [["09:00", "17:00"]]}})";
  auto error_of = [&](const std::string& rest) {
    const auto answer = ev.evaluate(R"({"calendar": )" + office + ", " + rest + "}");
    return answer.contains("error") ? answer["error"].get<std::string>() : std::string();
  };
  CHECK_THAT(error_of(R"("op": "next_open", "at": "2026-03-02T9:00:00Z")"),
             Catch::Contains("at: invalid time '2026-03-02T9:00:00Z' (expected HH:MM after the date)"));
  CHECK_THAT(error_of(R"("op": "next_open", "at": "2026-03-02T09:00:00+0100")"),
             Catch::Contains("at: invalid time '2026-03-02T09:00:00+0100' (expected the offset as +HH:MM or -HH:MM)"));
  CHECK_THAT(error_of(R"("op": "next_open", "at": "2026-03-02T09:00:00Z", "seconds": 60)"),
             Catch::Contains("seconds: does not apply to op 'next_open'"));
  CHECK_THAT(error_of(R"("op": "add", "start": "2500-01-01T00:00:00Z", "seconds": 60)"),
             Catch::Contains("2500-01-01"));
}

TEST_CASE("a query evaluator with room for two calendars still answers for a third and the first") {
  itsm::query_evaluator ev(2);
  auto next_open = [&](const char* open) {
    const auto answer = ev.evaluate(std::string(R"({"calendar": {"week": {"mon": [[")") + open +
                                    R"(", "17:00"]]}}, "op": "next_open", "at": "2026-03-02T00:00:00Z"})");
    return answer.value("result", std::string("error: ") + answer.value("error", std::string()));
  };
  CHECK(next_open("08:00") == "2026-03-02T08:00:00+00:00");
  CHECK(next_open("09:00") == "2026-03-02T09:00:00+00:00");
  CHECK(next_open("10:00") == "2026-03-02T10:00:00+00:00");  // the 08:00 calendar leaves the cache
  CHECK(next_open("08:00") == "2026-03-02T08:00:00+00:00");
}

TEST_CASE("pauses that overlap are one pause, forward and backward", "[calendar]") {
  // Monday 09:00-17:00 UTC; pauses 10:00-11:00 and 10:30-12:00 make one pause 10:00-12:00.
  const auto cal = itsm::calendar::from_json(R"({"week": {"mon": [["09:00", "17:00"]]}})");
  REQUIRE(cal);
  const std::vector<itsm::pause> pauses = {{at(10 * 3600 + 1800), at(12 * 3600)}, {at(10 * 3600), at(11 * 3600)}};
  itsm::calc_options o;
  o.pauses = pauses;
  CHECK(cal->between(at(9 * 3600), at(17 * 3600), o)->count() == 6 * 3600);
  CHECK(*cal->add(at(9 * 3600), hours(2), o) == at(13 * 3600));          // 09-10, then 12-13
  CHECK(*cal->add(at(10 * 3600 + 900), hours(1), o) == at(13 * 3600));   // from inside the pause
  CHECK(*cal->add(at(16 * 3600), -hours(5), o) == at(9 * 3600));         // 16-12, then 10-09
  CHECK(*cal->add(at(11 * 3600), -hours(1), o) == at(9 * 3600));         // from inside the pause
  CHECK(*cal->add(at(16 * 3600), -hours(2), o) == at(14 * 3600));        // before reaching the pause
  CHECK(cal->add(itsm::sys_seconds{seconds{16725225600}}, hours(1)).error_value().code ==
        itsm::errc::out_of_range);  // 2500-01-01
}

TEST_CASE("SLA definitions and histories: each bad value is named", "[sla][errors]") {
  auto error_of = [](const char* text) {
    const auto d = itsm::sla_definition::from_json(text);
    return d ? std::string() : d.error_value().message;
  };
  CHECK_THAT(error_of(R"({"targets": {"P1": 3600}, "stop": {"categories": ["resolved"]}, "start": "open"})"),
             Catch::Contains(R"(sla.start: expected "create" or {"categories", "states"}, got "open")"));
  CHECK_THAT(error_of(R"({"targets": {"P1": 3600}, "stop": {"categories": ["resolved"]}, "on_reopen": "restart"})"),
             Catch::Contains("sla.on_reopen: unknown policy 'restart' (expected resume or new_cycle)"));
  const auto resumed =
      itsm::sla_definition::from_json(R"({"targets": {"P1": 3600, "P2": 7200}, "stop": {"categories": ["resolved"]},
                                          "pause": {"categories": ["waiting"]}, "cancel": {"categories": ["cancelled"]},
                                          "on_reopen": "resume"})");
  REQUIRE(resumed);
  CHECK(resumed->on_reopen == itsm::reopen_policy::resume);
  // Two targets and no priority in the history: which one applies cannot be told.
  const std::vector<itsm::ticket_event> unprioritised = {{at(0), "new", "new", ""}};
  const auto status = itsm::evaluate(*resumed, unprioritised, at(3600));
  REQUIRE_FALSE(status);
  CHECK_THAT(status.error_value().message, Catch::Contains("history: no priority given, and SLA '"));
  // The statuses' names, as to_json writes them: paused, cancelled and breached_met.
  auto status_at = [&](std::vector<itsm::ticket_event> h, std::int64_t now) {
    return itsm::to_json(itsm::evaluate(*resumed, h, at(now)).value())["status"].get<std::string>();
  };
  CHECK(status_at({{at(0), "new", "new", "P1"}, {at(600), "on_hold", "waiting", ""}}, 1200) == "paused");
  CHECK(status_at({{at(0), "new", "new", "P1"}, {at(600), "cancelled", "cancelled", ""}}, 1200) == "cancelled");
  CHECK(status_at({{at(0), "new", "new", "P1"}, {at(7200), "resolved", "resolved", ""}}, 9000) == "breached_met");
}

TEST_CASE("workflow definitions: an empty matrix row, a repeated from-state, a set that is no object", "[workflow][errors]") {
  auto problems_of = [](const std::string& extra_top, const std::string& finish_extra) {
    const std::string text = R"({"name": "w", "states": [{"id": "open", "category": "new", "initial": true},
        {"id": "done", "category": "closed", "terminal": true}],
        "transitions": [{"id": "finish", "from": ["open"], "to": "done")" + finish_extra + "}]" + extra_top + "}";
    const auto def = itsm::workflow::parse(std::string_view(text));
    if (!def) return def.error_value().message;
    std::string all;
    for (const auto& p : itsm::workflow::check(*def)) all += p.where + ": " + p.message + "\n";
    return all;
  };
  CHECK_THAT(problems_of(R"(, "priority_matrix": [[1, 2], []])", ""),
             Catch::Contains("priority_matrix[1] is empty (one priority per urgency)"));
  CHECK_THAT(problems_of("", R"(, "from": ["open", "open"])"), Catch::Contains("from: state 'open' listed twice"));
  CHECK_THAT(problems_of("", R"(, "set": ["x"])"), Catch::Contains("transitions[0].set: expected an object, got array"));
  // A definition built in C++ is checked the same way.
  itsm::workflow_definition d;
  d.name = "w";
  d.add_state("open", itsm::state_category::new_).initial = true;
  d.add_state("done", itsm::state_category::closed).terminal = true;
  d.add_transition("finish", {"open"}, "done").set = json::array({"x"});
  std::string problems;
  for (const auto& p : itsm::workflow::check(d)) problems += p.where + ": " + p.message + "\n";
  CHECK_THAT(problems, Catch::Contains("set: must be an object of field values"));
  // "*" alone, as text or as the only element of the list: every non-terminal state but the target.
  for (const char* any : {R"("*")", R"(["*"])"}) {
    const auto wf = itsm::workflow::from_json(std::string(R"({"name": "w", "states": [
        {"id": "open", "category": "new", "initial": true}, {"id": "work", "category": "open"},
        {"id": "done", "category": "closed", "terminal": true}],
        "transitions": [{"id": "take", "from": ["open"], "to": "work", "roles": ["a"]},
                        {"id": "finish", "from": )") + any + R"(, "to": "done"}]})");
    REQUIRE(wf);
    CHECK((*wf)->find_transition((*wf)->find_state("open"), "finish") != itsm::workflow::npos);
    CHECK((*wf)->find_transition((*wf)->find_state("work"), "finish") != itsm::workflow::npos);
  }
  const auto none = itsm::builtin_workflow("incidnet");
  REQUIRE_FALSE(none);
  CHECK(none.error_value().code == itsm::errc::not_found);
  CHECK_THAT(none.error_value().message, Catch::Contains("no built-in process named 'incidnet' (known: incident,"));
}

TEST_CASE("event lines: a missing ticket, a bad time or comment, a create the engine refuses, a line too deep", "[events][errors]") {
  itsm::event_store store;
  auto refusal = [&](const std::string& line, std::size_t n) {
    const auto out = store.apply(line, n);
    REQUIRE_FALSE(out.ok());
    return out;
  };
  CHECK(refusal(R"({"at": "2026-03-02T10:00:00Z", "create": true, "workflow": "incident"})", 1).result.message ==
        "event.ticket: missing or not a non-empty string");
  const auto late = refusal(R"({"ticket": "X", "at": "2026-03-02T25:00:00Z", "update": true})", 2);
  CHECK(late.ticket == "X");
  CHECK_THAT(late.result.message, Catch::Contains("event.at: invalid time '2026-03-02T25:00:00Z'"));
  CHECK(refusal(R"({"ticket": "X", "at": "2026-03-02T10:00:00Z", "update": true, "comment": 7})", 3).result.message ==
        "event.comment: not a string");
  // change_normal's new state requires requested_by: the engine refuses the create itself.
  const auto uncreated = refusal(R"({"ticket": "CHG1", "workflow": "change_normal", "at": "2026-03-02T10:00:00Z",
                                     "create": true})", 4);
  CHECK(uncreated.result.code == itsm::errc::missing_fields);
  CHECK(uncreated.workflow == "change_normal");
  CHECK(uncreated.event == "create");
  CHECK(store.find("CHG1") == nullptr);
  const auto deep = refusal(std::string(100, '[') + std::string(100, ']'), 5);
  CHECK(deep.result.code == itsm::errc::limit_exceeded);
  CHECK_THAT(deep.result.message, Catch::Contains("limits.json_depth = 64"));
  CHECK(store.counts().refused == 5);
  CHECK(store.tickets().empty());
}

TEST_CASE("snapshots and replays: records out of place are named", "[ticket][errors]") {
  const auto wf = builtin("incident");
  const itsm::actor desk{"sam", {"service_desk"}};
  auto t = itsm::ticket::create(wf, "INC1", desk, at(0), {{"impact", 2}, {"urgency", 2}}).value();
  REQUIRE(t.fire("start", desk, at(60)).ok());
  REQUIRE(t.fire("hold", desk, at(120), {{"hold_reason", "awaiting_caller"}}).ok());
  const json snap = t.snapshot();
  auto restore_error = [&](const std::function<void(json&)>& edit) {
    json s = snap;
    edit(s);
    const auto r = itsm::ticket::restore(wf, s);
    return r ? std::string() : r.error_value().message;
  };
  CHECK(restore_error([](json& s) { s["history"][2]["from"] = "new"; }) ==
        "snapshot.history[2].from: 'new' but the record before it ends in 'in_progress'");
  CHECK(restore_error([](json& s) { s["history"][1]["transition"] = "create"; s["history"][1]["from"] = nullptr; }) ==
        "snapshot.history[1]: only the first record may be 'create'");
  CHECK_THAT(restore_error([](json& s) {
               s["history"][2] = {{"seq", 3}, {"at", "2026-03-02T00:02:00Z"}, {"actor", "sam"}, {"transition", "approve"},
                                  {"for", "start"}, {"from", "in_progress"}, {"to", "in_progress"},
                                  {"changes", json::object()}, {"priority", 2}};
             }),
             Catch::Contains("snapshot.history[2].for: 'start' is not a transition needing approvals from 'in_progress'"));
  auto replay_error = [&](const std::function<void(json&)>& edit) {
    json h = snap["history"];
    edit(h);
    const auto r = itsm::ticket::replay(wf, "INC2", h);
    return r ? std::string() : r.error_value().message;
  };
  CHECK(replay_error([](json& h) { h[2]["from"] = "new"; }) == "history[2].from: 'new' but the ticket is in 'in_progress'");
  // A second create record (it has no from-state) is named as such.
  CHECK(replay_error([](json& h) { h[1]["transition"] = "create"; h[1]["from"] = nullptr; }) ==
        "history[1]: only the first record may be 'create'");
  // A chain whose line has a seq that is not a positive integer.
  const std::string line = t.export_history().substr(0, t.export_history().find('\n'));
  json edited = json::parse(line);
  edited["seq"] = "1";
  const auto verified = itsm::verify_history(edited.dump() + "\n");
  REQUIRE_FALSE(verified);
  CHECK(verified.error_value().code == itsm::errc::tampered);
  CHECK_THAT(verified.error_value().message,
             Catch::Contains("ticket, prev and hash must be strings and seq a positive integer"));
}

TEST_CASE("a reject transition without roles is the approval rule's to fire", "[ticket]") {
  // docs/workflows.md, reject: with no roles on the reject transition, the actor needs the role of
  // the approval rule of a transition leaving the state; allowed() lists it for holders only.
  const auto wf = itsm::workflow::from_json(R"({"name": "vote", "roles": ["cab", "clerk"],
      "fields": ["reason", "owner"],
      "states": [{"id": "open", "category": "new", "initial": true}, {"id": "voting", "category": "open"},
                 {"id": "done", "category": "closed", "terminal": true}],
      "transitions": [{"id": "submit", "from": ["open"], "to": "voting", "roles": ["clerk"]},
                      {"id": "accept", "from": ["voting"], "to": "done", "approvals": {"role": "cab", "min": 1, "exclude": ["owner"]}},
                      {"id": "turn_down", "from": ["voting"], "to": "open", "kind": "reject", "requires": ["reason"]}]})");
  REQUIRE(wf);
  const itsm::actor clerk{"cleo", {"clerk"}}, member{"max", {"cab"}}, owners{"olga", {"cab"}};
  auto t = itsm::ticket::create(*wf, "V1", clerk, at(0), {{"owner", json::array({"olga", "oscar"})}}).value();
  REQUIRE(t.fire("submit", clerk, at(60)).ok());
  CHECK(t.allowed(clerk) == std::vector<std::string>{"accept"});  // no roles: anyone (approvals not checked)
  CHECK(t.allowed(member) == std::vector<std::string>{"accept", "turn_down"});
  const auto snap = t.snapshot();
  const auto denied = t.reject(clerk, at(120), {{"reason", "no"}});
  CHECK(denied.code == itsm::errc::role_denied);
  CHECK(denied.message == "role_denied: rejecting with 'turn_down' needs the approver role 'cab' (of 'accept'); 'cleo' has [clerk]");
  CHECK(denied.actor_roles == std::vector<std::string>{"clerk"});
  CHECK(denied.allowed_roles == std::vector<std::string>{"cab"});
  // An owner named in a list-valued exclude field may not approve or reject.
  CHECK(t.reject(owners, at(120), {{"reason", "no"}}).code == itsm::errc::segregation_of_duties);
  CHECK(t.approve(owners, at(120)).code == itsm::errc::segregation_of_duties);
  CHECK(t.snapshot() == snap);
  REQUIRE(t.reject(member, at(180), {{"reason", "not yet"}}).ok());
  CHECK(t.state() == "open");
}

TEST_CASE("guards that throw refuse, actions that throw are reported, the commit stands", "[ticket]") {
  const auto wf = itsm::workflow::from_json(R"({"name": "hooked", "guards": ["check"], "actions": ["notify"],
      "states": [{"id": "open", "category": "new", "initial": true}, {"id": "done", "category": "closed", "terminal": true}],
      "transitions": [{"id": "finish", "from": ["open"], "to": "done", "roles": ["a"], "guards": ["check"], "actions": ["notify"]}]})");
  REQUIRE(wf);
  const itsm::actor a{"ann", {"a"}};
  itsm::hooks host;
  host.guard("check", [](const itsm::guard_context&) -> std::optional<std::string> { throw 42; });
  host.action("notify", [](const itsm::ticket&, const itsm::history_record&) { throw 42; });
  auto t = itsm::ticket::create(*wf, "H1", a, at(0)).value();
  const auto refused = t.fire("finish", a, at(60), json::object(), "", &host);
  CHECK(refused.code == itsm::errc::guard_failed);
  CHECK(refused.message == "guard_failed: 'finish': guard 'check': threw an exception");
  CHECK(t.state() == "open");
  host.guard("check", [](const itsm::guard_context&) -> std::optional<std::string> { return std::nullopt; });
  const auto done = t.fire("finish", a, at(60), json::object(), "", &host);
  REQUIRE(done.ok());
  CHECK(done.action_errors == std::vector<std::string>{"notify: unknown exception"});
  CHECK(t.state() == "done");
}

TEST_CASE("the audit finds approvals and changes the engine would have refused, in restored histories", "[audit]") {
  const auto wf = builtin("change_normal");
  const itsm::actor rita{"rita", {"requester"}}, alex{"alex", {"assessor"}}, bea{"bea", {"cab"}}, carl{"carl", {"cab"}};
  itsm::hooks host;  // the schedule's guard and actions, with no freeze
  itsm::change_schedule::from_json(json{{"freezes", json::array()}}).value().install(host);
  auto t = itsm::ticket::create(wf, "CHG1", rita, at(0), {{"requested_by", "rita"}, {"implementer", "ivan"}}).value();
  REQUIRE(t.fire("submit", rita, at(60)).ok());
  REQUIRE(t.fire("request_authorization", alex, at(120),
                 {{"planned_start", "2026-03-05T22:00:00Z"}, {"planned_end", "2026-03-05T23:00:00Z"},
                  {"backout_plan", "restore"}, {"risk", "low"}}).ok());
  REQUIRE(t.approve(bea, at(180), {}, &host).ok());
  REQUIRE(t.approve(carl, at(240), {}, &host).ok());
  REQUIRE(t.state() == "scheduled");
  // A history in which the implementer approved, and one in which one member approved twice.
  json by_implementer = t.snapshot(), twice = t.snapshot();
  by_implementer["history"][3]["actor"] = "ivan";
  twice["history"][4]["actor"] = "bea";
  itsm::compliance_audit audit(itsm::sla_policy::builtin(), at(86400));
  for (const json* s : {&by_implementer, &twice}) {
    const auto restored = itsm::ticket::restore(wf, *s);
    REQUIRE(restored);
    audit.add(*restored);
  }
  std::vector<std::string> seen;
  for (const auto& f : audit.findings()) seen.push_back(f.rule + ": " + f.evidence);
  CHECK(seen == std::vector<std::string>{
                    "segregation_of_duties: record 4: 'ivan' approved 'schedule' while being its implementer",
                    "unapproved_change: record 6: 'schedule' into 'scheduled' with 1 of 2 cab approvals"});
  // Audits against different policies do not merge; this one is unchanged.
  auto other_policy = itsm::sla_policy::from_json(json{{"targets", {{"incident", {{"response", {{"P1", 60}}}}}}}}).value();
  itsm::compliance_audit other(other_policy, at(86400));
  const auto merged = audit.merge(other);
  REQUIRE_FALSE(merged);
  CHECK(merged.error_value().message == "audit merge: the audits use different SLA policies");
  CHECK(audit.findings().size() == 2);
}

TEST_CASE("a problem that is not resolved resolves no incident", "[links]") {
  const auto problem = itsm::ticket::create(builtin("problem"), "PRB1", itsm::actor::trusted("pat"), at(0)).value();
  auto incident = itsm::ticket::create(builtin("incident"), "INC1", itsm::actor::trusted("sam"), at(0)).value();
  const auto out = itsm::resolve_with_problem(problem, incident, itsm::actor::trusted("sam"), at(60));
  CHECK(out.code == itsm::errc::not_allowed_from_state);
  CHECK(out.state == "new");
  CHECK(out.message == "problem PRB1 is new, not resolved");
  CHECK(incident.state() == "new");
}

TEST_CASE("workflow definitions: every check names the place and what is wrong", "[workflow][errors]") {
  const json base = json::parse(R"({"name": "w", "roles": ["agent"], "fields": ["note", "owner"], "guards": ["g"],
      "actions": ["a"], "states": [{"id": "open", "category": "new", "initial": true},
                                   {"id": "done", "category": "closed", "terminal": true}],
      "transitions": [{"id": "finish", "from": ["open"], "to": "done", "roles": ["agent"]}]})");
  struct row {
    std::function<void(json&)> edit;
    std::string problem;  // "where: message"
  };
  const std::vector<row> rows = {
      {[](json& d) { d["name"] = ""; }, "workflow: name is empty"},
      {[](json& d) { d["fields"] = {"note", "note"}; }, "field 'note': declared twice"},
      {[](json& d) { d["fields"] = {"", "owner"}; }, "fields: empty field name"},
      {[](json& d) { d["roles"] = {"agent", "agent"}; }, "role 'agent': declared twice"},
      {[](json& d) { d["roles"] = {"agent", ""}; }, "roles: empty role name"},
      {[](json& d) { d["states"][0]["terminal"] = true; }, "state 'open': is both initial and terminal"},
      {[](json& d) { d["states"][1]["requires"] = {""}; }, "requires: empty field name"},
      {[](json& d) { d["transitions"][0]["id"] = ""; }, "transitions[0]: empty transition id"},
      {[](json& d) { d["transitions"][0]["from"] = json::array(); }, "from: no state (list states, or \"*\" for every open state)"},
      {[](json& d) { d["transitions"][0]["distinct"] = {"note"}; }, "distinct: needs at least two fields"},
      {[](json& d) { d["transitions"][0]["set"] = {{"colour", "red"}}; }, "set: field 'colour' is not declared in fields"},
      {[](json& d) { d["transitions"][0]["guards"] = {""}; }, "guards: empty guard name"},
      {[](json& d) { d["transitions"][0]["actions"] = {"b"}; }, "actions: action 'b' is not declared in actions"},
      {[](json& d) { d["transitions"][0]["actions"] = {""}; }, "actions: empty action name"},
      {[](json& d) { d["transitions"][0]["approvals"] = {{"role", ""}}; }, "approvals.role is empty"},
  };
  for (const auto& r : rows) {
    json d = base;
    r.edit(d);
    INFO(d.dump());
    const auto def = itsm::workflow::parse(d);
    std::string problems = def ? "" : def.error_value().message;
    if (def) {
      for (const auto& p : itsm::workflow::check(*def)) problems += p.where + ": " + p.message + "\n";
    }
    CHECK_THAT(problems, Catch::Contains(r.problem));
    CHECK_FALSE(itsm::workflow::from_json(d));
  }
}

TEST_CASE("event lines: every key of the form is checked and named", "[events][errors]") {
  itsm::event_store store;
  REQUIRE(store.apply(R"({"ticket": "X", "workflow": "incident", "at": "2026-03-02T10:00:00Z", "create": true})", 1).ok());
  const std::string x = R"({"ticket": "X", "at": "2026-03-02T11:00:00Z", )";
  struct row {
    std::string line;
    itsm::errc code;
    std::string message;
  };
  const std::vector<row> rows = {
      {R"({"ticket": "X", "update": true})", itsm::errc::invalid_argument, "event.at: missing or not a time string"},
      {R"({"ticket": "X", "at": "2026-03-02T11:00:00", "update": true})", itsm::errc::invalid_argument,
       "event.at: '2026-03-02T11:00:00' has no offset (add Z or +HH:MM)"},
      {x + R"("update": true, "actor": 5})", itsm::errc::invalid_argument, "event.actor: not a string"},
      {x + R"("update": true, "roles": "service_desk"})", itsm::errc::invalid_argument, "event.roles: not an array of strings"},
      {x + R"("update": true, "roles": [1]})", itsm::errc::invalid_argument, "event.roles: not an array of strings"},
      {x + R"("update": true, "fields": [1]})", itsm::errc::invalid_argument, "event.fields: not an object"},
      {x + R"("update": true, "approve": true})", itsm::errc::invalid_argument,
       "event: needs exactly one of create, transition, to, approve, reject, update"},
      {x + R"("create": 1, "workflow": "incident"})", itsm::errc::invalid_argument, "event.create: must be true"},
      {x + R"("create": true})", itsm::errc::invalid_argument, "event.workflow: missing or not a string"},
      {x + R"("create": true, "workflow": "nope"})", itsm::errc::not_found, "event.workflow: no workflow named 'nope'"},
      {x + R"("create": true, "workflow": "incident"})", itsm::errc::invalid_argument, "ticket X already exists"},
      {x + R"("transition": 5})", itsm::errc::invalid_argument, "event.transition: not a string"},
      {x + R"("to": 5})", itsm::errc::invalid_argument, "event.to: not a string"},
      {x + R"("approve": false})", itsm::errc::invalid_argument, "event.approve: must be true"},
      {x + R"("reject": "yes"})", itsm::errc::invalid_argument, "event.reject: must be true"},
      {x + R"("update": 1})", itsm::errc::invalid_argument, "event.update: must be true"},
      {R"({"ticket": "Y", "at": "2026-03-02T11:00:00Z", "update": true})", itsm::errc::not_found,
       "ticket Y has not been created (no create event before)"},
  };
  const json before = store.find("X")->snapshot();
  std::size_t line = 2;
  for (const auto& r : rows) {
    INFO(r.line);
    const auto out = store.apply(r.line, line++);
    CHECK(out.result.code == r.code);
    CHECK(out.result.message == r.message);
  }
  CHECK(store.find("X")->snapshot() == before);
  CHECK(store.counts().refused == rows.size());
  CHECK(store.tickets().size() == 1);
}

TEST_CASE("role_denied names the actor's roles and the roles that would do, in the outcome and its JSON", "[ticket]") {
  const auto wf = itsm::workflow::from_json(R"({"name": "roles", "roles": ["clerk", "lead", "cab", "guest"],
      "states": [{"id": "open", "category": "new", "initial": true}, {"id": "voting", "category": "open"},
                 {"id": "done", "category": "closed", "terminal": true}],
      "transitions": [{"id": "submit", "from": ["open"], "to": "voting", "roles": ["clerk", "lead"]},
                      {"id": "accept", "from": ["voting"], "to": "done", "approvals": {"role": "cab", "min": 1}}]})");
  REQUIRE(wf);
  const itsm::actor guest{"gus", {"guest", "reader"}}, nobody{"nora", {}}, clerk{"cleo", {"clerk"}};
  auto t = itsm::ticket::create(*wf, "R1", clerk, at(0)).value();
  // A transition's own roles.
  const auto by_guest = t.fire("submit", guest, at(60));
  CHECK(by_guest.code == itsm::errc::role_denied);
  CHECK(by_guest.actor_roles == std::vector<std::string>{"guest", "reader"});
  CHECK(by_guest.allowed_roles == std::vector<std::string>{"clerk", "lead"});
  CHECK(itsm::to_json(by_guest) == json{{"code", "role_denied"},
                                        {"message", by_guest.message},
                                        {"actor_roles", {"guest", "reader"}},
                                        {"allowed_roles", {"clerk", "lead"}}});
  // An actor with no roles: both keys are there, one empty.
  const auto by_nobody = itsm::to_json(t.fire("submit", nobody, at(60)));
  CHECK(by_nobody.at("actor_roles") == json::array());
  CHECK(by_nobody.at("allowed_roles") == json{"clerk", "lead"});
  // An approval: the rule's role.
  REQUIRE(t.fire("submit", clerk, at(60)).ok());
  const auto approving = t.approve(clerk, at(120));
  CHECK(approving.code == itsm::errc::role_denied);
  CHECK(approving.actor_roles == std::vector<std::string>{"clerk"});
  CHECK(approving.allowed_roles == std::vector<std::string>{"cab"});
  // Other refusals carry neither key.
  const auto other = itsm::to_json(t.fire("submit", clerk, at(180)));
  CHECK(other.at("code") == "not_allowed_from_state");
  CHECK(!other.contains("actor_roles"));
  CHECK(!other.contains("allowed_roles"));
}

TEST_CASE("a ticket changed from its own guard or action is refused as busy, and the outer call commits as if it had not been tried", "[ticket]") {
  const auto wf = itsm::workflow::from_json(R"({"name": "loop", "fields": ["note"], "guards": ["check"], "actions": ["notify"],
      "states": [{"id": "new", "category": "new", "initial": true}, {"id": "open", "category": "open"},
                 {"id": "closed", "category": "closed", "terminal": true}],
      "transitions": [{"id": "start", "from": ["new"], "to": "open", "guards": ["check"], "actions": ["notify"]},
                      {"id": "close", "from": ["open"], "to": "closed"}]})");
  REQUIRE(wf);
  const itsm::actor a{"ann", {}};
  auto t = itsm::ticket::create(*wf, "B1", a, at(0)).value();
  const auto twin = t;
  std::vector<itsm::outcome> inner;
  bool busy_seen = false, clone_busy = true;
  itsm::hooks host;
  // The host holds the ticket by a reference of its own (guards are given a const one).
  host.guard("check", [&](const itsm::guard_context& g) -> std::optional<std::string> {
    busy_seen = g.subject.busy();
    itsm::ticket copy = g.subject;  // a copy is a ticket of its own: not busy
    clone_busy = copy.busy();
    inner.push_back(t.fire("start", a, at(30)));
    inner.push_back(t.move_to("open", a, at(30)));
    inner.push_back(t.update(a, at(30), {{"note", "from the guard"}}));
    inner.push_back(t.approve(a, at(30)));
    inner.push_back(t.reject(a, at(30)));
    inner.push_back(copy.update(a, at(30), {{"note", "on the copy"}}));
    return std::nullopt;
  });
  host.action("notify", [&](const itsm::ticket&, const itsm::history_record&) {
    inner.push_back(t.fire("close", a, at(40)));
    inner.push_back(t.update(a, at(40), {{"note", "from the action"}}));
  });
  const auto done = t.fire("start", a, at(20), json::object(), "", &host);
  REQUIRE(done.ok());
  CHECK(done.action_errors.empty());
  CHECK(busy_seen);
  CHECK_FALSE(clone_busy);
  CHECK_FALSE(t.busy());
  REQUIRE(inner.size() == 8);
  const char* calls[] = {"fire", "move_to", "update", "approve", "reject", nullptr, "fire", "update"};
  for (std::size_t i = 0; i < inner.size(); ++i) {
    INFO(i);
    if (calls[i] == nullptr) {
      CHECK(inner[i].ok());  // the copy changed
      continue;
    }
    CHECK(inner[i].code == itsm::errc::busy);
    CHECK(inner[i].message == std::string("busy: ") + calls[i] +
                                  ": ticket B1 is running one of its own guards or actions; it may not be changed until they return");
  }
  CHECK(std::string(itsm::to_string(itsm::errc::busy)) == "busy");
  // The ticket is what the outer call alone makes of it.
  auto alone = twin;
  itsm::hooks quiet;
  quiet.guard("check", [](const itsm::guard_context&) -> std::optional<std::string> { return std::nullopt; });
  REQUIRE(alone.fire("start", a, at(20), json::object(), "", &quiet).ok());
  CHECK(t.snapshot() == alone.snapshot());
  CHECK(itsm::ticket::restore(wf.value(), t.snapshot()).has_value());
  // Afterwards the ticket changes as usual.
  CHECK(t.fire("close", a, at(50)).ok());
}

}  // namespace refusals_named_test
