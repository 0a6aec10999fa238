#pragma once
// Paired timing of two ways to do the same work, for "the C ABI next to the C++ call".
//
// Two separate benchmarks are timed seconds apart, and this shared VM's speed drifts by 10-20 %
// over seconds, which is more than the difference they are meant to show. Here the two run in
// alternating blocks a few microseconds long, the order swapping every round, so that a slow
// spell falls on both alike; the ratio of their total times is what to compare.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <string>

namespace itsm_bench {

/// Times `first_block` and `second_block` (each a callable doing `calls_per_block` calls) in
/// alternation for as many rounds as the benchmark runs, and reports `<first>_ns` and
/// `<second>_ns` (per call) and `ratio` (first over second) as counters.
template <class First, class Second>
void run_paired(benchmark::State& state, std::size_t calls_per_block, const std::string& first_name,
                First&& first_block, const std::string& second_name, Second&& second_block) {
  using clock = std::chrono::steady_clock;
  clock::duration first_time{}, second_time{};
  bool first_leads = true;
  for (auto _ : state) {
    const auto t0 = clock::now();
    if (first_leads) {
      first_block();
    } else {
      second_block();
    }
    const auto t1 = clock::now();
    if (first_leads) {
      second_block();
    } else {
      first_block();
    }
    const auto t2 = clock::now();
    (first_leads ? first_time : second_time) += t1 - t0;
    (first_leads ? second_time : first_time) += t2 - t1;
    first_leads = !first_leads;
  }
  const double calls = static_cast<double>(state.iterations()) * static_cast<double>(calls_per_block);
  const auto ns = [](clock::duration d) { return static_cast<double>(std::chrono::nanoseconds(d).count()); };
  state.counters[first_name + "_ns"] = ns(first_time) / calls;
  state.counters[second_name + "_ns"] = ns(second_time) / calls;
  state.counters["ratio"] = ns(first_time) / ns(second_time);
  state.SetItemsProcessed(static_cast<std::int64_t>(2 * calls));
}

}  // namespace itsm_bench
