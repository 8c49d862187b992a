// W2: one query at a time against 1,000,000 generated names (Jaro-Winkler >=
// 0.90, one core); 1,000 different queries, p50 and p99 latency as counters:
// CPU time of the thread (cpu_p50_us, cpu_p99_us: what one core spends, the
// figure to quote on a shared machine) and wall time (p50_us, p99_us).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <random>

#include <benchmark/benchmark.h>

#include "bench/screening_fixture.h"

namespace cordon::bench {
namespace {

double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

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
  auto cpu_now = ThreadCpuMicros;
  std::vector<double> micros, cpu_micros;
  size_t k = 0, hits = 0;
  for (auto _ : state) {
    const auto& q = queries[k++ % queries.size()];
    const double c0 = cpu_now();
    auto t0 = std::chrono::steady_clock::now();
    auto ms = index.Screen(q, o);
    auto t1 = std::chrono::steady_clock::now();
    cpu_micros.push_back(cpu_now() - c0);
    hits += ms.size();
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(micros.begin(), micros.end());
  std::sort(cpu_micros.begin(), cpu_micros.end());
  state.counters["cpu_p50_us"] = cpu_micros[cpu_micros.size() / 2];
  state.counters["cpu_p99_us"] = cpu_micros[cpu_micros.size() * 99 / 100];
  state.counters["cpu_max_us"] = cpu_micros.back();
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["hits_per_query"] = static_cast<double>(hits) / micros.size();
}
BENCHMARK(BM_W2_ScreenOne_1M)->Iterations(1000)->Unit(benchmark::kMicrosecond);

// What `cordon serve`'s /screen costs in the index: one long multi-word query
// (a listed company plus a random word) against the full CSL of
// ../shared/data/peer-mcp (25,921 entries with their aliases), default
// options (Jaro-Winkler >= 0.90); CPU p50/p99 per query.
const screening::ScreeningIndex* CslIndex() {
  static const screening::ScreeningIndex* index = [] {
    auto l = lists::LoadListFile(std::string(CORDON_SHARED_DIR) + "/data/peer-mcp/expanded/consolidated.csv");
    if (!l.ok()) return static_cast<const screening::ScreeningIndex*>(nullptr);
    return screening::ScreeningIndex::Build(std::move(l->snapshot.entities)).value().release();
  }();
  return index;
}

// The queries in turn, default options; CPU p50/p99 per query as counters.
void ScreenCsl(benchmark::State& state, const screening::ScreeningIndex& index, const std::vector<std::string>& queries) {
  const screening::ScreeningOptions o;
  std::vector<double> cpu_micros;
  size_t k = 0, hits = 0;
  for (auto _ : state) {
    const double c0 = ThreadCpuMicros();
    auto ms = index.Screen(queries[k++ % queries.size()], o);
    cpu_micros.push_back(ThreadCpuMicros() - c0);
    hits += ms.size();
  }
  std::sort(cpu_micros.begin(), cpu_micros.end());
  state.counters["cpu_p50_us"] = cpu_micros[cpu_micros.size() / 2];
  state.counters["cpu_p99_us"] = cpu_micros[cpu_micros.size() * 99 / 100];
  state.counters["hits_per_query"] = static_cast<double>(hits) / cpu_micros.size();
}

void BM_W2_CslLongName(benchmark::State& state) {
  const screening::ScreeningIndex* index = CslIndex();
  if (index == nullptr) {
    state.SkipWithError("no CSL under ../shared/data/peer-mcp");
    return;
  }
  std::mt19937_64 rng(7);
  std::vector<std::string> queries;
  for (int k = 0; k < 200; ++k)
    queries.push_back("HUAWEI TECHNOLOGIES CO LTD SHENZHEN BRANCH " + screening::testing::RandomName(rng));
  ScreenCsl(state, *index, queries);
}
BENCHMARK(BM_W2_CslLongName)->Iterations(2000)->Unit(benchmark::kMicrosecond);

// The queries of bench/wrk/screen_unique.lua (uncached `/screen`): the eight
// bench names, each with a short word appended ("Huawei Technologies Co Ltd
// bc"), against the full CSL with default options. The figure to compare
// with `bench/serve_instructions.sh ... screen_unique.lua`: only the index's
// share, counted under callgrind with --toggle-collect on Screen
// (docs/performance.md § Service, Round 3).
std::vector<std::string> ScreenUniqueQueries(size_t count) {
  static const char* const kNames[] = {"Huawei Technologies Co Ltd", "Semiconductor Manufacturing International Corp",
                                       "Example Distributor Ltd", "Rosoboronexport", "Hanbit Semitech Co Ltd",
                                       "Sinobright Import and Export Company", "Acme Trading GmbH",
                                       "Wuxi Example Microelectronics"};
  static const char kLetters[] = "bcdfghjklmnpqrstvwxz";
  std::vector<std::string> out;
  for (size_t n = 1; n <= count; ++n) {
    std::string word;
    size_t k = n / 8;
    do {
      word.insert(word.begin(), kLetters[k % 20]);
      k /= 20;
    } while (k != 0);
    out.push_back(std::string(kNames[n % 8]) + " b" + word);
  }
  return out;
}

void BM_W2_CslScreenUnique(benchmark::State& state) {
  const screening::ScreeningIndex* index = CslIndex();
  if (index == nullptr) {
    state.SkipWithError("no CSL under ../shared/data/peer-mcp");
    return;
  }
  const auto queries = ScreenUniqueQueries(800);
  ScreenCsl(state, *index, queries);
}
BENCHMARK(BM_W2_CslScreenUnique)->Iterations(800)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cordon::bench
