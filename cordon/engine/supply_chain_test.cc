// The engine over a product catalogue (docs/supply-chain.md §5): an item naming a
// context.products product gets its de minimis content and FDP facts from the bill of
// materials, and the determination follows them — including when a deep part changes,
// when unknowns straddle a level and when they cannot matter.
#include "cordon/engine/supply_chain.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"

namespace cordon {
namespace {

using json = nlohmann::json;

// A Korean tool (1,000,000 USD) -> Japanese module -> Taiwanese board (x2) ->
// US AMP 3A001.b (x2 per board, `amp` USD each). A US cable 3A991 at the
// top (does not count to China). Nothing else is US-origin.
json Catalogue(const json& amp_value, const json& amp_made_in = "US") {
  json amp = {{"id", "AMP"}, {"classification", {{"US", "3A001.b"}}}, {"integrated_circuit", false},
               {"production", {{"us_technology", json::array()}, {"us_software", json::array()}}}};
  if (!amp_made_in.is_null()) amp["made_in"] = amp_made_in;
  if (!amp_value.is_null()) amp["unit_value"] = {{"amount", amp_value}, {"currency", "USD"}};
  auto part = [](const char* id, const char* made_in, const char* cls, double value, json components) {
    return json{{"id", id},
                {"made_in", made_in},
                {"classification", {{"US", cls}}},
                {"unit_value", {{"amount", value}, {"currency", "USD"}}},
                {"components", std::move(components)},
                {"integrated_circuit", false},
                {"production", {{"us_technology", json::array()}, {"us_software", json::array()}}}};
  };
  return {{"products",
           {part("TOOL", "KR", "3B991", 1000000,
                 {{{"product", "MOD"}, {"quantity", 1}}, {{"product", "CABLE"}, {"quantity", 2}}}),
            part("MOD", "JP", "EAR99", 400000, {{{"product", "BOARD"}, {"quantity", 2}}}),
            part("BOARD", "TW", "EAR99", 150000, {{{"product", "AMP"}, {"quantity", 2}}}),
            part("CABLE", "US", "3A991", 5000, json::array()), amp}}};
}

constexpr const char* kTx = R"({"id":"T","date":"2025-01-15","activity":"export","ship_from":"KR",
  "destination":"%DEST%","exporter":{"name":"Hanbit Semitech","country":"KR","headquarters":"KR"},
  "parties":[{"role":"end_user","name":"Lotus Microsystems","country":"%DEST%","headquarters":"%DEST%"}],
  "items":[{"id":"I","quantity":1,"product":"%PRODUCT%"}],"end_use":{"purpose":"civil"},
  "knowledge":{"informed":[],"aware":[],"suspects":[]}})";

class EngineSupplyChainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EngineOptions o;
    o.home = FindHome(nullptr);
    auto e = Engine::Open(o);
    ASSERT_TRUE(e.ok()) << e.status().message();
    engine_ = e->release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  // Determines kTx for `dest` over `catalogue` and returns the rendered JSON.
  json Run(const json& catalogue, const std::string& dest = "CN", const std::string& product = "TOOL") {
    std::string text = kTx;
    for (auto [key, val] : {std::pair<std::string, std::string>{"%DEST%", dest}, {"%PRODUCT%", product}}) {
      for (size_t at; (at = text.find(key)) != std::string::npos;) text.replace(at, key.size(), val);
    }
    auto j = ParseJsonText(text, "tx");
    EXPECT_TRUE(j.ok());
    auto tx = engine_->ParseTransaction(*j, "tx");
    EXPECT_TRUE(tx.ok()) << tx.status().message();
    auto ctx = engine_->ParseContext(catalogue, "context");
    EXPECT_TRUE(ctx.ok()) << ctx.status().message();
    last_check_ = engine_->CheckProducts(*tx, *ctx);
    if (!last_check_.ok()) return json();
    auto d = engine_->Determine(std::move(*tx), std::move(*ctx), std::nullopt);
    return engine_->RenderJson(*d);
  }

  static const Engine* engine_;
  Status last_check_;
};
const Engine* EngineSupplyChainTest::engine_ = nullptr;

const json& Us(const json& d) { return d["jurisdictions"]["US"]; }
const json& DeMinimis(const json& d) { return d["supply_chain"][0]["de_minimis"]; }

TEST_F(EngineSupplyChainTest, DeepPartDecidesAcrossTheTwentyFivePercentLevel) {
  // 4 AMPs per tool: 4 x 62,500 = 25.0 % -> at the level, not above it.
  json at = Run(Catalogue(62500));
  ASSERT_TRUE(at.contains("supply_chain")) << at.dump();
  EXPECT_DOUBLE_EQ(DeMinimis(at)["percent"]["low"].get<double>(), 25.0);
  EXPECT_EQ(Us(at)["outcome"], "NOT_SUBJECT") << Us(at).dump();
  // The AMP's price rises to 70,000: 28 % -> subject, and the derivation shows the deep path.
  json above = Run(Catalogue(70000));
  EXPECT_DOUBLE_EQ(DeMinimis(above)["percent"]["low"].get<double>(), 28.0);
  EXPECT_NE(Us(above)["outcome"], "NOT_SUBJECT") << Us(above).dump();
  const json& top = DeMinimis(above)["counted"][0];
  EXPECT_EQ(top["part"], "AMP");
  EXPECT_DOUBLE_EQ(top["quantity"].get<double>(), 4);
  EXPECT_EQ(top["path"], json({"TOOL", "MOD", "BOARD", "AMP"}));
  // The US cable does not count to China (3A991: AT only) and is listed as not counted.
  EXPECT_EQ(DeMinimis(above)["not_counted"][0]["part"], "CABLE");
}

TEST_F(EngineSupplyChainTest, SameProductTwoDestinations) {
  // The same catalogue: to China 3A001.b counts (28 %, decided). To Canada the Country Chart
  // data cannot tell whether 3A001.b counts without a finer paragraph, so the content is
  // 0-28 %, straddles 25 % and the US answer fails closed, naming the part and the fact.
  json cn = Run(Catalogue(70000), "CN");
  json ca = Run(Catalogue(70000), "CA");
  ASSERT_TRUE(ca.contains("supply_chain"));
  EXPECT_EQ(ca["supply_chain"][0]["destination"], "CA");
  EXPECT_TRUE(DeMinimis(cn)["decided"].get<bool>());
  EXPECT_DOUBLE_EQ(DeMinimis(ca)["percent"]["low"].get<double>(), 0);
  EXPECT_NEAR(DeMinimis(ca)["percent"]["high"].get<double>(), 28, 1e-9);
  EXPECT_EQ(Us(ca)["outcome"], "UNDETERMINED") << Us(ca).dump();
  ASSERT_FALSE(DeMinimis(ca)["missing"].empty());
  EXPECT_EQ(DeMinimis(ca)["missing"][0]["part"], "AMP");
  EXPECT_NE(DeMinimis(ca)["missing"][0]["fact"].get<std::string>().find("finer than 3A001.b"), std::string::npos);
}

TEST_F(EngineSupplyChainTest, UnknownValueThatStraddlesTheLevelLeavesUsUndetermined) {
  json d = Run(Catalogue(nullptr));
  EXPECT_EQ(Us(d)["outcome"], "UNDETERMINED") << Us(d).dump();
  const json& missing = DeMinimis(d)["missing"];
  ASSERT_FALSE(missing.empty());
  EXPECT_EQ(missing[0]["part"], "AMP");
  EXPECT_EQ(missing[0]["fact"], "unit_value");
  EXPECT_FALSE(DeMinimis(d)["decided"].get<bool>());
}

TEST_F(EngineSupplyChainTest, UnknownOriginThatCannotMatterDecidesNothing) {
  // The AMP's origin is unknown but, worth 1,000 USD, even as US content it is 0.4 %:
  // the unknown is named but the answer stands.
  json d = Run(Catalogue(1000, nullptr));
  EXPECT_EQ(Us(d)["outcome"], "NOT_SUBJECT") << Us(d).dump();
  EXPECT_TRUE(DeMinimis(d)["decided"].get<bool>());
  const json& missing = DeMinimis(d)["missing"];
  ASSERT_FALSE(missing.empty());
  EXPECT_EQ(missing[0]["fact"], "made_in");
}

TEST_F(EngineSupplyChainTest, UnknownOriginThatDecidesLeavesUsUndetermined) {
  // A 200,000 USD amplifier of unknown origin, four per tool: as US content the tool is at
  // 80 %, as foreign content at 0 %; the rules cannot be given one number -> UNDETERMINED.
  json d = Run(Catalogue(200000, nullptr));
  EXPECT_EQ(Us(d)["outcome"], "UNDETERMINED") << Us(d).dump();
}

TEST_F(EngineSupplyChainTest, ProductNotInCatalogueIsBadInput) {
  Run(Catalogue(70000), "CN", "NOPE");
  ASSERT_FALSE(last_check_.ok());
  EXPECT_NE(last_check_.message().find("items[0].product"), std::string::npos) << last_check_.message();
}

}  // namespace
}  // namespace cordon
