/* An SLA deadline through the C ABI: 4 business hours from a Friday afternoon. */
#include <stdio.h>
#include <string.h>

#include "itsm/itsm.h"

int main(void) {
  const char *json =
      "{\"timezone\": \"Europe/Berlin\","
      " \"week\": {\"mon\": [[\"08:00\", \"18:00\"]], \"fri\": [[\"08:00\", \"18:00\"]]}}";
  itsm_calendar *cal = NULL;
  int64_t due = 0;
  const int64_t opened = 1774623600; /* 2026-03-27T16:00:00+01:00, a Friday */

  if (itsm_calendar_from_json(&cal, json, strlen(json)) != ITSM_OK) {
    fprintf(stderr, "calendar: %s\n", itsm_error_last()->message);
    return 1;
  }
  if (itsm_calendar_add(cal, opened, 4 * 3600, &due) != ITSM_OK) {
    fprintf(stderr, "add: %s\n", itsm_error_last()->message);
    itsm_calendar_free(cal);
    return 1;
  }
  /* 2 h on Friday, then Monday 08:00 + 2 h = 2026-03-30T10:00:00+02:00 (after the DST change). */
  printf("itsm %s: opened %lld, due %lld\n", itsm_version_string(), (long long)opened,
         (long long)due);
  itsm_calendar_free(cal);
  return due == 1774857600 ? 0 : 1;
}
