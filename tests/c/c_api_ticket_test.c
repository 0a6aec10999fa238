/* The C ABI from C: calendar options, SLA clocks, workflows, tickets, hooks and change
 * schedules, with good and bad input. A refused call must leave the ticket's snapshot as it
 * was; every text the library returns is released with itsm_free (valgrind checks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "itsm/itsm.h"

static const int64_t t0 = 1772445600; /* 2026-03-02T10:00:00Z, a Monday */

static const char *const desk_roles[] = {"service_desk"};
static const char *const caller_roles[] = {"caller"};
static const itsm_actor desk = {"sam", desk_roles, 1, 0};
static const itsm_actor caller = {"carol", caller_roles, 1, 0};

static char *snapshot_of(const itsm_ticket *t) {
  char *s = NULL;
  CHECK(itsm_ticket_snapshot(t, &s) == ITSM_OK);
  return s;
}

/* The last error's text, kept across the snapshot calls REFUSED makes (each itsm call
 * replaces the thread's last error). */
static char saved_message[2048];
static char saved_detail[2048];

static void save_last_error(void) {
  snprintf(saved_message, sizeof saved_message, "%s", itsm_error_last()->message);
  snprintf(saved_detail, sizeof saved_detail, "%s", itsm_error_last()->detail);
}

/* A refusal returns `expected` and leaves the snapshot byte for byte as it was. */
#define REFUSED(ticket, expected, call)                    \
  do {                                                     \
    char *before_ = snapshot_of(ticket);                   \
    char *after_;                                          \
    CHECK((call) == (expected));                           \
    CHECK(itsm_error_last()->code == (expected));          \
    save_last_error();                                     \
    after_ = snapshot_of(ticket);                          \
    CHECK(before_ && after_ && strcmp(before_, after_) == 0); \
    itsm_free(before_);                                    \
    itsm_free(after_);                                     \
  } while (0)

static void test_calendar_options(void) {
  const char *json =
      "{\"week\": {\"mon\": [[\"09:00\", \"17:00\"]], \"tue\": [[\"09:00\", \"17:00\"]]},"
      " \"holidays\": [{\"date\": \"2026-12-25\"}, {\"month\": 1, \"weekday\": \"mon\", \"nth\": 1}]}";
  itsm_calendar *cal = NULL;
  itsm_calc_options opts = ITSM_CALC_OPTIONS_INIT;
  int64_t pauses[2];
  int64_t out = 0;
  int32_t days[8];
  size_t n = 0;
  char *text = NULL;
  const int64_t mon_9 = t0 - 3600; /* 09:00Z */

  CHECK(itsm_calendar_from_json(&cal, json, strlen(json)) == ITSM_OK);
  /* 8 h from Monday 09:00 ends at the close (17:00), or at Tuesday's opening with at_close open. */
  CHECK(itsm_calendar_add_ex(cal, mon_9, 8 * 3600, NULL, &out) == ITSM_OK && out == mon_9 + 8 * 3600);
  opts.at_close = ITSM_AT_CLOSE_OPEN;
  CHECK(itsm_calendar_add_ex(cal, mon_9, 8 * 3600, &opts, &out) == ITSM_OK && out == mon_9 + 24 * 3600);
  opts.at_close = ITSM_AT_CLOSE_CLOSE;
  /* A pause 10:00-11:00 moves the deadline by an hour and takes an hour off between. */
  pauses[0] = t0;
  pauses[1] = t0 + 3600;
  opts.pauses = pauses;
  opts.pause_count = 1;
  CHECK(itsm_calendar_add_ex(cal, mon_9, 2 * 3600, &opts, &out) == ITSM_OK && out == mon_9 + 3 * 3600);
  CHECK(itsm_calendar_between_ex(cal, mon_9, mon_9 + 8 * 3600, &opts, &out) == ITSM_OK && out == 7 * 3600);
  opts.pause_count = 0;
  CHECK(itsm_calendar_next_open(cal, t0 + 9 * 3600, NULL, &out) == ITSM_OK && out == mon_9 + 24 * 3600);
  CHECK(itsm_calendar_next_close(cal, t0, NULL, &out) == ITSM_OK && out == mon_9 + 8 * 3600);
  CHECK(itsm_calendar_prev_close(cal, t0 + 9 * 3600, NULL, &out) == ITSM_OK && out == mon_9 + 8 * 3600);
  CHECK(itsm_calendar_add_working_days(cal, t0, 1, NULL, &out) == ITSM_OK && out == t0 + 86400);
  CHECK(itsm_calendar_add_working_days(cal, t0, 2, NULL, &out) == ITSM_OK && out == t0 + 7 * 86400);

  CHECK(itsm_calendar_holidays(cal, 2026, NULL, 0, &n) == ITSM_OK && n == 2);
  CHECK(itsm_calendar_holidays(cal, 2026, days, 8, &n) == ITSM_OK && n == 2);
  CHECK(days[0] == 20260105 && days[1] == 20261225);
  CHECK(itsm_calendar_holidays(cal, 2026, NULL, 3, &n) == ITSM_ENULL);
  CHECK(itsm_calendar_holidays(cal, 1066, days, 8, &n) == ITSM_ERANGE);

  CHECK(itsm_calendar_to_json(cal, &text) == ITSM_OK && CONTAINS(text, "\"week\""));
  itsm_free(text);

  /* Bad options are named. */
  opts.version = 99;
  CHECK(itsm_calendar_add_ex(cal, t0, 60, &opts, &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "opts->version"));
  opts.version = ITSM_CALC_OPTIONS_VERSION;
  opts.dst = 7;
  CHECK(itsm_calendar_next_open(cal, t0, &opts, &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "opts->dst"));
  opts.dst = ITSM_DST_WALL;
  opts.pauses = NULL;
  opts.pause_count = 2;
  CHECK(itsm_calendar_between_ex(cal, t0, t0 + 60, &opts, &out) == ITSM_ENULL);
  opts.pauses = pauses;
  opts.pause_count = 1;
  pauses[1] = t0 - 60; /* ends before it begins */
  CHECK(itsm_calendar_add_ex(cal, t0, 60, &opts, &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "pauses"));
  CHECK(itsm_calendar_prev_close(NULL, t0, NULL, &out) == ITSM_ENULL);
  CHECK(itsm_calendar_add_working_days(cal, t0, 1, NULL, NULL) == ITSM_ENULL);
  itsm_calendar_free(cal);
}

static const char *sla_json =
    "{\"name\": \"resolution\", \"targets\": {\"P1\": 3600, \"P2\": 14400, \"P3\": 86400},"
    " \"pause\": {\"categories\": [\"waiting\"]}, \"stop\": {\"categories\": [\"resolved\", \"closed\"]},"
    " \"warnings\": [50]}";

static void test_sla(void) {
  itsm_sla *sla = NULL;
  char *out = NULL;
  const char *history =
      "[{\"at\": \"2026-03-02T10:00:00Z\", \"state\": \"new\", \"category\": \"new\", \"priority\": \"P2\"},"
      " {\"at\": \"2026-03-02T11:00:00Z\", \"state\": \"on_hold\", \"category\": \"waiting\"},"
      " {\"at\": \"2026-03-02T13:00:00Z\", \"state\": \"in_progress\", \"category\": \"open\"}]";
  const char *bad_history = "[{\"at\": \"2026-03-02T10:00:00\"}]";

  CHECK(itsm_sla_from_json(&sla, sla_json, strlen(sla_json)) == ITSM_OK);
  /* At 14:00: 1 h before the hold, 1 h after it: 2 of 4 h, deadline 16:00. */
  CHECK(itsm_sla_evaluate_json(sla, history, strlen(history), t0 + 4 * 3600, &out) == ITSM_OK);
  CHECK(CONTAINS(out, "\"elapsed\":7200"));
  CHECK(CONTAINS(out, "\"deadline\":\"2026-03-02T16:00:00Z\""));
  CHECK(CONTAINS(out, "\"status\":\"running\""));
  itsm_free(out);
  out = NULL;
  CHECK(itsm_sla_evaluate_json(sla, bad_history, strlen(bad_history), t0, &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "history[0].at"));
  CHECK(out == NULL);
  CHECK(itsm_sla_evaluate_json(sla, "[", 1, t0, &out) == ITSM_EPARSE);
  itsm_sla_free(sla);
  CHECK(itsm_sla_from_json(&sla, "{\"targets\": 5}", 14) != ITSM_OK);
  CHECK(sla == NULL);
  CHECK(itsm_sla_evaluate_json(NULL, history, strlen(history), t0, &out) == ITSM_ENULL);
  itsm_sla_free(NULL);
}

static void test_workflows(void) {
  itsm_workflow *wf = NULL;
  char *text = NULL;
  char *problems = NULL;
  size_t i;
  const char *trap =
      "{\"name\": \"trap\", \"version\": 1, \"states\": [{\"id\": \"a\", \"category\": \"new\", \"initial\": true},"
      " {\"id\": \"b\", \"category\": \"open\"}, {\"id\": \"z\", \"category\": \"closed\", \"terminal\": true}],"
      " \"transitions\": [{\"id\": \"go\", \"from\": [\"a\"], \"to\": \"b\"}, {\"id\": \"end\", \"from\": [\"a\"], \"to\": \"z\"}]}";

  /* The eight built-in processes, in the order docs/workflows.md lists them. */
  static const char *const builtin_names[] = {"incident", "service_request", "change_normal", "change_standard",
                                              "change_emergency", "problem", "audit_engagement", "audit_finding"};

  CHECK(itsm_workflow_builtin_count() == 8);
  for (i = 0; i < 8; ++i)
    CHECK(itsm_workflow_builtin_name(i) != NULL && strcmp(itsm_workflow_builtin_name(i), builtin_names[i]) == 0);
  CHECK(itsm_workflow_builtin_name(8) == NULL);
  for (i = 0; i < itsm_workflow_builtin_count(); ++i) {
    CHECK(itsm_workflow_builtin(&wf, itsm_workflow_builtin_name(i)) == ITSM_OK);
    CHECK(strcmp(itsm_workflow_name(wf), itsm_workflow_builtin_name(i)) == 0);
    CHECK(itsm_workflow_to_json(wf, &text) == ITSM_OK);
    /* Every built-in dumps to JSON that loads back and validates clean of errors. */
    itsm_workflow_free(wf);
    wf = NULL;
    CHECK(itsm_workflow_from_json(&wf, text, strlen(text)) == ITSM_OK);
    CHECK(itsm_workflow_validate(text, strlen(text), &problems) == ITSM_OK);
    itsm_free(problems);
    itsm_free(text);
    itsm_workflow_free(wf);
    wf = NULL;
  }
  CHECK(itsm_workflow_builtin(&wf, "incidnet") == ITSM_ENOT_FOUND);
  CHECK(CONTAINS(itsm_error_last()->message, "incidnet"));
  CHECK(itsm_workflow_builtin(&wf, "\xc3\x28") == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "UTF-8"));

  CHECK(itsm_workflow_from_json(&wf, trap, strlen(trap)) == ITSM_EDEFINITION);
  CHECK(wf == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "'b'"));
  CHECK(itsm_workflow_validate(trap, strlen(trap), &problems) == ITSM_EDEFINITION);
  CHECK(CONTAINS(problems, "\"severity\":\"error\"") && CONTAINS(problems, "\"where\""));
  itsm_free(problems);
  CHECK(itsm_workflow_validate("{", 1, &problems) == ITSM_EPARSE && problems == NULL);
  CHECK(itsm_workflow_validate("{\"name\": 1}", 11, &problems) == ITSM_EDEFINITION);
  CHECK(CONTAINS(problems, "states"));
  itsm_free(problems);

  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_workflow_to_dot(wf, "on_hold", &text) == ITSM_OK && CONTAINS(text, "digraph"));
  itsm_free(text);
  CHECK(itsm_workflow_to_dot(wf, NULL, &text) == ITSM_OK);
  itsm_free(text);
  CHECK(itsm_workflow_to_dot(wf, "limbo", &text) == ITSM_ENOT_FOUND);
  CHECK(CONTAINS(itsm_error_last()->message, "limbo"));
  itsm_workflow_free(wf);
  CHECK(itsm_workflow_name(NULL) == NULL && itsm_error_last()->code == ITSM_ENULL);
}

/* A guard that refuses resolving when the payload's flag is set; an action that counts. */
static int block_resolve(void *payload, const itsm_guard_call *call, char *reason, size_t size) {
  const int *blocked = (const int *)payload;
  if (call->ticket == NULL || strcmp(itsm_ticket_state(call->ticket), "in_progress") != 0) {
    snprintf(reason, size, "guard saw no ticket");
    return 1;
  }
  if (!CONTAINS(call->fields_after, "resolution_code")) {
    snprintf(reason, size, "guard saw no fields");
    return 1;
  }
  if (*blocked) {
    snprintf(reason, size, "change freeze in effect for %s", call->actor);
    return 1;
  }
  return 0;
}

static int count_actions(void *payload, const itsm_ticket *ticket, const char *record_json) {
  int *count = (int *)payload;
  if (ticket != NULL && CONTAINS(record_json, "\"to\":\"resolved\"")) ++*count;
  return *count > 1 ? 5 : 0; /* the second call reports a failure */
}

static const char *guarded_incident =
    "{\"name\": \"guarded_incident\", \"version\": 1, \"roles\": [\"service_desk\", \"caller\"],"
    " \"guards\": [\"no_freeze\"], \"actions\": [\"notify\"],"
    " \"states\": [{\"id\": \"new\", \"category\": \"new\", \"initial\": true},"
    "   {\"id\": \"in_progress\", \"category\": \"open\"},"
    "   {\"id\": \"resolved\", \"category\": \"resolved\", \"requires\": [\"resolution_code\"]},"
    "   {\"id\": \"closed\", \"category\": \"closed\", \"terminal\": true}],"
    " \"transitions\": [{\"id\": \"start\", \"from\": [\"new\"], \"to\": \"in_progress\", \"roles\": [\"service_desk\"]},"
    "   {\"id\": \"resolve\", \"from\": [\"in_progress\"], \"to\": \"resolved\", \"roles\": [\"service_desk\"],"
    "    \"guards\": [\"no_freeze\"], \"actions\": [\"notify\"]},"
    "   {\"id\": \"reopen\", \"from\": [\"resolved\"], \"to\": \"in_progress\", \"kind\": \"reopen\", \"roles\": [\"caller\"]},"
    "   {\"id\": \"close\", \"from\": [\"resolved\"], \"to\": \"closed\", \"roles\": [\"caller\"]}]}";

static void test_hooks(void) {
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  itsm_hooks *hooks = NULL;
  int blocked = 1;
  int actions = 0;

  CHECK(itsm_workflow_from_json(&wf, guarded_incident, strlen(guarded_incident)) == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "INC9", &desk, t0, NULL) == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "start", &desk, t0 + 60, NULL, NULL, NULL) == ITSM_OK);
  /* No hooks: the guard is not registered, so the transition is refused (fail closed). */
  REFUSED(t, ITSM_EGUARD, itsm_ticket_fire(t, "resolve", &desk, t0 + 120, "{\"resolution_code\": \"x\"}", NULL, NULL));
  CHECK(CONTAINS(saved_detail, "\"guard\":\"no_freeze\""));

  CHECK(itsm_hooks_new(&hooks) == ITSM_OK);
  CHECK(itsm_hooks_add_guard(hooks, "no_freeze", block_resolve, &blocked) == ITSM_OK);
  CHECK(itsm_hooks_add_action(hooks, "notify", count_actions, &actions) == ITSM_OK);
  CHECK(itsm_hooks_add_guard(hooks, "x", NULL, NULL) == ITSM_ENULL);
  CHECK(itsm_hooks_add_action(NULL, "x", count_actions, NULL) == ITSM_ENULL);
  REFUSED(t, ITSM_EGUARD, itsm_ticket_fire(t, "resolve", &desk, t0 + 120, "{\"resolution_code\": \"x\"}", NULL, hooks));
  CHECK(CONTAINS(saved_message, "change freeze in effect for sam"));
  CHECK(actions == 0);
  blocked = 0;
  CHECK(itsm_ticket_fire(t, "resolve", &desk, t0 + 180, "{\"resolution_code\": \"x\"}", "done", hooks) == ITSM_OK);
  CHECK(actions == 1);
  CHECK(strcmp(itsm_error_last()->detail, "{}") == 0);
  CHECK(itsm_ticket_fire(t, "reopen", &caller, t0 + 240, NULL, NULL, hooks) == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "start", &desk, t0 + 250, NULL, NULL, hooks) == ITSM_ENOT_ALLOWED);
  /* An action that fails is reported; the change stands. */
  CHECK(itsm_ticket_fire(t, "resolve", &desk, t0 + 300, NULL, NULL, hooks) == ITSM_OK);
  CHECK(actions == 2);
  CHECK(CONTAINS(itsm_error_last()->detail, "action_errors") && CONTAINS(itsm_error_last()->detail, "returned 5"));
  CHECK(strcmp(itsm_ticket_state(t), "resolved") == 0);
  itsm_hooks_free(hooks);
  itsm_ticket_free(t);
  itsm_workflow_free(wf);
}

static void test_incident(void) {
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  itsm_ticket *copy = NULL;
  itsm_sla *sla = NULL;
  itsm_sla_result clock;
  char *text = NULL;
  char *text2 = NULL;
  size_t n = 0, records = 0, tickets = 0;
  const char *const support_roles[] = {"support"};
  const itsm_actor sue = {"sue", support_roles, 1, 0};
  const itsm_actor importer = {"import", NULL, 0, 1};
  const itsm_actor no_name = {NULL, NULL, 0, 0};
  const char *const bad_roles[] = {"support", NULL};
  const itsm_actor null_role = {"x", bad_roles, 2, 0};

  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "INC1", &caller, t0, "{\"impact\": 2, \"urgency\": 2, \"caller\": \"carol\"}") == ITSM_OK);
  itsm_workflow_free(wf); /* the ticket keeps its definition alive */
  wf = NULL;
  CHECK(strcmp(itsm_ticket_id(t), "INC1") == 0);
  CHECK(strcmp(itsm_ticket_state(t), "new") == 0);
  CHECK(strcmp(itsm_ticket_category(t), "new") == 0);
  CHECK(itsm_ticket_priority(t) == 2);
  CHECK(itsm_ticket_is_terminal(t) == 0);
  CHECK(itsm_ticket_allowed(t, &desk, &text) == ITSM_OK && CONTAINS(text, "\"start\""));
  itsm_free(text);

  REFUSED(t, ITSM_EUNKNOWN_TRANSITION, itsm_ticket_fire(t, "teleport", &desk, t0 + 60, NULL, NULL, NULL));
  REFUSED(t, ITSM_EROLE, itsm_ticket_fire(t, "start", &caller, t0 + 60, NULL, NULL, NULL));
  /* The detail names the actor's roles and the roles the transition allows (docs/workflows.md). */
  CHECK(CONTAINS(saved_detail, "\"actor_roles\":[\"caller\"]"));
  CHECK(CONTAINS(saved_detail, "\"allowed_roles\":[\"service_desk\",\"support\"]"));
  REFUSED(t, ITSM_ENOT_ALLOWED, itsm_ticket_fire(t, "close", &desk, t0 + 60, NULL, NULL, NULL));
  CHECK(CONTAINS(saved_detail, "\"state\":\"new\"") && CONTAINS(saved_detail, "\"allowed\""));
  REFUSED(t, ITSM_EMISSING_FIELDS, itsm_ticket_fire(t, "hold", &desk, t0 + 60, NULL, NULL, NULL));
  CHECK(CONTAINS(saved_detail, "\"missing\":[\"hold_reason\"]"));
  REFUSED(t, ITSM_EPARSE, itsm_ticket_fire(t, "hold", &desk, t0 + 60, "{\"hold_reason\": ", NULL, NULL));
  REFUSED(t, ITSM_EINVAL, itsm_ticket_fire(t, "hold", &desk, t0 + 60, "[1]", NULL, NULL));
  REFUSED(t, ITSM_EINVAL, itsm_ticket_fire(t, "hold", &desk, t0 + 60, "{\"hold_reason\": \"bored\"}", NULL, NULL));
  REFUSED(t, ITSM_EINVAL, itsm_ticket_fire(t, "start", &desk, t0 + 60, NULL, "\xe2\x82", NULL));
  CHECK(CONTAINS(saved_message, "comment: not valid UTF-8"));
  REFUSED(t, ITSM_ENULL, itsm_ticket_fire(t, "start", NULL, t0 + 60, NULL, NULL, NULL));
  REFUSED(t, ITSM_ENULL, itsm_ticket_fire(t, "start", &no_name, t0 + 60, NULL, NULL, NULL));
  REFUSED(t, ITSM_ENULL, itsm_ticket_fire(t, "start", &null_role, t0 + 60, NULL, NULL, NULL));
  CHECK(CONTAINS(saved_message, "who->roles[1]"));
  REFUSED(t, ITSM_ENULL, itsm_ticket_fire(t, NULL, &desk, t0 + 60, NULL, NULL, NULL));
  REFUSED(t, ITSM_ETIME_BACKWARDS, itsm_ticket_fire(t, "start", &desk, t0 - 60, NULL, NULL, NULL));

  CHECK(itsm_ticket_fire(t, "start", &desk, t0 + 60, NULL, NULL, NULL) == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "hold", &sue, t0 + 3600, "{\"hold_reason\": \"awaiting_caller\"}", NULL, NULL) == ITSM_OK);
  CHECK(itsm_ticket_update(t, &sue, t0 + 3700, "{\"hold_reason\": \"awaiting_vendor\"}", "vendor ticket opened") == ITSM_OK);
  CHECK(itsm_ticket_move_to(t, "in_progress", &importer, t0 + 7200, NULL, NULL, NULL) == ITSM_OK);
  CHECK(itsm_ticket_move_to(t, "limbo", &desk, t0 + 7300, NULL, NULL, NULL) == ITSM_ENOT_FOUND);
  CHECK(itsm_ticket_fire(t, "resolve", &sue, t0 + 9000,
                         "{\"resolution_code\": \"solved_remotely\", \"resolution_notes\": \"reset\"}", NULL, NULL) == ITSM_OK);

  /* SLA: P2 = 4 h; 1 h before the hold, 30 min after it: met with 1.5 h used. */
  CHECK(itsm_sla_from_json(&sla, sla_json, strlen(sla_json)) == ITSM_OK);
  CHECK(itsm_ticket_sla(t, sla, t0 + 86400, &clock) == ITSM_OK);
  CHECK(clock.status == ITSM_SLA_MET);
  CHECK(clock.target == 14400);
  CHECK(clock.elapsed == 3600 + 1800);
  CHECK(clock.has_breached_at == 0);
  CHECK(clock.warnings_crossed == 0);
  CHECK(itsm_ticket_sla(t, NULL, t0, &clock) == ITSM_ENULL);
  itsm_sla_free(sla);

  CHECK(itsm_ticket_fire(t, "close", &caller, t0 + 10000, NULL, NULL, NULL) == ITSM_OK);
  CHECK(itsm_ticket_is_terminal(t) == 1);
  REFUSED(t, ITSM_ENOT_ALLOWED, itsm_ticket_update(t, &desk, t0 + 10100, "{\"category\": \"x\"}", NULL));

  CHECK(itsm_ticket_fields(t, &text) == ITSM_OK && CONTAINS(text, "\"resolution_code\":\"solved_remotely\""));
  itsm_free(text);
  CHECK(itsm_ticket_history_count(t, &n) == ITSM_OK && n == 7);
  CHECK(itsm_ticket_history_record(t, 0, &text) == ITSM_OK && CONTAINS(text, "\"transition\":\"create\""));
  itsm_free(text);
  CHECK(itsm_ticket_history_record(t, 3, &text) == ITSM_OK && CONTAINS(text, "vendor ticket opened"));
  itsm_free(text);
  text = NULL;
  CHECK(itsm_ticket_history_record(t, 7, &text) == ITSM_ERANGE && text == NULL);

  /* Snapshot -> restore -> snapshot, and history -> replay -> snapshot, are the identity. */
  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  text = snapshot_of(t);
  CHECK(itsm_ticket_restore(&copy, wf, text, strlen(text)) == ITSM_OK);
  text2 = snapshot_of(copy);
  CHECK(text && text2 && strcmp(text, text2) == 0);
  itsm_free(text2);
  itsm_ticket_free(copy);
  copy = NULL;
  CHECK(itsm_ticket_replay(&copy, wf, "INC1", text, strlen(text)) == ITSM_OK);
  text2 = snapshot_of(copy);
  CHECK(text && text2 && strcmp(text, text2) == 0);
  itsm_free(text2);
  itsm_ticket_free(copy);
  copy = NULL;
  CHECK(itsm_ticket_clone(&copy, t) == ITSM_OK);
  text2 = snapshot_of(copy);
  CHECK(text && text2 && strcmp(text, text2) == 0);
  itsm_free(text2);
  itsm_ticket_free(copy);
  copy = NULL;
  CHECK(itsm_ticket_clone(&copy, NULL) == ITSM_ENULL && copy == NULL);
  CHECK(itsm_ticket_restore(&copy, wf, text, strlen(text) - 1) == ITSM_EPARSE && copy == NULL);
  CHECK(itsm_ticket_restore(&copy, wf, "{\"id\": 1}", 9) != ITSM_OK && copy == NULL);
  itsm_free(text);

  /* Hash chain: verifies; one edited byte is caught, naming the line. */
  CHECK(itsm_ticket_export_history(t, &text) == ITSM_OK);
  CHECK(itsm_verify_history(text, strlen(text), &records, &tickets) == ITSM_OK && records == 7 && tickets == 1);
  {
    char *edited = strstr(text, "solved_remotely");
    CHECK(edited != NULL);
    if (edited) edited[0] = 'S';
  }
  CHECK(itsm_verify_history(text, strlen(text), NULL, NULL) == ITSM_ETAMPERED);
  CHECK(CONTAINS(itsm_error_last()->message, "line"));
  itsm_free(text);
  CHECK(itsm_verify_history(NULL, 0, NULL, NULL) == ITSM_ENULL);

  itsm_ticket_free(t);
  itsm_workflow_free(wf);
}

static void test_change_cab(void) {
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  itsm_hooks *hooks = NULL;
  itsm_change_schedule *schedule = NULL;
  char *text = NULL;
  const char *const req[] = {"requester"};
  const char *const assessor[] = {"assessor"};
  const char *const cab[] = {"cab"};
  const char *const implementer_cab[] = {"implementer", "cab"};
  const itsm_actor rita = {"rita", req, 1, 0};
  const itsm_actor alex = {"alex", assessor, 1, 0};
  const itsm_actor ivan = {"ivan", implementer_cab, 2, 0};
  const itsm_actor bea = {"bea", cab, 1, 0};
  const itsm_actor carl = {"carl", cab, 1, 0};
  const char *freeze =
      "{\"freezes\": [{\"name\": \"march-release\", \"start\": \"2026-03-05T00:00:00Z\", \"end\": \"2026-03-06T00:00:00Z\"}]}";

  CHECK(itsm_change_schedule_from_json(&schedule, "{\"freezes\": 1}", 14) == ITSM_EINVAL && schedule == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "freezes"));
  CHECK(itsm_change_schedule_from_json(&schedule, freeze, strlen(freeze)) == ITSM_OK);
  CHECK(itsm_hooks_new(&hooks) == ITSM_OK);
  CHECK(itsm_change_schedule_install(schedule, hooks) == ITSM_OK);

  CHECK(itsm_workflow_builtin(&wf, "change_normal") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "CHG1", &rita, t0, "{\"requested_by\": \"rita\", \"implementer\": \"ivan\"}") == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "submit", &rita, t0 + 60, NULL, NULL, hooks) == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "request_authorization", &alex, t0 + 120, NULL, NULL, hooks) == ITSM_OK);
  CHECK(itsm_ticket_update(t, &rita, t0 + 180,
                           "{\"planned_start\": \"2026-03-05T22:00:00Z\", \"planned_end\": \"2026-03-05T23:00:00Z\","
                           " \"backout_plan\": \"reflash\", \"risk\": \"moderate\"}", NULL) == ITSM_OK);
  REFUSED(t, ITSM_ESOD, itsm_ticket_approve(t, &ivan, t0 + 240, NULL, hooks));
  CHECK(CONTAINS(saved_message, "'ivan' is the implementer"));
  CHECK(itsm_ticket_approve(t, &bea, t0 + 300, NULL, hooks) == ITSM_OK);
  CHECK(CONTAINS(itsm_error_last()->detail, "\"approvals\":1") && CONTAINS(itsm_error_last()->detail, "\"approvals_needed\":2"));
  /* The second approval counts, but the window meets the freeze: not scheduled yet. */
  CHECK(itsm_ticket_approve(t, &carl, t0 + 360, NULL, hooks) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "authorize") == 0);
  CHECK(CONTAINS(itsm_error_last()->detail, "march-release"));
  REFUSED(t, ITSM_EGUARD, itsm_ticket_fire(t, "schedule", &(itsm_actor){"mona", (const char *const[]){"change_manager"}, 1, 0},
                                           t0 + 400, NULL, NULL, hooks));
  CHECK(itsm_ticket_fire(t, "schedule", &(itsm_actor){"mona", (const char *const[]){"change_manager"}, 1, 0}, t0 + 420,
                         "{\"planned_start\": \"2026-03-06T22:00:00Z\", \"planned_end\": \"2026-03-06T23:00:00Z\"}", NULL,
                         hooks) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "scheduled") == 0);
  CHECK(itsm_change_schedule_bookings(schedule, &text) == ITSM_OK && CONTAINS(text, "\"ticket\":\"CHG1\""));
  itsm_free(text);
  /* The hooks keep the bookings after the schedule handle is gone. */
  itsm_change_schedule_free(schedule);
  CHECK(itsm_ticket_fire(t, "cancel", &rita, t0 + 480, "{\"cancel_reason\": \"obsolete\"}", NULL, hooks) == ITSM_OK);
  itsm_hooks_free(hooks);
  itsm_ticket_free(t);
  itsm_workflow_free(wf);
}

static void test_bad_handles(void) {
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  char *text = NULL;
  size_t n = 0;
  CHECK(itsm_ticket_create(NULL, NULL, "x", &desk, t0, NULL) == ITSM_ENULL);
  CHECK(itsm_ticket_create(&t, NULL, "x", &desk, t0, NULL) == ITSM_ENULL && t == NULL);
  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, NULL, &desk, t0, NULL) == ITSM_ENULL);
  CHECK(itsm_ticket_create(&t, wf, "\xff", &desk, t0, NULL) == ITSM_EINVAL);
  CHECK(itsm_ticket_create(&t, wf, "x", &desk, t0, "{\"nonsense\": 1}") == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "nonsense"));
  CHECK(t == NULL);
  /* A handle of another kind is not a ticket. */
  CHECK(itsm_ticket_fire((itsm_ticket *)wf, "start", &desk, t0, NULL, NULL, NULL) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "not a live ticket"));
  CHECK(itsm_ticket_history_count(NULL, &n) == ITSM_ENULL);
  CHECK(itsm_ticket_snapshot(NULL, &text) == ITSM_ENULL);
  CHECK(itsm_ticket_state(NULL) == NULL);
  CHECK(itsm_ticket_priority(NULL) == -1);
  CHECK(itsm_ticket_is_terminal(NULL) == -1);
  itsm_ticket_free(NULL);
  itsm_hooks_free(NULL);
  itsm_workflow_free(wf);
  itsm_free(NULL);
}

/* The limits: read, tightened, refused input names the limit, an older caller's smaller struct,
 * bad arguments; then the defaults are put back. */
static void test_limits(void) {
  itsm_limits defaults, tight, small;
  itsm_calendar *cal = NULL;
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  const char *deep_cal = "{\"week\": {\"mon\": [[\"09:00\", \"17:00\"]]}, \"holidays\": [[[]]]}";
  const itsm_actor ann = {"ann", NULL, 0, 0};
  char *before = NULL, *after = NULL;
  char big_notes[64];

  memset(&defaults, 0, sizeof defaults);
  defaults.size = sizeof defaults;
  CHECK(itsm_get_limits(&defaults) == ITSM_OK);
  CHECK(defaults.json_depth == 64 && defaults.fields == 1024 && defaults.history == 1000000);

  tight = defaults;
  tight.json_depth = 3;
  tight.field_bytes = 16;
  CHECK(itsm_set_limits(&tight) == ITSM_OK);
  CHECK(itsm_calendar_from_json(&cal, deep_cal, strlen(deep_cal)) == ITSM_ELIMIT && cal == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "limits.json_depth = 3"));
  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "INC1", &ann, 1772445600, "{\"short_description\": \"x\"}") == ITSM_OK);
  CHECK(itsm_ticket_snapshot(t, &before) == ITSM_OK);
  memset(big_notes, 0, sizeof big_notes);
  snprintf(big_notes, sizeof big_notes, "{\"category\": \"%s\"}", "a-category-longer-than-16");
  CHECK(itsm_ticket_update(t, &ann, 1772445660, big_notes, NULL) == ITSM_ELIMIT);
  CHECK(CONTAINS(itsm_error_last()->message, "limits.field_bytes = 16"));
  CHECK(itsm_ticket_update(t, &ann, 1772445660, "{\"category\": [[[[1]]]]}", NULL) == ITSM_ELIMIT);
  CHECK(itsm_ticket_snapshot(t, &after) == ITSM_OK);
  CHECK(before && after && strcmp(before, after) == 0);

  /* A caller built against a header whose struct ended after json_depth. */
  memset(&small, 0xff, sizeof small);
  small.size = 3 * sizeof(size_t);
  CHECK(itsm_get_limits(&small) == ITSM_OK);
  CHECK(small.json_bytes == defaults.json_bytes && small.json_depth == 3);
  CHECK(small.field_bytes == (size_t)-1); /* beyond the caller's size: untouched */
  small.json_depth = 0;                   /* zero: the default */
  CHECK(itsm_set_limits(&small) == ITSM_OK);
  memset(&tight, 0, sizeof tight);
  tight.size = sizeof tight;
  CHECK(itsm_get_limits(&tight) == ITSM_OK);
  CHECK(tight.json_depth == 64 && tight.field_bytes == 16);

  CHECK(itsm_get_limits(NULL) == ITSM_ENULL);
  CHECK(itsm_set_limits(NULL) == ITSM_ENULL);
  small.size = 4;
  CHECK(itsm_get_limits(&small) == ITSM_EINVAL && CONTAINS(itsm_error_last()->message, "limits.size"));
  CHECK(itsm_set_limits(&defaults) == ITSM_OK);
  CHECK(strcmp(itsm_strerror(ITSM_ELIMIT), "limit exceeded") == 0);
  itsm_free(before);
  itsm_free(after);
  itsm_ticket_free(t);
  itsm_workflow_free(wf);
}

/* Actor handles: made once, fire like a C actor, refused when bad, shared by tickets. */
static void test_actor_handles(void) {
  static const char *const desk_roles[] = {"service_desk"};
  const itsm_actor sam = {"sam", desk_roles, 1, 0};
  const itsm_actor bad_name = {"\xff\xfe", desk_roles, 1, 0};
  const itsm_actor carol = {"carol", NULL, 0, 0};
  itsm_actor_handle *h = NULL, *caller = NULL, *bad = (itsm_actor_handle *)&sam;
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  char *before = NULL, *after = NULL;

  CHECK(itsm_actor_new(&h, &sam) == ITSM_OK && h != NULL);
  CHECK(itsm_actor_new(&caller, &carol) == ITSM_OK);
  CHECK(itsm_actor_new(NULL, &sam) == ITSM_ENULL);
  CHECK(itsm_actor_new(&bad, NULL) == ITSM_ENULL && bad == NULL);
  CHECK(itsm_actor_new(&bad, &bad_name) == ITSM_EINVAL && bad == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "who->name: not valid UTF-8"));
  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "INC7", &carol, 1772445600, "{\"short_description\": \"x\"}") == ITSM_OK);
  CHECK(itsm_ticket_snapshot(t, &before) == ITSM_OK);
  CHECK(itsm_ticket_fire_as(t, "start", caller, 1772445660, NULL, NULL, NULL) == ITSM_EROLE);
  CHECK(CONTAINS(itsm_error_last()->message, "'carol' has []"));
  CHECK(itsm_ticket_fire_as(t, "start", NULL, 1772445660, NULL, NULL, NULL) == ITSM_ENULL);
  CHECK(itsm_ticket_fire_as(t, "start", (const itsm_actor_handle *)wf, 1772445660, NULL, NULL, NULL) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "who: not a live actor handle"));
  CHECK(itsm_ticket_fire_as(t, NULL, h, 1772445660, NULL, NULL, NULL) == ITSM_ENULL);
  CHECK(itsm_ticket_fire_as(t, "st\xc3rt", h, 1772445660, NULL, NULL, NULL) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "transition: not valid UTF-8"));
  CHECK(itsm_ticket_fire(t, "st\xc3rt", &sam, 1772445660, NULL, NULL, NULL) == ITSM_EINVAL);
  CHECK(itsm_ticket_fire(t, "stort", &sam, 1772445660, NULL, NULL, NULL) == ITSM_EUNKNOWN_TRANSITION);
  CHECK(itsm_ticket_snapshot(t, &after) == ITSM_OK);
  CHECK(before && after && strcmp(before, after) == 0);
  CHECK(itsm_ticket_fire_as(t, "start", h, 1772445660, NULL, "on it", NULL) == ITSM_OK);
  CHECK(itsm_ticket_fire_as(t, "hold", h, 1772445720, "{\"hold_reason\": \"awaiting_caller\"}", NULL, NULL) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "on_hold") == 0);
  itsm_actor_free(h);
  itsm_actor_free(caller);
  itsm_actor_free(NULL);
  itsm_free(before);
  itsm_free(after);
  itsm_ticket_free(t);
  itsm_workflow_free(wf);
}

int main(void) {
  test_actor_handles();
  test_limits();
  test_calendar_options();
  test_sla();
  test_workflows();
  test_hooks();
  test_incident();
  test_change_cab();
  test_bad_handles();
  return check_summary();
}
