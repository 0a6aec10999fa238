#pragma once
// itsmctl's command table and what the commands share. A command declares its options once, on
// a CLI11 subcommand: that declaration both parses them and prints the command's --help. What
// the commands compute lives in the library (itsm/event.hpp, report.hpp, audit.hpp); a command
// parses options, calls the library and prints.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "itsm/itsm.hpp"

namespace itsmctl {

/// Exit statuses (docs/itsmctl.md).
enum exit_status : int {
  exit_ok = 0,
  exit_findings = 1,  ///< a command found problems (workflow validate, audit) or failed
  exit_usage = 2,     ///< a usage error, unreadable input or input that is not JSON
};

/// Declares a command's options on its subcommand and returns what runs it once they are parsed.
using declare_fn = std::function<std::function<int()>(CLI::App&)>;

/// One row of the command table: the name, the one-line summary the top-level usage lists, and
/// the declaration of its options and handler.
struct command {
  const char* name;
  const char* summary;
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

/// Reads a whole file; on failure `why` says why (errno text).
bool read_file(const std::string& path, std::string& out, std::string& why);

/// A JSON document from a file (`what` names it in messages: "policy", "calendar"); on failure
/// prints "`who`: ..." on stderr and returns false.
bool load_json_file(const std::string& path, const char* what, const char* who, nlohmann::json& out);

/// The options replay, report and audit share: the events, extra workflows, and the instant
/// everything is measured at.
struct replay_options {
  std::string events;                  ///< a file, or "-" for standard input
  std::vector<std::string> workflows;  ///< --workflow FILE...
  std::string now;                     ///< --now TIME (RFC 3339); empty: the last event
};

/// Declares --events, --workflow and (when `with_now`) --now on `app`.
void declare_replay_options(CLI::App& app, replay_options& o, bool with_now);

/// Adds each --workflow file to `store`; prints "`who`: ..." and returns false on a bad file.
bool add_workflow_files(itsm::event_store& store, const std::vector<std::string>& paths, const char* who);

/// --now as an instant (unset when empty); prints and returns false when it is not RFC 3339.
bool parse_now(const std::string& text, const char* who, std::optional<itsm::sys_seconds>& now);

/// Applies every event line of `path` ("-": standard input) to `store`, skipping blank lines, with
/// a progress bar on stderr when it is a terminal; `on_outcome` sees every line's outcome. False
/// (after a message on stderr prefixed by `who`) when the file cannot be opened or read.
bool replay_file(itsm::event_store& store, const std::string& path, const char* who,
                 const std::function<void(const itsm::event_outcome&)>& on_outcome = {});

/// The SLA policy from --policy and --calendar (either may be empty: the built-in policy, its
/// calendar); prints and returns false on a bad file.
bool load_policy(const std::string& policy_path, const std::string& calendar_path, const char* who,
                 std::optional<itsm::sla_policy>& out);

/// The allowed values of --format for reports and audits.
const std::vector<std::string>& report_formats();

}  // namespace itsmctl
