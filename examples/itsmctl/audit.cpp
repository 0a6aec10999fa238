// itsmctl audit: compliance checks over the histories an event log builds (ISO/IEC 20000-1 9.2,
// ISO 19011): each finding names the ticket, the rule, the evidence and a severity.

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "replay.hpp"
#include "report.hpp"

namespace itsmctl {

namespace {

using nlohmann::json;

constexpr const char* audit_help =
    "usage: itsmctl audit --events FILE|- [--chain FILE] [--policy FILE] [--now TIME]\n"
    "                     [--format table|json|csv|markdown] [--workflow FILE]...\n"
    "\n"
    "Replays the event lines and checks, over every ticket's history and every refused event:\n"
    "  unapproved_change       a change entered `scheduled` without the approvals its rule needs (high)\n"
    "  segregation_of_duties   an approval by someone its rule excludes, given or attempted (high)\n"
    "  missing_resolution_code an incident closed without a resolution code (low)\n"
    "  unescalated_breach      an incident whose resolution SLA breached with no escalation record\n"
    "                          (a record setting the field `escalated`) (medium)\n"
    "  disallowed_transition   an event the workflow does not allow from the ticket's state (medium)\n"
    "  broken_hash_chain       with --chain FILE: a hash-chained history export (as itsmctl demo writes\n"
    "                          history.jsonl) that does not verify, at its first bad line (critical)\n"
    "--policy and --now as for itsmctl report (the SLA targets of unescalated_breach).\n"
    "Exit status: 0 clean, 1 with findings, 2 when a file cannot be read or an option is invalid.\n";

struct finding {
  std::string ticket;
  std::string rule;
  std::string severity;
  std::string evidence;
};

const std::string* text_field(const nlohmann::json& fields, const std::string& key) {
  const auto* v = itsm::detail::find_field(fields, key);
  return v && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

/// Replays a ticket's fields record by record, so that checks see them as they were.
void apply_changes(json& fields, const json& changes) {
  if (!changes.is_object()) return;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (it->is_null()) {
      fields.erase(it.key());
    } else {
      fields[it.key()] = *it;
    }
  }
}

/// `resolution`: the policy's incident resolution clock, or null when it has none.
void check_ticket(const itsm::ticket& t, const itsm::sys_seconds now, const itsm::sla_definition* resolution,
                  std::vector<finding>& out) {
  const auto& wf = t.definition();
  const auto& h = t.history();
  json fields = json::object();
  std::vector<std::string> approvers;  // who approved in the current state
  bool escalated = false;
  for (const auto& r : h) {
    if (r.kind == itsm::record_kind::approve && r.transition != itsm::workflow::npos) {
      const auto& rule = wf.transition(r.transition).approvals;
      if (rule) {
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
    if (r.kind == itsm::record_kind::transition && r.transition != itsm::workflow::npos) {
      const auto& tr = wf.transition(r.transition);
      if (tr.approvals && tr.kind != itsm::transition_kind::reject) {
        std::vector<std::string> distinct;
        for (const auto& a : approvers)
          if (std::find(distinct.begin(), distinct.end(), a) == distinct.end()) distinct.push_back(a);
        if (static_cast<int>(distinct.size()) < tr.approvals->min) {
          out.push_back({t.id(), "unapproved_change", "high",
                         "record " + std::to_string(r.seq) + ": '" + tr.id + "' into '" + wf.state(r.to).id + "' with " +
                             std::to_string(distinct.size()) + " of " + std::to_string(tr.approvals->min) + " " +
                             tr.approvals->role + " approvals"});
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
  if (wf.name() != "incident") return;
  if (t.category() == itsm::state_category::closed && !itsm::detail::is_present(itsm::detail::find_field(fields, "resolution_code"))) {
    out.push_back({t.id(), "missing_resolution_code", "low", "closed at " + itsm::detail::format_utc(h.back().at) +
                                                                  " with no resolution_code"});
  }
  if (escalated || t.priority() == 0 || resolution == nullptr) return;
  auto s = itsm::evaluate(*resolution, t.sla_history(), now);
  if (s && s->breached_at && (s->status == itsm::sla_state::breached || s->status == itsm::sla_state::breached_met)) {
    out.push_back({t.id(), "unescalated_breach", "medium",
                   "P" + std::to_string(t.priority()) + " resolution target breached at " +
                       itsm::detail::format_utc(*s->breached_at) + "; no record sets escalated"});
  }
}

std::string render(const std::vector<finding>& findings, const std::string& format, const json& totals) {
  std::ostringstream o;
  if (format == "json") {
    json j = totals;
    j["findings"] = json::array();
    for (const auto& f : findings) {
      j["findings"].push_back({{"ticket", f.ticket}, {"rule", f.rule}, {"severity", f.severity}, {"evidence", f.evidence}});
    }
    return j.dump(2) + "\n";
  }
  std::map<std::string, std::size_t> by_rule;
  for (const auto& f : findings) ++by_rule[f.rule];
  if (format == "csv") {
    o << "ticket,rule,severity,evidence\n";
    for (const auto& f : findings) {
      std::string e = "\"";
      for (char ch : f.evidence) e += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      o << f.ticket << "," << f.rule << "," << f.severity << "," << e << "\"\n";
    }
    return o.str();
  }
  const bool md = format == "markdown";
  o << (md ? "## Audit\n\n" : "Audit: ") << totals["tickets"].get<std::size_t>() << " tickets, "
    << totals["events"].get<std::size_t>() << " events, " << findings.size() << " finding(s)" << (md ? ".\n\n" : "\n");
  for (const auto& [rule, n] : by_rule) o << (md ? "- " : "  ") << rule << ": " << n << "\n";
  o << "\n";
  if (md) {
    o << "| ticket | rule | severity | evidence |\n| --- | --- | --- | --- |\n";
    for (const auto& f : findings) o << "| " << f.ticket << " | " << f.rule << " | " << f.severity << " | " << f.evidence << " |\n";
  } else {
    for (const auto& f : findings) o << f.severity << "\t" << f.ticket << "\t" << f.rule << "\t" << f.evidence << "\n";
  }
  return o.str();
}

}  // namespace

int audit_command(const std::vector<std::string>& args) {
  std::string events, chain, format = "table", now_text;
  json policy = default_policy();
  replay_state& st = process_lifetime_state();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "-h" || a == "--help") {
      std::fputs(audit_help, stdout);
      return 0;
    } else if (a == "--events" && has_value) {
      events = args[++i];
    } else if (a == "--chain" && has_value) {
      chain = args[++i];
    } else if (a == "--format" && has_value) {
      format = args[++i];
    } else if (a == "--now" && has_value) {
      now_text = args[++i];
    } else if (a == "--policy" && has_value) {
      if (!load_json_file(args[++i], "policy", "itsmctl audit", policy)) return 2;
    } else if (a == "--workflow" && has_value) {
      if (!add_workflow_file(st, args[++i], "itsmctl audit")) return 2;
    } else {
      std::fprintf(stderr, "itsmctl audit: unexpected argument '%s'\n%s", a.c_str(), audit_help);
      return 2;
    }
  }
  if (events.empty()) {
    std::fprintf(stderr, "itsmctl audit: --events FILE is required\n%s", audit_help);
    return 2;
  }
  if (!check_format(format, {"table", "json", "csv", "markdown"}, "itsmctl audit")) return 2;
  if (auto ok = check_policy(policy); !ok) {
    std::fprintf(stderr, "itsmctl audit: %s\n", ok.error_value().message.c_str());
    return 2;
  }
  std::optional<itsm::sys_seconds> now;
  if (!parse_now(now_text, "itsmctl audit", now)) return 2;
  std::string chain_text;
  if (!chain.empty()) {
    std::string why;
    if (!read_file(chain, chain_text, why)) {
      std::fprintf(stderr, "itsmctl audit: cannot read '%s': %s\n", chain.c_str(), why.c_str());
      return 2;
    }
  }
  install_host(st, itsm::change_schedule());
  std::vector<finding> findings;
  const bool ok = replay_file(st, events, "itsmctl audit", [&](json r) {
    const std::string code = r.value("code", std::string());
    const std::string ticket = r["ticket"].is_string() ? r["ticket"].get<std::string>() : std::string("-");
    const std::string where = "line " + std::to_string(r["line"].get<std::size_t>()) + ": " + r.value("event", std::string("event"));
    if (code == "segregation_of_duties") {
      findings.push_back({ticket, "segregation_of_duties", "high", where + " refused: " + r.value("message", std::string())});
    } else if (code == "not_allowed_from_state" || code == "unknown_transition" || code == "ambiguous") {
      findings.push_back({ticket, "disallowed_transition", "medium", where + " refused: " + r.value("message", std::string())});
    }
  });
  if (!ok) return 2;
  if (!now) now = last_event_time(st);
  std::vector<const itsm::ticket*> tickets;
  for (const auto& [id, t] : st.tickets) tickets.push_back(&t);
  std::sort(tickets.begin(), tickets.end(), [](const auto* a, const auto* b) { return a->id() < b->id(); });
  // The policy's SLA definitions are built once (check_policy above has vetted them).
  const auto incident_slas = policy_slas(policy, "incident");
  const itsm::sla_definition* resolution = nullptr;
  if (incident_slas) {
    for (const auto& [name, def] : *incident_slas)
      if (name == "resolution") resolution = &def;
  }
  for (const auto* t : tickets) check_ticket(*t, *now, resolution, findings);
  if (!chain.empty()) {
    auto verified = itsm::verify_history(chain_text);
    if (!verified) findings.push_back({"-", "broken_hash_chain", "critical", chain + ": " + verified.error_value().message});
  }
  std::stable_sort(findings.begin(), findings.end(), [](const finding& a, const finding& b) {
    return a.ticket != b.ticket ? a.ticket < b.ticket : a.rule < b.rule;
  });
  const json totals = {{"tickets", st.tickets.size()}, {"events", st.events}, {"refused", st.refused},
                       {"now", itsm::detail::format_utc(*now)}};
  std::fputs(render(findings, format, totals).c_str(), stdout);
  return findings.empty() ? 0 : 1;
}

}  // namespace itsmctl
