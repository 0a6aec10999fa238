// The C ABI's calls about the library itself: the last error and the words for a code, the
// version, releasing returned text, and the limits.

#include <cstddef>
#include <cstring>
#include <iterator>
#include <type_traits>
#include <utility>

#include "internal.hpp"
#include "itsm/error.hpp"
#include "itsm/limits.hpp"

namespace itsm::c_api {
namespace {

// itsm_error_code and itsm::errc are one list of codes: itsm_strerror reads itsm::errc's table.
constexpr std::pair<int, itsm::errc> c_codes[] = {
    {ITSM_OK, itsm::errc::ok},
    {ITSM_EINVAL, itsm::errc::invalid_argument},
    {ITSM_EPARSE, itsm::errc::parse_error},
    {ITSM_ERANGE, itsm::errc::out_of_range},
    {ITSM_ENOWORKTIME, itsm::errc::no_working_time},
    {ITSM_EZONE, itsm::errc::unknown_zone},
    {ITSM_ENONEXISTENT, itsm::errc::nonexistent_time},
    {ITSM_ENULL, itsm::errc::null_pointer},
    {ITSM_ENOMEM, itsm::errc::out_of_memory},
    {ITSM_EINTERNAL, itsm::errc::internal},
    {ITSM_EDEFINITION, itsm::errc::invalid_definition},
    {ITSM_EUNKNOWN_TRANSITION, itsm::errc::unknown_transition},
    {ITSM_ENOT_ALLOWED, itsm::errc::not_allowed_from_state},
    {ITSM_EROLE, itsm::errc::role_denied},
    {ITSM_EMISSING_FIELDS, itsm::errc::missing_fields},
    {ITSM_EAPPROVALS, itsm::errc::approvals_pending},
    {ITSM_EGUARD, itsm::errc::guard_failed},
    {ITSM_ETIME_BACKWARDS, itsm::errc::time_went_backwards},
    {ITSM_ESOD, itsm::errc::segregation_of_duties},
    {ITSM_EAMBIGUOUS, itsm::errc::ambiguous},
    {ITSM_ENOT_FOUND, itsm::errc::not_found},
    {ITSM_ETAMPERED, itsm::errc::tampered},
    {ITSM_ELIMIT, itsm::errc::limit_exceeded},
    {ITSM_EBUSY, itsm::errc::busy},
};
constexpr bool c_codes_match() {
  for (const auto& [c, cpp] : c_codes) {
    if (c != static_cast<int>(cpp)) return false;
  }
  return true;
}
static_assert(c_codes_match(), "every ITSM_E* equals its itsm::errc");
static_assert(std::size(c_codes) == std::size(itsm::errc_entries),
              "every itsm::errc has its ITSM_E* (and every ITSM_E* its itsm::errc)");

// itsm_limits is `size` followed by itsm::limits's members in the same order, so the limits
// table (itsm::limit_entries, in declaration order) serves the C struct by row: row i is the
// size_t at first_limit + i * sizeof(size_t). Each member's place is checked here.
constexpr std::size_t first_limit = offsetof(itsm_limits, json_bytes);
#define ITSM_SAME_PLACE(m)                                                                    \
  static_assert(offsetof(itsm_limits, m) == first_limit + offsetof(itsm::limits, m) &&        \
                    std::is_same_v<decltype(itsm_limits::m), decltype(itsm::limits::m)>,      \
                "itsm_limits::" #m " sits where itsm::limits puts it")
ITSM_SAME_PLACE(json_bytes);
ITSM_SAME_PLACE(json_depth);
ITSM_SAME_PLACE(field_bytes);
ITSM_SAME_PLACE(fields);
ITSM_SAME_PLACE(history);
ITSM_SAME_PLACE(intervals_per_day);
ITSM_SAME_PLACE(holidays);
ITSM_SAME_PLACE(overrides);
#undef ITSM_SAME_PLACE
static_assert(sizeof(itsm_limits) == first_limit + sizeof(itsm::limits),
              "itsm_limits has every limit of itsm::limits, and only those");

/// Where row `row` of the limits table sits in itsm_limits.
constexpr std::size_t c_offset(std::size_t row) { return first_limit + row * sizeof(size_t); }

/// Whether a caller's struct of `size` bytes (an older, shorter version) reaches row `row`.
constexpr bool covers(std::size_t size, std::size_t row) { return c_offset(row) + sizeof(size_t) <= size; }

int check_limits_size(std::size_t size) {
  return size < first_limit + sizeof(size_t)
             ? set_error(ITSM_EINVAL, "limits.size: " + std::to_string(size) + " is not sizeof(itsm_limits)")
             : ITSM_OK;
}

}  // namespace
}  // namespace itsm::c_api

using namespace itsm::c_api;

extern "C" {

const itsm_error* itsm_error_last(void) { return &slot().view; }

const char* itsm_strerror(int code) { return itsm::describe(static_cast<itsm::errc>(code)); }

const char* itsm_version_string(void) { return ITSM_VERSION_STRING; }

int itsm_version_number(void) { return ITSM_VERSION_NUMBER; }

void itsm_free(void* text) { std::free(text); }

int itsm_get_limits(itsm_limits* out) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    if (int code = check_limits_size(out->size); code != ITSM_OK) return code;
    const itsm::limits now = itsm::get_limits();
    for (std::size_t row = 0; row < std::size(itsm::limit_entries); ++row) {
      if (covers(out->size, row)) {
        const std::size_t value = now.*itsm::limit_entries[row].value;
        std::memcpy(reinterpret_cast<unsigned char*>(out) + c_offset(row), &value, sizeof value);
      }
    }
    return set_ok();
  });
}

int itsm_set_limits(const itsm_limits* limits) {
  return guarded([&] {
    if (!limits) return set_error(ITSM_ENULL, "limits: NULL");
    if (int code = check_limits_size(limits->size); code != ITSM_OK) return code;
    itsm::limits next = itsm::get_limits();
    for (std::size_t row = 0; row < std::size(itsm::limit_entries); ++row) {
      if (covers(limits->size, row)) {
        std::memcpy(&(next.*itsm::limit_entries[row].value),
                    reinterpret_cast<const unsigned char*>(limits) + c_offset(row), sizeof(size_t));
      }
    }
    itsm::set_limits(next);
    return set_ok();
  });
}

}  // extern "C"
