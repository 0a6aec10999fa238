// Business-time arithmetic: add and between over spans from a day to ten years on a calendar
// with two shifts, national holidays and a DST zone; add_working_days over up to a century;
// calendar compilation; the C ABI's cost.

#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "itsm/calendar.hpp"
#include "itsm/itsm.h"
#include "paired.hpp"

namespace {

const char* calendar_json = R"({
  "timezone": "Europe/Berlin",
  "week": {"mon": [["08:00","12:00"],["13:00","18:00"]], "tue": [["08:00","12:00"],["13:00","18:00"]],
           "wed": [["08:00","12:00"],["13:00","18:00"]], "thu": [["08:00","12:00"],["13:00","18:00"]],
           "fri": [["08:00","12:00"],["13:00","16:00"]]},
  "holidays": ["--01-01", {"easter": -2}, {"easter": 1}, "--05-01", {"easter": 39}, {"easter": 50},
               "--10-03", "--12-25", "--12-26"]
})";

using itsm::sys_seconds;
using std::chrono::seconds;

constexpr std::int64_t start_2026 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::int64_t day = 86400;

// The years every benchmark's calendar is compiled over, so that the calls measure the steady
// state.
constexpr std::int64_t compiled_from = start_2026 - 400 * day;
constexpr std::int64_t compiled_to = start_2026 + 4400 * day;

const itsm::calendar& shared_calendar() {
  static const itsm::calendar cal = [] {
    auto c = itsm::calendar::from_json(calendar_json).value();
    (void)c.precompile(sys_seconds{seconds{compiled_from}}, sys_seconds{seconds{compiled_to}});
    return c;
  }();
  return cal;
}

// The C ABI has no precompile, so its benchmarks compile their calendar by a span query over
// the same years; the C++ calls they are compared with get their calendar the same way, so that
// nothing but the call differs.

/// The calendar loaded through the C ABI and compiled by a span query; nullptr when loading fails.
itsm_calendar* loaded_c_calendar() {
  itsm_calendar* cal = nullptr;
  if (itsm_calendar_from_json(&cal, calendar_json, std::strlen(calendar_json)) != ITSM_OK) return nullptr;
  std::int64_t ignored = 0;
  (void)itsm_calendar_between(cal, compiled_from, compiled_to, &ignored);
  return cal;
}

/// The same calendar loaded and compiled as loaded_c_calendar() does, in C++.
itsm::calendar loaded_calendar() {
  auto cal = itsm::calendar::from_json(calendar_json).value();
  (void)cal.between(sys_seconds{seconds{compiled_from}}, sys_seconds{seconds{compiled_to}});
  return cal;
}

std::vector<std::int64_t> random_starts(std::size_t n) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> dist(0, 365 * day);
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = start_2026 + dist(rng);
  return v;
}

// Budgets that cover a span of about arg days of the calendar (about 40 working h a week).
std::int64_t budget_for_days(std::int64_t days) { return days * 40 * 3600 / 7; }

/// calendar::add from random starts in 2026 with the budget for state.range(0) days.
void run_adds(benchmark::State& state, const itsm::calendar& cal) {
  const auto starts = random_starts(1024);
  const seconds budget{budget_for_days(state.range(0))};
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = cal.add(sys_seconds{seconds{starts[i++ & 1023]}}, budget);
    benchmark::DoNotOptimize(r);
  }
}

void BM_add(benchmark::State& state) { run_adds(state, shared_calendar()); }
BENCHMARK(BM_add)->Arg(1)->Arg(90)->Arg(365)->Arg(3650)->ArgName("span_days");

void BM_between(benchmark::State& state) {
  const auto& cal = shared_calendar();
  const auto starts = random_starts(1024);
  const std::int64_t span = state.range(0) * day;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::int64_t a = starts[i++ & 1023];
    auto r = cal.between(sys_seconds{seconds{a}}, sys_seconds{seconds{a + span}});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_between)->Arg(1)->Arg(90)->Arg(365)->Arg(3650)->ArgName("span_days");

void BM_compile_10_years(benchmark::State& state) {
  for (auto _ : state) {
    auto cal = itsm::calendar::from_json(calendar_json).value();
    auto ok = cal.precompile(sys_seconds{seconds{start_2026}}, sys_seconds{seconds{start_2026 + 3652 * day}});
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_compile_10_years)->Unit(benchmark::kMicrosecond);

// add_working_days across up to a century (issue 18: 20,000 working days took gigabytes when
// every step past the compiled days rebuilt them). This calendar has about 253 working days a
// year, so 25,300 reach from 2026 to 2125. Cold: each call on a freshly loaded calendar, so it
// loads the JSON, counts a century of days and compiles the instants around the answer; warm:
// the same calendar asked again.
constexpr std::int64_t working_days_per_year = 253;
// 10:00 in Berlin on New Year's Day, a holiday: the count starts on Friday 2 January.
const sys_seconds working_days_start{seconds{start_2026 + 9 * 3600}};

void BM_add_working_days_cold(benchmark::State& state) {
  const auto days = static_cast<int>(state.range(0) * working_days_per_year);
  for (auto _ : state) {
    auto cal = itsm::calendar::from_json(calendar_json).value();
    auto r = cal.add_working_days(working_days_start, days);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_add_working_days_cold)->Arg(1)->Arg(10)->Arg(100)->ArgName("years")->Unit(benchmark::kMicrosecond);

void BM_add_working_days_warm(benchmark::State& state) {
  const auto days = static_cast<int>(state.range(0) * working_days_per_year);
  const auto cal = itsm::calendar::from_json(calendar_json).value();
  (void)cal.add_working_days(working_days_start, days);
  for (auto _ : state) {
    auto r = cal.add_working_days(working_days_start, days);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_add_working_days_warm)->Arg(1)->Arg(10)->Arg(100)->ArgName("years");

// The C ABI's twin: the same C++ call on a calendar made as BM_c_abi_add makes its own.
void BM_add_as_c_abi(benchmark::State& state) { run_adds(state, loaded_calendar()); }
BENCHMARK(BM_add_as_c_abi)->Arg(1)->Arg(90)->ArgName("span_days");

void BM_c_abi_add(benchmark::State& state) {
  itsm_calendar* cal = loaded_c_calendar();
  if (!cal) {
    state.SkipWithError(itsm_error_last()->message);
    return;
  }
  const auto starts = random_starts(1024);
  const std::int64_t budget = budget_for_days(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    std::int64_t out = 0;
    benchmark::DoNotOptimize(itsm_calendar_add(cal, starts[i++ & 1023], budget, &out));
    benchmark::DoNotOptimize(out);
  }
  itsm_calendar_free(cal);
}
BENCHMARK(BM_c_abi_add)->Arg(1)->Arg(90)->ArgName("span_days");

// The C ABI's add and the C++ call paired (paired.hpp): blocks of 256 calls alternate between
// them, each on its own calendar (loaded_c_calendar, loaded_calendar), with the same starts and
// budget. `ratio` is itsm_calendar_add's time over calendar::add's, the number the C ABI's 10 %
// target is about.
void BM_c_abi_add_paired(benchmark::State& state) {
  itsm_calendar* c_cal = loaded_c_calendar();
  if (!c_cal) {
    state.SkipWithError(itsm_error_last()->message);
    return;
  }
  const auto cpp_cal = loaded_calendar();
  const auto starts = random_starts(1024);
  const std::int64_t budget = budget_for_days(state.range(0));
  constexpr std::size_t block = 256;
  std::size_t c_next = 0, cpp_next = 0;
  itsm_bench::run_paired(
      state, block, "c_abi",
      [&] {
        for (std::size_t k = 0; k < block; ++k) {
          std::int64_t out = 0;
          benchmark::DoNotOptimize(itsm_calendar_add(c_cal, starts[c_next++ & 1023], budget, &out));
          benchmark::DoNotOptimize(out);
        }
      },
      "cpp",
      [&] {
        for (std::size_t k = 0; k < block; ++k) {
          auto r = cpp_cal.add(sys_seconds{seconds{starts[cpp_next++ & 1023]}}, seconds{budget});
          benchmark::DoNotOptimize(r);
        }
      });
  itsm_calendar_free(c_cal);
}
BENCHMARK(BM_c_abi_add_paired)->Arg(1)->Arg(90)->ArgName("span_days");

}  // namespace

BENCHMARK_MAIN();
