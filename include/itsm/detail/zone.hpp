#pragma once
// Time zones: a fixed offset, or an IANA zone from the system database (through
// HowardHinnant's date/tz, which reads /usr/share/zoneinfo with its historical rules).

#include <cstdint>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

inline constexpr std::int64_t seconds_per_day = 86400;

/// How a local wall time maps onto the timeline.
struct local_mapping {
  enum kind_t { unique, gap, overlap } kind = unique;
  std::int64_t first = 0;   ///< unique: the instant; gap: the end of the gap; overlap: the earlier
  std::int64_t second = 0;  ///< overlap: the later instant; otherwise equal to first
};

/// A sys_info-like period during which the offset is constant, remembered between calls so that
/// converting the wall times of consecutive days costs no look-up in the database.
struct zone_period {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int32_t offset = 0;
};

class zone {
 public:
  zone() = default;

  /// A zone from its JSON spelling: an IANA name, `UTC`, or a fixed offset `+HH:MM` / `-HH:MM`.
  /// Fails with `unknown_zone` naming `field` and the value.
  static zone from_name(std::string_view name, const std::string& field) {
    zone z;
    z.name_ = std::string(name);
    if (name == "UTC" || name == "Etc/UTC" || name == "Z" || name == "UTC0" || name == "Etc/UCT" ||
        name == "UCT" || name == "Etc/Universal" || name == "Universal" || name == "Zulu" ||
        name == "Etc/Zulu" || name == "GMT" || name == "Etc/GMT") {
      return z;
    }
    if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
      z.fixed_offset_ = parse_offset(name, field);
      return z;
    }
    try {
      z.tz_ = date::locate_zone(std::string(name));
    } catch (const std::exception&) {
      fail(errc::unknown_zone, field + ": unknown time zone '" + std::string(name) +
                                   "' (expected an IANA name such as 'Europe/Berlin', 'UTC' or an "
                                   "offset such as '+05:30')");
    }
    return z;
  }

  const std::string& name() const noexcept { return name_; }
  bool is_fixed() const noexcept { return tz_ == nullptr; }

  /// UTC offset in seconds in force at instant `t`.
  std::int32_t offset_at(std::int64_t t) const { return period_at(t).offset; }

  zone_period period_at(std::int64_t t) const {
    if (!tz_) return {INT64_MIN / 4, INT64_MAX / 4, fixed_offset_};
    auto info = tz_->get_info(date::sys_seconds{std::chrono::seconds{t}});
    return {info.begin.time_since_epoch().count(), info.end.time_since_epoch().count(),
            static_cast<std::int32_t>(info.offset.count())};
  }

  /// Maps a local wall time (seconds since 1970-01-01T00:00 local) to instants. `hint` is a
  /// period the caller saw last; it is updated, which makes sequential conversions cheap.
  local_mapping resolve(std::int64_t local, zone_period& hint) const {
    if (!tz_) return {local_mapping::unique, local - fixed_offset_, local - fixed_offset_};
    // Offsets never change by a day or more, so an instant a day inside the hinted period cannot
    // be near a transition: the mapping is unique there.
    const std::int64_t guess = local - hint.offset;
    if (guess >= hint.begin + seconds_per_day && guess < hint.end - seconds_per_day) {
      return {local_mapping::unique, guess, guess};
    }
    auto info = tz_->get_info(date::local_seconds{std::chrono::seconds{local}});
    local_mapping m;
    switch (info.result) {
      case date::local_info::unique:
        m = {local_mapping::unique, local - info.first.offset.count(),
             local - info.first.offset.count()};
        break;
      case date::local_info::nonexistent:
        // The gap ends where the first period ends: the transition instant.
        m = {local_mapping::gap, info.first.end.time_since_epoch().count(),
             info.first.end.time_since_epoch().count()};
        break;
      case date::local_info::ambiguous:
        m = {local_mapping::overlap, local - info.first.offset.count(),
             local - info.second.offset.count()};
        break;
    }
    hint = period_at(m.first);
    return m;
  }

  local_mapping resolve(std::int64_t local) const {
    zone_period hint{0, 0, 0};
    return resolve(local, hint);
  }

  /// Parses `+HH:MM`, `-HH:MM` (also `+HHMM`, `+HH`) into seconds east of UTC.
  static std::int32_t parse_offset(std::string_view s, const std::string& field) {
    auto bad = [&]() -> std::int32_t {
      fail(errc::invalid_argument, field + ": invalid UTC offset '" + std::string(s) +
                                       "' (expected +HH:MM or -HH:MM, at most 18:00)");
    };
    if (s.size() < 3) return bad();
    const int sign = s[0] == '-' ? -1 : (s[0] == '+' ? 1 : 0);
    if (sign == 0) return bad();
    auto digit = [&](std::size_t i) -> int {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') bad();
      return s[i] - '0';
    };
    const int hh = digit(1) * 10 + digit(2);
    int mm = 0;
    if (s.size() == 6 && s[3] == ':') {
      mm = digit(4) * 10 + digit(5);
    } else if (s.size() == 5) {
      mm = digit(3) * 10 + digit(4);
    } else if (s.size() != 3) {
      return bad();
    }
    if (hh > 18 || mm > 59 || (hh == 18 && mm != 0)) return bad();
    return sign * (hh * 3600 + mm * 60);
  }

 private:
  std::string name_ = "UTC";
  const date::time_zone* tz_ = nullptr;
  std::int32_t fixed_offset_ = 0;
};

}  // namespace detail
}  // namespace v1
}  // namespace itsm
