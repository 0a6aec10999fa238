/* Every failing C call sets the last error (issue 18, item 4): each function of itsm.h is called
 * with NULL for its pointer arguments (a free with a live handle of another kind, since NULL is
 * accepted there; itsm_workflow_builtin_name past the end), after a call that left the last error
 * at ITSM_OK. The call must fail, itsm_error_last()->code must say so, and the message must name
 * the argument. `--list` prints the names this program covers, the failing ones and those that
 * cannot fail: null_args_cover.py checks that list against itsm.h and libitsm.so's exports, so
 * a function added without a row here fails that test. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "itsm/itsm.h"

/* Handles of the right kind the rows that free a foreign one use. */
static itsm_workflow *a_workflow = NULL;
static itsm_hooks *a_hooks = NULL;

/* A row's call returns the code it reports: its result, or for calls that return a pointer or a
 * count, the last error's code when they signal failure (NULL, -1) and 1 when they do not. */
#define CODE_OF_PTR(expr) ((expr) == NULL ? itsm_error_last()->code : 1)
#define CODE_OF_MINUS1(expr) ((expr) == -1 ? itsm_error_last()->code : 1)

static int c_get_limits(void) { return itsm_get_limits(NULL); }
static int c_set_limits(void) { return itsm_set_limits(NULL); }
static int c_calendar_from_json(void) { return itsm_calendar_from_json(NULL, NULL, 0); }
static int c_calendar_free(void) {
  itsm_calendar_free((itsm_calendar *)a_workflow);
  return itsm_error_last()->code;
}
static int c_calendar_add(void) { return itsm_calendar_add(NULL, 0, 0, NULL); }
static int c_calendar_between(void) { return itsm_calendar_between(NULL, 0, 0, NULL); }
static int c_calendar_add_ex(void) { return itsm_calendar_add_ex(NULL, 0, 0, NULL, NULL); }
static int c_calendar_between_ex(void) { return itsm_calendar_between_ex(NULL, 0, 0, NULL, NULL); }
static int c_calendar_next_open(void) { return itsm_calendar_next_open(NULL, 0, NULL, NULL); }
static int c_calendar_next_close(void) { return itsm_calendar_next_close(NULL, 0, NULL, NULL); }
static int c_calendar_prev_close(void) { return itsm_calendar_prev_close(NULL, 0, NULL, NULL); }
static int c_calendar_add_working_days(void) { return itsm_calendar_add_working_days(NULL, 0, 1, NULL, NULL); }
static int c_calendar_holidays(void) { return itsm_calendar_holidays(NULL, 2026, NULL, 0, NULL); }
static int c_calendar_to_json(void) { return itsm_calendar_to_json(NULL, NULL); }
static int c_sla_from_json(void) { return itsm_sla_from_json(NULL, NULL, 0); }
static int c_sla_free(void) {
  itsm_sla_free((itsm_sla *)a_workflow);
  return itsm_error_last()->code;
}
static int c_sla_evaluate_json(void) { return itsm_sla_evaluate_json(NULL, NULL, 0, 0, NULL); }
static int c_workflow_from_json(void) { return itsm_workflow_from_json(NULL, NULL, 0); }
static int c_workflow_builtin(void) { return itsm_workflow_builtin(NULL, NULL); }
static int c_workflow_builtin_name(void) { return CODE_OF_PTR(itsm_workflow_builtin_name((size_t)-1)); }
static int c_workflow_free(void) {
  itsm_workflow_free((itsm_workflow *)a_hooks);
  return itsm_error_last()->code;
}
static int c_workflow_validate(void) { return itsm_workflow_validate(NULL, 0, NULL); }
static int c_workflow_name(void) { return CODE_OF_PTR(itsm_workflow_name(NULL)); }
static int c_workflow_to_json(void) { return itsm_workflow_to_json(NULL, NULL); }
static int c_workflow_to_dot(void) { return itsm_workflow_to_dot(NULL, NULL, NULL); }
static int c_hooks_new(void) { return itsm_hooks_new(NULL); }
static int c_hooks_free(void) {
  itsm_hooks_free((itsm_hooks *)a_workflow);
  return itsm_error_last()->code;
}
static int c_hooks_add_guard(void) { return itsm_hooks_add_guard(NULL, NULL, NULL, NULL); }
static int c_hooks_add_action(void) { return itsm_hooks_add_action(NULL, NULL, NULL, NULL); }
static int c_change_schedule_from_json(void) { return itsm_change_schedule_from_json(NULL, NULL, 0); }
static int c_change_schedule_free(void) {
  itsm_change_schedule_free((itsm_change_schedule *)a_workflow);
  return itsm_error_last()->code;
}
static int c_change_schedule_install(void) { return itsm_change_schedule_install(NULL, NULL); }
static int c_change_schedule_bookings(void) { return itsm_change_schedule_bookings(NULL, NULL); }
static int c_ticket_create(void) { return itsm_ticket_create(NULL, NULL, NULL, NULL, 0, NULL); }
static int c_ticket_free(void) {
  itsm_ticket_free((itsm_ticket *)a_workflow);
  return itsm_error_last()->code;
}
static int c_ticket_clone(void) { return itsm_ticket_clone(NULL, NULL); }
static int c_ticket_fire(void) { return itsm_ticket_fire(NULL, NULL, NULL, 0, NULL, NULL, NULL); }
static int c_actor_new(void) { return itsm_actor_new(NULL, NULL); }
static int c_actor_free(void) {
  itsm_actor_free((itsm_actor_handle *)a_workflow);
  return itsm_error_last()->code;
}
static int c_ticket_fire_as(void) { return itsm_ticket_fire_as(NULL, NULL, NULL, 0, NULL, NULL, NULL); }
static int c_ticket_move_to(void) { return itsm_ticket_move_to(NULL, NULL, NULL, 0, NULL, NULL, NULL); }
static int c_ticket_approve(void) { return itsm_ticket_approve(NULL, NULL, 0, NULL, NULL); }
static int c_ticket_reject(void) { return itsm_ticket_reject(NULL, NULL, 0, NULL, NULL, NULL); }
static int c_ticket_update(void) { return itsm_ticket_update(NULL, NULL, 0, NULL, NULL); }
static int c_ticket_allowed(void) { return itsm_ticket_allowed(NULL, NULL, NULL); }
static int c_ticket_id(void) { return CODE_OF_PTR(itsm_ticket_id(NULL)); }
static int c_ticket_state(void) { return CODE_OF_PTR(itsm_ticket_state(NULL)); }
static int c_ticket_category(void) { return CODE_OF_PTR(itsm_ticket_category(NULL)); }
static int c_ticket_priority(void) { return CODE_OF_MINUS1(itsm_ticket_priority(NULL)); }
static int c_ticket_is_terminal(void) { return CODE_OF_MINUS1(itsm_ticket_is_terminal(NULL)); }
static int c_ticket_fields(void) { return itsm_ticket_fields(NULL, NULL); }
static int c_ticket_history_count(void) { return itsm_ticket_history_count(NULL, NULL); }
static int c_ticket_history_record(void) { return itsm_ticket_history_record(NULL, 0, NULL); }
static int c_ticket_snapshot(void) { return itsm_ticket_snapshot(NULL, NULL); }
static int c_ticket_restore(void) { return itsm_ticket_restore(NULL, NULL, NULL, 0); }
static int c_ticket_replay(void) { return itsm_ticket_replay(NULL, NULL, NULL, NULL, 0); }
static int c_ticket_export_history(void) { return itsm_ticket_export_history(NULL, NULL); }
static int c_verify_history(void) { return itsm_verify_history(NULL, 0, NULL, NULL); }
static int c_ticket_sla(void) { return itsm_ticket_sla(NULL, NULL, 0, NULL); }
static int c_event_store_new(void) { return itsm_event_store_new(NULL); }
static int c_event_store_free(void) {
  itsm_event_store_free((itsm_event_store *)a_workflow);
  return itsm_error_last()->code;
}
static int c_event_store_add_workflow(void) { return itsm_event_store_add_workflow(NULL, NULL); }
static int c_event_store_use_schedule(void) { return itsm_event_store_use_schedule(NULL, NULL); }
static int c_event_store_apply(void) { return itsm_event_store_apply(NULL, NULL, 0, 1, NULL); }
static int c_event_store_read(void) { return itsm_event_store_read(NULL, NULL, 0, NULL, NULL, NULL); }
static int c_event_store_counts(void) { return itsm_event_store_counts(NULL, NULL, NULL, NULL, NULL); }
static int c_event_store_refusals(void) { return itsm_event_store_refusals(NULL, NULL); }
static int c_event_store_ticket(void) { return itsm_event_store_ticket(NULL, NULL, NULL); }
static int c_event_store_report(void) { return itsm_event_store_report(NULL, NULL, NULL); }
static int c_event_store_audit(void) { return itsm_event_store_audit(NULL, NULL, NULL, 0, NULL, NULL); }

/* A function, the code its bad call must report, the start of the message (the argument it
 * names) and the call. */
typedef struct row {
  const char *name;
  int code;
  const char *message;
  int (*call)(void);
} row;

#define ROW(fn, code, message) {"itsm_" #fn, code, message, c_##fn}
static const row rows[] = {
    ROW(get_limits, ITSM_ENULL, "out: NULL"),
    ROW(set_limits, ITSM_ENULL, "limits: NULL"),
    ROW(calendar_from_json, ITSM_ENULL, "out: NULL"),
    ROW(calendar_free, ITSM_EINVAL, "cal: not a live calendar"),
    ROW(calendar_add, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_between, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_add_ex, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_between_ex, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_next_open, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_next_close, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_prev_close, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_add_working_days, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_holidays, ITSM_ENULL, "cal: NULL calendar"),
    ROW(calendar_to_json, ITSM_ENULL, "cal: NULL calendar"),
    ROW(sla_from_json, ITSM_ENULL, "out: NULL"),
    ROW(sla_free, ITSM_EINVAL, "sla: not a live SLA definition"),
    ROW(sla_evaluate_json, ITSM_ENULL, "sla: NULL SLA definition"),
    ROW(workflow_from_json, ITSM_ENULL, "out: NULL"),
    ROW(workflow_builtin, ITSM_ENULL, "out: NULL"),
    ROW(workflow_builtin_name, ITSM_ERANGE, "i: "),
    ROW(workflow_free, ITSM_EINVAL, "wf: not a live workflow"),
    ROW(workflow_validate, ITSM_ENULL, "problems: NULL"),
    ROW(workflow_name, ITSM_ENULL, "wf: NULL workflow"),
    ROW(workflow_to_json, ITSM_ENULL, "wf: NULL workflow"),
    ROW(workflow_to_dot, ITSM_ENULL, "wf: NULL workflow"),
    ROW(hooks_new, ITSM_ENULL, "out: NULL"),
    ROW(hooks_free, ITSM_EINVAL, "hooks: not a live hooks"),
    ROW(hooks_add_guard, ITSM_ENULL, "hooks: NULL hooks"),
    ROW(hooks_add_action, ITSM_ENULL, "hooks: NULL hooks"),
    ROW(change_schedule_from_json, ITSM_ENULL, "out: NULL"),
    ROW(change_schedule_free, ITSM_EINVAL, "schedule: not a live change schedule"),
    ROW(change_schedule_install, ITSM_ENULL, "schedule: NULL change schedule"),
    ROW(change_schedule_bookings, ITSM_ENULL, "schedule: NULL change schedule"),
    ROW(ticket_create, ITSM_ENULL, "out: NULL"),
    ROW(ticket_free, ITSM_EINVAL, "ticket: not a live ticket"),
    ROW(ticket_clone, ITSM_ENULL, "out: NULL"),
    ROW(ticket_fire, ITSM_ENULL, "transition: NULL"),
    ROW(actor_new, ITSM_ENULL, "out: NULL"),
    ROW(actor_free, ITSM_EINVAL, "who: not a live actor handle"),
    ROW(ticket_fire_as, ITSM_ENULL, "transition: NULL"),
    ROW(ticket_move_to, ITSM_ENULL, "state: NULL"),
    ROW(ticket_approve, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_reject, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_update, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_allowed, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_id, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_state, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_category, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_priority, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_is_terminal, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_fields, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_history_count, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_history_record, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_snapshot, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(ticket_restore, ITSM_ENULL, "out: NULL"),
    ROW(ticket_replay, ITSM_ENULL, "out: NULL"),
    ROW(ticket_export_history, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(verify_history, ITSM_ENULL, "jsonl: NULL"),
    ROW(ticket_sla, ITSM_ENULL, "ticket: NULL ticket"),
    ROW(event_store_new, ITSM_ENULL, "out: NULL"),
    ROW(event_store_free, ITSM_EINVAL, "store: not a live event store"),
    ROW(event_store_add_workflow, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_use_schedule, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_apply, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_read, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_counts, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_refusals, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_ticket, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_report, ITSM_ENULL, "store: NULL event store"),
    ROW(event_store_audit, ITSM_ENULL, "store: NULL event store"),
};

/* The functions that cannot fail, and why; listed so that the coverage check knows them. */
static const char *const cannot_fail[] = {
    "itsm_error_last",             /* never NULL */
    "itsm_strerror",               /* any int: "unknown error code" for one that is no code */
    "itsm_version_string",         /* static text */
    "itsm_version_number",         /* a constant */
    "itsm_workflow_builtin_count", /* a count; 0 only when out of memory, with ITSM_ENOMEM set */
    "itsm_free",                   /* NULL is accepted; a second free is undefined (itsm.h) */
};

int main(int argc, char **argv) {
  const size_t n_rows = sizeof rows / sizeof rows[0];
  const size_t n_cannot = sizeof cannot_fail / sizeof cannot_fail[0];
  itsm_limits limits;
  size_t i;
  if (argc > 1 && strcmp(argv[1], "--list") == 0) {
    for (i = 0; i < n_rows; ++i) printf("%s\n", rows[i].name);
    for (i = 0; i < n_cannot; ++i) printf("%s\n", cannot_fail[i]);
    return 0;
  }
  CHECK(itsm_workflow_builtin(&a_workflow, "incident") == ITSM_OK);
  CHECK(itsm_hooks_new(&a_hooks) == ITSM_OK);
  memset(&limits, 0, sizeof limits);
  limits.size = sizeof limits;
  for (i = 0; i < n_rows; ++i) {
    int code;
    CHECK(itsm_get_limits(&limits) == ITSM_OK && itsm_error_last()->code == ITSM_OK); /* a clean slate */
    code = rows[i].call();
    if (code != rows[i].code || itsm_error_last()->code != rows[i].code ||
        strncmp(itsm_error_last()->message, rows[i].message, strlen(rows[i].message)) != 0) {
      ++failures;
      fprintf(stderr, "%s: returned %d, last error %d '%s'; want %d '%s...'\n", rows[i].name, code,
              itsm_error_last()->code, itsm_error_last()->message, rows[i].code, rows[i].message);
    }
    ++checks;
  }
  /* The handles the foreign frees were given are still live. */
  CHECK(itsm_workflow_name(a_workflow) != NULL && strcmp(itsm_workflow_name(a_workflow), "incident") == 0);
  CHECK(itsm_hooks_add_guard(a_hooks, "g", NULL, NULL) == ITSM_ENULL); /* fn: NULL, hooks accepted */
  CHECK(CONTAINS(itsm_error_last()->message, "fn: NULL"));
  /* A successful free leaves the last error as it was, so a caller may clean up first. */
  CHECK(itsm_ticket_state(NULL) == NULL);
  itsm_hooks_free(a_hooks);
  itsm_workflow_free(a_workflow);
  itsm_free(NULL);
  itsm_ticket_free(NULL);
  CHECK(itsm_error_last()->code == ITSM_ENULL && CONTAINS(itsm_error_last()->message, "ticket: NULL ticket"));
  return check_summary();
}
