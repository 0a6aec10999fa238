#pragma once
/// \file
/// Tickets: one instance of a workflow (its state, fields, pending approvals and history).
///
/// Every operation either applies completely or not at all: a refused or failed call returns
/// an `outcome` that says why, machine-readably (`errc`) and in words, and leaves the ticket
/// exactly as it was. A ticket is a value: copy it, keep millions of them; it shares its
/// immutable workflow. One thread at a time may use a given ticket.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "itsm/detail/json_release.hpp"
#include "itsm/detail/json_util.hpp"
#include "itsm/error.hpp"
#include "itsm/sla.hpp"
#include "itsm/time.hpp"
#include "itsm/workflow.hpp"

namespace itsm {
inline namespace v1 {

/// Who does something: a name (what histories and segregation of duties compare) and roles.
struct actor {
  std::string name;
  std::vector<std::string> roles;
  /// False for importers and system jobs whose events were authorized elsewhere (replaying a
  /// log whose events carry no roles): role checks are skipped, everything else still applies.
  bool check_roles = true;

  /// An actor whose roles are not checked.
  static actor trusted(std::string name) {
    actor a;
    a.name = std::move(name);
    a.check_roles = false;
    return a;
  }
  bool has_role(std::string_view role) const noexcept {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
};

/// What a history record stands for.
enum class record_kind : std::uint8_t {
  create,      ///< the ticket was created (from: none)
  transition,  ///< a transition fired (including rejections)
  update,      ///< fields changed without a transition (say, a new hold reason while on hold)
  approve,     ///< an approval was given towards the transition `transition`
};

/// One entry of a ticket's history. Records are appended, never changed.
struct history_record {
  std::uint64_t seq = 0;  ///< 1, 2, 3, ... per ticket
  sys_seconds at{};
  std::string actor;
  record_kind kind = record_kind::transition;
  std::uint8_t priority = 0;  ///< the ticket's priority after this record (0: none)
  workflow::index transition = workflow::npos;  ///< for `transition` and `approve`
  workflow::index from = workflow::npos;        ///< npos for `create`
  workflow::index to = workflow::npos;
  nlohmann::json changes;  ///< the fields this record changed: new values, null = removed
  std::string comment;
};

/// The answer to fire / move_to / approve / reject / update. `code` is `errc::ok` on success;
/// otherwise the ticket is unchanged and the members below say why.
struct outcome {
  errc code = errc::ok;
  std::string message;                ///< one sentence naming the transition, field or actor
  std::string state;                  ///< the ticket's state (on `not_allowed_from_state`)
  std::vector<std::string> allowed;   ///< transitions allowed from that state
  std::vector<std::string> missing;   ///< missing fields (on `missing_fields`)
  int approvals = 0;                  ///< valid approvals so far (on `approvals_pending`)
  int approvals_needed = 0;           ///< ... of this many
  std::string guard;                  ///< the guard that refused (on `guard_failed`)
  /// On `role_denied`: the actor's roles and the roles that would have let it (the transition's,
  /// or the approver role of the rule an approval or a veto answers to). Both are filled, even
  /// when empty, so a caller can tell "holds none" from "not reported".
  std::vector<std::string> actor_roles;
  std::vector<std::string> allowed_roles;
  std::string fired;                  ///< approve: the transition it fired by itself, if any
  std::vector<std::string> action_errors;  ///< actions that threw after commit (code stays ok)

  bool ok() const noexcept { return code == errc::ok; }
  explicit operator bool() const noexcept { return ok(); }
  error to_error() const { return error{code, message}; }
};

class ticket;

namespace detail {
/// Whether a ticket is running its host's guards or actions. It belongs to the object, not to its
/// value: a copy made meanwhile (a clone a guard takes) is not running, and assigning another
/// ticket's value to a running one leaves it running.
struct running_flag {
  bool on = false;
  running_flag() = default;
  running_flag(const running_flag&) noexcept {}
  running_flag& operator=(const running_flag&) noexcept { return *this; }
};
}  // namespace detail

/// The message of an `errc::busy` refusal: `call` (fire, ..., or a C function's name) `did`
/// ("changed", "freed") ticket `id` from one of its own guards or actions. For hosts that refuse
/// such a call before it reaches the ticket (the C ABI, the Python binding), so that every layer
/// says it in the same words.
inline std::string busy_message(std::string_view call, std::string_view id, std::string_view did = "changed") {
  return "busy: " + std::string(call) + ": ticket " + std::string(id) +
         " is running one of its own guards or actions; it may not be " + std::string(did) + " until they return";
}

/// What a guard sees: the ticket before the change, the transition, the actor, the time and
/// the fields as they would be after the change. Guards cannot change the ticket: one that tries
/// (through a reference of its own) is refused with `errc::busy`, and so is an action.
struct guard_context {
  const ticket& subject;
  const transition_def& transition;
  const actor& who;
  sys_seconds at;
  const nlohmann::json& fields_after;
};

/// A guard returns nothing to allow, or the reason it refuses.
using guard_fn = std::function<std::optional<std::string>(const guard_context&)>;
/// An action runs after commit with the ticket and the record just appended.
using action_fn = std::function<void(const ticket&, const history_record&)>;

/// The host's guards and actions, by the names definitions use. A guard a transition names but
/// the hooks lack refuses (fail closed); an action that is not registered is skipped.
class hooks {
 public:
  hooks& guard(std::string name, guard_fn fn) {
    guards_[std::move(name)] = std::move(fn);
    return *this;
  }
  hooks& action(std::string name, action_fn fn) {
    actions_[std::move(name)] = std::move(fn);
    return *this;
  }
  const guard_fn* find_guard(std::string_view name) const {
    auto it = guards_.find(name);
    return it == guards_.end() ? nullptr : &it->second;
  }
  const action_fn* find_action(std::string_view name) const {
    auto it = actions_.find(name);
    return it == actions_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, guard_fn, std::less<>> guards_;
  std::map<std::string, action_fn, std::less<>> actions_;
};

/// An approval given in the current state (approvals are cleared when the state changes).
struct approval {
  std::string actor;
  std::string role;
  sys_seconds at{};
};

/// A ticket following one workflow.
class ticket {
 public:
  /// Creates a ticket in the workflow's initial state. The initial state's required fields
  /// must be among `fields`; unknown fields or values outside a field's set are refused.
  static result<ticket> create(workflow_ptr wf, std::string id, const actor& who, sys_seconds at,
                               const nlohmann::json& fields = detail::empty_json_object(),
                               std::string_view comment = {});

  /// Fires transition `transition_id` from the current state: that transition, whatever its kind.
  /// Checks, in order (docs/workflows.md, "Operations and their checks"): the time
  /// (`time_went_backwards`), the transition (`unknown_transition`, `not_allowed_from_state`),
  /// the history and comment limits, the actor (roles; a `reject`-kind transition is a veto, so
  /// also the approver's role and exclusions), the fields (bad values, `missing_fields`),
  /// independence (`segregation_of_duties`), approvals, the number of fields, then the host's
  /// guards; on success merges `fields` (null removes a field), appends one history record and
  /// runs the actions.
  ///
  /// Every operation that changes the ticket (fire, move_to, approve, reject, update) is refused
  /// first of all with `errc::busy` while the ticket runs one of its own guards or actions
  /// (`busy()`): a guard judges the ticket as it is, and the change it allows commits over that
  /// ticket, so a change made meanwhile would be overwritten or committed from the wrong state.
  /// Reading the ticket from there is fine.
  outcome fire(std::string_view transition_id, const actor& who, sys_seconds at,
               const nlohmann::json& fields = detail::empty_json_object(), std::string_view comment = {},
               const hooks* host = nullptr);

  /// Fires the single transition from the current state into `state` (for imports that record
  /// states, not events). Checks the time first, then the state (`not_found`). Among several
  /// transitions there, those the actor may fire (as `allowed` judges) are kept, then rejections
  /// are dropped; more than one left is `ambiguous`. The one left goes through `fire`'s checks.
  /// Moving to the state the ticket is already in is a field update (`update`), never a
  /// self-loop transition: an imported log that repeats a state records other changes, not an
  /// event.
  outcome move_to(std::string_view state, const actor& who, sys_seconds at,
                  const nlohmann::json& fields = detail::empty_json_object(), std::string_view comment = {},
                  const hooks* host = nullptr);

  /// Records `who`'s approval for the transition leaving the current state that needs
  /// approvals (the first whose approver role `who` holds). Checks the time first; refused when
  /// nothing here needs approvals, when `who` lacks the approver role, is named in one of the
  /// rule's `exclude` fields, or has already approved. When the rule is automatic and this was
  /// the last approval needed, the transition fires too (`outcome::fired`), as `who` without a
  /// role check; if that firing is refused the approval still stands.
  outcome approve(const actor& who, sys_seconds at, std::string_view comment = {},
                  const hooks* host = nullptr);

  /// Fires the current state's first rejection transition (`"kind": "reject"`): a veto, so `who`
  /// needs the approver role of the state's approval rule (if any), must not be named in its
  /// `exclude` fields, and must hold one of the transition's own roles (if it lists any).
  outcome reject(const actor& who, sys_seconds at, const nlohmann::json& fields = detail::empty_json_object(),
                 std::string_view comment = {}, const hooks* host = nullptr);

  /// Changes fields without a transition; the current state's required fields must stay, and a
  /// ticket in a terminal state no longer changes (`not_allowed_from_state`). Changing nothing
  /// appends nothing (the ticket's last time stays where it was).
  outcome update(const actor& who, sys_seconds at, const nlohmann::json& fields,
                 std::string_view comment = {});

  /// The transitions `who` may fire now: those leaving the current state whose actor checks
  /// `who` passes (roles; for `reject`-kind ones also the approver's role and exclusions, judged
  /// on the fields as the transition alone would leave them). What a call brings or the host
  /// decides (fields, approvals, guards) is not checked.
  std::vector<std::string> allowed(const actor& who) const;

  /// True while the ticket runs its host's guards or actions (see `fire`): changing it now is
  /// refused with `errc::busy`. The C ABI also refuses to free it then.
  bool busy() const noexcept { return running_.on; }

  const std::string& id() const noexcept { return id_; }
  const workflow& definition() const noexcept { return *wf_; }
  const workflow_ptr& definition_ptr() const noexcept { return wf_; }
  workflow::index state_index() const noexcept { return state_; }
  const std::string& state() const { return wf_->state(state_).id; }
  state_category category() const { return wf_->state(state_).category; }
  bool is_terminal() const { return wf_->state(state_).terminal; }
  /// 1..N from the `priority` field or impact x urgency; 0 when neither is set.
  int priority() const noexcept { return priority_; }
  /// The fields as a JSON object (never null).
  const nlohmann::json& fields() const noexcept { return fields_.is_null() ? detail::empty_json_object() : fields_; }
  const std::vector<approval>& approvals() const noexcept { return approvals_; }
  const std::vector<history_record>& history() const noexcept { return history_; }

  /// One record as JSON: `{"seq", "at", "actor", "transition", "from", "to", "changes",
  /// "priority", "comment"?}` with state and transition ids (`create`, `update`, `approve`
  /// for the engine's own records).
  nlohmann::json record_to_json(const history_record& r) const;

  /// The history as SLA clock input (`itsm::evaluate`): each record's time, state, the state's
  /// category and the priority as `"P<n>"` (empty when none), so on-hold (`waiting`) states
  /// pause the clocks and priority changes swap targets.
  std::vector<ticket_event> sla_history() const;

  /// The whole ticket as JSON; `restore(wf, snapshot())` gives an equal ticket.
  nlohmann::json snapshot() const;

  /// Rebuilds a ticket from a snapshot, checking it against `wf`; runs no guard or action.
  static result<ticket> restore(workflow_ptr wf, const nlohmann::json& snapshot);
  static result<ticket> restore(workflow_ptr wf, std::string_view snapshot_text);
  static result<ticket> restore(workflow_ptr wf, const std::string& snapshot_text) {
    return restore(std::move(wf), std::string_view(snapshot_text));
  }
  static result<ticket> restore(workflow_ptr wf, const char* snapshot_text) {
    return restore(std::move(wf), std::string_view(snapshot_text ? snapshot_text : ""));
  }

  /// Re-applies a history (the `history` array of a snapshot, or a snapshot itself) to a fresh
  /// ticket, checking every step against `wf` (roles are not checked: they were, when the
  /// events happened; guards and actions do not run). The result's snapshot equals the
  /// original's when the history is the ticket's own.
  static result<ticket> replay(workflow_ptr wf, std::string id, const nlohmann::json& history);

  /// The history as JSON Lines, each record carrying `ticket`, `workflow`, the `prev` record's
  /// hash and its own `hash` (SHA-256 over `prev` and the record), so that removing, reordering
  /// or editing any record shows in `verify_history`.
  std::string export_history() const;

  /// Copies and destruction never fail halfway: a copy that runs out of memory releases what it
  /// built and throws std::bad_alloc, and destroying a ticket allocates nothing (nlohmann's
  /// destruction of nested values would; detail/json_release.hpp).
  ticket(const ticket& other);
  ticket& operator=(const ticket& other) {
    if (this != &other) *this = ticket(other);
    return *this;
  }
  ticket(ticket&&) noexcept = default;
  ticket& operator=(ticket&& other) noexcept {
    if (this != &other) {
      release_json();
      wf_ = std::move(other.wf_);
      id_ = std::move(other.id_);
      state_ = other.state_;
      priority_ = other.priority_;
      fields_ = std::move(other.fields_);  // fields_ was released: the old value frees without allocating
      approvals_ = std::move(other.approvals_);
      history_ = std::move(other.history_);
    }
    return *this;
  }
  ~ticket() { release_json(); }

 private:
  ticket() = default;
  /// Empties the fields and the records' changes so that freeing them allocates nothing.
  void release_json() noexcept {
    for (auto& r : history_) detail::json_release(r.changes);
    detail::json_release(fields_);
  }
  /// Makes room for one more record, so that the commit's push_back cannot fail.
  void reserve_record();
  /// `restore` once the snapshot's text is known to be UTF-8 (parsed text always is).
  static result<ticket> restore_parsed(workflow_ptr wf, const nlohmann::json& snapshot);
  enum class check_mode { full, replay };
  /// Fires transition `t` from the third check on: the caller has checked the time and that `t`
  /// leaves the current state.
  outcome apply(workflow::index t, const actor& who, sys_seconds at, const nlohmann::json& fields,
                std::string_view comment, const hooks* host, check_mode mode);
  /// Records an approval for `t`; the caller has checked the time.
  outcome add_approval(workflow::index t, const actor& who, sys_seconds at, std::string_view comment,
                       bool check_roles);
  /// Fills `out` with `not_allowed_from_state`, the state and the transitions leaving it.
  void refuse_not_allowed(outcome& out, const std::string& why) const;
  /// Fills `out` (`time_went_backwards`) and returns true when `at` is older than the last record.
  /// Every call checks this first, so a back-dated event is refused for its time whatever else
  /// is wrong with it.
  bool refuse_if_before_last(sys_seconds at, outcome& out) const;
  /// Fills `out` (`busy`, naming `call`) and returns true while the ticket runs its own guards or
  /// actions. Every changing call checks this before anything else.
  bool refuse_if_busy(std::string_view call, outcome& out) const;
  /// Runs `body` (the guards, or the actions) with the ticket marked busy.
  template <class Body>
  void while_busy(Body&& body);
  /// Fills `out` and returns true when no record can be appended: the history is at its limit,
  /// the comment is too long (`limit_exceeded`), the actor's name or the comment is not UTF-8
  /// (`invalid_argument`). The time is checked apart, first.
  bool refuse_if_cannot_append(const actor& who, std::string_view comment, outcome& out) const;
  /// The transition leaving the current state whose approval rule `who` answers to: the first
  /// whose rule's role `who` holds (any when trusted), else the last with a rule; npos when none
  /// has one. Approving and rejecting (an approver's veto) both route through it.
  workflow::index approval_transition_for(const actor& who) const;
  /// The checks that depend on who fires `t` (what `allowed` lists by): the transition's roles
  /// and, for a `reject`-kind transition, the approver's role and the rule's `exclude` fields,
  /// read through `lookup` (the fields as they would be). Fills `out` and returns true on a
  /// refusal (`role_denied`, `segregation_of_duties`).
  template <class Lookup>
  bool refuse_if_actor_may_not(workflow::index t, const actor& who, Lookup&& lookup, outcome& out) const;
  /// Records in `changes` each of `incoming`'s values that differs from the current fields.
  void collect_changes(const nlohmann::json& incoming, nlohmann::json& changes,
                       const nlohmann::json& skip = nlohmann::json()) const;
  /// The fields after `changes` (null values remove), leaving the ticket untouched.
  nlohmann::json fields_with(const nlohmann::json& changes) const;
  /// Valid approvals for `rule`: by its role and by nobody its `exclude` fields name (read
  /// through `lookup`, so a transition checks against the fields as they would be).
  template <class Lookup>
  int count_approvals(const approval_rule& rule, Lookup&& lookup) const;
  /// The record to append, built completely (the part of a commit that may throw). Its changes
  /// are taken from `changes`.
  history_record make_record(record_kind kind, const actor& who, sys_seconds at, workflow::index transition,
                             workflow::index from, workflow::index to, nlohmann::json& changes,
                             std::string_view comment, std::uint8_t priority) const;

  workflow_ptr wf_;
  std::string id_;
  workflow::index state_ = 0;
  std::uint8_t priority_ = 0;
  nlohmann::json fields_;  // null until the first field
  std::vector<approval> approvals_;
  std::vector<history_record> history_;
  detail::running_flag running_;
};

/// An outcome as JSON: `{"code", "message", "state"?, "allowed"?, "missing"?, "approvals"?,
/// "approvals_needed"?, "guard"?, "fired"?, "action_errors"?}`, `code` by name (`"ok"`,
/// `"missing_fields"`, ...); members that do not apply are left out, except that
/// `not_allowed_from_state` always carries `allowed` (empty from a terminal state).
inline nlohmann::json to_json(const outcome& o);

/// What `verify_history` found in a hash-chained export.
struct chain_report {
  std::size_t records = 0;  ///< records verified (all of them when the chain holds)
  std::size_t tickets = 0;  ///< distinct tickets in the file
};

/// Recomputes the hash chain of `export_history` output (several tickets may share a file;
/// each has its own chain). Fails with `errc::tampered` naming the first bad line (1-based) and
/// what is wrong there: an edited record, a removed or reordered one, a broken sequence.
inline result<chain_report> verify_history(std::string_view jsonl);

}  // namespace v1
}  // namespace itsm

#include "itsm/detail/ticket_ops.hpp"
#include "itsm/detail/ticket_json.hpp"
#include "itsm/detail/history_chain.hpp"
