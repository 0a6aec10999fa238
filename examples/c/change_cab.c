/* A normal change through the C ABI: the implementer tries to approve his own change and is
 * refused for segregation of duties; two other CAB members approve and the change is scheduled
 * (checked against a change freeze), implemented, reviewed and closed. Exits 0 when the
 * refusal and the close both happened as they should. */
#include <stdio.h>
#include <string.h>

#include "itsm/itsm.h"

static const char *const requester[] = {"requester"};
static const char *const assessor[] = {"assessor"};
static const char *const manager[] = {"change_manager"};
static const char *const implementer_cab[] = {"implementer", "cab"};
static const char *const cab[] = {"cab"};

int main(void) {
  const itsm_actor rita = {"rita", requester, 1, 0};
  const itsm_actor alex = {"alex", assessor, 1, 0};
  const itsm_actor mona = {"mona", manager, 1, 0};
  const itsm_actor ivan = {"ivan", implementer_cab, 2, 0};
  const itsm_actor bea = {"bea", cab, 1, 0};
  const itsm_actor carl = {"carl", cab, 1, 0};
  const char *freezes =
      "{\"freezes\": [{\"name\": \"quarter-end\", \"start\": \"2026-03-30T00:00:00Z\","
      " \"end\": \"2026-04-02T00:00:00Z\", \"exempt\": [\"change_emergency\"]}]}";
  const int64_t t0 = 1772445600; /* 2026-03-02T10:00:00Z */
  itsm_workflow *wf = NULL;
  itsm_ticket *chg = NULL;
  itsm_hooks *hooks = NULL;
  itsm_change_schedule *schedule = NULL;
  int sod_refused, closed;

  if (itsm_workflow_builtin(&wf, "change_normal") != ITSM_OK || itsm_hooks_new(&hooks) != ITSM_OK ||
      itsm_change_schedule_from_json(&schedule, freezes, strlen(freezes)) != ITSM_OK ||
      itsm_change_schedule_install(schedule, hooks) != ITSM_OK ||
      itsm_ticket_create(&chg, wf, "CHG1", &rita, t0,
                         "{\"requested_by\": \"rita\", \"implementer\": \"ivan\","
                         " \"configuration_item\": \"db01\", \"short_description\": \"patch db01\"}") != ITSM_OK) {
    fprintf(stderr, "setup: %s\n", itsm_error_last()->message);
    return 1;
  }
  itsm_ticket_fire(chg, "submit", &rita, t0 + 60, NULL, NULL, hooks);
  itsm_ticket_fire(chg, "request_authorization", &alex, t0 + 3600,
                   "{\"planned_start\": \"2026-03-05T22:00:00Z\", \"planned_end\": \"2026-03-05T23:00:00Z\","
                   " \"backout_plan\": \"restore snapshot\", \"risk\": \"moderate\"}",
                   NULL, hooks);
  printf("CHG1 %s\n", itsm_ticket_state(chg));

  sod_refused = itsm_ticket_approve(chg, &ivan, t0 + 7200, NULL, hooks) == ITSM_ESOD;
  printf("ivan approves: %s: %s\n", itsm_strerror(itsm_error_last()->code), itsm_error_last()->message);

  itsm_ticket_approve(chg, &bea, t0 + 7300, "low risk", hooks);
  printf("bea approves: %s\n", itsm_error_last()->detail);
  itsm_ticket_approve(chg, &carl, t0 + 7400, NULL, hooks);
  printf("carl approves: %s -> %s\n", itsm_error_last()->detail, itsm_ticket_state(chg));

  itsm_ticket_fire(chg, "implement", &ivan, t0 + 3 * 86400 + 43200, NULL, NULL, hooks);
  itsm_ticket_fire(chg, "review", &ivan, t0 + 3 * 86400 + 46800, "{\"close_code\": \"successful\"}", NULL, hooks);
  closed = itsm_ticket_fire(chg, "close", &mona, t0 + 4 * 86400, NULL, NULL, hooks) == ITSM_OK;
  printf("CHG1 %s\n", itsm_ticket_state(chg));

  itsm_ticket_free(chg);
  itsm_change_schedule_free(schedule);
  itsm_hooks_free(hooks);
  itsm_workflow_free(wf);
  return sod_refused && closed ? 0 : 1;
}
