#pragma once
// The checks a workflow definition passes when it is built (design page "Checks when a
// definition is built"; Boost.Graph for reachability and traps) and its compilation into the
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

/// Runs every check of the design page; fills `out`'s lookup tables when there is no error.
inline std::vector<problem> check_definition(const workflow_definition& def, workflow* out) {
  std::vector<problem> problems;
  auto error = [&](std::string where, std::string message) {
    problems.push_back(problem{problem::severity::error, std::move(where), std::move(message)});
  };
  auto warning = [&](std::string where, std::string message) {
    problems.push_back(problem{problem::severity::warning, std::move(where), std::move(message)});
  };
  // A definition filled in C++ may hold any bytes; every other message would repeat them.
  if (std::string bad_text = first_non_utf8(def); !bad_text.empty()) {
    error("workflow", std::move(bad_text));
    return problems;
  }
  const std::string wf = "workflow '" + def.name + "'";
  if (def.name.empty()) error("workflow", "name is empty");
  if (def.version < 1) error(wf, "version " + std::to_string(def.version) + " is not positive");
  if (def.states.empty()) error(wf, "has no states");
  if (def.states.size() > 65535) error(wf, "has more than 65535 states");

  auto declared = [](const auto& list, const std::string& id) {
    if (!list) return true;
    return std::find(list->begin(), list->end(), id) != list->end();
  };
  auto field_declared = [&](const std::string& id) {
    if (!def.fields) return true;
    return std::any_of(def.fields->begin(), def.fields->end(),
                       [&](const field_def& f) { return f.id == id; });
  };
  auto check_fields = [&](const std::string& where, const std::vector<std::string>& ids,
                          const char* what) {
    for (const auto& f : ids) {
      if (f.empty()) error(where, std::string(what) + ": empty field name");
      else if (!field_declared(f)) error(where, std::string(what) + ": field '" + f + "' is not declared in fields");
    }
  };
  if (def.fields) {
    std::set<std::string> seen;
    for (const auto& f : *def.fields) {
      if (f.id.empty()) error(wf, "fields: empty field name");
      else if (!seen.insert(f.id).second) error("field '" + f.id + "'", "declared twice");
    }
  }
  if (def.roles) {
    std::set<std::string> seen;
    for (const auto& r : *def.roles) {
      if (r.empty()) error(wf, "roles: empty role name");
      else if (!seen.insert(r).second) error("role '" + r + "'", "declared twice");
    }
  }
  for (std::size_t r = 0; r < def.priority_matrix.size(); ++r) {
    if (def.priority_matrix[r].empty()) {
      error(wf, "priority_matrix[" + std::to_string(r) + "] is empty (one priority per urgency)");
    }
  }

  // States.
  std::unordered_map<std::string, workflow::index> index;
  std::vector<workflow::index> initials;
  bool any_terminal = false;
  for (std::size_t i = 0; i < def.states.size(); ++i) {
    const auto& s = def.states[i];
    if (s.id.empty()) {
      error("states[" + std::to_string(i) + "]", "empty state id");
      continue;
    }
    if (!index.emplace(s.id, static_cast<workflow::index>(i)).second) {
      error(state_where(s), "declared twice");
    }
    if (s.initial) initials.push_back(static_cast<workflow::index>(i));
    if (s.terminal) any_terminal = true;
    if (s.initial && s.terminal) error(state_where(s), "is both initial and terminal");
    check_fields(state_where(s), s.required_fields, "requires");
  }
  if (initials.empty() && !def.states.empty()) error(wf, "has no initial state (mark exactly one \"initial\": true)");
  if (initials.size() > 1) {
    std::string list;
    for (auto i : initials) list += (list.empty() ? "'" : ", '") + def.states[i].id + "'";
    error(wf, "has " + std::to_string(initials.size()) + " initial states (" + list + "); exactly one is allowed");
  }
  if (!any_terminal && !def.states.empty()) error(wf, "has no terminal state (mark at least one \"terminal\": true)");

  // Transitions: references, then the expanded from-sets.
  const std::size_t n_states = def.states.size();
  std::vector<std::vector<workflow::index>> outgoing(n_states);
  // The graph checks need every state id valid and unique; problems so far are all errors.
  bool structure_ok = problems.empty();
  for (std::size_t i = 0; i < def.transitions.size(); ++i) {
    const auto& t = def.transitions[i];
    const std::string where = transition_where(t, i);
    if (t.id.empty()) error("transitions[" + std::to_string(i) + "]", "empty transition id");
    for (const char* r : reserved_transition_ids) {
      if (t.id == r) error(where, "'" + t.id + "' is reserved for history records; choose another id");
    }
    auto to = index.find(t.to);
    if (to == index.end()) {
      error(where, "to: unknown state '" + t.to + "'");
      structure_ok = false;
    }
    if (!t.from_any && t.from.empty()) error(where, "from: no state (list states, or \"*\" for every open state)");
    std::vector<workflow::index> from;
    if (t.from_any) {
      for (std::size_t s = 0; s < n_states; ++s) {
        if (!def.states[s].terminal && def.states[s].id != t.to) from.push_back(static_cast<workflow::index>(s));
      }
    } else {
      for (const auto& f : t.from) {
        auto it = index.find(f);
        if (it == index.end()) {
          error(where, "from: unknown state '" + f + "'");
          structure_ok = false;
        } else if (std::find(from.begin(), from.end(), it->second) != from.end()) {
          error(where, "from: state '" + f + "' listed twice");
        } else {
          from.push_back(it->second);
        }
      }
    }
    for (const auto& r : t.roles) {
      if (!declared(def.roles, r)) error(where, "roles: role '" + r + "' is not declared in roles");
    }
    check_fields(where, t.required_fields, "requires");
    check_fields(where, t.distinct_fields, "distinct");
    if (!t.distinct_fields.empty() && t.distinct_fields.size() < 2) {
      error(where, "distinct: needs at least two fields");
    }
    if (!t.set.is_object()) {
      error(where, "set: must be an object of field values");
    } else {
      for (auto it = t.set.begin(); it != t.set.end(); ++it) {
        if (!field_declared(it.key())) error(where, "set: field '" + it.key() + "' is not declared in fields");
      }
    }
    for (const auto& g : t.guards) {
      if (g.empty()) error(where, "guards: empty guard name");
      else if (!declared(def.guards, g)) error(where, "guards: guard '" + g + "' is not declared in guards");
    }
    for (const auto& a : t.actions) {
      if (a.empty()) error(where, "actions: empty action name");
      else if (!declared(def.actions, a)) error(where, "actions: action '" + a + "' is not declared in actions");
    }
    if (t.approvals) {
      if (t.approvals->role.empty()) error(where, "approvals.role is empty");
      else if (!declared(def.roles, t.approvals->role)) {
        error(where, "approvals.role: role '" + t.approvals->role + "' is not declared in roles");
      }
      if (t.approvals->min < 1) error(where, "approvals.min must be at least 1");
      check_fields(where, t.approvals->exclude, "approvals.exclude");
    }
    if (to == index.end()) continue;
    const auto& target = def.states[to->second];
    const bool may_enter_initial = t.kind != transition_kind::normal;
    if (target.initial && !may_enter_initial) {
      error(where, "enters the initial state '" + target.id +
                       "'; mark it \"kind\": \"reopen\", \"revert\" or \"reject\" if that is meant");
    }
    for (auto f : from) {
      const auto& source = def.states[f];
      if (source.terminal && t.kind != transition_kind::reopen) {
        error(where, "leaves the terminal state '" + source.id + "'; only a \"kind\": \"reopen\" transition may");
      }
      for (auto other : outgoing[f]) {
        if (def.transitions[other].id == t.id) {
          error(where, "id '" + t.id + "' is used twice from state '" + source.id + "' (also " +
                           transition_where(def.transitions[other], other) + ")");
        }
      }
      outgoing[f].push_back(static_cast<workflow::index>(i));
    }
  }
  if (def.transitions.size() > 0xFFFFFFF0u) error(wf, "has too many transitions");

  // The graph: reachability from the initial state, and a way to a terminal from every state.
  if (structure_ok && initials.size() == 1 && n_states > 0) {
    using graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
    graph g(n_states);
    for (std::size_t s = 0; s < n_states; ++s) {
      for (auto t : outgoing[s]) {
        boost::add_edge(s, index.at(def.transitions[t].to), g);
      }
    }
    using color_map_t = std::vector<boost::default_color_type>;
    color_map_t reach(n_states, boost::white_color);
    auto reach_map = boost::make_iterator_property_map(reach.begin(), boost::get(boost::vertex_index, g));
    boost::breadth_first_visit(g, boost::vertex(initials[0], g), boost::color_map(reach_map));
    for (std::size_t s = 0; s < n_states; ++s) {
      if (reach[s] == boost::white_color) {
        error(state_where(def.states[s]), "is not reachable from the initial state '" + def.states[initials[0]].id + "'");
      }
    }
    const auto reversed = boost::make_reverse_graph(g);
    color_map_t done(n_states, boost::white_color);
    auto done_map = boost::make_iterator_property_map(done.begin(), boost::get(boost::vertex_index, reversed));
    for (std::size_t s = 0; s < n_states; ++s) {
      if (def.states[s].terminal && done[s] == boost::white_color) {
        boost::breadth_first_visit(reversed, boost::vertex(s, reversed), boost::color_map(done_map));
      }
    }
    for (std::size_t s = 0; s < n_states; ++s) {
      if (done[s] == boost::white_color && reach[s] != boost::white_color) {
        error(state_where(def.states[s]), "is a trap: no terminal state can be reached from it");
      }
    }
  }

  // Warnings.
  for (std::size_t s = 0; s < n_states; ++s) {
    const auto& out_s = outgoing[s];
    if (def.states[s].terminal || out_s.size() != 1) continue;
    const auto& t = def.transitions[out_s[0]];
    if (t.roles.empty() && t.guards.empty() && !t.approvals && t.required_fields.empty()) {
      warning(state_where(def.states[s]), "its single way out, " + transition_where(t, out_s[0]) +
                                              ", has no roles, fields, approvals or guards: anyone may move every ticket on");
    }
  }
  for (std::size_t s = 0; s < n_states; ++s) {
    const auto& out_s = outgoing[s];
    for (std::size_t a = 0; a < out_s.size(); ++a) {
      for (std::size_t b = a + 1; b < out_s.size(); ++b) {
        const auto& ta = def.transitions[out_s[a]];
        const auto& tb = def.transitions[out_s[b]];
        auto ra = ta.roles, rb = tb.roles;
        std::sort(ra.begin(), ra.end());
        std::sort(rb.begin(), rb.end());
        if (ta.to == tb.to && ra == rb && ta.kind == tb.kind && ta.required_fields == tb.required_fields &&
            ta.guards == tb.guards && !ta.approvals && !tb.approvals) {
          warning(transition_where(tb, out_s[b]), "duplicates " + transition_where(ta, out_s[a]) +
                                                      " from state '" + def.states[s].id + "'");
        }
      }
    }
  }

  const bool has_error = std::any_of(problems.begin(), problems.end(), [](const problem& p) {
    return p.level == problem::severity::error;
  });
  if (out != nullptr && !has_error) {
    out->initial_ = initials[0];
    out->outgoing_ = std::move(outgoing);
    out->target_.reserve(def.transitions.size());
    for (const auto& t : def.transitions) out->target_.push_back(index.at(t.to));
    out->state_index_ = std::move(index);
    out->matrix_ = def.priority_matrix.empty() ? default_priority_matrix() : def.priority_matrix;
    for (const auto& p : problems) out->warnings_.push_back(p);
  }
  return problems;
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
