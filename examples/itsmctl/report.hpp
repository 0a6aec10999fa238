#pragma once
// itsmctl report: the service-evaluation figures of an event log (ISO/IEC 20000-1 9.1), from
// the tickets a replay built.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/itsm.hpp"
#include "replay.hpp"

namespace itsmctl {

/// The SLA policy: a business calendar and, per process, response and resolution targets in
/// business seconds by priority: {"calendar": {...}, "targets": {"incident": {"response":
/// {"P1": 900, ...}, "resolution": {...}}, ...}}. Response runs from creation until the ticket
/// first leaves its `new` states; resolution pauses in `waiting` states and stops in `resolved`
/// or `closed` ones (a reopened ticket's clock resumes).
const nlohmann::json& default_policy();

/// The policy's SLA definitions for `process` (empty when it has no targets). Errors name the
/// policy field.
itsm::result<std::vector<std::pair<std::string, itsm::sla_definition>>> policy_slas(const nlohmann::json& policy,
                                                                                    const std::string& process);

/// Checks a policy document (its calendar and every target), naming the first bad field.
itsm::result<bool> check_policy(const nlohmann::json& policy);

/// The report as JSON (see README "itsmctl report"): totals, per process and priority,
/// backlog by age, time per state, changes by outcome, the top refused events. `refusals` are
/// the replay's refusal lines; `now` is when open clocks and ages are measured.
nlohmann::json build_report(const replay_state& st, const std::vector<nlohmann::json>& refusals,
                            const nlohmann::json& policy, itsm::sys_seconds now);

/// Renders a report as "table" (aligned text), "markdown", "csv" or "json".
std::string render_report(const nlohmann::json& report, const std::string& format);

}  // namespace itsmctl
