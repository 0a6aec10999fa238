#pragma once
// Calendar calls over numpy arrays, and the wall clock that reads the package's naive times.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core_error.hpp"
#include "itsm/itsm.hpp"

namespace itsm_python {

namespace py = pybind11;

using int64_array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

/// The instants the library computes with: 1900-01-01T00:00Z up to 2400-01-01T00:00Z.
constexpr std::int64_t first_supported_instant =
    itsm::detail::days_from_civil(itsm::detail::min_supported_year, 1, 1) * itsm::detail::seconds_per_day;
constexpr std::int64_t end_of_supported_instants =
    itsm::detail::days_from_civil(itsm::detail::max_supported_year + 1, 1, 1) * itsm::detail::seconds_per_day;

/// Wall-clock readings on a calendar's clock (seconds since 1970-01-01T00:00 local time) and the
/// instants they name, by the rule the library applies to RFC 3339 text without an offset: inside
/// a daylight-saving gap an error, in an overlap the earlier instant (the later with `later`, as
/// Python's `fold=1` asks). The package reads every naive time it is given this way.
class wall_clock {
 public:
  explicit wall_clock(const itsm::calendar& c)
      : name_(c.timezone()), zone_(itsm::detail::zone::from_name(c.timezone(), "timezone")) {}

  itsm::result<std::int64_t> instant(std::int64_t local, bool later, const std::string& field) {
    constexpr std::int64_t margin = itsm::detail::seconds_per_day;  // offsets stay within a day
    if (local < first_supported_instant - margin || local >= end_of_supported_instants + margin) {
      return itsm::error{itsm::errc::out_of_range,
                         field + ": wall time " + text(local) + " is outside the supported years " +
                             std::to_string(itsm::detail::min_supported_year) + ".." +
                             std::to_string(itsm::detail::max_supported_year)};
    }
    // Away from every change of offset (a day's margin) a wall time names one instant: a period
    // seen before answers without a search.
    for (const auto& p : seen_) {
      const std::int64_t guess = local - p.offset;
      if (guess >= p.begin + margin && guess < p.end - margin) return guess;
    }
    itsm::detail::zone_period hint{0, 0, 0};
    const auto m = zone_.resolve(local, hint);
    remember(hint);
    if (m.kind == itsm::detail::local_mapping::gap) {
      return itsm::error{itsm::errc::nonexistent_time, field + ": wall time '" + text(local) + "' does not exist in " +
                                                           name_ + " (it falls in a daylight-saving gap)"};
    }
    return later ? m.second : m.first;
  }

  /// The reading of this clock at `instant`.
  std::int64_t local(std::int64_t instant) {
    for (const auto& p : seen_) {
      if (instant >= p.begin && instant < p.end) return instant + p.offset;
    }
    const auto p = zone_.period_at(instant);
    remember(p);
    return instant + p.offset;
  }

 private:
  // Far outside the supported years the seconds themselves: a date would not say more.
  static std::string text(std::int64_t local) {
    constexpr std::int64_t readable = 300'000LL * 365 * itsm::detail::seconds_per_day;
    if (local < -readable || local > readable) return std::to_string(local) + " s after 1970-01-01T00:00";
    return itsm::detail::format_with_offset(local, 0).substr(0, 19);
  }

  void remember(const itsm::detail::zone_period& p) {
    if (p.begin >= p.end) return;
    if (seen_.size() < max_seen) {
      seen_.push_back(p);
    } else {
      seen_[next_++ % max_seen] = p;
    }
  }

  std::string name_;
  itsm::detail::zone zone_;
  // The periods of constant offset met so far (a bulk call's times fall in a few of them, each
  // a search in the zone database otherwise), replaced in turn once there are max_seen.
  static constexpr std::size_t max_seen = 16;
  std::vector<itsm::detail::zone_period> seen_;
  std::size_t next_ = 0;
};

/// numpy's NaT (and pandas'), as int64: the value that marks a missing row when `skip_nat` is set.
constexpr std::int64_t not_a_time = std::numeric_limits<std::int64_t>::min();

/// One calendar operation over arrays, without the GIL: `starts` and `values` (one value, or
/// one per start) in, int64 results out. With `wall_starts` / `wall_values` those arrays hold
/// wall times on the calendar's clock (the package's naive values), with `wall_results` the
/// results are given as such. With `skip_nat` a row whose start or value is `not_a_time` is not
/// computed and gives `not_a_time` (pandas' NaT in, NaT out); without it that is an ordinary
/// (out of range) value. The first failure raises, naming its index.
template <class Op>
py::array_t<std::int64_t> bulk(const itsm::calendar& cal, const int64_array& starts, const int64_array& values,
                               bool wall_starts, bool wall_values, bool wall_results, bool skip_nat, Op&& op) {
  if (starts.ndim() != 1 || values.ndim() != 1) {
    raise(itsm::error{itsm::errc::invalid_argument, "expected one-dimensional arrays"});
  }
  const auto n = static_cast<std::size_t>(starts.shape(0));
  const auto m = static_cast<std::size_t>(values.shape(0));
  if (m != 1 && m != n) {
    raise(itsm::error{itsm::errc::invalid_argument,
                      "expected one value or one per start (" + std::to_string(n) + "), got " + std::to_string(m)});
  }
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(n));
  const std::int64_t* s = starts.data();
  const std::int64_t* v = values.data();
  std::int64_t* o = out.mutable_data();
  std::optional<std::pair<std::size_t, itsm::error>> failed;
  {
    py::gil_scoped_release unlocked;
    wall_clock starts_clock(cal);
    wall_clock values_clock(cal);
    for (std::size_t i = 0; i < n && !failed; ++i) {
      if (skip_nat && (s[i] == not_a_time || v[m == 1 ? 0 : i] == not_a_time)) {
        o[i] = not_a_time;
        continue;
      }
      itsm::result<std::int64_t> start = wall_starts ? starts_clock.instant(s[i], false, "starts") : s[i];
      const std::int64_t raw_value = v[m == 1 ? 0 : i];
      itsm::result<std::int64_t> value = wall_values ? values_clock.instant(raw_value, false, "ends") : raw_value;
      itsm::result<std::int64_t> r = !start ? start : !value ? value : op(*start, *value);
      if (!r) {
        failed.emplace(i, r.error_value());
      } else {
        o[i] = wall_results ? starts_clock.local(*r) : *r;
      }
    }
  }
  if (failed) {
    raise(itsm::error{failed->second.code, "[" + std::to_string(failed->first) + "]: " + failed->second.message});
  }
  return out;
}

}  // namespace itsm_python
