#include <stdio.h>
#include <string.h>

#include <itsm/itsm.h>

int main(void) {
  const char *json = "{\"week\": {\"mon\": [[\"09:00\", \"17:00\"]]}}";
  itsm_calendar *cal = NULL;
  int64_t due = 0;
  if (itsm_calendar_from_json(&cal, json, strlen(json)) != ITSM_OK) return 1;
  /* 2026-01-05T16:00:00Z + 2 h -> 2026-01-12T10:00:00Z */
  if (itsm_calendar_add(cal, 1767628800, 7200, &due) != ITSM_OK) return 1;
  itsm_calendar_free(cal);
  printf("itsm %s (C): due %lld\n", itsm_version_string(), (long long)due);
  return due == 1768212000 ? 0 : 1;
}
