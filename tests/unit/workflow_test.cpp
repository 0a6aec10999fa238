// Workflow definitions: every build-time check (each naming its state or transition), the JSON
// form (strict reading, lossless round trip), the C++ builder, DOT export and the built-ins.

#include <catch2/catch.hpp>

#include <algorithm>

#include "itsm/workflow.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace workflow_test {

namespace {

using itsm::problem;
using itsm::state_category;
using itsm::workflow;
using itsm::workflow_definition;

/// A small valid definition the checks below break one way at a time.
workflow_definition small() {
  workflow_definition d;
  d.name = "small";
  d.roles = std::vector<std::string>{"agent", "lead"};
  d.fields = std::vector<itsm::field_def>{{"note", {}}, {"kind", {"a", "b"}}};
  d.add_state("new", state_category::new_).initial = true;
  d.add_state("work", state_category::open);
  d.add_state("done", state_category::closed).terminal = true;
  d.add_transition("start", {"new"}, "work").roles = {"agent"};
  d.add_transition("finish", {"work"}, "done").roles = {"agent", "lead"};
  return d;
}

std::vector<std::string> errors_of(const workflow_definition& d) {
  std::vector<std::string> out;
  for (const auto& p : workflow::check(d))
    if (p.level == problem::severity::error) out.push_back(p.where + ": " + p.message);
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& needle) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

}  // namespace

TEST_CASE("a valid definition builds, with no problems") {
  auto d = small();
  CHECK(workflow::check(d).empty());
  auto wf = workflow::build(d);
  REQUIRE(wf);
  CHECK((*wf)->name() == "small");
  CHECK((*wf)->state((*wf)->initial_state()).id == "new");
  CHECK((*wf)->find_transition((*wf)->find_state("work"), "finish") != workflow::npos);
  CHECK((*wf)->find_transition((*wf)->find_state("new"), "finish") == workflow::npos);
}

TEST_CASE("each graph check names the state or transition") {
  SECTION("exactly one initial state") {
    auto d = small();
    d.states[1].initial = true;
    CHECK(has(errors_of(d), "has 2 initial states ('new', 'work')"));
    d.states[0].initial = d.states[1].initial = false;
    CHECK(has(errors_of(d), "has no initial state"));
  }
  SECTION("every state reachable") {
    auto d = small();
    d.add_state("orphan", state_category::open);
    d.add_transition("leave", {"orphan"}, "done");
    CHECK(has(errors_of(d), "state 'orphan': is not reachable from the initial state 'new'"));
  }
  SECTION("no trap") {
    auto d = small();
    d.add_state("limbo", state_category::waiting);
    d.add_transition("park", {"work"}, "limbo");
    const auto e = errors_of(d);
    CHECK(has(e, "state 'limbo': is a trap"));
    CHECK(e.size() == 1);
  }
  SECTION("a cycle with no way out is a trap for each of its states") {
    auto d = small();
    d.add_state("a", state_category::open);
    d.add_state("b", state_category::open);
    d.add_transition("to_a", {"work"}, "a");
    d.add_transition("to_b", {"a"}, "b");
    d.add_transition("back", {"b"}, "a");
    const auto e = errors_of(d);
    CHECK(has(e, "state 'a': is a trap"));
    CHECK(has(e, "state 'b': is a trap"));
  }
  SECTION("terminal states have no way out unless reopen") {
    auto d = small();
    d.add_transition("again", {"done"}, "work");
    CHECK(has(errors_of(d), "transition 'again' (#3): leaves the terminal state 'done'"));
    d.transitions.back().kind = itsm::transition_kind::reopen;
    CHECK(errors_of(d).empty());
  }
  SECTION("no transition into the initial state unless reopen, revert or reject") {
    auto d = small();
    d.add_transition("back", {"work"}, "new");
    CHECK(has(errors_of(d), "transition 'back' (#3): enters the initial state 'new'"));
    for (auto k : {itsm::transition_kind::revert, itsm::transition_kind::reject, itsm::transition_kind::reopen}) {
      d.transitions.back().kind = k;
      CHECK(errors_of(d).empty());
    }
  }
  SECTION("transition ids unique per from-state") {
    auto d = small();
    d.add_transition("start", {"new"}, "done");
    CHECK(has(errors_of(d), "id 'start' is used twice from state 'new'"));
  }
  SECTION("references must be declared") {
    auto d = small();
    d.guards = std::vector<std::string>{};
    d.transitions[0].roles = {"agnet"};
    d.transitions[0].required_fields = {"nte"};
    d.transitions[0].guards = {"checked"};
    d.states[1].required_fields = {"missing"};
    const auto e = errors_of(d);
    CHECK(has(e, "transition 'start' (#1): roles: role 'agnet' is not declared in roles"));
    CHECK(has(e, "requires: field 'nte' is not declared in fields"));
    CHECK(has(e, "guards: guard 'checked' is not declared in guards"));
    CHECK(has(e, "state 'work': requires: field 'missing' is not declared"));
  }
  SECTION("without declarations, references are not checked") {
    auto d = small();
    d.roles.reset();
    d.fields.reset();
    d.transitions[0].roles = {"anyone"};
    d.transitions[0].required_fields = {"whatever"};
    CHECK(errors_of(d).empty());
  }
  SECTION("unknown states, empty ids, reserved ids") {
    auto d = small();
    d.add_transition("create", {"nowhere"}, "void");
    const auto e = errors_of(d);
    CHECK(has(e, "to: unknown state 'void'"));
    CHECK(has(e, "from: unknown state 'nowhere'"));
    CHECK(has(e, "'create' is reserved"));
    d = small();
    d.states[1].id = "";
    CHECK(has(errors_of(d), "states[1]: empty state id"));
  }
  SECTION("a state declared twice, no terminal state") {
    auto d = small();
    d.add_state("work", state_category::open);
    CHECK(has(errors_of(d), "state 'work': declared twice"));
    d = small();
    d.states[2].terminal = false;
    CHECK(has(errors_of(d), "has no terminal state"));
  }
  SECTION("approval rules name a declared role and at least one approver") {
    auto d = small();
    d.transitions[1].approvals = itsm::approval_rule{"cab", 0, {"author"}, true};
    const auto e = errors_of(d);
    CHECK(has(e, "approvals.role: role 'cab' is not declared"));
    CHECK(has(e, "approvals.min must be at least 1"));
    CHECK(has(e, "approvals.exclude: field 'author' is not declared"));
  }
  SECTION("build fails with every error in its message") {
    auto d = small();
    d.transitions[0].roles = {"agnet"};
    d.add_transition("back", {"work"}, "new");
    auto wf = workflow::build(d);
    REQUIRE_FALSE(wf);
    CHECK(wf.error_value().code == itsm::errc::invalid_definition);
    CHECK_THAT(wf.error_value().message, Catch::Contains("2 errors") && Catch::Contains("agnet") &&
                                             Catch::Contains("enters the initial state"));
  }
}

TEST_CASE("warnings: an unguarded single way out, duplicated transitions") {
  auto d = small();
  d.transitions[0].roles.clear();
  d.add_transition("finish_too", {"work"}, "done").roles = {"lead", "agent"};
  auto problems = workflow::check(d);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].level == problem::severity::warning);
  CHECK(problems[0].where == "state 'new'");
  CHECK_THAT(problems[1].to_string(), Catch::Contains("warning: transition 'finish_too' (#3): duplicates transition 'finish'"));
  auto wf = workflow::build(d);
  REQUIRE(wf);
  CHECK((*wf)->warnings().size() == 2);
}

TEST_CASE("from any state (the star) expands to every non-terminal state but the target") {
  auto d = small();
  d.add_state("cancelled", state_category::cancelled).terminal = true;
  d.add_transition("cancel", {"*"}, "cancelled");
  REQUIRE(d.transitions.back().from_any);
  auto wf = workflow::build(d);
  REQUIRE(wf);
  const auto& w = **wf;
  CHECK(w.find_transition(w.find_state("new"), "cancel") != workflow::npos);
  CHECK(w.find_transition(w.find_state("work"), "cancel") != workflow::npos);
  CHECK(w.find_transition(w.find_state("done"), "cancel") == workflow::npos);
  CHECK(w.to_json()["transitions"][2]["from"] == "*");
}

TEST_CASE("the JSON form: strict reading names the path, round trip is lossless") {
  const char* text = R"({
    "name": "mini", "version": 3, "title": "Mini", "roles": ["agent", "boss"],
    "fields": ["note", {"id": "kind", "values": ["x", "y"]}, "author"],
    "guards": ["budget_ok"], "actions": ["notify"],
    "priority_matrix": [[1, 2], [2, 3]],
    "states": [{"id": "new", "category": "new", "initial": true, "requires": ["note"]},
               {"id": "approval", "category": "waiting"},
               {"id": "done", "name": "Done", "category": "closed", "terminal": true}],
    "transitions": [
      {"id": "ask", "from": ["new"], "to": "approval", "roles": ["agent"], "requires": ["kind"]},
      {"id": "grant", "from": ["approval"], "to": "done", "roles": ["boss"], "guards": ["budget_ok"],
       "actions": ["notify"], "approvals": {"role": "boss", "min": 2, "exclude": ["author"], "auto": false},
       "set": {"note": "granted"}},
      {"id": "deny", "from": ["approval"], "to": "new", "kind": "reject", "roles": ["boss"]}],
    "meta": {"vendor": {"colour": "teal"}}
  })";
  auto wf = workflow::from_json(text);
  INFO((wf ? "" : wf.error_value().message));
  REQUIRE(wf);
  const auto j = (*wf)->to_json();
  CHECK(j == nlohmann::json::parse(text));
  auto again = workflow::from_json(j.dump());
  REQUIRE(again);
  CHECK((*again)->to_json() == j);
  CHECK((*wf)->priority(2, 2) == 3);
  CHECK((*wf)->priority(3, 1) == 0);

  struct bad_case {
    const char* json;
    const char* message;
  };
  const bad_case cases[] = {
      {"{", "workflow: not valid JSON"},
      {R"([])", "workflow: expected an object"},
      {R"({"name": "x", "states": [], "transitions": [], "colour": 1})", "workflow: unknown key 'colour'"},
      {R"({"states": [], "transitions": []})", "workflow: missing key 'name'"},
      {R"({"name": 5, "states": [], "transitions": []})", "name: expected a string, got number 5"},
      {R"({"name": "x", "states": [{"id": "a", "category": "busy"}], "transitions": []})",
       "states[0].category: unknown category 'busy'"},
      {R"({"name": "x", "states": [{"id": "a", "category": "new", "inital": true}], "transitions": []})",
       "states[0]: unknown key 'inital'"},
      {R"({"name": "x", "states": [], "transitions": [{"id": "t", "from": "a", "to": "b"}]})",
       "transitions[0].from: expected an array of state ids or \"*\""},
      {R"({"name": "x", "states": [], "transitions": [{"id": "t", "from": ["a"], "to": "b", "kind": "undo"}]})",
       "transitions[0].kind: unknown kind 'undo'"},
      {R"({"name": "x", "states": [], "transitions": [{"id": "t", "from": ["a"], "to": "b", "approvals": {"min": 2}}]})",
       "transitions[0].approvals: missing key 'role'"},
      {R"({"name": "x", "version": 0, "states": [], "transitions": []})", "version: 0 is out of range"},
      {R"({"name": "x", "priority_matrix": [[1, 0]], "states": [], "transitions": []})",
       "priority_matrix[0][1]: 0 is out of range"},
  };
  for (const auto& c : cases) {
    INFO(c.json);
    auto r = workflow::from_json(c.json);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error_value().message, Catch::Contains(c.message));
  }
}

TEST_CASE("DOT: categories coloured, the current state highlighted") {
  auto wf = workflow::build(small());
  REQUIRE(wf);
  const auto plain = (*wf)->to_dot();
  CHECK_THAT(plain, Catch::StartsWith("digraph \"small\" {"));
  CHECK_THAT(plain, Catch::Contains("\"new\" -> \"work\" [label=\"start\\n[agent]\"]"));
  CHECK_THAT(plain, Catch::Contains("\"done\" [label=\"done\\n(closed)\", fillcolor=\"#dee2e6\", peripheries=2]"));
  CHECK(plain.find("#d62728") == std::string::npos);
  const auto marked = (*wf)->to_dot("work");
  CHECK_THAT(marked, Catch::Contains("\"work\" [label=\"work\\n(open)\", fillcolor=\"#d1e7dd\", color=\"#d62728\""));
}

TEST_CASE("the eight built-in processes: named exactly, clean, and they round-trip") {
  const std::vector<std::string> expected = {"incident", "service_request", "change_normal", "change_standard",
                                             "change_emergency", "problem", "audit_engagement", "audit_finding"};
  CHECK(itsm::builtin_workflow_names() == expected);
  for (const auto& name : expected) {
    INFO(name);
    auto wf = itsm::builtin_workflow(name);
    REQUIRE(wf);
    CHECK((*wf)->name() == name);
    CHECK((*wf)->warnings().empty());
    auto text = itsm::builtin_workflow_json(name);
    REQUIRE(text);
    auto loaded = workflow::from_json(*text);
    REQUIRE(loaded);
    CHECK((*loaded)->to_json() == (*wf)->to_json());
    CHECK((*wf)->to_json() == nlohmann::json::parse(*text));
  }
  auto missing = itsm::builtin_workflow("incidents");
  REQUIRE_FALSE(missing);
  CHECK(missing.error_value().code == itsm::errc::not_found);
  CHECK_THAT(missing.error_value().message, Catch::Contains("'incidents'") && Catch::Contains("known: incident,"));
}

TEST_CASE("the design page's states and transitions are in the built-ins") {
  auto has_move = [](const std::string& wf_name, const std::string& from, const std::string& id, const std::string& to) {
    const auto wf = *itsm::builtin_workflow(wf_name);
    const auto t = wf->find_transition(wf->find_state(from), id);
    return t != workflow::npos && wf->transition(t).to == to;
  };
  CHECK(has_move("incident", "new", "start", "in_progress"));
  CHECK(has_move("incident", "in_progress", "hold", "on_hold"));
  CHECK(has_move("incident", "on_hold", "resolve", "resolved"));
  CHECK(has_move("incident", "resolved", "reopen", "in_progress"));
  CHECK(has_move("service_request", "waiting_for_approval", "grant", "approved"));
  CHECK(has_move("service_request", "waiting_for_approval", "reject", "rejected"));
  CHECK(has_move("service_request", "rejected", "close", "closed"));
  CHECK(has_move("change_normal", "assess", "revert", "new"));
  CHECK(has_move("change_normal", "authorize", "reject", "new"));
  CHECK(has_move("change_normal", "implement", "cancel", "cancelled"));
  CHECK_FALSE(has_move("change_normal", "review", "cancel", "cancelled"));
  CHECK(has_move("change_standard", "new", "schedule", "scheduled"));
  CHECK(has_move("change_emergency", "new", "request_authorization", "authorize"));
  CHECK(has_move("problem", "assess", "close", "closed"));
  CHECK(has_move("problem", "root_cause_analysis", "accept_risk", "resolved"));
  CHECK(has_move("problem", "fix_in_progress", "reanalyse", "root_cause_analysis"));
  CHECK(has_move("audit_engagement", "awaiting_approval", "reject_report", "fieldwork"));
  CHECK(has_move("audit_finding", "action_implemented", "verification_failed", "action_planned"));
  const auto incident = *itsm::builtin_workflow("incident");
  CHECK(incident->state(incident->find_state("on_hold")).category == state_category::waiting);
  const auto normal = *itsm::builtin_workflow("change_normal");
  const auto& schedule = normal->transition(normal->find_transition(normal->find_state("authorize"), "schedule"));
  REQUIRE(schedule.approvals);
  CHECK(schedule.approvals->min == 2);
  CHECK(schedule.approvals->exclude == std::vector<std::string>{"requested_by", "implementer"});
}

TEST_CASE("a generated 2,000-state chain validates and builds") {
  workflow_definition d;
  d.name = "chain";
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    auto& s = d.add_state("s" + std::to_string(i), i + 1 == n ? state_category::closed : state_category::open);
    s.initial = i == 0;
    s.terminal = i + 1 == n;
  }
  for (int i = 0; i + 1 < n; ++i) {
    d.add_transition("next", {"s" + std::to_string(i)}, "s" + std::to_string(i + 1)).roles = {"agent"};
  }
  auto wf = workflow::build(d);
  REQUIRE(wf);
  CHECK((*wf)->state_count() == 2000);
}

TEST_CASE("a broken reference does not hide the graph problems of the rest") {
  auto d = small();
  d.add_state("limbo", state_category::waiting);
  d.add_state("orphan", state_category::open);
  d.add_transition("park", {"work"}, "limbo");
  d.add_transition("leave", {"orphan"}, "done");
  d.add_transition("typo", {"work"}, "dnoe");        // an unknown target
  d.add_transition("ghost", {"nowhere"}, "work");    // an unknown source
  std::vector<std::string> lines;
  for (const auto& p : workflow::check(d)) lines.push_back(p.to_string());
  // Reference problems in definition order, then the graph's, then warnings: the order the checks
  // have always listed them in.
  const std::vector<std::string> want = {
      "error: transition 'typo' (#5): to: unknown state 'dnoe'",
      "error: transition 'ghost' (#6): from: unknown state 'nowhere'",
      "error: state 'orphan': is not reachable from the initial state 'new'",
      "error: state 'limbo': is a trap: no terminal state can be reached from it",
      "warning: state 'orphan': its single way out, transition 'leave' (#4), has no roles, fields, approvals or "
      "guards: anyone may move every ticket on",
  };
  CHECK(lines == want);

  SECTION("states without a usable id are left to their own problem") {
    auto e = small();
    e.add_state("work", state_category::open);  // declared twice: the second is never reached
    e.add_state("", state_category::open);
    e.add_transition("typo", {"work"}, "dnoe");
    const auto errors = errors_of(e);
    CHECK(has(errors, "state 'work': declared twice"));
    CHECK(has(errors, "states[4]: empty state id"));
    CHECK(has(errors, "to: unknown state 'dnoe'"));
    CHECK_FALSE(has(errors, "is not reachable"));
    CHECK_FALSE(has(errors, "is a trap"));
  }
  SECTION("without a terminal state, no state is called a trap") {
    auto e = small();
    e.states[2].terminal = false;
    e.add_transition("typo", {"work"}, "dnoe");
    const auto errors = errors_of(e);
    CHECK(has(errors, "has no terminal state"));
    CHECK_FALSE(has(errors, "is a trap"));
  }
}

}  // namespace workflow_test
