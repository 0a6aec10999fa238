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
///
/// A whole log is read with `read_events` (or `read_event_file`): a line that is not an event
/// line at all (not UTF-8, not JSON, not an object) is an input error naming the line, and
/// nothing is applied; each ticket's events are applied in time order; events after `now` are
/// left out. What the read found is its `data_quality`, which reports and audits carry.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
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

/// A line of an event log that is not an event line: its number and why (`not UTF-8 (byte 3 of
/// the line)`, `not JSON (syntax error at byte 12)`, `not a JSON object (an array)`).
struct bad_line {
  std::size_t line = 0;
  std::string cause;
};

/// What was read from an event log and what became of it (docs/report-and-audit.md, "Data
/// quality"). Every non-blank line read is exactly one of skipped, after `now`, applied or
/// refused. Counts over disjoint sets of tickets add up (`merge`) to those of the whole.
struct data_quality {
  std::size_t read = 0;       ///< non-blank lines read
  std::size_t skipped = 0;    ///< lines that were not event lines, skipped (`skip_bad_lines`)
  std::vector<bad_line> skipped_lines;  ///< those lines, by line number
  std::size_t after_now = 0;  ///< event lines later than the read's `now`, not applied
  std::size_t applied = 0;
  std::size_t refused = 0;
  std::map<std::string, std::size_t> refused_by_code;  ///< by `to_string(errc)`
  /// Events applied out of file order: per ticket, the fewest of its events whose moving puts
  /// the file's order into the time order they were applied in.
  std::size_t reordered = 0;
  std::size_t creates_refused = 0;  ///< tickets named by a refused create and never created

  /// Adds the counts of a disjoint part of the log (lines and tickets no other part has).
  void merge(const data_quality& other);
  /// Every member above, under its name; `skipped_lines` as `[{"line", "cause"}]`.
  nlohmann::json to_json() const;
  /// The counts back from `to_json()`'s form (a partial report's state, `service_report::state`);
  /// a missing or malformed member is `invalid_argument` naming it.
  static result<data_quality> from_json(const nlohmann::json& j);
  /// Why a strict reading (`itsmctl --strict`) fails: "" when nothing was refused or skipped,
  /// else one sentence with the counts.
  std::string strict_failure() const;
  /// A warning for people reading a report, "" when there is none: more than 5 % of the event
  /// lines were refused, so the figures describe only part of the log.
  std::string warning() const;
};

/// The order `read_events` applies a log's events in.
enum class event_order {
  /// By `at`, a stable sort: each ticket's events in time order. Events of one instant: a create
  /// first, then by `seq` (an export's update counter) where lines have one, then in file order.
  /// Real exports are rarely sorted.
  time,
  file,  ///< as the lines come
};

/// How `read_events` reads a log. JSON form (for hosts and the C ABI):
/// `{"order": "time"|"file", "now": "<RFC 3339>"|null, "skip_bad_lines": false}`, every key optional.
struct read_options {
  event_order order = event_order::time;
  /// Events later than this are not applied (counted as `after_now`): the log as it stood then.
  std::optional<sys_seconds> now;
  /// Count, list and skip lines that are not event lines, instead of failing the read.
  bool skip_bad_lines = false;

  /// The options from their JSON form; errors name the key.
  static result<read_options> from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

/// Progress of long work, for a progress bar: the phase (`read`, `sort`, `apply`, `report`,
/// `audit`, ...), how much of it is done and its total (0 when not known). Called now and then,
/// not for every item.
using progress_fn = std::function<void(std::string_view phase, std::uint64_t done, std::uint64_t total)>;

/// What a host wants to hear while a log is read; each may be empty.
struct read_callbacks {
  std::function<void(const event_outcome&)> outcome;  ///< each event, in the order applied
  std::function<void(const bad_line&)> skipped;       ///< each line skipped
  progress_fn progress;
};

namespace detail {
struct event_store_access;
}

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
  /// What every line given so far (by `apply` and by reads) came to.
  data_quality quality() const;
  /// The time of the latest history record of any ticket (the epoch when there is none): the
  /// default "now" of reports and audits.
  sys_seconds last_event_time() const;

 private:
  friend struct detail::event_store_access;  // the reads count what `apply` cannot see
  struct state;
  std::unique_ptr<state> state_;
};

/// Reads a whole event log from `in` into `store` (`source` names it in errors) and returns what
/// this read found. A line that is not an event line is `parse_error` naming `source`, the line
/// and the cause, and nothing of the log is applied, unless `options.skip_bad_lines`. A failed
/// read of `in` is `parse_error` too. The lines are held until all are read (the time order needs
/// them all). A read that throws (`std::bad_alloc`, or a callback's exception) leaves the store
/// as it was before it: the tickets, refusals, counts and the schedule's bookings the read's
/// actions made are undone (a host's own hooks' side effects are the host's). Undoing needs a
/// copy of each ticket the read changes that existed before it, made before its first change;
/// a read into an empty store copies nothing.
inline result<data_quality> read_events(event_store& store, std::istream& in, const std::string& source,
                                        const read_options& options = {}, const read_callbacks& callbacks = {});

/// One line of a log with its number in it.
struct numbered_line {
  std::size_t line = 0;
  std::string text;
};

/// `read_events` over lines given with their numbers in the whole log, in increasing order (else
/// `invalid_argument`, nothing applied): a part of a log split by ticket (one Dask partition)
/// reads exactly as those lines read within the whole file (the same order of events of one
/// instant, the same line numbers in refusals and in `skipped_lines`, the same `reordered`), so
/// the reports of the parts merge into the report of the whole. One difference: a line without
/// a valid time (refused either way) sorts after the line before it in `lines`, which in a part
/// may be another line than in the whole, so `reordered` may count it differently.
inline result<data_quality> read_event_lines(event_store& store, const std::vector<numbered_line>& lines,
                                             const std::string& source, const read_options& options = {},
                                             const read_callbacks& callbacks = {});

/// `read_events` over the file `path`: one that cannot be opened, or is a directory, is
/// `not_found` or `invalid_argument` naming it.
inline result<data_quality> read_event_file(event_store& store, const std::string& path,
                                            const read_options& options = {}, const read_callbacks& callbacks = {});

}  // namespace v1
}  // namespace itsm

#include "itsm/detail/event_impl.hpp"
#include "itsm/detail/event_read.hpp"
