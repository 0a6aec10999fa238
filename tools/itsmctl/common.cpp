// What itsmctl's commands share: reading files, the replay options, the progress bar.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"

namespace itsmctl {

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

bool load_json_file(const std::string& path, const char* what, const char* who, nlohmann::json& out) {
  std::string text, why;
  if (!read_file(path, text, why)) {
    std::fprintf(stderr, "%s: cannot read %s '%s': %s\n", who, what, path.c_str(), why.c_str());
    return false;
  }
  auto parsed = itsm::parse_json(text, what);
  if (!parsed) {
    std::fprintf(stderr, "%s: '%s': %s\n", who, path.c_str(), parsed.error_value().message.c_str());
    return false;
  }
  out = std::move(*parsed);
  return true;
}

void declare_replay_options(CLI::App& app, replay_options& o, bool with_now) {
  app.add_option("--events", o.events, "event lines (JSON, one a line; - for standard input)")
      ->required()
      ->type_name("FILE|-");
  app.add_option("--workflow", o.workflows, "adds a workflow definition (by its name) to the built-in ones")
      ->type_name("FILE");
  if (with_now) {
    app.add_option("--now", o.now, "when open clocks and ages are measured (RFC 3339; default: the last event)")
        ->type_name("TIME");
  }
}

bool add_workflow_files(itsm::event_store& store, const std::vector<std::string>& paths, const char* who) {
  for (const auto& path : paths) {
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
    store.add_workflow(*wf);
  }
  return true;
}

bool parse_now(const std::string& text, const char* who, std::optional<itsm::sys_seconds>& now) {
  if (text.empty()) return true;
  auto parsed = itsm::parse_utc(text, "--now");
  if (!parsed) {
    std::fprintf(stderr, "%s: %s\n", who, parsed.error_value().message.c_str());
    return false;
  }
  now = *parsed;
  return true;
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

bool replay_file(itsm::event_store& store, const std::string& path, const char* who,
                 const std::function<void(const itsm::event_outcome&)>& on_outcome) {
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
    const auto outcome = store.apply(line, line_no);
    bar.update(bytes, store.counts().events);
    if (on_outcome) on_outcome(outcome);
  }
  if (in->bad()) {
    std::fprintf(stderr, "%s: error reading '%s'\n", who, path.c_str());
    return false;
  }
  return true;
}

bool load_policy(const std::string& policy_path, const std::string& calendar_path, const char* who,
                 std::optional<itsm::sla_policy>& out) {
  itsm::sla_policy policy = itsm::sla_policy::builtin();
  if (!policy_path.empty()) {
    nlohmann::json j;
    if (!load_json_file(policy_path, "policy", who, j)) return false;
    auto loaded = itsm::sla_policy::from_json(j);
    if (!loaded) {
      std::fprintf(stderr, "%s: %s\n", who, loaded.error_value().message.c_str());
      return false;
    }
    policy = std::move(*loaded);
  }
  if (!calendar_path.empty()) {
    nlohmann::json cal;
    if (!load_json_file(calendar_path, "calendar", who, cal)) return false;
    auto replaced = policy.with_calendar(cal);
    if (!replaced) {
      std::fprintf(stderr, "%s: %s\n", who, replaced.error_value().message.c_str());
      return false;
    }
    policy = std::move(*replaced);
  }
  out = std::move(policy);
  return true;
}

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> formats = {"table", "json", "csv", "markdown"};
  return formats;
}

}  // namespace itsmctl
