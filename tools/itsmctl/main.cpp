// itsmctl: the itsm command-line tool. Commands come from one table (name, summary, option
// declaration and handler); the top-level usage is generated from it.

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace itsmctl {

const std::vector<command>& commands() {
  static const std::vector<command> table = {
      {"demo", "simulate a service desk, replay it, print its report",
       "demo [--days 30] [--tickets-per-day 40] [--seed 1] [--out DIR] [--format table|markdown|json]", declare_demo},
      {"report", "SLA compliance, times, backlog, changes, refusals of an event log",
       "report --events FILE|- [--now TIME] [--workflow FILE]... [--policy FILE] [--calendar FILE]\n"
       "         [--format table|json|csv|markdown] [--order time|file] [--skip-bad-lines] [--strict]",
       declare_report},
      {"audit", "compliance findings of an event log (exit 1 when there are any)",
       "audit --events FILE|- [--chain FILE] [--now TIME] [--workflow FILE]... [--policy FILE]\n"
       "         [--format ...] [--order time|file] [--skip-bad-lines] [--strict]",
       declare_audit},
      {"convert", "turn a CSV or XES export into event lines",
       "convert servicenow-csv|xes FILE --map MAP.json [--workflow FILE]...", declare_convert},
      {"replay", "replay event lines through the workflows; refusals as lines",
       "replay --events FILE|- [--summary] [--now TIME] [--workflow FILE]... [--schedule FILE]\n"
       "         [--order time|file] [--skip-bad-lines] [--strict]",
       declare_replay},
      {"sla", "business-time queries (sla eval: query lines in, answer lines out)", "sla eval [FILE|-]", declare_sla},
      {"workflow", "the process definitions: list, show (JSON or DOT), validate",
       "workflow list | show NAME|FILE [--format json|dot] | validate FILE", declare_workflow},
      {"version", "print the library version", "version", declare_version},
  };
  return table;
}

}  // namespace itsmctl

namespace {

constexpr const char* usage_footer =
    "\nEvery command takes --help. replay, report, audit and demo show a progress bar on stderr when\n"
    "it is a terminal, and nothing when it is not.\n"
    "Exit status: 0 success (a query that fails or an event that is refused still gives its line and\n"
    "status 0), 1 a command found problems (workflow validate, audit, --strict) or failed, 2 a usage\n"
    "error, unreadable or bad input (a line that is not an event line, a bad map or policy), or output\n"
    "that cannot be written. Every status of every command: docs/itsmctl.md.";

/// The top-level usage's footer: each command's synopsis, then the notes above.
std::string usage_text() {
  std::string text = "\nCommands:\n";
  for (const auto& c : itsmctl::commands()) text += std::string("  ") + c.synopsis + "\n";
  return text + usage_footer;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"itsmctl: IT service management processes, business time and SLA clocks from the command line",
               "itsmctl"};
  app.footer(usage_text());
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", std::string("itsmctl ") + itsm::version.string);
  std::vector<std::pair<CLI::App*, std::function<int()>>> runners;
  for (const auto& c : itsmctl::commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    runners.emplace_back(sub, c.declare(*sub));
  }
  // Help and version go to std::cout through CLI11: checked like every other output.
  auto answered = [](int status) {
    std::cout.flush();
    if (std::cout) return status;
    std::fprintf(stderr, "itsmctl: cannot write standard output\n");
    return static_cast<int>(itsmctl::exit_usage);
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return answered(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return answered(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return answered(app.exit(e));
  } catch (const CLI::ParseError& e) {
    if (argc == 1) {
      std::fputs(app.help().c_str(), stderr);
      return itsmctl::exit_usage;
    }
    app.exit(e);  // the message, and where to find help, on stderr
    return itsmctl::exit_usage;
  }
  for (const auto& [sub, run] : runners) {
    if (!sub->parsed()) continue;
    const int status = run();
    // Whatever the command decided, output that did not reach its reader is a failure.
    return itsmctl::finish_output("itsmctl " + sub->get_name()) ? status : itsmctl::exit_usage;
  }
  return itsmctl::exit_usage;  // unreachable: exactly one subcommand is required
}
