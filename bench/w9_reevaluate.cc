// W9: re-evaluation at scale (issue 6). A store holding CORDON_BENCH_ORDERS open orders (default
// 1,000,000) determined against the OFAC SDN list of 2024-04-26; then the SDN snapshot of
// 2024-05-03 is loaded (305 entries added, 8 removed). Timed: finding the open orders the delta
// reaches through the dependency index (Desk::AffectedByDelta) and determining and recording
// them again (Desk::Reevaluate, one batch) — against a full re-run, every open order determined
// and recorded again, timed on a uniform sample of CORDON_BENCH_SAMPLE orders (default 10,000)
// and extrapolated linearly.
//
// The orders are copies of 2,000 templates determined for real with the old list: one end user
// each, drawn from generated company names, SDN entries that the delta leaves alone, and the
// names of the 8 removed and 30 of the 305 added entries (one order in a thousand). A copy stores
// its template's input, outcome and dependency index; the stored determination is a stub
// ({"overall", "template"}) to keep the database small (the trace of the real one is about 5 kB).
// The benchmark fails unless every template whose answer the new list changes is among those
// touched (nothing missed), and reports how many touched orders did not change.
//
// CORDON_BENCH_DB: a store URL (default: a SQLite file in a temporary folder, removed after);
// e.g. the throwaway PostgreSQL of tests/pg/pg_fixture.sh. docs/performance.md "State".
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/engine/engine.h"
#include "cordon/lists/loader.h"
#include "cordon/state/state.h"
#include "cordon/store/store.h"

namespace cordon {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

long EnvInt(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atol(v) : fallback;
}

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string GeneratedName(std::mt19937_64& rng) {
  static const char* syll[] = {"ka", "lo", "ra", "ven", "tor", "mi", "sha", "zen", "dal", "or", "pe", "xin",
                               "bar", "ul", "te", "no", "fa", "ris", "gu", "an", "mel", "co", "vy", "hu"};
  static const char* forms[] = {"Trading Co., Ltd.", "Electronics LLC", "Industrial Group", "Technologies Ltd",
                                "Import Export GmbH", "Logistics FZE", "Components Inc.", "Systems JSC"};
  std::string w;
  for (int k = 0, n = 2 + static_cast<int>(rng() % 3); k < n; ++k) w += syll[rng() % 24];
  w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w + " " + forms[rng() % 8];
}

json Order(const std::string& id, const std::string& party, const std::string& country, const std::string& eccn) {
  return {{"id", id},
          {"date", "2024-05-10"},
          {"activity", "export"},
          {"ship_from", "US"},
          {"destination", country},
          {"exporter", {{"name", "Example Networks Inc."}, {"country", "US"}, {"headquarters", "US"}}},
          {"parties", {{{"role", "end_user"}, {"name", party}, {"country", country}, {"headquarters", country}, {"type", "commercial"}}}},
          {"items", {{{"id", "IT-1"}, {"quantity", 4}, {"unit_value", {{"amount", 2500}, {"currency", "USD"}}},
                      {"made_in", "US"}, {"classification", {{"US", eccn}}}, {"product", "P-" + eccn}}}},
          {"end_use", {{"purpose", "civil"}}}};
}

struct Template {
  json tx;
  std::string outcome;
  std::vector<store::Dependency> deps;
  bool delta = false;  // its party is an entry the delta adds or removes
};

Result<std::unique_ptr<Engine>> EngineFor(const std::string& list) {
  EngineOptions o;
  o.home = FindHome(nullptr);
  o.lists = {list};
  return Engine::Open(o);
}

Status Run(benchmark::State& state) {
  const long n_orders = EnvInt("CORDON_BENCH_ORDERS", 1000000);
  const long n_sample = std::min(n_orders, EnvInt("CORDON_BENCH_SAMPLE", 10000));
  const std::string dir = std::string(CORDON_SHARED_DIR) + "/data/lists/jackdwyer-specially-designated-nationals-list/";
  const std::string old_path = dir + "2024-04-26/sdn.csv", new_path = dir + "2024-05-03/sdn.csv";
  ASSIGN_OR_RETURN(auto old_list, lists::LoadListFile(old_path));
  ASSIGN_OR_RETURN(auto new_list, lists::LoadListFile(new_path));
  lists::SnapshotDiff diff = lists::DiffSnapshots(old_list.snapshot, new_list.snapshot);
  ASSIGN_OR_RETURN(auto old_engine, EngineFor(old_path));
  ASSIGN_OR_RETURN(auto new_engine, EngineFor(new_path));
  ASSIGN_OR_RETURN(std::string old_sha, state::FileSha256(old_path));
  ASSIGN_OR_RETURN(std::string new_sha, state::FileSha256(new_path));

  std::string url;
  fs::path tmp;
  if (const char* u = std::getenv("CORDON_BENCH_DB"); u && *u) {
    url = u;
  } else {
    tmp = fs::temp_directory_path() / ("cordon-w9-" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    url = "sqlite:" + (tmp / "w9.db").string();
  }
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      if (!p.empty()) fs::remove_all(p, ec);
    }
  } cleanup{tmp};
  ASSIGN_OR_RETURN(auto store, store::Open(url));

  // Templates: 1,962 ordinary parties (generated names, SDN entries the delta leaves alone), 38
  // parties the delta adds or removes.
  std::mt19937_64 rng(20240503);
  std::set<std::string> delta_names;
  for (const auto& e : diff.removed) delta_names.insert(e.name);
  for (size_t i = 0; i < diff.added.size() && i < 30; ++i) delta_names.insert(diff.added[i].name);
  std::vector<std::string> ordinary;
  for (size_t i = 0; ordinary.size() < 100 && i < old_list.snapshot.entities.size(); i += 97) {
    const auto& e = old_list.snapshot.entities[i];
    if (!delta_names.count(e.name)) ordinary.push_back(e.name);
  }
  while (ordinary.size() < 1962) ordinary.push_back(GeneratedName(rng));
  const char* countries[] = {"CN", "RU", "AE", "TR", "IN", "DE", "KZ", "MY"};
  const char* eccns[] = {"5A992.c", "EAR99", "3A991.a.1", "4A994.b", "5A002.a"};
  std::vector<Template> templates;
  auto add_template = [&](const std::string& party, bool delta) -> Status {
    Template t;
    t.tx = Order("T", party, countries[rng() % 8], eccns[rng() % 5]);
    t.delta = delta;
    ASSIGN_OR_RETURN(Transaction tx, old_engine->ParseTransaction(t.tx, "template"));
    ASSIGN_OR_RETURN(Context c, old_engine->ParseContext(json::object(), "context"));
    auto d = old_engine->Determine(std::move(tx), std::move(c), std::nullopt);
    t.outcome = OutcomeName(d->det.overall);
    t.deps = state::DependenciesOf(*old_engine, *d);
    templates.push_back(std::move(t));
    return Status::Ok();
  };
  for (const auto& p : ordinary) RETURN_IF_ERROR(add_template(p, false));
  const size_t first_delta = templates.size();
  for (const auto& p : delta_names) RETURN_IF_ERROR(add_template(p, true));
  const size_t n_delta = templates.size() - first_delta;
  auto template_of = [&](long i) -> size_t {
    if (i % 1000 == 0) return first_delta + static_cast<size_t>(i / 1000) % n_delta;  // one in a thousand
    return static_cast<size_t>((static_cast<uint64_t>(i) * 2654435761u) % first_delta);
  };

  // Seed the store: every order determined with the old list (copied from its template).
  auto t_seed = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(store->AddListSnapshot({0, "US.SDN", old_path, old_sha, 0, ""}).status());
  json lists_json = json::array({{{"list", "US.SDN"}, {"path", old_path}, {"sha256", old_sha}}});
  double deps_total = 0;
  for (long start = 0; start < n_orders; start += 10000) {
    store::Batch batch(store.get());
    RETURN_IF_ERROR(batch.Begin());
    for (long i = start; i < std::min(n_orders, start + 10000); ++i) {
      size_t ti = template_of(i);
      const Template& t = templates[ti];
      char id[32];
      std::snprintf(id, sizeof id, "SO-%07ld", i);
      store::AuditRecord a;
      a.caller = "bench";
      a.order_id = id;
      a.input = t.tx;
      a.input["id"] = id;
      a.context = json::object();
      a.date = "2024-05-10";
      a.rules_version = old_engine->rules().hash();
      a.lists = lists_json;
      a.outcome = t.outcome;
      a.determination = {{"overall", t.outcome}, {"template", ti}};
      a.cause = "seed";
      a.deps = t.deps;
      deps_total += static_cast<double>(t.deps.size());
      store::OrderRecord o;
      o.id = id;
      o.status = store::OrderStatus::kReleased;
      o.transaction = a.input;
      o.context = json::object();
      RETURN_IF_ERROR(store->Record(a, o).status());
    }
    RETURN_IF_ERROR(batch.Commit());
  }
  const double seed_s = Since(t_seed);
  RETURN_IF_ERROR(store->AddListSnapshot({0, "US.SDN", new_path, new_sha, 0, ""}).status());
  state::Desk desk(store.get(), new_engine.get(), {{"US.SDN", new_path, new_sha}});

  // Timed: find the orders the delta reaches, then determine and record them again.
  double find_s = 0, reeval_s = 0, full_s = 0;
  state::Reevaluation r;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(auto ids, desk.AffectedByDelta(diff, 0.90));
    find_s = Since(t0);
    auto t1 = std::chrono::steady_clock::now();
    store::Batch batch(store.get());
    RETURN_IF_ERROR(batch.Begin());
    ASSIGN_OR_RETURN(r, desk.Reevaluate(ids, "SDN 2024-04-26 → 2024-05-03", "bench"));
    RETURN_IF_ERROR(batch.Commit());
    reeval_s = Since(t1);
    state.SetIterationTime(find_s + reeval_s);
  }

  // Nothing missed: every template whose answer the new list changes has its orders touched.
  long missed = 0, touched_unchanged = static_cast<long>(r.touched.size() - r.changed.size());
  long expected_delta_orders = 0;
  std::vector<bool> template_used(templates.size(), false), template_touched(templates.size(), false);
  for (long i = 0; i < n_orders; ++i) {
    template_used[template_of(i)] = true;
    expected_delta_orders += templates[template_of(i)].delta;
  }
  for (const auto& id : r.touched) template_touched[template_of(std::stol(id.substr(3)))] = true;
  for (size_t ti = 0; ti < templates.size(); ++ti) {
    ASSIGN_OR_RETURN(Transaction tx, new_engine->ParseTransaction(templates[ti].tx, "template"));
    ASSIGN_OR_RETURN(Context c, new_engine->ParseContext(json::object(), "context"));
    auto d = new_engine->Determine(std::move(tx), std::move(c), std::nullopt);
    if (template_used[ti] && OutcomeName(d->det.overall) != templates[ti].outcome && !template_touched[ti]) ++missed;
  }

  // The full re-run, on a uniform sample, rolled back.
  {
    std::vector<std::string> sample;
    for (long k = 0; k < n_sample; ++k) {
      char id[32];
      std::snprintf(id, sizeof id, "SO-%07ld", k * (n_orders / n_sample) + 1);
      sample.push_back(id);
    }
    store::Batch batch(store.get());
    RETURN_IF_ERROR(batch.Begin());
    auto t2 = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(auto all, desk.Reevaluate(sample, "full re-run (sample)", "bench"));
    full_s = Since(t2) * static_cast<double>(n_orders) / static_cast<double>(sample.size());
    (void)all;
  }

  state.counters["orders"] = static_cast<double>(n_orders);
  state.counters["deps_per_order"] = deps_total / static_cast<double>(n_orders);
  state.counters["seed_s"] = seed_s;
  state.counters["delta_orders"] = static_cast<double>(expected_delta_orders);
  state.counters["touched"] = static_cast<double>(r.touched.size());
  state.counters["changed"] = static_cast<double>(r.changed.size());
  state.counters["touched_unchanged"] = static_cast<double>(touched_unchanged);
  state.counters["find_s"] = find_s;
  state.counters["reeval_s"] = reeval_s;
  state.counters["full_rerun_s"] = full_s;
  state.counters["speedup"] = full_s / (find_s + reeval_s);
  state.SetLabel(store->Backend());
  if (missed > 0) return Internal(std::to_string(missed) + " template(s) changed by the delta were not touched");
  return Status::Ok();
}

void BM_W9_SdnDeltaReevaluate(benchmark::State& state) {
  Status s = Run(state);
  if (!s.ok()) state.SkipWithError(s.message().c_str());
}
BENCHMARK(BM_W9_SdnDeltaReevaluate)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace cordon
