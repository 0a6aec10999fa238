// What itsmctl's commands share: checked output (standard output and files), reading files and
// event logs, the replay options, the progress bar.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"

namespace itsmctl {

// --- checked output ------------------------------------------------------------------------------

namespace {
/// Why standard output failed, once it has ("" while every write succeeded).
std::string& output_error() {
  static std::string why;
  return why;
}
}  // namespace

void out(std::string_view text) {
  if (!output_error().empty() || text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
    output_error() = errno ? std::strerror(errno) : "write error";
  }
}

bool finish_output(const std::string& who) {
  if (std::fflush(stdout) != 0 && output_error().empty()) output_error() = std::strerror(errno);
  if (std::ferror(stdout) && output_error().empty()) output_error() = "write error";
  if (output_error().empty()) return true;
  std::fprintf(stderr, "%s: cannot write standard output: %s\n", who.c_str(), output_error().c_str());
  return false;
}

atomic_file::atomic_file(std::string path) : path_(std::move(path)) {
  std::string name = path_ + ".tmp-XXXXXX";
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return;
  }
  temp_ = name;
  // mkstemp's 0600 would make the result private; give it what a plain create would.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_, 0666 & ~mask) != 0) error_ = std::strerror(errno);
}

atomic_file::~atomic_file() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());  // not committed: leave nothing behind
}

void atomic_file::flush_buffer() {
  std::size_t done = 0;
  while (error_.empty() && done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? std::strerror(errno) : "nothing written";
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void atomic_file::write(std::string_view text) {
  if (!error_.empty()) return;
  buffer_.append(text);
  if (buffer_.size() >= (1u << 20)) flush_buffer();
}

bool atomic_file::commit(const char* who) {
  if (error_.empty() && fd_ >= 0) {
    flush_buffer();
    // A full disk may only show when the data is written out.
    if (error_.empty() && ::fsync(fd_) != 0) error_ = std::strerror(errno);
  }
  if (fd_ >= 0 && ::close(fd_) != 0 && error_.empty()) error_ = std::strerror(errno);
  fd_ = -1;
  if (error_.empty() && ::rename(temp_.c_str(), path_.c_str()) != 0) error_ = std::strerror(errno);
  if (!error_.empty()) {
    std::fprintf(stderr, "%s: cannot write '%s': %s\n", who, path_.c_str(), error_.c_str());
    return false;  // the destructor removes the temporary file
  }
  temp_.clear();
  return true;
}

bool write_file_atomically(const std::string& path, std::string_view text, const char* who) {
  atomic_file f(path);
  f.write(text);
  return f.commit(who);
}

// --- reading files -------------------------------------------------------------------------------

bool read_file(const std::string& path, std::string& out, std::string& why) {
  if (struct stat sb{}; ::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    why = "is a directory";
    return false;
  }
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

// --- the progress bar ----------------------------------------------------------------------------

progress_bar::progress_bar(const char* who) : who_(who), on_(::isatty(2) == 1) {}

progress_bar::~progress_bar() {
  if (on_ && drawn_) std::fprintf(stderr, "\r\033[K");
}

itsm::progress_fn progress_bar::callback() {
  if (!on_) return {};
  return [this](std::string_view phase, std::uint64_t done, std::uint64_t total) { update(phase, done, total); };
}

void progress_bar::update(std::string_view phase, std::uint64_t done, std::uint64_t total) {
  if (!on_) return;
  const auto now = clock::now();
  if (phase != phase_) {
    phase_ = std::string(phase);
    phase_start_ = now;
  } else if (now - last_ < std::chrono::milliseconds(200)) {
    return;
  }
  last_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - phase_start_).count();
  if (total == 0) {
    std::fprintf(stderr, "\r%s: %s %llu\033[K", who_, phase_.c_str(), static_cast<unsigned long long>(done));
    return;
  }
  const double share = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  const int filled = static_cast<int>(share * 30);
  const double eta = share > 0 ? seconds / share - seconds : 0;
  std::fprintf(stderr, "\r%s: %-8s [%.*s%*s] %3.0f%%  ETA %.0fs\033[K", who_, phase_.c_str(), filled,
               "##############################", 30 - filled, "", share * 100, eta);
}

// --- the replay options and the event log --------------------------------------------------------

void declare_replay_options(CLI::App& app, replay_options& o) {
  app.add_option("--events", o.events, "event lines (JSON, one a line; - for standard input)")
      ->required()
      ->type_name("FILE|-");
  app.add_option("--workflow", o.workflows, "adds a workflow definition (by its name) to the built-in ones")
      ->type_name("FILE");
  app.add_option("--now", o.now,
                 "the log as it stood then: later events are not applied (counted), open clocks and ages are "
                 "measured then (RFC 3339; default: the last event)")
      ->type_name("TIME");
  app.add_option("--order", o.order, "apply each ticket's events in time order (a stable sort) or as in the file")
      ->check(CLI::IsMember({"time", "file"}))
      ->capture_default_str();
  app.add_flag("--skip-bad-lines", o.skip_bad_lines,
               "skip lines that are not event lines (not UTF-8, not JSON, not an object), naming each, "
               "instead of exiting 2");
  app.add_flag("--strict", o.strict, "exit 1 when any event is refused or any line skipped");
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

bool read_log(itsm::event_store& store, const replay_options& o, const std::optional<itsm::sys_seconds>& now,
              const char* who, progress_bar& bar, itsm::data_quality& quality,
              const std::function<void(const itsm::event_outcome&)>& on_outcome) {
  itsm::read_options options;
  options.order = o.order == "file" ? itsm::event_order::file : itsm::event_order::time;
  options.now = now;
  options.skip_bad_lines = o.skip_bad_lines;
  itsm::read_callbacks callbacks;
  callbacks.outcome = on_outcome;
  callbacks.progress = bar.callback();
  const std::string source = o.events == "-" ? std::string("<stdin>") : o.events;
  callbacks.skipped = [&](const itsm::bad_line& b) {
    std::fprintf(stderr, "%s: %s:%zu: skipped: %s\n", who, source.c_str(), b.line, b.cause.c_str());
  };
  auto read = o.events == "-" ? itsm::read_events(store, std::cin, source, options, callbacks)
                              : itsm::read_event_file(store, o.events, options, callbacks);
  if (!read) {
    std::fprintf(stderr, "%s: %s\n", who, read.error_value().message.c_str());
    return false;
  }
  quality = std::move(*read);
  return true;
}

int data_quality_status(const itsm::data_quality& quality, const replay_options& o, const char* who, int status) {
  if (const std::string warning = quality.warning(); !warning.empty()) {
    std::fprintf(stderr, "%s: warning: %s\n", who, warning.c_str());
  }
  if (const std::string why = quality.strict_failure(); o.strict && !why.empty()) {
    std::fprintf(stderr, "%s: --strict: %s\n", who, why.c_str());
    return exit_findings;
  }
  return status;
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
