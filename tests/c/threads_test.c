/* Many threads sharing one calendar, one SLA definition and one workflow through the C ABI,
 * each firing its own tickets; built with ThreadSanitizer (tests/CMakeLists.txt). The totals
 * are checked at the end: every call that should succeed did, every answer is the one a single
 * thread computes. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "itsm/itsm.h"

enum { threads = 8, tickets_per_thread = 200, adds_per_thread = 2000 };

static itsm_calendar *calendar;
static itsm_workflow *incident;
static itsm_sla *sla;

static const char *const desk_roles[] = {"service_desk"};
static const char *const caller_roles[] = {"caller"};

struct work {
  int index;
  int tickets_closed;
  int adds_matching;
  int refusals_seen;
  int sla_met;
};

static int64_t reference_add(int64_t start, int64_t seconds) {
  int64_t out = 0;
  return itsm_calendar_add(calendar, start, seconds, &out) == ITSM_OK ? out : -1;
}

static int64_t expected_adds[adds_per_thread];

static void *run(void *arg) {
  struct work *w = (struct work *)arg;
  const itsm_actor desk = {"sam", desk_roles, 1, 0};
  const itsm_actor caller = {"carol", caller_roles, 1, 0};
  int i;
  for (i = 0; i < adds_per_thread; ++i) {
    /* Spread over decades, so threads extend the calendar's compiled years concurrently. */
    const int64_t start = 1767628800 + (int64_t)i * 86400 * 7;
    int64_t out = 0;
    if (itsm_calendar_add(calendar, start, 3600 * (i % 50 + 1), &out) == ITSM_OK && out == expected_adds[i]) {
      ++w->adds_matching;
    }
  }
  for (i = 0; i < tickets_per_thread; ++i) {
    char id[32];
    itsm_ticket *t = NULL;
    itsm_sla_result clock;
    const int64_t t0 = 1772445600 + (int64_t)i * 60;
    snprintf(id, sizeof id, "INC%d-%d", w->index, i);
    if (itsm_ticket_create(&t, incident, id, &caller, t0, "{\"impact\": 2, \"urgency\": 2}") != ITSM_OK) continue;
    if (itsm_ticket_fire(t, "resolve", &caller, t0 + 10, NULL, NULL, NULL) == ITSM_EROLE &&
        itsm_error_last()->code == ITSM_EROLE) {
      ++w->refusals_seen;
    }
    if (itsm_ticket_fire(t, "start", &desk, t0 + 60, NULL, NULL, NULL) == ITSM_OK &&
        itsm_ticket_fire(t, "resolve", &desk, t0 + 3600,
                         "{\"resolution_code\": \"solved_remotely\", \"resolution_notes\": \"done\"}", NULL,
                         NULL) == ITSM_OK &&
        itsm_ticket_fire(t, "close", &caller, t0 + 7200, NULL, NULL, NULL) == ITSM_OK &&
        strcmp(itsm_ticket_state(t), "closed") == 0) {
      ++w->tickets_closed;
    }
    if (itsm_ticket_sla(t, sla, t0 + 86400, &clock) == ITSM_OK && clock.status == ITSM_SLA_MET &&
        clock.elapsed == 3600) {
      ++w->sla_met;
    }
    itsm_ticket_free(t);
  }
  return NULL;
}

int main(void) {
  const char *cal_json =
      "{\"timezone\": \"Europe/Berlin\", \"week\": {\"mon\": [[\"08:00\", \"18:00\"]], \"wed\": [[\"22:00\", \"24:00\"]],"
      " \"thu\": [[\"00:00\", \"06:00\"]]}, \"holidays\": [\"--12-25\", {\"easter\": 1}]}";
  const char *sla_json =
      "{\"name\": \"r\", \"targets\": {\"P2\": 14400}, \"stop\": {\"categories\": [\"resolved\", \"closed\"]}}";
  pthread_t tid[threads];
  struct work work[threads];
  int i, closed = 0, adds = 0, refusals = 0, met = 0, failed = 0;

  if (itsm_calendar_from_json(&calendar, cal_json, strlen(cal_json)) != ITSM_OK ||
      itsm_sla_from_json(&sla, sla_json, strlen(sla_json)) != ITSM_OK ||
      itsm_workflow_builtin(&incident, "incident") != ITSM_OK) {
    fprintf(stderr, "setup: %s\n", itsm_error_last()->message);
    return 1;
  }
  /* The reference answers come from a second calendar, so the shared one is first compiled by
   * the threads themselves. */
  {
    itsm_calendar *shared = calendar;
    if (itsm_calendar_from_json(&calendar, cal_json, strlen(cal_json)) != ITSM_OK) return 1;
    for (i = 0; i < adds_per_thread; ++i) {
      expected_adds[i] = reference_add(1767628800 + (int64_t)i * 86400 * 7, 3600 * (i % 50 + 1));
    }
    itsm_calendar_free(calendar);
    calendar = shared;
  }
  memset(work, 0, sizeof work);
  for (i = 0; i < threads; ++i) {
    work[i].index = i;
    if (pthread_create(&tid[i], NULL, run, &work[i]) != 0) return 1;
  }
  for (i = 0; i < threads; ++i) pthread_join(tid[i], NULL);
  for (i = 0; i < threads; ++i) {
    closed += work[i].tickets_closed;
    adds += work[i].adds_matching;
    refusals += work[i].refusals_seen;
    met += work[i].sla_met;
  }
  printf("%d threads: %d tickets closed, %d refusals seen, %d SLA met, %d adds matching\n", threads, closed,
         refusals, met, adds);
  failed = closed != threads * tickets_per_thread || refusals != threads * tickets_per_thread ||
           met != threads * tickets_per_thread || adds != threads * adds_per_thread;
  itsm_calendar_free(calendar);
  itsm_sla_free(sla);
  itsm_workflow_free(incident);
  return failed ? 1 : 0;
}
