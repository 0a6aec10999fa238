// The C ABI's calls about the library itself: the last error and the words for a code, the
// version, releasing returned text, and the limits.

#include <cstddef>
#include <iterator>

#include "internal.hpp"
#include "itsm/limits.hpp"

namespace itsm::c_api {
namespace {
/// One member of itsm_limits and its itsm::limits twin; a caller's struct covers it when its
/// `size` reaches past the member's end.
struct limit_member {
  std::size_t offset;
  size_t itsm_limits::*c;
  std::size_t itsm::limits::*cpp;
  bool covered_by(std::size_t size) const { return offset + sizeof(size_t) <= size; }
};
#define ITSM_LIMIT_MEMBER(m) limit_member{offsetof(itsm_limits, m), &itsm_limits::m, &itsm::limits::m}
const limit_member limit_members[] = {
    ITSM_LIMIT_MEMBER(json_bytes),        ITSM_LIMIT_MEMBER(json_depth), ITSM_LIMIT_MEMBER(field_bytes),
    ITSM_LIMIT_MEMBER(fields),            ITSM_LIMIT_MEMBER(history),    ITSM_LIMIT_MEMBER(intervals_per_day),
    ITSM_LIMIT_MEMBER(holidays),          ITSM_LIMIT_MEMBER(overrides)};
#undef ITSM_LIMIT_MEMBER
static_assert(sizeof(itsm_limits) == sizeof(size_t) * (1 + std::size(limit_members)),
              "every itsm_limits member is in limit_members");

int check_limits_size(std::size_t size) {
  return size < offsetof(itsm_limits, json_bytes) + sizeof(size_t)
             ? set_error(ITSM_EINVAL, "limits.size: " + std::to_string(size) + " is not sizeof(itsm_limits)")
             : ITSM_OK;
}
}  // namespace
}  // namespace itsm::c_api

using namespace itsm::c_api;

extern "C" {

const itsm_error* itsm_error_last(void) { return &slot().view; }

const char* itsm_strerror(int code) {
  switch (code) {
    case ITSM_OK: return "no error";
    case ITSM_EINVAL: return "invalid argument";
    case ITSM_EPARSE: return "parse error";
    case ITSM_ERANGE: return "out of the supported range";
    case ITSM_ENOWORKTIME: return "no working time";
    case ITSM_EZONE: return "unknown time zone";
    case ITSM_ENONEXISTENT: return "nonexistent wall time";
    case ITSM_ENULL: return "NULL argument";
    case ITSM_ENOMEM: return "out of memory";
    case ITSM_EINTERNAL: return "internal error";
    case ITSM_EDEFINITION: return "invalid workflow definition";
    case ITSM_EUNKNOWN_TRANSITION: return "unknown transition";
    case ITSM_ENOT_ALLOWED: return "transition not allowed from the current state";
    case ITSM_EROLE: return "role denied";
    case ITSM_EMISSING_FIELDS: return "missing required fields";
    case ITSM_EAPPROVALS: return "approvals pending";
    case ITSM_EGUARD: return "guard failed";
    case ITSM_ETIME_BACKWARDS: return "time went backwards";
    case ITSM_ESOD: return "segregation of duties";
    case ITSM_EAMBIGUOUS: return "ambiguous";
    case ITSM_ENOT_FOUND: return "not found";
    case ITSM_ETAMPERED: return "tampered history";
    case ITSM_ELIMIT: return "limit exceeded";
    default: return "unknown error code";
  }
}

const char* itsm_version_string(void) { return ITSM_VERSION_STRING; }

int itsm_version_number(void) { return ITSM_VERSION_NUMBER; }

void itsm_free(void* text) { std::free(text); }

int itsm_get_limits(itsm_limits* out) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    if (int code = check_limits_size(out->size); code != ITSM_OK) return code;
    const itsm::limits now = itsm::get_limits();
    for (const auto& m : limit_members) {
      if (m.covered_by(out->size)) out->*m.c = now.*m.cpp;
    }
    return set_ok();
  });
}

int itsm_set_limits(const itsm_limits* limits) {
  return guarded([&] {
    if (!limits) return set_error(ITSM_ENULL, "limits: NULL");
    if (int code = check_limits_size(limits->size); code != ITSM_OK) return code;
    itsm::limits next = itsm::get_limits();
    for (const auto& m : limit_members) {
      if (m.covered_by(limits->size)) next.*m.cpp = limits->*m.c;
    }
    itsm::set_limits(next);
    return set_ok();
  });
}

}  // extern "C"
