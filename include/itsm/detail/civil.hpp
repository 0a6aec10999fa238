#pragma once
// Civil-date helpers shared by the calendar code: days since 1970-01-01, weekdays, and parsing
// of the JSON text forms (dates, wall times, RFC 3339 instants).

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <date/date.h>

#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// Years the calendar engine accepts. An instant outside them is `out_of_range`; searches for
/// working time stop at the upper bound with `no_working_time` instead of looping for ever.
inline constexpr int min_supported_year = 1900;
inline constexpr int max_supported_year = 2399;

inline constexpr std::int64_t seconds_per_day = 86400;

constexpr std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch().count();
}

inline date::year_month_day civil_from_days(std::int64_t days) {
  return date::year_month_day{date::sys_days{date::days{days}}};
}

/// 0 = Monday .. 6 = Sunday (ISO order, as the JSON keys mon..sun).
inline int weekday_index(std::int64_t days) {
  return static_cast<int>(date::weekday{date::sys_days{date::days{days}}}.iso_encoding()) - 1;
}

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Reads exactly `n` digits at `pos`; false when they are not all digits.
inline bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  out = v;
  return true;
}

/// `YYYY-MM-DD` into days since the epoch; fails naming `field`.
inline std::int64_t parse_date(std::string_view s, const std::string& field) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || !read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, m) ||
      s[7] != '-' || !read_digits(s, 8, 2, d)) {
    fail(errc::invalid_argument,
         field + ": invalid date '" + std::string(s) + "' (expected YYYY-MM-DD)");
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    fail(errc::invalid_argument, field + ": invalid date '" + std::string(s) + "' (no such day)");
  }
  if (y < min_supported_year || y > max_supported_year) {
    fail(errc::out_of_range, field + ": date '" + std::string(s) + "' is outside the supported years " +
                                 std::to_string(min_supported_year) + ".." +
                                 std::to_string(max_supported_year));
  }
  return date::sys_days{ymd}.time_since_epoch().count();
}

/// `HH:MM` or `HH:MM:SS` into seconds after midnight; `24:00` only when `allow_24` (a close).
inline std::int32_t parse_time_of_day(std::string_view s, const std::string& field, bool allow_24) {
  int h = 0, m = 0, sec = 0;
  const bool shape_ok = (s.size() == 5 || s.size() == 8) && read_digits(s, 0, 2, h) && s[2] == ':' &&
                        read_digits(s, 3, 2, m) &&
                        (s.size() == 5 || (s[5] == ':' && read_digits(s, 6, 2, sec)));
  const bool is_24 = shape_ok && h == 24 && m == 0 && sec == 0;
  if (!shape_ok || m > 59 || sec > 59 || (h > 23 && !is_24)) {
    fail(errc::invalid_argument, field + ": invalid time '" + std::string(s) +
                                     "' (expected HH:MM or HH:MM:SS from 00:00 to 23:59:59" +
                                     (allow_24 ? ", or 24:00 as a close)" : ")"));
  }
  if (is_24 && !allow_24) {
    fail(errc::invalid_argument,
         field + ": invalid time '24:00' (24:00 is allowed only as the close of an interval)");
  }
  return h * 3600 + m * 60 + sec;
}

/// A parsed text time: either an instant (it had an offset) or a local wall time.
struct text_time {
  std::int64_t seconds = 0;  ///< epoch seconds (has_offset) or local seconds
  bool has_offset = false;
};

/// RFC 3339 / ISO 8601 `YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]` (also `HH:MM` without seconds, a space
/// for `T`). Fractional seconds are refused: instants are whole seconds.
inline text_time parse_text_time(std::string_view s, const std::string& field) {
  auto bad = [&](const char* why) {
    fail(errc::invalid_argument, field + ": invalid time '" + std::string(s) + "' (" + why + ")");
  };
  if (s.size() < 16) bad("expected YYYY-MM-DDTHH:MM:SS with an optional Z or +HH:MM");
  const std::int64_t day = parse_date(s.substr(0, 10), field);
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') bad("expected 'T' between date and time");
  std::size_t pos = 16;
  int h = 0, m = 0, sec = 0;
  if (!read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, m)) {
    bad("expected HH:MM after the date");
  }
  if (pos < s.size() && s[pos] == ':') {
    if (!read_digits(s, pos + 1, 2, sec)) bad("expected two digits of seconds");
    pos += 3;
  }
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    bad("fractional seconds are not accepted: instants are whole seconds");
  }
  if (h > 23 || m > 59 || sec > 59) bad("hour, minute or second out of range");
  text_time out;
  out.seconds = day * 86400 + h * 3600 + m * 60 + sec;
  if (pos == s.size()) return out;
  const std::string_view tail = s.substr(pos);
  if (tail == "Z" || tail == "z") {
    out.has_offset = true;
    return out;
  }
  if (tail[0] != '+' && tail[0] != '-') bad("expected Z or an offset +HH:MM after the time");
  int oh = 0, om = 0;
  if (!(tail.size() == 6 && read_digits(tail, 1, 2, oh) && tail[3] == ':' &&
        read_digits(tail, 4, 2, om)) ||
      oh > 23 || om > 59) {
    bad("expected the offset as +HH:MM or -HH:MM");
  }
  const int sign = tail[0] == '-' ? -1 : 1;
  out.seconds -= sign * (oh * 3600 + om * 60);
  out.has_offset = true;
  return out;
}

/// `YYYY-MM-DDTHH:MM:SS±HH:MM` for a wall time whose offset is `offset` seconds.
inline std::string format_with_offset(std::int64_t instant, std::int32_t offset) {
  const std::int64_t local = instant + offset;
  const std::int64_t day = floor_div(local, 86400);
  const std::int64_t sod = local - day * 86400;
  const auto ymd = civil_from_days(day);
  char buf[40];
  const int off = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(sod / 3600), int(sod / 60 % 60),
                int(sod % 60), offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
  return buf;
}

inline std::string format_date(std::int64_t day) {
  const auto ymd = civil_from_days(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
