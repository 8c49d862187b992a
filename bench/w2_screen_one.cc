// W2: one query at a time against 1,000,000 generated names (Jaro-Winkler >=
// 0.90, one core); 1,000 different queries, p50 and p99 latency as counters.
#include <algorithm>
#include <chrono>

#include <benchmark/benchmark.h>

#include "bench/screening_fixture.h"

namespace cordon::bench {
namespace {

const screening::ScreeningIndex& Million() {
  static const auto* index = screening::ScreeningIndex::Build(GeneratedEntities(1000000, 1)).value().release();
  return *index;
}

void BM_W2_ScreenOne_1M(benchmark::State& state) {
  const auto& index = Million();
  std::vector<std::string> sample;
  for (uint32_t i = 0; i < 20000; ++i) sample.push_back(index.entity(i * 50).name);
  const auto queries = screening::testing::MixedQueries(sample, 1000, 2);
  const screening::ScreeningOptions o{.threshold = 0.90};
  std::vector<double> micros;
  size_t k = 0, hits = 0;
  for (auto _ : state) {
    const auto& q = queries[k++ % queries.size()];
    auto t0 = std::chrono::steady_clock::now();
    auto ms = index.Screen(q, o);
    auto t1 = std::chrono::steady_clock::now();
    hits += ms.size();
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["hits_per_query"] = static_cast<double>(hits) / micros.size();
}
BENCHMARK(BM_W2_ScreenOne_1M)->Iterations(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cordon::bench
