// W6: determinations per second over the bundled rules, single thread, traces on.
// A generated mix of transactions (fixed seed): US-origin and foreign-made items, chip tools and
// EAR99 parts, to China, Macau, Korea, the US, Germany and Singapore, from the US, Korea, Japan,
// the Netherlands and Taiwan, on dates from 2020 to 2026, with and without listed parties.
// Every regime is evaluated for every transaction. Party screening is measured separately
// (w2_screen_one.cc); here the parties' list matches are prepared once, as a cached screen would.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/engine/engine.h"

namespace cordon {
namespace {

using json = nlohmann::json;

const Engine& TheEngine() {
  static std::unique_ptr<Engine> engine = [] {
    EngineOptions o;
    o.home = FindHome(nullptr);
    auto e = Engine::Open(o);
    if (!e.ok()) {
      o.home = FindHome(nullptr);
      e = Engine::Open(o);
    }
    return std::move(*e);
  }();
  return *engine;
}

std::vector<std::unique_ptr<Decision>> MakeMix(int n) {
  const Engine& engine = TheEngine();
  std::mt19937_64 rng(20241202);
  const char* from[] = {"US", "KR", "JP", "NL", "TW", "MY"};
  const char* to[] = {"CN", "CN", "CN", "MO", "KR", "US", "DE", "SG"};
  const char* eccn[] = {"3B001.c", "3B001.f.1", "3B991", "EAR99", "3A090.a", "5A992.c", "3A001.a.5.a", "4A994"};
  const char* dates[] = {"2020-10-01", "2022-11-01", "2023-09-01", "2024-03-01", "2024-12-15", "2025-06-20"};
  const char* names[] = {"Huawei Technologies Co., Ltd.", "Semiconductor Manufacturing International Corporation",
                         "Example Fab Co., Ltd.", "Yangtze Memory Technologies Co., Ltd.", "Example Logic Ltd."};
  std::vector<std::unique_ptr<Decision>> out;
  for (int i = 0; i < n; ++i) {
    std::string f = from[rng() % 6], t = to[rng() % 8], e = eccn[rng() % 8];
    std::string made = rng() % 2 ? f : "US";
    json tx = {
        {"id", "BENCH-" + std::to_string(i)}, {"date", dates[rng() % 6]}, {"activity", "export"},
        {"ship_from", f}, {"destination", t},
        {"exporter", {{"name", "Exporter"}, {"country", f}, {"headquarters", f}}},
        {"parties", {{{"role", "end_user"}, {"name", names[rng() % 5]}, {"country", t}, {"headquarters", t}}}},
        {"items", {{{"id", "I"}, {"kind", "commodity"}, {"quantity", 1},
                    {"unit_value", {{"amount", 1000000}, {"currency", "USD"}}}, {"made_in", made},
                    {"classification", {{"US", e}, {"NL", "NOT_LISTED"}, {"EU", "NOT_LISTED"}, {"JP", "NOT_LISTED"},
                                        {"KR", "NOT_LISTED"}, {"TW", "NOT_LISTED"}}},
                    {"us_content", {{"controlled_value", {{"amount", double(rng() % 400000)}, {"currency", "USD"}}},
                                    {"contains_us_ic", rng() % 2 == 0}, {"contains_fdp_ic", false}}},
                    {"production", {{"us_technology", json::array()}, {"us_software", json::array()},
                                    {"plant_us_origin", rng() % 2 == 0}}}}}},
        {"end_use", {{"facility", {{"name", "Fab"}, {"country", t}, {"headquarters", t}, {"ic", "logic"},
                                   {"node_nm", rng() % 2 ? 7 : 28}, {"non_planar", false}}},
                     {"purpose", "production"}}},
        {"knowledge", {{"informed", json::array()}, {"aware", json::array()}, {"suspects", json::array()}}}};
    auto parsed = engine.ParseTransaction(tx, "bench");
    if (!parsed.ok()) continue;
    auto d = std::make_unique<Decision>();
    d->tx = std::move(*parsed);
    d->date = d->tx.date;
    engine.Prepare(d.get());
    out.push_back(std::move(d));
  }
  return out;
}

// CORDON_W6_DUMP=FILE writes the JSON determination (with its trace) of every transaction of the
// mix to FILE, twice over with one evaluator (the second pass checks that nothing an evaluator
// remembers between calls changes an answer), so that a change to the evaluator can be diffed.
void DumpMix(const Engine& engine, std::vector<std::unique_ptr<Decision>>& mix, const char* path) {
  std::ofstream out(path);
  Evaluator ev(engine.rules(), EvaluatorOptions{/*trace=*/true});
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& d : mix) {
      for (auto& u : d->input.units) u.pct_done = false;
      ev.Evaluate(d->input, d->licences, &d->det);
      out << engine.RenderJson(*d).dump() << "\n";
    }
  }
}

void BM_Determine(benchmark::State& state) {
  const Engine& engine = TheEngine();
  auto mix = MakeMix(1024);
  if (const char* dump = std::getenv("CORDON_W6_DUMP")) DumpMix(engine, mix, dump);
  Evaluator ev(engine.rules(), EvaluatorOptions{/*trace=*/true});
  Determination det;
  std::vector<double> ns;
  ns.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    Decision& d = *mix[i++ & 1023];
    for (auto& u : d.input.units) u.pct_done = false;  // no caching across iterations
    auto t0 = std::chrono::steady_clock::now();
    ev.Evaluate(d.input, d.licences, &det);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(det.overall);
    if (ns.size() < ns.capacity()) ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  std::sort(ns.begin(), ns.end());
  if (!ns.empty()) {
    state.counters["p50_ns"] = ns[ns.size() / 2];
    state.counters["p99_ns"] = ns[ns.size() * 99 / 100];
  }
  state.counters["determinations_per_s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["trace_steps"] = double(det.trace.size());
}
BENCHMARK(BM_Determine);

}  // namespace
}  // namespace cordon
