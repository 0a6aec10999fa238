/* An incident from new to closed through the C ABI, with a refusal on the way and the SLA clock
 * at the end. Prints each step; exits 0 when the ticket ends closed and the SLA was met. */
#include <stdio.h>
#include <string.h>

#include "itsm/itsm.h"

static const char *const desk_roles[] = {"service_desk"};
static const char *const caller_roles[] = {"caller"};

static int step(int rc, const char *what, const itsm_ticket *t) {
  if (rc == ITSM_OK) {
    printf("%-34s -> %s\n", what, itsm_ticket_state(t));
  } else {
    printf("%-34s refused: %s (%s)\n", what, itsm_strerror(rc), itsm_error_last()->message);
  }
  return rc;
}

int main(void) {
  const itsm_actor sam = {"sam", desk_roles, 1, 0};
  const itsm_actor carol = {"carol", caller_roles, 1, 0};
  const char *sla_json =
      "{\"name\": \"resolution\", \"targets\": {\"P1\": 14400, \"P2\": 28800, \"P3\": 86400},"
      " \"calendar\": {\"timezone\": \"Europe/Berlin\", \"week\": {\"mon\": [[\"08:00\", \"18:00\"]],"
      "  \"tue\": [[\"08:00\", \"18:00\"]]}},"
      " \"pause\": {\"categories\": [\"waiting\"]}, \"stop\": {\"categories\": [\"resolved\", \"closed\"]}}";
  const int64_t t0 = 1772445600; /* 2026-03-02T10:00:00Z, Monday 11:00 in Berlin */
  itsm_workflow *wf = NULL;
  itsm_ticket *inc = NULL;
  itsm_sla *sla = NULL;
  itsm_sla_result clock;
  int ok;

  if (itsm_workflow_builtin(&wf, "incident") != ITSM_OK ||
      itsm_sla_from_json(&sla, sla_json, strlen(sla_json)) != ITSM_OK) {
    fprintf(stderr, "setup: %s\n", itsm_error_last()->message);
    return 1;
  }
  if (itsm_ticket_create(&inc, wf, "INC1", &carol, t0,
                         "{\"short_description\": \"VPN drops\", \"impact\": 2, \"urgency\": 2}") != ITSM_OK) {
    fprintf(stderr, "create: %s\n", itsm_error_last()->message);
    return 1;
  }
  printf("INC1 created (priority %d)    -> %s\n", itsm_ticket_priority(inc), itsm_ticket_state(inc));
  step(itsm_ticket_fire(inc, "start", &sam, t0 + 600, "{\"assigned_to\": \"sam\"}", NULL, NULL), "start", inc);
  /* Refused: on hold needs a reason. The ticket stays as it was. */
  step(itsm_ticket_fire(inc, "hold", &sam, t0 + 1800, NULL, NULL, NULL), "hold (no reason)", inc);
  step(itsm_ticket_fire(inc, "hold", &sam, t0 + 1800, "{\"hold_reason\": \"awaiting_caller\"}", NULL, NULL),
       "hold (awaiting caller)", inc);
  step(itsm_ticket_fire(inc, "start", &sam, t0 + 5400, NULL, "caller replied", NULL), "start", inc);
  step(itsm_ticket_fire(inc, "resolve", &sam, t0 + 9000,
                        "{\"resolution_code\": \"solved_remotely\", \"resolution_notes\": \"new VPN profile\"}",
                        NULL, NULL),
       "resolve", inc);
  step(itsm_ticket_fire(inc, "close", &carol, t0 + 86400, NULL, NULL, NULL), "close (caller confirms)", inc);

  ok = itsm_ticket_sla(inc, sla, t0 + 86400, &clock) == ITSM_OK;
  if (ok) {
    printf("SLA: %s, %lld of %lld business seconds used (%.1f%%)\n",
           clock.status == ITSM_SLA_MET ? "met" : "not met", (long long)clock.elapsed,
           (long long)clock.target, clock.percent);
  }
  ok = ok && itsm_ticket_is_terminal(inc) == 1 && clock.status == ITSM_SLA_MET && clock.elapsed == 9000 - 3600;
  itsm_ticket_free(inc);
  itsm_sla_free(sla);
  itsm_workflow_free(wf);
  return ok ? 0 : 1;
}
