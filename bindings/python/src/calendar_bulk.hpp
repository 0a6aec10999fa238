#pragma once
// Calendar calls over numpy arrays, and the wall clock that reads the package's naive times.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

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
    const auto m = zone_.resolve(local, hint_);
    if (m.kind == itsm::detail::local_mapping::gap) {
      return itsm::error{itsm::errc::nonexistent_time, field + ": wall time '" + text(local) + "' does not exist in " +
                                                           name_ + " (it falls in a daylight-saving gap)"};
    }
    return later ? m.second : m.first;
  }

  /// The reading of this clock at `instant`.
  std::int64_t local(std::int64_t instant) const { return instant + zone_.offset_at(instant); }

 private:
  // Far outside the supported years the seconds themselves: a date would not say more.
  static std::string text(std::int64_t local) {
    constexpr std::int64_t readable = 300'000LL * 365 * itsm::detail::seconds_per_day;
    if (local < -readable || local > readable) return std::to_string(local) + " s after 1970-01-01T00:00";
    return itsm::detail::format_with_offset(local, 0).substr(0, 19);
  }

  std::string name_;
  itsm::detail::zone zone_;
  itsm::detail::zone_period hint_{0, 0, 0};  // makes a run of nearby wall times cheap
};

/// One calendar operation over arrays, without the GIL: `starts` and `values` (one value, or
/// one per start) in, int64 results out. With `wall_starts` / `wall_values` those arrays hold
/// wall times on the calendar's clock (the package's naive values), with `wall_results` the
/// results are given as such. The first failure raises, naming its index.
template <class Op>
py::array_t<std::int64_t> bulk(const itsm::calendar& cal, const int64_array& starts, const int64_array& values,
                               bool wall_starts, bool wall_values, bool wall_results, Op&& op) {
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
