#pragma once
// Ticket operations: the checks of fire / approve / reject / update / move_to, the commit with
// the strong guarantee (everything that can fail or throw happens before the first change),
// snapshots, replay and the hash-chained history export.

#include <unordered_map>

#include "itsm/detail/civil.hpp"
#include "itsm/detail/json_util.hpp"
#include "itsm/detail/sha256.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// A filled-in value: not absent, not null, not an empty string, array or object.
inline bool is_present(const json* v) {
  if (v == nullptr || v->is_null()) return false;
  if (v->is_string()) return !v->get_ref<const std::string&>().empty();
  if (v->is_array() || v->is_object()) return !v->empty();
  return true;
}

inline const json* find_field(const json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

/// Impact, urgency or priority: an integer >= 1, or text starting with one ("2", "2 - High",
/// "P2"). Returns 0 when the value is none of these.
inline int parse_level(const json& v) {
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    return n >= 1 && n <= 99 ? static_cast<int>(n) : 0;
  }
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    return n >= 1 && n <= 99 ? static_cast<int>(n) : 0;
  }
  if (!v.is_string()) return 0;
  const std::string& s = v.get_ref<const std::string&>();
  std::size_t i = (!s.empty() && (s[0] == 'P' || s[0] == 'p')) ? 1 : 0;
  int n = 0;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i]) && digits < 3) {
    n = n * 10 + (s[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0 || n < 1 || n > 99) return 0;
  if (i < s.size() && s[i] != ' ' && s[i] != '-') return 0;
  return n;
}

inline bool names_actor(const json* v, const std::string& name) {
  if (v == nullptr) return false;
  if (v->is_string()) return v->get_ref<const std::string&>() == name;
  if (v->is_array()) {
    for (const auto& e : *v)
      if (e.is_string() && e.get_ref<const std::string&>() == name) return true;
  }
  return false;
}

inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

inline const std::string zero_hash(64, '0');

}  // namespace detail

// --- field checks shared by every operation ------------------------------------------------

namespace detail {
/// Fills `out` (invalid_argument, naming `field`) and returns true when `text` is not UTF-8.
inline bool refuse_if_not_utf8(std::string_view text, const char* field, outcome& out) {
  const auto at = invalid_utf8_at(text);
  if (at == utf8_ok) return false;
  out.code = errc::invalid_argument;
  out.message = not_utf8_message(field, at);
  return true;
}

/// Checks incoming fields against the workflow's declarations; fills `out` on a refusal.
/// Refuses (limit_exceeded) a field value larger or deeper than the limits; scalars cost a
/// comparison, containers a walk.
inline bool field_value_within_limits(const std::string& key, const json& v, outcome& out) {
  const auto& lim = limits_now();
  const std::size_t max_bytes = lim.field_bytes.load(std::memory_order_relaxed);
  json_extent e;
  if (v.is_string()) {
    e.bytes = v.get_ref<const std::string&>().size();
    if (const auto at = invalid_utf8_at(v.get_ref<const std::string&>()); at != utf8_ok) {
      out.code = errc::invalid_argument;
      out.message = not_utf8_message("fields." + key, at);
      return false;
    }
  } else if (v.is_structured()) {
    e = measure_json(v);
    if (!utf8_walk::all_valid(v)) {
      out.code = errc::invalid_argument;
      out.message = utf8_walk::describe_first_invalid(v, "fields." + key);
      return false;
    }
  }
  if (e.bytes > max_bytes) {
    out.code = errc::limit_exceeded;
    out.message = limit_message("fields." + key + ": about " + std::to_string(e.bytes) + " bytes", "field_bytes", max_bytes);
    return false;
  }
  if (const std::size_t max_depth = lim.json_depth.load(std::memory_order_relaxed); e.depth > max_depth) {
    out.code = errc::limit_exceeded;
    out.message = limit_message("fields." + key + ": nested " + std::to_string(e.depth) + " deep", "json_depth", max_depth);
    return false;
  }
  return true;
}

/// Refuses (limit_exceeded) a ticket whose fields after a change would be too many.
inline bool fields_within_limit(const json& after, outcome& out) {
  const std::size_t max = limits_now().fields.load(std::memory_order_relaxed);
  if (after.size() <= max) return true;
  out.code = errc::limit_exceeded;
  out.message = limit_message("fields: the change leaves " + std::to_string(after.size()) + " fields", "fields", max);
  return false;
}

inline bool validate_fields(const workflow& wf, const json& fields, outcome& out) {
  if (fields.is_null()) return true;
  if (!fields.is_object()) {
    out.code = errc::invalid_argument;
    out.message = "fields: expected an object of field values, got " + std::string(fields.type_name());
    return false;
  }
  const auto& lim = limits_now();
  if (const std::size_t max = lim.fields.load(std::memory_order_relaxed); fields.size() > max) {
    out.code = errc::limit_exceeded;
    out.message = limit_message("fields: " + std::to_string(fields.size()) + " fields", "fields", max);
    return false;
  }
  const auto& def = wf.definition();
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (const auto at = invalid_utf8_at(key); at != utf8_ok) {
      out.code = errc::invalid_argument;
      out.message = "fields: a field name is not valid UTF-8 (byte " + std::to_string(at) + ")";
      return false;
    }
    if (!field_value_within_limits(key, v, out)) return false;
    if (def.fields) {
      const field_def* f = wf.field(key);
      if (f == nullptr) {
        out.code = errc::invalid_argument;
        out.message = "fields." + key + ": not a field of workflow '" + wf.name() + "'";
        return false;
      }
      if (!f->values.empty() && !v.is_null()) {
        const bool ok = v.is_string() && std::find(f->values.begin(), f->values.end(),
                                                   v.get_ref<const std::string&>()) != f->values.end();
        if (!ok) {
          out.code = errc::invalid_argument;
          out.message = "fields." + key + ": " + quoted(v) + " is not one of " + join(f->values);
          return false;
        }
      }
    }
    if ((key == "impact" || key == "urgency" || key == "priority") && !v.is_null() && parse_level(v) == 0) {
      out.code = errc::invalid_argument;
      out.message = "fields." + key + ": " + quoted(v) + " is not a level (1, 2, ... or text such as \"2 - High\")";
      return false;
    }
  }
  return true;
}

inline int compute_priority(const workflow& wf, const json& fields) {
  if (const json* p = find_field(fields, "priority"); p && !p->is_null()) return parse_level(*p);
  const json* i = find_field(fields, "impact");
  const json* u = find_field(fields, "urgency");
  if (!i || !u || i->is_null() || u->is_null()) return 0;
  return wf.priority(parse_level(*i), parse_level(*u));
}
}  // namespace detail

inline bool ticket::refuse_if_cannot_append(sys_seconds at, const actor& who, std::string_view comment,
                                            outcome& out) const {
  const auto& lim = detail::limits_now();
  if (const std::size_t max = lim.history.load(std::memory_order_relaxed); history_.size() >= max) {
    out.code = errc::limit_exceeded;
    out.message = detail::limit_message("ticket " + id_ + ": its history holds " + std::to_string(history_.size()) +
                                            " records already", "history", max);
    return true;
  }
  if (const std::size_t max = lim.field_bytes.load(std::memory_order_relaxed); comment.size() > max) {
    out.code = errc::limit_exceeded;
    out.message = detail::limit_message("comment: " + std::to_string(comment.size()) + " bytes", "field_bytes", max);
    return true;
  }
  if (detail::refuse_if_not_utf8(who.name, "actor.name", out) || detail::refuse_if_not_utf8(comment, "comment", out)) {
    return true;
  }
  if (history_.empty() || at >= history_.back().at) return false;
  out.code = errc::time_went_backwards;
  out.message = "time_went_backwards: " + detail::format_utc(at) + " is before the ticket's last record (" +
                detail::format_utc(history_.back().at) + ")";
  return true;
}

inline void ticket::refuse_not_allowed(outcome& out, const std::string& why) const {
  out.code = errc::not_allowed_from_state;
  out.state = state();
  for (auto t : wf_->outgoing(state_)) out.allowed.push_back(wf_->transition(t).id);  // unique per state
  out.message = "not_allowed_from_state: " + why + " (allowed: " +
                (out.allowed.empty() ? std::string("none") : detail::join(out.allowed)) + ")";
}

inline void ticket::collect_changes(const nlohmann::json& incoming, nlohmann::json& changes,
                                    const nlohmann::json& skip) const {
  if (!incoming.is_object()) return;
  for (auto it = incoming.begin(); it != incoming.end(); ++it) {
    if (detail::find_field(skip, it.key())) continue;
    const auto* current = detail::find_field(fields_, it.key());
    if (!(current ? *current == it.value() : it.value().is_null())) changes[it.key()] = it.value();
  }
}

inline nlohmann::json ticket::fields_with(const nlohmann::json& changes) const {
  nlohmann::json after = fields_.is_null() ? nlohmann::json::object() : fields_;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (it.value().is_null()) after.erase(it.key());
    else after[it.key()] = it.value();
  }
  return after;
}

template <class Lookup>
int ticket::count_approvals(const approval_rule& rule, Lookup&& lookup) const {
  int valid = 0;
  for (const auto& a : approvals_) {
    bool excluded = false;
    for (const auto& f : rule.exclude) excluded = excluded || detail::names_actor(lookup(f), a.actor);
    if (a.role == rule.role && !excluded) ++valid;
  }
  return valid;
}

inline void ticket::append_record(record_kind kind, const actor& who, sys_seconds at, workflow::index transition,
                                  workflow::index from, workflow::index to, nlohmann::json changes,
                                  std::string_view comment, std::uint8_t priority) {
  history_record r;
  r.seq = history_.size() + 1;
  r.at = at;
  r.actor = who.name;
  r.kind = kind;
  r.priority = priority;
  r.transition = transition;
  r.from = from;
  r.to = to;
  r.changes = std::move(changes);
  r.comment = std::string(comment);
  history_.push_back(std::move(r));
}

inline result<ticket> ticket::create(workflow_ptr wf, std::string id, const actor& who, sys_seconds at,
                                     const nlohmann::json& fields, std::string_view comment) {
  return detail::capture<ticket>([&]() -> ticket {
    if (!wf) detail::fail(errc::invalid_argument, "workflow: null workflow pointer");
    if (id.empty()) detail::fail(errc::invalid_argument, "ticket: the id is empty");
    if (const std::size_t max = detail::limits_now().field_bytes.load(std::memory_order_relaxed);
        id.size() > max || comment.size() > max) {
      detail::fail(errc::limit_exceeded, detail::limit_message(id.size() > max ? "ticket: the id is " + std::to_string(id.size()) + " bytes"
                                                                                : "comment: " + std::to_string(comment.size()) + " bytes",
                                                               "field_bytes", max));
    }
    detail::need_utf8(id, "ticket: the id");
    detail::need_utf8(who.name, "actor.name");
    detail::need_utf8(comment, "comment");
    ticket t;
    t.wf_ = std::move(wf);
    t.id_ = std::move(id);
    t.state_ = t.wf_->initial_state();
    outcome out;
    if (!detail::validate_fields(*t.wf_, fields, out)) detail::fail(out.code, "ticket " + t.id_ + ": " + out.message);
    std::vector<std::string> missing;
    for (const auto& f : t.wf_->state(t.state_).required_fields) {
      if (!detail::is_present(detail::find_field(fields, f))) missing.push_back(f);
    }
    if (!missing.empty()) {
      detail::fail(errc::missing_fields, "ticket " + t.id_ + ": creating it in state '" + t.state() +
                                             "' needs fields: " + detail::join(missing));
    }
    nlohmann::json initial;
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (!it.value().is_null()) initial[it.key()] = it.value();
      }
    }
    t.fields_ = initial;
    t.priority_ = static_cast<std::uint8_t>(detail::compute_priority(*t.wf_, t.fields_));
    t.append_record(record_kind::create, who, at, workflow::npos, workflow::npos, t.state_, std::move(initial),
                    comment, t.priority_);
    return t;
  });
}

inline outcome ticket::apply(workflow::index t, const actor& who, sys_seconds at, const nlohmann::json& fields,
                             std::string_view comment, const hooks* host, check_mode mode) {
  outcome out;
  const transition_def& tr = wf_->transition(t);
  if (refuse_if_cannot_append(at, who, comment, out)) return out;
  if (mode == check_mode::full && who.check_roles && !tr.roles.empty()) {
    bool ok = false;
    for (const auto& r : tr.roles) ok = ok || who.has_role(r);
    if (!ok) {
      out.code = errc::role_denied;
      out.message = "role_denied: transition '" + tr.id + "' needs one of [" + detail::join(tr.roles) + "]; '" +
                    who.name + "' has [" + detail::utf8_or_replaced(detail::join(who.roles)) + "]";
      return out;
    }
  }
  if (!detail::validate_fields(*wf_, fields, out)) return out;

  // The fields as they would be: the transition's own values win over the caller's.
  auto lookup = [&](const std::string& key) -> const nlohmann::json* {
    if (const auto* v = detail::find_field(tr.set, key)) return v;
    if (const auto* v = detail::find_field(fields, key)) return v;
    return detail::find_field(fields_, key);
  };
  const workflow::index to = wf_->target(t);
  const state_def& target = wf_->state(to);
  for (const auto* list : {&target.required_fields, &tr.required_fields}) {
    for (const auto& f : *list) {
      if (!detail::is_present(lookup(f)) && std::find(out.missing.begin(), out.missing.end(), f) == out.missing.end()) {
        out.missing.push_back(f);
      }
    }
  }
  if (!out.missing.empty()) {
    out.code = errc::missing_fields;
    out.message = "missing_fields: '" + tr.id + "' into '" + target.id + "' needs " + detail::join(out.missing);
    return out;
  }
  for (std::size_t a = 0; a < tr.distinct_fields.size(); ++a) {
    for (std::size_t b = a + 1; b < tr.distinct_fields.size(); ++b) {
      const auto* va = lookup(tr.distinct_fields[a]);
      const auto* vb = lookup(tr.distinct_fields[b]);
      if (detail::is_present(va) && detail::is_present(vb) && *va == *vb) {
        out.code = errc::segregation_of_duties;
        out.message = "segregation_of_duties: '" + tr.id + "' needs " + tr.distinct_fields[a] + " and " +
                      tr.distinct_fields[b] + " to differ, both are " + detail::quoted(*va);
        return out;
      }
    }
  }
  if (tr.approvals) {
    const auto& rule = *tr.approvals;
    const int valid = count_approvals(rule, lookup);
    if (valid < rule.min) {
      out.code = errc::approvals_pending;
      out.approvals = valid;
      out.approvals_needed = rule.min;
      out.message = "approvals_pending: '" + tr.id + "' needs " + std::to_string(rule.min) + " " + rule.role +
                    " approval(s), has " + std::to_string(valid);
      return out;
    }
  }
  nlohmann::json changes;
  collect_changes(fields, changes, tr.set);  // the transition's own values win
  collect_changes(tr.set, changes);
  const bool fields_change = !changes.is_null();
  nlohmann::json new_fields = fields_change ? fields_with(changes) : nlohmann::json();
  if (fields_change && !detail::fields_within_limit(new_fields, out)) return out;
  if (mode == check_mode::full && !tr.guards.empty()) {
    const nlohmann::json& after = fields_change ? new_fields : this->fields();
    for (const auto& g : tr.guards) {
      const guard_fn* fn = host ? host->find_guard(g) : nullptr;
      if (fn == nullptr || !*fn) {
        out.code = errc::guard_failed;
        out.guard = g;
        out.message = "guard_failed: '" + tr.id + "' needs guard '" + g + "', which the host has not registered";
        return out;
      }
      std::optional<std::string> refusal;
      try {
        refusal = (*fn)(guard_context{*this, tr, who, at, after});
      } catch (const std::exception& e) {
        refusal = std::string("threw: ") + e.what();
      } catch (...) {
        refusal = std::string("threw an exception");
      }
      if (refusal) {
        out.code = errc::guard_failed;
        out.guard = g;
        out.message = "guard_failed: '" + tr.id + "': guard '" + g + "': " + detail::utf8_or_replaced(*refusal);
        return out;
      }
    }
  }
  // Commit: the only step that can throw (the append) comes first.
  const std::uint8_t new_priority =
      fields_change ? static_cast<std::uint8_t>(detail::compute_priority(*wf_, new_fields)) : priority_;
  append_record(record_kind::transition, who, at, t, state_, to, std::move(changes), comment, new_priority);
  if (fields_change) fields_.swap(new_fields);
  priority_ = new_priority;
  if (state_ != to) approvals_.clear();
  state_ = to;
  if (mode == check_mode::full && host != nullptr) {
    for (const auto& a : tr.actions) {
      const action_fn* fn = host->find_action(a);
      if (fn == nullptr || !*fn) continue;
      try {
        (*fn)(*this, history_.back());
      } catch (const std::exception& e) {
        out.action_errors.push_back(a + ": " + detail::utf8_or_replaced(e.what()));
      } catch (...) {
        out.action_errors.push_back(a + ": unknown exception");
      }
    }
  }
  return out;
}

inline outcome ticket::fire(std::string_view transition_id, const actor& who, sys_seconds at,
                            const nlohmann::json& fields, std::string_view comment, const hooks* host) {
  try {
    const workflow::index t = wf_->find_transition(state_, transition_id);
    if (t == workflow::npos) {
      outcome out;
      if (wf_->has_transition_id(transition_id)) {
        refuse_not_allowed(out, "'" + std::string(transition_id) + "' does not leave state '" + state() + "'");
      } else {
        out.code = errc::unknown_transition;
        out.message = "unknown_transition: workflow '" + wf_->name() + "' has no transition '" +
                      detail::utf8_or_replaced(transition_id) + "'";
      }
      return out;
    }
    if (wf_->transition(t).kind == transition_kind::reject) return reject(who, at, fields, comment, host);
    return apply(t, who, at, fields, comment, host, check_mode::full);
  } catch (const std::bad_alloc&) {
    outcome out;
    out.code = errc::out_of_memory;
    out.message = "out of memory";
    return out;
  }
}

inline outcome ticket::move_to(std::string_view state_id, const actor& who, sys_seconds at,
                               const nlohmann::json& fields, std::string_view comment, const hooks* host) {
  outcome out;
  const workflow::index target = wf_->find_state(state_id);
  if (target == workflow::npos) {
    out.code = errc::not_found;
    out.message = "not_found: workflow '" + wf_->name() + "' has no state '" + detail::utf8_or_replaced(state_id) + "'";
    return out;
  }
  if (target == state_) return update(who, at, fields, comment);
  std::vector<workflow::index> candidates;
  for (auto t : wf_->outgoing(state_)) {
    if (wf_->target(t) == target) candidates.push_back(t);
  }
  if (candidates.empty()) {
    refuse_not_allowed(out, "no transition leads from '" + state() + "' to '" + std::string(state_id) + "'");
    return out;
  }
  auto keep = [&](auto pred) {
    std::vector<workflow::index> kept;
    for (auto t : candidates)
      if (pred(wf_->transition(t))) kept.push_back(t);
    if (!kept.empty()) candidates.swap(kept);
  };
  if (candidates.size() > 1 && who.check_roles) {
    keep([&](const transition_def& tr) {
      if (tr.roles.empty()) return true;
      for (const auto& r : tr.roles)
        if (who.has_role(r)) return true;
      return false;
    });
  }
  if (candidates.size() > 1) keep([](const transition_def& tr) { return tr.kind != transition_kind::reject; });
  if (candidates.size() > 1) {
    std::vector<std::string> ids;
    for (auto t : candidates) ids.push_back(wf_->transition(t).id);
    out.code = errc::ambiguous;
    out.message = "ambiguous: several transitions lead from '" + state() + "' to '" + std::string(state_id) +
                  "' (" + detail::join(ids) + "); fire one by id";
    return out;
  }
  if (wf_->transition(candidates[0]).kind == transition_kind::reject) return reject(who, at, fields, comment, host);
  return apply(candidates[0], who, at, fields, comment, host, check_mode::full);
}

inline outcome ticket::add_approval(workflow::index t, const actor& who, sys_seconds at,
                                    std::string_view comment, bool check_roles) {
  outcome out;
  const auto& tr = wf_->transition(t);
  const auto& rule = *tr.approvals;
  if (refuse_if_cannot_append(at, who, comment, out)) return out;
  if (check_roles && who.check_roles && !who.has_role(rule.role)) {
    out.code = errc::role_denied;
    out.message = "role_denied: approving '" + tr.id + "' needs the role '" + rule.role + "'; '" + who.name +
                  "' has [" + detail::utf8_or_replaced(detail::join(who.roles)) + "]";
    return out;
  }
  for (const auto& f : rule.exclude) {
    if (detail::names_actor(detail::find_field(fields_, f), who.name)) {
      out.code = errc::segregation_of_duties;
      out.message = "segregation_of_duties: '" + who.name + "' is the " + f + " of ticket " + id_ +
                    " and may not approve '" + tr.id + "'";
      return out;
    }
  }
  for (const auto& a : approvals_) {
    if (a.actor == who.name && a.role == rule.role) {
      out.code = errc::segregation_of_duties;
      out.message = "segregation_of_duties: '" + who.name + "' has already approved '" + tr.id + "'";
      return out;
    }
  }
  append_record(record_kind::approve, who, at, t, state_, state_, nlohmann::json(), comment, priority_);
  try {
    approvals_.push_back(approval{who.name, rule.role, at});
  } catch (...) {
    history_.pop_back();
    throw;
  }
  return out;
}

inline outcome ticket::approve(const actor& who, sys_seconds at, std::string_view comment, const hooks* host) {
  try {
    outcome out;
    workflow::index chosen = workflow::npos;
    bool any = false;
    for (auto t : wf_->outgoing(state_)) {
      const auto& tr = wf_->transition(t);
      if (!tr.approvals) continue;
      any = true;
      if (!who.check_roles || who.has_role(tr.approvals->role)) {
        chosen = t;
        break;
      }
    }
    if (!any) {
      out.code = errc::not_allowed_from_state;
      out.state = state();
      out.message = "not_allowed_from_state: nothing leaving state '" + state() + "' needs approvals";
      return out;
    }
    if (chosen == workflow::npos) {
      for (auto t : wf_->outgoing(state_))
        if (wf_->transition(t).approvals) chosen = t;
    }
    out = add_approval(chosen, who, at, comment, true);
    if (!out.ok()) return out;
    const auto& tr = wf_->transition(chosen);
    const int valid =
        count_approvals(*tr.approvals, [this](const std::string& f) { return detail::find_field(fields_, f); });
    out.approvals = valid;
    out.approvals_needed = tr.approvals->min;
    out.message = "approved '" + tr.id + "' (" + std::to_string(valid) + " of " + std::to_string(tr.approvals->min) + ")";
    if (tr.approvals->automatic && valid >= tr.approvals->min) {
      actor system = who;
      system.check_roles = false;  // the approver need not hold the transition's roles
      outcome fired = apply(chosen, system, at, detail::empty_json_object(), {}, host, check_mode::full);
      if (fired.ok()) {
        out.fired = tr.id;
        out.action_errors = std::move(fired.action_errors);
        out.message += "; fired '" + tr.id + "' into '" + state() + "'";
      } else {
        out.message += "; '" + tr.id + "' did not fire yet: " + fired.message;
      }
    }
    return out;
  } catch (const std::bad_alloc&) {
    outcome out;
    out.code = errc::out_of_memory;
    out.message = "out of memory";
    return out;
  }
}

inline outcome ticket::reject(const actor& who, sys_seconds at, const nlohmann::json& fields,
                              std::string_view comment, const hooks* host) {
  outcome out;
  workflow::index reject_t = workflow::npos;
  const approval_rule* rule = nullptr;
  for (auto t : wf_->outgoing(state_)) {
    const auto& tr = wf_->transition(t);
    if (tr.kind == transition_kind::reject && reject_t == workflow::npos) reject_t = t;
    if (tr.approvals && rule == nullptr) rule = &*tr.approvals;
  }
  if (reject_t == workflow::npos) {
    out.code = errc::not_allowed_from_state;
    out.state = state();
    out.message = "not_allowed_from_state: state '" + state() + "' has no rejection transition";
    return out;
  }
  const auto& tr = wf_->transition(reject_t);
  if (rule != nullptr) {
    if (tr.roles.empty() && who.check_roles && !who.has_role(rule->role)) {
      out.code = errc::role_denied;
      out.message = "role_denied: rejecting needs the role '" + rule->role + "'; '" + who.name + "' has [" +
                    detail::utf8_or_replaced(detail::join(who.roles)) + "]";
      return out;
    }
    for (const auto& f : rule->exclude) {
      if (detail::names_actor(detail::find_field(fields_, f), who.name)) {
        out.code = errc::segregation_of_duties;
        out.message = "segregation_of_duties: '" + who.name + "' is the " + f + " of ticket " + id_ +
                      " and may not reject it";
        return out;
      }
    }
  }
  return apply(reject_t, who, at, fields, comment, host, check_mode::full);
}

inline outcome ticket::update(const actor& who, sys_seconds at, const nlohmann::json& fields,
                              std::string_view comment) {
  outcome out;
  if (refuse_if_cannot_append(at, who, comment, out)) return out;
  if (is_terminal()) {
    out.code = errc::not_allowed_from_state;
    out.state = state();
    out.message = "not_allowed_from_state: ticket " + id_ + " is in the terminal state '" + state() +
                  "'; its fields can no longer change";
    return out;
  }
  if (!detail::validate_fields(*wf_, fields, out)) return out;
  nlohmann::json changes;
  collect_changes(fields, changes);
  if (changes.is_null()) {
    out.message = "nothing changed";
    return out;
  }
  nlohmann::json new_fields = fields_with(changes);
  if (!detail::fields_within_limit(new_fields, out)) return out;
  for (const auto& f : wf_->state(state_).required_fields) {
    if (!detail::is_present(detail::find_field(new_fields, f))) out.missing.push_back(f);
  }
  if (!out.missing.empty()) {
    out.code = errc::missing_fields;
    out.message = "missing_fields: state '" + state() + "' needs " + detail::join(out.missing) + "; they cannot be removed";
    return out;
  }
  const auto new_priority = static_cast<std::uint8_t>(detail::compute_priority(*wf_, new_fields));
  append_record(record_kind::update, who, at, workflow::npos, state_, state_, std::move(changes), comment, new_priority);
  fields_.swap(new_fields);
  priority_ = new_priority;
  return out;
}

inline std::vector<std::string> ticket::allowed(const actor& who) const {
  std::vector<std::string> out;
  for (auto t : wf_->outgoing(state_)) {
    const auto& tr = wf_->transition(t);
    bool ok = !who.check_roles || tr.roles.empty();
    for (const auto& r : tr.roles) ok = ok || who.has_role(r);
    if (tr.kind == transition_kind::reject && tr.roles.empty()) {
      ok = false;
      for (auto a : wf_->outgoing(state_)) {
        const auto& ta = wf_->transition(a);
        if (ta.approvals) ok = ok || !who.check_roles || who.has_role(ta.approvals->role);
      }
    }
    if (ok && std::find(out.begin(), out.end(), tr.id) == out.end()) out.push_back(tr.id);
  }
  return out;
}

// --- JSON: records, snapshots, restore, replay ----------------------------------------------------

inline nlohmann::json to_json(const outcome& o) {
  nlohmann::json j = nlohmann::json::object();
  j["code"] = to_string(o.code);
  j["message"] = o.message;
  if (!o.state.empty()) j["state"] = o.state;
  if (!o.allowed.empty() || o.code == errc::not_allowed_from_state) j["allowed"] = o.allowed;
  if (!o.missing.empty()) j["missing"] = o.missing;
  if (o.approvals_needed > 0) {
    j["approvals"] = o.approvals;
    j["approvals_needed"] = o.approvals_needed;
  }
  if (!o.guard.empty()) j["guard"] = o.guard;
  if (!o.fired.empty()) j["fired"] = o.fired;
  if (!o.action_errors.empty()) j["action_errors"] = o.action_errors;
  return j;
}

inline nlohmann::json ticket::record_to_json(const history_record& r) const {
  nlohmann::json j;
  j["seq"] = r.seq;
  j["at"] = detail::format_utc(r.at);
  j["actor"] = r.actor;
  switch (r.kind) {
    case record_kind::create: j["transition"] = "create"; break;
    case record_kind::update: j["transition"] = "update"; break;
    case record_kind::approve:
      j["transition"] = "approve";
      j["for"] = wf_->transition(r.transition).id;
      break;
    case record_kind::transition: j["transition"] = wf_->transition(r.transition).id; break;
  }
  j["from"] = r.from == workflow::npos ? nlohmann::json() : nlohmann::json(wf_->state(r.from).id);
  j["to"] = wf_->state(r.to).id;
  j["changes"] = r.changes.is_null() ? nlohmann::json::object() : r.changes;
  j["priority"] = r.priority;
  if (!r.comment.empty()) j["comment"] = r.comment;
  return j;
}

inline std::vector<ticket_event> ticket::sla_history() const {
  std::vector<ticket_event> out;
  out.reserve(history_.size());
  for (const auto& r : history_) {
    const auto& s = wf_->state(r.to);
    out.push_back(ticket_event{r.at, s.id, to_string(s.category),
                               r.priority ? "P" + std::to_string(r.priority) : std::string()});
  }
  return out;
}

inline nlohmann::json ticket::snapshot() const {
  nlohmann::json j;
  j["ticket"] = id_;
  j["workflow"] = wf_->name();
  j["workflow_version"] = wf_->version();
  j["state"] = state();
  j["priority"] = priority_;
  j["fields"] = fields();
  nlohmann::json approvals = nlohmann::json::array();
  for (const auto& a : approvals_) {
    approvals.push_back({{"actor", a.actor}, {"role", a.role}, {"at", detail::format_utc(a.at)}});
  }
  j["approvals"] = std::move(approvals);
  nlohmann::json history = nlohmann::json::array();
  for (const auto& r : history_) history.push_back(record_to_json(r));
  j["history"] = std::move(history);
  return j;
}

namespace detail {
inline workflow::index need_state(const workflow& wf, const json& j, const std::string& field) {
  const std::string& id = need_string(j, field);
  const auto s = wf.find_state(id);
  if (s == workflow::npos) fail(errc::invalid_argument, field + ": '" + id + "' is not a state of workflow '" + wf.name() + "'");
  return s;
}

inline history_record parse_record(const workflow& wf, const json& j, const std::string& field) {
  need_object(j, field);
  only_keys(j, field, {"seq", "at", "actor", "transition", "for", "from", "to", "changes", "priority", "comment"});
  for (const char* k : {"seq", "at", "actor", "transition", "to"}) {
    if (!j.contains(k)) fail(errc::invalid_argument, field + ": missing key '" + k + "'");
  }
  history_record r;
  r.seq = static_cast<std::uint64_t>(need_integer(j["seq"], field + ".seq", 1, INT64_MAX));
  r.at = parse_utc_field(j["at"], field + ".at");
  r.actor = need_string(j["actor"], field + ".actor");
  r.to = need_state(wf, j["to"], field + ".to");
  if (j.contains("from") && !j["from"].is_null()) r.from = need_state(wf, j["from"], field + ".from");
  if (j.contains("changes")) {
    need_object(j["changes"], field + ".changes");
    if (!j["changes"].empty()) r.changes = j["changes"];
  }
  if (j.contains("priority")) r.priority = static_cast<std::uint8_t>(need_integer(j["priority"], field + ".priority", 0, 99));
  if (j.contains("comment")) r.comment = need_string(j["comment"], field + ".comment");
  const std::string& tid = need_string(j["transition"], field + ".transition");
  if (tid == "create") {
    r.kind = record_kind::create;
    if (r.from != workflow::npos) fail(errc::invalid_argument, field + ".from: a create record has no from-state");
  } else if (tid == "update" || tid == "approve") {
    r.kind = tid == "update" ? record_kind::update : record_kind::approve;
    if (r.from != r.to) fail(errc::invalid_argument, field + ": an " + tid + " record stays in its state (from = to)");
    if (r.kind == record_kind::approve) {
      if (!j.contains("for")) fail(errc::invalid_argument, field + ": missing key 'for' (the transition approved)");
      const std::string& f = need_string(j["for"], field + ".for");
      r.transition = wf.find_transition(r.from, f);
      if (r.transition == workflow::npos || !wf.transition(r.transition).approvals) {
        fail(errc::invalid_argument, field + ".for: '" + f + "' is not a transition needing approvals from '" +
                                         wf.state(r.from).id + "'");
      }
    }
  } else {
    r.kind = record_kind::transition;
    if (r.from == workflow::npos) fail(errc::invalid_argument, field + ": missing key 'from'");
    r.transition = wf.find_transition(r.from, tid);
    if (r.transition == workflow::npos || wf.target(r.transition) != r.to) {
      fail(errc::invalid_argument, field + ".transition: '" + tid + "' does not lead from '" + wf.state(r.from).id +
                                       "' to '" + wf.state(r.to).id + "' in workflow '" + wf.name() + "'");
    }
  }
  return r;
}
}  // namespace detail

inline result<ticket> ticket::restore(workflow_ptr wf, const nlohmann::json& j) {
  if (!detail::utf8_walk::all_valid(j)) {
    return error{errc::invalid_argument, detail::utf8_walk::describe_first_invalid(j, "snapshot")};
  }
  return restore_parsed(std::move(wf), j);
}

inline result<ticket> ticket::restore_parsed(workflow_ptr wf, const nlohmann::json& j) {
  return detail::capture<ticket>([&]() -> ticket {
    if (!wf) detail::fail(errc::invalid_argument, "workflow: null workflow pointer");
    const std::string field = "snapshot";
    detail::need_object(j, field);
    detail::only_keys(j, field, {"ticket", "workflow", "workflow_version", "state", "priority", "fields", "approvals", "history"});
    for (const char* k : {"ticket", "workflow", "state", "fields", "history"}) {
      if (!j.contains(k)) detail::fail(errc::invalid_argument, field + ": missing key '" + k + "'");
    }
    ticket t;
    t.wf_ = wf;
    t.id_ = detail::need_string(j["ticket"], "snapshot.ticket");
    if (t.id_.empty()) detail::fail(errc::invalid_argument, "snapshot.ticket: the id is empty");
    const std::string& name = detail::need_string(j["workflow"], "snapshot.workflow");
    if (name != wf->name()) {
      detail::fail(errc::invalid_argument, "snapshot.workflow: the snapshot is of '" + name +
                                               "', the workflow given is '" + wf->name() + "'");
    }
    t.state_ = detail::need_state(*wf, j["state"], "snapshot.state");
    detail::need_object(j["fields"], "snapshot.fields");
    outcome check;
    if (!detail::validate_fields(*wf, j["fields"], check)) detail::fail(check.code, "snapshot." + check.message);
    if (!j["fields"].empty()) t.fields_ = j["fields"];
    const int computed = detail::compute_priority(*wf, t.fields_);
    if (j.contains("priority")) {
      const auto p = detail::need_integer(j["priority"], "snapshot.priority", 0, 99);
      if (p != computed) {
        detail::fail(errc::invalid_argument, "snapshot.priority: " + std::to_string(p) +
                                                 " disagrees with the fields, which give " + std::to_string(computed));
      }
    }
    t.priority_ = static_cast<std::uint8_t>(computed);
    if (j.contains("approvals")) {
      const auto& a = j["approvals"];
      if (!a.is_array()) detail::wrong_type("snapshot.approvals", "an array", a);
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string f = "snapshot.approvals[" + std::to_string(i) + "]";
        detail::need_object(a[i], f);
        detail::only_keys(a[i], f, {"actor", "role", "at"});
        for (const char* k : {"actor", "role", "at"}) {
          if (!a[i].contains(k)) detail::fail(errc::invalid_argument, f + ": missing key '" + k + "'");
        }
        t.approvals_.push_back(approval{detail::need_string(a[i]["actor"], f + ".actor"),
                                        detail::need_string(a[i]["role"], f + ".role"),
                                        detail::parse_utc_field(a[i]["at"], f + ".at")});
      }
    }
    const auto& h = j["history"];
    if (!h.is_array() || h.empty()) detail::wrong_type("snapshot.history", "a non-empty array of records", h);
    if (const std::size_t max = detail::limits_now().history.load(std::memory_order_relaxed); h.size() > max) {
      detail::fail(errc::limit_exceeded,
                   detail::limit_message("snapshot.history: " + std::to_string(h.size()) + " records", "history", max));
    }
    for (std::size_t i = 0; i < h.size(); ++i) {
      const std::string f = "snapshot.history[" + std::to_string(i) + "]";
      auto r = detail::parse_record(*wf, h[i], f);
      if (r.seq != i + 1) detail::fail(errc::invalid_argument, f + ".seq: " + std::to_string(r.seq) + ", expected " + std::to_string(i + 1));
      if (i == 0 && r.kind != record_kind::create) detail::fail(errc::invalid_argument, f + ": the first record must be 'create'");
      if (i > 0 && r.kind == record_kind::create) detail::fail(errc::invalid_argument, f + ": only the first record may be 'create'");
      if (i > 0 && r.at < t.history_.back().at) detail::fail(errc::invalid_argument, f + ".at: earlier than the record before it");
      if (i > 0 && r.from != t.history_.back().to) {
        detail::fail(errc::invalid_argument, f + ".from: '" + wf->state(r.from).id + "' but the record before it ends in '" +
                                                 wf->state(t.history_.back().to).id + "'");
      }
      t.history_.push_back(std::move(r));
    }
    // The fields are what the history's changes add up to; a snapshot edited in one place
    // and not the other is refused rather than restored into a ticket that contradicts itself.
    // Each record's priority is the one its fields give at that point.
    nlohmann::json folded = nlohmann::json::object();
    for (std::size_t i = 0; i < t.history_.size(); ++i) {
      const auto& r = t.history_[i];
      if (r.changes.is_object()) {
        for (auto it = r.changes.begin(); it != r.changes.end(); ++it) {
          if (it.value().is_null()) folded.erase(it.key());
          else folded[it.key()] = it.value();
        }
      }
      if (const int p = detail::compute_priority(*wf, folded); p != r.priority) {
        detail::fail(errc::invalid_argument, "snapshot.history[" + std::to_string(i) + "].priority: " +
                                                 std::to_string(r.priority) + ", but the fields at that point give " +
                                                 std::to_string(p));
      }
    }
    if (folded != t.fields()) {
      std::string key;  // the first field on which they differ, looked for from both sides
      const nlohmann::json* sides[] = {&folded, &t.fields()};
      for (int side = 0; side < 2 && key.empty(); ++side) {
        const nlohmann::json& mine = *sides[side];
        const nlohmann::json& theirs = *sides[1 - side];
        for (auto it = mine.begin(); it != mine.end() && key.empty(); ++it) {
          const auto* other = detail::find_field(theirs, it.key());
          if (!other || *other != it.value()) key = it.key();
        }
      }
      const auto* in_history = detail::find_field(folded, key);
      const auto* in_snapshot = detail::find_field(t.fields(), key);
      detail::fail(errc::invalid_argument,
                   "snapshot.fields." + key + ": " + (in_snapshot ? detail::quoted(*in_snapshot) : std::string("absent")) +
                       ", but the history's changes give " +
                       (in_history ? detail::quoted(*in_history) : std::string("nothing")));
    }
    if (t.history_.back().to != t.state_) {
      detail::fail(errc::invalid_argument, "snapshot.state: '" + t.state() + "' but the history ends in '" +
                                               wf->state(t.history_.back().to).id + "'");
    }
    return t;
  });
}

inline result<ticket> ticket::restore(workflow_ptr wf, std::string_view text) {
  nlohmann::json j;
  try {
    j = detail::parse_json_text(text, "snapshot");
  } catch (const detail::failure& f) {
    return error{f.code, f.what()};
  }
  return restore_parsed(std::move(wf), j);
}

inline result<ticket> ticket::replay(workflow_ptr wf, std::string id, const nlohmann::json& history) {
  return detail::capture<ticket>([&]() -> ticket {
    if (!wf) detail::fail(errc::invalid_argument, "workflow: null workflow pointer");
    detail::need_utf8_json(history, "history");
    const nlohmann::json* records = &history;
    if (history.is_object() && history.contains("history")) {
      records = &history["history"];
      if (id.empty() && history.contains("ticket")) id = detail::need_string(history["ticket"], "ticket");
    }
    if (!records->is_array() || records->empty()) detail::wrong_type("history", "a non-empty array of records", *records);
    std::optional<ticket> t;
    for (std::size_t i = 0; i < records->size(); ++i) {
      const std::string f = "history[" + std::to_string(i) + "]";
      const auto r = detail::parse_record(*wf, (*records)[i], f);
      const actor who = actor::trusted(r.actor);
      const nlohmann::json changes = r.changes.is_null() ? nlohmann::json::object() : r.changes;
      if (i == 0) {
        if (r.kind != record_kind::create) detail::fail(errc::invalid_argument, f + ": the first record must be 'create'");
        auto created = create(wf, id, who, r.at, changes, r.comment);
        if (!created) detail::fail(created.error_value().code, f + ": " + created.error_value().message);
        t.emplace(std::move(*created));
        continue;
      }
      if (r.from != t->state_) {
        detail::fail(errc::invalid_argument, f + ".from: '" + wf->state(r.from).id + "' but the ticket is in '" +
                                                 t->state() + "'");
      }
      outcome out;
      switch (r.kind) {
        case record_kind::create: detail::fail(errc::invalid_argument, f + ": only the first record may be 'create'");
        case record_kind::update: out = t->update(who, r.at, changes, r.comment); break;
        case record_kind::approve: out = t->add_approval(r.transition, who, r.at, r.comment, false); break;
        case record_kind::transition: out = t->apply(r.transition, who, r.at, changes, r.comment, nullptr, check_mode::replay); break;
      }
      if (!out.ok()) detail::fail(out.code, f + " (seq " + std::to_string(r.seq) + "): " + out.message);
    }
    return std::move(*t);
  });
}

inline std::string ticket::export_history() const {
  std::string out;
  std::string prev = detail::zero_hash;
  for (const auto& r : history_) {
    nlohmann::json j = record_to_json(r);
    j["ticket"] = id_;
    j["workflow"] = wf_->name();
    j["prev"] = prev;
    prev = detail::sha256_hex(j.dump());
    j["hash"] = prev;
    out += j.dump();
    out += '\n';
  }
  return out;
}

inline result<chain_report> verify_history(std::string_view text) {
  return detail::capture<chain_report>([&]() -> chain_report {
    struct chain {
      std::string head = detail::zero_hash;
      std::uint64_t seq = 0;
    };
    std::unordered_map<std::string, chain> chains;
    chain_report report;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      const std::string where = "line " + std::to_string(line_no);
      detail::check_json_text_limits(line, where);
      nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
      if (j.is_discarded() || !j.is_object()) detail::fail(errc::tampered, where + ": not a JSON object");
      for (const char* k : {"ticket", "seq", "prev", "hash"}) {
        if (!j.contains(k)) detail::fail(errc::tampered, where + ": missing key '" + k + "'");
      }
      if (!j["ticket"].is_string() || !j["prev"].is_string() || !j["hash"].is_string() || !j["seq"].is_number_unsigned()) {
        detail::fail(errc::tampered, where + ": ticket, prev and hash must be strings and seq a positive integer");
      }
      const std::string ticket_id = j["ticket"].get<std::string>();
      const std::string hash = j["hash"].get<std::string>();
      const auto seq = j["seq"].get<std::uint64_t>();
      auto& c = chains[ticket_id];
      const std::string label = where + " (ticket " + ticket_id + ", seq " + std::to_string(seq) + ")";
      if (seq != c.seq + 1) {
        detail::fail(errc::tampered, label + ": expected seq " + std::to_string(c.seq + 1) +
                                         " (a record was removed, inserted or reordered)");
      }
      if (j["prev"].get<std::string>() != c.head) {
        detail::fail(errc::tampered, label + ": prev does not match the hash of the ticket's previous record "
                                             "(a record was removed, inserted or reordered)");
      }
      j.erase("hash");
      if (detail::sha256_hex(j.dump()) != hash) {
        detail::fail(errc::tampered, label + ": the record does not match its hash (it was edited)");
      }
      c.head = hash;
      c.seq = seq;
      ++report.records;
    }
    report.tickets = chains.size();
    return report;
  });
}

}  // namespace v1
}  // namespace itsm
