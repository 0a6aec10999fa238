#pragma once
// itsmctl's command table and what the commands share. A command declares its options once, on
// a CLI11 subcommand: that declaration both parses them and prints the command's --help. What
// the commands compute lives in the library (itsm/event.hpp, report.hpp, audit.hpp); a command
// parses options, calls the library and prints.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "itsm/itsm.hpp"

namespace itsmctl {

/// Exit statuses (docs/itsmctl.md has the table for every command).
enum exit_status : int {
  exit_ok = 0,
  exit_findings = 1,  ///< a command found problems (workflow validate, audit, --strict) or failed
  exit_usage = 2,     ///< a usage error, unreadable or bad input, or output that could not be written
};

/// Declares a command's options on its subcommand and returns what runs it once they are parsed.
using declare_fn = std::function<std::function<int()>(CLI::App&)>;

/// One row of the command table: the name, the one-line summary and the synopsis the top-level
/// usage lists, and the declaration of its options and handler.
struct command {
  const char* name;
  const char* summary;
  const char* synopsis;
  declare_fn declare;
};

/// The table, in the order the usage lists it.
const std::vector<command>& commands();

// Declarations, one per command (each in its own translation unit).
std::function<int()> declare_demo(CLI::App& app);
std::function<int()> declare_report(CLI::App& app);
std::function<int()> declare_audit(CLI::App& app);
std::function<int()> declare_convert(CLI::App& app);
std::function<int()> declare_sla(CLI::App& app);
std::function<int()> declare_workflow(CLI::App& app);
std::function<int()> declare_replay(CLI::App& app);
std::function<int()> declare_version(CLI::App& app);

// --- what the commands share (common.cpp) -------------------------------------------------------

/// Writes `text` to standard output. A failed write is remembered, with its reason, and the
/// rest of the output is dropped; `finish_output` reports it.
void out(std::string_view text);

/// Flushes standard output: true when every write reached it; otherwise false after
/// "`who`: cannot write standard output: <reason>" on stderr (the exit status is then 2).
bool finish_output(const std::string& who);

/// A file written under a temporary name in its directory and renamed over `path` by `commit`,
/// so that a failed run leaves no half-written file. Every write is checked; the first failure
/// is kept and `commit` reports it (the temporary file is then removed).
class atomic_file {
 public:
  explicit atomic_file(std::string path);
  ~atomic_file();
  atomic_file(const atomic_file&) = delete;
  atomic_file& operator=(const atomic_file&) = delete;
  void write(std::string_view text);
  /// The temporary file's name, for a program that writes it itself (dot -o); "" on failure.
  const std::string& temporary_path() const { return temp_; }
  /// Flushes, syncs and renames; false after "`who`: cannot write '<path>': <reason>" on stderr.
  bool commit(const char* who);

 private:
  std::string path_, temp_, error_;
  int fd_ = -1;
  std::string buffer_;
  void flush_buffer();
};

/// `text` written to `path` through an `atomic_file`; false after a message on stderr.
bool write_file_atomically(const std::string& path, std::string_view text, const char* who);

/// Reads a whole file; on failure `why` says why (errno text, or "is a directory").
bool read_file(const std::string& path, std::string& out, std::string& why);

/// A JSON document from a file (`what` names it in messages: "policy", "calendar"); on failure
/// prints "`who`: ..." on stderr and returns false.
bool load_json_file(const std::string& path, const char* what, const char* who, nlohmann::json& out);

/// A progress bar on stderr, drawn only when stderr is a terminal: the phase, its share done
/// and the time left. A new phase is drawn at once, then at most five times a second.
class progress_bar {
 public:
  explicit progress_bar(const char* who);
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;
  /// The library's progress callback drawing this bar.
  itsm::progress_fn callback();
  void update(std::string_view phase, std::uint64_t done, std::uint64_t total);

 private:
  using clock = std::chrono::steady_clock;
  const char* who_;
  bool on_;
  bool drawn_ = false;
  std::string phase_;
  clock::time_point phase_start_, last_;
};

/// The options replay, report and audit share: the events, extra workflows, and how the log is
/// read (`itsm::read_options`).
struct replay_options {
  std::string events;                  ///< a file, or "-" for standard input
  std::vector<std::string> workflows;  ///< --workflow FILE...
  std::string now;                     ///< --now TIME (RFC 3339); empty: the last event
  std::string order = "time";          ///< --order time|file
  bool skip_bad_lines = false;         ///< --skip-bad-lines
  bool strict = false;                 ///< --strict: exit 1 on any refusal or skipped line
};

/// Declares --events, --workflow, --now, --order, --skip-bad-lines and --strict on `app`.
void declare_replay_options(CLI::App& app, replay_options& o);

/// Adds each --workflow file to `store`; prints "`who`: ..." and returns false on a bad file.
bool add_workflow_files(itsm::event_store& store, const std::vector<std::string>& paths, const char* who);

/// --now as an instant (unset when empty); prints and returns false when it is not RFC 3339.
bool parse_now(const std::string& text, const char* who, std::optional<itsm::sys_seconds>& now);

/// Reads the event log of `o` ("-": standard input) into `store` with the read options of `o`
/// (and `now`), drawing on `bar`; `on_outcome` sees every event in the order applied. Each
/// skipped line is named on stderr. False (after a message naming the file, line and cause)
/// when the log cannot be read or has a line that is not an event line.
bool read_log(itsm::event_store& store, const replay_options& o, const std::optional<itsm::sys_seconds>& now,
              const char* who, progress_bar& bar, itsm::data_quality& quality,
              const std::function<void(const itsm::event_outcome&)>& on_outcome = {});

/// After the output: the warning when many events were refused, then the --strict decision.
/// Returns `status`, or exit_findings when --strict and anything was refused or skipped.
int data_quality_status(const itsm::data_quality& quality, const replay_options& o, const char* who, int status);

/// The SLA policy from --policy and --calendar (either may be empty: the built-in policy, its
/// calendar); prints and returns false on a bad file.
bool load_policy(const std::string& policy_path, const std::string& calendar_path, const char* who,
                 std::optional<itsm::sla_policy>& out);

/// The allowed values of --format for reports and audits.
const std::vector<std::string>& report_formats();

}  // namespace itsmctl
