#pragma once
// Workflows: loading from JSON (read in workflow_json.hpp, checked and compiled in
// workflow_checks.hpp), DOT export and the built-in processes.

#include <sstream>

#include "itsm/detail/builtin_workflows_data.hpp"
#include "itsm/detail/json_util.hpp"
#include "itsm/detail/workflow_checks.hpp"
#include "itsm/detail/workflow_json.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

inline std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

inline const char* category_colour(state_category c) {
  switch (c) {
    case state_category::new_: return "#cfe2ff";
    case state_category::open: return "#d1e7dd";
    case state_category::waiting: return "#fff3cd";
    case state_category::resolved: return "#e2d9f3";
    case state_category::closed: return "#dee2e6";
    case state_category::cancelled: return "#f8d7da";
  }
  return "#ffffff";
}

}  // namespace detail

inline result<workflow_ptr> workflow::from_json(const nlohmann::json& j) {
  auto def = parse(j);
  if (!def) return def.error_value();
  return build(std::move(*def));
}

inline result<workflow_ptr> workflow::from_json(std::string_view text) {
  auto def = parse(text);
  if (!def) return def.error_value();
  return build(std::move(*def));
}

inline std::string workflow::to_dot(std::string_view current_state) const {
  std::ostringstream o;
  o << "digraph " << detail::dot_quote(def_.name) << " {\n"
    << "  rankdir=LR;\n"
    << "  label=" << detail::dot_quote(def_.title.empty() ? def_.name + " v" + std::to_string(def_.version) : def_.title)
    << ";\n  labelloc=t;\n"
    << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n"
    << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (std::size_t i = 0; i < def_.states.size(); ++i) {
    const auto& s = def_.states[i];
    o << "  " << detail::dot_quote(s.id) << " [label="
      << detail::dot_quote((s.name.empty() ? s.id : s.name) + "\n(" + to_string(s.category) + ")")
      << ", fillcolor=" << detail::dot_quote(detail::category_colour(s.category));
    if (s.initial) o << ", penwidth=2";
    if (s.terminal) o << ", peripheries=2";
    if (!current_state.empty() && s.id == current_state) {
      o << ", color=\"#d62728\", penwidth=4, fontcolor=\"#d62728\"";
    }
    o << "];\n";
  }
  for (std::size_t s = 0; s < outgoing_.size(); ++s) {
    for (index t : outgoing_[s]) {
      const auto& tr = def_.transitions[t];
      std::string label = tr.name.empty() ? tr.id : tr.name;
      if (!tr.roles.empty()) {
        label += "\n[";
        for (std::size_t r = 0; r < tr.roles.size(); ++r) label += (r ? ", " : "") + tr.roles[r];
        label += "]";
      }
      if (tr.approvals) {
        label += "\n" + std::to_string(tr.approvals->min) + " x " + tr.approvals->role + " approval";
      }
      o << "  " << detail::dot_quote(def_.states[s].id) << " -> " << detail::dot_quote(tr.to)
        << " [label=" << detail::dot_quote(label);
      if (tr.kind != transition_kind::normal) o << ", style=dashed";
      o << "];\n";
    }
  }
  o << "}\n";
  return o.str();
}

namespace detail {
inline const std::vector<workflow_ptr>& builtin_workflows() {
  static const std::vector<workflow_ptr> all = [] {
    std::vector<workflow_ptr> v;
    for (const auto& entry : builtin_workflow_data) {
      // Our own text: parsed without the caller's limits, which may be set tighter than it needs.
      auto wf = workflow::from_json(nlohmann::json::parse(std::string_view(entry.json)));
      if (!wf) throw std::logic_error("built-in workflow '" + std::string(entry.name) + "' is invalid: " + wf.error_value().message);
      v.push_back(std::move(*wf));
    }
    return v;
  }();
  return all;
}

inline std::string builtin_names_list() {
  std::string list;
  for (const auto& entry : builtin_workflow_data) list += (list.empty() ? "" : ", ") + std::string(entry.name);
  return list;
}
}  // namespace detail

inline std::vector<std::string> builtin_workflow_names() {
  std::vector<std::string> names;
  for (const auto& entry : detail::builtin_workflow_data) names.emplace_back(entry.name);
  return names;
}

inline result<workflow_ptr> builtin_workflow(std::string_view name) {
  return detail::capture<workflow_ptr>([&]() -> workflow_ptr {
    const auto& all = detail::builtin_workflows();
    for (std::size_t i = 0; i < std::size(detail::builtin_workflow_data); ++i) {
      if (name == detail::builtin_workflow_data[i].name) return all[i];
    }
    detail::fail(errc::not_found, "workflow: no built-in process named '" + std::string(name) +
                                      "' (known: " + detail::builtin_names_list() + ")");
  });
}

inline result<std::string> builtin_workflow_json(std::string_view name) {
  for (const auto& entry : detail::builtin_workflow_data) {
    if (name == entry.name) return std::string(entry.json);
  }
  return error{errc::not_found, "workflow: no built-in process named '" + std::string(name) +
                                    "' (known: " + detail::builtin_names_list() + ")"};
}

}  // namespace v1
}  // namespace itsm
