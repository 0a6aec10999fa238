#pragma once
/// \file
/// Change scheduling: a change's planned window checked against change freezes (blackout
/// periods) and against the other changes planned on the same configuration item.
///
/// The built-in change processes (`change_normal`, `change_standard`, `change_emergency`) name
/// the guard `change_schedule_clear` on the transition into `scheduled`, the action
/// `change_schedule_book` on it, and `change_schedule_release` on the transitions that end a
/// change's window (review, cancel). `change_schedule::install` registers all three on a
/// host's `hooks`; a host that registers nothing gets the engine's fail-closed refusal
/// (`guard_failed`, naming `change_schedule_clear`), never an unchecked schedule.
///
/// Thread safety: the freezes are fixed when the schedule is made; bookings are guarded by a
/// mutex, so one schedule may serve tickets fired from several threads.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/calendar.hpp"
#include "itsm/error.hpp"
#include "itsm/ticket.hpp"

namespace itsm {
inline namespace v1 {

/// A period in which changes may not be implemented: either one stretch [start, end) or the
/// working time of a calendar (recurring blackouts: weekend freezes, month-end closing, the
/// holidays of a calendar whose "working" time is the frozen time).
struct change_freeze {
  std::string name;
  sys_seconds start{};
  sys_seconds end{};
  std::optional<calendar> frozen_time;  ///< when set, `start` and `end` are not used
  /// Workflows whose changes may go ahead anyway (typically `change_emergency`).
  std::vector<std::string> exempt_workflows;
};

/// A change's planned window, as the schedule books it.
struct planned_change {
  std::string ticket;
  std::string workflow;
  std::string configuration_item;  ///< empty: overlaps are not looked for
  sys_seconds start{};
  sys_seconds end{};
};

/// One thing wrong with a planned window.
struct schedule_conflict {
  enum class kind : std::uint8_t { freeze, overlap };
  kind what = kind::freeze;
  std::string with;      ///< the freeze's name, or the other change's ticket id
  sys_seconds from{};    ///< the first stretch of the window that is frozen or shared ...
  sys_seconds to{};      ///< ... and its end
  std::string message;   ///< one sentence naming both
};

namespace detail {
struct change_schedule_access;
}

/// Freezes plus the changes booked so far. A value-like handle: copies share the bookings.
class change_schedule {
 public:
  /// What an overlap on the same configuration item does: reported by `check` and `book`
  /// (the default, as ServiceNow's conflict detection does) or refused by the guard.
  enum class overlap_policy : std::uint8_t { report, refuse };

  /// An empty schedule: no freezes, overlaps reported.
  change_schedule() : change_schedule(std::vector<change_freeze>{}, overlap_policy::report, 0) {}

  /// Checks the freezes (a name each, start before end) and makes the schedule.
  static result<change_schedule> create(std::vector<change_freeze> freezes,
                                        overlap_policy overlaps = overlap_policy::report);

  /// The JSON form: `{"freezes": [{"name", "start", "end", "exempt"?: [workflow names]} |
  /// {"name", "calendar": {calendar JSON}, "exempt"?}], "overlaps"?: "report" | "refuse"}`.
  /// Instants carry an offset (`Z` or `+HH:MM`). Errors name the path (`freezes[2].end`).
  static result<change_schedule> from_json(const nlohmann::json& j);
  static result<change_schedule> parse(std::string_view text);

  const std::vector<change_freeze>& freezes() const noexcept { return shared_->freezes; }
  overlap_policy overlaps() const noexcept { return shared_->overlaps; }

  /// A change's planned window from its fields `planned_start`, `planned_end` (instants with
  /// an offset) and `configuration_item`. Errors name the field and the value.
  static result<planned_change> plan_of(const std::string& ticket_id, const std::string& workflow_name,
                                        const nlohmann::json& fields);
  static result<planned_change> plan_of(const ticket& change) {
    return plan_of(change.id(), change.definition().name(), change.fields());
  }

  /// Every freeze the window meets (unless its workflow is exempt) and every booked change
  /// of another ticket on the same configuration item whose window it shares, in that order.
  std::vector<schedule_conflict> check(const planned_change& plan) const;

  /// Books the window (replacing the ticket's earlier booking) and returns its overlaps.
  std::vector<schedule_conflict> book(planned_change plan);
  /// Removes the ticket's booking; false when it had none.
  bool release(std::string_view ticket_id);
  /// The booked changes, in booking order.
  std::vector<planned_change> bookings() const;

  /// Registers the guard `change_schedule_clear` (refuses an unreadable window, a window that
  /// meets a freeze, and an overlap under `overlap_policy::refuse`) and the actions
  /// `change_schedule_book` and `change_schedule_release`. The hooks share this schedule's
  /// bookings, so they stay valid after the schedule object itself is gone.
  void install(hooks& host) const;

 private:
  friend struct detail::change_schedule_access;  // an event store's read undoes its bookings
  struct state {
    std::vector<change_freeze> freezes;
    overlap_policy overlaps = overlap_policy::report;
    mutable std::mutex mutex;
    std::vector<planned_change> booked;
  };
  change_schedule(std::vector<change_freeze> freezes, overlap_policy overlaps, int)
      : shared_(std::make_shared<state>()) {
    shared_->freezes = std::move(freezes);
    shared_->overlaps = overlaps;
  }
  static std::vector<schedule_conflict> freeze_conflicts(const state& s, const planned_change& plan);
  static std::vector<schedule_conflict> overlaps_with(const std::vector<planned_change>& booked,
                                                      const planned_change& plan);

  std::shared_ptr<state> shared_;
};

}  // namespace v1
}  // namespace itsm

#include "itsm/detail/change_schedule_impl.hpp"
