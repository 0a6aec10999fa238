#pragma once
// The zone rule that holds after the last transition written in a TZif file: the file's footer,
// a POSIX TZ string such as `CET-1CEST,M3.5.0,M10.5.0/3` (RFC 8536, section 3.3, with its
// extensions: transition times from -167 h to 167 h, daylight saving time all year).
//
// date/tz reads the transitions of the system's files but not their footers, so without this a
// zone would keep, from its last written transition on, the offset that transition set. Debian's
// files write transitions up to 2037; glibc, zdump and Python's zoneinfo apply the footer after
// that, and so does the library (its supported years run to 2399).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "itsm/detail/civil.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// A sys_info-like period during which the offset is constant, remembered between calls so that
/// converting the wall times of consecutive days costs no look-up in the database.
struct zone_period {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int32_t offset = 0;
};

/// When in a year a POSIX rule changes the offset: a day and a local time on it.
struct posix_change {
  enum form_t { julian, zero_based, month_week_day } form = month_week_day;
  int day = 0;    ///< `Jn`: 1..365, February 29 never counted; `n`: 0..365; `Mm.w.d`: weekday, 0 = Sunday
  int month = 0;  ///< `Mm.w.d`: 1..12
  int week = 0;   ///< `Mm.w.d`: 1..5, where 5 means the last
  std::int32_t time = 7200;  ///< seconds after local midnight; negative or past 24 h reaches other days

  /// The local day (days since 1970-01-01) this change names in `year`.
  std::int64_t day_in(int year) const {
    const std::int64_t jan1 = days_from_civil(year, 1, 1);
    switch (form) {
      case julian: {
        const bool leap = date::year{year}.is_leap();
        return jan1 + day - 1 + (leap && day >= 60 ? 1 : 0);
      }
      case zero_based: return jan1 + day;
      case month_week_day: break;
    }
    const auto m = static_cast<unsigned>(month);
    const std::int64_t first = days_from_civil(year, m, 1);
    const std::int64_t next_month = m == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, m + 1, 1);
    const int first_weekday = (weekday_index(first) + 1) % 7;  // POSIX counts from Sunday
    std::int64_t d = first + (day - first_weekday + 7) % 7 + 7 * (week - 1);
    while (d >= next_month) d -= 7;  // week 5: the last such weekday
    return d;
  }
};

/// A POSIX TZ string: the standard offset and, when the zone has daylight saving time, its offset
/// and the two changes that start and end it each year.
struct posix_tz {
  std::int32_t std_offset = 0;  ///< seconds east of UTC (the string counts west)
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  posix_change dst_start, dst_end;

  /// Parses the string; nothing when it does not follow the grammar (or names daylight saving
  /// time without saying when it starts and ends, which a TZif footer never does).
  static std::optional<posix_tz> parse(std::string_view text) {
    reader r{text};
    posix_tz tz;
    std::int32_t west = 0;
    if (!r.name() || !r.clock(24, west)) return std::nullopt;
    tz.std_offset = -west;
    if (r.done()) return tz;
    if (!r.name()) return std::nullopt;
    tz.has_dst = true;
    tz.dst_offset = tz.std_offset + 3600;
    if (!r.done() && r.peek() != ',') {
      if (!r.clock(24, west)) return std::nullopt;
      tz.dst_offset = -west;
    }
    if (!r.take(',') || !r.change(tz.dst_start) || !r.take(',') || !r.change(tz.dst_end) || !r.done()) {
      return std::nullopt;
    }
    return tz;
  }

  /// The period of constant offset that holds `t`, starting no earlier than `not_before` (where
  /// the rule takes over from the file's transitions).
  zone_period period_at(std::int64_t t, std::int64_t not_before) const {
    constexpr std::int64_t far_end = INT64_MAX / 4;
    if (!has_dst) return {std::max(not_before, -far_end), far_end, std_offset};
    // Outside years 2..9997 the civil arithmetic below would overflow date's year type; no
    // supported instant is near them, so standard time stands there.
    constexpr std::int64_t lo = days_from_civil(2, 1, 1) * seconds_per_day;
    constexpr std::int64_t hi = days_from_civil(9998, 1, 1) * seconds_per_day;
    if (t < lo) return {std::max(not_before, -far_end), lo, std_offset};
    if (t >= hi) return {std::max(not_before, hi), far_end, std_offset};

    // The changes of the years around t, in order; a change may be written up to a week into
    // a neighbouring year (times reach 167 h), so two years either side bound every period.
    struct change_at {
      std::int64_t at = 0;
      int starts_dst = 0;  // an end and a start at one instant (DST all year): the start wins
      std::int32_t offset = 0;
    };
    std::array<change_at, 10> changes{};
    const int year = int(civil_from_days(floor_div(t, seconds_per_day)).year());
    std::size_t n = 0;
    for (int y = year - 2; y <= year + 2; ++y) {
      changes[n++] = change_at{dst_start.day_in(y) * seconds_per_day + dst_start.time - std_offset, 1, dst_offset};
      changes[n++] = change_at{dst_end.day_in(y) * seconds_per_day + dst_end.time - dst_offset, 0, std_offset};
    }
    std::sort(changes.begin(), changes.end(), [](const change_at& a, const change_at& b) {
      return a.at != b.at ? a.at < b.at : a.starts_dst < b.starts_dst;
    });
    // Of two changes at one instant only the later in that order takes effect.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (i + 1 < n && changes[i + 1].at == changes[i].at) continue;
      changes[kept++] = changes[i];
    }
    const auto begin = changes.begin(), end = changes.begin() + static_cast<std::ptrdiff_t>(kept);
    const auto after = std::upper_bound(begin, end, t, [](std::int64_t v, const change_at& c) { return v < c.at; });
    if (after == begin) {
      const std::int32_t before = begin->starts_dst ? std_offset : dst_offset;
      return {std::max(not_before, -far_end), begin->at, before};
    }
    // Neighbouring changes to the same offset (DST all year) do not end the period.
    auto first = std::prev(after);
    const std::int32_t offset = first->offset;
    while (first != begin && std::prev(first)->offset == offset) --first;
    auto last = after;
    while (last != end && last->offset == offset) ++last;
    return {std::max(not_before, first->at), last != end ? last->at : std::prev(end)->at, offset};
  }

 private:
  /// A cursor over the string, one grammar element per call.
  struct reader {
    std::string_view s;
    std::size_t pos = 0;

    bool done() const { return pos == s.size(); }
    char peek() const { return done() ? '\0' : s[pos]; }
    bool take(char c) {
      if (peek() != c) return false;
      ++pos;
      return true;
    }
    static bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

    /// `<+0330>` (letters, digits and signs in angle brackets) or three or more letters.
    bool name() {
      const std::size_t start = pos;
      if (take('<')) {
        while (!done() && (alpha(peek()) || is_digit(peek()) || peek() == '+' || peek() == '-')) ++pos;
        return pos > start + 1 && take('>');
      }
      while (!done() && alpha(peek())) ++pos;
      return pos - start >= 3;
    }

    /// A number of at most three digits, within [0, max].
    bool number(int max, int& out) {
      int v = 0, digits = 0;
      while (digits < 3 && is_digit(peek())) {
        v = v * 10 + (s[pos++] - '0');
        ++digits;
      }
      out = v;
      return digits > 0 && v <= max;
    }

    /// `[+-]hh[:mm[:ss]]` in seconds, hours at most `max_hours`.
    bool clock(int max_hours, std::int32_t& out) {
      int sign = 1;
      if (take('-')) {
        sign = -1;
      } else {
        take('+');
      }
      int h = 0, m = 0, sec = 0;
      if (!number(max_hours, h)) return false;
      if (take(':')) {
        if (!number(59, m)) return false;
        if (take(':') && !number(59, sec)) return false;
      }
      out = sign * (h * 3600 + m * 60 + sec);
      return true;
    }

    /// `Jn`, `n` or `Mm.w.d`, then an optional `/time`.
    bool change(posix_change& c) {
      if (take('J')) {
        c.form = posix_change::julian;
        if (!number(365, c.day) || c.day < 1) return false;
      } else if (take('M')) {
        c.form = posix_change::month_week_day;
        if (!number(12, c.month) || c.month < 1 || !take('.') || !number(5, c.week) || c.week < 1 ||
            !take('.') || !number(6, c.day)) {
          return false;
        }
      } else {
        c.form = posix_change::zero_based;
        if (!number(365, c.day)) return false;
      }
      c.time = 7200;
      return !take('/') || clock(167, c.time);
    }
  };
};

/// What a TZif file says beyond the transitions date/tz reads: the instant of its last
/// transition and the footer's rule, which holds from there on.
struct tzif_tail {
  std::int64_t last_transition = INT64_MIN;  ///< INT64_MIN: no transitions, the rule holds throughout
  posix_tz rule;
};

/// Reads the tail of the TZif file at `path`; nothing when the file cannot be read, is not
/// TZif version 2 or later, counts leap seconds (its instants would not be POSIX seconds), or
/// has no footer the parser accepts.
inline std::optional<tzif_tail> read_tzif_tail(const std::string& path) {
  constexpr std::size_t max_file = std::size_t{4} << 20;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes;
  bytes.reserve(4096);
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > max_file) return std::nullopt;
  }
  struct header {
    std::size_t isut, isstd, leap, time, type, chars;
  };
  auto be = [&](std::size_t at, std::size_t width) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  auto read_header = [&](std::size_t at) -> std::optional<header> {
    if (bytes.size() < at + 44 || bytes.compare(at, 4, "TZif") != 0) return std::nullopt;
    std::size_t c[6];
    for (std::size_t i = 0; i < 6; ++i) {
      c[i] = static_cast<std::size_t>(be(at + 20 + 4 * i, 4));
      if (c[i] > (std::size_t{1} << 20)) return std::nullopt;
    }
    return header{c[0], c[1], c[2], c[3], c[4], c[5]};
  };
  const auto v1 = read_header(0);
  if (!v1 || bytes[4] < '2') return std::nullopt;
  const std::size_t v2_at =
      44 + v1->time * 5 + v1->type * 6 + v1->chars + v1->leap * 8 + v1->isstd + v1->isut;
  const auto v2 = read_header(v2_at);
  if (!v2 || v2->leap != 0) return std::nullopt;
  const std::size_t times_at = v2_at + 44;
  const std::size_t footer_at =
      times_at + v2->time * 9 + v2->type * 6 + v2->chars + v2->leap * 12 + v2->isstd + v2->isut;
  if (bytes.size() <= footer_at || bytes[footer_at] != '\n') return std::nullopt;
  const std::size_t footer_end = bytes.find('\n', footer_at + 1);
  if (footer_end == std::string::npos) return std::nullopt;
  const auto rule = posix_tz::parse(std::string_view(bytes).substr(footer_at + 1, footer_end - footer_at - 1));
  if (!rule) return std::nullopt;
  tzif_tail tail;
  tail.rule = *rule;
  if (v2->time > 0) {
    tail.last_transition = static_cast<std::int64_t>(be(times_at + (v2->time - 1) * 8, 8));
  }
  return tail;
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
