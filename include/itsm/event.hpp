#pragma once
/// \file
/// Event lines and the event store.
///
/// An event line is one JSON object naming a ticket, a time and one thing that happened to it:
/// its creation, a transition fired by id, a state reached (`to`, through `move_to`), an approval,
/// a rejection or a field update (docs/events.md). An `event_store` keeps one ticket per id and
/// applies lines to them through the workflows it knows (the built-in ones, plus any added), with
/// the host guards a replay needs. Every line is answered with an `event_outcome`: the ticket
/// call's `outcome` and where it came from; `to_json` of a refused one is the refusal line that
/// `itsmctl replay` prints. Reports (`itsm/report.hpp`) and audits (`itsm/audit.hpp`) read a store.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/change_schedule.hpp"
#include "itsm/error.hpp"
#include "itsm/ticket.hpp"
#include "itsm/time.hpp"
#include "itsm/workflow.hpp"

namespace itsm {
inline namespace v1 {

/// What one event line did: the ticket call's answer and the line's context.
struct event_outcome {
  outcome result;        ///< `errc::ok` when the line applied; otherwise why not (nothing changed)
  std::string ticket;    ///< the ticket the line names ("" when it names none)
  std::size_t line = 0;  ///< the line number given to `event_store::apply`
  std::string workflow;  ///< the ticket's workflow ("" when not known)
  /// What the line asked for: `create`, `transition <id>`, `to <state>`, `approve`, `reject` or
  /// `update` ("" when the line could not be read that far).
  std::string event;

  bool ok() const noexcept { return result.ok(); }
  explicit operator bool() const noexcept { return ok(); }
};

/// The refusal line: `to_json(result)` plus `ticket` (null when none), `line`, and `workflow` and
/// `event` when known.
inline nlohmann::json to_json(const event_outcome& e);

/// Counts of the lines an event store was given.
struct event_counts {
  std::size_t events = 0;   ///< lines applied or refused (blank lines are not events)
  std::size_t applied = 0;
  std::size_t refused = 0;
};

/// Tickets by id, built by applying event lines. Movable, not copyable (its host guards refer
/// to its tickets).
class event_store {
 public:
  /// A store that knows the built-in workflows, with the host guards every replay needs:
  /// `all_findings_closed` (an audit engagement closes only when every `audit_finding` whose
  /// field `engagement` names it is closed) and the change processes' schedule guard and
  /// actions over an empty schedule (no freezes; overlaps reported).
  event_store();
  event_store(event_store&&) noexcept = default;
  event_store& operator=(event_store&&) noexcept = default;
  event_store(const event_store&) = delete;
  event_store& operator=(const event_store&) = delete;
  ~event_store() = default;

  /// Makes `wf` known by its name to later `create` events (replacing a built-in of that name).
  void add_workflow(workflow_ptr wf);
  /// The workflow known by `name`, or nullptr.
  const workflow_ptr* find_workflow(std::string_view name) const;

  /// Checks planned changes against `schedule`'s freezes and bookings from now on.
  void use_schedule(const change_schedule& schedule);
  /// The host guards and actions the tickets run with; a host may add its own.
  hooks& host() noexcept;
  const hooks& host() const noexcept;

  /// Applies one event line; `line` is its number, carried into the answer. A line that is not a
  /// JSON object, has an unknown key, or does not fit the event-line form is refused like an
  /// event the workflow does not allow (nothing changes; the answer says why).
  event_outcome apply(std::string_view text, std::size_t line);

  /// The tickets, by id.
  const std::unordered_map<std::string, ticket>& tickets() const noexcept;
  /// The ticket `id`, or nullptr.
  const ticket* find(std::string_view id) const;

  /// Every refused line so far, in the order given.
  const std::vector<event_outcome>& refusals() const noexcept;
  /// How many lines were applied and refused.
  const event_counts& counts() const noexcept;
  /// The time of the latest history record of any ticket (the epoch when there is none): the
  /// default "now" of reports and audits.
  sys_seconds last_event_time() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace v1
}  // namespace itsm

#include "itsm/detail/event_impl.hpp"
