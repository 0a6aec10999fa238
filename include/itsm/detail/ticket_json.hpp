#pragma once
// Tickets as JSON and back: outcomes, history records, SLA clock input, snapshots, restoring a
// snapshot (checked against the workflow) and replaying a history through the operations.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "itsm/detail/json_util.hpp"
#include "itsm/detail/ticket_fields.hpp"
#include "itsm/detail/ticket_ops.hpp"

namespace itsm {
inline namespace v1 {

// The JSON built here is released when an allocation fails halfway (detail/json_release.hpp):
// these are the answers the C ABI and the bindings produce, also while memory runs out.

inline nlohmann::json to_json(const outcome& o) {
  nlohmann::json j = nlohmann::json::object();
  try {
    j["code"] = to_string(o.code);
    j["message"] = o.message;
    if (!o.state.empty()) j["state"] = o.state;
    if (!o.allowed.empty() || o.code == errc::not_allowed_from_state) detail::json_set(j, "allowed", o.allowed);
    if (!o.missing.empty()) detail::json_set(j, "missing", o.missing);
    if (o.approvals_needed > 0) {
      j["approvals"] = o.approvals;
      j["approvals_needed"] = o.approvals_needed;
    }
    if (!o.guard.empty()) j["guard"] = o.guard;
    if (o.code == errc::role_denied) {
      detail::json_set(j, "actor_roles", o.actor_roles);
      detail::json_set(j, "allowed_roles", o.allowed_roles);
    }
    if (!o.fired.empty()) j["fired"] = o.fired;
    if (!o.action_errors.empty()) detail::json_set(j, "action_errors", o.action_errors);
  } catch (...) {
    detail::json_release(j);
    throw;
  }
  return j;
}

inline nlohmann::json ticket::record_to_json(const history_record& r) const {
  nlohmann::json j = nlohmann::json::object();  // never grown from null by operator[], which can fail halfway
  try {
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
  detail::json_set(j, "changes", r.changes.is_null() ? nlohmann::json::object() : detail::json_copy(r.changes));
  j["priority"] = r.priority;
  if (!r.comment.empty()) j["comment"] = r.comment;
  } catch (...) {
    detail::json_release(j);
    throw;
  }
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
  nlohmann::json j = nlohmann::json::object();
  try {
    j["ticket"] = id_;
    j["workflow"] = wf_->name();
    j["workflow_version"] = wf_->version();
    j["state"] = state();
    j["priority"] = priority_;
    detail::json_set(j, "fields", detail::json_copy(fields()));
    detail::json_set(j, "approvals", nlohmann::json::array());
    auto* approvals = j["approvals"].get_ptr<nlohmann::json::array_t*>();
    approvals->reserve(approvals_.size());  // the push_backs below then never reallocate
    for (const auto& a : approvals_) {
      nlohmann::json one = nlohmann::json::object();
      detail::json_release_guard guard(one);
      one["actor"] = a.actor;
      one["role"] = a.role;
      one["at"] = detail::format_utc(a.at);
      approvals->push_back(std::move(one));
    }
    detail::json_set(j, "history", nlohmann::json::array());
    auto* history = j["history"].get_ptr<nlohmann::json::array_t*>();
    history->reserve(history_.size());
    for (const auto& r : history_) history->push_back(record_to_json(r));
  } catch (...) {
    detail::json_release(j);
    throw;
  }
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
  json_release_guard changes_guard(r.changes);  // dismissed once r is complete
  r.seq = static_cast<std::uint64_t>(need_integer(j["seq"], field + ".seq", 1, INT64_MAX));
  r.at = parse_utc_field(j["at"], field + ".at");
  r.actor = need_string(j["actor"], field + ".actor");
  r.to = need_state(wf, j["to"], field + ".to");
  if (j.contains("from") && !j["from"].is_null()) r.from = need_state(wf, j["from"], field + ".from");
  if (j.contains("changes")) {
    need_object(j["changes"], field + ".changes");
    if (!j["changes"].empty()) r.changes = json_copy(j["changes"]);
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
  changes_guard.dismiss();
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
    if (!j["fields"].empty()) t.fields_ = detail::json_copy(j["fields"]);
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
      detail::json_release_guard r_guard(r.changes);  // moved into the history, or released
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
    detail::json_release_guard folded_guard(folded);
    for (std::size_t i = 0; i < t.history_.size(); ++i) {
      const auto& r = t.history_[i];
      if (r.changes.is_object()) {
        for (auto it = r.changes.begin(); it != r.changes.end(); ++it) {
          if (!it.value().is_null()) {
            detail::json_set_copy(folded, it.key(), it.value());
          } else if (auto found = folded.find(it.key()); found != folded.end()) {
            detail::json_release(*found);
            folded.erase(found);
          }
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
  detail::json_release_guard guard(j);
  try {
    j = detail::parse_json_text(text, "snapshot");
  } catch (const detail::failure& f) {
    return error{f.code, f.what()};
  } catch (const std::bad_alloc&) {
    return error{errc::out_of_memory, "out of memory"};
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
      auto r = detail::parse_record(*wf, (*records)[i], f);
      detail::json_release_guard r_guard(r.changes);
      const actor who = actor::trusted(r.actor);
      nlohmann::json changes = r.changes.is_null() ? nlohmann::json::object() : detail::json_copy(r.changes);
      detail::json_release_guard changes_guard(changes);
      if (i == 0) {
        if (r.kind != record_kind::create) detail::fail(errc::invalid_argument, f + ": the first record must be 'create'");
        auto created = create(wf, id, who, r.at, changes, r.comment);
        if (!created) detail::fail(created.error_value().code, f + ": " + created.error_value().message);
        t.emplace(std::move(*created));
        continue;
      }
      // Before the from-state: a create record has none to name.
      if (r.kind == record_kind::create) detail::fail(errc::invalid_argument, f + ": only the first record may be 'create'");
      if (r.from != t->state_) {
        detail::fail(errc::invalid_argument, f + ".from: '" + wf->state(r.from).id + "' but the ticket is in '" +
                                                 t->state() + "'");
      }
      outcome out;
      if (t->refuse_if_before_last(r.at, out)) detail::fail(out.code, f + " (seq " + std::to_string(r.seq) + "): " + out.message);
      switch (r.kind) {
        case record_kind::create: break;  // refused above
        case record_kind::update: out = t->update(who, r.at, changes, r.comment); break;
        case record_kind::approve: out = t->add_approval(r.transition, who, r.at, r.comment, false); break;
        case record_kind::transition: out = t->apply(r.transition, who, r.at, changes, r.comment, nullptr, check_mode::replay); break;
      }
      if (!out.ok()) detail::fail(out.code, f + " (seq " + std::to_string(r.seq) + "): " + out.message);
    }
    return std::move(*t);
  });
}

}  // namespace v1
}  // namespace itsm
