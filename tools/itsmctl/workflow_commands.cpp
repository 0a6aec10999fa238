// itsmctl workflow list|show|validate, sla eval and version.

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli.hpp"

namespace itsmctl {

namespace {

int workflow_list() {
  for (const auto& n : itsm::builtin_workflow_names()) out(n + "\n");
  return exit_ok;
}

int workflow_show(const std::string& target, const std::string& format) {
  const char* who = "itsmctl workflow show";
  itsm::result<itsm::workflow_ptr> wf = itsm::builtin_workflow(target);
  if (!wf) {
    std::string text, why;
    if (!read_file(target, text, why)) {
      std::fprintf(stderr, "%s: '%s' is neither a built-in process (see itsmctl workflow list) nor a readable file: %s\n",
                   who, target.c_str(), why.c_str());
      return exit_usage;
    }
    wf = itsm::workflow::from_json(text);
    if (!wf) {
      std::fprintf(stderr, "%s: %s: %s\n", who, target.c_str(), wf.error_value().message.c_str());
      return exit_findings;
    }
  }
  out(format == "dot" ? (*wf)->to_dot() : (*wf)->to_json().dump(2) + "\n");
  return exit_ok;
}

int workflow_validate(const std::string& path) {
  std::string text, why;
  if (!read_file(path, text, why)) {
    std::fprintf(stderr, "itsmctl workflow validate: cannot read '%s': %s\n", path.c_str(), why.c_str());
    return exit_usage;
  }
  auto def = itsm::workflow::parse(std::string_view(text));
  if (!def && (def.error_value().code == itsm::errc::parse_error || def.error_value().code == itsm::errc::limit_exceeded)) {
    std::fprintf(stderr, "itsmctl workflow validate: '%s': %s\n", path.c_str(), def.error_value().message.c_str());
    return exit_usage;  // not a JSON document we can read at all
  }
  if (!def) {
    out(path + ": error: " + def.error_value().message + "\n");
    return exit_findings;
  }
  std::size_t errors = 0, warnings = 0;
  for (const auto& p : itsm::workflow::check(*def)) {
    (p.level == itsm::problem::severity::error ? errors : warnings) += 1;
    out(path + ": " + p.to_string() + "\n");
  }
  if (errors) return exit_findings;
  // Silence would look the same as a command that did nothing.
  out(path + ": valid" + (warnings ? " (" + std::to_string(warnings) + " warning(s))" : std::string()) + "\n");
  return exit_ok;
}

constexpr const char* sla_eval_footer =
    "\nReads query lines such as\n"
    "  {\"id\": \"q1\", \"calendar\": {...}, \"op\": \"add\", \"start\": \"2026-03-27T16:00:00+01:00\", "
    "\"seconds\": 14400}\n"
    "and writes one answer line per query, in order:\n"
    "  {\"id\": \"q1\", \"result\": \"2026-03-28T02:00:00+01:00\"}   or   {\"id\": ..., \"error\": \"...\"}\n"
    "Operations: add, between, next_open, next_close, prev_close, add_working_days, holidays\n"
    "(docs/calendars.md). Blank lines are skipped. Exit status 0 unless the input cannot be read (2).";

int sla_eval(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    if (struct stat sb{}; ::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) {
      std::fprintf(stderr, "itsmctl sla eval: '%s' is a directory\n", path.c_str());
      return exit_usage;
    }
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "itsmctl sla eval: cannot open '%s': %s\n", path.c_str(), std::strerror(errno));
      return exit_usage;
    }
    in = &file;
  }
  itsm::query_evaluator evaluator;
  std::string line, answer;
  while (std::getline(*in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    answer = evaluator.evaluate_line(line);
    answer += '\n';
    out(answer);
  }
  if (in->bad()) {
    std::fprintf(stderr, "itsmctl sla eval: error reading '%s'\n", path.c_str());
    return exit_usage;
  }
  return exit_ok;
}

}  // namespace

std::function<int()> declare_workflow(CLI::App& app) {
  struct options {
    std::string target, format = "json", path;
  };
  auto o = std::make_shared<options>();
  app.require_subcommand(1, 1);
  CLI::App* list = app.add_subcommand("list", "the built-in processes, one name a line");
  CLI::App* show = app.add_subcommand("show", "a built-in process (by name) or a definition file, as JSON or Graphviz DOT");
  show->add_option("target", o->target, "a built-in process's name or a definition file")
      ->required()
      ->type_name("NAME|FILE");
  show->add_option("--format", o->format, "output format")->check(CLI::IsMember({"json", "dot"}))->capture_default_str();
  CLI::App* validate = app.add_subcommand("validate", "check a definition file; one line per problem");
  validate->add_option("file", o->path, "the definition (JSON)")->required()->type_name("FILE");
  validate->footer(
      "\nPrints one line per problem, then, when there is no error, 'FILE: valid' (with the number of\n"
      "warnings). Exit status: 0 when valid, 1 with one line per problem when not, 2 when the file\n"
      "cannot be read or is not JSON, or the output cannot be written.");
  return [o, list, show] {
    if (list->parsed()) return workflow_list();
    if (show->parsed()) return workflow_show(o->target, o->format);
    return workflow_validate(o->path);
  };
}

std::function<int()> declare_sla(CLI::App& app) {
  auto path = std::make_shared<std::string>("-");
  app.require_subcommand(1, 1);
  CLI::App* eval = app.add_subcommand("eval", "answer business-time query lines (JSON, one a line)");
  eval->add_option("file", *path, "the query lines (- or none: standard input)")->type_name("FILE|-");
  eval->footer(sla_eval_footer);
  return [path] { return sla_eval(*path); };
}

std::function<int()> declare_version(CLI::App&) {
  return [] {
    out(std::string("itsmctl ") + itsm::version.string + "\n");
    return exit_ok;
  };
}

}  // namespace itsmctl
