// itsmctl: the itsm command-line tool. Commands come from one table (name, summary, option
// declaration and handler); the top-level usage is generated from it.

#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"

namespace itsmctl {

const std::vector<command>& commands() {
  static const std::vector<command> table = {
      {"demo", "simulate a service desk, replay it, print its report", declare_demo},
      {"report", "SLA compliance, times, backlog, changes, refusals of an event log", declare_report},
      {"audit", "compliance findings of an event log (exit 1 when there are any)", declare_audit},
      {"convert", "turn a CSV or XES export into event lines", declare_convert},
      {"replay", "replay event lines through the workflows; refusals as lines", declare_replay},
      {"sla", "business-time queries (sla eval: query lines in, answer lines out)", declare_sla},
      {"workflow", "the process definitions: list, show (JSON or DOT), validate", declare_workflow},
      {"version", "print the library version", declare_version},
  };
  return table;
}

}  // namespace itsmctl

namespace {

constexpr const char* usage_footer =
    "\nEvery command takes --help. replay, report, audit and demo show a progress bar on stderr when\n"
    "it is a terminal, and nothing when it is not.\n"
    "Exit status: 0 success (a query that fails or an event that is refused still gives its line and\n"
    "status 0), 1 a command found problems (workflow validate, audit) or failed, 2 a usage error,\n"
    "unreadable input or input that is not JSON.";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"itsmctl: IT service management processes, business time and SLA clocks from the command line",
               "itsmctl"};
  app.footer(usage_footer);
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", std::string("itsmctl ") + itsm::version.string);
  std::vector<std::pair<CLI::App*, std::function<int()>>> runners;
  for (const auto& c : itsmctl::commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    runners.emplace_back(sub, c.declare(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (argc == 1) {
      std::fputs(app.help().c_str(), stderr);
      return itsmctl::exit_usage;
    }
    app.exit(e);  // the message, and where to find help, on stderr
    return itsmctl::exit_usage;
  }
  for (const auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  return itsmctl::exit_usage;  // unreachable: exactly one subcommand is required
}
