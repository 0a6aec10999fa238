/*
 * itsm C API: a small, stable C99 interface to the itsm library (libitsm.so).
 *
 * Conventions (libgit2, SQLite, zstd):
 *  - Functions return ITSM_OK (0) or a negative itsm_error_code; the details of the last failure
 *    on the calling thread are in itsm_error_last(). No function aborts or lets an exception
 *    escape on bad input; a failed call changes none of its arguments' objects.
 *  - Every call that fails sets the last error, those that return a pointer (NULL) or a number
 *    (-1) instead of a code included. A call returning a code sets ITSM_OK when it succeeds; the
 *    getters and the frees leave the last error alone when they succeed.
 *  - Objects are opaque handles created by itsm_<object>_<verb>(itsm_x **out, ...) and released
 *    by itsm_<object>_free(), which accepts NULL. A free given a handle that is not live (one of
 *    another kind, or one already freed whose memory has not been reused) does nothing and sets
 *    the last error (ITSM_EINVAL naming the argument).
 *  - Instants are int64_t seconds since the Unix epoch, UTC; durations are int64_t seconds;
 *    text is UTF-8.
 *
 *  - Text returned in a `char **out` is allocated by the library: release it with itsm_free().
 *  - Structured values (fields, history records, problems, refusal details) travel as JSON
 *    text, so the ABI does not change when they grow.
 *
 * Threads: calendars, SLA definitions and workflows are immutable once created and may be
 * shared by any number of threads without locking. A ticket and a hooks object are used by one
 * thread at a time (a ticket's calls never touch another ticket). A change schedule may be
 * shared: its bookings are locked. The last error is thread-local.
 */
#ifndef ITSM_H
#define ITSM_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/version.h"

#if defined(_WIN32)
#  if defined(ITSM_BUILDING_LIBRARY)
#    define ITSM_API __declspec(dllexport)
#  else
#    define ITSM_API __declspec(dllimport)
#  endif
#else
#  define ITSM_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes. Negative values are errors; they never change meaning once released. */
typedef enum itsm_error_code {
  ITSM_OK = 0,
  ITSM_EINVAL = -1,        /**< a value out of its domain (a time of 25:00, an unknown key) */
  ITSM_EPARSE = -2,        /**< text that is not JSON, or not of the expected shape */
  ITSM_ERANGE = -3,        /**< an instant outside the supported years (1900..2399) */
  ITSM_ENOWORKTIME = -4,   /**< the calendar has no working time where the answer would be */
  ITSM_EZONE = -5,         /**< an unknown time-zone name */
  ITSM_ENONEXISTENT = -6,  /**< a wall time inside a daylight-saving gap */
  ITSM_ENULL = -7,         /**< a required pointer argument was NULL */
  ITSM_ENOMEM = -8,        /**< out of memory */
  ITSM_EINTERNAL = -9,     /**< a bug in itsm; please report it */
  ITSM_EDEFINITION = -10,  /**< a workflow definition failed its checks */
  ITSM_EUNKNOWN_TRANSITION = -11, /**< no transition of that id in the workflow */
  ITSM_ENOT_ALLOWED = -12, /**< the transition exists, but not from the ticket's state */
  ITSM_EROLE = -13,        /**< the actor holds none of the transition's roles */
  ITSM_EMISSING_FIELDS = -14, /**< required fields are absent, null or empty */
  ITSM_EAPPROVALS = -15,   /**< approvals pending (fewer than the rule needs) */
  ITSM_EGUARD = -16,       /**< a host guard refused (or is not registered) */
  ITSM_ETIME_BACKWARDS = -17, /**< the event is older than the ticket's last record */
  ITSM_ESOD = -18,         /**< segregation of duties: this actor may not approve */
  ITSM_EAMBIGUOUS = -19,   /**< more than one transition leads to the requested state */
  ITSM_ENOT_FOUND = -20,   /**< an unknown name (workflow, state) */
  ITSM_ETAMPERED = -21,    /**< a hash-chained history that does not verify */
  ITSM_ELIMIT = -22,       /**< input beyond one of the limits (itsm_get_limits); the message names it */
  /** a ticket changed or freed from one of its own guards or actions (directly, or through
   *  another ticket's call they make): the call is refused, the ticket is unchanged, and the
   *  call running the guard or action goes on as if it had not been made */
  ITSM_EBUSY = -23
} itsm_error_code;

/** The last error on the calling thread. Owned by the library: never free it. */
typedef struct itsm_error {
  int code;            /**< an itsm_error_code; ITSM_OK when the last call succeeded */
  const char *message; /**< UTF-8, names the field and the value; never NULL */
  /** JSON object with the machine-readable details of a refused ticket call ("state",
   *  "allowed", "missing", "approvals", "approvals_needed", "guard"; on ITSM_EROLE
   *  "actor_roles" and "allowed_roles"), or of a successful one
   *  ("fired", "action_errors", "approvals", "message": what an approval did, e.g. why the
   *  transition it completed did not fire yet); "{}" when there are none. Never NULL. */
  const char *detail;
} itsm_error;

/** The last error of the calling thread; never NULL, valid until the thread's next itsm call. */
ITSM_API const itsm_error *itsm_error_last(void);

/** A short static description of a result code ("invalid argument", ...); never NULL. */
ITSM_API const char *itsm_strerror(int code);

/** The library's version as text ("0.1.0"), which may differ from the header's
 *  ITSM_VERSION_STRING when an application runs against a newer compatible libitsm.so. */
ITSM_API const char *itsm_version_string(void);

/** The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. */
ITSM_API int itsm_version_number(void);

/** Releases text the library returned through a `char **out`; NULL is accepted.
 *  Releasing the same text twice is undefined behaviour, as for free() (and libgit2's
 *  git_buf_dispose): the text is a plain malloc'd block the caller reads as any char *, so unlike
 *  a handle it carries no tag of the library's to check, and telling a second release from a
 *  first would take a registry of every text handed out (a lock and a table entry on every call
 *  that returns text). Set the pointer to NULL after releasing it. */
ITSM_API void itsm_free(void *text);

/** Limits on what input can make the library do (docs/reliability.md, "Limits"). Input beyond one is
 *  refused with ITSM_ELIMIT and a message naming it ("limits.json_depth = 64"); nothing changes.
 *  `size` must be sizeof(itsm_limits): the struct may grow at its end in later versions, and the
 *  library reads and writes only the members the caller's size covers. */
typedef struct itsm_limits {
  size_t size;              /**< sizeof(itsm_limits), set by the caller */
  size_t json_bytes;        /**< bytes of one JSON document (default 64 MiB) */
  size_t json_depth;        /**< nesting of arrays/objects in JSON or in a field value (64; at most 1000) */
  size_t field_bytes;       /**< one field value, id or comment, about its JSON length (1 MiB) */
  size_t fields;            /**< fields on one ticket (1024) */
  size_t history;           /**< history records of one ticket (1,000,000) */
  size_t intervals_per_day; /**< working intervals on one calendar day (96) */
  size_t holidays;          /**< holiday rules of one calendar (10,000) */
  size_t overrides;         /**< override dates of one calendar (100,000) */
} itsm_limits;

/** Fills *out (set out->size first) with the limits in force. */
ITSM_API int itsm_get_limits(itsm_limits *out);

/** Replaces the process-wide limits; a zero member means that limit's default. Call it at
 *  start-up: a thread parsing at the same moment may see some old and some new values. */
ITSM_API int itsm_set_limits(const itsm_limits *limits);

/* ------------------------------------------------------------------------------------------
 * Business calendars
 * ---------------------------------------------------------------------------------------- */

/** An immutable business calendar (working hours, holidays, overrides, time zone). */
typedef struct itsm_calendar itsm_calendar;

/** Loads a calendar from its JSON form (`len` bytes of UTF-8 at `json`; need not be
 *  NUL-terminated). On success *out owns a new calendar; on failure *out is set to NULL. */
ITSM_API int itsm_calendar_from_json(itsm_calendar **out, const char *json, size_t len);

/** Releases a calendar; NULL is accepted and ignored. */
ITSM_API void itsm_calendar_free(itsm_calendar *cal);

/** *out = the instant `seconds` of business time after `start` (before it when negative), with
 *  the default conventions (at_close "close", dst "elapsed") and no pauses. */
ITSM_API int itsm_calendar_add(const itsm_calendar *cal, int64_t start, int64_t seconds,
                               int64_t *out);

/** *out = signed business seconds in [start, end) (negative when end < start), with the
 *  default conventions and no pauses. */
ITSM_API int itsm_calendar_between(const itsm_calendar *cal, int64_t start, int64_t end,
                                   int64_t *out);

/** How at_close and dst conventions are chosen (docs/calendars.md, "Conventions"). */
typedef enum itsm_at_close {
  ITSM_AT_CLOSE_CLOSE = 0, /**< a deadline that lands on a closing time stays there */
  ITSM_AT_CLOSE_OPEN = 1   /**< ... moves to the next opening */
} itsm_at_close;
typedef enum itsm_dst {
  ITSM_DST_ELAPSED = 0, /**< business time is elapsed time (a 23-hour day has 23 hours) */
  ITSM_DST_WALL = 1     /**< business time follows the wall clock */
} itsm_dst;

#define ITSM_CALC_OPTIONS_VERSION 1
/** Conventions and pauses of one calendar call. Initialise with ITSM_CALC_OPTIONS_INIT so that
 *  fields added in later versions get their defaults. */
typedef struct itsm_calc_options {
  unsigned int version;   /**< ITSM_CALC_OPTIONS_VERSION */
  int at_close;           /**< an itsm_at_close */
  int dst;                /**< an itsm_dst */
  const int64_t *pauses;  /**< pause_count pairs [begin, end) as 2 * pause_count instants */
  size_t pause_count;
} itsm_calc_options;
#define ITSM_CALC_OPTIONS_INIT {ITSM_CALC_OPTIONS_VERSION, ITSM_AT_CLOSE_CLOSE, ITSM_DST_ELAPSED, NULL, 0}

/** itsm_calendar_add with conventions and pauses; `opts` NULL means the defaults. */
ITSM_API int itsm_calendar_add_ex(const itsm_calendar *cal, int64_t start, int64_t seconds,
                                  const itsm_calc_options *opts, int64_t *out);
/** itsm_calendar_between with conventions and pauses; `opts` NULL means the defaults. */
ITSM_API int itsm_calendar_between_ex(const itsm_calendar *cal, int64_t start, int64_t end,
                                      const itsm_calc_options *opts, int64_t *out);
/** *out = `t` when it is working time, else the start of the next working stretch. */
ITSM_API int itsm_calendar_next_open(const itsm_calendar *cal, int64_t t,
                                     const itsm_calc_options *opts, int64_t *out);
/** *out = the end of the working stretch holding `t`, or of the next one. */
ITSM_API int itsm_calendar_next_close(const itsm_calendar *cal, int64_t t,
                                      const itsm_calc_options *opts, int64_t *out);
/** *out = `t` when it is working or ends a stretch, else the end of the previous stretch. */
ITSM_API int itsm_calendar_prev_close(const itsm_calendar *cal, int64_t t,
                                      const itsm_calc_options *opts, int64_t *out);
/** *out = the same wall time `days` working days after `t` (before it when negative). */
ITSM_API int itsm_calendar_add_working_days(const itsm_calendar *cal, int64_t t, int days,
                                            const itsm_calc_options *opts, int64_t *out);
/** The holidays of `year` as YYYYMMDD numbers, sorted. *count receives how many there are;
 *  at most `capacity` are written to `dates` (which may be NULL when capacity is 0), so a
 *  first call with capacity 0 sizes the array. */
ITSM_API int itsm_calendar_holidays(const itsm_calendar *cal, int year, int32_t *dates,
                                    size_t capacity, size_t *count);
/** *out = the calendar's JSON form (release with itsm_free). */
ITSM_API int itsm_calendar_to_json(const itsm_calendar *cal, char **out);

/* ------------------------------------------------------------------------------------------
 * SLA clocks
 * ---------------------------------------------------------------------------------------- */

/** An immutable SLA definition: targets per priority, business hours, start / pause / stop. */
typedef struct itsm_sla itsm_sla;

/** Loads an SLA definition from its JSON form (docs/sla.md, "The definition"). */
ITSM_API int itsm_sla_from_json(itsm_sla **out, const char *json, size_t len);
/** Releases an SLA definition; NULL is accepted. */
ITSM_API void itsm_sla_free(itsm_sla *sla);

/** Evaluates the definition over a history given as JSON: an array of
 *  {"at": RFC 3339 instant, "state"?, "category"?, "priority"?} (the first is the creation),
 *  at `now`. *out receives the clock as JSON: {"status", "priority", "target", "elapsed",
 *  "remaining", "percent", "deadline"?, "breached_at"?, "warnings": [{"percent", "at"}],
 *  "cycle"} (durations in seconds, instants as RFC 3339 UTC). Release with itsm_free. */
ITSM_API int itsm_sla_evaluate_json(const itsm_sla *sla, const char *history_json, size_t len,
                                    int64_t now, char **out);

/** The state of a clock. */
typedef enum itsm_sla_state {
  ITSM_SLA_NOT_STARTED = 0,
  ITSM_SLA_RUNNING = 1,
  ITSM_SLA_PAUSED = 2,
  ITSM_SLA_MET = 3,
  ITSM_SLA_BREACHED = 4,
  ITSM_SLA_BREACHED_MET = 5, /**< stopped, but after the target was used up */
  ITSM_SLA_CANCELLED = 6
} itsm_sla_state;

/** One SLA clock at a given time (numbers only; itsm_sla_evaluate_json has everything). */
typedef struct itsm_sla_result {
  int status;               /**< an itsm_sla_state */
  int64_t target;           /**< seconds of business time for the ticket's priority */
  int64_t elapsed;          /**< business seconds on the clock (pauses excluded) */
  int64_t remaining;        /**< target - elapsed; negative once breached */
  double percent;           /**< elapsed / target * 100 */
  int has_deadline;         /**< nonzero when `deadline` is set */
  int64_t deadline;         /**< where the target is used up if the clock runs on */
  int has_breached_at;      /**< nonzero when `breached_at` is set */
  int64_t breached_at;      /**< when elapsed passed the target */
  int warnings_crossed;     /**< how many warning thresholds have been crossed */
} itsm_sla_result;

/* ------------------------------------------------------------------------------------------
 * Workflows
 * ---------------------------------------------------------------------------------------- */

/** An immutable, checked workflow definition, shared by its tickets (freeing the handle while
 *  tickets still use the definition is safe: they keep it alive). */
typedef struct itsm_workflow itsm_workflow;

/** Loads and checks a definition from its JSON form. A definition that fails its checks is
 *  ITSM_EDEFINITION, with every problem in the message (one a line). */
ITSM_API int itsm_workflow_from_json(itsm_workflow **out, const char *json, size_t len);
/** A built-in process by name ("incident", "change_normal", ...); ITSM_ENOT_FOUND otherwise. */
ITSM_API int itsm_workflow_builtin(itsm_workflow **out, const char *name);
/** How many built-in processes there are. */
ITSM_API size_t itsm_workflow_builtin_count(void);
/** The name of built-in `i` (static text), or NULL when i >= itsm_workflow_builtin_count()
 *  (the last error is then ITSM_ERANGE). */
ITSM_API const char *itsm_workflow_builtin_name(size_t i);
/** Releases a workflow handle; NULL is accepted. */
ITSM_API void itsm_workflow_free(itsm_workflow *wf);

/** Checks a definition without building it. *problems receives a JSON array of
 *  {"severity": "error"|"warning", "where", "message"} (release with itsm_free). Returns
 *  ITSM_OK when there is no error (warnings may be listed), ITSM_EDEFINITION when there are
 *  errors, ITSM_EPARSE when the text is not JSON (then *problems is NULL). */
ITSM_API int itsm_workflow_validate(const char *json, size_t len, char **problems);
/** The definition's name (owned by the workflow); NULL on a bad handle, with the last error set. */
ITSM_API const char *itsm_workflow_name(const itsm_workflow *wf);
/** *out = the definition's JSON form. */
ITSM_API int itsm_workflow_to_json(const itsm_workflow *wf, char **out);
/** *out = Graphviz DOT; `current_state` (or NULL) is highlighted. */
ITSM_API int itsm_workflow_to_dot(const itsm_workflow *wf, const char *current_state, char **out);

/* ------------------------------------------------------------------------------------------
 * Guards and actions (host callbacks)
 * ---------------------------------------------------------------------------------------- */

typedef struct itsm_ticket itsm_ticket;

/** What a guard sees. All pointers are valid during the call only. */
typedef struct itsm_guard_call {
  const itsm_ticket *ticket;    /**< the ticket before the change (read it, do not change it) */
  const char *transition;       /**< the transition's id */
  const char *actor;            /**< who fires it */
  int64_t at;                   /**< when */
  const char *fields_after;     /**< JSON object: the fields as they would be after the change */
} itsm_guard_call;

/** A guard allows by returning 0. To refuse it returns nonzero and may write a reason (UTF-8,
 *  NUL-terminated, truncated to reason_size) into `reason`. A guard or action may read its ticket
 *  (getters, snapshot, clone) and change other tickets; a call that would change or free its own
 *  ticket (itsm_ticket_fire, _fire_as, _move_to, _approve, _reject, _update, itsm_ticket_free),
 *  directly or from the hooks of another ticket's call it makes, is refused with ITSM_EBUSY
 *  naming that call, and leaves the ticket as it was; the call running the hook goes on. */
typedef int (*itsm_guard_fn)(void *payload, const itsm_guard_call *call, char *reason,
                             size_t reason_size);
/** An action runs after a change committed, with the record just appended as JSON. Its return
 *  value is reported in the detail's "action_errors" when nonzero; the change stands. */
typedef int (*itsm_action_fn)(void *payload, const itsm_ticket *ticket, const char *record_json);

/** Named guards and actions, by the names definitions use. A guard a transition names but the
 *  hooks lack refuses (fail closed); an unregistered action is skipped. */
typedef struct itsm_hooks itsm_hooks;

ITSM_API int itsm_hooks_new(itsm_hooks **out);
ITSM_API void itsm_hooks_free(itsm_hooks *hooks);
/** Registers (or replaces) guard `name`; `payload` is passed back to every call. */
ITSM_API int itsm_hooks_add_guard(itsm_hooks *hooks, const char *name, itsm_guard_fn fn,
                                  void *payload);
/** Registers (or replaces) action `name`. */
ITSM_API int itsm_hooks_add_action(itsm_hooks *hooks, const char *name, itsm_action_fn fn,
                                   void *payload);

/** Change freezes and bookings (the change processes' guard change_schedule_clear). */
typedef struct itsm_change_schedule itsm_change_schedule;

/** Loads a schedule: {"freezes": [{"name", "start", "end", "exempt"?} |
 *  {"name", "calendar", "exempt"?}], "overlaps"?: "report"|"refuse"}. */
ITSM_API int itsm_change_schedule_from_json(itsm_change_schedule **out, const char *json,
                                            size_t len);
ITSM_API void itsm_change_schedule_free(itsm_change_schedule *schedule);
/** Registers the schedule's guard and book/release actions on `hooks`; the hooks keep the
 *  schedule's bookings alive after the schedule handle is freed. */
ITSM_API int itsm_change_schedule_install(const itsm_change_schedule *schedule,
                                          itsm_hooks *hooks);
/** *out = the booked changes as a JSON array of {"ticket", "workflow", "configuration_item",
 *  "start", "end"}. */
ITSM_API int itsm_change_schedule_bookings(const itsm_change_schedule *schedule, char **out);

/* ------------------------------------------------------------------------------------------
 * Tickets
 * ---------------------------------------------------------------------------------------- */

/** Who does something. `roles` holds `role_count` NUL-terminated names. `trusted` nonzero skips
 *  role checks (importers, system jobs); everything else is still checked. */
typedef struct itsm_actor {
  const char *name;
  const char *const *roles;
  size_t role_count;
  int trusted;
} itsm_actor;

/** Creates a ticket in the workflow's initial state. `fields_json` is a JSON object or NULL
 *  (none). On failure *out is NULL. */
ITSM_API int itsm_ticket_create(itsm_ticket **out, const itsm_workflow *wf, const char *id,
                                const itsm_actor *who, int64_t at, const char *fields_json);
/** Releases a ticket; NULL is accepted. Called from one of the ticket's own guards or actions,
 *  it does nothing and sets the last error to ITSM_EBUSY (the call running the hook still uses
 *  the ticket); free it once that call has returned. */
ITSM_API void itsm_ticket_free(itsm_ticket *ticket);
/** *out = an independent copy of the ticket (same workflow, state, fields, history). */
ITSM_API int itsm_ticket_clone(itsm_ticket **out, const itsm_ticket *ticket);

/* Ticket operations. Each returns ITSM_OK, or the refusal code with the ticket unchanged and
 * itsm_error_last()->detail saying why. `fields_json` and `comment` may be NULL; `hooks` may be
 * NULL (no guards registered: a transition with guards is refused). */

/** Fires transition `transition` from the current state. */
ITSM_API int itsm_ticket_fire(itsm_ticket *ticket, const char *transition, const itsm_actor *who,
                              int64_t at, const char *fields_json, const char *comment,
                              const itsm_hooks *hooks);
/** An actor converted once, for hosts that fire many events as the same people: the name's
 *  UTF-8 check and the copies of name and roles are done here instead of in every call.
 *  Immutable once made: share it between threads; free it after the last call that uses it. */
typedef struct itsm_actor_handle itsm_actor_handle;
ITSM_API int itsm_actor_new(itsm_actor_handle **out, const itsm_actor *who);
/** Releases an actor handle; NULL is accepted. */
ITSM_API void itsm_actor_free(itsm_actor_handle *who);
/** itsm_ticket_fire with an actor handle: the same checks, answers and refusals. */
ITSM_API int itsm_ticket_fire_as(itsm_ticket *ticket, const char *transition, const itsm_actor_handle *who,
                                 int64_t at, const char *fields_json, const char *comment,
                                 const itsm_hooks *hooks);
/** Fires the single transition into `state` (for imports that record states). */
ITSM_API int itsm_ticket_move_to(itsm_ticket *ticket, const char *state, const itsm_actor *who,
                                 int64_t at, const char *fields_json, const char *comment,
                                 const itsm_hooks *hooks);
/** Records an approval towards the current state's transition that needs approvals; the last
 *  one needed fires it (detail "fired"). */
ITSM_API int itsm_ticket_approve(itsm_ticket *ticket, const itsm_actor *who, int64_t at,
                                 const char *comment, const itsm_hooks *hooks);
/** Fires the current state's rejection transition as an approver. */
ITSM_API int itsm_ticket_reject(itsm_ticket *ticket, const itsm_actor *who, int64_t at,
                                const char *fields_json, const char *comment,
                                const itsm_hooks *hooks);
/** Changes fields without a transition. */
ITSM_API int itsm_ticket_update(itsm_ticket *ticket, const itsm_actor *who, int64_t at,
                                const char *fields_json, const char *comment);
/** *out = JSON array of the transition ids `who` may fire now (by state and role). */
ITSM_API int itsm_ticket_allowed(const itsm_ticket *ticket, const itsm_actor *who, char **out);

/** The ticket's id, state id and state category ("new", "open", "waiting", "resolved",
 *  "closed", "cancelled"); owned by the ticket, valid until its next change. NULL on a bad
 *  handle, with the last error set (ITSM_ENULL, ITSM_EINVAL). */
ITSM_API const char *itsm_ticket_id(const itsm_ticket *ticket);
ITSM_API const char *itsm_ticket_state(const itsm_ticket *ticket);
ITSM_API const char *itsm_ticket_category(const itsm_ticket *ticket);
/** 1..N from the priority field or impact x urgency; 0 when neither is set; -1 on a bad handle. */
ITSM_API int itsm_ticket_priority(const itsm_ticket *ticket);
/** 1 when the ticket is in a terminal state, 0 when not, -1 on a bad handle. */
ITSM_API int itsm_ticket_is_terminal(const itsm_ticket *ticket);
/** *out = the fields as a JSON object. */
ITSM_API int itsm_ticket_fields(const itsm_ticket *ticket, char **out);

/** *count = the number of history records. */
ITSM_API int itsm_ticket_history_count(const itsm_ticket *ticket, size_t *count);
/** *out = history record `index` (0-based) as JSON: {"seq", "at", "actor", "transition",
 *  "from", "to", "changes", "priority", "comment"?}. */
ITSM_API int itsm_ticket_history_record(const itsm_ticket *ticket, size_t index, char **out);

/** *out = the whole ticket as JSON. */
ITSM_API int itsm_ticket_snapshot(const itsm_ticket *ticket, char **out);
/** Rebuilds a ticket from a snapshot, checked against `wf`; runs no guard or action. */
ITSM_API int itsm_ticket_restore(itsm_ticket **out, const itsm_workflow *wf, const char *json,
                                 size_t len);
/** Re-applies a history (a snapshot, or its "history" array) to a fresh ticket `id`. */
ITSM_API int itsm_ticket_replay(itsm_ticket **out, const itsm_workflow *wf, const char *id,
                                const char *history_json, size_t len);
/** *out = the hash-chained history as JSON Lines (SHA-256 over each record and the previous
 *  hash). */
ITSM_API int itsm_ticket_export_history(const itsm_ticket *ticket, char **out);
/** Verifies hash-chained JSON Lines (several tickets may share them). ITSM_ETAMPERED names the
 *  first bad line. `records` and `tickets` may be NULL. */
ITSM_API int itsm_verify_history(const char *jsonl, size_t len, size_t *records, size_t *tickets);

/** The ticket's SLA clock under `sla` at `now` (on-hold states pause it, priority changes swap
 *  the target). */
ITSM_API int itsm_ticket_sla(const itsm_ticket *ticket, const itsm_sla *sla, int64_t now,
                             itsm_sla_result *out);

/* --- Event logs: the event store, the service report and the compliance audit --------------- */
/* The same library code as itsmctl replay, report and audit (docs/events.md,
 * docs/report-and-audit.md), so a host gets the tool's answers. */

/** Tickets by id, built by applying event lines (one JSON object each). */
typedef struct itsm_event_store itsm_event_store;

/** A store that knows the built-in workflows, with the host guards a replay needs
 *  (all_findings_closed; the change processes' schedule guard over an empty schedule). */
ITSM_API int itsm_event_store_new(itsm_event_store **out);
/** Releases a store and its tickets; NULL is accepted. */
ITSM_API void itsm_event_store_free(itsm_event_store *store);
/** Makes `wf` known by its name to later create events (replacing a built-in of that name). */
ITSM_API int itsm_event_store_add_workflow(itsm_event_store *store, const itsm_workflow *wf);
/** Checks changes' planned windows against `schedule`'s freezes and bookings from now on. */
ITSM_API int itsm_event_store_use_schedule(itsm_event_store *store, const itsm_change_schedule *schedule);
/** Applies one event line (`len` bytes; `line_no` numbers it in the answer). ITSM_OK when it
 *  applied; otherwise the refusal's code, nothing changed, and itsm_error_last() holds its
 *  message and, as detail, its refusal line. When `outcome` is not NULL, *outcome is the line's
 *  answer as JSON (the refusal line itsmctl replay prints, or {"code": "ok", ...} with the
 *  ticket, line, workflow and event), to release with itsm_free. A line that is not JSON or not
 *  an event is a refusal too (ITSM_EPARSE, ITSM_EINVAL, ...), never a failure of the store. */
ITSM_API int itsm_event_store_apply(itsm_event_store *store, const char *line, size_t len, size_t line_no,
                                    char **outcome);
/** Reads a whole event log (`len` bytes of JSON Lines, named `source` in errors) as itsmctl
 *  replay, report and audit read --events. `options_json` (NULL: the defaults) is an object with
 *  any of: "order" ("time" (default): each ticket's events in time order, a stable sort; "file"),
 *  "now" (RFC 3339 or null: events later than it are not applied, counted as after_now),
 *  "skip_bad_lines" (false (default): a line that is not UTF-8, not JSON or not an object is
 *  ITSM_EPARSE naming the line and the cause, and nothing of the log is applied; true: such
 *  lines are counted, listed and skipped). When `quality` is not NULL, *quality is what this
 *  read found as JSON (the data_quality object of reports and audits: read, skipped,
 *  skipped_lines, after_now, applied, refused, refused_by_code, reordered, creates_refused), to
 *  release with itsm_free. Refused events are no failure of the read (itsm_event_store_refusals).
 *  The read is whole or nothing: ITSM_ENOMEM, like an input error, leaves the store as it was. */
ITSM_API int itsm_event_store_read(itsm_event_store *store, const char *log, size_t len, const char *source,
                                   const char *options_json, char **quality);
/** The numbers so far: tickets, and lines applied or refused (`events` = applied + refused).
 *  Any pointer may be NULL. */
ITSM_API int itsm_event_store_counts(const itsm_event_store *store, size_t *tickets, size_t *events,
                                     size_t *applied, size_t *refused);
/** *out = every refusal so far as JSON Lines (one refusal line each, in the order given). */
ITSM_API int itsm_event_store_refusals(const itsm_event_store *store, char **out);
/** *out = a copy of the ticket `id` (ITSM_ENOT_FOUND when there is none), to free with
 *  itsm_ticket_free. */
ITSM_API int itsm_event_store_ticket(const itsm_event_store *store, const char *id, itsm_ticket **out);
/** *out = the service report of every ticket and refusal in `store`, as itsmctl report prints
 *  it. `options_json` (NULL: the defaults) is an object with any of: "policy" (the SLA policy
 *  object; default: the built-in one), "calendar" (replaces the policy's), "now" (RFC 3339 with
 *  an offset; default: the latest record), "format" ("json" (default), "table", "markdown",
 *  "csv"), "strict" (true: ITSM_EINVAL, and no report, when any event was refused or any line
 *  skipped, as itsmctl --strict exits 1). A policy with targets for a process the store has no
 *  workflow of is ITSM_ENOT_FOUND naming it. The report carries the store's data_quality. With
 *  "json" the text equals itsmctl report --format json. */
ITSM_API int itsm_event_store_report(const itsm_event_store *store, const char *options_json, char **out);
/** *out = the compliance audit, as itsmctl audit prints it (options as for the report, without
 *  "calendar"). `chain` (`chain_len` bytes; NULL: none) is a hash-chained history export to
 *  verify and check against the store's tickets (a missing tail or middle, an empty chain),
 *  named `chain_name` in its findings (as itsmctl audit --chain). */
ITSM_API int itsm_event_store_audit(const itsm_event_store *store, const char *options_json, const char *chain,
                                    size_t chain_len, const char *chain_name, char **out);

#ifdef __cplusplus
}
#endif

#endif /* ITSM_H */
