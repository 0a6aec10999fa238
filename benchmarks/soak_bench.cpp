// Soak: a service desk of `tickets` open incidents on one shared definition, driven through
// `events` events round robin. Each incident lives the same life (start, hold for the caller,
// start again, resolve, close: five events after its creation, which counts as one), and a
// closed incident is replaced by a new one, as on a real desk. So the live data stays the same
// size, and the resident memory must level off: counters report RSS after the first round and
// at the end, the largest growth over the second half, and RSS once everything is freed.
//
//   build/bench/benchmarks/itsm_soak_bench --benchmark_filter=soak/1000000/10000000
//
// A small size (soak/1000/20000) runs under valgrind in the test suite: no leak, no bad access.
#include <benchmark/benchmark.h>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "itsm/itsm.hpp"

namespace {

double resident_mib() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// Google Benchmark reports SkipWithError and still exits 0: main() returns 1 when a soak failed,
// so its ctest entry (under valgrind) fails too.
bool soak_failed = false;

itsm::sys_seconds at(std::int64_t seconds) { return itsm::sys_seconds{std::chrono::seconds{1772445600 + seconds}}; }

void BM_soak(benchmark::State& state) {
  const auto n_tickets = static_cast<std::size_t>(state.range(0));
  const auto n_events = static_cast<std::size_t>(state.range(1));
  const auto wf = itsm::builtin_workflow("incident").value();
  const itsm::actor caller{"carol", {"caller"}};
  const itsm::actor desk{"sam", {"service_desk"}};
  const nlohmann::json created_fields = {{"short_description", "VPN drops"}, {"impact", 2}, {"urgency", 3}};
  const nlohmann::json hold_fields = {{"hold_reason", "awaiting_caller"}};
  const nlohmann::json resolve_fields = {{"resolution_code", "solved_remotely"}, {"resolution_notes", "restarted"}};
  std::size_t refused = 0, closed = 0, serial = 0;
  for (auto _ : state) {
    const double rss_start = resident_mib();
    std::vector<itsm::ticket> desk_tickets;
    std::vector<std::uint8_t> step;
    desk_tickets.reserve(n_tickets);
    step.reserve(n_tickets);
    std::int64_t clock = 0;
    auto open_one = [&] {
      return itsm::ticket::create(wf, "INC" + std::to_string(++serial), caller, at(clock), created_fields).value();
    };
    std::size_t events = 0;
    for (; events < std::min(n_tickets, n_events); ++events) {
      desk_tickets.push_back(open_one());
      step.push_back(0);
    }
    const double rss_first_round = resident_mib();
    double rss_half = rss_first_round, rss_max_second_half = 0;
    for (std::size_t i = 0; events < n_events; ++events, i = (i + 1) % n_tickets) {
      if (i == 0) ++clock;  // one second per round: time moves forward for every ticket
      itsm::ticket& t = desk_tickets[i];
      itsm::outcome out;
      switch (step[i]) {
        case 0: out = t.fire("start", desk, at(clock)); break;
        case 1: out = t.fire("hold", desk, at(clock), hold_fields); break;
        case 2: out = t.fire("start", desk, at(clock)); break;
        case 3: out = t.fire("resolve", desk, at(clock), resolve_fields); break;
        case 4: out = t.fire("close", caller, at(clock)); break;
        default: t = open_one(); break;  // the desk takes a new incident in its place
      }
      if (!out.ok()) ++refused;
      if (step[i] == 4) ++closed;
      step[i] = static_cast<std::uint8_t>((step[i] + 1) % 6);
      if (events == n_events / 2) rss_half = resident_mib();
      if (events > n_events / 2 && events % (n_tickets + 1) == 0) rss_max_second_half = std::max(rss_max_second_half, resident_mib());
    }
    const double rss_end = resident_mib();
    desk_tickets.clear();
    desk_tickets.shrink_to_fit();
    malloc_trim(0);
    state.counters["rss_start_MiB"] = rss_start;
    state.counters["rss_after_first_round_MiB"] = rss_first_round;
    state.counters["rss_end_MiB"] = rss_end;
    state.counters["rss_growth_second_half_MiB"] = std::max(rss_max_second_half, rss_end) - rss_half;
    state.counters["rss_after_free_MiB"] = resident_mib();
  }
  state.counters["events"] = static_cast<double>(n_events);
  state.counters["refused"] = static_cast<double>(refused);
  state.counters["closed"] = static_cast<double>(closed);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(n_events), benchmark::Counter::kIsRate);
  if (refused != 0) {
    soak_failed = true;
    state.SkipWithError("events were refused: the soak's lifecycle is wrong");
  }
}
BENCHMARK(BM_soak)
    ->Name("soak")
    ->Args({1000, 20000})
    ->Args({1000000, 10000000})
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return soak_failed ? 1 : 0;
}
