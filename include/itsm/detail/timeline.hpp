#pragma once
// The compiled form of a calendar: its working instants as sorted, merged stretches with prefix
// sums, and its working days as prefix counts, each over a range of days that grows on demand.
// Every query is a binary search plus arithmetic, whatever the distance between its instants.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
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
};

/// The working days of a range of local days (days with hours of their own after holidays and
/// overrides), counted: no instants, so no zone, which makes it far cheaper than a segment for
/// counting working days across decades. Immutable once published.
struct day_table {
  std::int64_t day_lo = 0, day_hi = 0;  ///< local days counted: [day_lo, day_hi)
  /// working_before[i]: working days among [day_lo, day_lo + i); size days + 1, so finding the
  /// n-th working day is a binary search.
  std::vector<std::int32_t> working_before;

  /// Working days among [day_lo, day), for day in [day_lo, day_hi].
  std::int64_t before(std::int64_t day) const {
    return working_before[static_cast<std::size_t>(day - day_lo)];
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

/// The intervals of consecutive local days from `first` to `last`, asked in increasing order,
/// with the holidays of that span found once.
class day_hours {
 public:
  day_hours(const calendar_spec& spec, std::int64_t first, std::int64_t last)
      : spec_(spec), holidays_(holidays_between(spec.holidays, first, last)), next_(holidays_.begin()) {}

  const std::vector<day_interval>& of(std::int64_t day) {
    while (next_ != holidays_.end() && *next_ < day) ++next_;
    return intervals_of_day(spec_, day, next_ != holidays_.end() && *next_ == day);
  }

 private:
  const calendar_spec& spec_;
  std::vector<std::int64_t> holidays_;
  std::vector<std::int64_t>::const_iterator next_;
};

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
  day_hours hours(spec, day_lo - 1, day_hi - 1);

  std::vector<std::pair<std::int64_t, std::int64_t>> windows;
  windows.reserve(static_cast<std::size_t>(day_hi - day_lo + 1) * 2);
  zone_period hint{0, 0, 0};
  for (std::int64_t day = day_lo - 1; day < day_hi; ++day) {
    const std::int64_t midnight = day * seconds_per_day;
    for (const auto& iv : hours.of(day)) {
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
  // Days come in order and a day's intervals too, so only overnight shifts and DST folds can
  // leave windows out of order; checking first spares most calendars the sort.
  if (!std::is_sorted(windows.begin(), windows.end())) std::sort(windows.begin(), windows.end());
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

/// Counts the working days of local days [day_lo, day_hi).
inline std::unique_ptr<day_table> build_day_table(const calendar_spec& spec, std::int64_t day_lo,
                                                  std::int64_t day_hi) {
  auto table = std::make_unique<day_table>();
  table->day_lo = day_lo;
  table->day_hi = day_hi;
  table->working_before.resize(static_cast<std::size_t>(day_hi - day_lo + 1));
  day_hours hours(spec, day_lo, day_hi - 1);
  std::int32_t count = 0;
  for (std::int64_t day = day_lo; day < day_hi; ++day) {
    table->working_before[static_cast<std::size_t>(day - day_lo)] = count;
    if (!hours.of(day).empty()) ++count;
  }
  table->working_before.back() = count;
  return table;
}

/// The local days [lo, hi) to compile so that days [want_lo, want_hi) are compiled, given what
/// `have` (a segment or a day table, or nothing yet) holds, clamped to the horizon.
///
/// A range that must grow on a side grows there by at least its own length, so however queries
/// creep outward (a day at a time, as a working-day count or a chronological replay does), the
/// days compiled over a calendar's life stay within a small multiple of its final range. A first
/// range takes a year before and three after what is asked, so that typical queries never grow.
template <class Piece>
std::pair<std::int64_t, std::int64_t> days_to_compile(const Piece* have, std::int64_t want_lo,
                                                      std::int64_t want_hi) {
  std::int64_t lo = want_lo - 400, hi = want_hi + 1100;
  if (have) {
    const std::int64_t length = have->day_hi - have->day_lo;
    lo = want_lo < have->day_lo ? std::min(want_lo, have->day_lo - length) : have->day_lo;
    hi = want_hi > have->day_hi ? std::max(want_hi, have->day_hi + length) : have->day_hi;
  }
  return {std::max(lo, horizon_first_day()), std::min(hi, horizon_last_day())};
}

/// Compiled pieces (segments, day tables) published to readers that take no lock: the newest
/// is current, and each stays alive as long as its holder, since a reader may still be using a
/// superseded one. Growth at least doubles (days_to_compile), so the superseded ones add up to
/// less than three times the newest (each is at most half the next but near the horizon, where
/// the last two may be close in size).
template <class Piece>
class published_pieces {
 public:
  const Piece* current() const { return current_.load(std::memory_order_acquire); }
  /// Makes `piece` current; the caller holds the lock that serialises growth.
  const Piece* publish(std::unique_ptr<Piece> piece) {
    const Piece* p = piece.get();
    owned_.push_back(std::move(piece));
    current_.store(p, std::memory_order_release);
    return p;
  }
  /// The day count of each piece kept, oldest first.
  std::vector<std::int64_t> kept_days() const {
    std::vector<std::int64_t> out;
    for (const auto& p : owned_) out.push_back(p->day_hi - p->day_lo);
    return out;
  }

 private:
  std::atomic<const Piece*> current_{nullptr};
  std::vector<std::unique_ptr<Piece>> owned_;
};

/// The lazily compiled timeline of one calendar in one measuring mode, and its working-day
/// counts. Readers never lock: what they get is immutable and lives as long as the timeline;
/// growth is serialised.
class timeline {
 public:
  timeline(std::shared_ptr<const calendar_spec> spec, bool wall)
      : spec_(std::move(spec)), wall_(wall) {}
  timeline(const timeline&) = delete;
  timeline& operator=(const timeline&) = delete;

  /// A segment whose cover holds [lo, hi]; nullptr only when that range leaves the horizon.
  const segment* covering(std::int64_t lo, std::int64_t hi) const {
    const segment* s = segments_.current();
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

  /// A day table counting local days [lo, hi]; nullptr only when they leave the horizon.
  const day_table* days_covering(std::int64_t lo, std::int64_t hi) const {
    const day_table* t = day_tables_.current();
    if (t && t->day_lo <= lo && hi < t->day_hi) return t;
    if (lo < horizon_first_day() || hi >= horizon_last_day()) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    t = day_tables_.current();
    if (t && t->day_lo <= lo && hi < t->day_hi) return t;  // another thread did it
    const auto days = days_to_compile(t, lo, hi + 1);
    return day_tables_.publish(build_day_table(*spec_, days.first, days.second));
  }

  /// A day table at least twice as long in the given direction, or nullptr when `t` already
  /// reaches the horizon there.
  const day_table* grow_days(const day_table* t, bool forward) const {
    if (forward) return t->day_hi >= horizon_last_day() ? nullptr : days_covering(t->day_lo, t->day_hi);
    return t->day_lo <= horizon_first_day() ? nullptr : days_covering(t->day_lo - 1, t->day_hi - 1);
  }

  /// Compiles the days holding [lo, hi] now, so later queries there never wait.
  const segment* precompile(std::int64_t lo, std::int64_t hi) const { return covering(lo, hi); }

  const calendar_spec& spec() const { return *spec_; }
  bool wall() const { return wall_; }

  /// The day counts of the segments kept, oldest first (how tests watch the growth).
  std::vector<std::int64_t> kept_segment_days() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return segments_.kept_days();
  }
  /// The day counts of the day tables kept, oldest first.
  std::vector<std::int64_t> kept_day_table_days() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return day_tables_.kept_days();
  }

 private:
  const segment* grow_to(std::int64_t lo, std::int64_t hi) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const segment* s = segments_.current();
    if (s && s->cover_lo <= lo && hi < s->cover_hi) return s;  // another thread did it
    // Two days either side: what the cover of the days compiled leaves out (build_segment).
    const std::int64_t want_lo = floor_div(lo, seconds_per_day) - 2, want_hi = floor_div(hi, seconds_per_day) + 3;
    const auto days = days_to_compile(s, want_lo, want_hi);
    if (days.second - days.first < 5) return nullptr;
    if (s && days.first == s->day_lo && days.second == s->day_hi) return nullptr;  // at the horizon
    auto built = build_segment(*spec_, days.first, days.second, wall_);
    if (!(built->cover_lo <= lo && hi < built->cover_hi)) return nullptr;
    return segments_.publish(std::move(built));
  }

  std::shared_ptr<const calendar_spec> spec_;
  bool wall_;
  mutable std::mutex mutex_;  // serialises growth
  mutable published_pieces<segment> segments_;
  mutable published_pieces<day_table> day_tables_;
};

}  // namespace detail
}  // namespace v1
}  // namespace itsm
