#pragma once
// The replay core shared by itsmctl replay, report, audit and demo: event lines applied to
// tickets through the built-in (and added) workflows, with the host guards itsmctl provides.

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "itsm/itsm.hpp"

namespace itsmctl {

struct replay_state {
  std::unordered_map<std::string, itsm::workflow_ptr> workflows;  ///< the built-ins, plus --workflow
  std::unordered_map<std::string, itsm::ticket> tickets;
  itsm::hooks host;
  std::size_t events = 0, applied = 0, refused = 0;
  replay_state();
  replay_state(const replay_state&) = delete;  // the hooks point back at `tickets`
  replay_state& operator=(const replay_state&) = delete;
};

/// A replay state that lives until the process ends and is never destroyed: each command runs
/// once and exits, and freeing a million tickets' histories one node at a time would add
/// seconds to every large report (the memory stays reachable, so leak checkers stay quiet).
replay_state& process_lifetime_state();

/// Registers the host guards itsmctl provides: all_findings_closed (audit_engagement close
/// holds when every audit_finding whose field `engagement` names it is closed) and the change
/// processes' schedule guard and actions (`schedule`'s freezes).
void install_host(replay_state& st, const itsm::change_schedule& schedule);

/// Applies one event line (1-based `line`); returns the refusal line ({"ticket", "line",
/// "code", "message", "event", "state"?, "allowed"?, ...}), or null when the event applied.
nlohmann::json apply_event(replay_state& st, const std::string& text, std::size_t line);

/// Applies every line of the event file `path` ("-": standard input), skipping blank lines and
/// counting events, applied and refused in `st`; each refusal goes to `on_refusal`. False (after
/// a message on stderr prefixed by `who`) when the file cannot be opened or read.
bool replay_file(replay_state& st, const std::string& path, const char* who,
                 const std::function<void(nlohmann::json)>& on_refusal);

/// Reads a whole file; on failure `why` says why (errno text).
bool read_file(const std::string& path, std::string& out, std::string& why);

// Option handlers shared by the commands. Each prints "`who`: ..." on stderr and returns false
// when the option's value is unusable (the command then exits 2).

/// --workflow FILE: adds the definition (by its name) to `st.workflows`.
bool add_workflow_file(replay_state& st, const std::string& path, const char* who);
/// A JSON document from a file (`what` names it in messages: "policy", "calendar").
bool load_json_file(const std::string& path, const char* what, const char* who, nlohmann::json& out);
/// --now TIME: an RFC 3339 instant with an offset; empty text leaves `now` unset.
bool parse_now(const std::string& text, const char* who, std::optional<itsm::sys_seconds>& now);
/// --format: one of `allowed`.
bool check_format(const std::string& format, std::initializer_list<const char*> allowed, const char* who);

/// The time of the latest record of any ticket (the default "now" of reports and audits).
itsm::sys_seconds last_event_time(const replay_state& st);

}  // namespace itsmctl
