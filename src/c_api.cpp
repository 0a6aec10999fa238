// The C ABI: thin shims over the C++ core. Every body catches everything, so no exception
// crosses the boundary (fmt's fmt-c.cc); failures are codes plus a thread-local message.

#include "itsm/itsm.h"

#include <cstdint>
#include <new>
#include <string>

#include "itsm/calendar.hpp"

struct itsm_calendar {
  // Guards against a handle that is not ours or was freed (detected while the memory is not
  // reused; ASan catches the rest).
  static constexpr std::uint64_t live_tag = 0x6974736d63616cULL;  // "itsmcal"
  std::uint64_t tag = live_tag;
  itsm::calendar cal;
  explicit itsm_calendar(itsm::calendar c) : cal(std::move(c)) {}
};

namespace {

struct last_error_slot {
  std::string message;
  itsm_error view{ITSM_OK, ""};
};

last_error_slot& slot() {
  thread_local last_error_slot s;
  return s;
}

int set_error(int code, const std::string& message) noexcept {
  try {
    auto& s = slot();
    s.message = message;
    s.view.code = code;
    s.view.message = s.message.c_str();
  } catch (...) {
    auto& s = slot();
    s.view.code = code;
    s.view.message = "out of memory while recording an error";
  }
  return code;
}

int set_ok() noexcept {
  auto& s = slot();
  s.view.code = ITSM_OK;
  s.view.message = "";
  return ITSM_OK;
}

int from_error(const itsm::error& e) noexcept { return set_error(static_cast<int>(e.code), e.message); }

template <class F>
int guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return set_error(ITSM_ENOMEM, "out of memory");
  } catch (const std::exception& e) {
    return set_error(ITSM_EINTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return set_error(ITSM_EINTERNAL, "internal error: unknown exception");
  }
}

bool live(const itsm_calendar* cal) { return cal && cal->tag == itsm_calendar::live_tag; }

int bad_handle(const itsm_calendar* cal, const char* arg) {
  return cal ? set_error(ITSM_EINVAL, std::string(arg) + ": not a live calendar (freed, or not "
                                                         "created by itsm_calendar_from_json)")
             : set_error(ITSM_ENULL, std::string(arg) + ": NULL calendar");
}

itsm::sys_seconds instant(std::int64_t v) { return itsm::sys_seconds{std::chrono::seconds{v}}; }

}  // namespace

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
    default: return "unknown error code";
  }
}

const char* itsm_version_string(void) { return ITSM_VERSION_STRING; }

int itsm_version_number(void) { return ITSM_VERSION_NUMBER; }

int itsm_calendar_from_json(itsm_calendar** out, const char* json, size_t len) {
  return guarded([&] {
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    *out = nullptr;
    if (!json) return set_error(ITSM_ENULL, "json: NULL");
    auto loaded = itsm::calendar::from_json(std::string_view(json, len));
    if (!loaded) return from_error(loaded.error_value());
    *out = new itsm_calendar(std::move(*loaded));
    return set_ok();
  });
}

void itsm_calendar_free(itsm_calendar* cal) {
  if (!live(cal)) return;
  cal->tag = 0;
  delete cal;
}

int itsm_calendar_add(const itsm_calendar* cal, int64_t start, int64_t seconds, int64_t* out) {
  return guarded([&] {
    if (!live(cal)) return bad_handle(cal, "cal");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    auto r = cal->cal.add(instant(start), std::chrono::seconds{seconds});
    if (!r) return from_error(r.error_value());
    *out = r->time_since_epoch().count();
    return set_ok();
  });
}

int itsm_calendar_between(const itsm_calendar* cal, int64_t start, int64_t end, int64_t* out) {
  return guarded([&] {
    if (!live(cal)) return bad_handle(cal, "cal");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    auto r = cal->cal.between(instant(start), instant(end));
    if (!r) return from_error(r.error_value());
    *out = r->count();
    return set_ok();
  });
}

}  // extern "C"
