// The what-if machinery on a small fixed dataset whose answers are worked out by hand.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cordon/engine/engine.h"
#include "cordon/whatif/flows.h"
#include "cordon/whatif/scenario.h"
#include "cordon/whatif/simulation.h"

namespace cordon::whatif {
namespace {

class WhatIfTest : public ::testing::Test {
 protected:
  static std::unique_ptr<Engine> Open(const Scenario* s) {
    EngineOptions o;
    o.home = FindHome(nullptr);
    o.trace = false;
    if (s) {
      o.extra_rules = s->rule_files;
      o.retire = s->retire;
    }
    auto e = Engine::Open(o);
    EXPECT_TRUE(e.ok()) << e.status().message();
    return e.ok() ? std::move(*e) : nullptr;
  }
  static std::string Home() { return FindHome(nullptr); }
};

TEST_F(WhatIfTest, ScenarioManifestsLoad) {
  for (const char* s : {"jp_persons", "nl_jp_reach", "kr_adopts_jp23"}) {
    auto sc = LoadScenario(Home() + "/scenarios/" + s + "/scenario.json");
    ASSERT_TRUE(sc.ok()) << sc.status().message();
    EXPECT_FALSE(sc->rationale.empty());
    EXPECT_EQ(sc->from.ToString(), "2025-01-01");
    EXPECT_NE(Open(&*sc), nullptr) << s;
  }
}

TEST_F(WhatIfTest, BadManifestNamesTheField) {
  auto dir = std::filesystem::temp_directory_path() / "cordon-whatif-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.json") << R"({"id":"x","title":"t","rationale":"r","from":"2025-02-30","rules":["a.rules"]})";
  auto sc = LoadScenario((dir / "bad.json").string());
  ASSERT_FALSE(sc.ok());
  EXPECT_NE(sc.status().message().find("from: '2025-02-30'"), std::string::npos) << sc.status().message();
  std::ofstream(dir / "missing.json") << R"({"id":"x","title":"t","rationale":"r","from":"2025-02-01","rules":["nope.rules"]})";
  sc = LoadScenario((dir / "missing.json").string());
  ASSERT_FALSE(sc.ok());
  EXPECT_NE(sc.status().message().find("rules[0]: 'nope.rules': no such rule file"), std::string::npos);
}

// Four flows of concern to an advanced CN logic fab, on 2025-03-17, worked out by hand:
//  F1 a Japanese etch tool (ETCO row 7, 3B001.c) shipped from JP: Japan requires a licence (row 7,
//     2023) and so does the US (3B001.c to CN is NS/RS-controlled only if subject; made in JP with no
//     US content it is not subject) -> caught in the baseline by JP.
//  F2 the same tool made in MY with Japanese technology, shipped from MY, no US content and no US
//     plant: no regime reaches it -> leaks via JP>MY>CN. The nl-jp-reach overlay brings Japan in -> caught.
//  F3 a Japanese engineer (employer JP) maintaining a wafer-cleaning tool (JP NOT_LISTED) at the fab:
//     the baseline JP technology rule needs a listed technology; nothing catches it -> leaks via JP>CN.
//     The jp-persons overlay catches it.
//  F4 a spare part (EAR99, JP NOT_LISTED) from KR to the fab: nothing catches it in any run.
constexpr const char* kFlows = R"(
{"id":"F1","concern":true,"transaction":{"id":"F1","date":"2025-03-17","activity":"export","ship_from":"JP","destination":"CN","exporter":{"name":"Example Seiki K.K.","country":"JP","headquarters":"JP"},"parties":[{"role":"end_user","name":"Example Advanced Logic Co., Ltd.","country":"CN","headquarters":"CN"}],"items":[{"id":"I1","kind":"commodity","quantity":1,"unit_value":{"amount":3000000,"currency":"USD"},"made_in":"JP","classification":{"US":"3B001.c","JP":"ETCO.T1.7.2023","NL":"NOT_LISTED","EU":"NOT_LISTED","KR":"NOT_LISTED","TW":"NOT_LISTED"},"us_content":{"controlled_value":{"amount":0,"currency":"USD"},"contains_us_ic":false,"contains_fdp_ic":false},"production":{"us_technology":[],"us_software":[],"plant_us_origin":false,"technology_origin":{"JP":["design"]}}}],"knowledge":{"informed":[],"aware":[],"suspects":[]},"end_use":{"facility":{"name":"Example Advanced Logic Fab","country":"CN","headquarters":"CN","ic":"logic","node_nm":7,"non_planar":true},"purpose":["production"]}}}
{"id":"F2","concern":true,"transaction":{"id":"F2","date":"2025-03-17","activity":"export","ship_from":"MY","destination":"CN","exporter":{"name":"Example Seiki Malaysia Sdn. Bhd.","country":"MY","headquarters":"JP"},"parties":[{"role":"end_user","name":"Example Advanced Logic Co., Ltd.","country":"CN","headquarters":"CN"}],"items":[{"id":"I1","kind":"commodity","quantity":1,"unit_value":{"amount":2000000,"currency":"USD"},"made_in":"MY","classification":{"US":"3B001.c","JP":"ETCO.T1.7.2023","NL":"NOT_LISTED","EU":"NOT_LISTED","KR":"NOT_LISTED","TW":"NOT_LISTED"},"us_content":{"controlled_value":{"amount":0,"currency":"USD"},"contains_us_ic":false,"contains_fdp_ic":false},"production":{"us_technology":[],"us_software":[],"plant_us_origin":false,"technology_origin":{"JP":["design"]}}}],"knowledge":{"informed":[],"aware":[],"suspects":[]},"end_use":{"facility":{"name":"Example Advanced Logic Fab","country":"CN","headquarters":"CN","ic":"logic","node_nm":7,"non_planar":true},"purpose":["production"]}}}
{"id":"F3","concern":true,"transaction":{"id":"F3","date":"2025-03-17","activity":"service","ship_from":"JP","destination":"CN","exporter":{"name":"Example Seiki K.K.","country":"JP","headquarters":"JP"},"parties":[{"role":"end_user","name":"Example Advanced Logic Co., Ltd.","country":"CN","headquarters":"CN"}],"items":[],"service":{"task":"maintain","performer":{"name":"Field engineer","nationalities":["JP"],"located_in":"CN","employer":{"name":"Example Seiki K.K.","country":"JP","headquarters":"JP"}},"equipment":{"id":"E1","kind":"commodity","quantity":1,"unit_value":{"amount":1000000,"currency":"USD"},"made_in":"JP","classification":{"US":"3B991","JP":"NOT_LISTED","NL":"NOT_LISTED","EU":"NOT_LISTED","KR":"NOT_LISTED","TW":"NOT_LISTED"},"us_content":{"controlled_value":{"amount":0,"currency":"USD"},"contains_us_ic":false,"contains_fdp_ic":false},"production":{"us_technology":[],"us_software":[],"plant_us_origin":false,"technology_origin":{"JP":["design"]}}}},"knowledge":{"informed":[],"aware":[],"suspects":[]},"end_use":{"facility":{"name":"Example Advanced Logic Fab","country":"CN","headquarters":"CN","ic":"logic","node_nm":7,"non_planar":true},"purpose":["production"]}}}
{"id":"F4","concern":true,"transaction":{"id":"F4","date":"2025-03-17","activity":"export","ship_from":"KR","destination":"CN","exporter":{"name":"Example Semitech Co., Ltd.","country":"KR","headquarters":"KR"},"parties":[{"role":"end_user","name":"Example Advanced Logic Co., Ltd.","country":"CN","headquarters":"CN"}],"items":[{"id":"I1","kind":"commodity","quantity":1,"unit_value":{"amount":10000,"currency":"USD"},"made_in":"KR","classification":{"US":"EAR99","JP":"NOT_LISTED","NL":"NOT_LISTED","EU":"NOT_LISTED","KR":"NOT_LISTED","TW":"NOT_LISTED"},"us_content":{"controlled_value":{"amount":0,"currency":"USD"},"contains_us_ic":false,"contains_fdp_ic":false},"production":{"us_technology":[],"us_software":[],"plant_us_origin":false,"technology_origin":{}}}],"knowledge":{"informed":[],"aware":[],"suspects":[]},"end_use":{"facility":{"name":"Example Advanced Logic Fab","country":"CN","headquarters":"CN","ic":"logic","node_nm":7,"non_planar":true},"purpose":["production"]}}}
)";

// A missing key reads as an empty tally, so a wrong expectation fails instead of throwing.
Tally Get(const std::map<std::string, Tally>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? Tally{} : it->second;
}

TEST_F(WhatIfTest, HandWorkedCaptureAndLeakage) {
  auto dir = std::filesystem::temp_directory_path() / "cordon-whatif-test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "flows.jsonl").string();
  std::ofstream(path) << kFlows;
  auto base = Open(nullptr);
  ASSERT_NE(base, nullptr);
  auto flows = LoadFlows(path, *base);
  ASSERT_TRUE(flows.ok()) << flows.status().message();
  ASSERT_EQ(flows->size(), 4u);
  EXPECT_EQ((*flows)[1].route, "JP>MY>CN");
  EXPECT_EQ((*flows)[0].value, 3000000);

  std::vector<Scenario> scenarios;
  std::vector<std::unique_ptr<Engine>> overlays;
  std::vector<const Engine*> engines{base.get()};
  for (const char* s : {"jp_persons", "nl_jp_reach"}) {
    auto sc = LoadScenario(Home() + "/scenarios/" + s + "/scenario.json");
    ASSERT_TRUE(sc.ok());
    overlays.push_back(Open(&*sc));
    engines.push_back(overlays.back().get());
    scenarios.push_back(*sc);
  }
  SimulationResult r = Simulate(*flows, engines, scenarios);
  SCOPED_TRACE(ToJson(r).dump(1));
  ASSERT_EQ(r.runs.size(), 3u);
  const RunSummary& b = r.runs[0];
  EXPECT_EQ(b.concern.count, 4);
  EXPECT_EQ(b.concern_caught.count, 1) << ToJson(r).dump(2);  // F1
  EXPECT_EQ(Get(b.caught_by_regime, "JP").count, 1);
  EXPECT_EQ(Get(b.leaks_by_route, "JP>MY>CN").count, 1);          // F2
  EXPECT_EQ(Get(b.leaks_by_route, "JP>CN").count, 1);             // F3
  EXPECT_EQ(Get(b.leaks_by_route, "KR>CN").count, 1);             // F4

  const RunSummary& persons = r.runs[1];
  EXPECT_EQ(persons.concern_caught.count, 2);  // F1, F3
  EXPECT_EQ(persons.newly_caught.count, 1);
  EXPECT_EQ(persons.leaks_by_route.count("JP>CN"), 0u);

  const RunSummary& reach = r.runs[2];
  EXPECT_EQ(reach.concern_caught.count, 2);  // F1, F2
  EXPECT_EQ(reach.newly_caught.value, 2000000);
  EXPECT_EQ(reach.leaks_by_route.count("JP>MY>CN"), 0u);
  EXPECT_EQ(Get(reach.leaks_by_route, "KR>CN").count, 1);

  // The two overlays together catch what each catches: F1, F2 and F3; F4 still leaks.
  auto both = LoadScenarios(Home() + "/scenarios/jp_persons/scenario.json+" + Home() + "/scenarios/nl_jp_reach/scenario.json");
  ASSERT_TRUE(both.ok()) << both.status().message();
  EXPECT_EQ(both->id, "jp-persons+nl-jp-reach");
  auto both_engine = Open(&*both);
  ASSERT_NE(both_engine, nullptr);
  SimulationResult combined = Simulate(*flows, {base.get(), both_engine.get()}, {*both});
  EXPECT_EQ(combined.runs[1].concern_caught.count, 3);
  EXPECT_EQ(Get(combined.runs[1].leaks_by_route, "KR>CN").count, 1);
  EXPECT_FALSE(LoadScenarios(Home() + "/scenarios/jp_persons/scenario.json+").ok());

  // Partitions merge to the same totals (the distributed run relies on it).
  SimulationResult merged;
  for (size_t i = 0; i < flows->size(); ++i) {
    std::vector<Flow> part{(*flows)[i]};
    Merge(Simulate(part, engines, scenarios), &merged);
  }
  EXPECT_EQ(ToJson(merged), ToJson(r));
  std::string html = RenderHtml(r);
  EXPECT_NE(html.find("nl-jp-reach"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

TEST_F(WhatIfTest, GeneratorIsDeterministicAndValid) {
  std::ostringstream a, b;
  ASSERT_TRUE(GenerateFlows(Home() + "/examples/whatif/flow_profile.json", 200, 7, a).ok());
  ASSERT_TRUE(GenerateFlows(Home() + "/examples/whatif/flow_profile.json", 200, 7, b).ok());
  EXPECT_EQ(a.str(), b.str());
  auto dir = std::filesystem::temp_directory_path() / "cordon-whatif-test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "gen.jsonl").string();
  std::ofstream(path) << a.str();
  auto base = Open(nullptr);
  auto flows = LoadFlows(path, *base);
  ASSERT_TRUE(flows.ok()) << flows.status().message();
  EXPECT_EQ(flows->size(), 200u);
}

}  // namespace
}  // namespace cordon::whatif
