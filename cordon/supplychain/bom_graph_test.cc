#include "cordon/supplychain/bom_graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cordon/supplychain/catalog_loader.h"

namespace cordon::supplychain {
namespace {

using ::testing::HasSubstr;

BomGraph Build(const char* json, GraphOptions options = {}) {
  auto c = LoadCatalogJson(json, "t.json");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  auto g = BomGraph::FromCatalog(c->catalog, options);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::move(g).value();
}

constexpr const char* kTree = R"([
  {"id": "TOP", "made_in": "KR", "unit_value": {"amount": 1000, "currency": "USD"},
   "components": [{"product": "MOD", "quantity": 2}, {"product": "SCREW", "quantity": 10}]},
  {"id": "MOD", "made_in": "MY", "unit_value": {"amount": 100, "currency": "USD"},
   "components": [{"product": "SCREW", "quantity": 4}, {"product": "CHIP", "quantity": 1}]},
  {"id": "CHIP", "made_in": "US", "classification": {"US": "3A001.a"},
   "unit_value": {"amount": 9000, "currency": "JPY"}},
  {"id": "SCREW", "made_in": "CN", "classification": {"US": "EAR99"},
   "unit_value": {"amount": 1, "currency": "EUR"}}
])";

TEST(BomGraph, ChildrenComeBeforeParents) {
  BomGraph g = Build(kTree);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g.edge_count(), 4u);
  for (NodeId n = 0; n < g.size(); ++n) {
    for (NodeId c : g.children(n)) EXPECT_LT(c, n);
    for (const ParentEdge& p : g.parents(n)) EXPECT_GT(p.parent, n);
  }
  NodeId top = g.Find("TOP");
  EXPECT_EQ(top, g.size() - 1);
  EXPECT_EQ(g.id(top), "TOP");
  EXPECT_EQ(g.Find("NOPE"), kNoNode);
  NodeId screw = g.Find("SCREW");
  ASSERT_EQ(g.parents(screw).size(), 2u);
  // The quantity of SCREW in each assembly rides with the assembly.
  EXPECT_EQ(g.id(g.parents(screw)[0].parent), "MOD");
  EXPECT_EQ(g.id(g.parents(screw)[1].parent), "TOP");
  EXPECT_EQ(g.parents(screw)[1].quantity, 10);
  EXPECT_EQ(g.parents(screw)[0].parent_origin, Origin::kForeign);
  auto q = g.quantities(top);
  auto ch = g.children(top);
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(g.id(ch[0]), "MOD");
  EXPECT_EQ(q[0], 2);
  EXPECT_EQ(q[1], 10);
}

TEST(BomGraph, FactsAndCurrencies) {
  GraphOptions o;
  o.base_currency = Symbol::Intern("USD");
  o.rates = {{Symbol::Intern("JPY"), 0.0065}};
  BomGraph g = Build(kTree, o);
  NodeId chip = g.Find("CHIP");
  EXPECT_EQ(g.origin(chip), Origin::kUs);
  EXPECT_EQ(g.classification(chip).text(), "3A001.a");
  EXPECT_EQ(g.value_state(chip), ValueState::kKnown);
  EXPECT_NEAR(g.value(chip), 58.5, 1e-9);
  NodeId screw = g.Find("SCREW");
  EXPECT_EQ(g.origin(screw), Origin::kForeign);
  EXPECT_EQ(g.value_state(screw), ValueState::kNoRate);  // EUR has no rate
  EXPECT_EQ(g.value_currency(screw).text(), "EUR");
  EXPECT_EQ(g.class_symbol(0), Symbol());
}

TEST(BomGraph, SetFactsKeepsTheOriginInParentListsCurrent) {
  // The incremental rollup reads an assembly's origin from its components'
  // parent lists, not from the assembly.
  BomGraph g = Build(kTree);
  const NodeId mod = g.Find("MOD"), top = g.Find("TOP");
  g.SetFacts(mod, {Symbol::Intern("US"), Symbol(), PartKind::kCommodity, Money{100, Symbol::Intern("USD")}});
  g.SetFacts(top, {Symbol(), Symbol(), PartKind::kCommodity, std::nullopt});
  for (NodeId n = 0; n < g.size(); ++n) {
    for (const ParentEdge& p : g.parents(n)) EXPECT_EQ(p.parent_origin, g.origin(p.parent)) << g.id(n);
  }
  const NodeId screw = g.Find("SCREW");
  EXPECT_EQ(g.parents(screw)[0].parent_origin, Origin::kUs);
  EXPECT_EQ(g.parents(screw)[1].parent_origin, Origin::kUnknown);
}

TEST(BomGraph, SetFactsChangesOnlyThatPart) {
  BomGraph g = Build(kTree);
  NodeId chip = g.Find("CHIP");
  PartFacts f;
  f.made_in = Symbol::Intern("TW");
  f.classification = Symbol::Intern("3A991");
  f.value = Money{12, Symbol::Intern("USD")};
  g.SetFacts(chip, f);
  EXPECT_EQ(g.origin(chip), Origin::kForeign);
  EXPECT_EQ(g.classification(chip).text(), "3A991");
  EXPECT_EQ(g.value(chip), 12);
}

TEST(BomGraph, BuilderRejectsCycleAndDuplicate) {
  BomGraph::Builder b;
  uint32_t a = b.AddPart("A", {});
  uint32_t c = b.AddPart("C", {});
  b.AddComponent(a, c, 1);
  b.AddComponent(c, a, 1);
  auto g = std::move(b).Build();
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.status().message(), HasSubstr("cycle"));

  BomGraph::Builder d;
  d.AddPart("X", {});
  d.AddPart("X", {});
  auto h = std::move(d).Build();
  ASSERT_FALSE(h.ok());
  EXPECT_THAT(h.status().message(), HasSubstr("duplicate part id 'X'"));
}

TEST(BomGraph, FromCatalogReportsRows) {
  ProductCatalog c;
  Product a;
  a.id = "A";
  a.source = {"parts.csv", "2"};
  a.components.push_back({"B", 1, {"bom.csv", "7"}});
  ASSERT_TRUE(c.Add(a).ok());
  auto g = BomGraph::FromCatalog(c);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.status().message(), HasSubstr("bom.csv:7: error: component 'B'"));
}

TEST(BomGraph, MadeWithIsResolvedToNodes) {
  BomGraph g = Build(R"([{"id": "P", "production": {"made_with": ["T"]}},
                         {"id": "T", "production": {"us_technology": ["3E001"]}}])");
  const NodeLineage* lin = g.lineage(g.Find("P"));
  ASSERT_NE(lin, nullptr);
  ASSERT_TRUE(lin->made_with.has_value());
  EXPECT_EQ((*lin->made_with)[0], g.Find("T"));
  EXPECT_EQ(g.lineage(g.Find("T"))->us_technology->size(), 1u);
}

}  // namespace
}  // namespace cordon::supplychain
