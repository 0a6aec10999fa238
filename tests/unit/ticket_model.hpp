#pragma once
// A model of a ticket written from docs/workflows.md ("Fields", "Priority", "Operations and their
// checks", "Rejections", "Snapshots and restore", "Pinned rules") and not from the engine's code:
// it reads the workflow's definition as plain data (states, transitions, their attributes) and
// predicts, for each call, the outcome and the snapshot after it. ticket_model_test.cpp runs it
// beside the engine. Limits are left at their defaults (the events stay far below them), so the
// limit checks are not modelled.

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/ticket.hpp"
#include "itsm/workflow.hpp"

namespace model {

using nlohmann::json;

/// Times are minutes after 2026-03-02T10:00:00Z.
inline std::string format_minutes(long minutes) {
  const std::time_t t = 1772445600 + minutes * 60;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// UTF-8 as RFC 3629 has it (the texts the tests send are either clean or carry a stray 0xFF).
inline bool is_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

/// "Missing": absent, null, "", [] or {}.
inline bool present(const json* v) {
  if (v == nullptr || v->is_null()) return false;
  if (v->is_string()) return !v->get<std::string>().empty();
  if (v->is_array() || v->is_object()) return !v->empty();  // json::empty() is false for any string
  return true;
}

/// A level: an integer 1..99, or an optional P (or p), the number 1..99, then nothing, a space or
/// a dash. 0 when the value is none of these.
inline int level(const json& v) {
  if (v.is_number_integer()) {
    const auto n = v.get<long long>();
    return n >= 1 && n <= 99 ? static_cast<int>(n) : 0;
  }
  if (!v.is_string()) return 0;
  const std::string s = v.get<std::string>();
  std::size_t i = (!s.empty() && (s[0] == 'P' || s[0] == 'p')) ? 1 : 0;
  const std::size_t digits_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits_start || i - digits_start > 2) return 0;
  const int n = std::stoi(s.substr(digits_start, i - digits_start));
  if (n < 1 || n > 99) return 0;
  if (i < s.size() && s[i] != ' ' && s[i] != '-') return 0;
  return n;
}

inline const json* get(const json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

/// "Named in a field": the field's text, or one of the texts of its list.
inline bool names(const json* v, const std::string& name) {
  if (v == nullptr) return false;
  if (v->is_string()) return v->get<std::string>() == name;
  if (v->is_array())
    for (const auto& e : *v)
      if (e.is_string() && e.get<std::string>() == name) return true;
  return false;
}

/// What the test's hooks do (registered under every guard and action name a workflow uses,
/// except names starting with "unreg"): a guard refuses the actor `dee` and fields after the
/// change with `flag` present; an action whose name holds "throw" throws "boom".
inline bool registered(const std::string& name) { return name.rfind("unreg", 0) != 0; }
inline bool guard_refuses(const std::string& actor_name, const json& fields_after) {
  return actor_name == "dee" || present(get(fields_after, "flag"));
}
inline bool action_throws(const std::string& name) { return name.find("throw") != std::string::npos; }

struct approval {
  std::string actor, role;
  long at;
};

/// The predicted answer: the outcome's members the docs give, and which check refused
/// (1-based, in the order of the call; 0 on success) for the allowed() property.
struct prediction {
  itsm::outcome out;
  int step = 0;
  // On success of a transition or update: the commit.
  json record;
  json fields_after;
  std::string to;
  long at = 0;
  bool appends = false;
};

class ticket {
 public:
  ticket(const itsm::workflow_definition& def, std::string id, const std::string& creator, long at, const json& fields)
      : def_(def), id_(std::move(id)) {
    for (const auto& s : def_.states)
      if (s.initial) state_ = s.id;
    fields_ = json::object();
    for (auto it = fields.begin(); it != fields.end(); ++it)
      if (!it.value().is_null()) fields_[it.key()] = it.value();
    priority_ = priority_of(fields_);
    history_.push_back({{"seq", 1}, {"at", format_minutes(at)}, {"actor", creator}, {"transition", "create"},
                        {"from", nullptr}, {"to", state_}, {"changes", fields_}, {"priority", priority_}});
    last_at_ = at;
  }

  const std::string& state() const { return state_; }
  long last_at() const { return last_at_; }

  json snapshot() const {
    json approvals = json::array();
    for (const auto& a : approvals_) approvals.push_back({{"actor", a.actor}, {"role", a.role}, {"at", format_minutes(a.at)}});
    return {{"ticket", id_}, {"workflow", def_.name}, {"workflow_version", def_.version}, {"state", state_},
            {"priority", priority_}, {"fields", fields_}, {"approvals", approvals}, {"history", history_}};
  }

  /// The transitions leaving the current state, in definition order.
  std::vector<const itsm::transition_def*> leaving() const {
    std::vector<const itsm::transition_def*> out;
    const bool terminal = state_def(state_).terminal;
    for (const auto& t : def_.transitions) {
      const bool from = t.from_any ? (!terminal && t.to != state_)
                                   : std::find(t.from.begin(), t.from.end(), state_) != t.from.end();
      if (from) out.push_back(&t);
    }
    return out;
  }

  std::vector<std::string> allowed(const itsm::actor& who) const {
    std::vector<std::string> out;
    for (const auto* t : leaving()) {
      prediction p;
      if (!actor_refuses(*t, who, json::object(), p)) out.push_back(t->id);
    }
    return out;
  }

  prediction fire(const std::string& id, const itsm::actor& who, long at, const json& fields,
                  const std::string& comment, bool hooks) const {
    prediction p;
    if (back_dated(at, p)) return p;
    for (const auto* t : leaving())
      if (t->id == id) return transition_from_step_3(*t, who, at, fields, comment, hooks);
    p.step = 2;
    const bool anywhere = std::any_of(def_.transitions.begin(), def_.transitions.end(),
                                      [&](const itsm::transition_def& t) { return t.id == id; });
    if (anywhere) not_allowed(p);
    else p.out.code = itsm::errc::unknown_transition;
    return p;
  }

  prediction move_to(const std::string& state, const itsm::actor& who, long at, const json& fields,
                     const std::string& comment, bool hooks) const {
    prediction p;
    if (back_dated(at, p)) return p;
    if (std::none_of(def_.states.begin(), def_.states.end(), [&](const itsm::state_def& s) { return s.id == state; })) {
      p.step = 2;
      p.out.code = itsm::errc::not_found;
      return p;
    }
    if (state == state_) return update(who, at, fields, comment);
    std::vector<const itsm::transition_def*> candidates;
    for (const auto* t : leaving())
      if (t->to == state) candidates.push_back(t);
    if (candidates.empty()) {
      p.step = 3;
      not_allowed(p);
      return p;
    }
    auto keep = [&](auto pred) {
      std::vector<const itsm::transition_def*> kept;
      for (const auto* t : candidates)
        if (pred(*t)) kept.push_back(t);
      if (!kept.empty()) candidates = kept;
    };
    if (candidates.size() > 1) {
      keep([&](const itsm::transition_def& t) {
        prediction scratch;
        return !actor_refuses(t, who, fields, scratch);
      });
    }
    if (candidates.size() > 1) keep([](const itsm::transition_def& t) { return t.kind != itsm::transition_kind::reject; });
    if (candidates.size() > 1) {
      p.step = 4;
      p.out.code = itsm::errc::ambiguous;
      return p;
    }
    return transition_from_step_3(*candidates[0], who, at, fields, comment, hooks);
  }

  prediction reject(const itsm::actor& who, long at, const json& fields, const std::string& comment, bool hooks) const {
    prediction p;
    if (back_dated(at, p)) return p;
    for (const auto* t : leaving())
      if (t->kind == itsm::transition_kind::reject) return transition_from_step_3(*t, who, at, fields, comment, hooks);
    p.step = 2;
    not_allowed(p);
    return p;
  }

  prediction update(const itsm::actor& who, long at, const json& fields, const std::string& comment) const {
    prediction p;
    if (back_dated(at, p)) return p;
    if (state_def(state_).terminal) {
      p.step = 2;
      not_allowed(p);
      return p;
    }
    if (append_refuses(who, comment, p, 3) || fields_refuse(fields, p, 4)) return p;
    json changes = json::object();
    add_changes(fields, json::object(), changes);
    if (changes.empty()) return p;  // "nothing changed": no record
    p.fields_after = merged(changes);
    for (const auto& f : state_def(state_).required_fields)
      if (!present(get(p.fields_after, f))) p.out.missing.push_back(f);
    if (!p.out.missing.empty()) {
      p.step = 7;
      p.out.code = itsm::errc::missing_fields;
      return p;
    }
    p.appends = true;
    p.to = state_;
    p.at = at;
    p.record = record(who, at, "update", state_, changes, priority_of(p.fields_after), comment);
    return p;
  }

  /// Approve changes the ticket itself (the approval, then perhaps the automatic fire).
  itsm::outcome approve(const itsm::actor& who, long at, const std::string& comment, bool hooks) {
    prediction p;
    if (back_dated(at, p)) return p.out;
    const itsm::transition_def* t = approval_transition_for(who);
    if (t == nullptr) {
      not_allowed(p);
      return p.out;
    }
    const auto& rule = *t->approvals;
    if (append_refuses(who, comment, p, 3)) return p.out;
    if (who.check_roles && !who.has_role(rule.role)) return role_denied(who, {rule.role});
    for (const auto& f : rule.exclude)
      if (names(get(fields_, f), who.name)) return code(itsm::errc::segregation_of_duties);
    for (const auto& a : approvals_)
      if (a.actor == who.name && a.role == rule.role) return code(itsm::errc::segregation_of_duties);
    json r = record(who, at, "approve", state_, json::object(), priority_, comment);
    r["for"] = t->id;
    history_.push_back(r);
    last_at_ = at;
    approvals_.push_back({who.name, rule.role, at});
    itsm::outcome out;
    out.approvals = valid_approvals(rule, fields_);
    out.approvals_needed = rule.min;
    if (rule.automatic && out.approvals >= rule.min) {
      const prediction fired = transition_from_step_3(*t, itsm::actor::trusted(who.name), at, json::object(), "", hooks);
      if (fired.out.ok()) {
        out.fired = t->id;
        out.action_errors = fired.out.action_errors;
        commit(fired);
      }
    }
    return out;
  }

  /// Applies a successful prediction of fire, move_to, reject or update.
  void commit(const prediction& p) {
    if (!p.out.ok() || !p.appends) return;
    history_.push_back(p.record);
    last_at_ = p.at;
    fields_ = p.fields_after;
    priority_ = p.record["priority"].get<int>();
    if (p.to != state_) approvals_.clear();
    state_ = p.to;
  }

 private:
  static itsm::outcome code(itsm::errc c) {
    itsm::outcome o;
    o.code = c;
    return o;
  }
  /// docs/workflows.md, "Refusal codes": role_denied names the actor's roles and the roles that
  /// would have let it (the transition's, or the approver role of the rule).
  static itsm::outcome role_denied(const itsm::actor& who, std::vector<std::string> allowed) {
    itsm::outcome o = code(itsm::errc::role_denied);
    o.actor_roles = who.roles;
    o.allowed_roles = std::move(allowed);
    return o;
  }
  const itsm::state_def& state_def(const std::string& id) const {
    for (const auto& s : def_.states)
      if (s.id == id) return s;
    throw std::logic_error("model: no state " + id);
  }

  bool back_dated(long at, prediction& p) const {
    if (at >= last_at_) return false;
    p.step = 1;
    p.out.code = itsm::errc::time_went_backwards;
    return true;
  }

  void not_allowed(prediction& p) const {
    p.out.code = itsm::errc::not_allowed_from_state;
    p.out.state = state_;
    for (const auto* t : leaving()) p.out.allowed.push_back(t->id);
  }

  bool append_refuses(const itsm::actor& who, const std::string& comment, prediction& p, int step) const {
    if (is_utf8(who.name) && is_utf8(comment)) return false;
    p.step = step;
    p.out.code = itsm::errc::invalid_argument;
    return true;
  }

  bool fields_refuse(const json& fields, prediction& p, int step) const {
    auto refuse = [&] {
      p.step = step;
      p.out.code = itsm::errc::invalid_argument;
      return true;
    };
    if (fields.is_null()) return false;
    if (!fields.is_object()) return refuse();
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      const json& v = it.value();
      if (def_.fields) {
        const auto f = std::find_if(def_.fields->begin(), def_.fields->end(),
                                    [&](const itsm::field_def& d) { return d.id == it.key(); });
        if (f == def_.fields->end()) return refuse();
        if (!f->values.empty() && present(&v) &&
            !(v.is_string() && std::find(f->values.begin(), f->values.end(), v.get<std::string>()) != f->values.end())) {
          return refuse();
        }
      }
      const bool is_level = it.key() == "impact" || it.key() == "urgency" || it.key() == "priority";
      if (is_level && present(&v) && level(v) == 0) return refuse();
    }
    return false;
  }

  /// The fields as they would be after a transition: its `set`, then the call's, then the ticket's.
  static const json* after(const itsm::transition_def& t, const json& fields, const json& current, const std::string& key) {
    if (const auto* v = get(t.set, key)) return v;
    if (const auto* v = get(fields, key)) return v;
    return get(current, key);
  }

  const itsm::transition_def* approval_transition_for(const itsm::actor& who) const {
    const itsm::transition_def* last = nullptr;
    for (const auto* t : leaving()) {
      if (!t->approvals) continue;
      if (!who.check_roles || who.has_role(t->approvals->role)) return t;
      last = t;
    }
    return last;
  }

  /// Fire's step 4: roles; for a reject transition, the approver's role and exclusions.
  bool actor_refuses(const itsm::transition_def& t, const itsm::actor& who, const json& fields, prediction& p) const {
    p.step = 4;
    const bool holds_one = std::any_of(t.roles.begin(), t.roles.end(), [&](const std::string& r) { return who.has_role(r); });
    if (who.check_roles && !t.roles.empty() && !holds_one) {
      p.out = role_denied(who, t.roles);
      return true;
    }
    if (t.kind == itsm::transition_kind::reject) {
      if (const auto* approved = approval_transition_for(who)) {
        const auto& rule = *approved->approvals;
        if (who.check_roles && !who.has_role(rule.role)) {
          p.out = role_denied(who, {rule.role});
          return true;
        }
        for (const auto& f : rule.exclude) {
          if (names(after(t, fields, fields_, f), who.name)) {
            p.out.code = itsm::errc::segregation_of_duties;
            return true;
          }
        }
      }
    }
    p.step = 0;
    return false;
  }

  int valid_approvals(const itsm::approval_rule& rule, const json& fields_after) const {
    int n = 0;
    for (const auto& a : approvals_) {
      const bool excluded = std::any_of(rule.exclude.begin(), rule.exclude.end(),
                                        [&](const std::string& f) { return names(get(fields_after, f), a.actor); });
      if (a.role == rule.role && !excluded) ++n;
    }
    return n;
  }

  /// Values that change something: null for a present field, or a value that differs.
  void add_changes(const json& incoming, const json& skip, json& changes) const {
    if (!incoming.is_object()) return;
    for (auto it = incoming.begin(); it != incoming.end(); ++it) {
      if (get(skip, it.key())) continue;
      const json* current = get(fields_, it.key());
      const bool changes_it = it.value().is_null() ? current != nullptr : (current == nullptr || *current != it.value());
      if (changes_it) changes[it.key()] = it.value();
    }
  }

  json merged(const json& changes) const {
    json out = fields_;
    for (auto it = changes.begin(); it != changes.end(); ++it) {
      if (it.value().is_null()) out.erase(it.key());
      else out[it.key()] = it.value();
    }
    return out;
  }

  int priority_of(const json& fields) const {
    if (const auto* p = get(fields, "priority"); present(p)) return level(*p);
    const auto* i = get(fields, "impact");
    const auto* u = get(fields, "urgency");
    if (!present(i) || !present(u)) return 0;
    const int impact = level(*i), urgency = level(*u);
    if (def_.priority_matrix.empty()) return impact <= 5 && urgency <= 5 ? (impact + urgency) / 2 : 0;
    if (impact > static_cast<int>(def_.priority_matrix.size())) return 0;
    const auto& row = def_.priority_matrix[static_cast<std::size_t>(impact - 1)];
    return urgency > static_cast<int>(row.size()) ? 0 : row[static_cast<std::size_t>(urgency - 1)];
  }

  json record(const itsm::actor& who, long at, const std::string& transition, const std::string& to,
              const json& changes, int priority, const std::string& comment) const {
    json r = {{"seq", history_.size() + 1}, {"at", format_minutes(at)}, {"actor", who.name}, {"transition", transition},
              {"from", state_}, {"to", to}, {"changes", changes}, {"priority", priority}};
    if (!comment.empty()) r["comment"] = comment;
    return r;
  }

  /// Fire from step 3 on (the time and the transition are settled).
  prediction transition_from_step_3(const itsm::transition_def& t, const itsm::actor& who, long at, const json& fields,
                                    const std::string& comment, bool hooks) const {
    prediction p;
    if (append_refuses(who, comment, p, 3) || actor_refuses(t, who, fields, p) || fields_refuse(fields, p, 5)) return p;
    for (const auto* list : {&state_def(t.to).required_fields, &t.required_fields}) {
      for (const auto& f : *list) {
        if (!present(after(t, fields, fields_, f)) &&
            std::find(p.out.missing.begin(), p.out.missing.end(), f) == p.out.missing.end()) {
          p.out.missing.push_back(f);
        }
      }
    }
    if (!p.out.missing.empty()) {
      p.step = 6;
      p.out.code = itsm::errc::missing_fields;
      return p;
    }
    for (std::size_t a = 0; a < t.distinct_fields.size(); ++a) {
      for (std::size_t b = a + 1; b < t.distinct_fields.size(); ++b) {
        const json* va = after(t, fields, fields_, t.distinct_fields[a]);
        const json* vb = after(t, fields, fields_, t.distinct_fields[b]);
        if (present(va) && present(vb) && *va == *vb) {
          p.step = 7;
          p.out.code = itsm::errc::segregation_of_duties;
          return p;
        }
      }
    }
    json changes = json::object();
    add_changes(fields, t.set, changes);
    add_changes(t.set, json::object(), changes);
    p.fields_after = merged(changes);
    if (t.approvals) {
      const int valid = valid_approvals(*t.approvals, p.fields_after);
      if (valid < t.approvals->min) {
        p.step = 8;
        p.out.code = itsm::errc::approvals_pending;
        p.out.approvals = valid;
        p.out.approvals_needed = t.approvals->min;
        return p;
      }
    }
    for (const auto& g : t.guards) {
      if (!hooks || !registered(g) || guard_refuses(who.name, p.fields_after)) {
        p.step = 10;
        p.out.code = itsm::errc::guard_failed;
        p.out.guard = g;
        return p;
      }
    }
    p.appends = true;
    p.to = t.to;
    p.at = at;
    p.record = record(who, at, t.id, t.to, changes, priority_of(p.fields_after), comment);
    if (hooks) {
      for (const auto& a : t.actions)
        if (registered(a) && action_throws(a)) p.out.action_errors.push_back(a + ": boom");
    }
    return p;
  }

  const itsm::workflow_definition& def_;
  std::string id_;
  std::string state_;
  json fields_;
  int priority_ = 0;
  std::vector<approval> approvals_;
  json history_ = json::array();
  long last_at_ = 0;
};

}  // namespace model
