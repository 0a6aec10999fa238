// The pinned rules of docs/workflows.md, each as its minimal case: the three defects an
// independent model of the documented semantics found (a named reject transition firing another,
// allowed() leaving out reject transitions, the time checked after the transition), who may
// reject, empty levels, and the gaps the docs now state (issue 23).

#include <catch2/catch.hpp>

#include "itsm/ticket.hpp"
#include "ticket_support.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace ticket_rules_test {

namespace {

using itsm::actor;
using itsm::errc;
using itsm::ticket;
using nlohmann::json;

using itsm_test::at;
using itsm_test::builtin;
using itsm_test::ok;
using itsm_test::refused;

itsm::workflow_ptr load(const char* text) {
  auto wf = itsm::workflow::from_json(text);
  INFO((wf ? "" : wf.error_value().message));
  REQUIRE(wf);
  return *wf;
}

ticket make(const itsm::workflow_ptr& wf, const json& fields = json::object()) {
  auto t = ticket::create(wf, "T1", actor::trusted("creator"), at(0), fields);
  INFO((t ? "" : t.error_value().message));
  REQUIRE(t);
  return std::move(*t);
}

std::string last_transition(const ticket& t) { return t.snapshot()["history"].back()["transition"]; }

/// The issue's case: two reject transitions out of `review`, nothing needing approvals.
constexpr const char* review_json = R"({"name": "review_loop",
  "states": [{"id": "new", "category": "new", "initial": true}, {"id": "review", "category": "open"},
             {"id": "rework", "category": "open"}, {"id": "closed", "category": "closed", "terminal": true}],
  "transitions": [{"id": "submit", "from": ["new"], "to": "review"},
                  {"id": "send_back", "from": ["review"], "to": "new", "kind": "reject"},
                  {"id": "rework", "from": ["review"], "to": "rework", "kind": "reject"},
                  {"id": "close", "from": ["review", "rework"], "to": "closed"}]})";

/// A veto answering to two rules: `cab` (not the requester) and the reject transition's own
/// `manager`; `finance` approves a second transition from the same state.
constexpr const char* veto_json = R"({"name": "veto",
  "roles": ["cab", "manager", "finance"], "fields": ["requested_by", "budget_owner", "reason"],
  "states": [{"id": "new", "category": "new", "initial": true}, {"id": "authorize", "category": "open"},
             {"id": "scheduled", "category": "open"}, {"id": "funded", "category": "open"},
             {"id": "closed", "category": "closed", "terminal": true}],
  "transitions": [{"id": "submit", "from": ["new"], "to": "authorize"},
                  {"id": "schedule", "from": ["authorize"], "to": "scheduled",
                   "approvals": {"role": "cab", "exclude": ["requested_by"], "auto": false}},
                  {"id": "fund", "from": ["authorize"], "to": "funded",
                   "approvals": {"role": "finance", "exclude": ["budget_owner"], "auto": false}},
                  {"id": "reject", "from": ["authorize"], "to": "new", "kind": "reject", "roles": ["manager"]},
                  {"id": "close", "from": ["scheduled", "funded"], "to": "closed"}]})";

}  // namespace

TEST_CASE("rule 1: a reject transition named by id is the one that fires") {
  auto t = make(load(review_json));
  ok(t.fire("submit", actor::trusted("x"), at(1)));
  auto by_id = t;
  ok(by_id.fire("rework", actor::trusted("x"), at(2)));
  CHECK(by_id.state() == "rework");
  CHECK(last_transition(by_id) == "rework");
  auto moved = t;
  ok(moved.move_to("rework", actor::trusted("x"), at(2)));
  CHECK(moved.state() == "rework");
  CHECK(last_transition(moved) == "rework");
  auto back = t;
  ok(back.move_to("new", actor::trusted("x"), at(2)));
  CHECK(last_transition(back) == "send_back");
  // reject() itself takes the state's first reject transition.
  ok(t.reject(actor::trusted("x"), at(2)));
  CHECK(t.state() == "new");
  CHECK(last_transition(t) == "send_back");
}

TEST_CASE("rule 2: allowed lists exactly what the actor may fire now, reject transitions included") {
  auto wf = load(review_json);
  auto t = make(wf);
  ok(t.fire("submit", actor::trusted("x"), at(1)));
  const actor who = actor::trusted("x");
  const auto listed = t.allowed(who);
  CHECK(listed == std::vector<std::string>{"send_back", "rework", "close"});
  for (const auto& tr : wf->definition().transitions) {
    auto copy = t;
    const auto out = copy.fire(tr.id, who, at(2));
    INFO(tr.id << ": " << out.message);
    const bool is_listed = std::find(listed.begin(), listed.end(), tr.id) != listed.end();
    CHECK(out.ok() == is_listed);
    if (!is_listed) CHECK(out.code == errc::not_allowed_from_state);
  }

  // With an approval rule, the reject transition is offered to approvers only, and not to one the
  // rule excludes.
  auto v = make(load(veto_json), {{"requested_by", "rita"}, {"budget_owner", "bo"}});
  ok(v.fire("submit", actor::trusted("x"), at(1)));
  auto offered = [&](const actor& a) {
    const auto l = v.allowed(a);
    return std::find(l.begin(), l.end(), "reject") != l.end();
  };
  CHECK(offered(actor{"carl", {"cab", "manager"}}));
  CHECK_FALSE(offered(actor{"carl", {"cab"}}));
  CHECK_FALSE(offered(actor{"mona", {"manager"}}));
  CHECK_FALSE(offered(actor{"rita", {"cab", "manager"}}));
  CHECK_FALSE(offered(actor::trusted("rita")));
  CHECK(offered(actor::trusted("x")));
}

TEST_CASE("rule 3: the time is checked first, by every call") {
  auto inc = make(builtin("incident"));
  const actor desk{"sam", {"service_desk"}};
  refused(inc, errc::time_went_backwards, [&](ticket& x) { return x.fire("close", desk, at(-60)); });
  refused(inc, errc::time_went_backwards, [&](ticket& x) { return x.fire("teleport", desk, at(-60)); });
  refused(inc, errc::time_went_backwards, [&](ticket& x) { return x.move_to("limbo", desk, at(-60)); });
  refused(inc, errc::time_went_backwards, [&](ticket& x) { return x.approve(desk, at(-60)); });
  refused(inc, errc::time_went_backwards, [&](ticket& x) { return x.reject(desk, at(-60)); });
  refused(inc, errc::time_went_backwards, [&](ticket& x) { return x.update(desk, at(-60), {{"colour", "red"}}); });
  // Not back-dated, the same calls get their own reasons.
  refused(inc, errc::not_allowed_from_state, [&](ticket& x) { return x.fire("close", desk, at(1)); });
  refused(inc, errc::unknown_transition, [&](ticket& x) { return x.fire("teleport", desk, at(1)); });

  auto chg = make(builtin("change_normal"), {{"requested_by", "rita"}});
  const actor rita{"rita", {"requester", "cab"}};
  ok(chg.fire("submit", rita, at(10)));
  ok(chg.fire("request_authorization", actor{"alex", {"assessor"}}, at(20)));
  refused(chg, errc::time_went_backwards, [&](ticket& x) { return x.reject(rita, at(15), {{"rejection_reason", "no"}}); });
  refused(chg, errc::segregation_of_duties, [&](ticket& x) { return x.reject(rita, at(25), {{"rejection_reason", "no"}}); });

  // A terminal ticket: the time, then the state.
  ok(inc.fire("cancel", desk, at(5), {{"cancel_reason", "duplicate"}}));
  refused(inc, errc::time_went_backwards, [&](ticket& x) { return x.update(desk, at(4), {{"caller", "x"}}); });
  refused(inc, errc::not_allowed_from_state, [&](ticket& x) { return x.update(desk, at(6), {{"caller", "x"}}); });
}

TEST_CASE("rule 4: rejecting needs the approver's role, passes its exclusions, and the transition's roles") {
  auto t = make(load(veto_json), {{"requested_by", "rita"}, {"budget_owner", "bo"}});
  ok(t.fire("submit", actor::trusted("x"), at(1)));
  const json why = {{"reason", "too risky"}};
  auto approver_only = refused(t, errc::role_denied, [&](ticket& x) { return x.reject(actor{"carl", {"cab"}}, at(2), why); });
  CHECK_THAT(approver_only.message, Catch::Contains("needs one of [manager]"));
  auto manager_only = refused(t, errc::role_denied, [&](ticket& x) { return x.reject(actor{"mona", {"manager"}}, at(2), why); });
  CHECK_THAT(manager_only.message, Catch::Contains("needs the approver role"));
  auto own = refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.reject(actor{"rita", {"cab", "manager"}}, at(2), why); });
  CHECK_THAT(own.message, Catch::Contains("'rita' is the requested_by"));
  // Trusted actors skip roles, never exclusions.
  refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.reject(actor::trusted("rita"), at(2), why); });
  // fire by id is the same veto.
  refused(t, errc::role_denied, [&](ticket& x) { return x.fire("reject", actor{"carl", {"cab"}}, at(2), why); });
  refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.fire("reject", actor{"rita", {"cab", "manager"}}, at(2), why); });
  // Several rules in one state: the veto answers to the rule the actor approves under.
  auto fin = refused(t, errc::segregation_of_duties, [&](ticket& x) { return x.reject(actor{"bo", {"finance", "manager"}}, at(2), why); });
  CHECK_THAT(fin.message, Catch::Contains("'bo' is the budget_owner"));
  auto by_finance = t;
  ok(by_finance.reject(actor{"fay", {"finance", "manager"}}, at(2), why));
  CHECK(by_finance.state() == "new");
  ok(t.reject(actor{"carl", {"cab", "manager"}}, at(2), why));
  CHECK(t.state() == "new");
}

TEST_CASE("rule 5: an empty value is missing for levels and value sets too") {
  auto t = make(builtin("incident"), {{"impact", 2}, {"urgency", 3}});
  const actor desk{"sam", {"service_desk"}};
  CHECK(t.priority() == 2);
  ok(t.update(desk, at(1), {{"impact", ""}}));
  CHECK(t.fields()["impact"] == "");
  CHECK(t.priority() == 0);
  CHECK(t.history().back().priority == 0);
  ok(t.update(desk, at(2), {{"impact", 1}, {"priority", "P4"}}));
  CHECK(t.priority() == 4);
  ok(t.update(desk, at(3), {{"priority", ""}}));
  CHECK(t.priority() == 2);  // back to the matrix: (1 + 3) / 2
  ok(t.update(desk, at(4), {{"urgency", json::array()}, {"priority", json::object()}}));
  CHECK(t.priority() == 0);
  refused(t, errc::invalid_argument, [&](ticket& x) { return x.update(desk, at(5), {{"impact", "high"}}); });
  // A value set accepts the empty value; a state that requires the field does not.
  ok(t.fire("start", desk, at(5), {{"hold_reason", ""}}));
  auto needs = refused(t, errc::missing_fields, [&](ticket& x) { return x.fire("hold", desk, at(6), {{"hold_reason", ""}}); });
  CHECK(needs.missing == std::vector<std::string>{"hold_reason"});
  ok(t.fire("hold", desk, at(6), {{"hold_reason", "awaiting_caller"}}));
  refused(t, errc::missing_fields, [&](ticket& x) { return x.update(desk, at(7), {{"hold_reason", ""}}); });
  refused(t, errc::invalid_argument, [&](ticket& x) { return x.update(desk, at(7), {{"hold_reason", "lunch"}}); });
  // The snapshot with empty values restores and replays.
  auto restored = ticket::restore(t.definition_ptr(), t.snapshot());
  REQUIRE(restored);
  CHECK(restored->snapshot() == t.snapshot());
  auto replayed = ticket::replay(t.definition_ptr(), "", t.snapshot());
  REQUIRE(replayed);
  CHECK(replayed->snapshot() == t.snapshot());
}

TEST_CASE("rule 6: the gaps, as documented") {
  const actor desk{"sam", {"service_desk"}};
  SECTION("nothing to approve or reject: not_allowed_from_state listing every transition leaving") {
    auto t = make(builtin("incident"));
    const std::vector<std::string> leaving{"start", "hold", "resolve", "cancel"};
    CHECK(refused(t, errc::not_allowed_from_state, [&](ticket& x) { return x.approve(desk, at(1)); }).allowed == leaving);
    auto out = refused(t, errc::not_allowed_from_state, [&](ticket& x) { return x.reject(desk, at(1)); });
    CHECK(out.allowed == leaving);
    CHECK(out.state == "new");
    CHECK(itsm::to_json(out)["allowed"] == json(leaving));
  }
  SECTION("an update that changes nothing appends nothing and does not move the ticket's time") {
    auto t = make(builtin("incident"), {{"caller", "carol"}});
    const auto noop = t.update(desk, at(30), {{"caller", "carol"}});
    ok(noop);
    CHECK(noop.message == "nothing changed");
    CHECK(t.history().size() == 1);
    ok(t.fire("start", desk, at(20)));
  }
  SECTION("fire of a reject transition is a rejection; auto approval stands when its fire is refused") {
    auto t = make(builtin("change_normal"), {{"requested_by", "rita"}, {"implementer", "ivan"}});
    ok(t.fire("submit", actor{"rita", {"requester"}}, at(1)));
    ok(t.fire("request_authorization", actor{"alex", {"assessor"}}, at(2)));
    refused(t, errc::segregation_of_duties,
            [&](ticket& x) { return x.fire("reject", actor{"ivan", {"cab"}}, at(3), {{"rejection_reason", "no"}}); });
    // Exclusions read the fields as they will be: naming oneself the requester in the call.
    refused(t, errc::segregation_of_duties, [&](ticket& x) {
      return x.reject(actor{"bea", {"cab"}}, at(3), {{"rejection_reason", "no"}, {"requested_by", "bea"}});
    });
    ok(t.approve(actor{"bea", {"cab"}}, at(3)));
    const auto second = t.approve(actor{"carl", {"cab"}}, at(4));  // no hooks: the guard fails closed
    ok(second);
    CHECK(second.fired.empty());
    CHECK(second.approvals == 2);
    CHECK(t.approvals().size() == 2);
    CHECK(t.state() == "authorize");
    itsm::hooks host;
    host.guard("change_schedule_clear", [](const itsm::guard_context&) { return std::optional<std::string>(); });
    auto u = make(builtin("change_normal"), {{"requested_by", "rita"}});
    ok(u.fire("submit", actor{"rita", {"requester"}}, at(1)));
    ok(u.fire("request_authorization", actor{"alex", {"assessor"}}, at(2)));
    ok(u.update(actor{"mona", {"change_manager"}}, at(3), {{"planned_start", "a"}, {"planned_end", "b"}, {"backout_plan", "c"}, {"risk", "low"}}));
    ok(u.approve(actor{"bea", {"cab"}}, at(4), {}, &host));
    const auto fired = u.approve(actor{"carl", {"cab"}}, at(5), {}, &host);  // carl is no change_manager
    ok(fired);
    CHECK(fired.fired == "schedule");
    CHECK(u.state() == "scheduled");
  }
  SECTION("invalid_argument: after the time and the transition, after the roles for a bad field") {
    auto t = make(builtin("incident"));
    refused(t, errc::not_allowed_from_state, [&](ticket& x) { return x.fire("close", desk, at(1), {{"colour", "red"}}); });
    refused(t, errc::role_denied, [&](ticket& x) { return x.fire("start", actor{"carol", {"caller"}}, at(1), {{"colour", "red"}}); });
    refused(t, errc::invalid_argument, [&](ticket& x) { return x.fire("start", actor{"carol\xff", {"caller"}}, at(1)); });
    refused(t, errc::invalid_argument, [&](ticket& x) { return x.fire("start", desk, at(1), {{"colour", "red"}}); });
  }
  SECTION("move_to when the actor may fire none of several candidates") {
    auto wf = load(R"({"name": "two_ways",
      "states": [{"id": "new", "category": "new", "initial": true}, {"id": "done", "category": "closed", "terminal": true}],
      "transitions": [{"id": "fast", "from": ["new"], "to": "done", "roles": ["boss"]},
                      {"id": "slow", "from": ["new"], "to": "done", "roles": ["clerk"]},
                      {"id": "veto", "from": ["new"], "to": "done", "kind": "reject", "roles": ["boss"]}]})");
    auto t = make(wf);
    auto none = refused(t, errc::ambiguous, [&](ticket& x) { return x.move_to("done", actor{"c", {"cook"}}, at(1)); });
    CHECK_THAT(none.message, Catch::Contains("(fast, slow)"));
    ok(t.move_to("done", actor{"b", {"boss"}}, at(1)));  // fast and veto kept, the veto dropped
    CHECK(last_transition(t) == "fast");
  }
}

}  // namespace ticket_rules_test
