/* A C guard or action that changes or frees its own ticket (issue 18, item 2): every such call is
 * refused with ITSM_EBUSY and a message naming it, the ticket is left as the outer call makes it
 * (its snapshot equals that of a twin whose hooks do nothing), and the outer call completes.
 * Reads from a guard or action stay allowed. Run under valgrind and ASan too: a free from a guard
 * must not become a double free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "itsm/itsm.h"

static const int64_t t0 = 1772445600; /* 2026-03-02T10:00:00Z */

static const char *const desk_roles[] = {"service_desk"};
static const itsm_actor desk = {"sam", desk_roles, 1, 0};

/* "start" (new -> open) runs the guard "hook" and the action "hook"; "close" (open -> closed)
 * and "reopen" (closed -> open) have neither. "approve" and "reject" have nothing to act on in
 * either state, but a re-entrant call is refused for being one before anything else is checked. */
static const char *loop_workflow =
    "{\"name\": \"loop\", \"version\": 1, \"roles\": [\"service_desk\"], \"fields\": [\"note\"],"
    " \"guards\": [\"hook\"], \"actions\": [\"hook\"],"
    " \"states\": [{\"id\": \"new\", \"category\": \"new\", \"initial\": true},"
    "   {\"id\": \"open\", \"category\": \"open\"},"
    "   {\"id\": \"closed\", \"category\": \"closed\", \"terminal\": true}],"
    " \"transitions\": [{\"id\": \"start\", \"from\": [\"new\"], \"to\": \"open\", \"guards\": [\"hook\"],"
    "    \"actions\": [\"hook\"]},"
    "   {\"id\": \"close\", \"from\": [\"open\"], \"to\": \"closed\"}]}";

enum op { OP_FIRE, OP_FIRE_AS, OP_MOVE_TO, OP_APPROVE, OP_REJECT, OP_UPDATE, OP_FREE, OP_NONE };
static const char *const op_names[] = {"itsm_ticket_fire",    "itsm_ticket_fire_as", "itsm_ticket_move_to",
                                       "itsm_ticket_approve", "itsm_ticket_reject",  "itsm_ticket_update",
                                       "itsm_ticket_free",    "nothing"};

/* What a hook does and what it saw. */
typedef struct reentry {
  enum op op;
  itsm_ticket *own;      /* the ticket whose call runs the hook (as the host holds it) */
  itsm_actor_handle *as; /* for itsm_ticket_fire_as */
  int calls;
  int rc;                /* the re-entrant call's result */
  int last_code;         /* itsm_error_last()->code right after it */
  char message[512];
  int read_ok;           /* reads of the ticket worked from the hook */
  int same_handle;       /* the hook was given the host's handle */
} reentry;

/* The re-entrant call: the state it asks for exists and, were the ticket not busy, would be
 * reachable from where the hook sees it (a guard of "start" sees "new", its action "open"). */
static void reenter(reentry *r, const itsm_ticket *seen) {
  itsm_ticket *t = (itsm_ticket *)seen; /* what a host that keeps its own non-const handle does */
  char *snap = NULL;
  const int in_guard = strcmp(itsm_ticket_state(seen), "new") == 0;
  ++r->calls;
  r->same_handle = seen == r->own;
  r->read_ok = itsm_ticket_state(seen) != NULL && itsm_ticket_snapshot(seen, &snap) == ITSM_OK && snap != NULL &&
               itsm_ticket_is_terminal(seen) == 0;
  itsm_free(snap);
  switch (r->op) {
    case OP_FIRE: r->rc = itsm_ticket_fire(t, in_guard ? "start" : "close", &desk, t0 + 60, NULL, NULL, NULL); break;
    case OP_FIRE_AS:
      r->rc = itsm_ticket_fire_as(t, in_guard ? "start" : "close", r->as, t0 + 60, NULL, NULL, NULL);
      break;
    case OP_MOVE_TO: r->rc = itsm_ticket_move_to(t, in_guard ? "open" : "closed", &desk, t0 + 60, NULL, NULL, NULL); break;
    case OP_APPROVE: r->rc = itsm_ticket_approve(t, &desk, t0 + 60, NULL, NULL); break;
    case OP_REJECT: r->rc = itsm_ticket_reject(t, &desk, t0 + 60, NULL, NULL, NULL); break;
    case OP_UPDATE: r->rc = itsm_ticket_update(t, &desk, t0 + 60, "{\"note\": \"from a hook\"}", NULL); break;
    case OP_FREE:
      itsm_ticket_free(t);
      r->rc = itsm_error_last()->code; /* itsm_ticket_free returns nothing: the refusal is the last error */
      break;
    case OP_NONE: r->rc = ITSM_OK; break;
  }
  r->last_code = itsm_error_last()->code;
  snprintf(r->message, sizeof r->message, "%s", itsm_error_last()->message);
}

static int guard_hook(void *payload, const itsm_guard_call *call, char *reason, size_t size) {
  (void)reason, (void)size;
  reenter((reentry *)payload, call->ticket);
  return 0; /* allow: the outer call goes on */
}

static int action_hook(void *payload, const itsm_ticket *ticket, const char *record_json) {
  (void)record_json;
  reenter((reentry *)payload, ticket);
  return 0;
}

static char *snapshot_of(const itsm_ticket *t) {
  char *s = NULL;
  CHECK(itsm_ticket_snapshot(t, &s) == ITSM_OK);
  return s;
}

/* Fires "start" on a fresh ticket whose guard (in_guard) or action does `op` to it; checks the
 * refusal and that the ticket ends as its twin, whose hooks do nothing, does. */
static void run_case(const itsm_workflow *wf, enum op op, int in_guard) {
  itsm_ticket *t = NULL, *twin = NULL;
  itsm_hooks *hooks = NULL, *quiet = NULL;
  reentry r, nothing;
  char *want = NULL, *got = NULL;
  size_t records = 0;
  memset(&r, 0, sizeof r);
  memset(&nothing, 0, sizeof nothing);
  r.op = op;
  nothing.op = OP_NONE;
  CHECK(itsm_actor_new(&r.as, &desk) == ITSM_OK);
  CHECK(itsm_ticket_create(&t, wf, "T1", &desk, t0, NULL) == ITSM_OK);
  CHECK(itsm_ticket_create(&twin, wf, "T1", &desk, t0, NULL) == ITSM_OK);
  r.own = t;
  nothing.own = twin;
  CHECK(itsm_hooks_new(&hooks) == ITSM_OK && itsm_hooks_new(&quiet) == ITSM_OK);
  if (in_guard) {
    CHECK(itsm_hooks_add_guard(hooks, "hook", guard_hook, &r) == ITSM_OK);
  } else {
    CHECK(itsm_hooks_add_guard(hooks, "hook", guard_hook, &nothing) == ITSM_OK);
    CHECK(itsm_hooks_add_action(hooks, "hook", action_hook, &r) == ITSM_OK);
  }
  CHECK(itsm_hooks_add_guard(quiet, "hook", guard_hook, &nothing) == ITSM_OK);
  CHECK(itsm_hooks_add_action(quiet, "hook", action_hook, &nothing) == ITSM_OK);

  CHECK(itsm_ticket_fire(t, "start", &desk, t0 + 30, NULL, "outer", hooks) == ITSM_OK);
  CHECK(strcmp(itsm_error_last()->detail, "{}") == 0); /* no action error: the outer call is clean */
  CHECK(itsm_ticket_fire(twin, "start", &desk, t0 + 30, NULL, "outer", quiet) == ITSM_OK);

  if (r.calls != 1 || r.rc != ITSM_EBUSY || r.last_code != ITSM_EBUSY || !CONTAINS(r.message, op_names[op]) ||
      !CONTAINS(r.message, "is running one of its own guards or actions")) {
    fprintf(stderr, "%s from %s: calls %d, rc %d, last code %d, message '%s'\n", op_names[op],
            in_guard ? "a guard" : "an action", r.calls, r.rc, r.last_code, r.message);
  }
  CHECK(r.calls == 1);
  CHECK(r.rc == ITSM_EBUSY && r.last_code == ITSM_EBUSY);
  CHECK(CONTAINS(r.message, op_names[op]));
  CHECK(CONTAINS(r.message, "ticket T1 is running one of its own guards or actions"));
  CHECK(r.read_ok && r.same_handle);

  /* The ticket is live and as its twin: one create and one "start", nothing from the hook. */
  CHECK(strcmp(itsm_ticket_state(t), "open") == 0);
  CHECK(itsm_ticket_history_count(t, &records) == ITSM_OK && records == 2);
  want = snapshot_of(twin);
  got = snapshot_of(t);
  CHECK(want && got && strcmp(want, got) == 0);
  if (want && got && strcmp(want, got) != 0) fprintf(stderr, "want %s\n got %s\n", want, got);
  itsm_free(want);
  itsm_free(got);

  /* Once the call is over the ticket changes again, and frees once. */
  CHECK(itsm_ticket_fire(t, "close", &desk, t0 + 90, NULL, NULL, hooks) == ITSM_OK);
  itsm_ticket_free(t);
  itsm_ticket_free(twin);
  itsm_hooks_free(hooks);
  itsm_hooks_free(quiet);
  itsm_actor_free(r.as);
}

/* A's guard fires B; B's guard fires A: A is busy, whichever ticket's call reaches it. */
typedef struct pair {
  itsm_ticket *a, *b;
  const itsm_hooks *hooks;
  int b_rc, a_rc;
  char a_message[512];
} pair;

static int cross_guard(void *payload, const itsm_guard_call *call, char *reason, size_t size) {
  pair *p = (pair *)payload;
  (void)reason, (void)size;
  if (call->ticket == p->a) {
    p->b_rc = itsm_ticket_fire(p->b, "start", &desk, t0 + 60, NULL, NULL, p->hooks);
  } else if (call->ticket == p->b) {
    p->a_rc = itsm_ticket_fire(p->a, "start", &desk, t0 + 60, NULL, NULL, p->hooks);
    snprintf(p->a_message, sizeof p->a_message, "%s", itsm_error_last()->message);
  }
  return 0;
}

static void test_through_another_ticket(const itsm_workflow *wf) {
  pair p;
  itsm_hooks *hooks = NULL;
  size_t records = 0;
  memset(&p, 0, sizeof p);
  CHECK(itsm_ticket_create(&p.a, wf, "A", &desk, t0, NULL) == ITSM_OK);
  CHECK(itsm_ticket_create(&p.b, wf, "B", &desk, t0, NULL) == ITSM_OK);
  CHECK(itsm_hooks_new(&hooks) == ITSM_OK);
  CHECK(itsm_hooks_add_guard(hooks, "hook", cross_guard, &p) == ITSM_OK);
  p.hooks = hooks;
  CHECK(itsm_ticket_fire(p.a, "start", &desk, t0 + 30, NULL, NULL, hooks) == ITSM_OK);
  CHECK(p.b_rc == ITSM_OK);    /* another ticket may be changed from a guard */
  CHECK(p.a_rc == ITSM_EBUSY); /* but not the one whose guard runs, even two calls down */
  CHECK(CONTAINS(p.a_message, "itsm_ticket_fire: ticket A is running one of its own guards or actions"));
  CHECK(strcmp(itsm_ticket_state(p.a), "open") == 0 && strcmp(itsm_ticket_state(p.b), "open") == 0);
  CHECK(itsm_ticket_history_count(p.a, &records) == ITSM_OK && records == 2);
  itsm_ticket_free(p.a);
  itsm_ticket_free(p.b);
  itsm_hooks_free(hooks);
}

/* A clone taken from a guard is a ticket of its own: not busy, so it changes and frees. */
static int clone_guard(void *payload, const itsm_guard_call *call, char *reason, size_t size) {
  itsm_ticket *copy = NULL;
  int *rc = (int *)payload;
  (void)reason, (void)size;
  *rc = itsm_ticket_clone(&copy, call->ticket);
  if (*rc == ITSM_OK) *rc = itsm_ticket_update(copy, &desk, t0 + 60, "{\"note\": \"on the copy\"}", NULL);
  itsm_ticket_free(copy);
  return 0;
}

static void test_clone_from_a_guard(const itsm_workflow *wf) {
  itsm_ticket *t = NULL;
  itsm_hooks *hooks = NULL;
  int rc = -100;
  CHECK(itsm_ticket_create(&t, wf, "C", &desk, t0, NULL) == ITSM_OK);
  CHECK(itsm_hooks_new(&hooks) == ITSM_OK);
  CHECK(itsm_hooks_add_guard(hooks, "hook", clone_guard, &rc) == ITSM_OK);
  CHECK(itsm_ticket_fire(t, "start", &desk, t0 + 30, NULL, NULL, hooks) == ITSM_OK);
  CHECK(rc == ITSM_OK);
  itsm_ticket_free(t);
  itsm_hooks_free(hooks);
}

int main(void) {
  itsm_workflow *wf = NULL;
  int op, in_guard;
  CHECK(itsm_workflow_from_json(&wf, loop_workflow, strlen(loop_workflow)) == ITSM_OK);
  if (!wf) return check_summary();
  CHECK(strcmp(itsm_strerror(ITSM_EBUSY), "ticket busy running its own guards or actions") == 0);
  for (in_guard = 1; in_guard >= 0; --in_guard) {
    for (op = OP_FIRE; op <= OP_FREE; ++op) run_case(wf, (enum op)op, in_guard);
  }
  test_through_another_ticket(wf);
  test_clone_from_a_guard(wf);
  itsm_workflow_free(wf);
  return check_summary();
}
