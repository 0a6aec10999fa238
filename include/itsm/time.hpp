#pragma once
/// \file
/// Instants and their text form: `sys_seconds` and RFC 3339 parsing and formatting.
///
/// An instant is a whole number of seconds since the Unix epoch, UTC (docs/calendars.md, "Time").
/// Tickets, SLA clocks, event lines, reports and audits all read and write instants as RFC 3339
/// text with an offset; only a zone places a wall time without one, so only a calendar
/// (`calendar::parse_time`, `calendar::format`) and a `time_zone` (itsm/zone.hpp) read wall times
/// and print in a zone. Also here: the supported years and civil-date helpers.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <date/date.h>

#include "itsm/detail/civil.hpp"
#include "itsm/detail/json_util.hpp"
#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {

/// Whole seconds since the Unix epoch, UTC: the library's instant.
using sys_seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

/// A wall-clock reading in whole seconds, not yet placed in any zone: seconds since 1970-01-01T00:00
/// on the wall. Only a zone turns it into an instant (`time_zone::to_instant`), because a wall time
/// may name no instant (a daylight-saving gap) or two (an overlap). It is date's `local_seconds`
/// (C++20's `std::chrono::local_seconds` is its standard twin), so date's formatting applies.
using local_seconds = date::local_seconds;

/// The first and last years the library computes in (docs/calendars.md, "Supported years"): an
/// instant, date or budget outside them is `out_of_range`, and searches for working time stop at
/// their end with `no_working_time` instead of looping for ever.
inline constexpr int min_supported_year = detail::min_supported_year;
inline constexpr int max_supported_year = detail::max_supported_year;

/// The first supported instant, 1900-01-01T00:00:00Z.
inline constexpr sys_seconds first_supported_instant{
    std::chrono::seconds{detail::days_from_civil(min_supported_year, 1, 1) * detail::seconds_per_day}};

/// The first instant after the supported years, 2400-01-01T00:00:00Z: the supported instants are
/// [`first_supported_instant`, `end_of_supported_instants`).
inline constexpr sys_seconds end_of_supported_instants{
    std::chrono::seconds{detail::days_from_civil(max_supported_year + 1, 1, 1) * detail::seconds_per_day}};

namespace detail {
/// `t` as RFC 3339 UTC text with a `Z` (histories, snapshots, SLA answers).
inline std::string format_utc(sys_seconds t) {
  std::string s = format_with_offset(t.time_since_epoch().count(), 0);
  s.replace(s.size() - 6, 6, "Z");
  return s;
}

/// RFC 3339 text that must carry an offset; a wall time without one is refused, naming `field`.
inline sys_seconds parse_utc_text(std::string_view text, const std::string& field) {
  const auto tt = parse_text_time(text, field);
  if (!tt.has_offset) {
    fail(errc::invalid_argument, field + ": '" + std::string(text) +
                                     "' has no offset; instants here need one (add Z or +HH:MM)");
  }
  return sys_seconds(std::chrono::seconds(tt.seconds));
}

/// A JSON string holding an instant with an explicit offset (see `parse_utc_text`).
inline sys_seconds parse_utc_field(const json& j, const std::string& field) {
  return parse_utc_text(need_string(j, field), field);
}
}  // namespace detail

/// `t` as RFC 3339 text in UTC, ending in `Z` (`2026-03-02T09:00:00Z`).
inline std::string format_utc(sys_seconds t) { return detail::format_utc(t); }

/// `t` as RFC 3339 text at a fixed offset east of UTC (`2026-03-02T10:00:00+01:00`).
inline std::string format_time(sys_seconds t, std::chrono::seconds utc_offset) {
  return detail::format_with_offset(t.time_since_epoch().count(), static_cast<std::int32_t>(utc_offset.count()));
}

/// Parses RFC 3339 text with an offset (`Z`, `+HH:MM` or `-HH:MM`) into an instant. Text without
/// an offset is refused: it is a wall time, which only a calendar's zone can place (use
/// `calendar::parse_time`). Fractional seconds are refused too. Errors name `field`.
inline result<sys_seconds> parse_utc(std::string_view text, const std::string& field = "time") {
  return detail::capture<sys_seconds>([&] { return detail::parse_utc_text(text, field); });
}

/// The instant of a civil date and time of day in UTC (`from_civil_utc(2026, 3, 2, 9, 0, 0)` is
/// 2026-03-02T09:00:00Z); for reading exports whose times come as separate fields. The fields are
/// not checked: pass a valid date and time.
constexpr sys_seconds from_civil_utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
                                     int second = 0) {
  return sys_seconds{std::chrono::seconds{detail::days_from_civil(year, month, day) * 86400 + hour * 3600 +
                                          minute * 60 + second}};
}

/// The wall-clock reading of a civil date and time of day (`from_civil_local(2026, 3, 29, 2, 30)`
/// is 2026-03-29 02:30 on some wall); a zone places it (`time_zone::to_instant`). Unchecked, as
/// `from_civil_utc`.
constexpr local_seconds from_civil_local(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
                                         int second = 0) {
  return local_seconds{from_civil_utc(year, month, day, hour, minute, second).time_since_epoch()};
}

}  // namespace v1
}  // namespace itsm
