#pragma once
// Time zones: a fixed offset, or an IANA zone from the system database: its written transitions
// through HowardHinnant's date/tz (which reads /usr/share/zoneinfo with its historical rules),
// and after the last of them the rule of the file's footer, which date/tz does not apply.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "itsm/detail/tzif_footer.hpp"
#include "itsm/error.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// How a local wall time maps onto the timeline.
struct local_mapping {
  enum kind_t { unique, gap, overlap } kind = unique;
  std::int64_t first = 0;   ///< unique: the instant; gap: the end of the gap; overlap: the earlier
  std::int64_t second = 0;  ///< overlap: the later instant; otherwise equal to first
};

/// The footer rule of a zone's file, read once per zone and kept for the life of the process
/// (a few hundred zones at most); nothing when the file has no usable footer, and then the zone
/// keeps its last written offset, as date/tz alone would.
inline const tzif_tail* footer_rule_of(const date::time_zone& tz) {
  // date/tz with the system database (USE_OS_TZDB) names each zone by its path in this folder.
  static const std::string folder = "/usr/share/zoneinfo/";
  static std::mutex mutex;
  static std::map<std::string, std::optional<tzif_tail>> tails;  // nodes never move
  const std::lock_guard<std::mutex> lock(mutex);
  auto [it, fresh] = tails.try_emplace(tz.name());
  if (fresh) it->second = read_tzif_tail(folder + tz.name());
  return it->second ? &*it->second : nullptr;
}

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
    z.tail_ = footer_rule_of(*z.tz_);
    return z;
  }

  const std::string& name() const noexcept { return name_; }
  bool is_fixed() const noexcept { return tz_ == nullptr; }

  /// UTC offset in seconds in force at instant `t`.
  std::int32_t offset_at(std::int64_t t) const { return period_at(t).offset; }

  /// The period of constant offset that holds instant `t`.
  zone_period period_at(std::int64_t t) const {
    if (!tz_) return {INT64_MIN / 4, INT64_MAX / 4, fixed_offset_};
    if (tail_ && t >= tail_->last_transition) return tail_->rule.period_at(t, tail_->last_transition);
    auto info = tz_->get_info(date::sys_seconds{std::chrono::seconds{t}});
    std::int64_t end = info.end.time_since_epoch().count();
    // date/tz stretches the last written period to the end of time; the footer rule starts there.
    if (tail_ && end > tail_->last_transition) end = tail_->last_transition;
    return {info.begin.time_since_epoch().count(), end, static_cast<std::int32_t>(info.offset.count())};
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
    // Near or past the last written transition date/tz knows nothing of the footer rule, so
    // the periods decide (a local time and its instants differ by less than a day).
    if (tail_ && local + 2 * seconds_per_day >= tail_->last_transition) {
      const local_mapping m = resolve_by_periods(local);
      hint = period_at(m.first);
      return m;
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
  /// Maps a local time through the periods of the two days either side of it: an instant
  /// `local - offset` that lies in its own period is a solution; none means a gap, which ends
  /// at the change whose offsets straddle `local`.
  local_mapping resolve_by_periods(std::int64_t local) const {
    std::int64_t found[2] = {0, 0};
    int count = 0;
    std::optional<std::int64_t> gap_end;
    zone_period previous{0, 0, 0};
    std::int64_t from = local - 2 * seconds_per_day;
    for (int step = 0; step < 64 && from <= local + 2 * seconds_per_day; ++step) {
      const zone_period p = period_at(from);
      const std::int64_t candidate = local - p.offset;
      // From the second period on, count only its part after the previous one.
      const std::int64_t lower = step == 0 ? p.begin : from;
      if (candidate >= lower && candidate < p.end && count < 2) found[count++] = candidate;
      if (step > 0 && from + previous.offset <= local && local < from + p.offset) gap_end = from;
      if (p.end <= from) break;
      previous = p;
      from = p.end;
    }
    if (count == 2) return {local_mapping::overlap, found[0], found[1]};
    if (count == 1) return {local_mapping::unique, found[0], found[0]};
    if (gap_end) return {local_mapping::gap, *gap_end, *gap_end};
    // Periods that hold their instants leave no other case; should one not, an answer that
    // keeps the offset in force is better than none.
    const std::int64_t fallback = local - offset_at(local);
    return {local_mapping::unique, fallback, fallback};
  }

  std::string name_ = "UTC";
  const date::time_zone* tz_ = nullptr;
  const tzif_tail* tail_ = nullptr;  ///< the footer rule after the last written transition
  std::int32_t fixed_offset_ = 0;
};

}  // namespace detail
}  // namespace v1
}  // namespace itsm
