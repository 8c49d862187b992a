#include "cordon/supplychain/de_minimis.h"

#include <cmath>
#include <random>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cordon/supplychain/catalog_loader.h"

namespace cordon::supplychain {
namespace {

using ::testing::ElementsAre;

BomGraph Build(const std::string& json) {
  auto c = LoadCatalogJson(json, "t.json");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  auto g = BomGraph::FromCatalog(c->catalog);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::move(g).value();
}

// The rules' answer for one destination, as data: the classifications that
// count. (The real sets come from the rule files.)
class SetPolicy : public ContentPolicy {
 public:
  explicit SetPolicy(std::set<std::string> counted) : counted_(std::move(counted)) {}
  bool Counts(Symbol c, PartKind) const override {
    ++calls;
    return counted_.count(std::string(c.text())) > 0;
  }
  mutable int calls = 0;

 private:
  std::set<std::string> counted_;
};

std::string P(const std::string& id, const std::string& made_in, const std::string& us_class,
              double value, const std::string& components = "") {
  std::string s = "{\"id\": \"" + id + "\"";
  if (!made_in.empty()) s += ", \"made_in\": \"" + made_in + "\"";
  if (!us_class.empty()) s += ", \"classification\": {\"US\": \"" + us_class + "\"}";
  if (value >= 0) s += ", \"unit_value\": {\"amount\": " + std::to_string(value) + ", \"currency\": \"USD\"}";
  if (!components.empty()) s += ", \"components\": [" + components + "]";
  return s + "}";
}
std::string C(const std::string& id, double q) {
  return "{\"product\": \"" + id + "\", \"quantity\": " + std::to_string(q) + "}";
}

// Hand-worked catalogue (values in USD; a 3A001.a chip counts for the
// destination, EAR99 does not).
const std::string kCatalog = "[" +
    P("CHIP-US", "US", "3A001.a", 50) + "," +
    P("RES-US", "US", "EAR99", 30) + "," +
    P("FRAME", "CN", "EAR99", 200) + "," +
    // 2 x 50 = 100 of 1000: exactly 10 %.
    P("TOOL-A", "KR", "3B001.c", 1000, C("CHIP-US", 2) + "," + C("RES-US", 5) + "," + C("FRAME", 1)) + "," +
    // 3 x 50 = 150: 15 %.
    P("TOOL-B", "KR", "3B001.c", 1000, C("CHIP-US", 3)) + "," +
    // 6 x 50 = 300: 30 %.
    P("TOOL-C", "KR", "3B001.c", 1000, C("CHIP-US", 6)) + "," +
    // Three tiers down, one US chip worth 120: 12 %.
    P("CHIP-DEEP", "US", "3A001.a", 120) + "," +
    P("BOARD", "TW", "", 200, C("CHIP-DEEP", 1) + "," + C("RES-US", 2)) + "," +
    P("MODULE", "MY", "", 400, C("BOARD", 1)) + "," +
    P("TOOL-D", "KR", "3B991", 1000, C("MODULE", 1) + "," + C("FRAME", 1)) + "," +
    // Unknowns.
    P("MYST", "US", "", 50) + "," +
    P("ORIGINLESS", "", "3A001.a", 10) + "," +
    P("PRICELESS-EAR99", "US", "EAR99", -1) + "," +
    P("PRICELESS-CHIP", "US", "3A001.a", -1) + "," +
    P("TOOL-U", "KR", "3B001.c", 1000, C("CHIP-US", 2) + "," + C("MYST", 1) + "," + C("PRICELESS-EAR99", 4)) + "," +
    P("TOOL-V", "KR", "3B001.c", 1000, C("CHIP-US", 6) + "," + C("ORIGINLESS", 1)) + "," +
    P("TOOL-W", "KR", "3B001.c", 1000, C("CHIP-US", 1) + "," + C("PRICELESS-CHIP", 1)) + "," +
    P("TOOL-X", "KR", "3B001.c", -1, C("CHIP-US", 1)) + "," +
    P("US-TOOL", "US", "3B001.c", 1000, C("FRAME", 1)) + "," +
    // Shared part over several paths: 2x1 + 1x3 + 1 = 6 chips.
    P("SUB1", "MY", "", 10, C("CHIP-US", 1)) + "," +
    P("SUB2", "MY", "", 10, C("CHIP-US", 3)) + "," +
    P("ASSY", "KR", "", 1000, C("SUB1", 2) + "," + C("SUB2", 1) + "," + C("CHIP-US", 1)) +
    "]";

class DeMinimisTest : public ::testing::Test {
 protected:
  DeMinimisTest() : graph_(Build(kCatalog)), to_cn_({"3A001.a"}), to_jp_({}) {}

  DeMinimisResult Run(const char* product, double threshold, const ContentPolicy& policy) {
    DeMinimisRollup rollup(graph_, policy);
    NodeId n = graph_.Find(product);
    EXPECT_NE(n, kNoNode) << product;
    auto r = rollup.Rollup(n, {.threshold = threshold});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }

  BomGraph graph_;
  SetPolicy to_cn_;
  SetPolicy to_jp_;
};

TEST_F(DeMinimisTest, AtTenPercentIsWithinTenAndTwentyFive) {
  DeMinimisResult r = Run("TOOL-A", 0.10, to_cn_);
  EXPECT_EQ(r.outcome, DeMinimisOutcome::kWithin);
  EXPECT_DOUBLE_EQ(r.content.low, 100);
  EXPECT_TRUE(r.content.exact());
  EXPECT_DOUBLE_EQ(r.share_low, 0.10);
  EXPECT_EQ(Run("TOOL-A", 0.25, to_cn_).outcome, DeMinimisOutcome::kWithin);
  // 0 % (no de minimis level, e.g. 734.4(a)(8)): any counted content exceeds.
  EXPECT_EQ(Run("TOOL-A", 0.0, to_cn_).outcome, DeMinimisOutcome::kExceeds);
  ASSERT_EQ(r.counted.size(), 1u);
  EXPECT_EQ(r.counted[0].part, "CHIP-US");
  EXPECT_DOUBLE_EQ(r.counted[0].value, 100);
  EXPECT_DOUBLE_EQ(r.counted[0].quantity, 2);
  EXPECT_THAT(r.counted[0].path, ElementsAre("TOOL-A", "CHIP-US"));
  EXPECT_EQ(r.counted[0].why, "US-origin, US 3A001.a: counts toward de minimis for this destination");
}

TEST_F(DeMinimisTest, ContentThatDoesNotCount) {
  DeMinimisResult r = Run("TOOL-A", 0.10, to_cn_);
  ASSERT_EQ(r.excluded.size(), 1u);  // the EAR99 resistors: US-origin, not counted
  EXPECT_EQ(r.excluded[0].part, "RES-US");
  EXPECT_DOUBLE_EQ(r.excluded[0].value, 150);
  EXPECT_EQ(r.excluded[0].why, "US-origin, US EAR99: does not count for this destination");
  EXPECT_TRUE(r.missing.empty());
}

TEST_F(DeMinimisTest, BetweenTenAndTwentyFive) {
  EXPECT_EQ(Run("TOOL-B", 0.10, to_cn_).outcome, DeMinimisOutcome::kExceeds);
  EXPECT_EQ(Run("TOOL-B", 0.25, to_cn_).outcome, DeMinimisOutcome::kWithin);
  EXPECT_DOUBLE_EQ(Run("TOOL-B", 0.25, to_cn_).share_low, 0.15);
}

TEST_F(DeMinimisTest, AboveTwentyFive) {
  DeMinimisResult r = Run("TOOL-C", 0.25, to_cn_);
  EXPECT_EQ(r.outcome, DeMinimisOutcome::kExceeds);
  EXPECT_DOUBLE_EQ(r.share_low, 0.30);
}

TEST_F(DeMinimisTest, SameProductToTwoDestinations) {
  // The same chip is controlled content for one destination and not another.
  DeMinimisResult cn = Run("TOOL-C", 0.25, to_cn_);
  DeMinimisResult jp = Run("TOOL-C", 0.25, to_jp_);
  EXPECT_EQ(cn.outcome, DeMinimisOutcome::kExceeds);
  EXPECT_EQ(jp.outcome, DeMinimisOutcome::kWithin);
  EXPECT_DOUBLE_EQ(jp.content.low, 0);
  EXPECT_EQ(jp.excluded_total, 1u);
}

TEST_F(DeMinimisTest, ThreeTiersOnlyTheDeepPartDecides) {
  DeMinimisResult r = Run("TOOL-D", 0.10, to_cn_);
  EXPECT_EQ(r.outcome, DeMinimisOutcome::kExceeds);
  EXPECT_DOUBLE_EQ(r.content.low, 120);
  ASSERT_EQ(r.counted.size(), 1u);
  EXPECT_THAT(r.counted[0].path, ElementsAre("TOOL-D", "MODULE", "BOARD", "CHIP-DEEP"));
  EXPECT_EQ(Run("TOOL-D", 0.25, to_cn_).outcome, DeMinimisOutcome::kWithin);

  // Make the deep chip foreign-made: nothing counts any more, and only the
  // chip's ancestors are recomputed.
  DeMinimisRollup all(graph_, to_cn_);
  all.RollupAll();
  EXPECT_EQ(all.Decide(graph_.Find("TOOL-D"), 0.10), DeMinimisOutcome::kExceeds);
  NodeId chip = graph_.Find("CHIP-DEEP");
  graph_.SetFacts(chip, {Symbol::Intern("TW"), Symbol::Intern("3A001.a"), PartKind::kCommodity,
                         Money{120, Symbol::Intern("USD")}});
  EXPECT_EQ(all.Update(chip), 4u);  // CHIP-DEEP, BOARD, MODULE, TOOL-D
  EXPECT_EQ(all.Decide(graph_.Find("TOOL-D"), 0.10), DeMinimisOutcome::kWithin);
  EXPECT_DOUBLE_EQ(all.content(graph_.Find("TOOL-D")).low, 0);
}

TEST_F(DeMinimisTest, UnknownClassificationUndeterminedNamingPartAndFact) {
  // Known 100, MYST (US-origin, 50, unclassified) could add 50: [10 %, 15 %].
  DeMinimisResult r = Run("TOOL-U", 0.10, to_cn_);
  EXPECT_EQ(r.outcome, DeMinimisOutcome::kUndetermined);
  EXPECT_DOUBLE_EQ(r.content.low, 100);
  EXPECT_DOUBLE_EQ(r.content.high, 150);
  ASSERT_EQ(r.missing.size(), 1u);  // PRICELESS-EAR99's value does not matter
  EXPECT_EQ(r.missing[0].part, "MYST");
  EXPECT_EQ(r.missing[0].fact, "classification.US");
  EXPECT_THAT(r.missing[0].path, ElementsAre("TOOL-U", "MYST"));
}

TEST_F(DeMinimisTest, UnknownThatCannotDecideDoesNot) {
  // Even if MYST counted, 15 % stays within 25 %.
  EXPECT_EQ(Run("TOOL-U", 0.25, to_cn_).outcome, DeMinimisOutcome::kWithin);
  // Known content alone exceeds 0 %.
  EXPECT_EQ(Run("TOOL-U", 0.0, to_cn_).outcome, DeMinimisOutcome::kExceeds);
  // Known 300 already exceeds 25 % whatever ORIGINLESS is.
  DeMinimisResult v = Run("TOOL-V", 0.25, to_cn_);
  EXPECT_EQ(v.outcome, DeMinimisOutcome::kExceeds);
  ASSERT_EQ(v.missing.size(), 1u);
  EXPECT_EQ(v.missing[0].fact, "made_in");
}

TEST_F(DeMinimisTest, UnknownValueOfCountedPartIsUnbounded) {
  DeMinimisResult w = Run("TOOL-W", 0.25, to_cn_);
  EXPECT_EQ(w.outcome, DeMinimisOutcome::kUndetermined);
  EXPECT_TRUE(std::isinf(w.content.high));
  ASSERT_EQ(w.missing.size(), 1u);
  EXPECT_EQ(w.missing[0].part, "PRICELESS-CHIP");
  EXPECT_EQ(w.missing[0].fact, "unit_value");
  // For a destination where the chip does not count, its value is irrelevant.
  EXPECT_EQ(Run("TOOL-W", 0.25, to_jp_).outcome, DeMinimisOutcome::kWithin);
}

TEST_F(DeMinimisTest, ProductWithoutValueOrUsOrigin) {
  DeMinimisResult x = Run("TOOL-X", 0.25, to_cn_);
  EXPECT_EQ(x.outcome, DeMinimisOutcome::kUndetermined);
  ASSERT_FALSE(x.missing.empty());
  EXPECT_EQ(x.missing[0].part, "TOOL-X");
  EXPECT_EQ(x.missing[0].fact, "unit_value");
  EXPECT_EQ(Run("US-TOOL", 0.25, to_cn_).outcome, DeMinimisOutcome::kUsOrigin);
}

TEST_F(DeMinimisTest, SharedPartSumsOverPaths) {
  DeMinimisResult r = Run("ASSY", 0.25, to_cn_);
  EXPECT_DOUBLE_EQ(r.content.low, 300);
  ASSERT_EQ(r.counted.size(), 1u);
  EXPECT_DOUBLE_EQ(r.counted[0].quantity, 6);
  EXPECT_THAT(r.counted[0].path, ElementsAre("ASSY", "SUB2", "CHIP-US"));
  EXPECT_EQ(r.outcome, DeMinimisOutcome::kExceeds);
}

TEST_F(DeMinimisTest, BadArguments) {
  DeMinimisRollup rollup(graph_, to_cn_);
  EXPECT_FALSE(rollup.Rollup(graph_.Find("ASSY"), {}).ok());  // no threshold
  EXPECT_FALSE(rollup.Rollup(graph_.Find("ASSY"), {.threshold = 1.5}).ok());
  EXPECT_FALSE(rollup.Rollup(graph_.size(), {.threshold = 0.1}).ok());
}

TEST_F(DeMinimisTest, PolicyAskedOncePerClassification) {
  SetPolicy counting({"3A001.a"});
  DeMinimisRollup rollup(graph_, counting);
  rollup.RollupAll();
  // Distinct classifications x 3 kinds, asked up front; none during the pass.
  EXPECT_EQ(counting.calls, static_cast<int>((graph_.class_count() - 1) * kPartKindCount));
}

TEST_F(DeMinimisTest, CatalogPassAgreesWithSingleProduct) {
  DeMinimisRollup rollup(graph_, to_cn_);
  rollup.RollupAll();
  for (NodeId n = 0; n < graph_.size(); ++n) {
    auto single = rollup.Rollup(n, {.threshold = 0.10});
    ASSERT_TRUE(single.ok());
    EXPECT_EQ(single->content.low, rollup.content(n).low) << graph_.id(n);
    EXPECT_EQ(single->content.high, rollup.content(n).high) << graph_.id(n);
    for (double t : {0.0, 0.10, 0.25}) {
      EXPECT_EQ(rollup.Decide(n, t), rollup.Rollup(n, {.threshold = t})->outcome) << graph_.id(n);
    }
  }
}

// ---- Differential: random layered catalogues against references -----------

struct RandomCatalog {
  ProductCatalog catalog;
};

// `layers` levels of `width` parts; each assembly takes 1-3 components from
// the level below, or with `shared` > 0 also from the level two below and from
// the first `shared` parts of the last level (common parts: large ancestor
// sets, parts reached by many paths).
ProductCatalog MakeRandom(uint32_t seed, bool with_unknowns, int layers = 5, int width = 30,
                          int shared = 0) {
  std::mt19937 rng(seed);
  const char* classes[] = {"3A001.a", "EAR99", "5A992.c", "3A991"};
  const char* foreign[] = {"KR", "JP", "TW", "MY", "CN"};
  ProductCatalog c;
  for (int l = 0; l < layers; ++l) {
    for (int i = 0; i < width; ++i) {
      Product p;
      p.id = "L" + std::to_string(l) + "-" + std::to_string(i);
      int o = rng() % 10;
      if (with_unknowns && o == 0) {
        // origin unknown
      } else if (o < 4) {
        p.made_in = Symbol::Intern("US");
      } else {
        p.made_in = Symbol::Intern(foreign[rng() % 5]);
      }
      if (!(with_unknowns && rng() % 8 == 0)) {
        p.classification.emplace_back(Symbol::Intern("US"), Symbol::Intern(classes[rng() % 4]));
      }
      if (!(with_unknowns && rng() % 8 == 0)) {
        p.unit_value = Money{static_cast<double>(1 + rng() % 1000), Symbol::Intern("USD")};
      }
      if (l + 1 < layers) {
        int k = 1 + rng() % 3;
        std::set<std::string> taken;
        for (int j = 0; j < k; ++j) {
          int cl = l + 1, ci = static_cast<int>(rng() % width);
          if (shared > 0) {
            const uint32_t r = rng() % 10;
            if (r < 2) {
              cl = layers - 1;
              ci = static_cast<int>(rng() % shared);
            } else if (r < 4 && l + 2 < layers) {
              cl = l + 2;
            }
          }
          std::string child = "L" + std::to_string(cl) + "-" + std::to_string(ci);
          if (!taken.insert(child).second) continue;
          p.components.push_back({child, static_cast<double>(1 + rng() % 4), {}});
        }
      }
      EXPECT_TRUE(c.Add(std::move(p)).ok());
    }
  }
  return c;
}

// Obviously-correct reference: recursion straight from the counting rule,
// with the interval for unknowns.
ContentBounds Reference(const BomGraph& g, const ContentPolicy& policy, NodeId u, bool as_component) {
  const Origin o = g.origin(u);
  ContentBounds us{0, 0};
  if (as_component && o != Origin::kForeign) {
    const bool vk = g.value_state(u) == ValueState::kKnown;
    const double inf = std::numeric_limits<double>::infinity();
    if (g.classification(u).empty()) {
      us = {0, vk ? g.value(u) : inf};
    } else if (policy.Counts(g.classification(u), g.kind(u))) {
      us = vk ? ContentBounds{g.value(u), g.value(u)} : ContentBounds{0, inf};
    }
    if (o == Origin::kUs) return us;
  }
  ContentBounds inner;
  auto ch = g.children(u);
  auto q = g.quantities(u);
  for (size_t e = 0; e < ch.size(); ++e) {
    ContentBounds c = Reference(g, policy, ch[e], true);
    inner.low += q[e] * c.low;
    inner.high += q[e] * c.high;
  }
  if (!as_component || o == Origin::kForeign) return inner;
  return {std::min(us.low, inner.low), std::max(us.high, inner.high)};
}

void ExpectNear(double a, double b, const std::string& what) {
  if (std::isinf(a) || std::isinf(b)) {
    EXPECT_EQ(a, b) << what;
  } else {
    EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::abs(b))) << what;
  }
}

TEST(DeMinimisDifferential, MatchesRecursiveReferenceWithUnknowns) {
  SetPolicy policy({"3A001.a", "5A992.c"});
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    ProductCatalog c = MakeRandom(seed, true);
    auto g = BomGraph::FromCatalog(c);
    ASSERT_TRUE(g.ok());
    DeMinimisRollup rollup(*g, policy);
    rollup.RollupAll();
    for (NodeId n = 0; n < g->size(); ++n) {
      ContentBounds ref = Reference(*g, policy, n, false);
      ExpectNear(rollup.content(n).low, ref.low, std::string(g->id(n)));
      ExpectNear(rollup.content(n).high, ref.high, std::string(g->id(n)));
      auto single = rollup.Rollup(n, {.threshold = 0.25});
      ExpectNear(single->content.low, ref.low, std::string(g->id(n)));
      ExpectNear(single->content.high, ref.high, std::string(g->id(n)));
    }
  }
}

TEST(DeMinimisDifferential, IncrementalEqualsFullRecompute) {
  SetPolicy policy({"3A001.a", "5A992.c"});
  std::mt19937 rng(7);
  const char* made[] = {"US", "KR", ""};
  const char* classes[] = {"3A001.a", "EAR99", "", "4A994"};
  for (uint32_t seed = 1; seed <= 10; ++seed) {
    ProductCatalog c = MakeRandom(seed, true);
    auto g = BomGraph::FromCatalog(c);
    ASSERT_TRUE(g.ok());
    DeMinimisRollup inc(*g, policy);
    inc.RollupAll();
    for (int step = 0; step < 30; ++step) {
      NodeId n = rng() % g->size();
      PartFacts f;
      f.made_in = Symbol::Intern(made[rng() % 3]);
      f.classification = Symbol::Intern(classes[rng() % 4]);
      if (rng() % 4) f.value = Money{static_cast<double>(rng() % 500), Symbol::Intern("USD")};
      g->SetFacts(n, f);
      size_t recomputed = inc.Update(n);
      // Only the part and its ancestors.
      std::set<NodeId> anc{n};
      std::vector<NodeId> stack{n};
      while (!stack.empty()) {
        NodeId u = stack.back();
        stack.pop_back();
        for (const ParentEdge& p : g->parents(u)) {
          if (anc.insert(p.parent).second) stack.push_back(p.parent);
        }
      }
      EXPECT_LE(recomputed, anc.size());
      DeMinimisRollup full(*g, policy);
      full.RollupAll();
      for (NodeId m = 0; m < g->size(); ++m) {
        // Deltas drift by rounding only.
        ExpectNear(inc.content(m).low, full.content(m).low, "seed " + std::to_string(seed));
        ExpectNear(inc.content(m).high, full.content(m).high, "seed " + std::to_string(seed));
        ASSERT_EQ(inc.Decide(m, 0.25), full.Decide(m, 0.25));
      }
    }
  }
}

// Larger catalogues (more parts than one summary word of the dirty bitmap
// covers, shared parts with hundreds of ancestors), changes drawn to move
// content across the de minimis levels: after every change the incremental
// result must equal a full rollup, and some decisions must have flipped (so
// the test does cross thresholds).
TEST(DeMinimisDifferential, IncrementalEqualsFullRecomputeAcrossThresholds) {
  SetPolicy policy({"3A001.a", "5A992.c"});
  std::mt19937 rng(11);
  const char* made[] = {"US", "US", "KR", "TW", ""};
  const char* classes[] = {"3A001.a", "5A992.c", "EAR99", ""};
  const double thresholds[] = {0.0, 0.10, 0.25};
  size_t flips = 0, undetermined_flips = 0, steps = 0;
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    ProductCatalog c = MakeRandom(100 + seed, true, /*layers=*/8, /*width=*/700, /*shared=*/12);
    auto g = BomGraph::FromCatalog(c);
    ASSERT_TRUE(g.ok());
    ASSERT_GT(g->size(), 4096u);
    DeMinimisRollup inc(*g, policy);
    inc.RollupAll();
    for (int step = 0; step < 40; ++step, ++steps) {
      // Mostly deep parts (last two levels, the shared ones often): many ancestors.
      const uint32_t deep = g->size() - 1;
      NodeId n = kNoNode;
      const std::string id = step % 3 == 0 ? "L7-" + std::to_string(rng() % 12)
                                           : "L" + std::to_string(5 + rng() % 3) + "-" + std::to_string(rng() % 700);
      n = g->Find(id);
      ASSERT_NE(n, kNoNode) << id << " of " << deep;
      std::vector<std::vector<DeMinimisOutcome>> before(g->size());
      for (NodeId m = 0; m < g->size(); ++m) {
        for (double t : thresholds) before[m].push_back(inc.Decide(m, t));
      }
      PartFacts f;
      f.made_in = Symbol::Intern(made[rng() % 5]);
      f.classification = Symbol::Intern(classes[rng() % 4]);
      // Values from cents to far above any assembly's, so shares swing.
      if (rng() % 6) f.value = Money{std::pow(10.0, static_cast<double>(rng() % 70) / 10.0), Symbol::Intern("USD")};
      g->SetFacts(n, f);
      inc.Update(n);
      DeMinimisRollup full(*g, policy);
      full.RollupAll();
      for (NodeId m = 0; m < g->size(); ++m) {
        const std::string what = "seed " + std::to_string(seed) + " step " + std::to_string(step) + " " +
                                 std::string(g->id(m));
        ExpectNear(inc.content(m).low, full.content(m).low, what);
        ExpectNear(inc.content(m).high, full.content(m).high, what);
        for (size_t k = 0; k < std::size(thresholds); ++k) {
          const DeMinimisOutcome o = inc.Decide(m, thresholds[k]);
          ASSERT_EQ(o, full.Decide(m, thresholds[k])) << what << " at " << thresholds[k];
          if (o != before[m][k]) {
            ++flips;
            undetermined_flips += o == DeMinimisOutcome::kUndetermined ||
                                  before[m][k] == DeMinimisOutcome::kUndetermined;
          }
        }
      }
    }
  }
  // Decisions crossed the levels both between WITHIN and EXCEEDS and into and
  // out of UNDETERMINED (unknown values and origins).
  EXPECT_GT(flips - undetermined_flips, steps);
  EXPECT_GT(undetermined_flips, 0u);
}

// The same rollup as a recursive SQL query (the baseline of bench/w7).
double SqliteContent(sqlite3* db, const std::string& root) {
  const char* sql =
      "WITH RECURSIVE walk(node, units) AS ("
      "  SELECT child, quantity FROM bom WHERE parent = ?1"
      "  UNION ALL"
      "  SELECT b.child, w.units * b.quantity FROM walk w"
      "  JOIN part p ON p.id = w.node AND p.us = 0"
      "  JOIN bom b ON b.parent = w.node)"
      " SELECT COALESCE(SUM(w.units * p.value), 0) FROM walk w"
      " JOIN part p ON p.id = w.node WHERE p.us = 1 AND p.counted = 1";
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_bind_text(st, 1, root.c_str(), -1, SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
  double v = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  return v;
}

TEST(DeMinimisDifferential, MatchesSqliteRecursiveQuery) {
  SetPolicy policy({"3A001.a", "5A992.c"});
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    ProductCatalog c = MakeRandom(seed, false);
    auto g = BomGraph::FromCatalog(c);
    ASSERT_TRUE(g.ok());
    DeMinimisRollup rollup(*g, policy);
    rollup.RollupAll();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    sqlite3_exec(db,
                 "CREATE TABLE part(id TEXT PRIMARY KEY, us INT, counted INT, value REAL);"
                 "CREATE TABLE bom(parent TEXT, child TEXT, quantity REAL);"
                 "CREATE INDEX bom_parent ON bom(parent);",
                 nullptr, nullptr, nullptr);
    for (const Product& p : c.products()) {
      bool us = p.made_in.text() == "US";
      Symbol cls = p.ClassificationFor(Symbol::Intern("US"));
      bool counted = policy.Counts(cls, p.kind);
      std::string q = "INSERT INTO part VALUES('" + p.id + "'," + (us ? "1" : "0") + "," +
                      (counted ? "1" : "0") + "," + std::to_string(p.unit_value->amount) + ");";
      for (const Component& k : p.components) {
        q += "INSERT INTO bom VALUES('" + p.id + "','" + k.product + "'," + std::to_string(k.quantity) + ");";
      }
      ASSERT_EQ(sqlite3_exec(db, q.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    }
    for (const Product& p : c.products()) {
      NodeId n = g->Find(p.id);
      ExpectNear(rollup.content(n).low, SqliteContent(db, p.id), p.id);
      EXPECT_TRUE(rollup.content(n).exact());
    }
    sqlite3_close(db);
  }
}

}  // namespace
}  // namespace cordon::supplychain
