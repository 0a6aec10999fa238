#pragma once
/// \file
/// Time zones: the offset a zone has at an instant, the instants a wall time names there, and an
/// instant as text with the zone's offset.
///
/// A `time_zone` is the zone a calendar names (docs/calendars.md, "Time"): an IANA zone from the
/// system database (its historical rules, and past the last change its file writes the file's
/// footer rule, to the end of the supported years: "Time zones after their last written
/// transition"), `UTC`, or a fixed offset such as `+05:30`. It reads wall times as calendars do:
/// one inside a daylight-saving gap names no instant (a `nonexistent_time` error), one in an
/// overlap names two, and means the earlier unless asked for the later.
///
/// A `time_zone` is a small value, cheap to copy and safe to use from many threads at once (it
/// refers to the database's zone, which lives as long as the process).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "itsm/detail/zone.hpp"
#include "itsm/error.hpp"
#include "itsm/time.hpp"

namespace itsm {
inline namespace v1 {

class calendar;

/// A stretch of the timeline, [begin, end), over which a zone's offset does not change: between
/// two consecutive changes of an IANA zone. A fixed offset's one period reaches far beyond the
/// supported years either way. Callers converting many times keep the periods they met: an instant
/// inside one has its offset without a look-up.
struct zone_period {
  sys_seconds begin;            ///< the first instant with this offset (the change that set it)
  sys_seconds end;              ///< the first instant after it (the next change)
  std::chrono::seconds offset;  ///< east of UTC: local = instant + offset

  constexpr bool contains(sys_seconds t) const noexcept { return begin <= t && t < end; }
};

/// The instants a wall time names in a zone.
struct local_mapping {
  enum kind_t {
    unique,   ///< one instant: `first` (== `second`)
    gap,      ///< none: the clocks jumped over it; `first` (== `second`) is the end of the gap
    overlap,  ///< two: the clocks went back over it; `first` the earlier, `second` the later
  };
  kind_t kind = unique;
  sys_seconds first;
  sys_seconds second;
};

/// Which instant a wall time in an overlap means: the earlier (the library's rule for wall times,
/// docs/calendars.md "Time"), or the later (as Python's `fold=1` asks).
enum class overlap_choice { earlier, later };

class time_zone {
 public:
  /// UTC.
  time_zone() = default;

  /// The zone `name` names: an IANA name (`Europe/Berlin`), `UTC` (or an alias: `Etc/UTC`, `Z`,
  /// `GMT`, ...) or a fixed offset `+HH:MM` / `-HH:MM` (also `+HHMM`, `+HH`; at most 18:00), the
  /// spellings a calendar's `timezone` takes. A name the system database does not know is
  /// `unknown_zone`, a malformed offset `invalid_argument`; either message names `field` and the
  /// value.
  static result<time_zone> locate(std::string_view name, const std::string& field = "timezone") {
    return detail::capture<time_zone>([&] { return time_zone(detail::zone::from_name(name, field)); });
  }

  /// The name as given to `locate` (`UTC` for a default-constructed zone).
  const std::string& name() const noexcept { return zone_.name(); }

  /// True for UTC and fixed offsets: one offset for ever, no gaps, no overlaps.
  bool is_fixed() const noexcept { return zone_.is_fixed(); }

  /// The offset from UTC in force at `t` (east positive).
  std::chrono::seconds offset_at(sys_seconds t) const {
    return std::chrono::seconds{zone_.offset_at(t.time_since_epoch().count())};
  }

  /// The period of constant offset that holds `t`.
  zone_period period_at(sys_seconds t) const {
    const detail::zone_period p = zone_.period_at(t.time_since_epoch().count());
    return {sys_seconds{std::chrono::seconds{p.begin}}, sys_seconds{std::chrono::seconds{p.end}},
            std::chrono::seconds{p.offset}};
  }

  /// The instants `wall` names here: one, none (a gap) or two (an overlap). A wall time more than
  /// a day outside the supported instants is `out_of_range`, naming `field`.
  result<local_mapping> map(local_seconds wall, const std::string& field = "time") const {
    const std::int64_t local = wall.time_since_epoch().count();
    if (local < wall_lo || local >= wall_hi) return out_of_range(local, field);
    const detail::local_mapping m = zone_.resolve(local);
    return local_mapping{static_cast<local_mapping::kind_t>(m.kind), sys_seconds{std::chrono::seconds{m.first}},
                         sys_seconds{std::chrono::seconds{m.second}}};
  }

  /// The instant `wall` means here, by the rule a calendar applies to a time without an offset:
  /// in an overlap the earlier instant (the later with `overlap_choice::later`); inside a gap a
  /// `nonexistent_time` error (`start: wall time '2026-03-29T02:30:00' does not exist in
  /// Europe/Berlin (it falls in a daylight-saving gap)`); more than a day outside the supported
  /// instants an `out_of_range` error. Within that day the instant may still lie outside them:
  /// each call given it checks it (no zone's offset reaches a day, so none is refused here that a
  /// zone could place inside them). Errors name `field`.
  result<sys_seconds> to_instant(local_seconds wall, const std::string& field = "time",
                                 overlap_choice choice = overlap_choice::earlier) const {
    const std::int64_t local = wall.time_since_epoch().count();
    if (local < wall_lo || local >= wall_hi) return out_of_range(local, field);
    const detail::local_mapping m = zone_.resolve(local);
    if (m.kind == detail::local_mapping::gap) {
      return error{errc::nonexistent_time, field + ": wall time '" + describe_wall(local) + "' does not exist in " +
                                               name() + " (it falls in a daylight-saving gap)"};
    }
    return sys_seconds{std::chrono::seconds{choice == overlap_choice::later ? m.second : m.first}};
  }

  /// `t` as RFC 3339 text with this zone's offset at `t` (`2026-03-30T10:00:00+02:00`), as a
  /// calendar prints its answers.
  std::string format(sys_seconds t) const {
    const std::int64_t v = t.time_since_epoch().count();
    return detail::format_with_offset(v, zone_.offset_at(v));
  }

 private:
  friend class calendar;

  explicit time_zone(detail::zone z) : zone_(std::move(z)) {}

  // The wall times to_instant places: a day either side of the supported instants, since no
  // zone's offset reaches a day.
  static constexpr std::int64_t wall_lo =
      first_supported_instant.time_since_epoch().count() - detail::seconds_per_day;
  static constexpr std::int64_t wall_hi =
      end_of_supported_instants.time_since_epoch().count() + detail::seconds_per_day;

  static error out_of_range(std::int64_t local, const std::string& field) {
    return {errc::out_of_range, field + ": wall time " + describe_wall(local) + " is outside the supported years " +
                                    std::to_string(min_supported_year) + ".." + std::to_string(max_supported_year)};
  }

  // A wall time as text; far outside the supported years the seconds themselves (a date would
  // not say more, and date's day count would overflow).
  static std::string describe_wall(std::int64_t local) {
    constexpr std::int64_t readable = 300'000LL * 365 * detail::seconds_per_day;
    if (local < -readable || local > readable) return std::to_string(local) + " s after 1970-01-01T00:00";
    return detail::format_with_offset(local, 0).substr(0, 19);
  }

  detail::zone zone_;
};

}  // namespace v1
}  // namespace itsm
