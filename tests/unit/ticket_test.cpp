// Tickets: every result code, all-or-nothing (a refused call leaves the snapshot byte for byte
// as it was), approvals with segregation of duties, guards and actions, priority, each built-in
// process walked through its happy path and its refusals, snapshot/restore/replay and the hash
// chain (including tampered exports).

#include <catch2/catch.hpp>

#include "itsm/change_schedule.hpp"
#include "itsm/ticket.hpp"
#include "ticket_support.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace ticket_test {

namespace {

using itsm::actor;
using itsm::errc;
using itsm::ticket;
using nlohmann::json;

using itsm_test::at;
using itsm_test::builtin;
using itsm_test::ok;
using itsm_test::refused;

ticket make(const char* wf, const char* id, const json& fields = json::object()) {
  auto t = ticket::create(builtin(wf), id, actor{"creator", {}}, at(0), fields);
  INFO((t ? "" : t.error_value().message));
  REQUIRE(t);
  return std::move(*t);
}

const actor desk{"sam", {"service_desk"}};

/// The hooks a host running the built-in change processes registers: an empty schedule.
const itsm::hooks& change_hooks() {
  static const itsm::hooks host = [] {
    itsm::hooks h;
    itsm::change_schedule().install(h);
    return h;
  }();
  return host;
}
const actor support{"sue", {"support"}};
const actor caller{"carol", {"caller"}};

/// Snapshot -> restore -> snapshot and history -> replay -> snapshot are the identity.
void round_trips(const ticket& t) {
  const json snap = t.snapshot();
  auto restored = ticket::restore(t.definition_ptr(), snap);
  INFO((restored ? "" : restored.error_value().message));
  REQUIRE(restored);
  CHECK(restored->snapshot() == snap);
  auto text = ticket::restore(t.definition_ptr(), std::string_view(snap.dump()));
  REQUIRE(text);
  auto replayed = ticket::replay(t.definition_ptr(), "", snap);
  INFO((replayed ? "" : replayed.error_value().message));
  REQUIRE(replayed);
  CHECK(replayed->snapshot() == snap);
  auto chain = itsm::verify_history(t.export_history());
  REQUIRE(chain);
  CHECK(chain->records == t.history().size());
}

}  // namespace

TEST_CASE("incident: happy path, hold reasons as updates, reopen, close") {
  auto t = make("incident", "INC1", {{"short_description", "VPN drops"}, {"caller", "carol"}, {"impact", 2}, {"urgency", 3}});
  CHECK(t.state() == "new");
  CHECK(t.priority() == 2);
  ok(t.fire("start", desk, at(5)));
  ok(t.fire("hold", support, at(10), {{"hold_reason", "awaiting_caller"}}));
  CHECK(t.category() == itsm::state_category::waiting);
  ok(t.update(support, at(11), {{"hold_reason", "awaiting_vendor"}}, "vendor ticket 4711"));
  CHECK(t.history().back().kind == itsm::record_kind::update);
  CHECK(t.state() == "on_hold");
  ok(t.fire("start", support, at(60)));
  ok(t.fire("resolve", support, at(90), {{"resolution_code", "solved_permanently"}, {"resolution_notes", "new firmware"}}));
  ok(t.fire("reopen", caller, at(100)));
  ok(t.move_to("resolved", support, at(120)));
  ok(t.fire("close", caller, at(200)));
  CHECK(t.is_terminal());
  CHECK(t.history().size() == 9);
  CHECK(t.history().back().seq == 9);
  round_trips(t);
}

TEST_CASE("every refusal code, each leaving the ticket unchanged") {
  auto t = make("incident", "INC2", {{"short_description", "x"}});
  SECTION("unknown_transition") {
    auto out = refused(t, errc::unknown_transition, [](ticket& x) { return x.fire("teleport", desk, at(1)); });
    CHECK_THAT(out.message, Catch::Contains("no transition 'teleport'"));
  }
  SECTION("not_allowed_from_state, with the state and what is allowed") {
    auto out = refused(t, errc::not_allowed_from_state, [](ticket& x) { return x.fire("close", desk, at(1)); });
    CHECK(out.state == "new");
    CHECK(out.allowed == std::vector<std::string>{"start", "hold", "resolve", "cancel"});
  }
  SECTION("role_denied") {
    auto out = refused(t, errc::role_denied, [](ticket& x) { return x.fire("start", caller, at(1)); });
    CHECK_THAT(out.message, Catch::Contains("needs one of [service_desk, support]; 'carol' has [caller]"));
  }
  SECTION("missing_fields names each field") {
    auto out = refused(t, errc::missing_fields, [](ticket& x) {
      return x.fire("resolve", desk, at(1), {{"resolution_code", "solved_remotely"}, {"resolution_notes", ""}});
    });
    CHECK(out.missing == std::vector<std::string>{"resolution_notes"});
  }
  SECTION("time_went_backwards") {
    ok(t.fire("start", desk, at(10)));
    refused(t, errc::time_went_backwards, [](ticket& x) { return x.fire("hold", desk, at(9), {{"hold_reason", "awaiting_caller"}}); });
  }
  SECTION("bad field values and unknown fields") {
    auto out = refused(t, errc::invalid_argument, [](ticket& x) { return x.fire("hold", desk, at(1), {{"hold_reason", "lunch"}}); });
    CHECK_THAT(out.message, Catch::Contains("fields.hold_reason: \"lunch\" is not one of awaiting_caller"));
    out = refused(t, errc::invalid_argument, [](ticket& x) { return x.fire("start", desk, at(1), {{"colour", "red"}}); });
    CHECK_THAT(out.message, Catch::Contains("fields.colour: not a field of workflow 'incident'"));
    out = refused(t, errc::invalid_argument, [](ticket& x) { return x.fire("start", desk, at(1), {{"impact", "high"}}); });
    CHECK_THAT(out.message, Catch::Contains("fields.impact"));
    refused(t, errc::invalid_argument, [](ticket& x) { return x.fire("start", desk, at(1), json::array()); });
  }
  SECTION("move_to: unknown state, no transition there") {
    refused(t, errc::not_found, [](ticket& x) { return x.move_to("limbo", desk, at(1)); });
    refused(t, errc::not_allowed_from_state, [](ticket& x) { return x.move_to("closed", desk, at(1)); });
  }
  SECTION("a terminal ticket no longer changes") {
    ok(t.fire("cancel", desk, at(1), {{"cancel_reason", "duplicate"}}));
    refused(t, errc::not_allowed_from_state, [](ticket& x) { return x.update(desk, at(2), {{"caller", "x"}}); });
    refused(t, errc::not_allowed_from_state, [](ticket& x) { return x.move_to("cancelled", desk, at(2), {{"caller", "x"}}); });
  }
  SECTION("update may not remove what the state requires") {
    ok(t.fire("hold", desk, at(1), {{"hold_reason", "awaiting_caller"}}));
    auto out = refused(t, errc::missing_fields, [](ticket& x) { return x.update(desk, at(2), {{"hold_reason", nullptr}}); });
    CHECK(out.missing == std::vector<std::string>{"hold_reason"});
  }
}

TEST_CASE("creating a ticket checks the initial state's fields") {
  auto wf = builtin("change_normal");
  auto t = ticket::create(wf, "CHG0", actor{"rita", {}}, at(0), json::object());
  REQUIRE_FALSE(t);
  CHECK(t.error_value().code == errc::missing_fields);
  CHECK_THAT(t.error_value().message, Catch::Contains("requested_by"));
  CHECK_FALSE(ticket::create(wf, "", actor{"rita", {}}, at(0), {{"requested_by", "rita"}}));
  CHECK_FALSE(ticket::create(nullptr, "X", actor{"rita", {}}, at(0)));
  CHECK(ticket::create(wf, "CHG0", actor{"rita", {}}, at(0), {{"requested_by", "rita"}, {"what", 1}})
            .error_value()
            .code == errc::invalid_argument);
}

TEST_CASE("allowed lists what an actor may fire now") {
  auto t = make("incident", "INC3");
  CHECK(t.allowed(desk) == std::vector<std::string>{"start", "hold", "resolve", "cancel"});
  CHECK(t.allowed(caller).empty());
  CHECK(t.allowed(actor::trusted("import")).size() == 4);
}

TEST_CASE("priority from impact x urgency, overridable, recorded in history") {
  auto t = make("incident", "INC4", {{"impact", "1 - High"}, {"urgency", "2 - Medium"}});
  CHECK(t.priority() == 1);
  ok(t.update(desk, at(1), {{"urgency", 5}}));
  CHECK(t.priority() == 3);
  CHECK(t.history().back().priority == 3);
  ok(t.update(desk, at(2), {{"priority", "P2"}}));
  CHECK(t.priority() == 2);
  ok(t.update(desk, at(3), {{"priority", nullptr}, {"impact", 5}}));
  CHECK(t.priority() == 5);
  // The default matrix (docs/workflows.md, priority_matrix): row impact 1..5, column urgency 1..5.
  constexpr int itil[5][5] = {{1, 1, 2, 2, 3},  //
                              {1, 2, 2, 3, 3},
                              {2, 2, 3, 3, 4},
                              {2, 3, 3, 4, 4},
                              {3, 3, 4, 4, 5}};
  const auto wf = builtin("incident");
  for (int i = 1; i <= 5; ++i)
    for (int u = 1; u <= 5; ++u) CHECK(wf->priority(i, u) == itil[i - 1][u - 1]);
  CHECK(wf->priority(0, 3) == 0);
  CHECK(wf->priority(6, 1) == 0);
  round_trips(t);
}

TEST_CASE("change_normal: CAB of two, segregation of duties, rejection, close") {
  auto t = make("change_normal", "CHG1", {{"requested_by", "rita"}, {"implementer", "ivan"}});
  const actor rita{"rita", {"requester", "cab"}};
  const actor alex{"alex", {"assessor"}};
  const actor mona{"mona", {"change_manager"}};
  const actor ivan{"ivan", {"implementer", "cab"}};
  const actor bea{"bea", {"cab"}};
  const actor carl{"carl", {"cab"}};
  const json plan = {{"planned_start", "2026-03-05T22:00:00Z"}, {"planned_end", "2026-03-05T23:00:00Z"},
                     {"backout_plan", "reflash"}, {"risk", "moderate"}};
  refused(t, errc::not_allowed_from_state, [&](ticket& x) { return x.approve(bea, at(1)); });
  ok(t.fire("submit", rita, at(1)));
  ok(t.fire("revert", alex, at(2), json::object(), "needs a backout plan"));
  CHECK(t.state() == "new");
  ok(t.fire("submit", rita, at(3)));
  ok(t.fire("request_authorization", alex, at(4)));
  ok(t.update(mona, at(5), plan));
  auto pending = refused(t, errc::approvals_pending, [&](ticket& x) { return x.fire("schedule", mona, at(5), json::object(), {}, &change_hooks()); });
  CHECK(pending.approvals == 0);
  CHECK(pending.approvals_needed == 2);
  auto sod = refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.approve(ivan, at(6)); });
  CHECK_THAT(sod.message, Catch::Contains("'ivan' is the implementer of ticket CHG1"));
  refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.approve(rita, at(6)); });
  refused(t, errc::role_denied, [&](ticket& x) { return x.approve(alex, at(6)); });
  auto first = t.approve(bea, at(7));
  ok(first);
  CHECK(first.approvals == 1);
  CHECK(first.fired.empty());
  refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.approve(bea, at(8)); });
  refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.reject(ivan, at(8), {{"rejection_reason", "no"}}); });
  auto unchecked = t;  // without a schedule the guard fails closed: approved, not fired
  auto no_schedule = unchecked.approve(carl, at(9));
  ok(no_schedule);
  CHECK(no_schedule.fired.empty());
  CHECK_THAT(no_schedule.message, Catch::Contains("change_schedule_clear"));
  CHECK(unchecked.state() == "authorize");
  auto second = t.approve(carl, at(9), {}, &change_hooks());
  ok(second);
  CHECK(second.fired == "schedule");
  CHECK(t.state() == "scheduled");
  CHECK(t.approvals().empty());
  ok(t.fire("implement", ivan, at(10)));
  refused(t, errc::missing_fields, [&](ticket& x) { return x.fire("review", ivan, at(11)); });
  ok(t.fire("review", ivan, at(11), {{"close_code", "successful"}}, {}, &change_hooks()));
  refused(t, errc::not_allowed_from_state, [&](ticket& x) { return x.fire("cancel", mona, at(12), {{"cancel_reason", "late"}}); });
  ok(t.fire("close", mona, at(12)));
  round_trips(t);

  auto r = make("change_normal", "CHG2", {{"requested_by", "rita"}});
  ok(r.fire("submit", rita, at(1)));
  ok(r.fire("request_authorization", alex, at(2)));
  ok(r.approve(bea, at(3)));
  refused(r, errc::missing_fields, [&](ticket& x) { return x.reject(carl, at(4)); });
  refused(r, errc::role_denied, [&](ticket& x) { return x.reject(mona, at(4), {{"rejection_reason", "risky"}}); });
  ok(r.reject(carl, at(4), {{"rejection_reason", "too risky"}}));
  CHECK(r.state() == "new");
  CHECK(r.approvals().empty());  // a new round of approvals after a rejection
  round_trips(r);
}

TEST_CASE("change_standard and change_emergency") {
  const actor rita{"rita", {"requester"}};
  const actor mona{"mona", {"change_manager"}};
  const actor ivan{"ivan", {"implementer"}};
  auto s = make("change_standard", "CHG3", {{"requested_by", "rita"}, {"template", "patch"}});
  refused(s, errc::missing_fields, [&](ticket& x) { return x.fire("schedule", rita, at(1), json::object(), {}, &change_hooks()); });
  auto unreadable = refused(s, errc::guard_failed, [&](ticket& x) {
    return x.fire("schedule", rita, at(1), {{"planned_start", "a"}, {"planned_end", "b"}}, {}, &change_hooks());
  });
  CHECK_THAT(unreadable.message, Catch::Contains("planned_start"));
  const json window = {{"planned_start", "2026-03-05T22:00:00Z"}, {"planned_end", "2026-03-05T23:00:00Z"}};
  auto unchecked = refused(s, errc::guard_failed, [&](ticket& x) { return x.fire("schedule", rita, at(1), window); });
  CHECK(unchecked.guard == "change_schedule_clear");
  ok(s.fire("schedule", rita, at(1), window, {}, &change_hooks()));
  refused(s, errc::role_denied, [&](ticket& x) { return x.fire("implement", rita, at(2), {{"implementer", "ivan"}}); });
  ok(s.fire("implement", ivan, at(2), {{"implementer", "ivan"}}));
  ok(s.fire("review", ivan, at(3), {{"close_code", "unsuccessful"}}));
  ok(s.fire("close", mona, at(4)));
  round_trips(s);

  refused(s, errc::not_allowed_from_state, [&](ticket& x) { return x.fire("schedule", rita, at(5)); });
  auto e = make("change_emergency", "CHG4", {{"requested_by", "rita"}, {"justification", "outage"}, {"implementer", "ivan"}});
  ok(e.fire("request_authorization", rita, at(1)));
  ok(e.update(mona, at(2), {{"planned_start", "2026-03-02T10:30:00Z"}, {"planned_end", "2026-03-02T11:00:00Z"}, {"backout_plan", "c"}}));
  refused(e, errc::segregation_of_duties, [&](ticket& x) { return x.approve(actor{"rita", {"ecab"}}, at(3)); });
  auto granted = e.approve(actor{"erin", {"ecab"}}, at(3), {}, &change_hooks());
  ok(granted);
  CHECK(granted.fired == "schedule");
  ok(e.fire("implement", ivan, at(4)));
  ok(e.fire("review", ivan, at(5), {{"close_code", "successful"}}));
  ok(e.fire("close", mona, at(6)));
  round_trips(e);
}

TEST_CASE("service_request: approval by someone other than the requester") {
  const actor rob{"rob", {"requester", "approver"}};
  const actor mia{"mia", {"approver"}};
  const actor fred{"fred", {"fulfiller"}};
  auto t = make("service_request", "RITM1", {{"requested_by", "rob"}, {"item", "laptop"}});
  ok(t.fire("request_approval", rob, at(1)));
  auto self = refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.approve(rob, at(2)); });
  CHECK_THAT(self.message, Catch::Contains("'rob' is the requested_by"));
  auto granted = t.approve(mia, at(3));
  ok(granted);
  CHECK(granted.fired == "grant");
  ok(t.fire("fulfil", fred, at(4)));
  refused(t, errc::missing_fields, [&](ticket& x) { return x.fire("pend", fred, at(5)); });
  ok(t.fire("pend", fred, at(5), {{"pending_reason", "which colour?"}}));
  ok(t.fire("resume", rob, at(6)));
  ok(t.fire("complete", fred, at(7), {{"fulfilment_notes", "shipped"}}));
  ok(t.fire("close", rob, at(8)));
  round_trips(t);

  auto r = make("service_request", "RITM2", {{"requested_by", "rob"}});
  ok(r.fire("request_approval", rob, at(1)));
  ok(r.reject(mia, at(2), {{"rejection_reason", "no budget"}}));
  CHECK(r.state() == "rejected");
  ok(r.fire("close", rob, at(3)));
  round_trips(r);
}

TEST_CASE("problem: analysis, known error as a self-loop, accept risk, close") {
  const actor pm{"pat", {"problem_manager"}};
  const actor pa{"ann", {"problem_analyst"}};
  auto t = make("problem", "PRB1", {{"short_description", "VPN drops"}});
  ok(t.fire("assess", pm, at(1)));
  refused(t, errc::role_denied, [&](ticket& x) { return x.fire("close", pa, at(2), {{"close_code", "duplicate"}}); });
  ok(t.fire("analyse", pa, at(2)));
  refused(t, errc::missing_fields, [&](ticket& x) { return x.fire("mark_known_error", pa, at(3)); });
  ok(t.fire("mark_known_error", pa, at(3), {{"workaround", "reconnect"}}));
  CHECK(t.state() == "root_cause_analysis");
  CHECK(t.fields()["known_error"] == true);
  refused(t, errc::missing_fields, [&](ticket& x) { return x.fire("start_fix", pa, at(4)); });
  ok(t.fire("start_fix", pa, at(4), {{"root_cause", "firmware"}}));
  ok(t.fire("reanalyse", pa, at(5)));
  ok(t.fire("accept_risk", pm, at(6), {{"risk_acceptance", "EOL next quarter"}}));
  CHECK(t.fields()["resolution_code"] == "risk_accepted");
  ok(t.fire("close", pm, at(7), {{"close_code", "resolved"}}));
  round_trips(t);
  // The transition's own value wins over the caller's.
  auto u = make("problem", "PRB2");
  ok(u.fire("assess", pm, at(1)));
  ok(u.fire("analyse", pm, at(2)));
  ok(u.fire("accept_risk", pm, at(3), {{"risk_acceptance", "x"}, {"resolution_code", "fix_applied"}}));
  CHECK(u.fields()["resolution_code"] == "risk_accepted");
}

TEST_CASE("audit engagement and findings: independence, report approval, the host guard") {
  const actor am{"ada", {"audit_manager"}};
  const actor au{"otto", {"auditor"}};
  const actor board{"bo", {"audit_committee"}};
  auto e = make("audit_engagement", "AUD1", {{"process", "change"}, {"process_owner", "otto"}});
  const json scope = {{"objective", "o"}, {"scope", "s"}, {"criteria", "ISO 20000-1 8.5.1"}};
  json own = scope;
  own["lead_auditor"] = "otto";
  auto independent = refused(e, errc::segregation_of_duties, [&](ticket& x) { return x.fire("scope", am, at(1), own); });
  CHECK_THAT(independent.message, Catch::Contains("lead_auditor and process_owner to differ"));
  json good = scope;
  good["lead_auditor"] = "lena";
  ok(e.fire("scope", am, at(1), good));
  ok(e.fire("prepare", am, at(2), {{"audit_plan", "plan"}}));
  ok(e.fire("start_fieldwork", actor{"lena", {"auditor"}}, at(3)));
  ok(e.fire("submit_report", actor{"lena", {"auditor"}}, at(4), {{"report", "r1"}}));
  refused(e, errc::segregation_of_duties, [&](ticket& x) { return x.approve(actor{"otto", {"audit_committee"}}, at(5)); });
  ok(e.reject(board, at(5), {{"rejection_reason", "evidence thin"}}));
  CHECK(e.state() == "fieldwork");
  ok(e.fire("submit_report", actor{"lena", {"auditor"}}, at(6)));
  auto approved = e.approve(board, at(7));
  ok(approved);
  CHECK(e.state() == "follow_up");

  auto f = make("audit_finding", "F1", {{"engagement", "AUD1"}, {"description", "CAB minutes missing"}, {"severity", "minor"}});
  itsm::hooks host;
  host.guard("all_findings_closed", [&f](const itsm::guard_context& g) -> std::optional<std::string> {
    if (f.fields()["engagement"] == g.subject.id() && !f.is_terminal()) return "finding " + f.id() + " is open";
    return std::nullopt;
  });
  auto no_host = refused(e, errc::guard_failed, [&](ticket& x) { return x.fire("close", am, at(8)); });
  CHECK(no_host.guard == "all_findings_closed");
  CHECK_THAT(no_host.message, Catch::Contains("has not registered"));
  auto open = refused(e, errc::guard_failed, [&](ticket& x) { return x.fire("close", am, at(8), json::object(), {}, &host); });
  CHECK_THAT(open.message, Catch::Contains("finding F1 is open"));

  const actor owner{"otto", {"auditee"}};
  ok(f.fire("analyse", owner, at(8)));
  ok(f.fire("plan_action", owner, at(9), {{"root_cause", "no template"}, {"action_plan", "template"}}));
  ok(f.fire("implement_action", owner, at(10), {{"action_notes", "done"}}));
  refused(f, errc::role_denied, [&](ticket& x) { return x.fire("verify", owner, at(11), {{"verification_notes", "ok"}}); });
  ok(f.fire("verification_failed", au, at(11), {{"verification_notes", "still missing"}}));
  CHECK(f.state() == "action_planned");
  ok(f.fire("implement_action", owner, at(12)));
  ok(f.fire("verify", au, at(13)));
  ok(f.fire("close", au, at(14)));
  ok(e.fire("close", am, at(15), json::object(), {}, &host));
  round_trips(e);
  round_trips(f);
}

TEST_CASE("guards see the fields after the change and cannot change the ticket, actions run after commit") {
  itsm::workflow_definition d;
  d.name = "hooked";
  d.guards = std::vector<std::string>{"budget_ok"};
  d.actions = std::vector<std::string>{"notify", "explode", "unregistered"};
  d.add_state("new", itsm::state_category::new_).initial = true;
  d.add_state("done", itsm::state_category::closed).terminal = true;
  auto& t = d.add_transition("finish", {"new"}, "done");
  t.roles = {"agent"};
  t.guards = {"budget_ok"};
  t.actions = {"notify", "explode", "unregistered"};
  auto wf = itsm::workflow::build(d);
  REQUIRE(wf);
  std::vector<std::string> seen;
  itsm::hooks host;
  host.guard("budget_ok", [&](const itsm::guard_context& g) -> std::optional<std::string> {
    seen.push_back("guard in " + g.subject.state());
    if (g.fields_after.value("cost", 0) > 100) return "cost " + g.fields_after["cost"].dump() + " over budget";
    return std::nullopt;
  });
  host.action("notify", [&](const ticket& tk, const itsm::history_record& r) {
    seen.push_back("notify " + tk.state() + " seq " + std::to_string(r.seq));
  });
  host.action("explode", [](const ticket&, const itsm::history_record&) { throw std::runtime_error("mail server down"); });
  auto tk = ticket::create(*wf, "H1", actor{"a", {}}, at(0));
  REQUIRE(tk);
  const actor agent{"al", {"agent"}};
  auto over = refused(*tk, errc::guard_failed, [&](ticket& x) { return x.fire("finish", agent, at(1), {{"cost", 500}}, {}, &host); });
  CHECK_THAT(over.message, Catch::Contains("cost 500 over budget"));
  auto done = tk->fire("finish", agent, at(1), {{"cost", 50}}, {}, &host);
  ok(done);
  CHECK(done.action_errors == std::vector<std::string>{"explode: mail server down"});
  CHECK(seen == std::vector<std::string>{"guard in new", "guard in new", "notify done seq 2"});
  // Restore and replay run nothing.
  seen.clear();
  REQUIRE(ticket::restore(*wf, tk->snapshot()));
  REQUIRE(ticket::replay(*wf, "", tk->snapshot()));
  CHECK(seen.empty());
}

TEST_CASE("move_to picks the one transition, prefers the actor's, refuses ambiguity") {
  itsm::workflow_definition d;
  d.name = "two_ways";
  d.add_state("new", itsm::state_category::new_).initial = true;
  d.add_state("done", itsm::state_category::closed).terminal = true;
  d.add_transition("fast", {"new"}, "done").roles = {"boss"};
  d.add_transition("slow", {"new"}, "done").roles = {"clerk"};
  auto wf = itsm::workflow::build(d);
  REQUIRE(wf);
  auto t = ticket::create(*wf, "M1", actor{"a", {}}, at(0));
  REQUIRE(t);
  refused(*t, errc::ambiguous, [](ticket& x) { return x.move_to("done", actor::trusted("import"), at(1)); });
  ok(t->move_to("done", actor{"c", {"clerk"}}, at(1)));
  CHECK(t->history().back().transition == (*wf)->find_transition(0, "slow"));
}

TEST_CASE("snapshots: restore checks everything, refuses what does not fit") {
  auto t = make("incident", "INC9", {{"impact", 1}, {"urgency", 1}});
  ok(t.fire("start", desk, at(1)));
  const json good = t.snapshot();
  const auto wf = t.definition_ptr();
  auto broken = [&](auto edit, const char* message) {
    json s = good;
    edit(s);
    auto r = ticket::restore(wf, s);
    INFO(s.dump());
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error_value().message, Catch::Contains(message));
  };
  broken([](json& s) { s["workflow"] = "problem"; }, "the snapshot is of 'problem'");
  broken([](json& s) { s["state"] = "closed"; }, "snapshot.state: 'closed' but the history ends in 'in_progress'");
  broken([](json& s) { s["state"] = "nowhere"; }, "'nowhere' is not a state of workflow 'incident'");
  broken([](json& s) { s["history"][1]["seq"] = 5; }, "snapshot.history[1].seq: 5, expected 2");
  broken([](json& s) { s["history"][1]["transition"] = "resolve"; }, "'resolve' does not lead from 'new' to 'in_progress'");
  broken([](json& s) { s["history"][1]["at"] = "2020-01-01T00:00:00Z"; }, "earlier than the record before it");
  broken([](json& s) { s["priority"] = 4; }, "snapshot.priority: 4 disagrees with the fields");
  broken([](json& s) { s["fields"]["colour"] = "red"; }, "fields.colour: not a field");
  broken([](json& s) { s["extra"] = 1; }, "snapshot: unknown key 'extra'");
  // Found by the snapshot fuzzer: fields edited without the history (or the reverse).
  broken([](json& s) { s["fields"]["urgency"] = 2; s["priority"] = 1; },
         "snapshot.fields.urgency: 2, but the history's changes give 1");
  broken([](json& s) { s["fields"]["caller"] = "mallory"; }, "snapshot.fields.caller: \"mallory\", but the history's changes give nothing");
  broken([](json& s) { s["history"][1]["changes"]["category"] = "network"; },
         "snapshot.fields.category: absent, but the history's changes give \"network\"");
  broken([](json& s) { s["history"][1]["priority"] = 3; }, "snapshot.history[1].priority: 3, but the fields at that point give 1");
  broken([](json& s) { s["history"] = json::array(); }, "snapshot.history: expected a non-empty array");
  CHECK(ticket::restore(wf, std::string_view("{oops")).error_value().code == errc::parse_error);
  auto replayed = ticket::replay(wf, "INC9", json::array({good["history"][1]}));
  REQUIRE_FALSE(replayed);
  CHECK_THAT(replayed.error_value().message, Catch::Contains("the first record must be 'create'"));
}

TEST_CASE("hash chain: an edited, removed, reordered or forged record is found") {
  auto t = make("incident", "INC10", {{"caller", "carol"}});
  ok(t.fire("start", desk, at(1)));
  ok(t.fire("hold", desk, at(2), {{"hold_reason", "awaiting_caller"}}));
  ok(t.fire("start", desk, at(3)));
  auto u = make("incident", "INC11");
  ok(u.fire("start", desk, at(1)));
  const std::string a = t.export_history(), b = u.export_history();
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::size_t p = 0;
    while (p < text.size()) {
      auto e = text.find('\n', p);
      out.push_back(text.substr(p, e - p));
      p = e + 1;
    }
    return out;
  };
  auto join = [](const std::vector<std::string>& ls) {
    std::string s;
    for (const auto& l : ls) s += l + "\n";
    return s;
  };
  auto both = itsm::verify_history(a + b);
  REQUIRE(both);
  CHECK(both->records == 6);
  CHECK(both->tickets == 2);
  auto la = lines(a);
  auto tampered = [&](const std::vector<std::string>& ls, const char* where, const char* what) {
    auto r = itsm::verify_history(join(ls));
    REQUIRE_FALSE(r);
    CHECK(r.error_value().code == errc::tampered);
    CHECK_THAT(r.error_value().message, Catch::StartsWith(where) && Catch::Contains(what));
  };
  auto edited = la;
  edited[2].replace(edited[2].find("awaiting_caller"), 15, "awaiting_vendor");
  tampered(edited, "line 3 (ticket INC10, seq 3)", "does not match its hash (it was edited)");
  auto removed = la;
  removed.erase(removed.begin() + 1);
  tampered(removed, "line 2 (ticket INC10, seq 3)", "expected seq 2");
  auto swapped = la;
  std::swap(swapped[1], swapped[2]);
  tampered(swapped, "line 2 (ticket INC10, seq 3)", "expected seq 2");
  // Renumbering after a removal still breaks the chain at the first record after the hole.
  auto forged = la;
  forged.erase(forged.begin() + 1);
  auto rec = json::parse(forged[1]);
  rec["seq"] = 2;
  forged[1] = rec.dump();
  tampered(forged, "line 2 (ticket INC10, seq 2)", "prev does not match");
  tampered({"not json"}, "line 1", "not a JSON object");
}

TEST_CASE("refused events never change a ticket: a random walk through every built-in") {
  std::uint64_t seed = 42;
  auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(seed >> 33);
  };
  const std::vector<std::string> actors_roles = {"service_desk", "support", "caller", "requester", "approver",
                                                 "fulfiller", "change_manager", "assessor", "cab", "implementer",
                                                 "ecab", "problem_manager", "problem_analyst", "audit_manager",
                                                 "auditor", "audit_committee", "auditee"};
  int applied = 0, refusals = 0;
  for (const auto& name : itsm::builtin_workflow_names()) {
    auto wf = *itsm::builtin_workflow(name);
    for (int n = 0; n < 20; ++n) {
      json initial = json::object();
      for (const auto& s : wf->state(wf->initial_state()).required_fields) {
        const auto* fd = wf->field(s);
        initial[s] = fd && !fd->values.empty() ? fd->values[0] : "x";
      }
      auto created = ticket::create(wf, name + std::to_string(n), actor{"c", {}}, at(0), initial);
      REQUIRE(created);
      ticket t = std::move(*created);
      for (int step = 1; step < 40; ++step) {
        const actor who{"a" + std::to_string(next() % 4), {actors_roles[next() % actors_roles.size()]}};
        const std::string before = t.snapshot().dump();
        itsm::outcome out;
        const auto& outs = wf->outgoing(t.state_index());
        json fields = json::object();
        if (next() % 2 == 0 && !outs.empty()) {
          const auto& tr = wf->transition(outs[next() % outs.size()]);
          for (const auto& f : tr.required_fields) fields[f] = "x";
          for (const auto& f : wf->state(wf->find_state(tr.to)).required_fields) {
            const auto* fd = wf->field(f);
            fields[f] = fd && !fd->values.empty() ? fd->values[0] : "y";
          }
          if (next() % 3 == 0) fields = json::object();
          out = t.fire(tr.id, who, at(step), fields);
        } else if (next() % 2 == 0) {
          out = t.approve(who, at(step));
        } else {
          out = t.move_to(wf->state(static_cast<itsm::workflow::index>(next() % wf->state_count())).id, who, at(step - (next() % 5 == 0 ? 2 : 0)));
        }
        if (out.ok()) {
          ++applied;
        } else {
          ++refusals;
          REQUIRE(t.snapshot().dump() == before);
        }
      }
      round_trips(t);
    }
  }
  CHECK(applied > 100);
  CHECK(refusals > 100);
}

TEST_CASE("a ticket's history feeds SLA clocks: on hold pauses, priority picks the target") {
  auto sla = itsm::sla_definition::from_json(R"({"name": "resolution", "targets": {"P2": 14400, "P3": 28800},
      "pause": {"categories": ["waiting"]}, "stop": {"categories": ["resolved", "closed"]},
      "cancel": {"categories": ["cancelled"]}})");
  REQUIRE(sla);
  auto t = make("incident", "INC20", {{"impact", 2}, {"urgency", 3}});
  ok(t.fire("start", desk, at(10)));
  ok(t.fire("hold", desk, at(30), {{"hold_reason", "awaiting_caller"}}));
  ok(t.fire("start", desk, at(90)));
  ok(t.update(desk, at(100), {{"urgency", 2}}));
  ok(t.fire("resolve", desk, at(150), {{"resolution_code", "solved_remotely"}, {"resolution_notes", "ok"}}));
  const auto events = t.sla_history();
  REQUIRE(events.size() == t.history().size());
  CHECK(events[2].category == "waiting");
  CHECK(events[0].priority == "P2");
  auto status = itsm::evaluate(*sla, events, at(400));
  INFO((status ? "" : status.error_value().message));
  REQUIRE(status);
  CHECK(status->status == itsm::sla_state::met);
  CHECK(status->priority == "P2");
  CHECK(status->elapsed == std::chrono::minutes(150 - 60));  // the hour on hold does not count
}

}  // namespace ticket_test
