// The C ABI of business calendars: loading, working-time arithmetic (with or without the
// calc options), holidays and the JSON form.

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "internal.hpp"
#include "itsm/calendar.hpp"

namespace itsm::c_api {
namespace {

/// The calc options from their C form; sets the error and returns false when bad.
bool read_options(const itsm_calc_options* opts, itsm::calc_options& out, std::vector<itsm::pause>& pauses,
                  int& code) {
  if (!opts) return true;
  if (opts->version != ITSM_CALC_OPTIONS_VERSION) {
    code = set_error(ITSM_EINVAL, "opts->version: " + std::to_string(opts->version) +
                                      " is not supported (use ITSM_CALC_OPTIONS_INIT; this library knows " +
                                      std::to_string(ITSM_CALC_OPTIONS_VERSION) + ")");
    return false;
  }
  if (opts->at_close != ITSM_AT_CLOSE_CLOSE && opts->at_close != ITSM_AT_CLOSE_OPEN) {
    code = set_error(ITSM_EINVAL, "opts->at_close: " + std::to_string(opts->at_close) +
                                      " is not ITSM_AT_CLOSE_CLOSE or ITSM_AT_CLOSE_OPEN");
    return false;
  }
  if (opts->dst != ITSM_DST_ELAPSED && opts->dst != ITSM_DST_WALL) {
    code = set_error(ITSM_EINVAL, "opts->dst: " + std::to_string(opts->dst) + " is not ITSM_DST_ELAPSED or ITSM_DST_WALL");
    return false;
  }
  if (opts->pause_count > 0 && !opts->pauses) {
    code = set_error(ITSM_ENULL, "opts->pauses: NULL with pause_count " + std::to_string(opts->pause_count));
    return false;
  }
  out.at_close = opts->at_close == ITSM_AT_CLOSE_OPEN ? itsm::at_close_convention::open : itsm::at_close_convention::close;
  out.dst = opts->dst == ITSM_DST_WALL ? itsm::dst_convention::wall : itsm::dst_convention::elapsed;
  pauses.reserve(opts->pause_count);
  for (std::size_t i = 0; i < opts->pause_count; ++i) {
    pauses.push_back({instant(opts->pauses[2 * i]), instant(opts->pauses[2 * i + 1])});
  }
  out.pauses = pauses;
  return true;
}

/// A calendar answer into `*out` (seconds), or its error recorded.
template <class T>
int answer(const itsm::result<T>& r, int64_t* out) {
  const T* value = r.if_value();
  if (!value) return from_error(r.error_value());
  if constexpr (std::is_same_v<T, itsm::sys_seconds>) {
    *out = value->time_since_epoch().count();
  } else {
    *out = value->count();
  }
  return set_ok();
}

/// Runs a calendar operation (`op(calendar, options)`) with the options in their C form; NULL,
/// the usual case, passes the defaults without reading anything.
template <class Op>
int calendar_call(const itsm_calendar* cal, const itsm_calc_options* opts, int64_t* out, Op&& op) {
  return guarded([&] {
    if (!live(cal)) return bad_handle(cal, "cal");
    if (!out) return set_error(ITSM_ENULL, "out: NULL");
    if (!opts) return answer(op(cal->value, itsm::calc_options{}), out);
    itsm::calc_options options;
    std::vector<itsm::pause> pauses;
    int code = ITSM_OK;
    if (!read_options(opts, options, pauses, code)) return code;
    return answer(op(cal->value, options), out);
  });
}

}  // namespace
}  // namespace itsm::c_api

using namespace itsm::c_api;

extern "C" {

int itsm_calendar_from_json(itsm_calendar** out, const char* json_text, size_t len) {
  return new_from_json(out, json_text, len, [](std::string_view text) { return itsm::calendar::from_json(text); });
}

void itsm_calendar_free(itsm_calendar* cal) { release(cal, "cal"); }

int itsm_calendar_add(const itsm_calendar* cal, int64_t start, int64_t seconds, int64_t* out) {
  return itsm_calendar_add_ex(cal, start, seconds, nullptr, out);
}

int itsm_calendar_between(const itsm_calendar* cal, int64_t start, int64_t end, int64_t* out) {
  return itsm_calendar_between_ex(cal, start, end, nullptr, out);
}

int itsm_calendar_add_ex(const itsm_calendar* cal, int64_t start, int64_t seconds, const itsm_calc_options* opts,
                         int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.add(instant(start), std::chrono::seconds{seconds}, o);
  });
}

int itsm_calendar_between_ex(const itsm_calendar* cal, int64_t start, int64_t end, const itsm_calc_options* opts,
                             int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.between(instant(start), instant(end), o);
  });
}

int itsm_calendar_next_open(const itsm_calendar* cal, int64_t t, const itsm_calc_options* opts, int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.next_open(instant(t), o);
  });
}

int itsm_calendar_next_close(const itsm_calendar* cal, int64_t t, const itsm_calc_options* opts, int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.next_close(instant(t), o);
  });
}

int itsm_calendar_prev_close(const itsm_calendar* cal, int64_t t, const itsm_calc_options* opts, int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.prev_close(instant(t), o);
  });
}

int itsm_calendar_add_working_days(const itsm_calendar* cal, int64_t t, int days, const itsm_calc_options* opts,
                                   int64_t* out) {
  return calendar_call(cal, opts, out, [&](const itsm::calendar& c, const itsm::calc_options& o) {
    return c.add_working_days(instant(t), days, o);
  });
}

int itsm_calendar_holidays(const itsm_calendar* cal, int year, int32_t* dates, size_t capacity, size_t* count) {
  return guarded([&] {
    if (!live(cal)) return bad_handle(cal, "cal");
    if (!count) return set_error(ITSM_ENULL, "count: NULL");
    if (capacity > 0 && !dates) return set_error(ITSM_ENULL, "dates: NULL with capacity " + std::to_string(capacity));
    auto r = cal->value.holidays(year);
    if (!r) return from_error(r.error_value());
    *count = r->size();
    for (std::size_t i = 0; i < r->size() && i < capacity; ++i) {
      const auto& d = (*r)[i];
      dates[i] = static_cast<int32_t>(d.year * 10000 + static_cast<int>(d.month) * 100 + static_cast<int>(d.day));
    }
    return set_ok();
  });
}

int itsm_calendar_to_json(const itsm_calendar* cal, char** out) {
  return text_out(cal, "cal", out, [](const itsm_calendar& c) { return dump_of([&] { return c.value.to_json(); }); });
}

}  // extern "C"
