// W8: building the screening index for 1,000,000 generated names (one core):
// time per build, and the index's memory as a counter. A first normalizer is
// created before the timed builds: ICU compiles its transliteration rules
// (Han-Latin...) once per process and caches them, a one-off that would land
// in the first build only (counter normalizer_create_ms, thread CPU time;
// later normalizers cost ~5 ms, inside each build).
#include <time.h>

#include <benchmark/benchmark.h>

#include "bench/screening_fixture.h"

namespace cordon::bench {
namespace {

void BM_W8_IndexBuild(benchmark::State& state) {
  const auto entities = GeneratedEntities(static_cast<size_t>(state.range(0)), 1);
  auto cpu_ms = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  const double c0 = cpu_ms();
  benchmark::DoNotOptimize(screening::Normalizer::Create());
  state.counters["normalizer_create_ms"] = cpu_ms() - c0;
  size_t bytes = 0, names = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto copy = entities;
    state.ResumeTiming();
    auto index = screening::ScreeningIndex::Build(std::move(copy));
    benchmark::DoNotOptimize(index);
    state.PauseTiming();
    bytes = (*index)->memory_bytes();  // walks the entities: not part of the build
    names = (*index)->name_count();
    index = Status(StatusCode::kInternal, "release outside timing");
    state.ResumeTiming();
  }
  state.counters["names"] = static_cast<double>(names);
  state.counters["index_MB"] = static_cast<double>(bytes) / 1e6;
}
void BM_W8_IndexBuild_1M(benchmark::State& state) { BM_W8_IndexBuild(state); }
BENCHMARK(BM_W8_IndexBuild_1M)->Arg(1000000)->Iterations(3)->Unit(benchmark::kMillisecond);
// 100,000 names, one build: small enough for callgrind (bench/w8_build_instructions.sh).
void BM_W8_IndexBuild_100k(benchmark::State& state) { BM_W8_IndexBuild(state); }
BENCHMARK(BM_W8_IndexBuild_100k)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cordon::bench
