/* The C ABI from C: every function, good and bad input. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "itsm/itsm.h"

static const char *office =
    "{\"week\": {\"mon\": [[\"09:00\", \"17:00\"]], \"tue\": [[\"09:00\", \"17:00\"]],"
    " \"wed\": [[\"09:00\", \"17:00\"]], \"thu\": [[\"09:00\", \"17:00\"]],"
    " \"fri\": [[\"09:00\", \"17:00\"]]}}";

static void test_version(void) {
  CHECK(strcmp(itsm_version_string(), ITSM_VERSION_STRING) == 0);
  CHECK(itsm_version_number() == ITSM_VERSION_NUMBER);
  CHECK(itsm_version_number() ==
        ITSM_VERSION_MAJOR * 10000 + ITSM_VERSION_MINOR * 100 + ITSM_VERSION_PATCH);
}

static void test_errors(void) {
  CHECK(itsm_error_last() != NULL);
  CHECK(itsm_error_last()->message != NULL);
  CHECK(strcmp(itsm_strerror(ITSM_OK), "no error") == 0);
  CHECK(strcmp(itsm_strerror(ITSM_EINVAL), "invalid argument") == 0);
  CHECK(strcmp(itsm_strerror(12345), "unknown error code") == 0);
  CHECK(strcmp(itsm_strerror(1), "unknown error code") == 0);
  CHECK(strcmp(itsm_strerror(ITSM_EBUSY - 1), "unknown error code") == 0);
  CHECK(strcmp(itsm_strerror(INT_MIN), "unknown error code") == 0);
  CHECK(strcmp(itsm_strerror(ITSM_ENOT_ALLOWED), "transition not allowed from the current state") == 0);
  {
    int code;
    for (code = ITSM_ELIMIT; code <= ITSM_OK; ++code) {
      CHECK(strcmp(itsm_strerror(code), "unknown error code") != 0);
    }
  }
}

static void test_calendar(void) {
  itsm_calendar *cal = NULL;
  int64_t out = -1;
  /* 2026-01-05T16:00:00Z is a Monday. */
  const int64_t mon_16 = 1767628800;

  CHECK(itsm_calendar_from_json(&cal, office, strlen(office)) == ITSM_OK);
  CHECK(cal != NULL);
  CHECK(itsm_error_last()->code == ITSM_OK);

  CHECK(itsm_calendar_add(cal, mon_16, 7200, &out) == ITSM_OK);
  CHECK(out == mon_16 + 18 * 3600); /* Tuesday 10:00 */
  CHECK(itsm_calendar_add(cal, mon_16, -3600, &out) == ITSM_OK);
  CHECK(out == mon_16 - 3600);
  CHECK(itsm_calendar_add(cal, mon_16, 0, &out) == ITSM_OK);
  CHECK(out == mon_16);

  CHECK(itsm_calendar_between(cal, mon_16, mon_16 + 7 * 86400, &out) == ITSM_OK);
  CHECK(out == 40 * 3600);
  CHECK(itsm_calendar_between(cal, mon_16 + 7 * 86400, mon_16, &out) == ITSM_OK);
  CHECK(out == -40 * 3600);

  /* Bad input: codes, messages that name the argument, outputs untouched. */
  out = 42;
  CHECK(itsm_calendar_add(NULL, mon_16, 1, &out) == ITSM_ENULL);
  CHECK(strstr(itsm_error_last()->message, "cal") != NULL);
  CHECK(out == 42);
  CHECK(itsm_calendar_add(cal, mon_16, 1, NULL) == ITSM_ENULL);
  CHECK(itsm_calendar_between(NULL, 0, 1, &out) == ITSM_ENULL);
  CHECK(itsm_calendar_between(cal, 0, 1, NULL) == ITSM_ENULL);
  CHECK(itsm_calendar_add(cal, -((int64_t)1 << 62), 1, &out) == ITSM_ERANGE);
  CHECK(out == 42);
  CHECK(itsm_calendar_add(cal, mon_16, (int64_t)1 << 62, &out) == ITSM_ERANGE);
  itsm_calendar_free(cal);
  itsm_calendar_free(NULL);
}

static void test_bad_calendars(void) {
  itsm_calendar *cal = (itsm_calendar *)&failures; /* must be overwritten with NULL */
  const char *not_json = "{\"week\": ";
  const char *bad_time = "{\"week\": {\"mon\": [[\"09:00\", \"25:00\"]]}}";
  const char *bad_zone = "{\"timezone\": \"Nowhere/Special\"}";
  const char invalid_utf8[] = "{\"timezone\": \"\xff\xfe\"}";
  const char *closed = "{\"week\": {}}";
  int64_t out = 0;

  CHECK(itsm_calendar_from_json(&cal, not_json, strlen(not_json)) == ITSM_EPARSE);
  CHECK(cal == NULL);
  CHECK(itsm_error_last()->code == ITSM_EPARSE);

  CHECK(itsm_calendar_from_json(&cal, bad_time, strlen(bad_time)) == ITSM_EINVAL);
  CHECK(strstr(itsm_error_last()->message, "calendar.week.mon[0][1]") != NULL);
  CHECK(strstr(itsm_error_last()->message, "25:00") != NULL);

  CHECK(itsm_calendar_from_json(&cal, bad_zone, strlen(bad_zone)) == ITSM_EZONE);
  CHECK(strstr(itsm_error_last()->message, "Nowhere/Special") != NULL);

  CHECK(itsm_calendar_from_json(&cal, invalid_utf8, sizeof invalid_utf8 - 1) == ITSM_EPARSE);
  CHECK(itsm_calendar_from_json(NULL, office, strlen(office)) == ITSM_ENULL);
  CHECK(itsm_calendar_from_json(&cal, NULL, 3) == ITSM_ENULL);
  CHECK(itsm_calendar_from_json(&cal, office, 0) == ITSM_EPARSE);

  CHECK(itsm_calendar_from_json(&cal, closed, strlen(closed)) == ITSM_OK);
  CHECK(itsm_calendar_add(cal, 1767628800, 60, &out) == ITSM_ENOWORKTIME);
  CHECK(strstr(itsm_error_last()->message, "no working time") != NULL);
  itsm_calendar_free(cal);
}

/* Holiday ranges come through the C ABI as through every loader: the JSON is the same. */
static void test_holiday_ranges(void) {
  static const char *golden_week =
      "{\"week\": {\"wed\": [[\"09:00\", \"17:00\"]], \"thu\": [[\"09:00\", \"17:00\"]]},"
      " \"holidays\": [{\"from\": \"2026-10-01\", \"to\": \"2026-10-07\", \"name\": \"National Day\"}]}";
  static const char *backward = "{\"holidays\": [{\"from\": \"2026-10-07\", \"to\": \"2026-10-01\"}]}";
  itsm_calendar *cal = NULL;
  int32_t dates[16] = {0};
  size_t count = 0;
  int64_t out = 0;
  const int64_t wed_30_sep_10 = 1790762400; /* 2026-09-30T10:00:00Z */

  CHECK(itsm_calendar_from_json(&cal, golden_week, strlen(golden_week)) == ITSM_OK);
  CHECK(itsm_calendar_holidays(cal, 2026, dates, 16, &count) == ITSM_OK);
  CHECK(count == 7 && dates[0] == 20261001 && dates[6] == 20261007);
  /* Wednesday 30 September + 1 working day (Wednesdays and Thursdays work): the 1st and the 7th
     are in the range, so Thursday 8 October. */
  CHECK(itsm_calendar_add_working_days(cal, wed_30_sep_10, 1, NULL, &out) == ITSM_OK);
  CHECK(out == wed_30_sep_10 + 8 * 86400);
  itsm_calendar_free(cal);

  cal = NULL;
  CHECK(itsm_calendar_from_json(&cal, backward, strlen(backward)) == ITSM_EINVAL);
  CHECK(cal == NULL);
  CHECK(strstr(itsm_error_last()->message, "calendar.holidays[0].to") != NULL);
}

int main(void) {
  test_version();
  test_errors();
  test_calendar();
  test_bad_calendars();
  test_holiday_ranges();
  return check_summary();
}
