// W7: BOM rollup. De minimis content of a whole generated catalogue in one
// bottom-up pass (1M parts / 10M edges and 10M parts / 10M edges), an
// incremental change, and the same rollup as a SQLite recursive query side by
// side (docs/performance.md, "Supply chain").
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cordon/supplychain/bom_graph.h"
#include "cordon/supplychain/de_minimis.h"

// Under `valgrind --tool=callgrind --instr-atstart=no` only the timed loop of
// the incremental benchmark is counted (the macros do nothing otherwise).
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

namespace cordon::supplychain {
namespace {

// A generated catalogue with the shape of an equipment maker's ERP: 7 levels
// from finished products (level 0) to purchased parts (level 6), each level
// larger than the one above; an assembly draws most components from the
// family just below it (nearby positions), some from two levels down, and
// about a fifth from a pool of common parts (fasteners, passives) picked
// with a skew, so a few parts are shared by a very large number of
// assemblies. 20 % of parts are US-origin; 1 % lack a classification and
// 1 % a value, so the interval arithmetic is exercised.
struct Generated {
  BomGraph graph;
  std::vector<std::string> ids;                 // generator index -> id
  std::vector<std::vector<std::pair<uint32_t, double>>> edges;  // kept only for SQLite
  std::vector<uint8_t> us, counted;             // per generator index, for SQLite
  std::vector<double> value;
  std::vector<int> level;
  uint32_t pool_begin = 0, pool_end = 0;  // generator indices of the common-part pool
};

constexpr double kLevelShare[] = {0.01, 0.02, 0.04, 0.08, 0.15, 0.25, 0.45};
constexpr int kLevels = 7;
const char* const kClasses[] = {"3A001.a.7", "3A001.b", "3A090.a", "4A003", "5A002.a", "3B001.c",
                                "3A991.a", "4A994", "5A992.c", "EAR99", "EAR99", "EAR99",
                                "3C002", "2B999", "3B991", "5A991"};
const char* const kForeign[] = {"KR", "JP", "TW", "MY", "CN", "DE", "NL", "SG"};

std::unique_ptr<Generated> Generate(uint32_t parts, uint64_t edges, bool keep_edges,
                                    uint32_t seed = 20250115) {
  auto out = std::make_unique<Generated>(Generated{BomGraph::FromCatalog(ProductCatalog()).value(),
                                                   {}, {}, {}, {}, {}, {}, 0, 0});
  std::mt19937_64 rng(seed);
  auto uniform = [&](uint64_t n) { return rng() % n; };
  std::vector<uint32_t> start(kLevels + 1, 0);
  for (int l = 0; l < kLevels; ++l) {
    start[l + 1] = l + 1 == kLevels ? parts
                                    : start[l] + std::max<uint32_t>(1, static_cast<uint32_t>(parts * kLevelShare[l]));
  }
  const uint32_t assemblies = start[kLevels - 1];
  const double fan = static_cast<double>(edges) / assemblies;
  const uint32_t pool = std::max<uint32_t>(16, (parts - start[kLevels - 1]) / 100);

  out->pool_begin = start[kLevels - 1];
  out->pool_end = std::min(parts, start[kLevels - 1] + pool);
  BomGraph::Builder b;
  b.Reserve(parts, edges);
  out->ids.reserve(parts);
  out->us.resize(parts);
  out->counted.resize(parts);
  out->value.resize(parts);
  out->level.resize(parts);
  const Symbol usd = Symbol::Intern("USD"), us = Symbol::Intern("US");
  std::vector<Symbol> classes, foreign;
  for (const char* c : kClasses) classes.push_back(Symbol::Intern(c));
  for (const char* c : kForeign) foreign.push_back(Symbol::Intern(c));
  for (int l = 0; l < kLevels; ++l) {
    for (uint32_t i = start[l]; i < start[l + 1]; ++i) {
      out->ids.push_back("P" + std::to_string(i));
      PartFacts f;
      const bool is_us = uniform(100) < 20;
      f.made_in = is_us ? us : foreign[uniform(foreign.size())];
      const uint64_t c = uniform(classes.size());
      if (uniform(100) != 0) f.classification = classes[c];
      const double v = (l == kLevels - 1 ? 0.05 + uniform(20000) / 10.0 : 1000.0 * (kLevels - l) + uniform(1000000));
      if (uniform(100) != 0) f.value = Money{v, usd};
      out->us[i] = is_us;
      out->counted[i] = c < 6;  // the first six classifications count (see Policy)
      out->value[i] = v;
      out->level[i] = l;
      b.AddPart(out->ids.back(), f);
    }
  }
  if (keep_edges) out->edges.resize(parts);
  // Component j of an assembly at relative position `pos` in level l.
  auto pick_child = [&](int l, double pos) -> uint32_t {
    const uint64_t r = uniform(100);
    if (r < 20) {
      const double u = (rng() >> 11) * 0x1.0p-53;  // skewed: a few parts very popular
      return start[kLevels - 1] + static_cast<uint32_t>(pool * u * u * u);
    }
    if (r < 30 && l + 2 < kLevels) {
      const uint32_t n2 = start[l + 3] - start[l + 2];
      return start[l + 2] + static_cast<uint32_t>(pos * n2 + uniform(64)) % n2;
    }
    const uint32_t below = start[l + 2] - start[l + 1];
    return start[l + 1] + static_cast<uint32_t>(pos * below + uniform(256)) % below;
  };
  auto level_of = [&](uint32_t i) {
    int l = 0;
    while (i >= start[l + 1]) ++l;
    return l;
  };
  auto add = [&](uint32_t parent) {
    const int l = level_of(parent);
    const double pos = static_cast<double>(parent - start[l]) / (start[l + 1] - start[l]);
    const uint32_t child = pick_child(l, pos);
    const double q = 1 + static_cast<double>(uniform(8));
    b.AddComponent(parent, child, q);
    if (keep_edges) out->edges[parent].emplace_back(child, q);
  };
  // Every assembly gets at least one component; the rest are spread with a
  // skew (some assemblies have many more components than others).
  uint64_t made = 0;
  for (uint32_t i = 0; i < assemblies && made < edges; ++i, ++made) add(i);
  while (made < edges) {
    // An assembly drawn with a quadratic skew toward the top levels' big
    // products, then a run of components for it (families of 1-2x the mean).
    const uint32_t i = static_cast<uint32_t>(uniform(assemblies));
    const uint64_t run = std::min<uint64_t>(edges - made, 1 + uniform(static_cast<uint64_t>(2 * fan)));
    for (uint64_t j = 0; j < run; ++j, ++made) add(i);
  }
  out->graph = std::move(b).Build().value();
  return out;
}

// The rules' answer for one destination: the first six classifications count.
class Policy : public ContentPolicy {
 public:
  bool Counts(Symbol c, PartKind) const override {
    for (int i = 0; i < 6; ++i) {
      if (c.text() == kClasses[i]) return true;
    }
    return false;
  }
};

Generated& Catalogue1M() {
  static std::unique_ptr<Generated> g = Generate(1'000'000, 10'000'000, /*keep_edges=*/true);
  return *g;
}
Generated& Catalogue10M() {
  static std::unique_ptr<Generated> g = Generate(10'000'000, 10'000'000, /*keep_edges=*/false);
  return *g;
}

void RollupAll(benchmark::State& state, Generated& data) {
  Policy policy;
  DeMinimisRollup rollup(data.graph, policy);
  for (auto _ : state) {
    rollup.RollupAll();
    benchmark::DoNotOptimize(rollup.content(data.graph.size() - 1));
  }
  state.counters["parts"] = data.graph.size();
  state.counters["edges"] = static_cast<double>(data.graph.edge_count());
  state.counters["edges/s"] = benchmark::Counter(static_cast<double>(data.graph.edge_count()),
                                                 benchmark::Counter::kIsIterationInvariantRate);
  size_t exceeds = 0, undetermined = 0;
  for (NodeId n = 0; n < data.graph.size(); ++n) {
    auto o = rollup.Decide(n, 0.25);
    exceeds += o == DeMinimisOutcome::kExceeds;
    undetermined += o == DeMinimisOutcome::kUndetermined;
  }
  // Locality of the layout: share of edges whose part lies more than 4096
  // places before its assembly (likely a cache miss in the pass).
  uint64_t far = 0;
  for (NodeId n = 0; n < data.graph.size(); ++n) {
    for (NodeId c : data.graph.children(n)) far += n - c > 4096;
  }
  state.counters["far_edges"] = static_cast<double>(far) / static_cast<double>(data.graph.edge_count());
  uint64_t very_far = 0;
  for (NodeId n = 0; n < data.graph.size(); ++n) {
    for (NodeId c : data.graph.children(n)) very_far += n - c > (1u << 20);
  }
  state.counters["far_1M"] = static_cast<double>(very_far) / static_cast<double>(data.graph.edge_count());
  state.counters["exceeds25"] = static_cast<double>(exceeds);
  state.counters["undetermined25"] = static_cast<double>(undetermined);
}

void BM_W7_RollupAll_1M_parts_10M_edges(benchmark::State& state) { RollupAll(state, Catalogue1M()); }
BENCHMARK(BM_W7_RollupAll_1M_parts_10M_edges)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_W7_RollupAll_10M_parts_10M_edges(benchmark::State& state) { RollupAll(state, Catalogue10M()); }
BENCHMARK(BM_W7_RollupAll_10M_parts_10M_edges)->Unit(benchmark::kMillisecond)->MinTime(2);

// Ancestors of n, counting stops past `limit` (then returns limit + 1).
size_t CountAncestors(const BomGraph& g, NodeId n, size_t limit, std::vector<uint8_t>& seen) {
  std::vector<NodeId> stack{n}, touched;
  size_t count = 0;
  while (!stack.empty() && count <= limit) {
    NodeId u = stack.back();
    stack.pop_back();
    for (const ParentEdge& e : g.parents(u)) {
      const NodeId p = e.parent;
      if (!seen[p]) {
        seen[p] = 1;
        touched.push_back(p);
        ++count;
        stack.push_back(p);
      }
    }
  }
  for (NodeId t : touched) seen[t] = 0;
  return count;
}

// A part whose origin flips between US and foreign, chosen as the one with
// the largest ancestor set not above the bound, among a fixed sample of parts
// and every part of the common pool (the only parts with more than a few
// hundred ancestors: fasteners and passives used across product lines), with
// a counted classification, so the figure is the worst case within the
// goal's bound.
void IncrementalChange(benchmark::State& state, Generated& data) {
  BomGraph& g = data.graph;
  Policy policy;
  DeMinimisRollup rollup(g, policy);
  rollup.RollupAll();
  const size_t limit = static_cast<size_t>(state.range(0));
  NodeId pick = kNoNode;
  size_t best = 0;
  std::vector<uint8_t> seen(g.size(), 0);
  auto consider = [&](NodeId n) {
    if (g.classification(n).empty() || g.value_state(n) != ValueState::kKnown ||
        !policy.Counts(g.classification(n), g.kind(n))) {
      return;
    }
    const size_t a = CountAncestors(g, n, limit, seen);
    if (a <= limit && a > best) {
      best = a;
      pick = n;
    }
  };
  std::mt19937 rng(5);
  for (int tries = 0; tries < 20000; ++tries) consider(rng() % g.size());
  // The pool is ordered from most to least popular, so its ancestor counts
  // fall (roughly) along it: find by bisection where they drop to the bound
  // and look at the parts just past that point.
  uint32_t lo = data.pool_begin, hi = data.pool_end;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (CountAncestors(g, g.Find(data.ids[mid]), limit, seen) > limit) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  // The counts are noisy along the pool: look on both sides of that point.
  for (uint32_t i = lo > 2000 + data.pool_begin ? lo - 2000 : data.pool_begin; i < data.pool_end && i < lo + 2000; ++i) {
    consider(g.Find(data.ids[i]));
  }
  PartFacts us{Symbol::Intern("US"), g.classification(pick), g.kind(pick),
               Money{g.value(pick), g.base_currency()}};
  PartFacts kr = us;
  kr.made_in = Symbol::Intern("KR");
  bool flip = false;
  size_t recomputed = 0;
  CALLGRIND_START_INSTRUMENTATION;
  for (auto _ : state) {
    g.SetFacts(pick, flip ? us : kr);
    flip = !flip;
    recomputed = rollup.Update(pick);
    benchmark::DoNotOptimize(recomputed);
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  g.SetFacts(pick, us);  // leave the shared catalogue as generated
  rollup.Update(pick);
  state.counters["ancestors"] = static_cast<double>(best);
  state.counters["recomputed"] = static_cast<double>(recomputed);
}
// Arg: the bound on the ancestor count (10,000 is the goal's; 200,000 shows
// how the cost grows with the ancestor set). In the 1M-part catalogue no part
// has between ~700 and 10,000 ancestors; in the 10M-part one the pool's tail
// does, and its arrays are ten times larger (more cache misses per ancestor).
void BM_W7_IncrementalChange(benchmark::State& state) { IncrementalChange(state, Catalogue1M()); }
BENCHMARK(BM_W7_IncrementalChange)->Arg(10'000)->Arg(200'000)->Unit(benchmark::kMicrosecond);
void BM_W7_IncrementalChange_10M(benchmark::State& state) { IncrementalChange(state, Catalogue10M()); }
BENCHMARK(BM_W7_IncrementalChange_10M)->Arg(10'000)->Unit(benchmark::kMicrosecond);
// A fixed number of updates, for instruction counts under callgrind
// (bench/w7_incremental_instructions.sh).
BENCHMARK(BM_W7_IncrementalChange_10M)->Arg(10'000)->Iterations(100)->Unit(benchmark::kMicrosecond);

// ---- SQLite baseline: the same rollup as a recursive query ------------------

struct SqliteCatalogue {
  sqlite3* db = nullptr;
  std::vector<std::vector<uint32_t>> sample;  // per level: generator indices asked about
  ~SqliteCatalogue() { sqlite3_close(db); }
};

// The 1M-part catalogue loaded as two tables (part, bom) with the index a DBA
// would add; the rollup is the textbook recursive CTE, descending through
// parts that are not US-origin and summing units x value of counted
// US-origin parts.
SqliteCatalogue& Sqlite() {
  static std::unique_ptr<SqliteCatalogue> s = [] {
    Generated& data = Catalogue1M();
    auto out = std::make_unique<SqliteCatalogue>();
    sqlite3_open(":memory:", &out->db);
    sqlite3_exec(out->db,
                 "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                 "CREATE TABLE part(id INTEGER PRIMARY KEY, us INT, counted INT, value REAL);"
                 "CREATE TABLE bom(parent INT, child INT, quantity REAL);"
                 "BEGIN;",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* ins_part = nullptr;
    sqlite3_stmt* ins_bom = nullptr;
    sqlite3_prepare_v2(out->db, "INSERT INTO part VALUES(?,?,?,?)", -1, &ins_part, nullptr);
    sqlite3_prepare_v2(out->db, "INSERT INTO bom VALUES(?,?,?)", -1, &ins_bom, nullptr);
    for (uint32_t i = 0; i < data.ids.size(); ++i) {
      sqlite3_bind_int64(ins_part, 1, i);
      sqlite3_bind_int(ins_part, 2, data.us[i]);
      sqlite3_bind_int(ins_part, 3, data.counted[i]);
      sqlite3_bind_double(ins_part, 4, data.value[i]);
      sqlite3_step(ins_part);
      sqlite3_reset(ins_part);
      for (const auto& [child, q] : data.edges[i]) {
        sqlite3_bind_int64(ins_bom, 1, i);
        sqlite3_bind_int64(ins_bom, 2, child);
        sqlite3_bind_double(ins_bom, 3, q);
        sqlite3_step(ins_bom);
        sqlite3_reset(ins_bom);
      }
    }
    sqlite3_finalize(ins_part);
    sqlite3_finalize(ins_bom);
    sqlite3_exec(out->db, "COMMIT; CREATE INDEX bom_parent ON bom(parent);", nullptr, nullptr, nullptr);
    // Products asked about: a fixed sample per level (level 6 parts are
    // purchased, levels 5..0 ever larger assemblies).
    std::mt19937 rng(11);
    out->sample.resize(kLevels);
    for (int l = 0; l < kLevels; ++l) {
      while (out->sample[l].size() < 10) {
        uint32_t i = rng() % data.ids.size();
        if (data.level[i] == l) out->sample[l].push_back(i);
      }
    }
    return out;
  }();
  return *s;
}

constexpr const char* kRollupSql =
    "WITH RECURSIVE walk(node, units) AS ("
    "  SELECT child, quantity FROM bom WHERE parent = ?1"
    "  UNION ALL"
    "  SELECT b.child, w.units * b.quantity FROM walk w"
    "  JOIN part p ON p.id = w.node AND p.us = 0"
    "  JOIN bom b ON b.parent = w.node)"
    " SELECT COALESCE(SUM(w.units * p.value), 0) FROM walk w"
    " JOIN part p ON p.id = w.node WHERE p.us = 1 AND p.counted = 1";

// Arg: the BOM level of the products (5: sub-assemblies just above the
// purchased parts ... 2: major modules). The recursive query walks every
// path, so its cost grows with the number of paths, the library's with the
// number of distinct parts.
void BM_W7_Sqlite_CTE_per_product(benchmark::State& state) {
  SqliteCatalogue& s = Sqlite();
  const auto& sample = s.sample[state.range(0)];
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(s.db, kRollupSql, -1, &st, nullptr);
  double sum = 0;
  for (auto _ : state) {
    for (uint32_t i : sample) {
      sqlite3_bind_int64(st, 1, i);
      sqlite3_step(st);
      sum += sqlite3_column_double(st, 0);
      sqlite3_reset(st);
    }
  }
  sqlite3_finalize(st);
  benchmark::DoNotOptimize(sum);
  state.counters["products"] = static_cast<double>(sample.size());
  state.counters["s_per_product"] = benchmark::Counter(
      static_cast<double>(sample.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_W7_Sqlite_CTE_per_product)->Arg(5)->Arg(4)->Arg(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_W7_Sqlite_CTE_per_product)->Arg(2)->Iterations(1)->Unit(benchmark::kMillisecond);

// The same products through the library's single-product rollup, with its
// trace (contributors, paths, missing facts).
void BM_W7_Cordon_per_product(benchmark::State& state) {
  SqliteCatalogue& s = Sqlite();
  Generated& data = Catalogue1M();
  Policy policy;
  DeMinimisRollup rollup(data.graph, policy);
  std::vector<NodeId> nodes;
  for (uint32_t i : s.sample[state.range(0)]) nodes.push_back(data.graph.Find(data.ids[i]));
  double sum = 0;
  for (auto _ : state) {
    for (NodeId n : nodes) sum += rollup.Rollup(n, {.threshold = 0.25})->content.low;
  }
  benchmark::DoNotOptimize(sum);
  state.counters["products"] = static_cast<double>(nodes.size());
  state.counters["s_per_product"] = benchmark::Counter(
      static_cast<double>(nodes.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_W7_Cordon_per_product)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cordon::supplychain
