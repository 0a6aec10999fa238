// itsmctl workflow list|show|validate, sla eval and version.

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
  for (const auto& n : itsm::builtin_workflow_names()) std::printf("%s\n", n.c_str());
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
  if (format == "dot") {
    std::cout << (*wf)->to_dot();
  } else {
    std::cout << (*wf)->to_json().dump(2) << "\n";
  }
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
    std::printf("%s: error: %s\n", path.c_str(), def.error_value().message.c_str());
    return exit_findings;
  }
  bool errors = false;
  for (const auto& p : itsm::workflow::check(*def)) {
    errors = errors || p.level == itsm::problem::severity::error;
    std::printf("%s: %s\n", path.c_str(), p.to_string().c_str());
  }
  return errors ? exit_findings : exit_ok;
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
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "itsmctl sla eval: cannot open '%s': %s\n", path.c_str(), std::strerror(errno));
      return exit_usage;
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
    return exit_usage;
  }
  std::cout.flush();
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
      "\nExit status: 0 when valid (warnings are printed), 1 with one line per problem when not, 2 when\n"
      "the file cannot be read or is not JSON.");
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
    std::printf("itsmctl %s\n", itsm::version.string);
    return exit_ok;
  };
}

}  // namespace itsmctl
