// Properties over random calendars and instants, and agreement with a deliberately naive
// minute-walking implementation kept here (it knows nothing of stretches or prefix sums, and
// does its own date arithmetic: none of the library's helpers).

#include <cstdio>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "itsm/calendar.hpp"

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

std::string format_date(std::int64_t day) {
  std::int64_t year = 1970;
  while (day < 0) day += leap(--year) ? 366 : 365;
  while (day >= (leap(year) ? 366 : 365)) day -= leap(year++) ? 366 : 365;
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
  std::vector<naive_interval> week[7];
  std::vector<std::int64_t> holidays;  // local days

  const std::vector<naive_interval>& day(std::int64_t d) const {
    static const std::vector<naive_interval> none;
    for (auto h : holidays)
      if (h == d) return none;
    return week[dates::weekday_index(d)];
  }
  bool working_minute(std::int64_t t) const {  // t: epoch seconds, multiple of 60
    const std::int64_t local_min = dates::floor_div(t, 60) + offset_min;
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
    std::string j = std::string(R"({"timezone":")") + off + R"(","week":{)";
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

naive_calendar random_calendar(std::mt19937_64& rng) {
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
  std::uniform_int_distribution<int> hday(0, 120);
  const std::int64_t base = dates::days_from_civil(2026, 1, 1);
  for (int i = 0; i < 6; ++i) c.holidays.push_back(base + hday(rng));
  return c;
}

bool any_hours(const naive_calendar& c) {
  for (const auto& d : c.week)
    if (!d.empty()) return true;
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
