// itsmctl replay, report and audit: an event log through the event store, then its refusals, its
// service report or its compliance audit.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>
#include <vector>

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
    "Writes one JSON line per refused event, by line number: {\"ticket\", \"line\", \"code\", \"message\", ...};\n"
    "the ticket stays as it was and the replay goes on. --summary adds a last line\n"
    "  {\"tickets\": n, \"events\": n, \"applied\": n, \"refused\": n, \"reordered\": n, \"skipped\": n, \"after_now\": n}\n"
    "The host guard all_findings_closed (audit_engagement close) is provided: it holds when every\n"
    "audit_finding whose field engagement names the engagement is closed.\n"
    "The change processes' schedule guard (change_schedule_clear) checks planned windows against\n"
    "the freezes of --schedule FILE ({\"freezes\": [{\"name\", \"start\", \"end\"}...], \"overlaps\":\n"
    "\"report\"|\"refuse\"}; none by default) and against the other changes replayed so far.\n";

constexpr const char* report_footer =
    "\nReplays the event lines (as itsmctl replay) and reports, per process and priority: tickets,\n"
    "SLA met / breached / in progress and compliance (met / (met + breached)) for the response and\n"
    "resolution clocks, first-response and resolution times in hours (mean, median, p90; MTTR is\n"
    "the resolution mean), the reopen rate (reopened / resolved); then the backlog by age, the time\n"
    "per state, changes by outcome and the top refused events (docs/report-and-audit.md).\n"
    "--policy FILE: {\"calendar\": {...}, \"targets\": {\"incident\": {\"response\": {\"P1\": seconds, ...},\n"
    "\"resolution\": {...}}, ...}} (default: built in, see docs/report-and-audit.md); a process it names\n"
    "must be a known workflow.\n";

constexpr const char* audit_footer =
    "\nReplays the event lines and checks, over every ticket's history and every refused event:\n"
    "  unapproved_change       a change entered `scheduled` without the approvals its rule needs (high)\n"
    "  segregation_of_duties   an approval by someone its rule excludes, given or attempted (high)\n"
    "  missing_resolution_code an incident closed without a resolution code (low)\n"
    "  unescalated_breach      an incident whose resolution SLA breached with no escalation record\n"
    "                          (a record setting the field `escalated`) (medium)\n"
    "  disallowed_transition   an event the workflow does not allow from the ticket's state (medium)\n"
    "  broken_hash_chain       with --chain FILE: a hash-chained history export (as itsmctl demo writes\n"
    "                          history.jsonl) that does not verify, or does not hold exactly the records\n"
    "                          the events made (a missing tail or ticket, an empty chain) (critical)\n"
    "--policy and --now as for itsmctl report (the SLA targets of unescalated_breach).\n";

constexpr const char* reading_footer =
    "Reading: each line must be a JSON object in UTF-8; any other line is an input error (exit 2,\n"
    "naming the file, the line and the cause) and nothing is reported, unless --skip-bad-lines, which\n"
    "names each skipped line on stderr and counts it. Each ticket's events are applied in time order\n"
    "(a stable sort: ties keep file order, a create first); --order file keeps the file's order.\n"
    "--now TIME: the log as it stood then (later events are not applied, and counted). A report or\n"
    "an audit ends with its data quality: lines read, skipped, after --now, applied, refused by code,\n"
    "reordered, tickets whose create was refused; more than 5 % refused is a warning on stderr.\n"
    "--strict: exit 1 when any event was refused or any line skipped.\n";

constexpr const char* replay_status =
    "Exit status: 0 (also with refusals), 1 with --strict when an event was refused or a line skipped,\n"
    "2 on a usage error, an unreadable file, a line that is not an event line, an invalid definition or\n"
    "schedule, or output that cannot be written (docs/itsmctl.md, \"Exit status\").";
constexpr const char* report_status =
    "Exit status: 0, 1 with --strict when an event was refused or a line skipped, 2 on a usage error,\n"
    "an unreadable file, a line that is not an event line, an invalid policy, calendar, time or\n"
    "workflow, a policy naming an unknown process, or output that cannot be written.";
constexpr const char* audit_status =
    "Exit status: 0 clean, 1 with findings (or with --strict when an event was refused or a line\n"
    "skipped), 2 on a usage error, an unreadable file, a line that is not an event line, an invalid\n"
    "option, a policy naming an unknown process, or output that cannot be written.";

struct replay_command_options {
  replay_options replay;
  bool summary = false;
  std::string schedule;
};

int run_replay(const replay_command_options& o) {
  const char* who = "itsmctl replay";
  std::optional<itsm::sys_seconds> now;
  if (!parse_now(o.replay.now, who, now)) return exit_usage;
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
  progress_bar bar(who);
  itsm::data_quality quality;
  std::vector<std::pair<std::size_t, std::string>> refusals;  // (line, refusal line)
  const bool read = read_log(store, o.replay, now, who, bar, quality, [&](const itsm::event_outcome& e) {
    if (!e.ok()) refusals.emplace_back(e.line, itsm::to_json(e).dump() + "\n");
  });
  if (!read) return exit_usage;
  // By line, as the file has them, whatever order they were applied in.
  std::stable_sort(refusals.begin(), refusals.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [line, text] : refusals) out(text);
  if (o.summary) {
    const nlohmann::json s = {{"tickets", store.tickets().size()},
                              {"events", quality.applied + quality.refused},
                              {"applied", quality.applied},
                              {"refused", quality.refused},
                              {"reordered", quality.reordered},
                              {"skipped", quality.skipped},
                              {"after_now", quality.after_now}};
    out(s.dump() + "\n");
  }
  return data_quality_status(quality, o.replay, who, exit_ok);
}

struct report_command_options {
  replay_options replay;
  std::string policy, calendar, format = "table";
};

/// The parts of report and audit before their figures: the policy (checked against the known
/// workflows), --now, the store and its log. Returns exit_ok or the status to exit with.
int load_log(const replay_options& o, const std::string& policy_path, const std::string& calendar_path,
             const char* who, progress_bar& bar, std::optional<itsm::sla_policy>& policy,
             std::optional<itsm::sys_seconds>& now, itsm::event_store& store, itsm::data_quality& quality) {
  if (!load_policy(policy_path, calendar_path, who, policy)) return exit_usage;
  if (!parse_now(o.now, who, now)) return exit_usage;
  if (!add_workflow_files(store, o.workflows, who)) return exit_usage;
  if (auto known = itsm::check_policy_processes(*policy, store); !known) {
    std::fprintf(stderr, "%s: %s\n", who, known.error_value().message.c_str());
    return exit_usage;
  }
  return read_log(store, o, now, who, bar, quality) ? exit_ok : exit_usage;
}

int run_report(const report_command_options& o) {
  const char* who = "itsmctl report";
  std::optional<itsm::sla_policy> policy;
  std::optional<itsm::sys_seconds> now;
  itsm::event_store store;
  itsm::data_quality quality;
  progress_bar bar(who);
  if (int status = load_log(o.replay, o.policy, o.calendar, who, bar, policy, now, store, quality)) return status;
  const auto report = itsm::make_report(store, *policy, now, bar.callback());
  out(report.render(*itsm::parse_report_format(o.format)));
  return data_quality_status(quality, o.replay, who, exit_ok);
}

struct audit_command_options {
  replay_options replay;
  std::string chain, policy, format = "table";
};

int run_audit(const audit_command_options& o) {
  const char* who = "itsmctl audit";
  std::string chain_text;
  if (!o.chain.empty()) {
    std::string why;
    if (!read_file(o.chain, chain_text, why)) {
      std::fprintf(stderr, "%s: cannot read '%s': %s\n", who, o.chain.c_str(), why.c_str());
      return exit_usage;
    }
  }
  std::optional<itsm::sla_policy> policy;
  std::optional<itsm::sys_seconds> now;
  itsm::event_store store;
  itsm::data_quality quality;
  progress_bar bar(who);
  if (int status = load_log(o.replay, o.policy, "", who, bar, policy, now, store, quality)) return status;
  auto audit = itsm::make_audit(store, *policy, now, bar.callback());
  if (!o.chain.empty()) audit.check_chain(chain_text, o.chain, store);
  out(audit.render(*itsm::parse_report_format(o.format)));
  return data_quality_status(quality, o.replay, who, audit.findings().empty() ? exit_ok : exit_findings);
}

}  // namespace

std::function<int()> declare_replay(CLI::App& app) {
  auto o = std::make_shared<replay_command_options>();
  declare_replay_options(app, o->replay);
  app.add_flag("--summary", o->summary,
               "add a last line with the counts of tickets, events, applied, refused, reordered, skipped and "
               "after_now");
  app.add_option("--schedule", o->schedule, "change freezes the change processes' schedule guard checks")
      ->type_name("FILE");
  app.footer(std::string(replay_footer) + reading_footer + replay_status);
  return [o] { return run_replay(*o); };
}

std::function<int()> declare_report(CLI::App& app) {
  auto o = std::make_shared<report_command_options>();
  declare_replay_options(app, o->replay);
  app.add_option("--policy", o->policy, "SLA targets and calendar (JSON; default: built in)")->type_name("FILE");
  app.add_option("--calendar", o->calendar, "the business calendar, replacing the policy's")->type_name("FILE");
  app.add_option("--format", o->format, "output format")->check(CLI::IsMember(report_formats()))->capture_default_str();
  app.footer(std::string(report_footer) + reading_footer + report_status);
  return [o] { return run_report(*o); };
}

std::function<int()> declare_audit(CLI::App& app) {
  auto o = std::make_shared<audit_command_options>();
  declare_replay_options(app, o->replay);
  app.add_option("--chain", o->chain, "a hash-chained history export to verify (as demo's history.jsonl)")
      ->type_name("FILE");
  app.add_option("--policy", o->policy, "SLA targets (JSON; default: built in)")->type_name("FILE");
  app.add_option("--format", o->format, "output format")->check(CLI::IsMember(report_formats()))->capture_default_str();
  app.footer(std::string(audit_footer) + reading_footer + audit_status);
  return [o] { return run_audit(*o); };
}

}  // namespace itsmctl
