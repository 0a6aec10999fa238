#pragma once
// Ticket operations: create, fire, move_to, approve, reject, update and allowed; the checks each
// runs and the commit with the strong guarantee (everything that can fail or throw happens before
// the first change).

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "itsm/detail/json_release.hpp"
#include "itsm/detail/json_util.hpp"
#include "itsm/detail/ticket_fields.hpp"

namespace itsm {
inline namespace v1 {

inline bool ticket::refuse_if_before_last(sys_seconds at, outcome& out) const {
  if (history_.empty() || at >= history_.back().at) return false;
  out.code = errc::time_went_backwards;
  out.message = "time_went_backwards: " + detail::format_utc(at) + " is before the ticket's last record (" +
                detail::format_utc(history_.back().at) + ")";
  return true;
}

inline bool ticket::refuse_if_busy(std::string_view call, outcome& out) const {
  if (!running_.on) return false;
  out.code = errc::busy;
  out.message = busy_message(call, id_);
  return true;
}

template <class Body>
void ticket::while_busy(Body&& body) {
  // Saved and put back (not cleared): a guard of a copy is not a guard of this ticket.
  const bool was = running_.on;
  running_.on = true;
  try {
    body();
  } catch (...) {
    running_.on = was;
    throw;
  }
  running_.on = was;
}

inline bool ticket::refuse_if_cannot_append(const actor& who, std::string_view comment, outcome& out) const {
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
  return detail::refuse_if_not_utf8(who.name, "actor.name", out) || detail::refuse_if_not_utf8(comment, "comment", out);
}

inline void ticket::refuse_not_allowed(outcome& out, const std::string& why) const {
  out.code = errc::not_allowed_from_state;
  out.state = state();
  for (auto t : wf_->outgoing(state_)) out.allowed.push_back(wf_->transition(t).id);  // unique per state
  out.message = "not_allowed_from_state: " + why + " (allowed: " +
                (out.allowed.empty() ? std::string("none") : detail::join(out.allowed)) + ")";
}

inline ticket::ticket(const ticket& other)
    : wf_(other.wf_), id_(other.id_), state_(other.state_), priority_(other.priority_), approvals_(other.approvals_) {
  try {
    fields_ = detail::json_copy(other.fields_);
    history_.reserve(other.history_.size());
    for (const auto& r : other.history_) {
      history_record c;
      c.seq = r.seq;
      c.at = r.at;
      c.actor = r.actor;
      c.kind = r.kind;
      c.priority = r.priority;
      c.transition = r.transition;
      c.from = r.from;
      c.to = r.to;
      c.comment = r.comment;
      c.changes = detail::json_copy(r.changes);  // last: nothing after it can fail
      history_.push_back(std::move(c));          // within the reserved capacity
    }
  } catch (...) {
    release_json();
    throw;
  }
}

inline void ticket::reserve_record() {
  if (history_.size() == history_.capacity()) history_.reserve(history_.empty() ? 8 : 2 * history_.size());
}

inline void ticket::collect_changes(const nlohmann::json& incoming, nlohmann::json& changes,
                                    const nlohmann::json& skip) const {
  if (!incoming.is_object()) return;
  for (auto it = incoming.begin(); it != incoming.end(); ++it) {
    if (detail::find_field(skip, it.key())) continue;
    const auto* current = detail::find_field(fields_, it.key());
    if (!(current ? *current == it.value() : it.value().is_null())) detail::json_set_copy(changes, it.key(), it.value());
  }
}

inline nlohmann::json ticket::fields_with(const nlohmann::json& changes) const {
  nlohmann::json after = fields_.is_null() ? nlohmann::json::object() : detail::json_copy(fields_);
  try {
    for (auto it = changes.begin(); it != changes.end(); ++it) {
      if (it.value().is_null()) {
        if (auto found = after.find(it.key()); found != after.end()) {
          detail::json_release(*found);  // erasing frees it, which must not allocate
          after.erase(found);
        }
      } else {
        detail::json_set_copy(after, it.key(), it.value());
      }
    }
  } catch (...) {
    detail::json_release(after);
    throw;
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

inline workflow::index ticket::approval_transition_for(const actor& who) const {
  workflow::index last = workflow::npos;
  for (auto t : wf_->outgoing(state_)) {
    const auto& rule = wf_->transition(t).approvals;
    if (!rule) continue;
    if (!who.check_roles || who.has_role(rule->role)) return t;
    last = t;
  }
  return last;
}

template <class Lookup>
bool ticket::refuse_if_actor_may_not(workflow::index t, const actor& who, Lookup&& lookup, outcome& out) const {
  const transition_def& tr = wf_->transition(t);
  if (who.check_roles && !tr.roles.empty() &&
      std::none_of(tr.roles.begin(), tr.roles.end(), [&](const std::string& r) { return who.has_role(r); })) {
    out.code = errc::role_denied;
    out.message = "role_denied: transition '" + tr.id + "' needs one of [" + detail::join(tr.roles) + "]; '" +
                  who.name + "' has [" + detail::utf8_or_replaced(detail::join(who.roles)) + "]";
    detail::name_roles(out, who, tr.roles);
    return true;
  }
  if (tr.kind != transition_kind::reject) return false;
  // A veto is an approver's act: whoever rejects answers to an approval rule of this state.
  const workflow::index approved = approval_transition_for(who);
  if (approved == workflow::npos) return false;
  const approval_rule& rule = *wf_->transition(approved).approvals;
  if (who.check_roles && !who.has_role(rule.role)) {
    out.code = errc::role_denied;
    out.message = "role_denied: rejecting with '" + tr.id + "' needs the approver role '" + rule.role + "' (of '" +
                  wf_->transition(approved).id + "'); '" + who.name + "' has [" +
                  detail::utf8_or_replaced(detail::join(who.roles)) + "]";
    detail::name_roles(out, who, {rule.role});
    return true;
  }
  for (const auto& f : rule.exclude) {
    if (detail::names_actor(lookup(f), who.name)) {
      out.code = errc::segregation_of_duties;
      out.message = "segregation_of_duties: '" + who.name + "' is the " + f + " of ticket " + id_ +
                    " and may not reject it ('" + tr.id + "')";
      return true;
    }
  }
  return false;
}

inline history_record ticket::make_record(record_kind kind, const actor& who, sys_seconds at, workflow::index transition,
                                          workflow::index from, workflow::index to, nlohmann::json& changes,
                                          std::string_view comment, std::uint8_t priority) const {
  history_record r;
  r.seq = history_.size() + 1;
  r.at = at;
  r.actor = who.name;
  r.kind = kind;
  r.priority = priority;
  r.transition = transition;
  r.from = from;
  r.to = to;
  r.comment = std::string(comment);
  r.changes = std::move(changes);  // last: nothing after it can fail
  return r;
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
    detail::json_release_guard initial_guard(initial);
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (!it.value().is_null()) detail::json_set_copy(initial, it.key(), it.value());
      }
    }
    t.fields_ = detail::json_copy(initial);
    t.priority_ = static_cast<std::uint8_t>(detail::compute_priority(*t.wf_, t.fields_));
    t.reserve_record();
    t.history_.push_back(t.make_record(record_kind::create, who, at, workflow::npos, workflow::npos, t.state_, initial,
                                       comment, t.priority_));
    return t;
  });
}

namespace detail {
/// Notes an action's failure in `out` after a commit, where nothing may throw: when even the
/// note cannot be allocated, an empty entry (its room was reserved) still says one failed.
inline void note_action_error(outcome& out, const std::string& action, const char* what) noexcept {
  try {
    out.action_errors.push_back(action + ": " + utf8_or_replaced(what));
  } catch (...) {
    if (out.action_errors.size() < out.action_errors.capacity()) out.action_errors.emplace_back();
  }
}
}  // namespace detail

inline outcome ticket::apply(workflow::index t, const actor& who, sys_seconds at, const nlohmann::json& fields,
                             std::string_view comment, const hooks* host, check_mode mode) {
  outcome out;
  const transition_def& tr = wf_->transition(t);
  if (refuse_if_cannot_append(who, comment, out)) return out;
  const detail::fields_after lookup{tr.set, fields, fields_};
  if (refuse_if_actor_may_not(t, who, lookup, out)) return out;  // replay's actors are trusted: roles pass
  if (!detail::validate_fields(*wf_, fields, out)) return out;
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
  detail::json_release_guard changes_guard(changes);
  collect_changes(fields, changes, tr.set);  // the transition's own values win
  collect_changes(tr.set, changes);
  const bool fields_change = !changes.is_null();
  nlohmann::json new_fields = fields_change ? fields_with(changes) : nlohmann::json();
  detail::json_release_guard new_fields_guard(new_fields);  // after the commit it holds the old fields
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
        while_busy([&] { refusal = (*fn)(guard_context{*this, tr, who, at, after}); });
      } catch (const std::bad_alloc&) {
        throw;  // out of memory is no refusal: nothing has changed, and the caller hears so
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
  // Everything that can fail comes before the commit: the record is built and its room in the
  // history reserved; the commit itself only moves and swaps.
  const std::uint8_t new_priority =
      fields_change ? static_cast<std::uint8_t>(detail::compute_priority(*wf_, new_fields)) : priority_;
  history_record record = make_record(record_kind::transition, who, at, t, state_, to, changes, comment, new_priority);
  detail::json_release_guard record_guard(record.changes);
  reserve_record();
  const bool run_actions = mode == check_mode::full && host != nullptr && !tr.actions.empty();
  if (run_actions) out.action_errors.reserve(tr.actions.size());
  // Commit (nothing below throws).
  history_.push_back(std::move(record));
  if (fields_change) fields_.swap(new_fields);
  priority_ = new_priority;
  if (state_ != to) approvals_.clear();
  state_ = to;
  if (run_actions) {
    for (const auto& a : tr.actions) {
      const action_fn* fn = host->find_action(a);
      if (fn == nullptr || !*fn) continue;
      try {
        while_busy([&] { (*fn)(*this, history_.back()); });
      } catch (const std::exception& e) {
        detail::note_action_error(out, a, e.what());
      } catch (...) {
        detail::note_action_error(out, a, "unknown exception");
      }
    }
  }
  return out;
}

inline outcome ticket::fire(std::string_view transition_id, const actor& who, sys_seconds at,
                            const nlohmann::json& fields, std::string_view comment, const hooks* host) {
  try {
    outcome out;
    if (refuse_if_busy("fire", out) || refuse_if_before_last(at, out)) return out;
    const workflow::index t = wf_->find_transition(state_, transition_id);
    if (t == workflow::npos) {
      if (wf_->has_transition_id(transition_id)) {
        refuse_not_allowed(out, "'" + std::string(transition_id) + "' does not leave state '" + state() + "'");
      } else {
        out.code = errc::unknown_transition;
        out.message = "unknown_transition: workflow '" + wf_->name() + "' has no transition '" +
                      detail::utf8_or_replaced(transition_id) + "'";
      }
      return out;
    }
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
  if (refuse_if_busy("move_to", out) || refuse_if_before_last(at, out)) return out;
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
      if (pred(t)) kept.push_back(t);
    if (!kept.empty()) candidates.swap(kept);
  };
  if (candidates.size() > 1) {
    keep([&](workflow::index t) {
      outcome scratch;
      return !refuse_if_actor_may_not(t, who, detail::fields_after{wf_->transition(t).set, fields, fields_}, scratch);
    });
  }
  if (candidates.size() > 1) keep([&](workflow::index t) { return wf_->transition(t).kind != transition_kind::reject; });
  if (candidates.size() > 1) {
    std::vector<std::string> ids;
    for (auto t : candidates) ids.push_back(wf_->transition(t).id);
    out.code = errc::ambiguous;
    out.message = "ambiguous: several transitions lead from '" + state() + "' to '" + std::string(state_id) +
                  "' (" + detail::join(ids) + "); fire one by id";
    return out;
  }
  return apply(candidates[0], who, at, fields, comment, host, check_mode::full);
}

inline outcome ticket::add_approval(workflow::index t, const actor& who, sys_seconds at,
                                    std::string_view comment, bool check_roles) {
  outcome out;
  const auto& tr = wf_->transition(t);
  const auto& rule = *tr.approvals;
  if (refuse_if_cannot_append(who, comment, out)) return out;
  if (check_roles && who.check_roles && !who.has_role(rule.role)) {
    out.code = errc::role_denied;
    out.message = "role_denied: approving '" + tr.id + "' needs the role '" + rule.role + "'; '" + who.name +
                  "' has [" + detail::utf8_or_replaced(detail::join(who.roles)) + "]";
    detail::name_roles(out, who, {rule.role});
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
  nlohmann::json no_changes;
  history_record record = make_record(record_kind::approve, who, at, t, state_, state_, no_changes, comment, priority_);
  approval given{who.name, rule.role, at};
  reserve_record();
  approvals_.reserve(approvals_.size() + 1);
  // Commit (nothing below throws).
  history_.push_back(std::move(record));
  approvals_.push_back(std::move(given));
  return out;
}

inline outcome ticket::approve(const actor& who, sys_seconds at, std::string_view comment, const hooks* host) {
  try {
    outcome out;
    if (refuse_if_busy("approve", out) || refuse_if_before_last(at, out)) return out;
    const workflow::index chosen = approval_transition_for(who);
    if (chosen == workflow::npos) {
      refuse_not_allowed(out, "nothing leaving state '" + state() + "' needs approvals");
      return out;
    }
    out = add_approval(chosen, who, at, comment, true);
    if (!out.ok()) return out;
    // The approval is committed. Until the transition it completes commits too, running out of
    // memory takes the approval back (pop_back frees without allocating), so the whole call
    // changes nothing; afterwards the answer's words may be lost, never the change.
    const auto& tr = wf_->transition(chosen);
    bool fired_it = false;
    try {
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
          fired_it = true;
          out.action_errors = std::move(fired.action_errors);
          out.fired = tr.id;
          out.message += "; fired '" + tr.id + "' into '" + state() + "'";
        } else {
          out.message += "; '" + tr.id + "' did not fire yet: " + fired.message;
        }
      }
    } catch (const std::bad_alloc&) {
      if (!fired_it) {
        detail::json_release(history_.back().changes);
        history_.pop_back();
        approvals_.pop_back();
        throw;
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
  if (refuse_if_busy("reject", out) || refuse_if_before_last(at, out)) return out;
  for (auto t : wf_->outgoing(state_)) {
    if (wf_->transition(t).kind == transition_kind::reject) return apply(t, who, at, fields, comment, host, check_mode::full);
  }
  refuse_not_allowed(out, "state '" + state() + "' has no rejection transition");
  return out;
}

inline outcome ticket::update(const actor& who, sys_seconds at, const nlohmann::json& fields,
                              std::string_view comment) {
  outcome out;
  if (refuse_if_busy("update", out) || refuse_if_before_last(at, out)) return out;
  if (is_terminal()) {
    refuse_not_allowed(out, "ticket " + id_ + " is in the terminal state '" + state() + "'; its fields can no longer change");
    return out;
  }
  if (refuse_if_cannot_append(who, comment, out)) return out;
  if (!detail::validate_fields(*wf_, fields, out)) return out;
  nlohmann::json changes;
  detail::json_release_guard changes_guard(changes);
  collect_changes(fields, changes);
  if (changes.is_null()) {
    out.message = "nothing changed";
    return out;
  }
  nlohmann::json new_fields = fields_with(changes);
  detail::json_release_guard new_fields_guard(new_fields);  // after the commit it holds the old fields
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
  history_record record = make_record(record_kind::update, who, at, workflow::npos, state_, state_, changes, comment, new_priority);
  detail::json_release_guard record_guard(record.changes);
  reserve_record();
  // Commit (nothing below throws).
  history_.push_back(std::move(record));
  fields_.swap(new_fields);
  priority_ = new_priority;
  return out;
}

inline std::vector<std::string> ticket::allowed(const actor& who) const {
  std::vector<std::string> out;
  for (auto t : wf_->outgoing(state_)) {  // ids are unique per state
    const transition_def& tr = wf_->transition(t);
    outcome scratch;
    if (!refuse_if_actor_may_not(t, who, detail::fields_after{tr.set, detail::empty_json_object(), fields_}, scratch)) {
      out.push_back(tr.id);
    }
  }
  return out;
}
}  // namespace v1
}  // namespace itsm
