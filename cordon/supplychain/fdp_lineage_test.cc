#include "cordon/supplychain/fdp_lineage.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cordon/supplychain/catalog_loader.h"

namespace cordon::supplychain {
namespace {

using ::testing::HasSubstr;

BomGraph Build(const char* json) {
  auto c = LoadCatalogJson(json, "t.json");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  auto g = BomGraph::FromCatalog(c->catalog);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::move(g).value();
}

EccnList List(std::initializer_list<const char*> entries) {
  std::vector<Symbol> v;
  for (const char* e : entries) v.push_back(Symbol::Intern(e));
  return EccnList(std::move(v));
}

// The contains test of the SME FDP / Footnote 5 rules covers ICs; here, as
// data for the test, anything classified 3A001 or 3A991.
Tri IsIc(const PartView& p) {
  if (p.classification.empty()) return Tri::kUnknown;
  std::string_view c = p.classification.text();
  return c.rfind("3A001", 0) == 0 || c.rfind("3A991", 0) == 0 ? Tri::kTrue : Tri::kFalse;
}

constexpr const char* kCatalog = R"([
  {"id": "LITHO-7", "made_in": "NL", "classification": {"US": "3B001.f.1"},
   "production": {"us_technology": ["3E001"], "us_software": []}},
  {"id": "ETCHER-EU", "made_in": "DE", "production": {"us_technology": [], "us_software": []}},
  {"id": "MYSTERY-TOOL", "made_in": "JP"},
  {"id": "FAB-LINE", "made_in": "TW", "production": {"us_technology": [], "us_software": []},
   "components": [{"product": "ETCHER-EU"}, {"product": "DEPO-US-TECH"}]},
  {"id": "DEPO-US-TECH", "made_in": "KR", "production": {"us_technology": ["3E001.a"], "us_software": []}},

  {"id": "IC-FAB-US-TOOLS", "made_in": "TW", "classification": {"US": "3A991"},
   "production": {"us_technology": [], "us_software": [], "made_with": ["ETCHER-EU", "LITHO-7"]}},
  {"id": "IC-CLEAN", "made_in": "JP", "classification": {"US": "3A991"},
   "production": {"us_technology": [], "us_software": [], "made_with": ["ETCHER-EU"]}},
  {"id": "IC-UNKNOWN-FAB", "made_in": "CN", "classification": {"US": "3A991"}},
  {"id": "IC-LINE", "made_in": "TW", "classification": {"US": "3A991"},
   "production": {"us_technology": [], "us_software": [], "made_with": ["FAB-LINE"]}},
  {"id": "IC-STATED", "made_in": "TW", "classification": {"US": "3A991"},
   "production": {"plant_us_origin": true}},
  {"id": "IC-MYSTERY-TOOL", "made_in": "TW", "classification": {"US": "3A991"},
   "production": {"us_technology": [], "us_software": [], "made_with": ["MYSTERY-TOOL"]}},

  {"id": "BOARD", "made_in": "MY", "classification": {"US": "EAR99"},
   "components": [{"product": "IC-FAB-US-TOOLS", "quantity": 4}]},
  {"id": "MODULE", "made_in": "MY", "classification": {"US": "EAR99"},
   "components": [{"product": "BOARD"}]},
  {"id": "TOOL-CONTAINS", "made_in": "KR", "classification": {"US": "3B001.c"},
   "production": {"us_technology": [], "us_software": [], "plant_us_origin": false},
   "components": [{"product": "MODULE"}, {"product": "IC-CLEAN"}]},
  {"id": "TOOL-CLEAN", "made_in": "JP", "classification": {"US": "3B001.c"},
   "production": {"us_technology": [], "us_software": [], "plant_us_origin": false},
   "components": [{"product": "IC-CLEAN"}]},
  {"id": "TOOL-UNKNOWN-IC", "made_in": "JP", "classification": {"US": "3B001.c"},
   "production": {"us_technology": [], "us_software": [], "plant_us_origin": false},
   "components": [{"product": "IC-UNKNOWN-FAB"}, {"product": "IC-CLEAN"}]},
  {"id": "TOOL-DIRECT", "made_in": "KR", "production": {"us_technology": ["3E001"], "us_software": []}},
  {"id": "TOOL-DIRECT-SW", "made_in": "KR", "production": {"us_software": ["3D001.b"]}},
  {"id": "TOOL-NO-LINEAGE", "made_in": "KR"},
  {"id": "SELF-MADE", "made_in": "NL", "production": {"us_technology": [], "us_software": [],
   "made_with": ["SELF-MADE"]}}
])";

class FdpTest : public ::testing::Test {
 protected:
  FdpTest()
      : graph_(Build(kCatalog)),
        fdp_(graph_),
        // SME-FDP-like lists (the real ones come from the rule files).
        direct_(List({"3D992", "3E992"})),
        plant_(List({"3D001", "3E001", "3E992"})),
        fn1_direct_(List({"3D001", "3E001"})),
        ic_(IsIc) {
    sme_ = {&direct_, &plant_, &ic_};
    fn1_ = {&fn1_direct_, &plant_, nullptr};
  }

  FdpResult Eval(const char* id, const FdpInputs& in) {
    NodeId n = graph_.Find(id);
    EXPECT_NE(n, kNoNode) << id;
    return fdp_.Evaluate(n, in);
  }

  BomGraph graph_;
  FdpLineage fdp_;
  EccnList direct_, plant_, fn1_direct_;
  ContainsTestFn<Tri (*)(const PartView&)> ic_;
  FdpInputs sme_, fn1_;
};

TEST_F(FdpTest, DirectProductProngDependsOnTheRulesList) {
  FdpResult fn1 = Eval("TOOL-DIRECT", fn1_);
  EXPECT_EQ(fn1.direct.value, Tri::kTrue);
  EXPECT_EQ(fn1.direct.because, "direct product of US-origin technology 3E001");
  EXPECT_EQ(fn1.any(), Tri::kTrue);
  // The SME FDP direct-product list is 3D992/3E992 only.
  EXPECT_EQ(Eval("TOOL-DIRECT", sme_).direct.value, Tri::kFalse);
  // A sub-paragraph matches its ECCN.
  FdpResult sw = Eval("TOOL-DIRECT-SW", fn1_);
  EXPECT_EQ(sw.direct.value, Tri::kTrue);
  EXPECT_EQ(sw.direct.because, "direct product of US-origin software 3D001.b");
}

TEST_F(FdpTest, NoLineageIsUnknownNotNo) {
  FdpResult r = Eval("TOOL-NO-LINEAGE", fn1_);
  EXPECT_EQ(r.direct.value, Tri::kUnknown);
  ASSERT_EQ(r.direct.missing.size(), 2u);
  EXPECT_EQ(r.direct.missing[0].part, "TOOL-NO-LINEAGE");
  EXPECT_EQ(r.direct.missing[0].fact, "production.us_technology");
  EXPECT_EQ(r.plant.value, Tri::kUnknown);
  EXPECT_EQ(r.any(), Tri::kUnknown);
  // us_technology known but us_software unstated: still unknown.
  FdpResult sw = Eval("TOOL-DIRECT-SW", sme_);
  EXPECT_EQ(sw.direct.value, Tri::kUnknown);
  EXPECT_EQ(sw.direct.missing[0].fact, "production.us_technology");
}

TEST_F(FdpTest, PlantProngThroughAToolsLineage) {
  FdpResult r = Eval("IC-FAB-US-TOOLS", fn1_);
  EXPECT_EQ(r.direct.value, Tri::kFalse);
  EXPECT_EQ(r.plant.value, Tri::kTrue);
  EXPECT_EQ(PathToString(r.plant.path), "IC-FAB-US-TOOLS made with LITHO-7");
  EXPECT_EQ(r.plant.because, "direct product of US-origin technology 3E001");
  // Tools without listed US technology: a complete made_with list says no.
  EXPECT_EQ(Eval("IC-CLEAN", fn1_).plant.value, Tri::kFalse);
  // A plant stated.
  FdpResult s = Eval("IC-STATED", fn1_);
  EXPECT_EQ(s.plant.value, Tri::kTrue);
  EXPECT_THAT(s.plant.because, HasSubstr("plant_us_origin"));
}

TEST_F(FdpTest, PlantProngThroughAMajorComponentOfAPlant) {
  FdpResult r = Eval("IC-LINE", fn1_);
  EXPECT_EQ(r.plant.value, Tri::kTrue);
  EXPECT_EQ(PathToString(r.plant.path), "IC-LINE made with FAB-LINE contains DEPO-US-TECH");
  EXPECT_EQ(r.plant.because, "direct product of US-origin technology 3E001.a (a major component)");
}

TEST_F(FdpTest, PlantProngUnknownToolNamesTheTool) {
  FdpResult r = Eval("IC-MYSTERY-TOOL", fn1_);
  EXPECT_EQ(r.plant.value, Tri::kUnknown);
  ASSERT_FALSE(r.plant.missing.empty());
  EXPECT_EQ(r.plant.missing[0].part, "MYSTERY-TOOL");
  EXPECT_EQ(r.plant.missing[0].fact, "production.us_technology");
  EXPECT_THAT(r.plant.missing[0].path, ::testing::ElementsAre("IC-MYSTERY-TOOL", "MYSTERY-TOOL"));
}

TEST_F(FdpTest, ContainsProngThreeTiersDown) {
  FdpResult r = Eval("TOOL-CONTAINS", sme_);
  EXPECT_EQ(r.direct.value, Tri::kFalse);
  EXPECT_EQ(r.plant.value, Tri::kFalse);
  EXPECT_EQ(r.contains.value, Tri::kTrue);
  EXPECT_EQ(PathToString(r.contains.path),
            "TOOL-CONTAINS contains MODULE contains BOARD contains IC-FAB-US-TOOLS made with LITHO-7");
  EXPECT_EQ(r.contains.because, "direct product of US-origin technology 3E001");
  EXPECT_EQ(r.any(), Tri::kTrue);
  // A rule without a contains prong (Footnote 1) does not look inside.
  EXPECT_EQ(Eval("TOOL-CONTAINS", fn1_).contains.value, Tri::kFalse);
}

TEST_F(FdpTest, ContainsProngFalseAndUnknown) {
  FdpResult clean = Eval("TOOL-CLEAN", sme_);
  EXPECT_EQ(clean.contains.value, Tri::kFalse);
  EXPECT_EQ(clean.any(), Tri::kFalse);
  FdpResult unk = Eval("TOOL-UNKNOWN-IC", sme_);
  EXPECT_EQ(unk.contains.value, Tri::kUnknown);
  ASSERT_FALSE(unk.contains.missing.empty());
  EXPECT_EQ(unk.contains.missing[0].part, "IC-UNKNOWN-FAB");
  EXPECT_EQ(unk.contains.missing[0].fact, "production.made_with");
  EXPECT_THAT(unk.contains.missing[0].path,
              ::testing::ElementsAre("TOOL-UNKNOWN-IC", "IC-UNKNOWN-FAB"));
}

TEST_F(FdpTest, ToolMadeWithItselfTerminates) {
  FdpResult r = Eval("SELF-MADE", fn1_);
  EXPECT_EQ(r.plant.value, Tri::kFalse);
}

TEST_F(FdpTest, InlineItemWithMadeWith) {
  NodeLineage lin;
  lin.us_technology.emplace();
  lin.us_software.emplace();
  lin.made_with = std::vector<NodeId>{graph_.Find("LITHO-7")};
  std::vector<NodeId> comps{graph_.Find("IC-CLEAN")};
  FdpResult r = fdp_.EvaluateItem("SO-1/ETCH", lin, comps, sme_);
  EXPECT_EQ(r.plant.value, Tri::kTrue);
  EXPECT_EQ(PathToString(r.plant.path), "SO-1/ETCH made with LITHO-7");
  EXPECT_EQ(r.contains.value, Tri::kFalse);
}

TEST(EccnList, MatchesParagraphsNotPrefixesOfOtherNumbers) {
  EccnList l = List({"3E001", "3D992"});
  EXPECT_TRUE(l.Matches(Symbol::Intern("3E001")));
  EXPECT_TRUE(l.Matches(Symbol::Intern("3E001.a.1")));
  EXPECT_FALSE(l.Matches(Symbol::Intern("3E0011")));
  EXPECT_FALSE(l.Matches(Symbol::Intern("3E002")));
  EXPECT_FALSE(l.Matches(Symbol()));
  EXPECT_FALSE(EccnList().Matches(Symbol::Intern("3E001")));
}

}  // namespace
}  // namespace cordon::supplychain
