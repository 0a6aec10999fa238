/* The C ABI's answers checked in full: rejections (itsm_ticket_reject), the JSON texts the library
 * returns (calendars, workflows, fields, allowed transitions, bookings), ticket lookups through a
 * lifecycle, next_close, and replay from a history assembled record by record. Expected texts are
 * written out from the manual's forms (docs/calendars.md, docs/workflows.md), not read back from
 * the library. A refused call must leave the ticket's snapshot as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "itsm/itsm.h"

static const int64_t t0 = 1772445600; /* 2026-03-02T10:00:00Z, a Monday */

/* The text a call returned through `out` (read after the call, whatever the argument order). */
static char *returned(int rc, char **out) {
  CHECK(rc == ITSM_OK && *out != NULL);
  return *out;
}

static int same_text(char *text, const char *expected) {
  const int same = text != NULL && strcmp(text, expected) == 0;
  if (!same) fprintf(stderr, "got      %s\nexpected %s\n", text ? text : "(null)", expected);
  itsm_free(text);
  return same;
}

static char *snapshot_of(const itsm_ticket *t) {
  char *s = NULL;
  CHECK(itsm_ticket_snapshot(t, &s) == ITSM_OK);
  return s;
}

/* The last error's text, kept across the snapshot calls REFUSED makes. */
static char saved_message[2048];
static char saved_detail[2048];

/* A refusal returns `expected` and leaves the snapshot byte for byte as it was. */
#define REFUSED(ticket, expected, call)                                                \
  do {                                                                                 \
    char *before_ = snapshot_of(ticket);                                               \
    char *after_;                                                                      \
    CHECK((call) == (expected));                                                       \
    CHECK(itsm_error_last()->code == (expected));                                      \
    snprintf(saved_message, sizeof saved_message, "%s", itsm_error_last()->message);   \
    snprintf(saved_detail, sizeof saved_detail, "%s", itsm_error_last()->detail);      \
    after_ = snapshot_of(ticket);                                                      \
    CHECK(before_ && after_ && strcmp(before_, after_) == 0);                          \
    itsm_free(before_);                                                                \
    itsm_free(after_);                                                                 \
  } while (0)

static const char *const cab_roles[] = {"cab"};
static const char *const implementer_cab_roles[] = {"implementer", "cab"};
static const char *const requester_roles[] = {"requester"};
static const char *const assessor_roles[] = {"assessor"};
static const itsm_actor rita = {"rita", requester_roles, 1, 0};
static const itsm_actor alex = {"alex", assessor_roles, 1, 0};
static const itsm_actor ivan = {"ivan", implementer_cab_roles, 2, 0};
static const itsm_actor bea = {"bea", cab_roles, 1, 0};

/* A normal change up to the CAB (authorize), with a plan. */
static itsm_ticket *change_at_authorize(const itsm_workflow *wf, const char *id) {
  itsm_ticket *t = NULL;
  CHECK(itsm_ticket_create(&t, wf, id, &rita, t0, "{\"requested_by\": \"rita\", \"implementer\": \"ivan\"}") == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "submit", &rita, t0 + 60, NULL, NULL, NULL) == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "request_authorization", &alex, t0 + 120, NULL, NULL, NULL) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "authorize") == 0);
  return t;
}

/* docs/workflows.md, reject: the current state's reject transition, fired as an approver. */
static void test_reject(void) {
  itsm_workflow *wf = NULL, *incident = NULL;
  itsm_ticket *t = NULL, *inc = NULL;
  const itsm_actor importer = {"import", NULL, 0, 1};
  char *text = NULL;
  size_t n = 0;

  CHECK(itsm_workflow_builtin(&wf, "change_normal") == ITSM_OK);
  t = change_at_authorize(wf, "CHG1");
  /* The implementer holds the CAB role but is excluded by the approval rule. */
  REFUSED(t, ITSM_ESOD, itsm_ticket_reject(t, &ivan, t0 + 180, "{\"rejection_reason\": \"no\"}", NULL, NULL));
  CHECK(CONTAINS(saved_message, "'ivan'"));
  /* An assessor is no approver. */
  REFUSED(t, ITSM_EROLE, itsm_ticket_reject(t, &alex, t0 + 180, "{\"rejection_reason\": \"no\"}", NULL, NULL));
  /* The reject transition requires a reason. */
  REFUSED(t, ITSM_EMISSING_FIELDS, itsm_ticket_reject(t, &bea, t0 + 180, NULL, NULL, NULL));
  CHECK(CONTAINS(saved_detail, "\"missing\":[\"rejection_reason\"]"));
  REFUSED(t, ITSM_ETIME_BACKWARDS, itsm_ticket_reject(t, &bea, t0 + 100, "{\"rejection_reason\": \"no\"}", NULL, NULL));
  REFUSED(t, ITSM_EPARSE, itsm_ticket_reject(t, &bea, t0 + 180, "{\"rejection_reason\": ", NULL, NULL));
  REFUSED(t, ITSM_EINVAL, itsm_ticket_reject(t, &bea, t0 + 180, "{\"colour\": \"red\"}", NULL, NULL));
  REFUSED(t, ITSM_EINVAL, itsm_ticket_reject(t, &bea, t0 + 180, "{\"rejection_reason\": \"no\"}", "\xff", NULL));
  REFUSED(t, ITSM_ENULL, itsm_ticket_reject(t, NULL, t0 + 180, "{\"rejection_reason\": \"no\"}", NULL, NULL));
  CHECK(itsm_ticket_reject(NULL, &bea, t0 + 180, NULL, NULL, NULL) == ITSM_ENULL);

  CHECK(itsm_ticket_reject(t, &bea, t0 + 180, "{\"rejection_reason\": \"risk not mitigated\"}", "not now", NULL) ==
        ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "new") == 0);
  CHECK(strcmp(itsm_ticket_category(t), "new") == 0);
  CHECK(itsm_ticket_history_count(t, &n) == ITSM_OK && n == 4);
  CHECK(itsm_ticket_history_record(t, 3, &text) == ITSM_OK);
  CHECK(same_text(text,
                  "{\"actor\":\"bea\",\"at\":\"2026-03-02T10:03:00Z\",\"changes\":{\"rejection_reason\":\"risk not "
                  "mitigated\"},\"comment\":\"not now\",\"from\":\"authorize\",\"priority\":0,\"seq\":4,\"to\":\"new\","
                  "\"transition\":\"reject\"}"));
  /* New has no reject transition; nor has any incident state. */
  REFUSED(t, ITSM_ENOT_ALLOWED, itsm_ticket_reject(t, &bea, t0 + 240, "{\"rejection_reason\": \"again\"}", NULL, NULL));
  CHECK(itsm_workflow_builtin(&incident, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&inc, incident, "INC1", &importer, t0, NULL) == ITSM_OK);
  REFUSED(inc, ITSM_ENOT_ALLOWED, itsm_ticket_reject(inc, &importer, t0 + 60, NULL, NULL, NULL));
  /* A trusted importer needs no role, but the exclusions still hold for it. */
  itsm_ticket_free(t);
  t = change_at_authorize(wf, "CHG2");
  CHECK(itsm_ticket_reject(t, &importer, t0 + 180, "{\"rejection_reason\": \"imported\"}", NULL, NULL) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "new") == 0);
  itsm_ticket_free(t);
  itsm_ticket_free(inc);
  itsm_workflow_free(incident);
  itsm_workflow_free(wf);
}

/* docs/calendars.md: to_json gives the canonical form (every key, every day, holidays as objects),
 * and loading it gives the same calendar. */
static void test_calendar_texts(void) {
  const char *spec =
      "{\"timezone\": \"Europe/Berlin\", \"week\": {\"mon\": [[\"09:00\", \"17:00\"]], \"wed\": [[\"22:00\", \"06:00\"]]},"
      " \"holidays\": [\"2026-12-25\", {\"easter\": 1}], \"overrides\": {\"2026-03-07\": [[\"10:00\", \"12:00\"]]}}";
  const char *canonical =
      "{\"holidays\":[{\"date\":\"2026-12-25\"},{\"easter\":1}],\"overrides\":{\"2026-03-07\":[[\"10:00\",\"12:00\"]]},"
      "\"timezone\":\"Europe/Berlin\",\"week\":{\"fri\":[],\"mon\":[[\"09:00\",\"17:00\"]],\"sat\":[],\"sun\":[],"
      "\"thu\":[],\"tue\":[],\"wed\":[[\"22:00\",\"06:00\"]]}}";
  const int64_t mon_8 = t0 - 3 * 3600; /* 2026-03-02T07:00:00Z = 08:00 in Berlin (CET) */
  itsm_calendar *cal = NULL, *again = NULL, *closed = NULL;
  char *text = NULL;
  int64_t out = 0, out2 = 0;

  CHECK(itsm_calendar_from_json(&cal, spec, strlen(spec)) == ITSM_OK);
  text = returned(itsm_calendar_to_json(cal, &text), &text);
  CHECK(itsm_calendar_from_json(&again, text, strlen(text)) == ITSM_OK);
  CHECK(same_text(text, canonical));
  text = NULL;
  CHECK(same_text(returned(itsm_calendar_to_json(again, &text), &text), canonical));
  text = NULL;
  CHECK(itsm_calendar_to_json(NULL, &text) == ITSM_ENULL && text == NULL);
  CHECK(itsm_calendar_to_json(cal, NULL) == ITSM_ENULL);

  /* next_close: Monday 08:00 -> 17:00 (16:00Z); inside the stretch, the same end; on the close
   * itself, the next stretch's end: Wednesday 22:00 to Thursday 06:00 (05:00Z). */
  CHECK(itsm_calendar_next_close(cal, mon_8, NULL, &out) == ITSM_OK && out == t0 + 6 * 3600);
  CHECK(itsm_calendar_next_close(again, mon_8, NULL, &out2) == ITSM_OK && out2 == out);
  CHECK(itsm_calendar_next_close(cal, t0 + 3 * 3600, NULL, &out) == ITSM_OK && out == t0 + 6 * 3600);
  CHECK(itsm_calendar_next_close(cal, t0 + 6 * 3600, NULL, &out) == ITSM_OK && out == t0 + 2 * 86400 + 19 * 3600);
  /* Saturday 7 March: the override's 10:00-12:00 (09:00Z-11:00Z). */
  CHECK(itsm_calendar_next_close(cal, t0 + 4 * 86400, NULL, &out) == ITSM_OK && out == t0 + 5 * 86400 + 3600);
  CHECK(itsm_calendar_next_close(cal, t0, NULL, NULL) == ITSM_ENULL);
  CHECK(itsm_calendar_next_close(NULL, t0, NULL, &out) == ITSM_ENULL);
  CHECK(itsm_calendar_next_close(cal, (int64_t)1 << 62, NULL, &out) == ITSM_ERANGE);

  /* A calendar without any working time loads; asking it for a close finds none. */
  CHECK(itsm_calendar_from_json(&closed, "{\"week\": {}}", 12) == ITSM_OK);
  CHECK(itsm_calendar_next_close(closed, t0, NULL, &out) == ITSM_ENOWORKTIME);
  itsm_calendar_free(closed);
  itsm_calendar_free(again);
  itsm_calendar_free(cal);
}

/* Workflow JSON: a definition written out loads back to the same text; a small one is written in
 * the canonical form. */
static void test_workflow_texts(void) {
  const char *tiny =
      "{\"name\": \"tiny\", \"version\": 2, \"states\": [{\"id\": \"open\", \"category\": \"new\", \"initial\": true},"
      " {\"id\": \"done\", \"category\": \"closed\", \"terminal\": true}],"
      " \"transitions\": [{\"id\": \"finish\", \"from\": [\"open\"], \"to\": \"done\", \"roles\": [\"agent\"]}]}";
  itsm_workflow *wf = NULL, *again = NULL;
  char *text = NULL, *text2 = NULL;
  size_t i;

  for (i = 0; i < itsm_workflow_builtin_count(); ++i) {
    CHECK(itsm_workflow_builtin(&wf, itsm_workflow_builtin_name(i)) == ITSM_OK);
    text = returned(itsm_workflow_to_json(wf, &text), &text);
    CHECK(itsm_workflow_from_json(&again, text, strlen(text)) == ITSM_OK);
    text2 = returned(itsm_workflow_to_json(again, &text2), &text2);
    CHECK(text && text2 && strcmp(text, text2) == 0);
    CHECK(CONTAINS(text, itsm_workflow_builtin_name(i)));
    itsm_free(text);
    itsm_free(text2);
    text = text2 = NULL;
    itsm_workflow_free(again);
    itsm_workflow_free(wf);
    again = wf = NULL;
  }
  CHECK(itsm_workflow_from_json(&wf, tiny, strlen(tiny)) == ITSM_OK);
  /* Keys sorted, two-space indents: the form a host saves to a file. */
  CHECK(same_text(returned(itsm_workflow_to_json(wf, &text), &text),
                  "{\n  \"name\": \"tiny\",\n  \"states\": [\n    {\n      \"category\": \"new\",\n      \"id\": \"open\",\n"
                  "      \"initial\": true\n    },\n    {\n      \"category\": \"closed\",\n      \"id\": \"done\",\n"
                  "      \"terminal\": true\n    }\n  ],\n  \"transitions\": [\n    {\n      \"from\": [\n        \"open\"\n"
                  "      ],\n      \"id\": \"finish\",\n      \"roles\": [\n        \"agent\"\n      ],\n"
                  "      \"to\": \"done\"\n    }\n  ],\n  \"version\": 2\n}"));
  text = NULL;
  CHECK(itsm_workflow_to_json(NULL, &text) == ITSM_ENULL && text == NULL);
  CHECK(itsm_workflow_to_json(wf, NULL) == ITSM_ENULL);
  itsm_workflow_free(wf);
}

/* Lookups, fields and allowed transitions through an incident's life; then replay from the
 * history assembled from itsm_ticket_history_record, which gives the same snapshot. */
static void test_ticket_texts(void) {
  static const char *const desk_roles[] = {"service_desk"};
  static const char *const caller_roles[] = {"caller"};
  const itsm_actor sam = {"sam", desk_roles, 1, 0};
  const itsm_actor carol = {"carol", caller_roles, 1, 0};
  const itsm_actor nobody = {"nobody", NULL, 0, 0};
  const itsm_actor trusted = {"import", NULL, 0, 1};
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL, *copy = NULL;
  char *text = NULL, *snap = NULL, *snap2 = NULL, *history = NULL;
  size_t n = 0, i, used = 0, size = 2;

  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "INC42", &carol, t0, "{\"caller\": \"carol\", \"impact\": 3, \"urgency\": 1, \"category\": null}") ==
        ITSM_OK);
  CHECK(strcmp(itsm_ticket_id(t), "INC42") == 0);
  CHECK(same_text(returned(itsm_ticket_fields(t, &text), &text), "{\"caller\":\"carol\",\"impact\":3,\"urgency\":1}"));
  text = NULL;
  CHECK(same_text(returned(itsm_ticket_allowed(t, &sam, &text), &text), "[\"start\",\"hold\",\"resolve\",\"cancel\"]"));
  text = NULL;
  CHECK(same_text(returned(itsm_ticket_allowed(t, &carol, &text), &text), "[]"));
  text = NULL;
  CHECK(same_text(returned(itsm_ticket_allowed(t, &nobody, &text), &text), "[]"));
  text = NULL;
  CHECK(same_text(returned(itsm_ticket_allowed(t, &trusted, &text), &text), "[\"start\",\"hold\",\"resolve\",\"cancel\"]"));
  text = NULL;

  CHECK(itsm_ticket_fire(t, "hold", &sam, t0 + 60, "{\"hold_reason\": \"awaiting_caller\"}", NULL, NULL) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "on_hold") == 0 && strcmp(itsm_ticket_category(t), "waiting") == 0);
  CHECK(same_text(returned(itsm_ticket_allowed(t, &sam, &text), &text), "[\"start\",\"resolve\",\"cancel\"]"));
  text = NULL;
  CHECK(itsm_ticket_fire(t, "resolve", &sam, t0 + 120, "{\"resolution_code\": \"duplicate\", \"resolution_notes\": \"see INC1\"}",
                         NULL, NULL) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_category(t), "resolved") == 0);
  CHECK(same_text(returned(itsm_ticket_allowed(t, &carol, &text), &text), "[\"close\",\"reopen\"]"));
  text = NULL;
  CHECK(itsm_ticket_fire(t, "close", &carol, t0 + 180, NULL, "thanks", NULL) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "closed") == 0 && strcmp(itsm_ticket_category(t), "closed") == 0);
  CHECK(same_text(returned(itsm_ticket_allowed(t, &trusted, &text), &text), "[]"));
  text = NULL;
  CHECK(same_text(returned(itsm_ticket_fields(t, &text), &text),
                  "{\"caller\":\"carol\",\"hold_reason\":\"awaiting_caller\",\"impact\":3,\"resolution_code\":\"duplicate\","
                  "\"resolution_notes\":\"see INC1\",\"urgency\":1}"));
  text = NULL;
  CHECK(itsm_ticket_id(NULL) == NULL && itsm_ticket_category(NULL) == NULL);
  CHECK(itsm_ticket_fields(NULL, &text) == ITSM_ENULL && text == NULL);
  CHECK(itsm_ticket_fields(t, NULL) == ITSM_ENULL);
  CHECK(itsm_ticket_allowed(t, NULL, &text) == ITSM_ENULL && text == NULL);
  CHECK(itsm_ticket_allowed(NULL, &sam, &text) == ITSM_ENULL);

  /* "[" record "," record ... "]": the history array replay takes. */
  CHECK(itsm_ticket_history_count(t, &n) == ITSM_OK && n == 4);
  history = malloc(size);
  CHECK(history != NULL);
  if (history == NULL) return;
  history[used++] = '[';
  for (i = 0; i < n; ++i) {
    size_t len;
    char *grown;
    text = returned(itsm_ticket_history_record(t, i, &text), &text);
    len = text ? strlen(text) : 0;
    grown = realloc(history, size + len + 2);
    CHECK(grown != NULL);
    if (grown == NULL) break;
    history = grown;
    size += len + 2;
    if (i) history[used++] = ',';
    memcpy(history + used, text, len);
    used += len;
    itsm_free(text);
    text = NULL;
  }
  history[used++] = ']';
  history[used] = '\0'; /* strstr reads it below; the size kept a byte spare per record */
  CHECK(itsm_ticket_replay(&copy, wf, "INC42", history, used) == ITSM_OK);
  snap = snapshot_of(t);
  snap2 = snapshot_of(copy);
  CHECK(snap && snap2 && strcmp(snap, snap2) == 0);
  itsm_free(snap2);
  itsm_ticket_free(copy);
  copy = NULL;
  /* The same history under another id is that ticket's; the snapshot's own id when none is given. */
  CHECK(itsm_ticket_replay(&copy, wf, "INC43", history, used) == ITSM_OK && strcmp(itsm_ticket_id(copy), "INC43") == 0);
  itsm_ticket_free(copy);
  copy = NULL;
  CHECK(itsm_ticket_replay(&copy, wf, "", snap, strlen(snap)) == ITSM_OK && strcmp(itsm_ticket_id(copy), "INC42") == 0);
  itsm_ticket_free(copy);
  copy = NULL;
  /* Refusals name the record (its index in the array); nothing is made. */
  CHECK(itsm_ticket_replay(&copy, wf, "INC42", history, used - 1) == ITSM_EPARSE && copy == NULL);
  CHECK(itsm_ticket_replay(&copy, wf, "INC42", "[]", 2) == ITSM_EINVAL && copy == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "history: expected a non-empty array"));
  {
    char *second = strstr(history, "},{");
    CHECK(second != NULL);
    if (second) {
      second[1] = ']'; /* "[" the create record "]": a ticket just created */
      CHECK(itsm_ticket_replay(&copy, wf, "INC42", history, (size_t)(second - history) + 2) == ITSM_OK);
      CHECK(copy != NULL && strcmp(itsm_ticket_state(copy), "new") == 0);
      itsm_ticket_free(copy);
      copy = NULL;
      second[1] = ',';
    }
  }
  {
    char *hold = strstr(history, "\"to\":\"on_hold\"");
    CHECK(hold != NULL);
    if (hold) {
      memcpy(hold, "\"to\":\"in_bed\" ", 14); /* a state the workflow does not have */
      CHECK(itsm_ticket_replay(&copy, wf, "INC42", history, used) == ITSM_EINVAL && copy == NULL);
      CHECK(CONTAINS(itsm_error_last()->message, "history[1].to: 'in_bed' is not a state of workflow 'incident'"));
    }
  }
  CHECK(itsm_ticket_replay(NULL, wf, "INC42", snap, strlen(snap)) == ITSM_ENULL);
  CHECK(itsm_ticket_replay(&copy, NULL, "INC42", snap, strlen(snap)) == ITSM_ENULL && copy == NULL);
  CHECK(itsm_ticket_replay(&copy, wf, "INC42", NULL, 0) == ITSM_ENULL && copy == NULL);
  free(history);
  itsm_free(snap);
  itsm_ticket_free(t);
  itsm_workflow_free(wf);
}

/* Bookings: a scheduled change is booked, as the manual's JSON form; cancelling releases it. */
static void test_bookings(void) {
  static const char *const manager_roles[] = {"change_manager"};
  const itsm_actor mona = {"mona", manager_roles, 1, 0};
  const itsm_actor carl = {"carl", cab_roles, 1, 0};
  itsm_change_schedule *schedule = NULL;
  itsm_hooks *hooks = NULL;
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  char *text = NULL;
  const char *plan =
      "{\"planned_start\": \"2026-03-06T22:00:00Z\", \"planned_end\": \"2026-03-06T23:00:00Z\", \"backout_plan\": \"reflash\","
      " \"risk\": \"low\", \"configuration_item\": \"db01\"}";

  CHECK(itsm_change_schedule_from_json(&schedule, "{\"freezes\": []}", 15) == ITSM_OK);
  CHECK(same_text(returned(itsm_change_schedule_bookings(schedule, &text), &text), "[]"));
  text = NULL;
  CHECK(itsm_change_schedule_install(schedule, NULL) == ITSM_ENULL);
  CHECK(itsm_hooks_new(&hooks) == ITSM_OK);
  CHECK(itsm_change_schedule_install(NULL, hooks) == ITSM_ENULL);
  CHECK(itsm_change_schedule_install(schedule, hooks) == ITSM_OK);
  CHECK(itsm_workflow_builtin(&wf, "change_normal") == ITSM_OK);
  t = change_at_authorize(wf, "CHG7");
  CHECK(itsm_ticket_update(t, &rita, t0 + 150, plan, NULL) == ITSM_OK);
  CHECK(itsm_ticket_approve(t, &bea, t0 + 160, NULL, hooks) == ITSM_OK);
  CHECK(itsm_ticket_approve(t, &carl, t0 + 170, NULL, hooks) == ITSM_OK);
  CHECK(strcmp(itsm_ticket_state(t), "scheduled") == 0);
  CHECK(same_text(returned(itsm_change_schedule_bookings(schedule, &text), &text),
                  "[{\"configuration_item\":\"db01\",\"end\":\"2026-03-06T23:00:00Z\",\"start\":\"2026-03-06T22:00:00Z\","
                  "\"ticket\":\"CHG7\",\"workflow\":\"change_normal\"}]"));
  text = NULL;
  CHECK(itsm_ticket_fire(t, "cancel", &mona, t0 + 200, "{\"cancel_reason\": \"obsolete\"}", NULL, hooks) == ITSM_OK);
  CHECK(same_text(returned(itsm_change_schedule_bookings(schedule, &text), &text), "[]"));
  text = NULL;
  CHECK(itsm_change_schedule_bookings(NULL, &text) == ITSM_ENULL && text == NULL);
  CHECK(itsm_change_schedule_bookings(schedule, NULL) == ITSM_ENULL);
  itsm_change_schedule_free(schedule);
  itsm_change_schedule_free(NULL);
  itsm_ticket_free(t);
  itsm_hooks_free(hooks);
  itsm_workflow_free(wf);
}

/* Every result code has its own description; bad actors and options are named. */
static void test_codes_and_arguments(void) {
  static const char *const desk_roles[] = {"service_desk"};
  const itsm_actor no_roles = {"sam", NULL, 1, 0};
  const itsm_actor sam = {"sam", desk_roles, 1, 0};
  itsm_calc_options opts = ITSM_CALC_OPTIONS_INIT;
  itsm_calendar *cal = NULL;
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL;
  int64_t out = 0;
  int code, other;

  for (code = ITSM_ELIMIT; code <= ITSM_OK; ++code) {
    CHECK(itsm_strerror(code) != NULL && itsm_strerror(code)[0] != '\0');
    CHECK(strcmp(itsm_strerror(code), itsm_strerror(12345)) != 0);
    for (other = ITSM_ELIMIT; other < code; ++other) CHECK(strcmp(itsm_strerror(code), itsm_strerror(other)) != 0);
  }
  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "INC1", &sam, t0, NULL) == ITSM_OK);
  REFUSED(t, ITSM_ENULL, itsm_ticket_fire(t, "start", &no_roles, t0 + 60, NULL, NULL, NULL));
  CHECK(strcmp(saved_message, "who->roles: NULL with role_count 1") == 0);
  {
    const char *office = "{\"week\": {\"mon\": [[\"09:00\", \"17:00\"]]}}";
    CHECK(itsm_calendar_from_json(&cal, office, strlen(office)) == ITSM_OK);
  }
  opts.at_close = 2;
  CHECK(itsm_calendar_add_ex(cal, t0, 60, &opts, &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "opts->at_close: 2 is not ITSM_AT_CLOSE_CLOSE or ITSM_AT_CLOSE_OPEN"));
  itsm_calendar_free(cal);
  itsm_ticket_free(t);
  itsm_workflow_free(wf);
}

/* Every function given NULL for a required pointer answers ITSM_ENULL, and given a live handle of
 * another kind answers ITSM_EINVAL naming the argument ("not a live ..."); nothing crashes. */
#define NULL_ARG(call) CHECK((call) == ITSM_ENULL)
#define FOREIGN(call, arg)                                       \
  do {                                                           \
    CHECK((call) == ITSM_EINVAL);                                \
    CHECK(CONTAINS(itsm_error_last()->message, arg ": not a live")); \
  } while (0)

static int allow_all(void *payload, const itsm_guard_call *call, char *reason, size_t size) {
  (void)payload, (void)call, (void)reason, (void)size;
  return 0;
}

static int no_op(void *payload, const itsm_ticket *ticket, const char *record) {
  (void)payload, (void)ticket, (void)record;
  return 0;
}

static void test_null_and_foreign_arguments(void) {
  static const char *const desk_roles[] = {"service_desk"};
  const itsm_actor sam = {"sam", desk_roles, 1, 0};
  const char *office = "{\"week\": {\"mon\": [[\"09:00\", \"17:00\"]]}}";
  const char *resolution = "{\"targets\": {\"P1\": 3600}, \"stop\": {\"categories\": [\"resolved\"]}}";
  const char *history = "[{\"at\": \"2026-03-02T10:00:00Z\", \"priority\": \"P1\"}]";
  itsm_calendar *cal = NULL;
  itsm_sla *sla = NULL;
  itsm_workflow *wf = NULL;
  itsm_ticket *t = NULL, *copy = NULL;
  itsm_hooks *hooks = NULL;
  itsm_change_schedule *schedule = NULL;
  itsm_actor_handle *who = NULL;
  /* Out arguments of calls that must fail: each stays NULL. */
  itsm_calendar *other_cal = NULL;
  itsm_sla *other_sla = NULL;
  itsm_workflow *other_wf = NULL;
  itsm_change_schedule *other_schedule = NULL;
  itsm_sla_result clock;
  int64_t out = 0;
  int32_t days[4];
  size_t n = 0;
  char *text = NULL;
  char *snap = NULL;
  /* Handles of the wrong kind: each function below is handed one of these. */
  itsm_calendar *not_cal;
  itsm_sla *not_sla;
  itsm_workflow *not_wf;
  itsm_ticket *not_ticket;
  itsm_hooks *not_hooks;
  itsm_change_schedule *not_schedule;
  itsm_actor_handle *not_actor;

  CHECK(itsm_calendar_from_json(&cal, office, strlen(office)) == ITSM_OK);
  CHECK(itsm_sla_from_json(&sla, resolution, strlen(resolution)) == ITSM_OK);
  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "INC1", &sam, t0, NULL) == ITSM_OK);
  CHECK(itsm_hooks_new(&hooks) == ITSM_OK);
  CHECK(itsm_change_schedule_from_json(&schedule, "{\"freezes\": []}", 15) == ITSM_OK);
  CHECK(itsm_actor_new(&who, &sam) == ITSM_OK);
  snap = snapshot_of(t);
  not_cal = (itsm_calendar *)(void *)wf;
  not_sla = (itsm_sla *)(void *)wf;
  not_wf = (itsm_workflow *)(void *)cal;
  not_ticket = (itsm_ticket *)(void *)wf;
  not_hooks = (itsm_hooks *)(void *)wf;
  not_schedule = (itsm_change_schedule *)(void *)wf;
  not_actor = (itsm_actor_handle *)(void *)wf;

  /* Calendars */
  NULL_ARG(itsm_calendar_from_json(NULL, office, strlen(office)));
  NULL_ARG(itsm_calendar_from_json(&other_cal, NULL, 0));
  NULL_ARG(itsm_calendar_add(cal, t0, 60, NULL));
  NULL_ARG(itsm_calendar_between(NULL, t0, t0, &out));
  FOREIGN(itsm_calendar_add(not_cal, t0, 60, &out), "cal");
  FOREIGN(itsm_calendar_between_ex(not_cal, t0, t0, NULL, &out), "cal");
  FOREIGN(itsm_calendar_next_open(not_cal, t0, NULL, &out), "cal");
  FOREIGN(itsm_calendar_holidays(not_cal, 2026, days, 4, &n), "cal");
  NULL_ARG(itsm_calendar_holidays(cal, 2026, days, 4, NULL));
  FOREIGN(itsm_calendar_to_json(not_cal, &text), "cal");
  itsm_calendar_free(not_cal); /* not a calendar: ignored */
  /* SLA definitions */
  NULL_ARG(itsm_sla_from_json(NULL, resolution, strlen(resolution)));
  NULL_ARG(itsm_sla_from_json(&other_sla, NULL, 0));
  FOREIGN(itsm_sla_evaluate_json(not_sla, history, strlen(history), t0, &text), "sla");
  NULL_ARG(itsm_sla_evaluate_json(sla, NULL, 0, t0, &text));
  NULL_ARG(itsm_sla_evaluate_json(sla, history, strlen(history), t0, NULL));
  itsm_sla_free(not_sla);
  /* Workflows */
  NULL_ARG(itsm_workflow_from_json(NULL, "{}", 2));
  NULL_ARG(itsm_workflow_builtin(NULL, "incident"));
  NULL_ARG(itsm_workflow_builtin(&other_wf, NULL));
  NULL_ARG(itsm_workflow_validate(NULL, 0, &text));
  NULL_ARG(itsm_workflow_validate("{}", 2, NULL));
  CHECK(itsm_workflow_name(not_wf) == NULL && itsm_error_last()->code == ITSM_EINVAL);
  FOREIGN(itsm_workflow_to_json(not_wf, &text), "wf");
  FOREIGN(itsm_workflow_to_dot(not_wf, NULL, &text), "wf");
  NULL_ARG(itsm_workflow_to_dot(wf, NULL, NULL));
  itsm_workflow_free(not_wf);
  /* Hooks and change schedules */
  NULL_ARG(itsm_hooks_new(NULL));
  FOREIGN(itsm_hooks_add_guard(not_hooks, "g", allow_all, NULL), "hooks");
  FOREIGN(itsm_hooks_add_action(not_hooks, "a", no_op, NULL), "hooks");
  NULL_ARG(itsm_hooks_add_guard(hooks, NULL, allow_all, NULL));
  NULL_ARG(itsm_hooks_add_action(hooks, "a", NULL, NULL));
  NULL_ARG(itsm_change_schedule_from_json(NULL, "{}", 2));
  NULL_ARG(itsm_change_schedule_from_json(&other_schedule, NULL, 0));
  FOREIGN(itsm_change_schedule_install(not_schedule, hooks), "schedule");
  FOREIGN(itsm_change_schedule_install(schedule, not_hooks), "hooks");
  FOREIGN(itsm_change_schedule_bookings(not_schedule, &text), "schedule");
  itsm_hooks_free(not_hooks);
  itsm_change_schedule_free(not_schedule);
  /* Tickets */
  NULL_ARG(itsm_ticket_create(&copy, wf, "INC2", NULL, t0, NULL));
  FOREIGN(itsm_ticket_create(&copy, not_wf, "INC2", &sam, t0, NULL), "wf");
  CHECK(copy == NULL);
  NULL_ARG(itsm_ticket_clone(NULL, t));
  FOREIGN(itsm_ticket_clone(&copy, not_ticket), "ticket");
  REFUSED(t, ITSM_EINVAL, itsm_ticket_fire(t, "start", &sam, t0 + 60, NULL, NULL, not_hooks));
  CHECK(CONTAINS(saved_message, "hooks: not a live hooks"));
  REFUSED(t, ITSM_ENULL, itsm_ticket_fire_as(t, "start", NULL, t0 + 60, NULL, NULL, NULL));
  FOREIGN(itsm_ticket_fire_as(not_ticket, "start", who, t0 + 60, NULL, NULL, NULL), "ticket");
  FOREIGN(itsm_ticket_fire_as(t, "start", not_actor, t0 + 60, NULL, NULL, NULL), "who");
  NULL_ARG(itsm_actor_new(NULL, &sam));
  REFUSED(t, ITSM_ENULL, itsm_ticket_move_to(t, NULL, &sam, t0 + 60, NULL, NULL, NULL));
  FOREIGN(itsm_ticket_move_to(not_ticket, "in_progress", &sam, t0 + 60, NULL, NULL, NULL), "ticket");
  REFUSED(t, ITSM_ENULL, itsm_ticket_approve(t, NULL, t0 + 60, NULL, NULL));
  FOREIGN(itsm_ticket_approve(not_ticket, &sam, t0 + 60, NULL, NULL), "ticket");
  FOREIGN(itsm_ticket_reject(not_ticket, &sam, t0 + 60, NULL, NULL, NULL), "ticket");
  REFUSED(t, ITSM_ENULL, itsm_ticket_update(t, NULL, t0 + 60, "{}", NULL));
  FOREIGN(itsm_ticket_update(not_ticket, &sam, t0 + 60, "{}", NULL), "ticket");
  FOREIGN(itsm_ticket_allowed(not_ticket, &sam, &text), "ticket");
  CHECK(itsm_ticket_id(not_ticket) == NULL && itsm_ticket_state(not_ticket) == NULL);
  CHECK(itsm_ticket_category(not_ticket) == NULL);
  CHECK(itsm_ticket_priority(not_ticket) == -1 && itsm_ticket_is_terminal(not_ticket) == -1);
  FOREIGN(itsm_ticket_fields(not_ticket, &text), "ticket");
  FOREIGN(itsm_ticket_history_count(not_ticket, &n), "ticket");
  NULL_ARG(itsm_ticket_history_count(t, NULL));
  FOREIGN(itsm_ticket_history_record(not_ticket, 0, &text), "ticket");
  NULL_ARG(itsm_ticket_history_record(t, 0, NULL));
  FOREIGN(itsm_ticket_snapshot(not_ticket, &text), "ticket");
  NULL_ARG(itsm_ticket_snapshot(t, NULL));
  NULL_ARG(itsm_ticket_restore(NULL, wf, snap, strlen(snap)));
  FOREIGN(itsm_ticket_restore(&copy, not_wf, snap, strlen(snap)), "wf");
  NULL_ARG(itsm_ticket_restore(&copy, wf, NULL, 0));
  FOREIGN(itsm_ticket_replay(&copy, not_wf, "INC2", snap, strlen(snap)), "wf");
  FOREIGN(itsm_ticket_export_history(not_ticket, &text), "ticket");
  NULL_ARG(itsm_ticket_export_history(t, NULL));
  FOREIGN(itsm_ticket_sla(not_ticket, sla, t0, &clock), "ticket");
  FOREIGN(itsm_ticket_sla(t, not_sla, t0, &clock), "sla");
  NULL_ARG(itsm_ticket_sla(t, sla, t0, NULL));
  CHECK(copy == NULL && text == NULL && other_cal == NULL && other_sla == NULL && other_wf == NULL &&
        other_schedule == NULL);
  itsm_ticket_free(not_ticket);
  itsm_actor_free(not_actor);

  itsm_free(snap);
  itsm_actor_free(who);
  itsm_change_schedule_free(schedule);
  itsm_hooks_free(hooks);
  itsm_ticket_free(t);
  itsm_workflow_free(wf);
  itsm_sla_free(sla);
  itsm_calendar_free(cal);
}

int main(void) {
  test_null_and_foreign_arguments();
  test_codes_and_arguments();
  test_reject();
  test_calendar_texts();
  test_workflow_texts();
  test_ticket_texts();
  test_bookings();
  return check_summary();
}
