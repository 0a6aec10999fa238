/* The C ABI of event logs: the event store, its report and its audit, good and bad input.
 *
 * usage: itsm_c_api_events_test                      the checks below
 *        itsm_c_api_events_test report EVENTS [NOW]  prints the report JSON (as itsmctl report
 *                                                    --format json [--now NOW])
 *        itsm_c_api_events_test audit EVENTS [CHAIN] prints the audit JSON (as itsmctl audit
 *                                                    --format json [--chain CHAIN])
 * The two printing modes let ctest compare the C ABI's answers with the tool's, byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "itsm/itsm.h"

static const char *sample[] = {
    "{\"ticket\": \"INC1\", \"workflow\": \"incident\", \"at\": \"2026-03-02T09:00:00Z\", \"create\": true,"
    " \"actor\": \"carol\", \"fields\": {\"caller\": \"carol\", \"impact\": 1, \"urgency\": 1}}",
    "{\"ticket\": \"INC1\", \"at\": \"2026-03-02T09:05:00Z\", \"transition\": \"start\", \"actor\": \"sam\","
    " \"roles\": [\"service_desk\"]}",
    "{\"ticket\": \"INC1\", \"at\": \"2026-03-02T09:06:00Z\", \"transition\": \"close\", \"actor\": \"sam\","
    " \"roles\": [\"service_desk\"]}",
    "not json",
    "{\"ticket\": \"INC1\", \"at\": \"2026-03-02T12:00:00Z\", \"transition\": \"resolve\", \"actor\": \"pia\","
    " \"roles\": [\"support\"], \"fields\": {\"resolution_code\": \"solved_remotely\","
    " \"resolution_notes\": \"fixed\"}}",
};

/* Reads a whole file; NULL (after a message) when it cannot. */
static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *text;
  long size;
  if (!f) {
    perror(path);
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = malloc((size_t)size + 1);
  if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
    fclose(f);
    free(text);
    return NULL;
  }
  fclose(f);
  text[size] = '\0';
  *len = (size_t)size;
  return text;
}

/* Reads the log at `path` as the tool reads --events (time order; with `now`, the events after it
 * left out). */
static itsm_event_store *store_of_file(const char *path, const char *now) {
  size_t len = 0;
  char *text = read_all(path, &len);
  char options[200] = "{}";
  itsm_event_store *store = NULL;
  if (!text || itsm_event_store_new(&store) != ITSM_OK) {
    free(text);
    return NULL;
  }
  if (now) snprintf(options, sizeof options, "{\"now\": \"%s\"}", now);
  if (itsm_event_store_read(store, text, len, path, options, NULL) != ITSM_OK) {
    fprintf(stderr, "%s\n", itsm_error_last()->message);
    itsm_event_store_free(store);
    store = NULL;
  }
  free(text);
  return store;
}

static int print_mode(int argc, char **argv) {
  const int report = strcmp(argv[1], "report") == 0;
  itsm_event_store *store = store_of_file(argv[2], report && argc > 3 ? argv[3] : NULL);
  char *out = NULL, *chain = NULL;
  char options[200] = "{\"format\": \"json\"}";
  size_t chain_len = 0;
  int code;
  if (!store) return 2;
  if (report) {
    if (argc > 3) snprintf(options, sizeof options, "{\"format\": \"json\", \"now\": \"%s\"}", argv[3]);
    code = itsm_event_store_report(store, options, &out);
  } else {
    if (argc > 3 && !(chain = read_all(argv[3], &chain_len))) return 2;
    code = itsm_event_store_audit(store, options, chain, chain_len, chain ? argv[3] : NULL, &out);
  }
  if (code != ITSM_OK) {
    fprintf(stderr, "%s: %s\n", argv[1], itsm_error_last()->message);
    return 2;
  }
  fputs(out, stdout);
  itsm_free(out);
  free(chain);
  itsm_event_store_free(store);
  return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
}

static void test_store(void) {
  itsm_event_store *store = NULL;
  itsm_ticket *t = NULL;
  char *out = NULL;
  size_t tickets = 0, events = 0, applied = 0, refused = 0, i;
  int codes[sizeof sample / sizeof *sample];

  CHECK(itsm_event_store_new(NULL) == ITSM_ENULL);
  CHECK(itsm_event_store_new(&store) == ITSM_OK && store != NULL);
  for (i = 0; i < sizeof sample / sizeof *sample; ++i) {
    codes[i] = itsm_event_store_apply(store, sample[i], strlen(sample[i]), i + 1, &out);
    CHECK(out != NULL && CONTAINS(out, "\"line\":"));
    if (codes[i] != ITSM_OK) {
      /* The refusal line is the answer and the last error's detail. */
      CHECK(strcmp(itsm_error_last()->detail, out) == 0);
      CHECK(itsm_error_last()->code == codes[i]);
    }
    itsm_free(out);
    out = NULL;
  }
  CHECK(codes[0] == ITSM_OK && codes[1] == ITSM_OK && codes[4] == ITSM_OK);
  CHECK(codes[2] == ITSM_ENOT_ALLOWED);
  CHECK(codes[3] == ITSM_EPARSE);
  CHECK(strstr(itsm_error_last()->detail, "\"ticket\":null") == NULL); /* the last call applied */
  /* The outcome of an applied line names it too. */
  CHECK(itsm_event_store_apply(store, sample[0], strlen(sample[0]), 9, &out) == ITSM_EINVAL);
  CHECK(CONTAINS(out, "already exists") && CONTAINS(out, "\"line\":9"));
  itsm_free(out);
  out = NULL;
  CHECK(itsm_event_store_apply(store, NULL, 0, 10, NULL) == ITSM_ENULL);
  /* A length shorter than the text: only those bytes are the line. */
  CHECK(itsm_event_store_apply(store, "{}garbage", 2, 11, NULL) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "event.ticket"));

  CHECK(itsm_event_store_counts(store, &tickets, &events, &applied, &refused) == ITSM_OK);
  CHECK(tickets == 1 && events == 7 && applied == 3 && refused == 4);
  CHECK(itsm_event_store_counts(store, NULL, NULL, NULL, NULL) == ITSM_OK);
  CHECK(itsm_event_store_refusals(store, &out) == ITSM_OK);
  CHECK(CONTAINS(out, "\"line\":3") && CONTAINS(out, "\"code\":\"not_allowed_from_state\"") &&
        CONTAINS(out, "\"code\":\"parse_error\""));
  itsm_free(out);
  out = NULL;

  CHECK(itsm_event_store_ticket(store, "INC1", &t) == ITSM_OK);
  CHECK(t != NULL && strcmp(itsm_ticket_state(t), "resolved") == 0);
  itsm_ticket_free(t);
  t = NULL;
  CHECK(itsm_event_store_ticket(store, "INC2", &t) == ITSM_ENOT_FOUND && t == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "INC2"));
  CHECK(itsm_event_store_ticket(store, "\xff", &t) == ITSM_EINVAL);
  CHECK(itsm_event_store_ticket(store, NULL, &t) == ITSM_ENULL);
  CHECK(itsm_event_store_ticket(store, "INC1", NULL) == ITSM_ENULL);

  /* Reports: options read strictly. */
  CHECK(itsm_event_store_report(store, NULL, &out) == ITSM_OK);
  CHECK(CONTAINS(out, "\"tickets\": 1") && CONTAINS(out, "\"now\": \"2026-03-02T12:00:00Z\""));
  itsm_free(out);
  out = NULL;
  CHECK(itsm_event_store_report(store, "{\"format\": \"markdown\", \"now\": \"2026-03-03T00:00:00+01:00\"}", &out) ==
        ITSM_OK);
  CHECK(CONTAINS(out, "## Service report") && CONTAINS(out, "2026-03-02T23:00:00Z"));
  itsm_free(out);
  out = NULL;
  CHECK(itsm_event_store_report(store, "{\"colour\": 1}", &out) == ITSM_EINVAL && out == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "unknown key 'colour'"));
  CHECK(itsm_event_store_report(store, "{\"now\": \"2026-03-03T00:00:00\"}", &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "options.now"));
  CHECK(itsm_event_store_report(store, "{\"format\": \"xml\"}", &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "options.format"));
  CHECK(itsm_event_store_report(store, "{\"policy\": {\"targets\": {\"incident\": 5}}}", &out) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "policy.targets.incident"));
  CHECK(itsm_event_store_report(store, "{\"calendar\": {\"timezone\": \"Mars/Olympus\"}}", &out) == ITSM_EZONE);
  CHECK(itsm_event_store_report(store, "[1", &out) == ITSM_EPARSE);
  CHECK(itsm_event_store_report(store, "[]", &out) == ITSM_EINVAL);
  CHECK(itsm_event_store_report(store, NULL, NULL) == ITSM_ENULL);

  /* Audits: the refused close is a finding; a chain that does not verify is one more. */
  CHECK(itsm_event_store_audit(store, NULL, NULL, 0, NULL, &out) == ITSM_OK);
  CHECK(CONTAINS(out, "disallowed_transition") && !CONTAINS(out, "broken_hash_chain"));
  itsm_free(out);
  out = NULL;
  CHECK(itsm_event_store_audit(store, NULL, "{\"seq\": 1}\n", 11, "history.jsonl", &out) == ITSM_OK);
  CHECK(CONTAINS(out, "broken_hash_chain") && CONTAINS(out, "history.jsonl"));
  itsm_free(out);
  out = NULL;
  CHECK(itsm_event_store_audit(store, NULL, "{}", 2, NULL, &out) == ITSM_ENULL); /* a chain needs its name */
  CHECK(itsm_event_store_audit(store, "{\"calendar\": {}}", NULL, 0, NULL, &out) == ITSM_EINVAL);

  itsm_event_store_free(store);
  itsm_event_store_free(NULL); /* accepted */
  CHECK(itsm_event_store_counts(NULL, &tickets, NULL, NULL, NULL) == ITSM_ENULL);
}

/* A whole log read at once: bad lines, the order, the now cut-off, the data quality, and the
 * report options that depend on them (strict, the policy's processes). */
static void test_read(void) {
  /* INC2's start comes first in the file, two minutes after its create. */
  const char *log = "{\"ticket\": \"INC2\", \"at\": \"2026-03-02T09:02:00Z\", \"transition\": \"start\","
                    " \"actor\": \"sam\", \"roles\": [\"service_desk\"]}\n"
                    "{\"ticket\": \"INC2\", \"workflow\": \"incident\", \"at\": \"2026-03-02T09:00:00Z\","
                    " \"create\": true, \"actor\": \"carol\", \"fields\": {\"caller\": \"carol\"}}\n"
                    "\n"
                    "{\"ticket\": \"INC2\", \"at\": \"2026-03-03T09:00:00Z\", \"transition\": \"close\","
                    " \"actor\": \"sam\", \"roles\": [\"service_desk\"]}\n";
  const char *latin1 = "{\"ticket\": \"INC3\", \"workflow\": \"incident\", \"at\": \"2026-03-02T09:00:00Z\","
                       " \"create\": true, \"actor\": \"Jos\xe9\"}\n[1]\n";
  const char *typo_policy = "{\"policy\": {\"targets\": {\"incidnet\": {\"response\": {\"P1\": 900}}}}}";
  itsm_event_store *store = NULL;
  char *quality = NULL, *out = NULL;
  size_t tickets = 0, applied = 0, refused = 0;

  /* Time order (the default): the start applies after the create; the close (not allowed from
   * in_progress) is refused. */
  CHECK(itsm_event_store_new(&store) == ITSM_OK);
  CHECK(itsm_event_store_read(store, log, strlen(log), "log.jsonl", NULL, &quality) == ITSM_OK);
  CHECK(CONTAINS(quality, "\"reordered\":1"));
  CHECK(CONTAINS(quality, "\"applied\":2"));
  itsm_free(quality);
  CHECK(itsm_event_store_counts(store, &tickets, NULL, &applied, &refused) == ITSM_OK);
  CHECK(tickets == 1 && applied == 2 && refused == 1);
  CHECK(itsm_event_store_report(store, "{\"strict\": true}", &out) == ITSM_EINVAL && out == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "options.strict"));
  CHECK(itsm_event_store_report(store, "{\"strict\": 1}", &out) == ITSM_EINVAL);
  CHECK(itsm_event_store_report(store, typo_policy, &out) == ITSM_ENOT_FOUND && out == NULL);
  CHECK(CONTAINS(itsm_error_last()->message, "incidnet"));
  CHECK(itsm_event_store_audit(store, typo_policy, NULL, 0, NULL, &out) == ITSM_ENOT_FOUND);
  CHECK(itsm_event_store_report(store, NULL, &out) == ITSM_OK);
  CHECK(CONTAINS(out, "\"data_quality\""));
  itsm_free(out);
  itsm_event_store_free(store);

  /* File order: the start comes before the ticket exists; now: the close is left out. */
  CHECK(itsm_event_store_new(&store) == ITSM_OK);
  CHECK(itsm_event_store_read(store, log, strlen(log), "log.jsonl",
                              "{\"order\": \"file\", \"now\": \"2026-03-02T12:00:00Z\"}", &quality) == ITSM_OK);
  CHECK(CONTAINS(quality, "\"after_now\":1"));
  CHECK(CONTAINS(quality, "\"reordered\":0"));
  CHECK(CONTAINS(quality, "\"refused\":1"));
  itsm_free(quality);
  CHECK(itsm_event_store_read(store, log, strlen(log), "log.jsonl", "{\"order\": \"random\"}", &quality) ==
        ITSM_EINVAL);
  CHECK(quality == NULL && CONTAINS(itsm_error_last()->message, "order"));
  itsm_event_store_free(store);

  /* Lines that are not event lines: an error naming the line and nothing applied, or skipped. */
  CHECK(itsm_event_store_new(&store) == ITSM_OK);
  CHECK(itsm_event_store_read(store, latin1, strlen(latin1), "latin1.jsonl", NULL, &quality) == ITSM_EPARSE);
  CHECK(CONTAINS(itsm_error_last()->message, "latin1.jsonl") && CONTAINS(itsm_error_last()->message, "not UTF-8"));
  CHECK(itsm_event_store_counts(store, &tickets, NULL, NULL, NULL) == ITSM_OK && tickets == 0);
  CHECK(itsm_event_store_read(store, latin1, strlen(latin1), "latin1.jsonl", "{\"skip_bad_lines\": true}",
                              &quality) == ITSM_OK);
  CHECK(CONTAINS(quality, "\"skipped\":2"));
  CHECK(CONTAINS(quality, "not UTF-8") && CONTAINS(quality, "not a JSON object"));
  itsm_free(quality);
  CHECK(itsm_event_store_read(store, NULL, 0, "empty", NULL, NULL) == ITSM_OK);
  CHECK(itsm_event_store_read(store, NULL, 3, "none", NULL, NULL) == ITSM_ENULL);
  CHECK(itsm_event_store_read(store, log, strlen(log), NULL, NULL, NULL) == ITSM_ENULL);
  CHECK(itsm_event_store_read(NULL, log, strlen(log), "log", NULL, NULL) == ITSM_ENULL);
  itsm_event_store_free(store);
}

static void test_foreign_handle(void) {
  itsm_workflow *wf = NULL;
  size_t n = 0;
  CHECK(itsm_workflow_builtin(&wf, "incident") == ITSM_OK);
  CHECK(itsm_event_store_counts((const itsm_event_store *)wf, &n, NULL, NULL, NULL) == ITSM_EINVAL);
  CHECK(CONTAINS(itsm_error_last()->message, "not a live event store"));
  itsm_workflow_free(wf);
}

static void test_workflows_and_schedules(void) {
  itsm_event_store *store = NULL;
  itsm_workflow *tiny = NULL, *incident = NULL;
  itsm_change_schedule *frozen = NULL;
  const char *def = "{\"name\": \"tiny\", \"version\": 1, \"states\": [{\"id\": \"a\", \"category\": \"new\","
                    " \"initial\": true}, {\"id\": \"b\", \"category\": \"closed\", \"terminal\": true}],"
                    " \"transitions\": [{\"id\": \"go\", \"from\": [\"a\"], \"to\": \"b\"}]}";
  const char *create = "{\"ticket\": \"T\", \"workflow\": \"tiny\", \"at\": \"2026-03-02T09:00:00Z\", \"create\": true}";
  const char *go = "{\"ticket\": \"T\", \"at\": \"2026-03-02T09:01:00Z\", \"transition\": \"go\"}";
  const char *freeze = "{\"freezes\": [{\"name\": \"march\", \"start\": \"2026-03-01T00:00:00Z\","
                       " \"end\": \"2026-04-01T00:00:00Z\"}]}";
  CHECK(itsm_event_store_new(&store) == ITSM_OK);
  CHECK(itsm_workflow_from_json(&tiny, def, strlen(def)) == ITSM_OK);
  CHECK(itsm_event_store_apply(store, create, strlen(create), 1, NULL) == ITSM_ENOT_FOUND);
  CHECK(itsm_event_store_add_workflow(store, tiny) == ITSM_OK);
  itsm_workflow_free(tiny); /* the store keeps its own reference */
  CHECK(itsm_event_store_apply(store, create, strlen(create), 2, NULL) == ITSM_OK);
  CHECK(itsm_event_store_apply(store, go, strlen(go), 3, NULL) == ITSM_OK);
  CHECK(itsm_event_store_add_workflow(store, NULL) == ITSM_ENULL);
  CHECK(itsm_workflow_builtin(&incident, "incident") == ITSM_OK);
  CHECK(itsm_event_store_add_workflow(NULL, incident) == ITSM_ENULL);
  itsm_workflow_free(incident);
  CHECK(itsm_change_schedule_from_json(&frozen, freeze, strlen(freeze)) == ITSM_OK);
  CHECK(itsm_event_store_use_schedule(store, frozen) == ITSM_OK);
  CHECK(itsm_event_store_use_schedule(store, NULL) == ITSM_ENULL);
  itsm_change_schedule_free(frozen);
  itsm_event_store_free(store);
}

int main(int argc, char **argv) {
  if (argc >= 3 && (strcmp(argv[1], "report") == 0 || strcmp(argv[1], "audit") == 0)) return print_mode(argc, argv);
  if (argc != 1) {
    fprintf(stderr, "usage: %s [report EVENTS [NOW] | audit EVENTS [CHAIN]]\n", argv[0]);
    return 2;
  }
  test_store();
  test_read();
  test_workflows_and_schedules();
  test_foreign_handle();
  return check_summary();
}
