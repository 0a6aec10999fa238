#pragma once
// The JSON form of workflow definitions (docs/workflows.md, "The definition"): the strict reader, which
// names the JSON path of anything it refuses, and the writer. Neither checks the graph; that is
// `check_definition`'s job when the definition is built.

#include <string>
#include <string_view>
#include <vector>

#include "itsm/detail/json_util.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

inline std::vector<std::string> need_string_list(const json& j, const std::string& field) {
  if (!j.is_array()) wrong_type(field, "an array of strings", j);
  std::vector<std::string> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    out.push_back(need_string(j[i], field + "[" + std::to_string(i) + "]"));
  }
  return out;
}

inline field_def parse_field_def(const json& j, const std::string& field) {
  field_def f;
  if (j.is_string()) {
    f.id = j.get<std::string>();
    return f;
  }
  if (!j.is_object()) wrong_type(field, "a field name or {\"id\", \"values\"}", j);
  only_keys(j, field, {"id", "values"});
  if (!j.contains("id")) fail(errc::invalid_argument, field + ": missing key 'id'");
  f.id = need_string(j["id"], field + ".id");
  if (j.contains("values")) f.values = need_string_list(j["values"], field + ".values");
  return f;
}

inline state_def parse_state_def(const json& j, const std::string& field) {
  need_object(j, field);
  only_keys(j, field, {"id", "name", "category", "initial", "terminal", "requires"});
  for (const char* k : {"id", "category"}) {
    if (!j.contains(k)) fail(errc::invalid_argument, field + ": missing key '" + k + "'");
  }
  state_def s;
  s.id = need_string(j["id"], field + ".id");
  if (j.contains("name")) s.name = need_string(j["name"], field + ".name");
  const std::string& cat = need_string(j["category"], field + ".category");
  const auto c = parse_state_category(cat);
  if (!c) {
    fail(errc::invalid_argument,
         field + ".category: unknown category '" + cat +
             "' (expected new, open, waiting, resolved, closed or cancelled)");
  }
  s.category = *c;
  if (j.contains("initial")) s.initial = need_bool(j["initial"], field + ".initial");
  if (j.contains("terminal")) s.terminal = need_bool(j["terminal"], field + ".terminal");
  if (j.contains("requires")) s.required_fields = need_string_list(j["requires"], field + ".requires");
  return s;
}

inline transition_def parse_transition_def(const json& j, const std::string& field) {
  need_object(j, field);
  only_keys(j, field, {"id", "name", "from", "to", "kind", "roles", "requires", "approvals",
                       "guards", "actions", "set", "distinct"});
  for (const char* k : {"id", "from", "to"}) {
    if (!j.contains(k)) fail(errc::invalid_argument, field + ": missing key '" + k + "'");
  }
  transition_def t;
  t.id = need_string(j["id"], field + ".id");
  if (j.contains("name")) t.name = need_string(j["name"], field + ".name");
  const json& from = j["from"];
  if (from.is_string() && from.get<std::string>() == "*") {
    t.from_any = true;
  } else if (from.is_array() && from.size() == 1 && from[0].is_string() &&
             from[0].get<std::string>() == "*") {
    t.from_any = true;
  } else {
    if (!from.is_array()) wrong_type(field + ".from", "an array of state ids or \"*\"", from);
    t.from = need_string_list(from, field + ".from");
  }
  t.to = need_string(j["to"], field + ".to");
  if (j.contains("kind")) {
    const std::string& k = need_string(j["kind"], field + ".kind");
    if (k == "normal") t.kind = transition_kind::normal;
    else if (k == "reopen") t.kind = transition_kind::reopen;
    else if (k == "revert") t.kind = transition_kind::revert;
    else if (k == "reject") t.kind = transition_kind::reject;
    else
      fail(errc::invalid_argument, field + ".kind: unknown kind '" + k +
                                       "' (expected normal, reopen, revert or reject)");
  }
  if (j.contains("roles")) t.roles = need_string_list(j["roles"], field + ".roles");
  if (j.contains("requires")) t.required_fields = need_string_list(j["requires"], field + ".requires");
  if (j.contains("guards")) t.guards = need_string_list(j["guards"], field + ".guards");
  if (j.contains("actions")) t.actions = need_string_list(j["actions"], field + ".actions");
  if (j.contains("distinct")) t.distinct_fields = need_string_list(j["distinct"], field + ".distinct");
  if (j.contains("set")) {
    need_object(j["set"], field + ".set");
    t.set = j["set"];
  }
  if (j.contains("approvals")) {
    const json& a = j["approvals"];
    const std::string f = field + ".approvals";
    need_object(a, f);
    only_keys(a, f, {"role", "min", "exclude", "auto"});
    if (!a.contains("role")) fail(errc::invalid_argument, f + ": missing key 'role'");
    approval_rule r;
    r.role = need_string(a["role"], f + ".role");
    if (a.contains("min")) r.min = static_cast<int>(need_integer(a["min"], f + ".min", 1, 1000));
    if (a.contains("exclude")) r.exclude = need_string_list(a["exclude"], f + ".exclude");
    if (a.contains("auto")) r.automatic = need_bool(a["auto"], f + ".auto");
    t.approvals = std::move(r);
  }
  return t;
}

inline workflow_definition parse_workflow(const json& j) {
  const std::string field = "workflow";
  need_object(j, field);
  only_keys(j, field, {"name", "version", "title", "description", "roles", "fields", "guards",
                       "actions", "priority_matrix", "states", "transitions", "meta"});
  for (const char* k : {"name", "states", "transitions"}) {
    if (!j.contains(k)) fail(errc::invalid_argument, field + ": missing key '" + k + "'");
  }
  workflow_definition d;
  d.name = need_string(j["name"], "name");
  if (j.contains("version")) d.version = static_cast<int>(need_integer(j["version"], "version", 1, 1000000000));
  if (j.contains("title")) d.title = need_string(j["title"], "title");
  if (j.contains("description")) d.description = need_string(j["description"], "description");
  if (j.contains("roles")) d.roles = need_string_list(j["roles"], "roles");
  if (j.contains("guards")) d.guards = need_string_list(j["guards"], "guards");
  if (j.contains("actions")) d.actions = need_string_list(j["actions"], "actions");
  if (j.contains("fields")) {
    const json& f = j["fields"];
    if (!f.is_array()) wrong_type("fields", "an array", f);
    d.fields.emplace();
    for (std::size_t i = 0; i < f.size(); ++i) {
      d.fields->push_back(parse_field_def(f[i], "fields[" + std::to_string(i) + "]"));
    }
  }
  if (j.contains("priority_matrix")) {
    const json& m = j["priority_matrix"];
    if (!m.is_array()) wrong_type("priority_matrix", "an array of rows (one per impact)", m);
    for (std::size_t r = 0; r < m.size(); ++r) {
      const std::string f = "priority_matrix[" + std::to_string(r) + "]";
      if (!m[r].is_array()) wrong_type(f, "an array of priorities (one per urgency)", m[r]);
      std::vector<int> row;
      for (std::size_t c = 0; c < m[r].size(); ++c) {
        row.push_back(static_cast<int>(need_integer(m[r][c], f + "[" + std::to_string(c) + "]", 1, 99)));
      }
      d.priority_matrix.push_back(std::move(row));
    }
  }
  if (j.contains("meta")) {
    need_object(j["meta"], "meta");
    d.meta = j["meta"];
  }
  const json& states = j["states"];
  if (!states.is_array()) wrong_type("states", "an array of state objects", states);
  for (std::size_t i = 0; i < states.size(); ++i) {
    d.states.push_back(parse_state_def(states[i], "states[" + std::to_string(i) + "]"));
  }
  const json& transitions = j["transitions"];
  if (!transitions.is_array()) wrong_type("transitions", "an array of transition objects", transitions);
  for (std::size_t i = 0; i < transitions.size(); ++i) {
    d.transitions.push_back(
        parse_transition_def(transitions[i], "transitions[" + std::to_string(i) + "]"));
  }
  return d;
}

inline json workflow_to_json(const workflow_definition& d) {
  // Every value is built in a place that is released when an allocation fails, and moved (never
  // copied) into its parent (detail/json_release.hpp).
  json j = json::object();
  json_release_guard j_guard(j);
  j["name"] = d.name;
  j["version"] = d.version;
  if (!d.title.empty()) j["title"] = d.title;
  if (!d.description.empty()) j["description"] = d.description;
  if (d.roles) json_set(j, "roles", *d.roles);
  if (d.fields) {
    json_set(j, "fields", json::array());
    auto* f = j["fields"].get_ptr<json::array_t*>();
    f->reserve(d.fields->size());  // the push_backs below never reallocate
    for (const auto& fd : *d.fields) {
      if (fd.values.empty()) {
        f->push_back(fd.id);
      } else {
        json one = json::object();
        json_release_guard guard(one);
        one["id"] = fd.id;
        json_set(one, "values", fd.values);
        f->push_back(std::move(one));
      }
    }
  }
  if (d.guards) json_set(j, "guards", *d.guards);
  if (d.actions) json_set(j, "actions", *d.actions);
  if (!d.priority_matrix.empty()) json_set(j, "priority_matrix", d.priority_matrix);
  json_set(j, "states", json::array());
  auto* states = j["states"].get_ptr<json::array_t*>();
  states->reserve(d.states.size());
  for (const auto& s : d.states) {
    json o = json::object();
    json_release_guard guard(o);
    o["id"] = s.id;
    o["category"] = to_string(s.category);
    if (!s.name.empty()) o["name"] = s.name;
    if (s.initial) o["initial"] = true;
    if (s.terminal) o["terminal"] = true;
    if (!s.required_fields.empty()) json_set(o, "requires", s.required_fields);
    states->push_back(std::move(o));
  }
  json_set(j, "transitions", json::array());
  auto* transitions = j["transitions"].get_ptr<json::array_t*>();
  transitions->reserve(d.transitions.size());
  for (const auto& t : d.transitions) {
    json o = json::object();
    json_release_guard guard(o);
    o["id"] = t.id;
    o["to"] = t.to;
    if (t.from_any) o["from"] = "*";
    else json_set(o, "from", t.from);
    if (!t.name.empty()) o["name"] = t.name;
    if (t.kind != transition_kind::normal) o["kind"] = to_string(t.kind);
    if (!t.roles.empty()) json_set(o, "roles", t.roles);
    if (!t.required_fields.empty()) json_set(o, "requires", t.required_fields);
    if (t.approvals) {
      json_set(o, "approvals", json::object());
      json& a = o["approvals"];
      a["role"] = t.approvals->role;
      a["min"] = t.approvals->min;
      if (!t.approvals->exclude.empty()) json_set(a, "exclude", t.approvals->exclude);
      if (!t.approvals->automatic) a["auto"] = false;
    }
    if (!t.guards.empty()) json_set(o, "guards", t.guards);
    if (!t.actions.empty()) json_set(o, "actions", t.actions);
    if (!t.set.empty()) json_set(o, "set", json_copy(t.set));
    if (!t.distinct_fields.empty()) json_set(o, "distinct", t.distinct_fields);
    transitions->push_back(std::move(o));
  }
  if (!d.meta.empty()) json_set(j, "meta", json_copy(d.meta));
  j_guard.dismiss();
  return j;
}

}  // namespace detail

inline result<workflow_definition> workflow::parse(const nlohmann::json& j) {
  return detail::capture<workflow_definition>([&] {
    detail::need_utf8_json(j, "workflow");
    return detail::parse_workflow(j);
  });
}

inline result<workflow_definition> workflow::parse(std::string_view text) {
  return detail::capture<workflow_definition>(
      [&] { return detail::with_json_text(text, "workflow", [](const nlohmann::json& doc) { return detail::parse_workflow(doc); }); });
}

}  // namespace v1
}  // namespace itsm
