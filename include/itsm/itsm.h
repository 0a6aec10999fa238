/*
 * itsm C API: a small, stable C99 interface to the itsm library (libitsm.so).
 *
 * Conventions (libgit2, SQLite, zstd):
 *  - Functions return ITSM_OK (0) or a negative itsm_error_code; the details of the last failure
 *    on the calling thread are in itsm_error_last(). No function aborts or lets an exception
 *    escape on bad input; a failed call changes none of its arguments' objects.
 *  - Objects are opaque handles created by itsm_<object>_<verb>(itsm_x **out, ...) and released
 *    by itsm_<object>_free(), which accepts NULL.
 *  - Instants are int64_t seconds since the Unix epoch, UTC; durations are int64_t seconds;
 *    text is UTF-8.
 *
 * Threads: a calendar is immutable once created and may be shared by any number of threads
 * without locking. The last error is thread-local.
 */
#ifndef ITSM_H
#define ITSM_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/version.h"

#if defined(_WIN32)
#  if defined(ITSM_BUILDING_LIBRARY)
#    define ITSM_API __declspec(dllexport)
#  else
#    define ITSM_API __declspec(dllimport)
#  endif
#else
#  define ITSM_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes. Negative values are errors; they never change meaning once released. */
typedef enum itsm_error_code {
  ITSM_OK = 0,
  ITSM_EINVAL = -1,        /**< a value out of its domain (a time of 25:00, an unknown key) */
  ITSM_EPARSE = -2,        /**< text that is not JSON, or not of the expected shape */
  ITSM_ERANGE = -3,        /**< an instant outside the supported years (1900..2399) */
  ITSM_ENOWORKTIME = -4,   /**< the calendar has no working time where the answer would be */
  ITSM_EZONE = -5,         /**< an unknown time-zone name */
  ITSM_ENONEXISTENT = -6,  /**< a wall time inside a daylight-saving gap */
  ITSM_ENULL = -7,         /**< a required pointer argument was NULL */
  ITSM_ENOMEM = -8,        /**< out of memory */
  ITSM_EINTERNAL = -9,     /**< a bug in itsm; please report it */
  ITSM_EDEFINITION = -10,  /**< a workflow definition failed its checks */
  ITSM_EUNKNOWN_TRANSITION = -11, /**< no transition of that id in the workflow */
  ITSM_ENOT_ALLOWED = -12, /**< the transition exists, but not from the ticket's state */
  ITSM_EROLE = -13,        /**< the actor holds none of the transition's roles */
  ITSM_EMISSING_FIELDS = -14, /**< required fields are absent, null or empty */
  ITSM_EAPPROVALS = -15,   /**< approvals pending (fewer than the rule needs) */
  ITSM_EGUARD = -16,       /**< a host guard refused (or is not registered) */
  ITSM_ETIME_BACKWARDS = -17, /**< the event is older than the ticket's last record */
  ITSM_ESOD = -18,         /**< segregation of duties: this actor may not approve */
  ITSM_EAMBIGUOUS = -19,   /**< more than one transition leads to the requested state */
  ITSM_ENOT_FOUND = -20,   /**< an unknown name (workflow, state) */
  ITSM_ETAMPERED = -21     /**< a hash-chained history that does not verify */
} itsm_error_code;

/** The last error on the calling thread. */
typedef struct itsm_error {
  int code;            /**< an itsm_error_code; ITSM_OK when the last call succeeded */
  const char *message; /**< UTF-8, names the field and the value; never NULL */
} itsm_error;

/** The last error of the calling thread; never NULL, valid until the thread's next itsm call. */
ITSM_API const itsm_error *itsm_error_last(void);

/** A short static description of a result code ("invalid argument", ...); never NULL. */
ITSM_API const char *itsm_strerror(int code);

/** The library's version as text ("0.1.0"), which may differ from the header's
 *  ITSM_VERSION_STRING when an application runs against a newer compatible libitsm.so. */
ITSM_API const char *itsm_version_string(void);

/** The library's version as MAJOR * 10000 + MINOR * 100 + PATCH. */
ITSM_API int itsm_version_number(void);

/* ------------------------------------------------------------------------------------------
 * Business calendars
 * ---------------------------------------------------------------------------------------- */

/** An immutable business calendar (working hours, holidays, overrides, time zone). */
typedef struct itsm_calendar itsm_calendar;

/** Loads a calendar from its JSON form (`len` bytes of UTF-8 at `json`; need not be
 *  NUL-terminated). On success *out owns a new calendar; on failure *out is set to NULL. */
ITSM_API int itsm_calendar_from_json(itsm_calendar **out, const char *json, size_t len);

/** Releases a calendar; NULL is accepted and ignored. */
ITSM_API void itsm_calendar_free(itsm_calendar *cal);

/** *out = the instant `seconds` of business time after `start` (before it when negative), with
 *  the default conventions (at_close "close", dst "elapsed") and no pauses. */
ITSM_API int itsm_calendar_add(const itsm_calendar *cal, int64_t start, int64_t seconds,
                               int64_t *out);

/** *out = signed business seconds in [start, end) (negative when end < start), with the
 *  default conventions and no pauses. */
ITSM_API int itsm_calendar_between(const itsm_calendar *cal, int64_t start, int64_t end,
                                   int64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* ITSM_H */
