#pragma once
// The compliance audit's implementation (see itsm/audit.hpp; the rules are defined in
// docs/report-and-audit.md).

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

namespace itsm {
inline namespace v1 {
namespace detail {

inline const std::string* text_field(const json& fields, const std::string& key) {
  const auto* v = find_field(fields, key);
  return v && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

/// Applies one record's changes to `fields`, so that checks see the fields as they were.
inline void apply_changes(json& fields, const json& changes) {
  if (!changes.is_object()) return;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (it->is_null()) {
      fields.erase(it.key());
    } else {
      fields[it.key()] = *it;
    }
  }
}

/// The findings of one ticket's history, in the order they are found; `resolution` is the
/// policy's incident resolution clock (none: `unescalated_breach` is not checked).
inline std::vector<audit_finding> ticket_findings(const ticket& t, sys_seconds now,
                                                  const sla_definition* resolution) {
  std::vector<audit_finding> out;
  const auto& wf = t.definition();
  const auto& h = t.history();
  json fields = json::object();
  std::vector<std::string> approvers;  // who approved in the current state
  bool escalated = false;
  for (const auto& r : h) {
    if (r.kind == record_kind::approve && r.transition != workflow::npos) {
      if (const auto& rule = wf.transition(r.transition).approvals) {
        for (const auto& f : rule->exclude) {
          const std::string* who = text_field(fields, f);
          if (who && *who == r.actor) {
            out.push_back({t.id(), "segregation_of_duties", "high",
                           "record " + std::to_string(r.seq) + ": '" + r.actor + "' approved '" +
                               wf.transition(r.transition).id + "' while being its " + f});
          }
        }
      }
      approvers.push_back(r.actor);
    }
    if (r.kind == record_kind::transition && r.transition != workflow::npos) {
      const auto& tr = wf.transition(r.transition);
      if (tr.approvals && tr.kind != transition_kind::reject) {
        std::vector<std::string> distinct;
        for (const auto& a : approvers)
          if (std::find(distinct.begin(), distinct.end(), a) == distinct.end()) distinct.push_back(a);
        if (static_cast<int>(distinct.size()) < tr.approvals->min) {
          out.push_back({t.id(), "unapproved_change", "high",
                         "record " + std::to_string(r.seq) + ": '" + tr.id + "' into '" + wf.state(r.to).id +
                             "' with " + std::to_string(distinct.size()) + " of " +
                             std::to_string(tr.approvals->min) + " " + tr.approvals->role + " approvals"});
        }
      }
      if (r.to != r.from) approvers.clear();
    }
    apply_changes(fields, r.changes);
    if (r.changes.is_object() && r.changes.contains("escalated") && !r.changes["escalated"].is_null() &&
        r.changes["escalated"] != false) {
      escalated = true;
    }
  }
  if (wf.name() != "incident") return out;
  if (t.category() == state_category::closed && !is_present(find_field(fields, "resolution_code"))) {
    out.push_back({t.id(), "missing_resolution_code", "low",
                   "closed at " + format_utc(h.back().at) + " with no resolution_code"});
  }
  if (escalated || t.priority() == 0 || resolution == nullptr) return out;
  auto s = evaluate(*resolution, t.sla_history(), now);
  if (s && s->breached_at && (s->status == sla_state::breached || s->status == sla_state::breached_met)) {
    out.push_back({t.id(), "unescalated_breach", "medium",
                   "P" + std::to_string(t.priority()) + " resolution target breached at " +
                       format_utc(*s->breached_at) + "; no record sets escalated"});
  }
  return out;
}

}  // namespace detail

inline compliance_audit::compliance_audit(sla_policy policy, sys_seconds now)
    : policy_(std::move(policy)), now_(now) {}

inline void compliance_audit::add(const ticket& t) {
  const sla_definition* resolution = nullptr;
  for (const auto& [name, def] : policy_.clocks("incident")) {
    if (name == "resolution") resolution = &def;
  }
  ++tickets_;
  std::size_t place = 0;
  for (auto& f : detail::ticket_findings(t, now_, resolution)) findings_.push_back({std::move(f), 1, place++});
}

inline void compliance_audit::add_refusal(const event_outcome& refused) {
  const errc code = refused.result.code;
  const std::string ticket = refused.ticket.empty() ? std::string("-") : refused.ticket;
  const std::string where = "line " + std::to_string(refused.line) + ": " +
                            (refused.event.empty() ? std::string("event") : refused.event) + " refused: " +
                            refused.result.message;
  if (code == errc::segregation_of_duties) {
    findings_.push_back({{ticket, "segregation_of_duties", "high", where}, 0, refused.line});
  } else if (code == errc::not_allowed_from_state || code == errc::unknown_transition || code == errc::ambiguous) {
    findings_.push_back({{ticket, "disallowed_transition", "medium", where}, 0, refused.line});
  }
}

inline void compliance_audit::add_counts(const event_counts& counts) {
  counts_.events += counts.events;
  counts_.applied += counts.applied;
  counts_.refused += counts.refused;
}

inline void compliance_audit::check_chain(std::string_view jsonl, const std::string& source) {
  auto verified = verify_history(jsonl);
  if (!verified) {
    findings_.push_back({{"-", "broken_hash_chain", "critical", source + ": " + verified.error_value().message}, 2, 0});
  }
}

inline result<bool> compliance_audit::merge(const compliance_audit& other) {
  if (other.now_ != now_) {
    return error{errc::invalid_argument, "audit merge: measured at " + format_utc(other.now_) + ", not " +
                                             format_utc(now_) + " as this audit"};
  }
  if (other.policy_.to_json() != policy_.to_json()) {
    return error{errc::invalid_argument, "audit merge: the audits use different SLA policies"};
  }
  add_counts(other.counts_);
  tickets_ += other.tickets_;
  findings_.insert(findings_.end(), other.findings_.begin(), other.findings_.end());
  return true;
}

inline std::vector<audit_finding> compliance_audit::findings() const {
  std::vector<const keyed_finding*> order;
  order.reserve(findings_.size());
  for (const auto& f : findings_) order.push_back(&f);
  std::stable_sort(order.begin(), order.end(), [](const keyed_finding* a, const keyed_finding* b) {
    return std::tie(a->finding.ticket, a->finding.rule, a->phase, a->place) <
           std::tie(b->finding.ticket, b->finding.rule, b->phase, b->place);
  });
  std::vector<audit_finding> out;
  out.reserve(order.size());
  for (const auto* f : order) out.push_back(f->finding);
  return out;
}

inline nlohmann::json compliance_audit::to_json() const {
  nlohmann::json j = {{"tickets", tickets_}, {"events", counts_.events}, {"refused", counts_.refused},
                      {"now", format_utc(now_)}};
  j["findings"] = nlohmann::json::array();
  for (const auto& f : findings()) {
    j["findings"].push_back({{"ticket", f.ticket}, {"rule", f.rule}, {"severity", f.severity}, {"evidence", f.evidence}});
  }
  return j;
}

inline std::string compliance_audit::render(report_format format) const {
  if (format == report_format::json) return to_json().dump(2) + "\n";
  const auto all = findings();
  std::ostringstream o;
  if (format == report_format::csv) {
    o << "ticket,rule,severity,evidence\n";
    for (const auto& f : all) {
      std::string e = "\"";
      for (char ch : f.evidence) e += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      o << f.ticket << "," << f.rule << "," << f.severity << "," << e << "\"\n";
    }
    return o.str();
  }
  std::map<std::string, std::size_t> by_rule;
  for (const auto& f : all) ++by_rule[f.rule];
  const bool md = format == report_format::markdown;
  o << (md ? "## Audit\n\n" : "Audit: ") << tickets_ << " tickets, " << counts_.events << " events, " << all.size()
    << " finding(s)" << (md ? ".\n\n" : "\n");
  for (const auto& [rule, n] : by_rule) o << (md ? "- " : "  ") << rule << ": " << n << "\n";
  o << "\n";
  if (md) {
    o << "| ticket | rule | severity | evidence |\n| --- | --- | --- | --- |\n";
    for (const auto& f : all) o << "| " << f.ticket << " | " << f.rule << " | " << f.severity << " | " << f.evidence << " |\n";
  } else {
    for (const auto& f : all) o << f.severity << "\t" << f.ticket << "\t" << f.rule << "\t" << f.evidence << "\n";
  }
  return o.str();
}

inline compliance_audit make_audit(const event_store& store, const sla_policy& policy,
                                   std::optional<sys_seconds> now) {
  compliance_audit audit(policy, now ? *now : store.last_event_time());
  audit.add_counts(store.counts());
  for (const auto& r : store.refusals()) audit.add_refusal(r);
  for (const auto& [id, t] : store.tickets()) audit.add(t);
  return audit;
}

}  // namespace v1
}  // namespace itsm
