#pragma once
// The compliance audit's implementation (see itsm/audit.hpp; the rules are defined in
// docs/report-and-audit.md).

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>
#include <unordered_map>

namespace itsm {
inline namespace v1 {
namespace detail {

inline const std::string* text_field(const json& fields, const std::string& key) {
  const auto* v = find_field(fields, key);
  return v && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

/// How many of `t`'s records are at or before `now` (its history as it stood then).
inline std::size_t records_until(const ticket& t, sys_seconds now) {
  const auto& h = t.history();
  std::size_t n = 0;
  while (n < h.size() && h[n].at <= now) ++n;
  return n;
}

/// The findings of one ticket's history up to `now`, in the order they are found; `resolution`
/// is the policy's incident resolution clock (none: `unescalated_breach` is not checked).
inline std::vector<audit_finding> ticket_findings(const ticket& t, sys_seconds now,
                                                  const sla_definition* resolution) {
  std::vector<audit_finding> out;
  const auto& wf = t.definition();
  const auto& h = t.history();
  const std::size_t until = records_until(t, now);
  if (until == 0) return out;  // created after now
  json fields = json::object();
  json_release_guard fields_guard(fields);  // freeing it must not allocate (detail/json_release.hpp)
  std::vector<std::string> approvers;  // who approved in the current state
  bool escalated = false;
  for (std::size_t i = 0; i < until; ++i) {
    const auto& r = h[i];
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
  const auto& last = h[until - 1];
  if (wf.state(last.to).category == state_category::closed && !is_present(find_field(fields, "resolution_code"))) {
    out.push_back({t.id(), "missing_resolution_code", "low",
                   "closed at " + format_utc(last.at) + " with no resolution_code"});
  }
  if (escalated || last.priority == 0 || resolution == nullptr) return out;
  auto s = evaluate(*resolution, t.sla_history(), now);
  if (s && s->breached_at && (s->status == sla_state::breached || s->status == sla_state::breached_met)) {
    out.push_back({t.id(), "unescalated_breach", "medium",
                   "P" + std::to_string(last.priority) + " resolution target breached at " +
                       format_utc(*s->breached_at) + "; no record sets escalated"});
  }
  return out;
}

/// The hashes of a chained history export's records up to `now`, per ticket, in order (the
/// export verified first).
inline std::unordered_map<std::string, std::vector<std::string>> chain_hashes(std::string_view jsonl, sys_seconds now) {
  std::unordered_map<std::string, std::vector<std::string>> out;
  for_each_line(jsonl, [&](std::size_t, std::string_view line) {
    json j = parse_json_released(line, true);
    json_release_guard j_guard(j);
    auto& hashes = out[j.at("ticket").get<std::string>()];
    const auto at = j.find("at");
    if (at == j.end() || !at->is_string() || parse_utc_text(at->get_ref<const std::string&>(), "at") <= now) {
      hashes.push_back(j.at("hash").get<std::string>());
    }
    return true;
  });
  return out;
}

/// What is wrong with `chain`, the chained records of `t` up to `now`, as a sentence ("" when
/// they are exactly its history up to `now`).
inline std::string chain_mismatch(const ticket& t, const std::vector<std::string>& chain, sys_seconds now) {
  const std::size_t expected = records_until(t, now);
  if (expected == 0 && chain.empty()) return "";
  std::vector<std::string> hashes;
  for_each_line(t.export_history(), [&](std::size_t, std::string_view line) {
    if (hashes.size() == expected) return false;
    json record = parse_json_released(line, true);
    json_release_guard record_guard(record);
    hashes.push_back(record.at("hash").get<std::string>());
    return true;
  });
  const std::string id = "ticket " + t.id() + ": ";
  const std::string of = " of the " + std::to_string(expected) + " the events made";
  if (chain.empty()) return id + "none of its records is in the chain (the events made " + std::to_string(expected) + ")";
  for (std::size_t i = 0; i < chain.size() && i < expected; ++i) {
    if (chain[i] != hashes[i]) return id + "record " + std::to_string(i + 1) + " differs from the one the events made";
  }
  if (chain.size() < expected) {
    return id + "the chain ends after record " + std::to_string(chain.size()) + of + " (its tail is missing)";
  }
  if (chain.size() > expected) return id + "the chain has " + std::to_string(chain.size()) + " records" + of;
  return "";
}

}  // namespace detail

inline compliance_audit::compliance_audit(sla_policy policy, sys_seconds now)
    : policy_(std::move(policy)), now_(now) {}

inline void compliance_audit::add(const ticket& t) {
  const sla_definition* resolution = nullptr;
  for (const auto& [name, def] : policy_.clocks("incident")) {
    if (name == "resolution") resolution = &def;
  }
  if (detail::records_until(t, now_) == 0) return;  // it did not exist yet
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

inline void compliance_audit::add_quality(const data_quality& quality) { quality_.merge(quality); }

inline void compliance_audit::check_chain(std::string_view jsonl, const std::string& source,
                                          const event_store& events) {
  auto broken = [&](const std::string& ticket, const std::string& evidence) {
    findings_.push_back({{ticket, "broken_hash_chain", "critical", source + ": " + evidence}, 2, 0});
  };
  const auto verified = verify_history(jsonl);
  if (!verified) {
    broken("-", verified.error_value().message);
    return;  // what follows the first bad line cannot be read as the tickets' records
  }
  const auto chain = detail::chain_hashes(jsonl, now_);
  std::size_t records = 0, tickets = 0;
  for (const auto& [id, t] : events.tickets()) {
    const std::size_t n = detail::records_until(t, now_);
    records += n;
    tickets += n ? 1 : 0;
  }
  if (verified->records == 0) {
    if (records) {
      broken("-", "the chain is empty; the events made " + std::to_string(records) + " record(s) of " +
                      std::to_string(tickets) + " ticket(s)");
    }
    return;
  }
  static const std::vector<std::string> none;
  for (const auto& [id, t] : events.tickets()) {
    const auto it = chain.find(id);
    const std::string wrong = detail::chain_mismatch(t, it == chain.end() ? none : it->second, now_);
    if (!wrong.empty()) broken(id, wrong);
  }
  for (const auto& [id, hashes] : chain) {
    if (!hashes.empty() && !events.find(id)) {
      broken(id, "ticket " + id + ": " + std::to_string(hashes.size()) +
                     " record(s) in the chain for a ticket the events do not create");
    }
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
  add_quality(other.quality_);
  tickets_ += other.tickets_;
  findings_.insert(findings_.end(), other.findings_.begin(), other.findings_.end());
  return true;
}

inline nlohmann::json compliance_audit::state() const {
  nlohmann::json j = detail::state_json("itsm.compliance_audit/1", policy_, now_, quality_, tickets_);
  nlohmann::json& findings = j["findings"] = nlohmann::json::array();
  for (const auto& f : findings_) {
    findings.push_back({{"ticket", f.finding.ticket},
                        {"rule", f.finding.rule},
                        {"severity", f.finding.severity},
                        {"evidence", f.finding.evidence},
                        {"phase", f.phase},
                        {"place", f.place}});
  }
  return j;
}

inline result<compliance_audit> compliance_audit::from_state(const nlohmann::json& state) {
  return detail::read_state<compliance_audit>("audit state", [&] {
    using detail::need_string;
    const auto header = detail::read_state_header(state, "itsm.compliance_audit/1");
    detail::only_keys(state, "state", {"state", "policy", "now", "data_quality", "tickets", "findings"});
    compliance_audit a(header.policy, header.now);
    a.quality_ = header.quality;
    a.tickets_ = header.tickets;
    const nlohmann::json& list = detail::state_member(state, "findings");
    if (!list.is_array()) detail::wrong_type("findings", "an array", list);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const nlohmann::json& f = list[i];
      const std::string field = "findings[" + std::to_string(i) + "]";
      detail::need_object(f, field);
      detail::only_keys(f, field, {"ticket", "rule", "severity", "evidence", "phase", "place"});
      for (const char* m : {"ticket", "rule", "severity", "evidence", "phase", "place"}) {
        if (!f.contains(m)) detail::fail(errc::invalid_argument, field + "." + m + ": missing");
      }
      a.findings_.push_back({{need_string(f["ticket"], field + ".ticket"), need_string(f["rule"], field + ".rule"),
                              need_string(f["severity"], field + ".severity"),
                              need_string(f["evidence"], field + ".evidence")},
                             static_cast<int>(detail::need_integer(f["phase"], field + ".phase", 0, 2)),
                             detail::state_count(f["place"], field + ".place")});
    }
    return a;
  });
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
  // Built member by member into values released on the way out (as service_report::to_json).
  using detail::json_release_guard;
  nlohmann::json j = nlohmann::json::object();
  json_release_guard j_guard(j);
  j["tickets"] = tickets_;
  j["events"] = quality_.applied + quality_.refused;
  j["refused"] = quality_.refused;
  j["now"] = measured() ? nlohmann::json(format_utc(now_)) : nlohmann::json();
  detail::json_set(j, "data_quality", quality_.to_json());
  nlohmann::json& list = j["findings"] = nlohmann::json::array();
  for (const auto& f : findings()) {
    nlohmann::json row = nlohmann::json::object();
    json_release_guard row_guard(row);
    row["ticket"] = f.ticket;
    row["rule"] = f.rule;
    row["severity"] = f.severity;
    row["evidence"] = f.evidence;
    detail::json_push(list, std::move(row));
  }
  j_guard.dismiss();
  return j;
}

inline std::string compliance_audit::render(report_format format) const {
  if (format == report_format::json) {
    nlohmann::json j = to_json();
    detail::json_release_guard j_guard(j);
    return j.dump(2) + "\n";
  }
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
  o << (md ? "## Audit\n\n" : "Audit: ");
  if (measured()) {
    o << tickets_ << " tickets, " << quality_.applied + quality_.refused << " events (" << quality_.refused
      << " refused, " << quality_.reordered << " reordered), ";
  } else {
    o << "no events, ";
  }
  o << all.size() << " finding(s)" << (md ? ".\n\n" : "\n");
  for (const auto& [rule, n] : by_rule) o << (md ? "- " : "  ") << rule << ": " << n << "\n";
  o << "\n";
  if (md && !all.empty()) {
    o << "| ticket | rule | severity | evidence |\n| --- | --- | --- | --- |\n";
    for (const auto& f : all) o << "| " << f.ticket << " | " << f.rule << " | " << f.severity << " | " << f.evidence << " |\n";
  } else if (!md) {
    for (const auto& f : all) o << f.severity << "\t" << f.ticket << "\t" << f.rule << "\t" << f.evidence << "\n";
  }
  nlohmann::json quality_json = quality_.to_json();
  detail::json_release_guard quality_guard(quality_json);
  const auto quality = detail::quality_table(quality_json);
  o << "\n" << (md ? quality.markdown() : quality.text());
  return o.str();
}

inline compliance_audit make_audit(const event_store& store, const sla_policy& policy,
                                   std::optional<sys_seconds> now, const progress_fn& progress) {
  compliance_audit audit(policy, now ? *now : store.last_event_time());
  audit.add_quality(store.quality());
  for (const auto& r : store.refusals()) audit.add_refusal(r);
  detail::each_ticket(store, "audit", progress, [&](const ticket& t) { audit.add(t); });
  return audit;
}

}  // namespace v1
}  // namespace itsm
