#pragma once
// The checks a workflow definition passes when it is built (docs/workflows.md, "Checks when
// built"; Boost.Graph for reachability and traps) and its compilation into the
// lookup tables tickets use.

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>

#include "itsm/detail/json_util.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// The first string of a definition that is not UTF-8, named by its path in the JSON form
/// (`definition.states[1].id: not valid UTF-8 (byte 2)`); empty when there is none. Walks the
/// definition itself, building a path only for the string it reports: converting the definition
/// to JSON first took twice as long as the rest of `build` on a 10,000-state definition.
inline std::string first_non_utf8(const workflow_definition& d) {
  std::string found;
  auto text = [&](const std::string& s, auto&& path) {
    if (!found.empty()) return;
    if (const auto at = invalid_utf8_at(s); at != utf8_ok) found = not_utf8_message(path(), at);
  };
  auto texts = [&](const std::vector<std::string>& list, auto&& path) {
    for (std::size_t k = 0; k < list.size(); ++k) text(list[k], [&] { return path() + "[" + std::to_string(k) + "]"; });
  };
  auto value = [&](const json& j, auto&& path) {
    if (found.empty() && !utf8_walk::all_valid(j)) found = utf8_walk::describe_first_invalid(j, path());
  };
  auto at = [](const char* list, std::size_t i) { return "definition." + std::string(list) + "[" + std::to_string(i) + "]"; };
  auto named = [](const char* key) { return [key] { return "definition." + std::string(key); }; };
  text(d.name, named("name"));
  text(d.title, named("title"));
  text(d.description, named("description"));
  if (d.roles) texts(*d.roles, named("roles"));
  if (d.guards) texts(*d.guards, named("guards"));
  if (d.actions) texts(*d.actions, named("actions"));
  if (d.fields) {
    for (std::size_t i = 0; i < d.fields->size(); ++i) {
      const field_def& f = (*d.fields)[i];
      text(f.id, [&] { return at("fields", i) + ".id"; });
      texts(f.values, [&] { return at("fields", i) + ".values"; });
    }
  }
  for (std::size_t i = 0; i < d.states.size(); ++i) {
    const state_def& st = d.states[i];
    text(st.id, [&] { return at("states", i) + ".id"; });
    text(st.name, [&] { return at("states", i) + ".name"; });
    texts(st.required_fields, [&] { return at("states", i) + ".requires"; });
  }
  for (std::size_t i = 0; i < d.transitions.size(); ++i) {
    const transition_def& t = d.transitions[i];
    auto key = [&](const char* k) { return [&, k] { return at("transitions", i) + "." + k; }; };
    text(t.id, key("id"));
    text(t.name, key("name"));
    texts(t.from, key("from"));
    text(t.to, key("to"));
    texts(t.roles, key("roles"));
    texts(t.required_fields, key("requires"));
    if (t.approvals) {
      text(t.approvals->role, key("approvals.role"));
      texts(t.approvals->exclude, key("approvals.exclude"));
    }
    texts(t.guards, key("guards"));
    texts(t.actions, key("actions"));
    value(t.set, key("set"));
    texts(t.distinct_fields, key("distinct"));
  }
  value(d.meta, named("meta"));
  return found;
}

inline std::string state_where(const state_def& s) { return "state '" + s.id + "'"; }
inline std::string transition_where(const transition_def& t, std::size_t i) {
  return "transition '" + t.id + "' (#" + std::to_string(i + 1) + ")";
}

inline std::vector<std::vector<int>> default_priority_matrix() {
  std::vector<std::vector<int>> m(5, std::vector<int>(5));
  for (int i = 1; i <= 5; ++i)
    for (int u = 1; u <= 5; ++u) m[static_cast<std::size_t>(i - 1)][static_cast<std::size_t>(u - 1)] = (i + u) / 2;
  return m;
}

/// States as vertices, transitions as edges: what the reachability and trap checks search.
using state_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

/// One run of the definition checks (docs/workflows.md, "Checks when built"): the
/// problems found so far, and the tables (state index, transitions leaving each state) that later
/// steps and the compiled workflow use. Each step appends its problems in the order it finds
/// them and `check_definition` runs the steps in a fixed order: callers and tests compare lists.
class definition_checks {
 public:
  explicit definition_checks(const workflow_definition& def)
      : def_(def), wf_("workflow '" + def.name + "'"), outgoing_(def.states.size()) {}

  /// Not a design rule but a precondition of the messages: every string is UTF-8. A definition
  /// filled in C++ may hold any bytes, and every other message would repeat them.
  bool check_text_is_utf8() {
    std::string bad_text = first_non_utf8(def_);
    if (bad_text.empty()) return true;
    error("workflow", std::move(bad_text));
    return false;
  }

  /// Groundwork: the workflow has a name, a positive version and between 1 and 65535 states.
  void check_header() {
    if (def_.name.empty()) error("workflow", "name is empty");
    if (def_.version < 1) error(wf_, "version " + std::to_string(def_.version) + " is not positive");
    if (def_.states.empty()) error(wf_, "has no states");
    if (def_.states.size() > 65535) error(wf_, "has more than 65535 states");
  }

  /// "Every role, field and guard referenced is declared": the declared lists themselves name
  /// each field and role once, and every priority matrix row has a priority.
  void check_declarations() {
    if (def_.fields) {
      std::set<std::string> seen;
      for (const auto& f : *def_.fields) {
        if (f.id.empty()) error(wf_, "fields: empty field name");
        else if (!seen.insert(f.id).second) error("field '" + f.id + "'", "declared twice");
      }
    }
    if (def_.roles) {
      std::set<std::string> seen;
      for (const auto& r : *def_.roles) {
        if (r.empty()) error(wf_, "roles: empty role name");
        else if (!seen.insert(r).second) error("role '" + r + "'", "declared twice");
      }
    }
    for (std::size_t r = 0; r < def_.priority_matrix.size(); ++r) {
      if (def_.priority_matrix[r].empty()) {
        error(wf_, "priority_matrix[" + std::to_string(r) + "] is empty (one priority per urgency)");
      }
    }
  }

  /// Groundwork for every state rule: state ids are non-empty and unique (indexed for the later
  /// steps), no state is both initial and terminal, and the fields a state requires are declared.
  void check_states() {
    for (std::size_t i = 0; i < def_.states.size(); ++i) {
      const auto& s = def_.states[i];
      if (s.id.empty()) {
        error("states[" + std::to_string(i) + "]", "empty state id");
        continue;
      }
      if (!index_.emplace(s.id, static_cast<workflow::index>(i)).second) error(state_where(s), "declared twice");
      if (s.initial) initials_.push_back(static_cast<workflow::index>(i));
      if (s.terminal) any_terminal_ = true;
      if (s.initial && s.terminal) error(state_where(s), "is both initial and terminal");
      check_field_names(state_where(s), s.required_fields, "requires");
    }
  }

  /// "Exactly one initial state".
  void check_one_initial_state() {
    if (initials_.empty() && !def_.states.empty()) error(wf_, "has no initial state (mark exactly one \"initial\": true)");
    if (initials_.size() > 1) {
      std::string list;
      for (auto i : initials_) list += (list.empty() ? "'" : ", '") + def_.states[i].id + "'";
      error(wf_, "has " + std::to_string(initials_.size()) + " initial states (" + list + "); exactly one is allowed");
    }
  }

  /// "Some terminal state is reachable" needs a terminal state to exist at all.
  void check_some_terminal_state() {
    if (!any_terminal_ && !def_.states.empty()) error(wf_, "has no terminal state (mark at least one \"terminal\": true)");
  }

  /// Runs the per-transition steps over every transition, in definition order, and builds the
  /// table of transitions leaving each state that the graph steps and the workflow use (a
  /// transition naming an unknown state adds no edge from or to it).
  void check_transitions() {
    for (std::size_t i = 0; i < def_.transitions.size(); ++i) {
      const auto& t = def_.transitions[i];
      const std::string where = transition_where(t, i);
      check_transition_id(t, i, where);
      const workflow::index to = resolve_target(t, where);
      const std::vector<workflow::index> from = resolve_from_states(t, where);
      check_role_references(t, where);
      check_field_references(t, where);
      check_hook_references(t, where);
      check_approval_rule(t, where);
      if (to == workflow::npos) continue;
      check_entry_into_initial(t, to, where);
      for (auto f : from) {
        check_terminal_exit(t, f, where);
        check_id_unique_from(t, f, where);
        outgoing_[f].push_back(static_cast<workflow::index>(i));
      }
    }
    if (def_.transitions.size() > 0xFFFFFFF0u) error(wf_, "has too many transitions");
  }

  /// Whether the graph steps can run: they search from the one initial state. They run on the
  /// transitions as written even when others name unknown states, so a broken reference does not
  /// hide the graph problems of the rest: a state only that transition would reach is reported
  /// unreachable, which it is until the reference is fixed.
  bool graph_is_checkable() const { return initials_.size() == 1 && !def_.states.empty(); }

  /// The states as vertices and the transitions leaving them as edges.
  state_graph graph() const {
    state_graph g(def_.states.size());
    for (std::size_t s = 0; s < def_.states.size(); ++s) {
      for (auto t : outgoing_[s]) boost::add_edge(s, index_.at(def_.transitions[t].to), g);
    }
    return g;
  }

  /// "Every state reachable from" the initial state. Returns the search's colours (white: not
  /// reached), which the trap check reuses.
  std::vector<boost::default_color_type> check_reachability(const state_graph& g) {
    std::vector<boost::default_color_type> reached(def_.states.size(), boost::white_color);
    auto reached_map = boost::make_iterator_property_map(reached.begin(), boost::get(boost::vertex_index, g));
    boost::breadth_first_visit(g, boost::vertex(initials_[0], g), boost::color_map(reached_map));
    for (std::size_t s = 0; s < def_.states.size(); ++s) {
      if (reached[s] == boost::white_color && is_indexed(s)) {
        error(state_where(def_.states[s]), "is not reachable from the initial state '" + def_.states[initials_[0]].id + "'");
      }
    }
    return reached;
  }

  /// "From every non-terminal state some terminal state is reachable (no trap)"; states that
  /// are not reachable at all were reported already.
  void check_no_traps(const state_graph& g, const std::vector<boost::default_color_type>& reached) {
    if (!any_terminal_) return;  // "has no terminal state" says it for every state at once
    const auto reversed = boost::make_reverse_graph(g);
    std::vector<boost::default_color_type> done(def_.states.size(), boost::white_color);
    auto done_map = boost::make_iterator_property_map(done.begin(), boost::get(boost::vertex_index, reversed));
    for (std::size_t s = 0; s < def_.states.size(); ++s) {
      if (def_.states[s].terminal && done[s] == boost::white_color) {
        boost::breadth_first_visit(reversed, boost::vertex(s, reversed), boost::color_map(done_map));
      }
    }
    for (std::size_t s = 0; s < def_.states.size(); ++s) {
      if (done[s] == boost::white_color && reached[s] != boost::white_color && is_indexed(s)) {
        error(state_where(def_.states[s]), "is a trap: no terminal state can be reached from it");
      }
    }
  }

  /// Warning "states with a single way out that is never guarded".
  void warn_unguarded_single_exits() {
    for (std::size_t s = 0; s < def_.states.size(); ++s) {
      const auto& out_s = outgoing_[s];
      if (def_.states[s].terminal || out_s.size() != 1) continue;
      const auto& t = def_.transitions[out_s[0]];
      if (t.roles.empty() && t.guards.empty() && !t.approvals && t.required_fields.empty()) {
        warning(state_where(def_.states[s]), "its single way out, " + transition_where(t, out_s[0]) +
                                                 ", has no roles, fields, approvals or guards: anyone may move every ticket on");
      }
    }
  }

  /// Warning "transitions that duplicate another": same from-state, target, kind, roles (in any
  /// order), required fields and guards, and neither needs approvals.
  void warn_duplicate_transitions() {
    for (std::size_t s = 0; s < def_.states.size(); ++s) {
      const auto& out_s = outgoing_[s];
      for (std::size_t a = 0; a < out_s.size(); ++a) {
        for (std::size_t b = a + 1; b < out_s.size(); ++b) {
          const auto& ta = def_.transitions[out_s[a]];
          const auto& tb = def_.transitions[out_s[b]];
          auto ra = ta.roles, rb = tb.roles;
          std::sort(ra.begin(), ra.end());
          std::sort(rb.begin(), rb.end());
          if (ta.to == tb.to && ra == rb && ta.kind == tb.kind && ta.required_fields == tb.required_fields &&
              ta.guards == tb.guards && !ta.approvals && !tb.approvals) {
            warning(transition_where(tb, out_s[b]), "duplicates " + transition_where(ta, out_s[a]) +
                                                        " from state '" + def_.states[s].id + "'");
          }
        }
      }
    }
  }

  /// Whether any problem is an error (warnings alone still build).
  bool has_error() const {
    return std::any_of(problems_.begin(), problems_.end(),
                       [](const problem& p) { return p.level == problem::severity::error; });
  }

  // What `check_definition` hands on: the problems, and the tables it compiles into the workflow.
  std::vector<problem>& problems() noexcept { return problems_; }
  std::unordered_map<std::string, workflow::index>& state_index() noexcept { return index_; }
  workflow::index initial_state() const noexcept { return initials_[0]; }
  std::vector<std::vector<workflow::index>>& outgoing() noexcept { return outgoing_; }

 private:
  void error(std::string where, std::string message) {
    problems_.push_back(problem{problem::severity::error, std::move(where), std::move(message)});
  }
  void warning(std::string where, std::string message) {
    problems_.push_back(problem{problem::severity::warning, std::move(where), std::move(message)});
  }

  /// Whether transitions can name state `s`: its id is not empty and not taken by an earlier
  /// state. The graph steps say nothing of the others, whose problem was reported already.
  bool is_indexed(std::size_t s) const {
    const auto it = index_.find(def_.states[s].id);
    return it != index_.end() && it->second == static_cast<workflow::index>(s);
  }

  /// An undeclared list (roles, guards, actions) accepts every name.
  template <class List>
  static bool declared(const List& list, const std::string& id) {
    if (!list) return true;
    return std::find(list->begin(), list->end(), id) != list->end();
  }
  bool field_declared(const std::string& id) const {
    if (!def_.fields) return true;
    return std::any_of(def_.fields->begin(), def_.fields->end(), [&](const field_def& f) { return f.id == id; });
  }
  /// "Every field referenced is declared", for one list of field names (`what` names the key).
  void check_field_names(const std::string& where, const std::vector<std::string>& ids, const char* what) {
    for (const auto& f : ids) {
      if (f.empty()) error(where, std::string(what) + ": empty field name");
      else if (!field_declared(f)) error(where, std::string(what) + ": field '" + f + "' is not declared in fields");
    }
  }

  /// Groundwork for "transition ids unique per from-state": an id is not empty and not one the
  /// engine writes into histories itself.
  void check_transition_id(const transition_def& t, std::size_t i, const std::string& where) {
    if (t.id.empty()) error("transitions[" + std::to_string(i) + "]", "empty transition id");
    for (const char* r : reserved_transition_ids) {
      if (t.id == r) error(where, "'" + t.id + "' is reserved for history records; choose another id");
    }
  }

  /// Groundwork for the graph: the target is a state. Returns it, or `npos` when unknown.
  workflow::index resolve_target(const transition_def& t, const std::string& where) {
    auto to = index_.find(t.to);
    if (to != index_.end()) return to->second;
    error(where, "to: unknown state '" + t.to + "'");
    return workflow::npos;
  }

  /// Groundwork for the graph: the from-states exist, each listed once (`"*"`: every
  /// non-terminal state but the target). Returns the states the transition leaves.
  std::vector<workflow::index> resolve_from_states(const transition_def& t, const std::string& where) {
    if (!t.from_any && t.from.empty()) error(where, "from: no state (list states, or \"*\" for every open state)");
    std::vector<workflow::index> from;
    if (t.from_any) {
      for (std::size_t s = 0; s < def_.states.size(); ++s) {
        if (!def_.states[s].terminal && def_.states[s].id != t.to) from.push_back(static_cast<workflow::index>(s));
      }
      return from;
    }
    for (const auto& f : t.from) {
      auto it = index_.find(f);
      if (it == index_.end()) {
        error(where, "from: unknown state '" + f + "'");
      } else if (std::find(from.begin(), from.end(), it->second) != from.end()) {
        error(where, "from: state '" + f + "' listed twice");
      } else {
        from.push_back(it->second);
      }
    }
    return from;
  }

  /// "Every role referenced is declared": the roles that may fire the transition.
  void check_role_references(const transition_def& t, const std::string& where) {
    for (const auto& r : t.roles) {
      if (!declared(def_.roles, r)) error(where, "roles: role '" + r + "' is not declared in roles");
    }
  }

  /// "Every field referenced is declared": required, distinct and set fields; `distinct` names
  /// at least two and `set` is an object.
  void check_field_references(const transition_def& t, const std::string& where) {
    check_field_names(where, t.required_fields, "requires");
    check_field_names(where, t.distinct_fields, "distinct");
    if (!t.distinct_fields.empty() && t.distinct_fields.size() < 2) error(where, "distinct: needs at least two fields");
    if (!t.set.is_object()) {
      error(where, "set: must be an object of field values");
    } else {
      for (auto it = t.set.begin(); it != t.set.end(); ++it) {
        if (!field_declared(it.key())) error(where, "set: field '" + it.key() + "' is not declared in fields");
      }
    }
  }

  /// "Every guard referenced is declared", and so is every action.
  void check_hook_references(const transition_def& t, const std::string& where) {
    for (const auto& g : t.guards) {
      if (g.empty()) error(where, "guards: empty guard name");
      else if (!declared(def_.guards, g)) error(where, "guards: guard '" + g + "' is not declared in guards");
    }
    for (const auto& a : t.actions) {
      if (a.empty()) error(where, "actions: empty action name");
      else if (!declared(def_.actions, a)) error(where, "actions: action '" + a + "' is not declared in actions");
    }
  }

  /// "Every role and field referenced is declared", for the approval rule: its approver role and
  /// excluded fields; it needs at least one approval.
  void check_approval_rule(const transition_def& t, const std::string& where) {
    if (!t.approvals) return;
    if (t.approvals->role.empty()) error(where, "approvals.role is empty");
    else if (!declared(def_.roles, t.approvals->role)) {
      error(where, "approvals.role: role '" + t.approvals->role + "' is not declared in roles");
    }
    if (t.approvals->min < 1) error(where, "approvals.min must be at least 1");
    check_field_names(where, t.approvals->exclude, "approvals.exclude");
  }

  /// "No transition into the initial state unless marked as reopen or revert" (or reject: an
  /// approver sending a request back).
  void check_entry_into_initial(const transition_def& t, workflow::index to, const std::string& where) {
    const auto& target = def_.states[to];
    const bool may_enter_initial = t.kind != transition_kind::normal;
    if (target.initial && !may_enter_initial) {
      error(where, "enters the initial state '" + target.id +
                       "'; mark it \"kind\": \"reopen\", \"revert\" or \"reject\" if that is meant");
    }
  }

  /// "Terminal states have no outgoing transitions unless marked as reopen".
  void check_terminal_exit(const transition_def& t, workflow::index from, const std::string& where) {
    const auto& source = def_.states[from];
    if (source.terminal && t.kind != transition_kind::reopen) {
      error(where, "leaves the terminal state '" + source.id + "'; only a \"kind\": \"reopen\" transition may");
    }
  }

  /// "Transition ids unique per from-state", against the transitions already leaving `from`.
  void check_id_unique_from(const transition_def& t, workflow::index from, const std::string& where) {
    for (auto other : outgoing_[from]) {
      if (def_.transitions[other].id == t.id) {
        error(where, "id '" + t.id + "' is used twice from state '" + def_.states[from].id + "' (also " +
                         transition_where(def_.transitions[other], other) + ")");
      }
    }
  }

  const workflow_definition& def_;
  const std::string wf_;  // where workflow-wide problems are reported
  std::vector<problem> problems_;
  std::unordered_map<std::string, workflow::index> index_;  // state id -> position
  std::vector<workflow::index> initials_;
  bool any_terminal_ = false;
  std::vector<std::vector<workflow::index>> outgoing_;  // per state, the transitions leaving it
};

/// Runs every check of docs/workflows.md ("Checks when built"); fills `out`'s lookup tables when there is no error.
inline std::vector<problem> check_definition(const workflow_definition& def, workflow* out) {
  definition_checks checks(def);
  if (!checks.check_text_is_utf8()) return std::move(checks.problems());
  checks.check_header();
  checks.check_declarations();
  checks.check_states();
  checks.check_one_initial_state();
  checks.check_some_terminal_state();
  checks.check_transitions();
  if (checks.graph_is_checkable()) {
    const state_graph g = checks.graph();
    const auto reached = checks.check_reachability(g);
    checks.check_no_traps(g, reached);
  }
  checks.warn_unguarded_single_exits();
  checks.warn_duplicate_transitions();

  std::vector<problem>& problems = checks.problems();
  if (out != nullptr && !checks.has_error()) {
    out->initial_ = checks.initial_state();
    out->outgoing_ = std::move(checks.outgoing());
    out->target_.reserve(def.transitions.size());
    for (const auto& t : def.transitions) out->target_.push_back(checks.state_index().at(t.to));
    out->state_index_ = std::move(checks.state_index());
    out->matrix_ = def.priority_matrix.empty() ? default_priority_matrix() : def.priority_matrix;
    for (const auto& p : problems) out->warnings_.push_back(p);
  }
  return std::move(problems);
}

}  // namespace detail

inline std::vector<problem> workflow::check(const workflow_definition& def) {
  return detail::check_definition(def, nullptr);
}

inline result<workflow_ptr> workflow::build(workflow_definition def) {
  return detail::capture<workflow_ptr>([&]() -> workflow_ptr {
    auto wf = std::make_shared<workflow>(private_tag{}, std::move(def));
    const auto problems = detail::check_definition(wf->def_, wf.get());
    std::string errors;
    std::size_t n = 0;
    for (const auto& p : problems) {
      if (p.level != problem::severity::error) continue;
      errors += (errors.empty() ? "" : "\n") + p.to_string();
      ++n;
    }
    if (n > 0) {
      detail::fail(errc::invalid_definition, "workflow '" + wf->def_.name + "' has " + std::to_string(n) +
                                                 (n == 1 ? " error:\n" : " errors:\n") + errors);
    }
    return wf;
  });
}

}  // namespace v1
}  // namespace itsm
