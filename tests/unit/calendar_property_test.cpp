// Properties over random calendars and instants, and agreement with a deliberately naive
// minute-walking implementation kept here (it knows nothing of stretches or prefix sums, and
// does its own date arithmetic: none of the library's helpers).

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/calendar.hpp"

// Its own namespace: the unit tests compile in unity batches (cmake/ItsmUnity.cmake), where
// the helpers of two files would otherwise meet.
namespace calendar_property_test {

namespace {

using itsm::sys_seconds;
using std::chrono::seconds;

// Dates as the walker counts them: days since 1970-01-01 (a Thursday), proleptic Gregorian,
// by walking years and months one at a time.
namespace dates {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool leap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(std::int64_t year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return days[month - 1] + (month == 2 && leap(year) ? 1 : 0);
}

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  std::int64_t n = 0;
  for (std::int64_t y = 1970; y < year; ++y) n += leap(y) ? 366 : 365;
  for (std::int64_t y = year; y < 1970; ++y) n -= leap(y) ? 366 : 365;
  for (int m = 1; m < month; ++m) n += days_in_month(year, m);
  return n + day - 1;
}

/// Monday 0 .. Sunday 6.
int weekday_index(std::int64_t day) { return static_cast<int>(day - 7 * floor_div(day + 3, 7) + 3); }

/// The year holding `day`; `day` becomes its index in that year (0 for 1 January).
std::int64_t split_year(std::int64_t& day) {
  std::int64_t year = 1970;
  while (day < 0) day += leap(--year) ? 366 : 365;
  while (day >= (leap(year) ? 366 : 365)) day -= leap(year++) ? 366 : 365;
  return year;
}

std::string format_date(std::int64_t day) {
  const std::int64_t year = split_year(day);
  int month = 1;
  while (day >= days_in_month(year, month)) day -= days_in_month(year, month++);
  char text[48];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02lld", static_cast<long long>(year), month,
                static_cast<long long>(day + 1));
  return text;
}

}  // namespace dates

struct naive_interval {
  int open_min, close_min;  // close may exceed 1440 (overnight)
};

struct naive_calendar {
  int offset_min = 0;
  bool eu_dst = false;  // Europe/Berlin: offset_min is +60, and the EU's summer time applies
  std::vector<naive_interval> week[7];
  std::vector<std::int64_t> holidays;  // local days

  // The EU rule, in force since 1996, from its text: summer time (one hour more) from 01:00 UTC
  // on the last Sunday of March to 01:00 UTC on the last Sunday of October. The walker asks
  // minute by minute, so the bounds of the year last asked are kept.
  int offset_min_at(std::int64_t t) const {
    if (!eu_dst) return offset_min;
    if (t < summer_year_from || t >= summer_year_to) {
      std::int64_t day_in_year = dates::floor_div(t, 86400);
      const std::int64_t year = dates::split_year(day_in_year);
      auto last_sunday = [year](int month) {
        std::int64_t d = dates::days_from_civil(year, month, 31);
        while (dates::weekday_index(d) != 6) --d;
        return d;
      };
      summer_year_from = dates::days_from_civil(year, 1, 1) * 86400;
      summer_year_to = dates::days_from_civil(year + 1, 1, 1) * 86400;
      summer_from = last_sunday(3) * 86400 + 3600;
      summer_to = last_sunday(10) * 86400 + 3600;
    }
    return offset_min + (t >= summer_from && t < summer_to ? 60 : 0);
  }
  mutable std::int64_t summer_year_from = 0, summer_year_to = 0, summer_from = 0, summer_to = 0;

  const std::vector<naive_interval>& day(std::int64_t d) const {
    static const std::vector<naive_interval> none;
    for (auto h : holidays)
      if (h == d) return none;
    return week[dates::weekday_index(d)];
  }
  bool working_minute(std::int64_t t) const {  // t: epoch seconds, multiple of 60
    const std::int64_t local_min = dates::floor_div(t, 60) + offset_min_at(t);
    const std::int64_t d = dates::floor_div(local_min, 1440);
    for (std::int64_t dd = d - 1; dd <= d; ++dd) {
      const std::int64_t m = local_min - dd * 1440;
      for (const auto& iv : day(dd))
        if (m >= iv.open_min && m < iv.close_min) return true;
    }
    return false;
  }
  std::int64_t between(std::int64_t a, std::int64_t b) const {
    std::int64_t n = 0;
    for (std::int64_t t = a; t < b; t += 60) n += working_minute(t) ? 60 : 0;
    return n;
  }
  std::int64_t add(std::int64_t t, std::int64_t d) const {
    while (!working_minute(t)) t += 60;
    for (std::int64_t acc = 0; acc < d; t += 60) acc += working_minute(t) ? 60 : 0;
    return t;
  }

  std::string to_json() const {
    static const char* keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    auto hm = [](int m) {
      char b[8];
      std::snprintf(b, sizeof b, "%02d:%02d", (m / 60) % 24 + (m == 1440 ? 24 : 0), m % 60);
      return std::string(b);
    };
    char off[16];
    std::snprintf(off, sizeof off, "%c%02d:%02d", offset_min < 0 ? '-' : '+',
                  std::abs(offset_min) / 60, std::abs(offset_min) % 60);
    std::string j = std::string(R"({"timezone":")") + (eu_dst ? "Europe/Berlin" : off) + R"(","week":{)";
    for (int d = 0; d < 7; ++d) {
      j += std::string(d ? "," : "") + "\"" + keys[d] + "\":[";
      for (std::size_t i = 0; i < week[d].size(); ++i) {
        j += (i ? "," : "") + std::string("[\"") + hm(week[d][i].open_min) + "\",\"" +
             hm(week[d][i].close_min > 1440 ? week[d][i].close_min - 1440 : week[d][i].close_min) + "\"]";
      }
      j += "]";
    }
    j += R"(},"holidays":[)";
    for (std::size_t i = 0; i < holidays.size(); ++i)
      j += (i ? "," : "") + std::string("\"") + dates::format_date(holidays[i]) + "\"";
    return j + "]}";
  }
};

naive_calendar random_calendar(std::mt19937_64& rng,
                               std::int64_t holiday_base = dates::days_from_civil(2026, 1, 1),
                               int holiday_span = 120) {
  naive_calendar c;
  std::uniform_int_distribution<int> n_intervals(0, 3), offset(-12 * 4, 14 * 4);
  c.offset_min = offset(rng) * 15;
  for (auto& day : c.week) {
    const int n = n_intervals(rng);
    int cursor = 0;
    for (int i = 0; i < n && cursor < 1430; ++i) {
      std::uniform_int_distribution<int> open(cursor, 1430);
      const int o = open(rng);
      const bool overnight = i == n - 1 && (rng() % 4 == 0);
      std::uniform_int_distribution<int> len(1, overnight ? 1439 : std::max(1, 1440 - o));
      int close = o + len(rng);
      if (!overnight) close = std::min(close, 1440);
      if (close > 1440 && close - 1440 >= o) close = o + 1439;  // keep the close text before the open
      day.push_back({o, close});
      cursor = close;
    }
  }
  std::uniform_int_distribution<int> hday(0, holiday_span);
  for (int i = 0; i < 6; ++i) c.holidays.push_back(holiday_base + hday(rng));
  return c;
}

bool any_hours(const naive_calendar& c) {
  for (const auto& d : c.week)
    if (!d.empty()) return true;
  return false;
}

// Whether an interval opens or closes between 02:00 and 03:00, where the EU's changes fall: the
// manual maps such a window end to one instant (a gap's end, an overlap's earlier), which a
// walker asking "is this minute's wall time inside the window" does not model.
bool ends_in_change_hour(const naive_calendar& c) {
  for (const auto& d : c.week) {
    for (const auto& iv : d) {
      for (const int m : {iv.open_min % 1440, iv.close_min % 1440}) {
        if (m >= 120 && m < 180) return true;
      }
    }
  }
  return false;
}

}  // namespace

TEST_CASE("the naive walker counts dates right: known days", "[calendar][property]") {
  CHECK(dates::days_from_civil(1970, 1, 1) == 0);
  CHECK(dates::days_from_civil(2000, 3, 1) == 30 * 365 + 7 + 31 + 29);  // 7 leap days in 1972..1996
  CHECK(dates::days_from_civil(1969, 12, 31) == -1);
  CHECK(dates::weekday_index(0) == 3);                                    // a Thursday
  CHECK(dates::weekday_index(dates::days_from_civil(2026, 3, 2)) == 0);   // a Monday
  CHECK(dates::weekday_index(dates::days_from_civil(1969, 12, 28)) == 6); // a Sunday
  CHECK(dates::format_date(dates::days_from_civil(2024, 2, 29)) == "2024-02-29");
  CHECK(dates::format_date(dates::days_from_civil(2100, 3, 1) - 1) == "2100-02-28");  // not a leap year
  CHECK(dates::format_date(-1) == "1969-12-31");
  // Summer time from 01:00 UTC on the last Sunday of March to the last Sunday of October.
  naive_calendar berlin;
  berlin.offset_min = 60;
  berlin.eu_dst = true;
  for (const auto& [y, march, october] : {std::tuple{2026, 29, 25}, std::tuple{2039, 27, 30}, std::tuple{2398, 29, 25}}) {
    const std::int64_t begin = dates::days_from_civil(y, 3, march) * 86400 + 3600;
    const std::int64_t end = dates::days_from_civil(y, 10, october) * 86400 + 3600;
    CHECK(berlin.offset_min_at(begin - 1) == 60);
    CHECK(berlin.offset_min_at(begin) == 120);
    CHECK(berlin.offset_min_at(end - 1) == 120);
    CHECK(berlin.offset_min_at(end) == 60);
  }
}

TEST_CASE("random calendars agree with a naive minute walker", "[calendar][property]") {
  std::mt19937_64 rng(20261128);
  const std::int64_t t0 = dates::days_from_civil(2026, 1, 1) * 86400;
  std::uniform_int_distribution<std::int64_t> minute(0, 100 * 1440), budget(0, 6 * 1440);
  int checked = 0;
  for (int round = 0; round < 60; ++round) {
    const auto naive = random_calendar(rng);
    if (!any_hours(naive)) continue;
    const std::string json = naive.to_json();
    auto cal = itsm::calendar::from_json(json);
    INFO(json);
    REQUIRE(cal);
    for (int q = 0; q < 15; ++q) {
      const std::int64_t a = t0 + minute(rng) * 60, b = t0 + minute(rng) * 60;
      const std::int64_t lo = std::min(a, b), hi = std::max(a, b);
      if (hi - lo > 40LL * 86400) continue;
      const auto got = cal->between(sys_seconds{seconds{lo}}, sys_seconds{seconds{hi}});
      REQUIRE(got);
      CHECK(got->count() == naive.between(lo, hi));
      const std::int64_t d = budget(rng) * 60;
      const auto due = cal->add(sys_seconds{seconds{a}}, seconds{d});
      REQUIRE(due);
      CHECK(due->time_since_epoch().count() == naive.add(a, d));
      ++checked;
    }
  }
  CHECK(checked > 300);
}

TEST_CASE("random Berlin calendars past 2038 agree with a minute walker that knows the EU rule",
          "[calendar][property][zones]") {
  // Past the last transition written in the zone's file (2037): only its footer rule gives DST.
  std::mt19937_64 rng(2038);
  std::uniform_int_distribution<int> year(2039, 2398), near_change(0, 15 * 1440), span(0, 20 * 1440),
      budget(0, 3 * 1440);
  int checked = 0;
  for (int round = 0; round < 400 && checked < 300; ++round) {
    const int y = year(rng);
    auto naive = random_calendar(rng, dates::days_from_civil(y, 3, 15), 240);
    naive.offset_min = 60;
    naive.eu_dst = true;
    if (!any_hours(naive) || ends_in_change_hour(naive)) continue;
    const std::string json = naive.to_json();
    auto cal = itsm::calendar::from_json(json);
    INFO(json);
    REQUIRE(cal);
    for (int q = 0; q < 10; ++q) {
      // From up to 15 days before a change (2..5 weeks of working time spans it).
      const int month = q % 2 ? 10 : 3;
      const std::int64_t a = dates::days_from_civil(y, month, 15) * 86400 + near_change(rng) * 60LL;
      const std::int64_t b = a + span(rng) * 60LL;
      const auto got = cal->between(sys_seconds{seconds{a}}, sys_seconds{seconds{b}});
      REQUIRE(got);
      CHECK(got->count() == naive.between(a, b));
      const std::int64_t d = budget(rng) * 60LL;
      const auto due = cal->add(sys_seconds{seconds{a}}, seconds{d});
      REQUIRE(due);
      CHECK(due->time_since_epoch().count() == naive.add(a, d));
      ++checked;
    }
  }
  CHECK(checked >= 300);
}

TEST_CASE("add and between are inverse, monotonic and additive", "[calendar][property]") {
  std::mt19937_64 rng(7);
  const std::int64_t t0 = dates::days_from_civil(2025, 1, 1) * 86400;
  std::uniform_int_distribution<std::int64_t> instant(0, 3LL * 365 * 86400), budget(0, 200LL * 3600);
  // One DST zone with two shifts and holidays, and one random fixed-offset calendar.
  const char* berlin = R"({"timezone":"Europe/Berlin","week":{"mon":[["08:00","12:00"],["13:00","18:00"]],
      "tue":[["08:00","12:00"],["13:00","18:00"]],"wed":[["08:00","12:00"],["13:00","18:00"]],
      "thu":[["08:00","12:00"],["13:00","18:00"]],"fri":[["08:00","12:00"],["13:00","16:00"]],
      "sun":[["01:30","03:30"]]},"holidays":["--12-25",{"easter":1},{"month":5,"weekday":"mon","nth":-1}]})";
  auto cal = itsm::calendar::from_json(berlin);
  REQUIRE(cal);
  for (int i = 0; i < 400; ++i) {
    const sys_seconds t{seconds{t0 + instant(rng)}};
    const seconds d1{budget(rng)}, d2{budget(rng)};
    const auto u1 = cal->add(t, std::min(d1, d2)), u2 = cal->add(t, std::max(d1, d2));
    REQUIRE(u1);
    REQUIRE(u2);
    CHECK(*u1 <= *u2);                                        // monotonic in d
    CHECK(cal->between(t, *u1)->count() == std::min(d1, d2).count());  // inverse (close)
    const auto back = cal->add(*u2, -std::max(d1, d2));
    REQUIRE(back);
    CHECK(cal->between(*back, *u2)->count() == std::max(d1, d2).count());
    const sys_seconds a{seconds{t0 + instant(rng)}}, b{seconds{t0 + instant(rng)}},
        c{seconds{t0 + instant(rng)}};
    CHECK(cal->between(a, b)->count() + cal->between(b, c)->count() == cal->between(a, c)->count());
  }
}

TEST_CASE("one calendar shared by threads grows its compiled range safely", "[calendar][threads]") {
  // Each thread asks about instants centuries apart, so the lazily compiled range keeps growing
  // while the others read it; every answer must equal the one computed afterwards on one thread.
  auto cal = itsm::calendar::from_json(
      R"({"timezone":"America/New_York","week":{"mon":[["09:00","17:00"]],"wed":[["22:00","06:00"]]},
          "holidays":[{"month":11,"weekday":"thu","nth":4},{"easter":-2}]})");
  REQUIRE(cal);
  constexpr int threads = 4, per_thread = 300;
  std::vector<std::vector<std::int64_t>> starts(threads), answers(threads);
  for (int t = 0; t < threads; ++t) {
    std::mt19937_64 rng(static_cast<unsigned>(t));
    std::uniform_int_distribution<std::int64_t> when(-2000000000LL, 12000000000LL);
    for (int i = 0; i < per_thread; ++i) starts[t].push_back(when(rng));
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (auto s : starts[t]) {
        auto r = cal->add(sys_seconds{seconds{s}}, seconds{36000});
        answers[t].push_back(r ? r->time_since_epoch().count() : -1);
      }
    });
  }
  for (auto& th : pool) th.join();
  auto fresh = itsm::calendar::from_json(cal->to_json());
  REQUIRE(fresh);
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      auto r = fresh->add(sys_seconds{seconds{starts[t][i]}}, seconds{36000});
      REQUIRE(r);
      CHECK(answers[t][i] == r->time_since_epoch().count());
    }
  }
}

namespace {

// --- add_working_days against a naive day walker ---------------------------------------------
// The walker steps through dates one at a time with its own Gregorian arithmetic (month lengths,
// leap years, a weekday that turns with each step) and knows nothing of the library's date
// helpers, segments or day tables.

struct walked_date {
  int year, month, day;
  int weekday;              // 0 = Monday
  std::int64_t epoch_day;   // days since 1970-01-01, counted by the steps
};

bool operator<(const walked_date& a, const walked_date& b) {
  return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
}

int month_length(int year, int month) {
  static const int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : lengths[month - 1];
}

/// Every date from 1 January 1940 to 31 December 2160, walked from 1 January 2000: a Saturday,
/// and epoch day 10957 (30 years of 365 days and the leap days of 1972..1996 after 1970-01-01).
const std::vector<walked_date>& walked_dates() {
  static const std::vector<walked_date> dates = [] {
    std::vector<walked_date> out;
    walked_date d{2000, 1, 1, 5, 10957};
    // Walk back to 1940-01-01 first, then forward to the end.
    while (d.year > 1940 || d.month > 1 || d.day > 1) {
      if (--d.day == 0) {
        if (--d.month == 0) {
          d.month = 12;
          --d.year;
        }
        d.day = month_length(d.year, d.month);
      }
      d.weekday = (d.weekday + 6) % 7;
      --d.epoch_day;
    }
    while (d.year <= 2160) {
      out.push_back(d);
      if (++d.day > month_length(d.year, d.month)) {
        d.day = 1;
        if (++d.month > 12) {
          d.month = 1;
          ++d.year;
        }
      }
      d.weekday = (d.weekday + 1) % 7;
      ++d.epoch_day;
    }
    return out;
  }();
  return dates;
}

std::string date_text(const walked_date& d) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", d.year, d.month, d.day);
  return b;
}

/// A random calendar of whole days: working weekdays 08:00-17:00, holidays as dates, yearly
/// dates and ranges, overrides that close a day or open it 09:00-12:00. A wall time of 10:00
/// is inside every working day's hours, so add_working_days answers exactly that time.
struct day_calendar {
  int offset_min = 0;
  bool weekday_works[7] = {};
  std::vector<std::size_t> dates;                             // indexes into walked_dates()
  std::vector<std::pair<int, int>> yearly;                    // (month, day)
  std::vector<std::pair<std::size_t, std::size_t>> ranges;    // inclusive indexes
  std::vector<std::pair<std::size_t, bool>> overrides;        // index (each once), opens the day

  bool holiday(std::size_t i) const {
    const auto& d = walked_dates()[i];
    for (auto h : dates)
      if (h == i) return true;
    for (const auto& y : yearly)
      if (y.first == d.month && y.second == d.day) return true;
    for (const auto& r : ranges)
      if (!(d < walked_dates()[r.first]) && !(walked_dates()[r.second] < d)) return true;
    return false;
  }
  bool working(std::size_t i) const {
    for (const auto& o : overrides)
      if (o.first == i) return o.second;
    return !holiday(i) && weekday_works[walked_dates()[i].weekday];
  }
  /// The naive answer: step day by day, skipping closed days.
  std::size_t add_working_days(std::size_t i, std::int64_t n) const {
    const std::ptrdiff_t step = n < 0 ? -1 : 1;
    const auto next = [&](std::size_t k) { return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(k) + step); };
    while (!working(i)) i = next(i);
    for (std::int64_t k = 0; k < (n < 0 ? -n : n); ++k) {
      i = next(i);
      while (!working(i)) i = next(i);
    }
    return i;
  }

  std::string to_json() const {
    static const char* keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    char off[16];
    std::snprintf(off, sizeof off, "%c%02d:%02d", offset_min < 0 ? '-' : '+', std::abs(offset_min) / 60,
                  std::abs(offset_min) % 60);
    std::string j = std::string(R"({"timezone":")") + off + R"(","week":{)";
    bool first = true;
    for (int d = 0; d < 7; ++d) {
      if (!weekday_works[d]) continue;
      j += std::string(first ? "" : ",") + "\"" + keys[d] + R"(":[["08:00","17:00"]])";
      first = false;
    }
    j += R"(},"holidays":[)";
    first = true;
    const auto sep = [&] {
      const char* s = first ? "" : ",";
      first = false;
      return std::string(s);
    };
    for (auto i : dates) j += sep() + "\"" + date_text(walked_dates()[i]) + "\"";
    for (const auto& y : yearly) {
      char b[16];
      std::snprintf(b, sizeof b, "--%02d-%02d", y.first, y.second);
      j += sep() + "\"" + b + "\"";
    }
    for (const auto& r : ranges) {
      j += sep() + R"({"from":")" + date_text(walked_dates()[r.first]) + R"(","to":")" +
           date_text(walked_dates()[r.second]) + R"(","name":"range"})";
    }
    j += R"(],"overrides":{)";
    first = true;
    for (const auto& o : overrides)
      j += sep() + "\"" + date_text(walked_dates()[o.first]) + "\":" + (o.second ? R"([["09:00","12:00"]])" : "[]");
    return j + "}}";
  }
};

}  // namespace

TEST_CASE("add_working_days agrees with a naive day walker", "[calendar][property][days]") {
  std::mt19937_64 rng(18);
  const auto& dates = walked_dates();
  // Starts in 2000..2100, 60 years from either end of the walked dates.
  std::size_t first_start = 0;
  while (dates[first_start].year < 2000) ++first_start;
  std::size_t last_start = first_start;
  while (dates[last_start].year < 2100) ++last_start;
  std::uniform_int_distribution<std::size_t> start(first_start, last_start), near(first_start - 400, last_start + 400);
  std::uniform_int_distribution<int> offset(-12 * 4, 14 * 4), month(1, 12), range_len(0, 20), small(-400, 400);
  int checked = 0;
  for (int round = 0; round < 40; ++round) {
    day_calendar c;
    c.offset_min = offset(rng) * 15;
    int working_weekdays = 0;
    for (auto& works : c.weekday_works) {
      works = rng() % 5 < 3;
      working_weekdays += works ? 1 : 0;
    }
    if (working_weekdays == 0) {
      c.weekday_works[rng() % 7] = true;
      working_weekdays = 1;
    }
    for (int i = 0; i < 8; ++i) c.dates.push_back(near(rng));
    for (int i = 0; i < 3; ++i) {
      const int m = month(rng);
      std::uniform_int_distribution<int> mday(1, month_length(2000, m));  // 29 February too
      c.yearly.emplace_back(m, mday(rng));
    }
    for (int i = 0; i < 6; ++i) {
      const std::size_t from = near(rng);
      c.ranges.emplace_back(from, from + static_cast<std::size_t>(range_len(rng)));
    }
    while (c.overrides.size() < 8) {
      const std::size_t day = near(rng);
      bool taken = false;
      for (const auto& o : c.overrides) taken = taken || o.first == day;
      if (!taken) c.overrides.emplace_back(day, rng() % 2 == 0);
    }

    const std::string json = c.to_json();
    INFO(json);
    auto cal = itsm::calendar::from_json(json);
    REQUIRE(cal);
    // One calendar for all the round's queries, asked in random order, so that its compiled
    // ranges grow both ways, by small steps and by jumps.
    const std::int64_t limit = 45LL * 52 * working_weekdays;  // at most about 45 years away
    std::uniform_int_distribution<std::int64_t> big(-limit, limit);
    for (int q = 0; q < 30; ++q) {
      const std::size_t s = start(rng);
      const std::int64_t n = q % 5 == 4 ? big(rng) : small(rng);
      const std::size_t expected = c.add_working_days(s, n);
      const std::int64_t wall_10h = 10 * 3600 - c.offset_min * 60;  // 10:00 local, in UTC seconds of the day
      const itsm::sys_seconds t{seconds{dates[s].epoch_day * 86400 + wall_10h}};
      const auto got = cal->add_working_days(t, static_cast<int>(n));
      INFO("start " << date_text(dates[s]) << ", n = " << n << ", expected " << date_text(dates[expected]));
      REQUIRE(got);
      CHECK(got->time_since_epoch().count() == dates[expected].epoch_day * 86400 + wall_10h);
      ++checked;
    }
    // holidays(year) lists every holiday date of the year, ranges included (overrides are not
    // holidays).
    for (int q = 0; q < 3; ++q) {
      const int year = dates[start(rng)].year;
      std::vector<std::string> expected;
      for (std::size_t i = 0; i < dates.size(); ++i)
        if (dates[i].year == year && c.holiday(i)) expected.push_back(date_text(dates[i]));
      const auto listed = cal->holidays(year);
      REQUIRE(listed);
      std::vector<std::string> got;
      for (const auto& d : *listed) got.push_back(d.to_string());
      CHECK(got == expected);
    }
  }
  CHECK(checked == 40 * 30);
}

}  // namespace calendar_property_test
