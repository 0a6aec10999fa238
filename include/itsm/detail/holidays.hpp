#pragma once
// Holiday rules, evaluated with Boost.Date_Time's date generators.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include "itsm/detail/civil.hpp"

namespace itsm {
inline namespace v1 {
namespace detail {

/// The most days one holiday range may span, both ends included: a year, leap day and all. A
/// longer range is far likelier a mistyped year than a closure, and is refused.
inline constexpr std::int64_t max_holiday_range_days = 366;

/// One entry of a calendar's `holidays` list.
struct holiday_rule {
  enum kind_t { fixed_date, yearly, nth_weekday, easter, date_range } kind = fixed_date;
  std::int64_t day = 0;  ///< fixed_date: days since the epoch; date_range: its first day
  std::int64_t last_day = 0;  ///< date_range: its last day (included)
  int month = 0;         ///< yearly, nth_weekday
  int day_of_month = 0;  ///< yearly
  int weekday = 0;       ///< nth_weekday: 0 = Monday .. 6 = Sunday
  int nth = 0;           ///< nth_weekday: 1..5, or -1 for the last
  int easter_offset = 0; ///< easter: days after Western Easter Sunday
  bool observed = false; ///< a Saturday also closes the Friday before, a Sunday the Monday after
  std::string name;
};

inline std::int64_t to_days(const boost::gregorian::date& d) {
  static const boost::gregorian::date epoch(1970, 1, 1);
  return (d - epoch).days();
}

/// Western (Gregorian) Easter Sunday of `year` (the anonymous Gregorian algorithm, Meeus).
inline std::int64_t easter_sunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

/// The date a rule falls on in `year`, or nothing (Feb 29 in a common year, a fifth Monday
/// that the month lacks, a fixed date of another year, a range: that is many dates).
inline bool rule_date_in_year(const holiday_rule& r, int year, std::int64_t& out) {
  using namespace boost::gregorian;
  const auto boost_weekday = [](int iso0) {  // our 0 = Monday; Boost's 0 = Sunday
    return greg_weekday(static_cast<unsigned short>((iso0 + 1) % 7));
  };
  switch (r.kind) {
    case holiday_rule::fixed_date: {
      const auto ymd = civil_from_days(r.day);
      if (int(ymd.year()) != year) return false;
      out = r.day;
      return true;
    }
    case holiday_rule::yearly: {
      const ::date::year_month_day ymd{::date::year{year}, ::date::month{unsigned(r.month)},
                                     ::date::day{unsigned(r.day_of_month)}};
      if (!ymd.ok()) return false;
      out = ::date::sys_days{ymd}.time_since_epoch().count();
      return true;
    }
    case holiday_rule::nth_weekday: {
      const auto month = static_cast<unsigned short>(r.month);
      const auto y = static_cast<unsigned short>(year);
      if (r.nth == -1) {
        out = to_days(last_day_of_the_week_in_month(boost_weekday(r.weekday), month).get_date(y));
        return true;
      }
      // Boost's "fifth" means "last"; a month without a fifth such weekday has no holiday.
      const auto first = first_day_of_the_week_in_month(boost_weekday(r.weekday), month).get_date(y);
      const auto d = first + days(7 * (r.nth - 1));
      if (d.month() != month) return false;
      out = to_days(d);
      return true;
    }
    case holiday_rule::easter:
      out = easter_sunday(year) + r.easter_offset;
      return true;
    case holiday_rule::date_range:
      return false;  // many dates: holidays_between places them
  }
  return false;
}

/// Every holiday date in [first, last], sorted and unique, observed days included (also those
/// that a rule of a year outside the span pushes into it). Dated rules are placed once each and
/// only the yearly ones are evaluated year by year, so a span of centuries costs what its years
/// and rules do, not their product.
inline std::vector<std::int64_t> holidays_between(const std::vector<holiday_rule>& rules,
                                                  std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  if (last < first) return out;
  const auto add_with_observed = [&](const holiday_rule& r, std::int64_t d) {
    if (d >= first && d <= last) out.push_back(d);
    if (!r.observed) return;
    const int wd = weekday_index(d);
    const std::int64_t extra = wd == 5 ? d - 1 : (wd == 6 ? d + 1 : d);
    if (extra != d && extra >= first && extra <= last) out.push_back(extra);
  };
  const int first_year = int(civil_from_days(first).year());
  const int last_year = int(civil_from_days(last).year());
  for (const auto& r : rules) {
    switch (r.kind) {
      case holiday_rule::fixed_date:
        add_with_observed(r, r.day);
        break;
      case holiday_rule::date_range:
        for (std::int64_t d = std::max(r.day, first); d <= std::min(r.last_day, last); ++d)
          out.push_back(d);
        break;
      case holiday_rule::yearly:
      case holiday_rule::nth_weekday:
      case holiday_rule::easter:
        // A year either side too: an observed day crosses a year end.
        for (int y = first_year - 1; y <= last_year + 1; ++y) {
          std::int64_t d = 0;
          if (rule_date_in_year(r, y, d)) add_with_observed(r, d);
        }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// Every holiday date of `year`, sorted and unique, observed days included.
inline std::vector<std::int64_t> holidays_in_year(const std::vector<holiday_rule>& rules, int year) {
  return holidays_between(rules, days_from_civil(year, 1, 1), days_from_civil(year, 12, 31));
}

}  // namespace detail
}  // namespace v1
}  // namespace itsm
