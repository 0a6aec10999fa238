#pragma once
// Calendar calls over numpy arrays, and the wall clock that reads the package's naive times.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <chrono>
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

/// Wall-clock readings on a calendar's clock (seconds since 1970-01-01T00:00 local time) and the
/// instants they name, by the rule the library applies to RFC 3339 text without an offset: inside
/// a daylight-saving gap an error, in an overlap the earlier instant (the later with `later`, as
/// Python's `fold=1` asks). The package reads every naive time it is given this way.
class wall_clock {
 public:
  explicit wall_clock(const itsm::calendar& c) : zone_(c.zone()) {}

  itsm::result<std::int64_t> instant(std::int64_t local, bool later, const std::string& field) {
    // Away from every change of offset (a day's margin: offsets stay within a day) a wall time
    // names one instant: a period seen before answers without a search. Outside the supported
    // years (and a day beyond) to_instant gives the error.
    if (local >= lowest && local < beyond) {
      for (const auto& p : seen_) {
        const itsm::sys_seconds guess{seconds{local} - p.offset};
        if (guess >= p.begin + day && guess < p.end - day) return guess.time_since_epoch().count();
      }
    }
    const auto r = zone_.to_instant(itsm::local_seconds{seconds{local}}, field,
                                    later ? itsm::overlap_choice::later : itsm::overlap_choice::earlier);
    if (!r) return r.error_value();
    remember(zone_.period_at(*r));
    return r->time_since_epoch().count();
  }

  /// The reading of this clock at `instant`.
  std::int64_t local(std::int64_t instant) {
    const itsm::sys_seconds t{seconds{instant}};
    for (const auto& p : seen_) {
      if (p.contains(t)) return (t + p.offset).time_since_epoch().count();
    }
    const auto p = zone_.period_at(t);
    remember(p);
    return (t + p.offset).time_since_epoch().count();
  }

 private:
  using seconds = std::chrono::seconds;
  static constexpr seconds day{86400};
  static constexpr std::int64_t lowest = (itsm::first_supported_instant - day).time_since_epoch().count();
  static constexpr std::int64_t beyond = (itsm::end_of_supported_instants + day).time_since_epoch().count();

  void remember(const itsm::zone_period& p) {
    if (p.begin >= p.end) return;
    if (seen_.size() < max_seen) {
      seen_.push_back(p);
    } else {
      seen_[next_++ % max_seen] = p;
    }
  }

  itsm::time_zone zone_;
  // The periods of constant offset met so far (a bulk call's times fall in a few of them, each
  // a search in the zone database otherwise), replaced in turn once there are max_seen.
  static constexpr std::size_t max_seen = 16;
  std::vector<itsm::zone_period> seen_;
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
