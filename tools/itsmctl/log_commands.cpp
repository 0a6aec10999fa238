// itsmctl replay, report and audit: an event log through the event store, then its refusals, its
// service report or its compliance audit.

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli.hpp"

namespace itsmctl {

namespace {

constexpr const char* replay_footer =
    "\nReplays event lines (JSON, one a line) through the workflows, one ticket per id:\n"
    "  {\"ticket\": \"INC1\", \"workflow\": \"incident\", \"at\": \"2016-02-29T01:16:00Z\", \"create\": true, \"fields\": {...}}\n"
    "  {\"ticket\": \"INC1\", \"at\": ..., \"transition\": \"resolve\", \"actor\": \"bob\", \"roles\": [\"support\"], \"fields\": {...}}\n"
    "  {\"ticket\": \"INC1\", \"at\": ..., \"to\": \"resolved\", ...}        a state, reached through move_to\n"
    "  {\"ticket\": \"CHG1\", \"at\": ..., \"approve\": true, \"actor\": \"cab1\", \"roles\": [\"cab\"]}   also \"reject\", \"update\"\n"
    "Optional keys: actor, roles (checked only when present), fields, comment.\n"
    "Writes one JSON line per refused event: {\"ticket\", \"line\", \"code\", \"message\", ...}; the ticket\n"
    "stays as it was and the replay goes on. --summary adds a last line\n"
    "  {\"tickets\": n, \"events\": n, \"applied\": n, \"refused\": n}\n"
    "The host guard all_findings_closed (audit_engagement close) is provided: it holds when every\n"
    "audit_finding whose field engagement names the engagement is closed.\n"
    "The change processes' schedule guard (change_schedule_clear) checks planned windows against\n"
    "the freezes of --schedule FILE ({\"freezes\": [{\"name\", \"start\", \"end\"}...], \"overlaps\":\n"
    "\"report\"|\"refuse\"}; none by default) and against the other changes replayed so far.\n"
    "Exit status: 0 (also with refusals), 2 when a file cannot be read or a definition is invalid.";

constexpr const char* report_footer =
    "\nReplays the event lines (as itsmctl replay) and reports, per process and priority: tickets,\n"
    "SLA met / breached / in progress and compliance (met / (met + breached)) for the response and\n"
    "resolution clocks, first-response and resolution times in hours (mean, median, p90; MTTR is\n"
    "the resolution mean), the reopen rate (reopened / resolved); then the backlog by age, the time\n"
    "per state, changes by outcome and the top refused events (docs/report-and-audit.md).\n"
    "--policy FILE: {\"calendar\": {...}, \"targets\": {\"incident\": {\"response\": {\"P1\": seconds, ...},\n"
    "\"resolution\": {...}}, ...}} (default: built in, see docs/report-and-audit.md).\n"
    "Exit status: 0, or 2 when a file cannot be read or a policy, calendar or time is invalid.";

constexpr const char* audit_footer =
    "\nReplays the event lines and checks, over every ticket's history and every refused event:\n"
    "  unapproved_change       a change entered `scheduled` without the approvals its rule needs (high)\n"
    "  segregation_of_duties   an approval by someone its rule excludes, given or attempted (high)\n"
    "  missing_resolution_code an incident closed without a resolution code (low)\n"
    "  unescalated_breach      an incident whose resolution SLA breached with no escalation record\n"
    "                          (a record setting the field `escalated`) (medium)\n"
    "  disallowed_transition   an event the workflow does not allow from the ticket's state (medium)\n"
    "  broken_hash_chain       with --chain FILE: a hash-chained history export (as itsmctl demo writes\n"
    "                          history.jsonl) that does not verify, at its first bad line (critical)\n"
    "--policy and --now as for itsmctl report (the SLA targets of unescalated_breach).\n"
    "Exit status: 0 clean, 1 with findings, 2 when a file cannot be read or an option is invalid.";

struct replay_command_options {
  replay_options replay;
  bool summary = false;
  std::string schedule;
};

int run_replay(const replay_command_options& o) {
  const char* who = "itsmctl replay";
  itsm::event_store store;
  if (!add_workflow_files(store, o.replay.workflows, who)) return exit_usage;
  if (!o.schedule.empty()) {
    std::string text, why;
    if (!read_file(o.schedule, text, why)) {
      std::fprintf(stderr, "%s: cannot read '%s': %s\n", who, o.schedule.c_str(), why.c_str());
      return exit_usage;
    }
    auto parsed = itsm::change_schedule::parse(text);
    if (!parsed) {
      std::fprintf(stderr, "%s: %s: %s\n", who, o.schedule.c_str(), parsed.error_value().message.c_str());
      return exit_usage;
    }
    store.use_schedule(*parsed);
  }
  std::ios::sync_with_stdio(false);
  const bool read = replay_file(store, o.replay.events, who, [](const itsm::event_outcome& e) {
    if (!e.ok()) std::cout << itsm::to_json(e).dump() << '\n';
  });
  if (!read) return exit_usage;
  if (o.summary) {
    const auto& c = store.counts();
    const nlohmann::json s = {
        {"tickets", store.tickets().size()}, {"events", c.events}, {"applied", c.applied}, {"refused", c.refused}};
    std::cout << s.dump() << '\n';
  }
  std::cout.flush();
  return exit_ok;
}

struct report_command_options {
  replay_options replay;
  std::string policy, calendar, format = "table";
};

int run_report(const report_command_options& o) {
  const char* who = "itsmctl report";
  std::optional<itsm::sla_policy> policy;
  if (!load_policy(o.policy, o.calendar, who, policy)) return exit_usage;
  std::optional<itsm::sys_seconds> now;
  if (!parse_now(o.replay.now, who, now)) return exit_usage;
  itsm::event_store store;
  if (!add_workflow_files(store, o.replay.workflows, who)) return exit_usage;
  if (!replay_file(store, o.replay.events, who)) return exit_usage;
  const auto report = itsm::make_report(store, *policy, now);
  std::fputs(report.render(*itsm::parse_report_format(o.format)).c_str(), stdout);
  return exit_ok;
}

struct audit_command_options {
  replay_options replay;
  std::string chain, policy, format = "table";
};

int run_audit(const audit_command_options& o) {
  const char* who = "itsmctl audit";
  std::optional<itsm::sla_policy> policy;
  if (!load_policy(o.policy, "", who, policy)) return exit_usage;
  std::optional<itsm::sys_seconds> now;
  if (!parse_now(o.replay.now, who, now)) return exit_usage;
  std::string chain_text;
  if (!o.chain.empty()) {
    std::string why;
    if (!read_file(o.chain, chain_text, why)) {
      std::fprintf(stderr, "%s: cannot read '%s': %s\n", who, o.chain.c_str(), why.c_str());
      return exit_usage;
    }
  }
  itsm::event_store store;
  if (!add_workflow_files(store, o.replay.workflows, who)) return exit_usage;
  if (!replay_file(store, o.replay.events, who)) return exit_usage;
  auto audit = itsm::make_audit(store, *policy, now);
  if (!o.chain.empty()) audit.check_chain(chain_text, o.chain);
  std::fputs(audit.render(*itsm::parse_report_format(o.format)).c_str(), stdout);
  return audit.findings().empty() ? exit_ok : exit_findings;
}

}  // namespace

std::function<int()> declare_replay(CLI::App& app) {
  auto o = std::make_shared<replay_command_options>();
  declare_replay_options(app, o->replay, false);
  app.add_flag("--summary", o->summary, "add a last line with the counts of tickets, events, applied, refused");
  app.add_option("--schedule", o->schedule, "change freezes the change processes' schedule guard checks")
      ->type_name("FILE");
  app.footer(replay_footer);
  return [o] { return run_replay(*o); };
}

std::function<int()> declare_report(CLI::App& app) {
  auto o = std::make_shared<report_command_options>();
  declare_replay_options(app, o->replay, true);
  app.add_option("--policy", o->policy, "SLA targets and calendar (JSON; default: built in)")->type_name("FILE");
  app.add_option("--calendar", o->calendar, "the business calendar, replacing the policy's")->type_name("FILE");
  app.add_option("--format", o->format, "output format")->check(CLI::IsMember(report_formats()))->capture_default_str();
  app.footer(report_footer);
  return [o] { return run_report(*o); };
}

std::function<int()> declare_audit(CLI::App& app) {
  auto o = std::make_shared<audit_command_options>();
  declare_replay_options(app, o->replay, true);
  app.add_option("--chain", o->chain, "a hash-chained history export to verify (as demo's history.jsonl)")
      ->type_name("FILE");
  app.add_option("--policy", o->policy, "SLA targets (JSON; default: built in)")->type_name("FILE");
  app.add_option("--format", o->format, "output format")->check(CLI::IsMember(report_formats()))->capture_default_str();
  app.footer(audit_footer);
  return [o] { return run_audit(*o); };
}

}  // namespace itsmctl
