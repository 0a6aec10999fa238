// The replay core shared by itsmctl's replay, report, audit and demo commands.

#include "replay.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace itsmctl {

replay_state::replay_state() {
  for (const auto& name : itsm::builtin_workflow_names()) workflows[name] = *itsm::builtin_workflow(name);
}

replay_state& process_lifetime_state() {
  static replay_state* const state = new replay_state();
  return *state;
}

void install_host(replay_state& st, const itsm::change_schedule& schedule) {
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
}

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

namespace {


nlohmann::json refusal(const std::string& ticket, std::size_t line, itsm::errc code, const std::string& message) {
  nlohmann::json j;
  j["ticket"] = ticket.empty() ? nlohmann::json() : nlohmann::json(ticket);
  j["line"] = line;
  j["code"] = itsm::to_string(code);
  j["message"] = message;
  return j;
}

}  // namespace

nlohmann::json apply_event(replay_state& st, const std::string& text, std::size_t line) {
  try {
    itsm::detail::check_json_text_limits(text, "event");
  } catch (const itsm::detail::failure& f) {
    return refusal("", line, f.code, f.what());
  }
  const auto ev = nlohmann::json::parse(text, nullptr, false);
  if (ev.is_discarded() || !ev.is_object()) {
    return refusal("", line, itsm::errc::parse_error, "event: not a JSON object");
  }
  // Sorted, for a binary search per key (this runs for every key of every event).
  static constexpr std::string_view keys[] = {"actor",  "approve", "at",     "comment", "create",   "fields", "reject",
                                              "roles",  "ticket",  "to",     "transition", "update", "workflow"};
  for (auto it = ev.begin(); it != ev.end(); ++it) {
    if (!std::binary_search(std::begin(keys), std::end(keys), std::string_view(it.key()))) {
      return refusal("", line, itsm::errc::invalid_argument, "event: unknown key '" + it.key() + "'");
    }
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
  // A reference, not a copy: the fields are read once, by the ticket call.
  const auto fields_it = ev.find("fields");
  const nlohmann::json& fields = fields_it != ev.end() ? *fields_it : itsm::detail::empty_json_object();
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
    if (!created) {
      auto j = refusal(id, line, created.error_value().code, created.error_value().message);
      j["workflow"] = name;
      j["event"] = "create";
      return j;
    }
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
  j["workflow"] = t.definition().name();
  if (ev.contains("transition")) {
    j["event"] = "transition " + ev["transition"].get<std::string>();
  } else if (ev.contains("to")) {
    j["event"] = "to " + ev["to"].get<std::string>();
  } else {
    j["event"] = ev.contains("approve") ? "approve" : ev.contains("reject") ? "reject" : "update";
  }
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


namespace {

/// A progress bar on stderr (only when it is a terminal): share of the file read, events per
/// second and the time left, redrawn at most five times a second.
class progress {
 public:
  progress(const char* who, std::uint64_t total_bytes)
      : who_(who), total_(total_bytes), start_(clock::now()), last_(start_), on_(::isatty(2) == 1) {}
  ~progress() {
    if (on_ && drawn_) std::fprintf(stderr, "\r\033[K");
  }
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;
  void update(std::uint64_t bytes, std::size_t events) {
    if (!on_ || (events & 1023) != 0) return;
    const auto now = clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    drawn_ = true;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(events) / seconds : 0;
    if (total_ == 0) {
      std::fprintf(stderr, "\r%s: %zu events, %.0f/s\033[K", who_, events, rate);
      return;
    }
    const double share = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_));
    const int filled = static_cast<int>(share * 30);
    const double eta = share > 0 ? seconds / share - seconds : 0;
    std::fprintf(stderr, "\r%s: [%.*s%*s] %3.0f%%  %zu events  %.0f/s  ETA %.0fs\033[K", who_, filled,
                 "##############################", 30 - filled, "", share * 100, events, rate, eta);
  }

 private:
  using clock = std::chrono::steady_clock;
  const char* who_;
  std::uint64_t total_;
  clock::time_point start_, last_;
  bool on_;
  bool drawn_ = false;
};

}  // namespace

bool replay_file(replay_state& st, const std::string& path, const char* who,
                 const std::function<void(nlohmann::json)>& on_refusal) {
  std::uint64_t total = 0;
  if (struct stat sb{}; path != "-" && ::stat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode)) {
    total = static_cast<std::uint64_t>(sb.st_size);
  }
  progress bar(who, total);
  std::uint64_t bytes = 0;
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) {
      std::fprintf(stderr, "%s: cannot open '%s': %s\n", who, path.c_str(), std::strerror(errno));
      return false;
    }
    in = &file;
  }
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(*in, line)) {
    ++line_no;
    bytes += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++st.events;
    bar.update(bytes, st.events);
    auto refused = apply_event(st, line, line_no);
    if (refused.is_null()) {
      ++st.applied;
    } else {
      ++st.refused;
      on_refusal(std::move(refused));
    }
  }
  if (in->bad()) {
    std::fprintf(stderr, "%s: error reading '%s'\n", who, path.c_str());
    return false;
  }
  return true;
}


bool add_workflow_file(replay_state& st, const std::string& path, const char* who) {
  std::string text, why;
  if (!read_file(path, text, why)) {
    std::fprintf(stderr, "%s: cannot read '%s': %s\n", who, path.c_str(), why.c_str());
    return false;
  }
  auto wf = itsm::workflow::from_json(text);
  if (!wf) {
    std::fprintf(stderr, "%s: %s: %s\n", who, path.c_str(), wf.error_value().message.c_str());
    return false;
  }
  st.workflows[(*wf)->name()] = *wf;
  return true;
}

bool load_json_file(const std::string& path, const char* what, const char* who, nlohmann::json& out) {
  std::string text, why;
  if (!read_file(path, text, why)) {
    std::fprintf(stderr, "%s: cannot read %s '%s': %s\n", who, what, path.c_str(), why.c_str());
    return false;
  }
  auto parsed = itsm::detail::capture<nlohmann::json>([&] { return itsm::detail::parse_json_text(text, what); });
  if (!parsed) {
    std::fprintf(stderr, "%s: '%s': %s\n", who, path.c_str(), parsed.error_value().message.c_str());
    return false;
  }
  out = std::move(*parsed);
  return true;
}

bool parse_now(const std::string& text, const char* who, std::optional<itsm::sys_seconds>& now) {
  if (text.empty()) return true;
  try {
    now = itsm::detail::parse_utc_field(nlohmann::json(text), "--now");
    return true;
  } catch (const itsm::detail::failure& f) {
    std::fprintf(stderr, "%s: %s\n", who, f.what());
    return false;
  }
}

bool check_format(const std::string& format, std::initializer_list<const char*> allowed, const char* who) {
  std::string list;
  for (const char* a : allowed) {
    if (format == a) return true;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  std::fprintf(stderr, "%s: --format: '%s' is not one of %s\n", who, format.c_str(), list.c_str());
  return false;
}

itsm::sys_seconds last_event_time(const replay_state& st) {
  itsm::sys_seconds last{};
  for (const auto& [id, t] : st.tickets) last = std::max(last, t.history().back().at);
  return last;
}

}  // namespace itsmctl
