// W8: building the screening index for 1,000,000 generated names (one core):
// time per build, and the index's memory as a counter.
#include <benchmark/benchmark.h>

#include "bench/screening_fixture.h"

namespace cordon::bench {
namespace {

void BM_W8_IndexBuild_1M(benchmark::State& state) {
  const auto entities = GeneratedEntities(1000000, 1);
  size_t bytes = 0, names = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto copy = entities;
    state.ResumeTiming();
    auto index = screening::ScreeningIndex::Build(std::move(copy));
    bytes = (*index)->memory_bytes();
    names = (*index)->name_count();
    benchmark::DoNotOptimize(index);
    state.PauseTiming();
    index = Status(StatusCode::kInternal, "release outside timing");
    state.ResumeTiming();
  }
  state.counters["names"] = static_cast<double>(names);
  state.counters["index_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_W8_IndexBuild_1M)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cordon::bench
