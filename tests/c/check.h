/* The C tests' tiny harness: CHECK counts and reports a failed condition with the thread's last
 * itsm error and goes on; check_summary() prints the totals and gives the exit status. One test
 * program per translation unit includes it. */
#ifndef ITSM_TEST_CHECK_H
#define ITSM_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "itsm/itsm.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                                  \
  do {                                                                                               \
    ++checks;                                                                                        \
    if (!(cond)) {                                                                                   \
      ++failures;                                                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %d %s)\n", __FILE__, __LINE__, #cond,   \
              itsm_error_last()->code, itsm_error_last()->message);                                  \
    }                                                                                                \
  } while (0)

#define CONTAINS(text, part) ((text) != NULL && strstr((text), (part)) != NULL)

static int check_summary(void) {
  printf("%d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}

#endif
