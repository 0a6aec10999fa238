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

bool read_file(const std::string& path, std::string& out, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) {
    why = "read error";
    return false;
  }
  out = s.str();
  return true;
}

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
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) {
    std::fprintf(stderr, "itsmctl workflow validate: '%s' is not JSON\n", args[0].c_str());
    return 2;
  }
  auto def = itsm::workflow::parse(json);
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

// --- replay ---------------------------------------------------------------------------------

struct replay_state {
  std::unordered_map<std::string, itsm::workflow_ptr> workflows;
  std::unordered_map<std::string, itsm::ticket> tickets;
  itsm::hooks host;
  std::size_t events = 0, applied = 0, refused = 0;
};

nlohmann::json refusal(const std::string& ticket, std::size_t line, itsm::errc code, const std::string& message) {
  nlohmann::json j;
  j["ticket"] = ticket.empty() ? nlohmann::json() : nlohmann::json(ticket);
  j["line"] = line;
  j["code"] = itsm::to_string(code);
  j["message"] = message;
  return j;
}

/// Applies one event line; returns the refusal line, or null when the event applied.
nlohmann::json apply_event(replay_state& st, const std::string& text, std::size_t line) {
  const auto ev = nlohmann::json::parse(text, nullptr, false);
  if (ev.is_discarded() || !ev.is_object()) {
    return refusal("", line, itsm::errc::parse_error, "event: not a JSON object");
  }
  static const char* const keys[] = {"ticket", "workflow", "at", "create", "transition", "to", "approve",
                                     "reject", "update", "actor", "roles", "fields", "comment"};
  for (auto it = ev.begin(); it != ev.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) return refusal("", line, itsm::errc::invalid_argument, "event: unknown key '" + it.key() + "'");
  }
  if (!ev.contains("ticket") || !ev["ticket"].is_string() || ev["ticket"].get<std::string>().empty()) {
    return refusal("", line, itsm::errc::invalid_argument, "event.ticket: missing or not a non-empty string");
  }
  const std::string id = ev["ticket"].get<std::string>();
  auto bad = [&](const std::string& message) { return refusal(id, line, itsm::errc::invalid_argument, message); };
  if (!ev.contains("at") || !ev["at"].is_string()) return bad("event.at: missing or not a time string");
  std::int64_t at = 0;
  try {
    const auto tt = itsm::detail::parse_text_time(ev["at"].get<std::string>(), "event.at");
    if (!tt.has_offset) return bad("event.at: '" + ev["at"].get<std::string>() + "' has no offset (add Z or +HH:MM)");
    at = tt.seconds;
  } catch (const itsm::detail::failure& f) {
    return bad(f.what());
  }
  const itsm::sys_seconds when{std::chrono::seconds(at)};
  itsm::actor who = itsm::actor::trusted(ev.contains("actor") && ev["actor"].is_string() ? ev["actor"].get<std::string>() : "");
  if (ev.contains("actor") && !ev["actor"].is_string()) return bad("event.actor: not a string");
  if (ev.contains("roles")) {
    if (!ev["roles"].is_array()) return bad("event.roles: not an array of strings");
    for (const auto& r : ev["roles"]) {
      if (!r.is_string()) return bad("event.roles: not an array of strings");
      who.roles.push_back(r.get<std::string>());
    }
    who.check_roles = true;
  }
  const nlohmann::json fields = ev.contains("fields") ? ev["fields"] : nlohmann::json::object();
  if (!fields.is_object()) return bad("event.fields: not an object");
  std::string comment;
  if (ev.contains("comment")) {
    if (!ev["comment"].is_string()) return bad("event.comment: not a string");
    comment = ev["comment"].get<std::string>();
  }
  int kinds = 0;
  for (const char* k : {"create", "transition", "to", "approve", "reject", "update"}) kinds += ev.contains(k) ? 1 : 0;
  if (kinds != 1) return bad("event: needs exactly one of create, transition, to, approve, reject, update");

  if (ev.contains("create")) {
    if (ev["create"] != true) return bad("event.create: must be true");
    if (!ev.contains("workflow") || !ev["workflow"].is_string()) return bad("event.workflow: missing or not a string");
    const std::string name = ev["workflow"].get<std::string>();
    auto wf = st.workflows.find(name);
    if (wf == st.workflows.end()) {
      return refusal(id, line, itsm::errc::not_found, "event.workflow: no workflow named '" + name + "'");
    }
    if (st.tickets.count(id)) return bad("ticket " + id + " already exists");
    auto created = itsm::ticket::create(wf->second, id, who, when, fields, comment);
    if (!created) return refusal(id, line, created.error_value().code, created.error_value().message);
    st.tickets.emplace(id, std::move(*created));
    return nullptr;
  }
  auto found = st.tickets.find(id);
  if (found == st.tickets.end()) {
    return refusal(id, line, itsm::errc::not_found, "ticket " + id + " has not been created (no create event before)");
  }
  itsm::ticket& t = found->second;
  itsm::outcome out;
  if (ev.contains("transition")) {
    if (!ev["transition"].is_string()) return bad("event.transition: not a string");
    out = t.fire(ev["transition"].get<std::string>(), who, when, fields, comment, &st.host);
  } else if (ev.contains("to")) {
    if (!ev["to"].is_string()) return bad("event.to: not a string");
    out = t.move_to(ev["to"].get<std::string>(), who, when, fields, comment, &st.host);
  } else if (ev.contains("approve")) {
    if (ev["approve"] != true) return bad("event.approve: must be true");
    out = t.approve(who, when, comment, &st.host);
  } else if (ev.contains("reject")) {
    if (ev["reject"] != true) return bad("event.reject: must be true");
    out = t.reject(who, when, fields, comment, &st.host);
  } else {
    if (ev["update"] != true) return bad("event.update: must be true");
    out = t.update(who, when, fields, comment);
  }
  if (out.ok()) return nullptr;
  auto j = refusal(id, line, out.code, out.message);
  j["state"] = t.state();
  if (!out.allowed.empty()) j["allowed"] = out.allowed;
  if (!out.missing.empty()) j["missing"] = out.missing;
  if (out.approvals_needed > 0) {
    j["approvals"] = out.approvals;
    j["approvals_needed"] = out.approvals_needed;
  }
  if (!out.guard.empty()) j["guard"] = out.guard;
  return j;
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
  replay_state st;
  itsm::change_schedule schedule;
  for (const auto& name : itsm::builtin_workflow_names()) st.workflows[name] = *itsm::builtin_workflow(name);
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
      std::string text, why;
      const std::string& path = args[++i];
      if (!read_file(path, text, why)) {
        std::fprintf(stderr, "itsmctl replay: cannot read '%s': %s\n", path.c_str(), why.c_str());
        return 2;
      }
      auto wf = itsm::workflow::from_json(text);
      if (!wf) {
        std::fprintf(stderr, "itsmctl replay: %s: %s\n", path.c_str(), wf.error_value().message.c_str());
        return 2;
      }
      st.workflows[(*wf)->name()] = *wf;
    } else {
      std::fprintf(stderr, "itsmctl replay: unexpected argument '%s'\n%s", args[i].c_str(), replay_help);
      return 2;
    }
  }
  if (events.empty()) {
    std::fprintf(stderr, "itsmctl replay: --events FILE is required\n%s", replay_help);
    return 2;
  }
  schedule.install(st.host);
  st.host.guard("all_findings_closed", [&st](const itsm::guard_context& g) -> std::optional<std::string> {
    std::vector<std::string> open;
    for (const auto& [id, t] : st.tickets) {
      if (t.definition().name() != "audit_finding") continue;
      const auto& f = t.fields();
      auto e = f.find("engagement");
      if (e != f.end() && *e == g.subject.id() && !t.is_terminal()) open.push_back(id);
    }
    if (open.empty()) return std::nullopt;
    std::sort(open.begin(), open.end());
    std::string list;
    for (const auto& id : open) list += (list.empty() ? "" : ", ") + id;
    return std::to_string(open.size()) + " finding(s) still open: " + list;
  });
  std::ifstream file;
  std::istream* in = &std::cin;
  if (events != "-") {
    file.open(events);
    if (!file) {
      std::fprintf(stderr, "itsmctl replay: cannot open '%s': %s\n", events.c_str(), std::strerror(errno));
      return 2;
    }
    in = &file;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(*in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++st.events;
    const auto refused = apply_event(st, line, line_no);
    if (refused.is_null()) {
      ++st.applied;
    } else {
      ++st.refused;
      std::cout << refused.dump() << '\n';
    }
  }
  if (in->bad()) {
    std::fprintf(stderr, "itsmctl replay: error reading '%s'\n", events.c_str());
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
