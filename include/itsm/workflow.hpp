#pragma once
/// \file
/// Workflow definitions: states with categories, transitions with roles, required fields,
/// approvals and host guards; built in C++ or loaded from JSON, checked as graphs (Boost.Graph)
/// when built, drawn as Graphviz DOT. A built `workflow` is immutable and shared by every ticket
/// that follows it (`std::shared_ptr<const workflow>`), so one definition serves millions of
/// tickets and any number of threads.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {

/// What a state means to SLA clocks and metrics, whatever the vendor calls the state.
enum class state_category : std::uint8_t { new_, open, waiting, resolved, closed, cancelled };

/// `"new"`, `"open"`, `"waiting"`, `"resolved"`, `"closed"`, `"cancelled"`.
inline const char* to_string(state_category c) noexcept {
  switch (c) {
    case state_category::new_: return "new";
    case state_category::open: return "open";
    case state_category::waiting: return "waiting";
    case state_category::resolved: return "resolved";
    case state_category::closed: return "closed";
    case state_category::cancelled: return "cancelled";
  }
  return "open";
}

inline std::optional<state_category> parse_state_category(std::string_view s) noexcept {
  for (auto c : {state_category::new_, state_category::open, state_category::waiting,
                 state_category::resolved, state_category::closed, state_category::cancelled}) {
    if (s == to_string(c)) return c;
  }
  return std::nullopt;
}

/// Marks the transitions the graph checks treat specially.
enum class transition_kind : std::uint8_t {
  normal,
  reopen,  ///< may leave a terminal state, may enter the initial state
  revert,  ///< may enter the initial state (send back for rework)
  reject,  ///< fired by `ticket::reject` (an approver says no); may enter the initial state
};

inline const char* to_string(transition_kind k) noexcept {
  switch (k) {
    case transition_kind::normal: return "normal";
    case transition_kind::reopen: return "reopen";
    case transition_kind::revert: return "revert";
    case transition_kind::reject: return "reject";
  }
  return "normal";
}

/// N-of-M approval with segregation of duties: `min` distinct actors holding `role` must
/// approve; an actor named in any of the `exclude` fields (say `requested_by`, `implementer`)
/// may not approve, and nobody approves twice.
struct approval_rule {
  std::string role;
  int min = 1;
  std::vector<std::string> exclude;
  /// Fire the transition as soon as the last needed approval arrives (inside `approve`).
  bool automatic = true;
};

/// A field the workflow knows; `values`, when not empty, is the closed set of allowed values.
struct field_def {
  std::string id;
  std::vector<std::string> values;
};

struct state_def {
  std::string id;
  std::string name;  ///< display name; empty: the id
  state_category category = state_category::open;
  bool initial = false;
  bool terminal = false;
  std::vector<std::string> required_fields;  ///< must be non-empty to enter the state
};

struct transition_def {
  std::string id;                ///< the event a user fires, e.g. `resolve`
  std::string name;              ///< display name; empty: the id
  std::vector<std::string> from; ///< from-states (ignored when `from_any`)
  bool from_any = false;         ///< from every non-terminal state except `to` (JSON `"*"`)
  std::string to;
  transition_kind kind = transition_kind::normal;
  std::vector<std::string> roles;            ///< empty: anyone may fire it
  std::vector<std::string> required_fields;  ///< on top of the target state's
  std::optional<approval_rule> approvals;
  std::vector<std::string> guards;   ///< host predicates, run before commit, in order
  std::vector<std::string> actions;  ///< host callbacks, run after commit, in order
  nlohmann::json set = nlohmann::json::object();  ///< fields the transition itself sets
  /// Fields whose (non-empty) values must all differ: independence rules such as an auditor
  /// who may not audit a process they own (`["lead_auditor", "process_owner"]`).
  std::vector<std::string> distinct_fields;
};

/// The editable form of a workflow: fill it in C++ (or load it from JSON), then `workflow::build`.
/// Declaring `roles`, `fields` or `guards` is optional; once a list is declared, every
/// reference must be in it, so a typo in a transition is caught when the definition is built.
struct workflow_definition {
  std::string name;
  int version = 1;
  std::string title;
  std::string description;
  std::optional<std::vector<std::string>> roles;
  std::optional<std::vector<field_def>> fields;
  std::optional<std::vector<std::string>> guards;
  std::optional<std::vector<std::string>> actions;
  /// priority = matrix[impact-1][urgency-1]; empty: the ITIL-style 5x5 default
  /// (`(impact + urgency) / 2`, so P1 needs both at 1 or one at 1 and the other at 2).
  std::vector<std::vector<int>> priority_matrix;
  std::vector<state_def> states;
  std::vector<transition_def> transitions;
  nlohmann::json meta = nlohmann::json::object();  ///< vendor data, kept verbatim on round trips

  /// Appends a state and returns it for further settings (the small builder).
  state_def& add_state(std::string id, state_category category) {
    states.push_back(state_def{});
    states.back().id = std::move(id);
    states.back().category = category;
    return states.back();
  }
  /// Appends a transition and returns it for further settings.
  transition_def& add_transition(std::string id, std::vector<std::string> from, std::string to) {
    transitions.push_back(transition_def{});
    auto& t = transitions.back();
    t.id = std::move(id);
    t.from = std::move(from);
    t.from_any = t.from.size() == 1 && t.from[0] == "*";
    if (t.from_any) t.from.clear();
    t.to = std::move(to);
    return t;
  }
};

/// One finding of the definition checks. `where` names the state or transition
/// (`state 'on_hold'`, `transition 'resolve' (#5)`) or the JSON path.
struct problem {
  enum class severity { error, warning };
  severity level = severity::error;
  std::string where;
  std::string message;
  std::string to_string() const {
    return std::string(level == severity::error ? "error: " : "warning: ") + where + ": " + message;
  }
};

/// Transition ids the engine writes into histories itself; a definition may not use them.
inline constexpr const char* reserved_transition_ids[] = {"create", "update", "approve"};

class workflow;
using workflow_ptr = std::shared_ptr<const workflow>;

namespace detail {
inline std::vector<problem> check_definition(const workflow_definition& def, workflow* out);
inline workflow_definition parse_workflow(const nlohmann::json& j);
inline nlohmann::json workflow_to_json(const workflow_definition& def);
}  // namespace detail

/// An immutable, checked workflow. Build one with `workflow::build`, `workflow::from_json` or
/// `builtin_workflow`; share it between tickets and threads freely.
class workflow {
 public:
  using index = std::uint32_t;
  static constexpr index npos = static_cast<index>(-1);

  /// Checks `def` and compiles it. Fails with `errc::invalid_definition` whose message lists
  /// every error (one per line); warnings are kept in `warnings()`.
  static result<workflow_ptr> build(workflow_definition def);

  /// Every error and warning the checks find; empty when the definition is clean.
  static std::vector<problem> check(const workflow_definition& def);

  /// Parses the JSON form (docs/workflows.md, "The definition") and builds it. A malformed document
  /// fails with `errc::parse_error` / `errc::invalid_argument` naming the JSON path.
  static result<workflow_ptr> from_json(std::string_view text);
  static result<workflow_ptr> from_json(const nlohmann::json& j);
  static result<workflow_ptr> from_json(const char* text) {
    return from_json(std::string_view(text ? text : ""));
  }
  static result<workflow_ptr> from_json(const std::string& text) {
    return from_json(std::string_view(text));
  }

  /// Reads the JSON form without checking the graph (for tools that list every problem).
  static result<workflow_definition> parse(std::string_view text);
  static result<workflow_definition> parse(const nlohmann::json& j);

  /// The JSON form; `from_json(to_json())` gives an equal workflow.
  nlohmann::json to_json() const { return detail::workflow_to_json(def_); }

  /// Graphviz DOT: states filled by category, the initial state bold, terminal states doubled,
  /// and `current_state` (when not empty) highlighted.
  std::string to_dot(std::string_view current_state = {}) const;

  const workflow_definition& definition() const noexcept { return def_; }
  const std::vector<problem>& warnings() const noexcept { return warnings_; }
  const std::string& name() const noexcept { return def_.name; }
  int version() const noexcept { return def_.version; }

  // --- lookups used by tickets (indices are stable for the life of the workflow) -------------
  index initial_state() const noexcept { return initial_; }
  std::size_t state_count() const noexcept { return def_.states.size(); }
  std::size_t transition_count() const noexcept { return def_.transitions.size(); }
  const state_def& state(index i) const { return def_.states.at(i); }
  const transition_def& transition(index i) const { return def_.transitions.at(i); }
  /// `npos` when there is no such state.
  index find_state(std::string_view id) const noexcept {
    auto it = state_index_.find(std::string(id));
    return it == state_index_.end() ? npos : it->second;
  }
  /// The transition `id` leaving `from`, or `npos`.
  index find_transition(index from, std::string_view id) const noexcept {
    for (index t : outgoing_[from]) {
      if (def_.transitions[t].id == id) return t;
    }
    return npos;
  }
  /// True when some state has a transition of that id.
  bool has_transition_id(std::string_view id) const noexcept {
    return std::any_of(def_.transitions.begin(), def_.transitions.end(),
                       [&](const transition_def& t) { return t.id == id; });
  }
  /// The state a transition leads to (resolved once, when the workflow was built).
  index target(index transition) const { return target_.at(transition); }
  /// Transitions leaving a state, in definition order.
  const std::vector<index>& outgoing(index state) const { return outgoing_.at(state); }
  /// Whether the transition can be fired from `state` (its expanded from-set).
  bool leaves(index transition, index state) const {
    const auto& out = outgoing_.at(state);
    return std::find(out.begin(), out.end(), transition) != out.end();
  }
  /// The declared field, or nullptr.
  const field_def* field(std::string_view id) const noexcept {
    if (!def_.fields) return nullptr;
    for (const auto& f : *def_.fields)
      if (f.id == id) return &f;
    return nullptr;
  }
  /// Priority 1..N from impact and urgency (1-based), or 0 when either is outside the matrix.
  int priority(int impact, int urgency) const noexcept {
    if (impact < 1 || urgency < 1 || impact > static_cast<int>(matrix_.size())) return 0;
    const auto& row = matrix_[static_cast<std::size_t>(impact - 1)];
    if (urgency > static_cast<int>(row.size())) return 0;
    return row[static_cast<std::size_t>(urgency - 1)];
  }
  const std::vector<std::vector<int>>& priority_matrix() const noexcept { return matrix_; }

  /// Internal: use `build`.
  struct private_tag {};
  workflow(private_tag, workflow_definition def) : def_(std::move(def)) {}

 private:
  friend std::vector<problem> detail::check_definition(const workflow_definition&, workflow*);
  workflow_definition def_;
  index initial_ = 0;
  std::vector<std::vector<index>> outgoing_;
  std::vector<index> target_;
  std::unordered_map<std::string, index> state_index_;
  std::vector<std::vector<int>> matrix_;
  std::vector<problem> warnings_;
};

/// The names of the processes shipped with the library, in a stable order:
/// incident, service_request, change_normal, change_standard, change_emergency, problem,
/// audit_engagement, audit_finding.
inline std::vector<std::string> builtin_workflow_names();

/// A built-in process by name (`errc::not_found` naming the known ones otherwise). The JSON it
/// is built from is `builtin_workflow_json(name)`: dump it, edit it, load it back.
inline result<workflow_ptr> builtin_workflow(std::string_view name);
inline result<std::string> builtin_workflow_json(std::string_view name);

}  // namespace v1
}  // namespace itsm

#include "itsm/detail/workflow_json.hpp"
#include "itsm/detail/workflow_checks.hpp"
#include "itsm/detail/workflow_impl.hpp"
