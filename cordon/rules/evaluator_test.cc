// The evaluator's contract on small rule files over the real reference data: three-valued logic,
// missing facts named, versions selected by date, policies failing closed.
#include "cordon/rules/evaluator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>

#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"

// Counts the allocations of this test binary, to check that a warmed-up evaluator makes none.
// Not under ASan: its own operator new serves the shared libraries, and their blocks would come
// back to the free() below.
static std::atomic<long> g_allocations{0};
#ifndef __SANITIZE_ADDRESS__
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // it is malloc's, from the operator new above
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
#endif

namespace cordon {
namespace {

namespace fs = std::filesystem;

class EvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cordon_eval_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Engine> Open(const std::string& rules_text) {
    std::ofstream(dir_ / "t.rules") << rules_text;
    EngineOptions o;
    o.home = FindHome(nullptr);
    o.extra_rules = {(dir_ / "t.rules").string()};
    auto e = Engine::Open(o);
    EXPECT_TRUE(e.ok()) << e.status().message();
    return e.ok() ? std::move(*e) : nullptr;
  }

  std::unique_ptr<Decision> Run(const Engine& e, const std::string& tx_json) {
    auto j = ParseJsonText(tx_json, "tx");
    EXPECT_TRUE(j.ok());
    auto tx = e.ParseTransaction(*j, "tx");
    EXPECT_TRUE(tx.ok()) << tx.status().message();
    return e.Determine(std::move(*tx), Context(), std::nullopt);
  }

  const Jurisdiction& Jur(const Decision& d, const char* regime) {
    for (const auto& j : d.det.jurisdictions) {
      if (j.regime.text() == regime) return j;
    }
    ADD_FAILURE() << "no jurisdiction " << regime;
    return d.det.jurisdictions[0];
  }

  fs::path dir_;
};

constexpr const char* kTx = R"({"id":"T","date":"%DATE%","activity":"export","ship_from":"TW","destination":"CN",
  "exporter":{"name":"X","country":"TW","headquarters":"TW"},
  "parties":[{"role":"end_user","name":"Test Fab","country":"CN","headquarters":"CN"}],
  "items":[{"id":"I","quantity":1,"made_in":"TW","classification":{"TW":"3B001.c"}}],
  "end_use":{"facility":{"name":"F","country":"CN","ic":"logic"%FAC%},"purpose":"production"}})";

std::string Tx(const std::string& date, const std::string& fac = "") {
  std::string s = kTx;
  s.replace(s.find("%DATE%"), 6, date);
  s.replace(s.find("%FAC%"), 5, fac);
  return s;
}

constexpr const char* kRule = R"(
rule t.node {
  regime TW
  stage end_use
  cite "test 1"
  from 2024-01-01
  until 2025-01-01
  verified true
  when facility.non_planar or facility.node_nm <= 16
  outcome LICENSE_REQUIRED
  policy { PRESUMPTION_OF_DENIAL when facility.headquarters == "CN"; CASE_BY_CASE }
  explain "t"
}
)";

TEST_F(EvaluatorTest, UnknownFactMakesTheRuleUndeterminedAndNamesIt) {
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  auto d = Run(*e, Tx("2024-06-01"));
  const Jurisdiction& tw = Jur(*d, "TW");
  bool found = false;
  for (const auto& r : tw.reasons) {
    if (e->rules().rules()[r.rule].id == "t.node") {
      found = true;
      EXPECT_EQ(r.outcome, Outcome::kUndetermined);
    }
  }
  EXPECT_TRUE(found);
  auto json = e->RenderJson(*d);
  std::string missing = json["jurisdictions"]["TW"]["missing"].dump();
  EXPECT_NE(missing.find("end_use.facility.non_planar"), std::string::npos) << missing;
  EXPECT_NE(missing.find("end_use.facility.node_nm"), std::string::npos) << missing;
}

TEST_F(EvaluatorTest, OneTrueSideDecidesAnOrAndDropsTheMissingFact) {
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  auto d = Run(*e, Tx("2024-06-01", R"(,"non_planar":true,"headquarters":"CN")"));
  auto json = e->RenderJson(*d);
  bool fired = false;
  for (const auto& r : json["jurisdictions"]["TW"]["reasons"]) {
    if (r["rule"] == "t.node") {
      fired = true;
      EXPECT_EQ(r["outcome"], "LICENSE_REQUIRED");
      EXPECT_EQ(r["review_policy"], "PRESUMPTION_OF_DENIAL");
    }
  }
  EXPECT_TRUE(fired);
  EXPECT_EQ(json["jurisdictions"]["TW"]["missing"].dump().find("node_nm"), std::string::npos);
}

TEST_F(EvaluatorTest, FalseSideDecidesAnAnd) {
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  auto d = Run(*e, Tx("2024-06-01", R"(,"non_planar":false,"node_nm":28)"));
  for (const auto& r : Jur(*d, "TW").reasons) EXPECT_NE(e->rules().rules()[r.rule].id, "t.node");
}

TEST_F(EvaluatorTest, UnknownPolicyConditionGivesTheStrictestPolicy) {
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  auto d = Run(*e, Tx("2024-06-01", R"(,"non_planar":true)"));  // headquarters unknown
  int seen = 0;
  for (const auto& r : Jur(*d, "TW").reasons) {
    if (e->rules().rules()[r.rule].id == "t.node") {
      EXPECT_EQ(r.policy, ReviewPolicy::kPresumptionOfDenial);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 1);
}

TEST_F(EvaluatorTest, RulesApplyOnlyInTheirInterval) {
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  for (const char* date : {"2023-12-31", "2025-01-01"}) {
    auto d = Run(*e, Tx(date, R"(,"non_planar":true)"));
    for (const auto& r : Jur(*d, "TW").reasons) EXPECT_NE(e->rules().rules()[r.rule].id, "t.node") << date;
  }
  auto d = Run(*e, Tx("2024-12-31", R"(,"non_planar":true)"));
  bool fired = false;
  for (const auto& r : Jur(*d, "TW").reasons) fired = fired || e->rules().rules()[r.rule].id == "t.node";
  EXPECT_TRUE(fired);
}

// Two items of the same kind: the scope rules run once per item.
std::string TwoItemTx() {
  std::string s = Tx("2024-06-01");
  const std::string item = R"({"id":"I","quantity":1,"made_in":"TW","classification":{"TW":"3B001.c"}})";
  s.replace(s.find(item), item.size(), item + "," + R"({"id":"J","quantity":2,"made_in":"TW","classification":{"TW":"3B001.c"}})");
  return s;
}

// The trace is written by index into a buffer sized to its bound and cut to what was written: a
// determination evaluated into a reused Determination after a longer one must carry exactly the
// steps a fresh one does, and a trace-less evaluator must leave none behind.
TEST_F(EvaluatorTest, ReusedTraceHoldsExactlyTheStepsOfTheLastDetermination) {
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  auto two = Run(*e, TwoItemTx());
  auto one = Run(*e, Tx("2024-06-01"));
  ASSERT_EQ(two->input.units.size(), 2u);
  Evaluator ev(e->rules(), EvaluatorOptions{true});
  Determination fresh;
  ev.Evaluate(one->input, one->licences, &fresh);
  ASSERT_FALSE(fresh.trace.empty());
  size_t bound = 0;  // every rule in force at most once per item
  for (size_t ri = 0; ri < e->rules().regimes().size(); ++ri) bound += e->rules().InForce(static_cast<int>(ri), one->date).rules.size();
  EXPECT_LE(fresh.trace.size(), bound);
  for (const TraceStep& s : fresh.trace) {
    EXPECT_GE(s.rule, 0);
    EXPECT_LT(s.rule, static_cast<int>(e->rules().rules().size()));
    EXPECT_EQ(s.unit, 0);
  }
  Determination reused;
  ev.Evaluate(two->input, two->licences, &reused);
  EXPECT_GT(reused.trace.size(), fresh.trace.size());
  ev.Evaluate(one->input, one->licences, &reused);
  ASSERT_EQ(reused.trace.size(), fresh.trace.size());
  for (size_t i = 0; i < fresh.trace.size(); ++i) {
    EXPECT_EQ(reused.trace[i].rule, fresh.trace[i].rule) << i;
    EXPECT_EQ(reused.trace[i].unit, fresh.trace[i].unit) << i;
    EXPECT_EQ(reused.trace[i].result, fresh.trace[i].result) << i;
  }
  Evaluator quiet(e->rules(), EvaluatorOptions{false});
  quiet.Evaluate(two->input, two->licences, &reused);
  EXPECT_TRUE(reused.trace.empty());
}

// A regime that does not reach the act shows one 'else' line per scope rule that has one, in
// rule order, whatever the number of items; they are kept as small records (no evidence) and
// ForEachNotReached gives them back as reasons.
TEST_F(EvaluatorTest, NotReachedKeepsOneElseLinePerScopeRule) {
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  auto d = Run(*e, TwoItemTx());
  const RuleSet& rs = e->rules();
  int checked = 0;
  for (const Jurisdiction& j : d->det.jurisdictions) {
    for (const auto& n : j.not_reached) {
      if (n.full >= 0) {
        ASSERT_LT(n.full, static_cast<int>(j.not_reached_full.size()));
        EXPECT_EQ(j.not_reached_full[n.full].rule, n.rule);
        EXPECT_EQ(j.not_reached_full[n.full].outcome, n.outcome);
      }
    }
    if (j.outcome != Outcome::kNotSubject) continue;
    // Not reached: every scope rule was false for every item, so the 'else' lines are those of
    // the scope rules with one, each on the first item.
    std::vector<int> want;
    const RuleSet::ActiveRules& active = rs.InForce(j.regime_index, d->date);
    for (int idx : active.rules) {
      const Rule& r = rs.rules()[idx];
      if (r.stage <= Stage::kScope && r.effect != Effect::kClassify && !r.otherwise.empty()) want.push_back(idx);
    }
    std::vector<int> got;
    j.ForEachNotReached([&](const Reason& r) {
      got.push_back(r.rule);
      EXPECT_EQ(r.unit, 0);
      EXPECT_EQ(r.outcome, Outcome::kNotSubject);
    });
    EXPECT_EQ(got, want) << j.regime.text();
    if (!want.empty()) ++checked;
    auto json = e->RenderJson(*d);
    const auto& reasons = json["jurisdictions"][std::string(j.regime.text())]["reasons"];
    ASSERT_EQ(reasons.size(), want.size()) << j.regime.text();
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(reasons[i]["rule"], rs.rules()[want[i]].id);
      EXPECT_EQ(reasons[i]["because"].get<std::string>().empty(), false);
    }
  }
  EXPECT_GT(checked, 0) << "no regime left the act unreached: the test checks nothing";
}

// The trace, the not-reached records and the reasons reuse the Determination's buffers.
TEST_F(EvaluatorTest, AWarmedUpEvaluatorAllocatesNothing) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "allocations are counted in the release build only";
#endif
  auto e = Open(kRule);
  ASSERT_TRUE(e);
  auto two = Run(*e, TwoItemTx());
  auto one = Run(*e, Tx("2024-06-01", R"(,"non_planar":true)"));
  Evaluator ev(e->rules(), EvaluatorOptions{true});
  Determination det;
  for (int pass = 0; pass < 2; ++pass) {
    const long before = g_allocations.load();
    for (const Decision* d : {two.get(), one.get(), two.get()}) ev.Evaluate(const_cast<Decision*>(d)->input, d->licences, &det);
    if (pass == 1) EXPECT_EQ(g_allocations.load() - before, 0);
    else EXPECT_GT(g_allocations.load() - before, 0);  // the counter sees the first pass's buffers
  }
}

TEST_F(EvaluatorTest, LoadErrorsNameFileLineColumn) {
  std::ofstream(dir_ / "t.rules") << "rule t.bad {\n  regime TW\n  stage end_use\n  cite \"x\"\n  from 2024-01-01\n"
                                     "  verified true\n  when facility.node_nm == \"7\"\n  outcome LICENSE_REQUIRED\n  explain \"x\"\n}\n";
  EngineOptions o;
  o.home = FindHome(nullptr);
  o.extra_rules = {(dir_ / "t.rules").string()};
  auto e = Engine::Open(o);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("t.rules:7:"), std::string::npos) << e.status().message();
  EXPECT_NE(e.status().message().find("cannot compare number with string"), std::string::npos) << e.status().message();
}

}  // namespace
}  // namespace cordon
