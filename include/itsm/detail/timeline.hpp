#pragma once
// The compiled form of a calendar: its working instants as sorted, merged stretches with prefix
// sums, over a range of days that grows on demand. Every query is a binary search plus
// arithmetic, whatever the distance between its instants.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "itsm/detail/civil.hpp"
#include "itsm/detail/holidays.hpp"
#include "itsm/detail/zone.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// A working interval of one day in local seconds after that day's midnight; `close` is above
/// 86400 for an overnight shift, which belongs to the day it starts.
struct day_interval {
  std::int32_t open = 0;
  std::int32_t close = 0;
};

/// Everything a calendar says, as parsed and checked.
struct calendar_spec {
  zone tz;
  std::array<std::vector<day_interval>, 7> week;  ///< 0 = Monday
  std::vector<holiday_rule> holidays;
  std::map<std::int64_t, std::vector<day_interval>> overrides;  ///< by local day

  /// True when some day can have working time (otherwise every search would be endless).
  bool has_any_hours() const {
    for (const auto& d : week)
      if (!d.empty()) return true;
    for (const auto& o : overrides)
      if (!o.second.empty()) return true;
    return false;
  }
};

/// Days the engine may compile: a little more than the supported years, so that the instants of
/// those years are all covered (see `segment::cover_lo`).
inline std::int64_t horizon_first_day() { return days_from_civil(min_supported_year, 1, 1) - 3; }
inline std::int64_t horizon_last_day() { return days_from_civil(max_supported_year + 1, 1, 1) + 3; }

/// One compiled range of days. Immutable once published.
struct segment {
  std::int64_t day_lo = 0, day_hi = 0;      ///< local days compiled: [day_lo, day_hi)
  std::int64_t cover_lo = 0, cover_hi = 0;  ///< instants whose answers this segment knows exactly
  std::vector<std::int64_t> start, end;     ///< stretch i is [start[i], end[i])
  std::vector<std::int64_t> cum;            ///< cum[i]: working seconds before stretch i; size n+1
  std::vector<std::uint8_t> working_day;    ///< per local day: has own hours after holidays/overrides

  std::size_t size() const { return start.size(); }
  /// Index of the last stretch starting at or before t, or -1.
  std::ptrdiff_t last_starting_at_or_before(std::int64_t t) const {
    return std::upper_bound(start.begin(), start.end(), t) - start.begin() - 1;
  }
  /// Working seconds from the first stretch up to t.
  std::int64_t work_before(std::int64_t t) const {
    const auto i = last_starting_at_or_before(t);
    if (i < 0) return 0;
    const auto u = static_cast<std::size_t>(i);
    return cum[u] + std::min(t, end[u]) - start[u];
  }
  bool day_is_working(std::int64_t day) const {
    return working_day[static_cast<std::size_t>(day - day_lo)] != 0;
  }
};

/// The intervals that run on local day `day`, after overrides and holidays.
inline const std::vector<day_interval>& intervals_of_day(const calendar_spec& spec,
                                                         std::int64_t day, bool is_holiday) {
  static const std::vector<day_interval> none;
  if (!spec.overrides.empty()) {
    auto it = spec.overrides.find(day);
    if (it != spec.overrides.end()) return it->second;
  }
  if (is_holiday) return none;
  return spec.week[static_cast<std::size_t>(weekday_index(day))];
}

/// Sorted holiday days within [first, last].
inline std::vector<std::int64_t> holiday_days(const calendar_spec& spec, std::int64_t first,
                                              std::int64_t last) {
  std::vector<std::int64_t> out;
  if (spec.holidays.empty()) return out;
  const int y0 = int(civil_from_days(first).year()), y1 = int(civil_from_days(last).year());
  for (int y = y0; y <= y1; ++y) {
    for (auto d : holidays_in_year(spec.holidays, y))
      if (d >= first && d <= last) out.push_back(d);
  }
  return out;
}

/// Compiles local days [day_lo, day_hi). `wall` measures on the wall clock (local seconds as if
/// the zone had no transitions) instead of real elapsed seconds.
inline std::unique_ptr<segment> build_segment(const calendar_spec& spec, std::int64_t day_lo,
                                              std::int64_t day_hi, bool wall) {
  auto seg = std::make_unique<segment>();
  seg->day_lo = day_lo;
  seg->day_hi = day_hi;
  // Safe margins: a day's intervals lie within two local days of its midnight, and an offset is
  // less than 26 h, so two days inside the compiled range nothing unseen can change an answer.
  seg->cover_lo = (day_lo + 2) * seconds_per_day;
  seg->cover_hi = (day_hi - 2) * seconds_per_day;
  const auto holidays = holiday_days(spec, day_lo - 1, day_hi - 1);
  auto next_holiday = holidays.begin();

  std::vector<std::pair<std::int64_t, std::int64_t>> windows;
  windows.reserve(static_cast<std::size_t>(day_hi - day_lo + 1) * 2);
  seg->working_day.assign(static_cast<std::size_t>(day_hi - day_lo), 0);
  zone_period hint{0, 0, 0};
  for (std::int64_t day = day_lo - 1; day < day_hi; ++day) {
    while (next_holiday != holidays.end() && *next_holiday < day) ++next_holiday;
    const bool is_holiday = next_holiday != holidays.end() && *next_holiday == day;
    const auto& intervals = intervals_of_day(spec, day, is_holiday);
    if (day >= day_lo) seg->working_day[static_cast<std::size_t>(day - day_lo)] = !intervals.empty();
    const std::int64_t midnight = day * seconds_per_day;
    for (const auto& iv : intervals) {
      std::int64_t s = midnight + iv.open, e = midnight + iv.close;
      if (!wall) {
        // A window end that exists twice is the earlier instant; one inside a gap is the end of
        // the gap (so a window wholly inside a gap is empty).
        s = spec.tz.resolve(s, hint).first;
        e = spec.tz.resolve(e, hint).first;
      }
      if (s < e) windows.emplace_back(s, e);
    }
  }
  std::sort(windows.begin(), windows.end());
  seg->start.reserve(windows.size());
  seg->end.reserve(windows.size());
  for (const auto& w : windows) {
    if (!seg->end.empty() && w.first <= seg->end.back()) {
      seg->end.back() = std::max(seg->end.back(), w.second);
    } else {
      seg->start.push_back(w.first);
      seg->end.push_back(w.second);
    }
  }
  seg->cum.resize(seg->start.size() + 1);
  seg->cum[0] = 0;
  for (std::size_t i = 0; i < seg->start.size(); ++i)
    seg->cum[i + 1] = seg->cum[i] + (seg->end[i] - seg->start[i]);
  return seg;
}

/// The lazily compiled timeline of one calendar in one measuring mode. Readers never lock:
/// a published segment is immutable and lives as long as the timeline; growth is serialised.
class timeline {
 public:
  timeline(std::shared_ptr<const calendar_spec> spec, bool wall)
      : spec_(std::move(spec)), wall_(wall) {}
  timeline(const timeline&) = delete;
  timeline& operator=(const timeline&) = delete;

  /// A segment whose cover holds [lo, hi]; nullptr only when that range leaves the horizon.
  const segment* covering(std::int64_t lo, std::int64_t hi) const {
    const segment* s = current_.load(std::memory_order_acquire);
    if (s && s->cover_lo <= lo && hi < s->cover_hi) return s;
    return grow_to(lo, hi);
  }

  /// A segment twice as long in the given direction (forward when `forward`), or nullptr when
  /// `s` already reaches the horizon there.
  const segment* grow(const segment* s, bool forward) const {
    const std::int64_t span = std::max<std::int64_t>(s->day_hi - s->day_lo, 366);
    if (forward) {
      if (s->day_hi >= horizon_last_day()) return nullptr;
      return grow_to(s->cover_lo, std::min(s->cover_hi + span * seconds_per_day,
                                           (horizon_last_day() - 2) * seconds_per_day - 1));
    }
    if (s->day_lo <= horizon_first_day()) return nullptr;
    return grow_to(std::max(s->cover_lo - span * seconds_per_day,
                            (horizon_first_day() + 2) * seconds_per_day),
                   s->cover_hi - 1);
  }

  /// Compiles the days holding [lo, hi] now, so later queries there never wait.
  const segment* precompile(std::int64_t lo, std::int64_t hi) const { return covering(lo, hi); }

  const calendar_spec& spec() const { return *spec_; }
  bool wall() const { return wall_; }

 private:
  const segment* grow_to(std::int64_t lo, std::int64_t hi) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const segment* s = current_.load(std::memory_order_relaxed);
    if (s && s->cover_lo <= lo && hi < s->cover_hi) return s;  // another thread did it
    std::int64_t day_lo = floor_div(lo, seconds_per_day) - 2;
    std::int64_t day_hi = floor_div(hi, seconds_per_day) + 3;
    if (s) {
      day_lo = std::min(day_lo, s->day_lo);
      day_hi = std::max(day_hi, s->day_hi);
    } else {
      // First use: a few years around the instant, so that typical queries never grow.
      day_lo = std::min(day_lo, floor_div(lo, seconds_per_day) - 400);
      day_hi = std::max(day_hi, floor_div(hi, seconds_per_day) + 1100);
    }
    day_lo = std::max(day_lo, horizon_first_day());
    day_hi = std::min(day_hi, horizon_last_day());
    if (day_hi - day_lo < 5) return nullptr;
    auto built = build_segment(*spec_, day_lo, day_hi, wall_);
    if (!(built->cover_lo <= lo && hi < built->cover_hi)) return nullptr;
    const segment* published = built.get();
    owned_.push_back(std::move(built));
    current_.store(published, std::memory_order_release);
    return published;
  }

  std::shared_ptr<const calendar_spec> spec_;
  bool wall_;
  mutable std::atomic<const segment*> current_{nullptr};
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<segment>> owned_;
};

}  // namespace detail
}  // namespace v1
}  // namespace itsm
