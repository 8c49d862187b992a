// The evaluator's contract on small rule files over the real reference data: three-valued logic,
// missing facts named, versions selected by date, policies failing closed.
#include "cordon/rules/evaluator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"

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
