#pragma once
/// \file
/// The service report: SLA compliance, response and resolution times, reopen rate, backlog by
/// age, time per state, changes by outcome and the top refused events of a set of tickets (the
/// figures of `itsmctl report`; each is defined in docs/report-and-audit.md).
///
/// A `service_report` is an accumulator: fed tickets and refused events one by one, it keeps
/// only what the figures need, and `merge` combines reports over disjoint sets of tickets into
/// exactly the report of the whole (counts, means, medians and percentiles included), so the
/// work can be split by ticket across threads or machines.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/error.hpp"
#include "itsm/event.hpp"
#include "itsm/sla.hpp"
#include "itsm/ticket.hpp"
#include "itsm/time.hpp"

namespace itsm {
inline namespace v1 {

/// The SLA targets a report and an audit measure against: a business calendar and, per process,
/// response and resolution targets in business seconds by priority. JSON form:
/// `{"calendar": {...}, "targets": {"incident": {"response": {"P1": 900, ...}, "resolution":
/// {...}}, ...}, "description"?: "..."}`. Response runs from creation until the ticket first
/// leaves its `new` states; resolution pauses in `waiting` states and stops in `resolved` or
/// `closed` ones (a reopened ticket's clock resumes); both are cancelled in `cancelled` states.
class sla_policy {
 public:
  /// The built-in policy (docs/report-and-audit.md, "The default policy").
  static const sla_policy& builtin();

  /// Loads the JSON form, checking the calendar and every target; errors name the field.
  static result<sla_policy> from_json(const nlohmann::json& j);
  static result<sla_policy> from_json(std::string_view text);
  static result<sla_policy> from_json(const std::string& text) { return from_json(std::string_view(text)); }
  static result<sla_policy> from_json(const char* text) { return from_json(std::string_view(text ? text : "")); }

  /// This policy with its calendar replaced (`itsmctl report --calendar`).
  result<sla_policy> with_calendar(const nlohmann::json& calendar) const;

  /// The clocks of `process` by name (`response`, `resolution`); empty when it has no targets.
  const std::vector<std::pair<std::string, sla_definition>>& clocks(std::string_view process) const;
  /// The processes this policy has targets for, by name.
  std::vector<std::string> processes() const;

  /// The JSON form this policy was made from.
  const nlohmann::json& to_json() const noexcept {
    static const nlohmann::json none;
    return json_ ? *json_ : none;
  }

 private:
  // Shared, never changed: copying a policy copies no JSON, so a copy that runs out of memory
  // destroys no half-built value (detail/json_release.hpp).
  std::shared_ptr<const nlohmann::json> json_;
  std::map<std::string, std::vector<std::pair<std::string, sla_definition>>, std::less<>> clocks_;
};

/// Checks that every process `policy` has targets for is a workflow `store` knows: a misspelt
/// process (`incidnet`) would otherwise measure nothing, silently. `not_found` naming it.
inline result<bool> check_policy_processes(const sla_policy& policy, const event_store& store);

/// How a report or an audit is printed.
enum class report_format {
  table,     ///< aligned plain text for a terminal
  markdown,  ///< Markdown tables
  csv,       ///< one CSV block per table
  json,      ///< the JSON form (`to_json`), indented
};

/// `table`, `markdown`, `csv` or `json`; anything else is `invalid_argument` naming the value.
inline result<report_format> parse_report_format(std::string_view name);

/// The service report over a set of tickets, measured at one instant.
class service_report {
 public:
  /// An empty report; open clocks and ages are measured at `now`.
  service_report(sla_policy policy, sys_seconds now);

  /// Folds in one ticket's figures as they stood at `now`: each ticket once; records after `now`
  /// are ignored and a ticket created after it is not counted.
  void add(const ticket& t);
  /// Counts one refused event line (by process, event and code) for the top refused events.
  void add_refusal(const event_outcome& refused);
  /// Adds the data-quality counts of the lines these tickets came from (`event_store::quality`).
  void add_quality(const data_quality& quality);

  /// Adds a report over a disjoint set of tickets (and their events): afterwards this is exactly
  /// the report of both. Tickets that read one another (an audit engagement and the findings
  /// that name it) must be on one side (docs/report-and-audit.md, "Partial reports"). Refused with `invalid_argument`, changing nothing, when the two were
  /// measured at different instants or against different policies.
  result<bool> merge(const service_report& other);

  /// The report as JSON: `now` (null when there are no events), `events`, `applied`, `refused`,
  /// `tickets`, `processes` (per process: "all" first, then each priority), `backlog`,
  /// `time_in_state`, `changes`, `top_refusals`, `data_quality` (docs/report-and-audit.md lists
  /// every member).
  nlohmann::json to_json() const;
  /// The report printed as `format` (`json` is `to_json()` indented by two, with a newline).
  std::string render(report_format format) const;

  /// Everything this report has accumulated, as JSON (docs/report-and-audit.md, "Partial
  /// reports"): the form in which a report over some of the tickets travels to another process
  /// (Python's pickle, a Dask worker) to be merged there. Unlike `to_json`, it keeps every
  /// duration, so that medians and percentiles of merged reports stay exact.
  nlohmann::json state() const;
  /// The report whose `state()` is `state`: it prints, compares and merges exactly as the
  /// original. A malformed state is `invalid_argument` naming the member; so is a policy that
  /// does not load.
  static result<service_report> from_state(const nlohmann::json& state);

  sys_seconds now() const noexcept { return now_; }
  const sla_policy& policy() const noexcept { return policy_; }
  const data_quality& quality() const noexcept { return quality_; }

 private:
  /// Clock outcomes of one SLA over a group of tickets.
  struct clock_tally {
    std::size_t met = 0, breached = 0, in_progress = 0, cancelled = 0, no_target = 0;
  };
  /// One (process, priority) group. Durations are kept whole (seconds) so that merged reports
  /// give the same statistics as one report over all the tickets.
  struct group {
    std::size_t tickets = 0, resolved = 0, reopened = 0;
    std::vector<std::int64_t> response, resolution;
    std::map<std::string, clock_tally> clocks;  // by clock name
  };
  using process_key = std::pair<std::string, std::string>;
  /// Whether anything was measured: a report of no events has no instant to speak of.
  bool measured() const noexcept { return tickets_ > 0 || quality_.applied + quality_.refused > 0; }

  sla_policy policy_;
  sys_seconds now_;
  data_quality quality_;
  std::size_t tickets_ = 0;
  std::map<process_key, group> groups_;                          // (process, priority or "all")
  std::map<process_key, std::size_t> backlog_;                   // (process, age bucket)
  std::map<process_key, std::vector<std::int64_t>> state_seconds_;  // (process, state)
  std::map<std::string, std::map<std::string, std::size_t>> changes_;  // process -> outcome
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> refused_;  // (process, event, code)
};

/// The report of every ticket and refused line of `store`, measured at `now` (by default the
/// time of the store's latest record), with the store's data quality; `progress` hears of the
/// tickets done (phase `report`).
inline service_report make_report(const event_store& store, const sla_policy& policy = sla_policy::builtin(),
                                  std::optional<sys_seconds> now = std::nullopt, const progress_fn& progress = {});

}  // namespace v1
}  // namespace itsm

#include "itsm/detail/report_impl.hpp"
