// itsmctl workflow list|show|validate and itsmctl replay.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands.hpp"
#include "replay.hpp"
#include "itsm/itsm.hpp"

namespace itsmctl {

namespace {

constexpr const char* workflow_help =
    "usage: itsmctl workflow list\n"
    "       itsmctl workflow show NAME|FILE [--format json|dot]\n"
    "       itsmctl workflow validate FILE\n"
    "\n"
    "list      the built-in processes, one name a line\n"
    "show      a built-in process (by name) or a definition file, as JSON (default) or Graphviz DOT\n"
    "validate  check a definition file: exit 0 when valid (warnings are printed), 1 with one line\n"
    "          per problem when not, 2 when the file cannot be read or is not JSON\n";

constexpr const char* replay_help =
    "usage: itsmctl replay --events FILE|- [--summary] [--workflow FILE]... [--schedule FILE]\n"
    "\n"
    "Replays event lines (JSON, one a line) through the workflows, one ticket per id:\n"
    "  {\"ticket\": \"INC1\", \"workflow\": \"incident\", \"at\": \"2016-02-29T01:16:00Z\", \"create\": true, \"fields\": {...}}\n"
    "  {\"ticket\": \"INC1\", \"at\": ..., \"transition\": \"resolve\", \"actor\": \"bob\", \"roles\": [\"support\"], \"fields\": {...}}\n"
    "  {\"ticket\": \"INC1\", \"at\": ..., \"to\": \"resolved\", ...}        a state, reached through move_to\n"
    "  {\"ticket\": \"CHG1\", \"at\": ..., \"approve\": true, \"actor\": \"cab1\", \"roles\": [\"cab\"]}   also \"reject\", \"update\"\n"
    "Optional keys: actor, roles (checked only when present), fields, comment.\n"
    "Writes one JSON line per refused event: {\"ticket\", \"line\", \"code\", \"message\", ...}; the ticket\n"
    "stays as it was and the replay goes on. --summary adds a last line\n"
    "  {\"tickets\": n, \"events\": n, \"applied\": n, \"refused\": n}\n"
    "--workflow FILE adds a definition (by its name) to the built-in ones.\n"
    "The host guard all_findings_closed (audit_engagement close) is provided: it holds when every\n"
    "audit_finding whose field engagement names the engagement is closed.\n"
    "The change processes' schedule guard (change_schedule_clear) checks planned windows against\n"
    "the freezes of --schedule FILE ({\"freezes\": [{\"name\", \"start\", \"end\"}...], \"overlaps\":\n"
    "\"report\"|\"refuse\"}; none by default) and against the other changes replayed so far.\n"
    "Exit status: 0 (also with refusals), 2 when a file cannot be read or a definition is invalid.\n";

int workflow_show(const std::vector<std::string>& args) {
  std::string target, format = "json";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--format" && i + 1 < args.size()) {
      format = args[++i];
    } else if (args[i].rfind("--format=", 0) == 0) {
      format = args[i].substr(9);
    } else if (args[i] == "-h" || args[i] == "--help") {
      std::fputs(workflow_help, stdout);
      return 0;
    } else if (!args[i].empty() && args[i][0] == '-') {
      std::fprintf(stderr, "itsmctl workflow show: unknown option '%s'\n", args[i].c_str());
      return 2;
    } else {
      target = args[i];
    }
  }
  if (target.empty() || (format != "json" && format != "dot")) {
    std::fprintf(stderr, "itsmctl workflow show: need NAME|FILE and --format json|dot\n%s", workflow_help);
    return 2;
  }
  itsm::result<itsm::workflow_ptr> wf = itsm::builtin_workflow(target);
  if (!wf) {
    std::string text, why;
    if (!read_file(target, text, why)) {
      std::fprintf(stderr, "itsmctl workflow show: '%s' is neither a built-in process (%s) nor a readable file: %s\n",
                   target.c_str(), "see itsmctl workflow list", why.c_str());
      return 2;
    }
    wf = itsm::workflow::from_json(text);
    if (!wf) {
      std::fprintf(stderr, "itsmctl workflow show: %s: %s\n", target.c_str(), wf.error_value().message.c_str());
      return 1;
    }
  }
  if (format == "dot") {
    std::cout << (*wf)->to_dot();
  } else {
    std::cout << (*wf)->to_json().dump(2) << "\n";
  }
  return 0;
}

int workflow_validate(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(workflow_help, args.size() == 1 ? stdout : stderr);
    return args.size() == 1 ? 0 : 2;
  }
  std::string text, why;
  if (!read_file(args[0], text, why)) {
    std::fprintf(stderr, "itsmctl workflow validate: cannot read '%s': %s\n", args[0].c_str(), why.c_str());
    return 2;
  }
  auto def = itsm::workflow::parse(std::string_view(text));
  if (!def && (def.error_value().code == itsm::errc::parse_error || def.error_value().code == itsm::errc::limit_exceeded)) {
    std::fprintf(stderr, "itsmctl workflow validate: '%s': %s\n", args[0].c_str(), def.error_value().message.c_str());
    return 2;  // not a JSON document we can read at all
  }
  if (!def) {
    std::printf("%s: error: %s\n", args[0].c_str(), def.error_value().message.c_str());
    return 1;
  }
  bool errors = false;
  for (const auto& p : itsm::workflow::check(*def)) {
    errors = errors || p.level == itsm::problem::severity::error;
    std::printf("%s: %s\n", args[0].c_str(), p.to_string().c_str());
  }
  return errors ? 1 : 0;
}

}  // namespace

int workflow_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(workflow_help, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list") {
    for (const auto& n : itsm::builtin_workflow_names()) std::printf("%s\n", n.c_str());
    return 0;
  }
  if (args[0] == "show") return workflow_show(rest);
  if (args[0] == "validate") return workflow_validate(rest);
  std::fprintf(stderr, "itsmctl workflow: unknown subcommand '%s'\n%s", args[0].c_str(), workflow_help);
  return 2;
}

int replay_command(const std::vector<std::string>& args) {
  std::string events;
  bool summary = false;
  replay_state& st = process_lifetime_state();
  itsm::change_schedule schedule;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      std::fputs(replay_help, stdout);
      return 0;
    } else if (args[i] == "--events" && i + 1 < args.size()) {
      events = args[++i];
    } else if (args[i] == "--summary") {
      summary = true;
    } else if (args[i] == "--schedule" && i + 1 < args.size()) {
      std::string text, why;
      const std::string& path = args[++i];
      if (!read_file(path, text, why)) {
        std::fprintf(stderr, "itsmctl replay: cannot read '%s': %s\n", path.c_str(), why.c_str());
        return 2;
      }
      auto parsed = itsm::change_schedule::parse(text);
      if (!parsed) {
        std::fprintf(stderr, "itsmctl replay: %s: %s\n", path.c_str(), parsed.error_value().message.c_str());
        return 2;
      }
      schedule = std::move(parsed).value();
    } else if (args[i] == "--workflow" && i + 1 < args.size()) {
      if (!add_workflow_file(st, args[++i], "itsmctl replay")) return 2;
    } else {
      std::fprintf(stderr, "itsmctl replay: unexpected argument '%s'\n%s", args[i].c_str(), replay_help);
      return 2;
    }
  }
  if (events.empty()) {
    std::fprintf(stderr, "itsmctl replay: --events FILE is required\n%s", replay_help);
    return 2;
  }
  install_host(st, schedule);
  std::ios::sync_with_stdio(false);
  if (!replay_file(st, events, "itsmctl replay", [](nlohmann::json refused) { std::cout << refused.dump() << '\n'; })) {
    return 2;
  }
  if (summary) {
    nlohmann::json s = {{"tickets", st.tickets.size()}, {"events", st.events}, {"applied", st.applied}, {"refused", st.refused}};
    std::cout << s.dump() << '\n';
  }
  std::cout.flush();
  return 0;
}

}  // namespace itsmctl
