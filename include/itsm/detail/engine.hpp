#pragma once
// Business-time operations on one compiled timeline, with pauses and the at_close convention
// (docs/calendars.md, "Business time"). Raw operations see the calendar's working instants W; the
// pause-aware ones see W minus the pauses, where a pause start is a closing.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "itsm/detail/timeline.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// A half-open interval of instants [begin, end) removed from working time.
struct instant_range {
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

/// Sorts pauses and merges the overlapping and touching ones, dropping empty ones.
inline std::vector<instant_range> merge_pauses(std::vector<instant_range> pauses) {
  pauses.erase(std::remove_if(pauses.begin(), pauses.end(),
                              [](const instant_range& p) { return p.end <= p.begin; }),
               pauses.end());
  std::sort(pauses.begin(), pauses.end(),
            [](const instant_range& a, const instant_range& b) { return a.begin < b.begin; });
  std::vector<instant_range> merged;
  for (const auto& p : pauses) {
    if (!merged.empty() && p.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, p.end);
    } else {
      merged.push_back(p);
    }
  }
  return merged;
}

inline std::string describe_instant(std::int64_t t) { return format_with_offset(t, 0); }

class engine {
 public:
  /// `pauses` must come from merge_pauses.
  engine(const timeline& tl, const std::vector<instant_range>& pauses)
      : tl_(tl), pauses_(pauses) {}

  // --- raw operations on W -------------------------------------------------------------

  std::int64_t raw_between(std::int64_t a, std::int64_t b) const {  // requires a <= b
    const segment* s = cover(a, b);
    return s->work_before(b) - s->work_before(a);
  }

  bool raw_working(std::int64_t t) const {
    const segment* s = cover(t, t);
    const auto i = s->last_starting_at_or_before(t);
    return i >= 0 && t < s->end[static_cast<std::size_t>(i)];
  }

  std::int64_t raw_next_open(std::int64_t t) const {
    for (const segment* s = cover(t, t);; s = grow(s, true, t)) {
      const auto i = s->last_starting_at_or_before(t);
      if (i >= 0 && t < s->end[static_cast<std::size_t>(i)]) return t;
      const auto j = static_cast<std::size_t>(i + 1);
      if (j < s->size() && s->start[j] < s->cover_hi) return s->start[j];
    }
  }

  std::int64_t raw_next_close(std::int64_t t) const {
    for (const segment* s = cover(t, t);; s = grow(s, true, t)) {
      const auto i = s->last_starting_at_or_before(t);
      std::size_t j = static_cast<std::size_t>(i + 1);
      if (i >= 0 && t < s->end[static_cast<std::size_t>(i)]) j = static_cast<std::size_t>(i);
      if (j < s->size() && s->end[j] < s->cover_hi) return s->end[j];
    }
  }

  /// The largest whole second s < x at which W is working.
  std::int64_t raw_last_working_second_before(std::int64_t x) const {
    for (const segment* s = cover(x - 1, x - 1);; s = grow(s, false, x)) {
      const auto i = s->last_starting_at_or_before(x - 1);
      if (i < 0) continue;
      const auto u = static_cast<std::size_t>(i);
      if (x - 1 < s->end[u]) return x - 1;
      if (s->end[u] > s->cover_lo) return s->end[u] - 1;
    }
  }

  /// Earliest u with raw_between(t, u) >= d, for d > 0 (the `close` convention).
  std::int64_t raw_add_forward(std::int64_t t, std::int64_t d) const {
    for (const segment* s = cover(t, t);; s = grow(s, true, t)) {
      const std::int64_t target = s->work_before(t) + d;
      const auto k = static_cast<std::size_t>(
          std::lower_bound(s->cum.begin() + 1, s->cum.end(), target) - (s->cum.begin() + 1));
      if (k < s->size()) {
        const std::int64_t u = s->start[k] + (target - s->cum[k]);
        if (u < s->cover_hi) return u;
      }
    }
  }

  /// Latest u with raw_between(u, t) >= d, for d > 0 (the `close` convention).
  std::int64_t raw_add_backward(std::int64_t t, std::int64_t d) const {
    for (const segment* s = cover(t, t);; s = grow(s, false, t)) {
      const std::int64_t target = s->work_before(t) - d;
      if (target < 0 || s->size() == 0) continue;
      const auto k = static_cast<std::size_t>(
          std::upper_bound(s->cum.begin(), s->cum.begin() + static_cast<std::ptrdiff_t>(s->size()),
                           target) -
          s->cum.begin() - 1);
      const std::int64_t u = s->start[k] + (target - s->cum[k]);
      if (u >= s->cover_lo) return u;
    }
  }

  // --- operations on W minus the pauses -------------------------------------------------

  const instant_range* pause_holding(std::int64_t t) const {
    auto it = std::upper_bound(pauses_.begin(), pauses_.end(), t,
                               [](std::int64_t v, const instant_range& p) { return v < p.begin; });
    if (it == pauses_.begin()) return nullptr;
    --it;
    return t < it->end ? &*it : nullptr;
  }

  bool working(std::int64_t t) const { return raw_working(t) && !pause_holding(t); }

  std::int64_t next_open(std::int64_t t) const {
    for (;;) {
      t = raw_next_open(t);
      const auto* p = pause_holding(t);
      if (!p) return t;
      t = p->end;
    }
  }

  std::int64_t next_close(std::int64_t t) const {
    t = next_open(t);
    std::int64_t close = raw_next_close(t);
    auto it = std::upper_bound(pauses_.begin(), pauses_.end(), t,
                               [](std::int64_t v, const instant_range& p) { return v < p.begin; });
    if (it != pauses_.end()) close = std::min(close, it->begin);
    return close;
  }

  std::int64_t prev_close(std::int64_t t) const {
    if (working(t)) return t;
    for (;;) {
      const std::int64_t s = raw_last_working_second_before(t);
      const auto* p = pause_holding(s);
      if (!p) return s + 1;
      t = p->begin;
    }
  }

  std::int64_t between(std::int64_t a, std::int64_t b) const {
    if (b < a) return -between(b, a);
    std::int64_t total = raw_between(a, b);
    for (const auto& p : pauses_) {
      const std::int64_t lo = std::max(a, p.begin), hi = std::min(b, p.end);
      if (lo < hi) total -= raw_between(lo, hi);
    }
    return total;
  }

  /// `add` as pinned: d >= 0 forward from next_open(t), d < 0 backward; `open_convention` keeps
  /// the answer off a stretch boundary in its direction of travel.
  std::int64_t add(std::int64_t t, std::int64_t d, bool open_convention) const {
    if (d == 0) return next_open(t);
    if (d > 0) {
      std::int64_t pos = t, rem = d, u = 0;
      bool done = false;
      for (const auto& p : pauses_) {
        if (p.end <= pos) continue;
        if (p.begin <= pos) {
          pos = p.end;
          continue;
        }
        const std::int64_t avail = raw_between(pos, p.begin);
        if (rem <= avail) {
          u = raw_add_forward(pos, rem);
          done = true;
          break;
        }
        rem -= avail;
        pos = p.end;
      }
      if (!done) u = raw_add_forward(pos, rem);
      if (open_convention && !working(u)) u = next_open(u);
      return u;
    }
    std::int64_t pos = t, rem = -d, u = 0;
    bool done = false;
    for (auto it = pauses_.rbegin(); it != pauses_.rend(); ++it) {
      if (it->begin >= pos) continue;
      if (it->end >= pos) {
        pos = it->begin;
        continue;
      }
      const std::int64_t avail = raw_between(it->end, pos);
      if (rem <= avail) {
        u = raw_add_backward(pos, rem);
        done = true;
        break;
      }
      rem -= avail;
      pos = it->begin;
    }
    if (!done) u = raw_add_backward(pos, rem);
    if (open_convention && !working(u - 1)) u = prev_close(u - 1);
    return u;
  }

  // --- days ---------------------------------------------------------------------------

  /// The local day `n` working days after (before, n < 0) `day`; a closed start day counts as
  /// the next (previous) working day. A binary search in the working-day counts, which grow
  /// until they hold the answer or reach the horizon.
  std::int64_t working_day_after(std::int64_t day, std::int64_t n) const {
    const bool forward = n >= 0;
    // Count about as far as the answer lies at once (a week has `per_week` working days, less
    // holidays; a tenth more for those), rather than reach it by doubling.
    std::int64_t per_week = 0;
    for (const auto& hours : tl_.spec().week) per_week += hours.empty() ? 0 : 1;
    const std::int64_t count = std::min<std::int64_t>(forward ? n : -n, horizon_last_day() - horizon_first_day());
    const std::int64_t reach = per_week == 0 ? count : count * 7 * 11 / (per_week * 10);
    const std::int64_t far = forward ? std::min(day + reach, horizon_last_day() - 1)
                                     : std::max(day - reach, horizon_first_day());
    const day_table* t = tl_.days_covering(std::min(day, far), std::max(day, far));
    if (!t) {
      fail(errc::out_of_range, "day " + format_date(day) + " is outside the supported years " +
                                   std::to_string(min_supported_year) + ".." + std::to_string(max_supported_year));
    }
    for (;;) {
      const auto& before = t->working_before;
      std::int64_t within = 0;  // working days on the way, the start day included
      if (forward) {
        // The answer: the first day by whose end (working days before `day`) + n + 1 have passed.
        const std::int64_t wanted = t->before(day) + n;
        if (wanted < t->before(t->day_hi)) {
          return t->day_lo + (std::upper_bound(before.begin(), before.end(), wanted) - before.begin()) - 1;
        }
        within = t->before(t->day_hi) - t->before(day);
      } else {
        // The answer: the first day by whose end (working days up to `day`) - |n| have passed.
        const std::int64_t wanted = t->before(day + 1) + n;
        if (wanted > 0) {
          return t->day_lo + (std::lower_bound(before.begin(), before.end(), wanted) - before.begin()) - 1;
        }
        within = t->before(day + 1);
      }
      const day_table* grown = tl_.grow_days(t, forward);
      if (!grown) no_working_day_within(day, n, within);
      t = grown;
    }
  }

 private:
  const segment* cover(std::int64_t lo, std::int64_t hi) const {
    const segment* s = tl_.covering(lo, hi);
    if (!s) {
      fail(errc::out_of_range, "instant " + describe_instant(lo < 0 || hi < 0 ? lo : hi) +
                                   " is outside the supported years " +
                                   std::to_string(min_supported_year) + ".." +
                                   std::to_string(max_supported_year));
    }
    return s;
  }

  const segment* grow(const segment* s, bool forward, std::int64_t from) const {
    const segment* g = tl_.grow(s, forward);
    if (!g) no_time_near(from, forward);
    return g;
  }

  /// The horizon reached with `within` working days on the way (the start day included).
  [[noreturn]] static void no_working_day_within(std::int64_t day, std::int64_t n, std::int64_t within) {
    const std::string years = "the supported years " + std::to_string(min_supported_year) + ".." +
                              std::to_string(max_supported_year);
    const std::string way = std::string(n >= 0 ? "after " : "before ") + format_date(day) + " (or on it)";
    if (within == 0) fail(errc::no_working_time, "calendar: no working day " + way + " within " + years);
    fail(errc::out_of_range, "days: " + std::to_string(n) + " reaches past " + years + ", which hold " +
                                 std::to_string(within) + (within == 1 ? " working day " : " working days ") + way);
  }

  [[noreturn]] static void no_time_near(std::int64_t from, bool forward) {
    fail(errc::no_working_time,
         std::string("calendar: no working time ") + (forward ? "after " : "before ") +
             describe_instant(from) + " within the supported years " +
             std::to_string(min_supported_year) + ".." + std::to_string(max_supported_year));
  }

  const timeline& tl_;
  const std::vector<instant_range>& pauses_;
};

}  // namespace detail
}  // namespace v1
}  // namespace itsm
