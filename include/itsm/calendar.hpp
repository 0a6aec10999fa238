#pragma once
/// \file
/// Business calendars: working hours, holidays, overrides and time zones, and the business-time
/// arithmetic on them (`add`, `between`, `next_open`, ...), with the meaning pinned in
/// docs/calendars.md ("Business time", "Conventions").
///
/// A `calendar` is an immutable value, cheap to copy (it shares its compiled form) and safe to
/// use from many threads at once. Its working time is compiled lazily into sorted stretches with
/// prefix sums, so `add` and `between` cost a binary search whatever the distance they span.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <gsl/gsl>
#include <nlohmann/json.hpp>

#include "itsm/detail/calendar_json.hpp"
#include "itsm/detail/engine.hpp"
#include "itsm/error.hpp"
#include "itsm/time.hpp"
#include "itsm/zone.hpp"

namespace itsm {
inline namespace v1 {

/// Enables the time-point overloads for durations finer than a second (whole seconds take the
/// `sys_seconds` overloads; coarser time points convert to them implicitly).
template <class... Durations>
using finer_than_seconds = std::enable_if_t<(... || (std::ratio_less_v<typename Durations::period, std::ratio<1>>))>;

/// Where a deadline that uses up its budget exactly at the end of a working stretch lands.
enum class at_close_convention {
  close,  ///< on that closing instant (Znuny, business_time, working_hours, ServiceNow)
  open,   ///< never on a boundary in the direction of travel: the next opening going forward,
          ///< the previous closing going backward (pandas, biz >= 1.8.2)
};

/// How business time is measured across daylight-saving changes.
enum class dst_convention {
  elapsed,  ///< real elapsed seconds: a window holding a change is 1 h shorter or longer
  wall,     ///< the calendar's wall clock, as if the zone had no transitions (working_hours)
};

/// A half-open interval of instants [begin, end) during which the clock does not run.
struct pause {
  sys_seconds begin;
  sys_seconds end;
};

/// Per-call conventions and pauses. Defaults are those of docs/calendars.md, "Conventions".
struct calc_options {
  at_close_convention at_close = at_close_convention::close;
  dst_convention dst = dst_convention::elapsed;
  gsl::span<const pause> pauses{};  ///< need not be sorted; overlapping pauses are merged
};

/// A calendar date, as `holidays()` returns it.
struct civil_date {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  friend bool operator==(const civil_date& a, const civil_date& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
  /// `YYYY-MM-DD`
  std::string to_string() const {
    return detail::format_date(detail::days_from_civil(year, month, day));
  }
};

namespace detail {
/// `"close"` / `"open"`; fails naming `field`.
inline at_close_convention parse_at_close(const std::string& v, const std::string& field) {
  if (v == "close") return at_close_convention::close;
  if (v == "open") return at_close_convention::open;
  fail(errc::invalid_argument, field + ": unknown convention '" + v + "' (expected close or open)");
}

/// `"elapsed"` / `"wall"`; fails naming `field`.
inline dst_convention parse_dst(const std::string& v, const std::string& field) {
  if (v == "elapsed") return dst_convention::elapsed;
  if (v == "wall") return dst_convention::wall;
  fail(errc::invalid_argument, field + ": unknown convention '" + v + "' (expected elapsed or wall)");
}

struct calendar_impl {
  explicit calendar_impl(calendar_spec s)
      : spec(std::make_shared<const calendar_spec>(std::move(s))),
        has_hours(spec->has_any_hours()),
        elapsed(spec, false),
        wall(spec, true) {}
  std::shared_ptr<const calendar_spec> spec;
  bool has_hours;
  timeline elapsed;
  timeline wall;
};
}  // namespace detail

class query_evaluator;

/// `"close"` or `"open"` (the `at_close` option of the JSON and C forms); anything else is
/// `invalid_argument` naming `field`.
inline result<at_close_convention> parse_at_close_convention(std::string_view name,
                                                             const std::string& field = "at_close") {
  return detail::capture<at_close_convention>([&] { return detail::parse_at_close(std::string(name), field); });
}

/// `"elapsed"` or `"wall"` (the `dst` option); anything else is `invalid_argument` naming `field`.
inline result<dst_convention> parse_dst_convention(std::string_view name, const std::string& field = "dst") {
  return detail::capture<dst_convention>([&] { return detail::parse_dst(std::string(name), field); });
}

class calendar {
 public:
  /// Loads the JSON form (docs/calendars.md, "The calendar object"). Errors name the field and
  /// the value.
  static result<calendar> from_json(std::string_view text) {
    return detail::capture<calendar>([&] {
      return detail::with_json_text(text, "calendar",
                                    [](const nlohmann::json& doc) { return calendar(detail::parse_calendar(doc, "calendar")); });
    });
  }

  static result<calendar> from_json(const char* text) {
    return from_json(std::string_view(text ? text : ""));
  }
  static result<calendar> from_json(const std::string& text) { return from_json(std::string_view(text)); }

  /// Loads an already parsed JSON value; `field` prefixes the paths in error messages.
  static result<calendar> from_json(const nlohmann::json& j, const std::string& field = "calendar") {
    return detail::capture<calendar>([&] {
      detail::need_utf8_json(j, field);
      return calendar(detail::parse_calendar(j, field));
    });
  }

  /// The canonical JSON form (every key spelled out); loading it gives an equal calendar.
  nlohmann::json to_json() const { return detail::calendar_to_json(*impl_->spec); }

  /// The zone's name as given (`UTC` by default).
  const std::string& timezone() const { return impl_->spec->tz.name(); }

  /// The calendar's zone, for placing wall times and printing instants as the calendar does.
  time_zone zone() const { return time_zone(impl_->spec->tz); }

  /// The zone's offset from UTC in force at `t`, in seconds (east positive).
  std::chrono::seconds offset_at(sys_seconds t) const {
    return std::chrono::seconds{impl_->spec->tz.offset_at(t.time_since_epoch().count())};
  }

  /// The deadline: `budget` of business time after `start` (before it when negative).
  result<sys_seconds> add(sys_seconds start, std::chrono::seconds budget,
                          const calc_options& options = {}) const {
    return run<sys_seconds>(start, options, [&](const detail::engine& e, std::int64_t t) {
      const auto [lo, hi] = supported();
      const std::int64_t d = budget.count();
      if (d > hi - lo || d < lo - hi) {
        detail::fail(errc::out_of_range, "seconds: " + std::to_string(d) +
                                             " reaches outside the supported years");
      }
      return e.add(t, d, options.at_close == at_close_convention::open);
    }, budget.count() >= 0);
  }

  /// Signed business seconds in [a, b); negative when b < a.
  result<std::chrono::seconds> between(sys_seconds a, sys_seconds b,
                                       const calc_options& options = {}) const {
    return detail::capture<std::chrono::seconds>([&] {
      check_instant(a, "start");
      check_instant(b, "end");
      require_hours();
      const auto& tl = options.dst == dst_convention::wall ? impl_->wall : impl_->elapsed;
      const auto pauses = to_timeline(options.pauses, options.dst);
      detail::engine e(tl, pauses);
      return std::chrono::seconds{e.between(to_timeline(a, options.dst), to_timeline(b, options.dst))};
    });
  }

  /// `t` when it is working time, else the start of the next working stretch.
  result<sys_seconds> next_open(sys_seconds t, const calc_options& options = {}) const {
    return run<sys_seconds>(t, options, [](const detail::engine& e, std::int64_t x) {
      return e.next_open(x);
    }, true);
  }

  /// The end of the working stretch holding `t`, or of the next one.
  result<sys_seconds> next_close(sys_seconds t, const calc_options& options = {}) const {
    return run<sys_seconds>(t, options, [](const detail::engine& e, std::int64_t x) {
      return e.next_close(x);
    }, true);
  }

  /// `t` when it is working or ends a stretch, else the end of the previous stretch.
  result<sys_seconds> prev_close(sys_seconds t, const calc_options& options = {}) const {
    return run<sys_seconds>(t, options, [](const detail::engine& e, std::int64_t x) {
      return e.prev_close(x);
    }, false);
  }

  /// The same wall time on the `days`-th working day after `t`'s date (before it when
  /// negative); docs/calendars.md ("Business time") says what closed start days and
  /// non-working wall times give.
  result<sys_seconds> add_working_days(sys_seconds t, int days,
                                       const calc_options& options = {}) const {
    return detail::capture<sys_seconds>([&] {
      check_instant(t, "start");
      require_hours();
      const auto& spec = *impl_->spec;
      const std::int64_t instant = t.time_since_epoch().count();
      const std::int64_t local = instant + spec.tz.offset_at(instant);
      const std::int64_t day = detail::floor_div(local, detail::seconds_per_day);
      const std::int64_t tod = local - day * detail::seconds_per_day;
      const auto no_pauses = std::vector<detail::instant_range>{};
      const detail::engine days_engine(impl_->elapsed, no_pauses);
      const std::int64_t target = days_engine.working_day_after(day, days);
      const std::int64_t wall_target = target * detail::seconds_per_day + tod;
      const std::int64_t at = spec.tz.resolve(wall_target).first;
      check_instant(sys_seconds{std::chrono::seconds{at}}, "result");
      const auto& tl = options.dst == dst_convention::wall ? impl_->wall : impl_->elapsed;
      const auto pauses = to_timeline(options.pauses, options.dst);
      detail::engine e(tl, pauses);
      const std::int64_t x = options.dst == dst_convention::wall ? wall_target : at;
      const std::int64_t r = e.working(x) ? x : (days >= 0 ? e.next_open(x) : e.prev_close(x));
      return from_timeline(r, options.dst, INT64_MIN);
    });
  }

  // Finer time points (`std::chrono::system_clock::now()`, milliseconds, ...) are truncated
  // toward the past to whole seconds, the library's instant, then answered as above.
  template <class Duration, class = finer_than_seconds<Duration>>
  result<sys_seconds> add(std::chrono::time_point<std::chrono::system_clock, Duration> start,
                          std::chrono::seconds budget, const calc_options& options = {}) const {
    return add(std::chrono::floor<std::chrono::seconds>(start), budget, options);
  }
  template <class D1, class D2, class = finer_than_seconds<D1, D2>>
  result<std::chrono::seconds> between(std::chrono::time_point<std::chrono::system_clock, D1> a,
                                       std::chrono::time_point<std::chrono::system_clock, D2> b,
                                       const calc_options& options = {}) const {
    return between(std::chrono::floor<std::chrono::seconds>(a), std::chrono::floor<std::chrono::seconds>(b),
                   options);
  }
  template <class Duration, class = finer_than_seconds<Duration>>
  result<sys_seconds> next_open(std::chrono::time_point<std::chrono::system_clock, Duration> t,
                                const calc_options& options = {}) const {
    return next_open(std::chrono::floor<std::chrono::seconds>(t), options);
  }
  template <class Duration, class = finer_than_seconds<Duration>>
  result<sys_seconds> next_close(std::chrono::time_point<std::chrono::system_clock, Duration> t,
                                 const calc_options& options = {}) const {
    return next_close(std::chrono::floor<std::chrono::seconds>(t), options);
  }
  template <class Duration, class = finer_than_seconds<Duration>>
  result<sys_seconds> prev_close(std::chrono::time_point<std::chrono::system_clock, Duration> t,
                                 const calc_options& options = {}) const {
    return prev_close(std::chrono::floor<std::chrono::seconds>(t), options);
  }
  template <class Duration, class = finer_than_seconds<Duration>>
  result<sys_seconds> add_working_days(std::chrono::time_point<std::chrono::system_clock, Duration> t, int days,
                                       const calc_options& options = {}) const {
    return add_working_days(std::chrono::floor<std::chrono::seconds>(t), days, options);
  }

  /// The holiday dates of `year` by the calendar's rules (observed days and every date of a
  /// range included), sorted.
  result<std::vector<civil_date>> holidays(int year) const {
    return detail::capture<std::vector<civil_date>>([&] {
      if (year < detail::min_supported_year || year > detail::max_supported_year) {
        detail::fail(errc::out_of_range, "year: " + std::to_string(year) +
                                             " is outside the supported years " +
                                             std::to_string(detail::min_supported_year) + ".." +
                                             std::to_string(detail::max_supported_year));
      }
      std::vector<civil_date> out;
      for (auto d : detail::holidays_in_year(impl_->spec->holidays, year)) {
        const auto ymd = detail::civil_from_days(d);
        out.push_back({int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day())});
      }
      return out;
    });
  }

  /// Parses RFC 3339 text; a time without an offset is a wall time in this calendar's zone
  /// (inside a DST gap: an error; in an overlap: the earlier instant).
  result<sys_seconds> parse_time(std::string_view text, const std::string& field = "time") const {
    return detail::capture<sys_seconds>([&] { return sys_seconds{std::chrono::seconds{parse_instant(text, field)}}; });
  }

  /// `t` as RFC 3339 text in this calendar's zone, with its offset.
  std::string format(sys_seconds t) const {
    const std::int64_t v = t.time_since_epoch().count();
    return detail::format_with_offset(v, impl_->spec->tz.offset_at(v));
  }

  /// Compiles the working time between two instants now (else it is compiled on first use).
  result<bool> precompile(sys_seconds from, sys_seconds to) const {
    return detail::capture<bool>([&] {
      check_instant(from, "from");
      check_instant(to, "to");
      return impl_->elapsed.precompile(from.time_since_epoch().count(),
                                       to.time_since_epoch().count()) != nullptr;
    });
  }

 private:
  friend class query_evaluator;

  explicit calendar(detail::calendar_spec spec)
      : impl_(std::make_shared<const detail::calendar_impl>(std::move(spec))) {}

  // An instant from RFC 3339 text, a wall time read in this calendar's zone. Throws a
  // detail::failure: parse_time wraps it in a result, and the query reader (query_evaluator,
  // a friend for this alone) reads many instants a line and answers the line's first failure.
  std::int64_t parse_instant(std::string_view text, const std::string& field) const {
    const auto tt = detail::parse_text_time(text, field);
    if (tt.has_offset) return tt.seconds;
    const auto m = impl_->spec->tz.resolve(tt.seconds);
    if (m.kind == detail::local_mapping::gap) {
      detail::fail(errc::nonexistent_time,
                   field + ": wall time '" + std::string(text) + "' does not exist in " +
                       timezone() + " (it falls in a daylight-saving gap)");
    }
    return m.first;
  }

  /// The supported instants, computed by the compiler: every call checks its instants, and
  /// in a shared library (the C ABI) the calendar arithmetic would otherwise run each time.
  static constexpr std::pair<std::int64_t, std::int64_t> supported() {
    constexpr std::int64_t lo = detail::days_from_civil(detail::min_supported_year, 1, 1) * detail::seconds_per_day;
    constexpr std::int64_t hi = detail::days_from_civil(detail::max_supported_year + 1, 1, 1) * detail::seconds_per_day;
    return {lo, hi};
  }

  static void check_instant(sys_seconds t, const char* field) {
    const auto [lo, hi] = supported();
    const std::int64_t v = t.time_since_epoch().count();
    if (v < lo || v >= hi) {
      detail::fail(errc::out_of_range, std::string(field) + ": instant " +
                                           detail::describe_instant(v) +
                                           " is outside the supported years " +
                                           std::to_string(detail::min_supported_year) + ".." +
                                           std::to_string(detail::max_supported_year));
    }
  }

  void require_hours() const {
    if (!impl_->has_hours) {
      detail::fail(errc::no_working_time,
                   "calendar: no working time at all (every day is closed and no override opens one)");
    }
  }

  std::int64_t to_timeline(sys_seconds t, dst_convention dst) const {
    const std::int64_t v = t.time_since_epoch().count();
    return dst == dst_convention::wall ? v + impl_->spec->tz.offset_at(v) : v;
  }

  std::vector<detail::instant_range> to_timeline(gsl::span<const pause> pauses,
                                                 dst_convention dst) const {
    std::vector<detail::instant_range> out;
    out.reserve(pauses.size());
    for (const auto& p : pauses) {
      if (p.end < p.begin) {
        detail::fail(errc::invalid_argument, "pauses: a pause ends (" + format(p.end) +
                                                 ") before it starts (" + format(p.begin) + ")");
      }
      check_instant(p.begin, "pauses");
      check_instant(p.end, "pauses");
      out.push_back({to_timeline(p.begin, dst), to_timeline(p.end, dst)});
    }
    return detail::merge_pauses(std::move(out));
  }

  /// A timeline value back to an instant. On the wall clock: a time in an overlap is the earlier
  /// instant unless that precedes `not_before` (the start of a forward add); in a gap, its end.
  sys_seconds from_timeline(std::int64_t v, dst_convention dst, std::int64_t not_before) const {
    if (dst == dst_convention::elapsed) return sys_seconds{std::chrono::seconds{v}};
    const auto m = impl_->spec->tz.resolve(v);
    std::int64_t r = m.first;
    if (m.kind == detail::local_mapping::overlap && r < not_before) r = m.second;
    return sys_seconds{std::chrono::seconds{r}};
  }

  /// Runs a one-instant operation; `forward` says whether its answer lies at or after `t`
  /// (which decides how a wall-clock answer in a DST overlap maps back to an instant).
  template <class T, class F>
  result<T> run(sys_seconds t, const calc_options& options, F&& op, bool forward) const {
    return detail::capture<T>([&] {
      check_instant(t, "start");
      require_hours();
      const auto& tl = options.dst == dst_convention::wall ? impl_->wall : impl_->elapsed;
      const auto pauses = to_timeline(options.pauses, options.dst);
      detail::engine e(tl, pauses);
      const std::int64_t x = to_timeline(t, options.dst);
      const std::int64_t r = op(e, x);
      const sys_seconds out =
          from_timeline(r, options.dst, forward ? t.time_since_epoch().count() : INT64_MIN);
      check_instant(out, "result");
      return out;
    });
  }

  std::shared_ptr<const detail::calendar_impl> impl_;
};

}  // namespace v1
}  // namespace itsm
