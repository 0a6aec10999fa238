// itsmctl: the itsm command-line tool (built from examples/, as libgit2 builds lg2).

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "itsm/itsm.hpp"

namespace {

constexpr const char* usage_text =
    "usage: itsmctl <command> [options]\n"
    "\n"
    "commands:\n"
    "  demo [--days 30] [--tickets-per-day N] [--seed S] [--out DIR]\n"
    "                                  simulate a service desk, replay it, print its report\n"
    "  report --events FILE [--policy FILE] [--calendar FILE] [--format table|json|csv|markdown]\n"
    "                                  SLA compliance, times, backlog, changes, refusals\n"
    "  audit --events FILE [--chain FILE] [--format ...]\n"
    "                                  compliance findings (exit 1 when there are any)\n"
    "  convert servicenow-csv|xes FILE --map MAP.json\n"
    "                                  turn a CSV or XES export into event lines\n"
    "  sla eval [FILE]                 answer business-time query lines (JSON, one a line)\n"
    "  workflow list                   the built-in processes, one name a line\n"
    "  workflow show NAME|FILE [--format json|dot]\n"
    "                                  a process definition as JSON or Graphviz DOT\n"
    "  workflow validate FILE          check a definition; one line per problem\n"
    "  replay --events FILE [--summary]\n"
    "                                  replay event lines through the workflows; refusals as lines\n"
    "  version                         print the library version\n"
    "\n"
    "Each command takes --help. replay, report, audit and demo show a progress bar on stderr when\n"
    "it is a terminal, and nothing when it is not.\n"
    "exit status: 0 success (a query that fails or an event that is refused still gives its\n"
    "             line and status 0), 1 a command found problems (workflow validate, audit) or\n"
    "             failed,\n"
    "             2 usage error, unreadable input or input that is not JSON\n";

constexpr const char* sla_eval_help =
    "usage: itsmctl sla eval [FILE|-]\n"
    "\n"
    "Reads query lines such as\n"
    "  {\"id\": \"q1\", \"calendar\": {...}, \"op\": \"add\", \"start\": \"2026-03-27T16:00:00+01:00\", "
    "\"seconds\": 14400}\n"
    "and writes one answer line per query, in order:\n"
    "  {\"id\": \"q1\", \"result\": \"2026-03-28T02:00:00+01:00\"}   or   {\"id\": ..., \"error\": \"...\"}\n"
    "Operations: add, between, next_open, next_close, prev_close, add_working_days, holidays.\n"
    "Blank lines are skipped. Exit status 0 unless the input cannot be read (2).\n";

int sla_eval(const std::vector<std::string>& args) {
  std::string path = "-";
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::fputs(sla_eval_help, stdout);
      return 0;
    }
    if (!a.empty() && a[0] == '-' && a != "-") {
      std::fprintf(stderr, "itsmctl sla eval: unknown option '%s'\n%s", a.c_str(), sla_eval_help);
      return 2;
    }
    path = a;
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "itsmctl sla eval: cannot open '%s': %s\n", path.c_str(),
                   std::strerror(errno));
      return 2;
    }
    in = &file;
  }
  std::ios::sync_with_stdio(false);
  itsm::query_evaluator evaluator;
  std::string line, out;
  while (std::getline(*in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out = evaluator.evaluate_line(line);
    out += '\n';
    std::cout << out;
  }
  if (in->bad()) {
    std::fprintf(stderr, "itsmctl sla eval: error reading '%s'\n", path.c_str());
    return 2;
  }
  std::cout.flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(usage_text, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "version" || args[0] == "--version") {
    std::printf("itsmctl %s\n", itsm::version.string);
    return 0;
  }
  if (args[0] == "sla") {
    if (args.size() >= 2 && args[1] == "eval") {
      return sla_eval(std::vector<std::string>(args.begin() + 2, args.end()));
    }
    std::fprintf(stderr, "itsmctl sla: expected the subcommand 'eval'\n%s", sla_eval_help);
    return 2;
  }
  if (args[0] == "workflow") {
    return itsmctl::workflow_command(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "convert") {
    return itsmctl::convert_command(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "audit") {
    return itsmctl::audit_command(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "demo") {
    return itsmctl::demo_command(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "report") {
    return itsmctl::report_command(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (args[0] == "replay") {
    return itsmctl::replay_command(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  std::fprintf(stderr, "itsmctl: unknown command '%s'\n%s", args[0].c_str(), usage_text);
  return 2;
}
