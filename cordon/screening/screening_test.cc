#include "cordon/screening/screening.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "cordon/lists/loader.h"
#include "cordon/screening/testing/brute_force.h"
#include "cordon/screening/testing/query_gen.h"

namespace cordon::screening {
namespace {

// Under AddressSanitizer (CI's make test-asan) the oracle comparisons run on a
// tenth of the queries; every check is still made.
#ifdef CORDON_SANITIZE
constexpr size_t kScale = 10;
#else
constexpr size_t kScale = 1;
#endif

std::string Shared() {
  const char* env = std::getenv("CORDON_SHARED");
  return env ? env : "../shared";
}

// The full CSL of 2026-07-31, built once for the suite.
const ScreeningIndex& Csl() {
  static const ScreeningIndex* index = [] {
    auto l = lists::LoadListFile(Shared() + "/data/peer-mcp/expanded/consolidated.csv");
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    auto idx = ScreeningIndex::Build(std::move(l->snapshot.entities));
    EXPECT_TRUE(idx.ok());
    return std::move(idx).value().release();
  }();
  return *index;
}

std::vector<std::string> AllNames(const ScreeningIndex& index) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < index.entity_count(); ++i) {
    names.push_back(index.entity(i).name);
    for (const auto& a : index.entity(i).aliases) names.push_back(a);
  }
  return names;
}

using Pair = std::tuple<uint32_t, std::string, double>;
std::vector<Pair> Pairs(const std::vector<Match>& ms) {
  std::vector<Pair> v;
  for (const auto& m : ms) v.emplace_back(m.entity_index, m.matched_name, m.score);
  return v;
}

void ExpectSameAsOracle(const ScreeningIndex& index, const std::vector<std::string>& queries,
                        const ScreeningOptions& o, size_t* total_pairs) {
  for (const auto& q : queries) {
    auto fast = index.Screen(q, o);
    auto slow = testing::BruteForceScreen(index, q, o);
    ASSERT_EQ(Pairs(fast), Pairs(slow)) << "query '" << q << "' scorer " << ScorerName(o.scorer)
                                        << " threshold " << o.threshold;
    *total_pairs += fast.size();
  }
}

TEST(ScreeningIndexTest, ExactlyTheOraclePairsJaroWinkler) {
  const ScreeningIndex& index = Csl();
  auto queries = testing::MixedQueries(AllNames(index), 1000 / kScale, 20260731);
  size_t pairs = 0;
  for (double t : {0.90, 0.85}) {
    ScreeningOptions o{.threshold = t, .scorer = ScorerKind::kJaroWinkler, .best_per_entity = false};
    ExpectSameAsOracle(index, queries, o, &pairs);
  }
  EXPECT_GT(pairs, 1000u / kScale);  // the sample must actually exercise matches
}

TEST(ScreeningIndexTest, ExactlyTheOraclePairsLevenshteinAndTokenSet) {
  const ScreeningIndex& index = Csl();
  auto queries = testing::MixedQueries(AllNames(index), 200 / kScale, 7);
  for (ScorerKind k : {ScorerKind::kLevenshtein, ScorerKind::kTokenSet}) {
    size_t pairs = 0;
    for (double t : {0.90, 0.80}) {
      ScreeningOptions o{.threshold = t, .scorer = k, .best_per_entity = false};
      ExpectSameAsOracle(index, queries, o, &pairs);
    }
    EXPECT_GT(pairs, 100u / kScale) << ScorerName(k);
  }
}

TEST(ScreeningIndexTest, ExactlyTheOraclePairsWithFilters) {
  const ScreeningIndex& index = Csl();
  auto queries = testing::MixedQueries(AllNames(index), 200 / kScale, 99);
  size_t pairs = 0;
  ScreeningOptions o{.threshold = 0.88, .lists = {"US.EL", "US.MEU"}, .country = "CN"};
  ExpectSameAsOracle(index, queries, o, &pairs);
  ScreeningOptions p{.threshold = 0.9, .lists = {"US."}, .max_results = 3};
  ExpectSameAsOracle(index, queries, p, &pairs);
}

// Long multi-word queries (uncached `/screen`: "Semiconductor Manufacturing
// International Corp bqx"): the scan's limits are loosest for them, the mask
// bounds count a name's letters only to two, and a second bound from the
// exact character counts drops most of what passes before scoring. Any of
// these bounds too tight for long keys would drop a true hit here: the index
// must equal the oracle pair for pair on random long queries at several
// thresholds, with many pairs found.
std::vector<std::string> LongQueries(const std::vector<std::string>& names, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> long_names, words;
  for (const auto& n : names) {
    if (n.size() < 25 || std::count(n.begin(), n.end(), ' ') < 2) continue;
    long_names.push_back(n);
    for (size_t b = 0, e; b < n.size(); b = e + 1) {
      e = std::min(n.find(' ', b), n.size());
      if (e > b) words.push_back(n.substr(b, e - b));
    }
  }
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& { return v[rng() % v.size()]; };
  auto short_word = [&] {
    std::string w;
    for (size_t k = 0, len = 2 + rng() % 3; k < len; ++k) w += static_cast<char>('a' + rng() % 26);
    return w;
  };
  std::vector<std::string> out;
  while (out.size() < count) {
    switch (out.size() % 4) {
      case 0:  // a listed long name and a short word, as bench/wrk/screen_unique.lua
        out.push_back(pick(long_names) + " " + short_word());
        break;
      case 1:  // a long name with typos, and another word
        out.push_back(testing::Perturb(pick(long_names), rng) + " " + testing::RandomName(rng));
        break;
      case 2: {  // three to six words of the list's long names: many near misses
        std::string q = pick(words);
        for (size_t k = 0, extra = 2 + rng() % 4; k < extra; ++k) q += " " + pick(words);
        out.push_back(q);
        break;
      }
      default:  // a long name cut short by a word, with a legal form
        std::string n = pick(long_names);
        out.push_back(n.substr(0, n.rfind(' ')) + " Co Ltd");
        break;
    }
  }
  return out;
}

TEST(ScreeningIndexTest, ExactlyTheOraclePairsForLongMultiWordQueries) {
  const ScreeningIndex& index = Csl();
  const auto queries = LongQueries(AllNames(index), 300 / kScale, 20261129);
  size_t pairs = 0;
  for (double t : {0.95, 0.90, 0.85, 0.80}) {
    ScreeningOptions o{.threshold = t, .scorer = ScorerKind::kJaroWinkler, .best_per_entity = false};
    ExpectSameAsOracle(index, queries, o, &pairs);
  }
  EXPECT_GT(pairs, 2000u / kScale);  // long queries must actually find matches, not only misses
  const std::vector<std::string> few(queries.begin(), queries.begin() + 40 / kScale);
  for (ScorerKind k : {ScorerKind::kLevenshtein, ScorerKind::kTokenSet}) {
    size_t scorer_pairs = 0;
    ScreeningOptions o{.threshold = 0.80, .scorer = k, .best_per_entity = false};
    ExpectSameAsOracle(index, few, o, &scorer_pairs);
    EXPECT_GT(scorer_pairs, 0u) << ScorerName(k);
  }
}

// Non-Latin queries take extra forms (alternative spellings, consonant
// skeletons); the index must still equal the oracle pair for pair.
TEST(ScreeningIndexTest, ExactlyTheOraclePairsWithExtraQueryForms) {
  const ScreeningIndex& index = Csl();
  std::vector<std::string> queries = {
      "محمد علي", "عبد الله", "أحمد حسن", "خالد محمود", "شركة الهندسة", "משה", "דוד", "אברהם כהן", "สมชาย",
      "金正恩", "山田太郎", "田中花子", "李明", "王伟", "华为", "朴正熙", "김정은", "박지성", "이민호", "조선",
      "Владимир Путин", "Αλέξανδρος", "Ovchinnikov Nikolay Alekseyevich", "Nikolay OVCHINNIKOV"};
  // Native-script names and aliases of the list itself.
  for (const auto& n : AllNames(index)) {
    if (queries.size() >= 24 + 40 / kScale) break;
    if (std::any_of(n.begin(), n.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
      queries.push_back(n);
  }
  size_t pairs = 0;
  for (ScorerKind k : {ScorerKind::kJaroWinkler, ScorerKind::kLevenshtein, ScorerKind::kTokenSet}) {
    for (double t : {0.90, 0.80}) {
      ScreeningOptions o{.threshold = t, .scorer = k, .best_per_entity = false};
      ExpectSameAsOracle(index, queries, o, &pairs);
    }
  }
  EXPECT_GT(pairs, 50u);
}

// Every pair of watchman's cross_script_pairs.csv is found at the default
// threshold against the 22 expected names.
TEST(ScreeningIndexTest, EveryCrossScriptPairAtTheDefaultThreshold) {
  std::ifstream in(Shared() + "/data/lists/moov-io-watchman/internal/embeddings/testdata/cross_script_pairs.csv");
  ASSERT_TRUE(in) << "cross_script_pairs.csv";
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<lists::ListEntity> es;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    pairs.emplace_back(line.substr(0, c1), line.substr(c1 + 1, c2 - c1 - 1));
    es.push_back({.list = "T", .source_id = std::to_string(es.size()), .name = pairs.back().second,
                  .type = lists::EntityType::kIndividual});
  }
  ASSERT_EQ(pairs.size(), 22u);
  auto index = ScreeningIndex::Build(es);
  ASSERT_TRUE(index.ok());
  for (const auto& [query, expected] : pairs) {
    auto ms = (*index)->Screen(query, ScreeningOptions{});
    bool found = false;
    for (const auto& m : ms) found = found || m.name == expected;
    EXPECT_TRUE(found) << query << " -> " << expected;
    auto slow = testing::BruteForceScreen(**index, query, ScreeningOptions{});
    EXPECT_EQ(Pairs(ms), Pairs(slow)) << query;
  }
}

bool Finds(const std::vector<Match>& ms, const std::string& name) {
  for (const auto& m : ms)
    if (m.name == name || m.matched_name == name) return true;
  return false;
}

TEST(ScreeningIndexTest, HuaweiVariantsAgainstTheCsl) {
  const ScreeningIndex& index = Csl();
  ScreeningOptions o;
  for (const char* q : {"Huawei Tech. Co Ltd", "HUAWEI TECHNOLOGIES CO LTD", "Huawei Technologies Company Limited",
                        "华为技术有限公司", "華為技術有限公司"}) {
    auto ms = index.Screen(q, o);
    EXPECT_TRUE(Finds(ms, "HUAWEI TECHNOLOGIES CO., LTD.")) << q;
    if (!ms.empty()) {
      EXPECT_FALSE(ms[0].why.empty());
    }
  }
}

TEST(ScreeningIndexTest, LegalFormAloneDoesNotMatchEveryCompany) {
  const ScreeningIndex& index = Csl();
  for (const char* q : {"CORP", "Co., Ltd.", "China Co., Ltd."}) {
    auto ms = index.Screen(q, ScreeningOptions{});
    for (const auto& m : ms) EXPECT_LT(m.score, 1.0) << q << " vs " << m.matched_name;
    EXPECT_LT(ms.size(), 20u) << q;
  }
}

TEST(ScreeningIndexTest, MatchFieldsAndNameOrder) {
  std::vector<lists::ListEntity> es(2);
  es[0] = {.list = "US.SDN", .source_id = "1", .name = "PUTIN, Vladimir", .aliases = {"PUTIN, Vladimir Vladimirovich"},
           .type = lists::EntityType::kIndividual};
  es[1] = {.list = "US.EL", .source_id = "name:Acme", .name = "Acme Trading Co., Ltd.", .countries = {"HK"}};
  auto index = ScreeningIndex::Build(es);
  ASSERT_TRUE(index.ok());
  auto ms = (*index)->Screen("Vladimir Putin", ScreeningOptions{});
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].list, "US.SDN");
  EXPECT_EQ(ms[0].entity, "1");
  EXPECT_EQ(ms[0].matched_on, MatchedOn::kName);
  EXPECT_DOUBLE_EQ(ms[0].score, 1.0);
  auto acme = (*index)->Screen("ACME TRADING COMPANY LIMITED", ScreeningOptions{});
  ASSERT_EQ(acme.size(), 1u);
  EXPECT_DOUBLE_EQ(acme[0].score, 1.0);
  EXPECT_EQ(acme[0].why, "acme=acme 1.00, trading=trading 1.00; legal form: co ltd=co ltd");
  EXPECT_TRUE((*index)->Screen("Acme Trading", ScreeningOptions{.country = "CN"}).empty());
  EXPECT_EQ((*index)->Screen("Acme Trading", ScreeningOptions{.country = "HK"}).size(), 1u);
  EXPECT_TRUE((*index)->Screen("...", ScreeningOptions{}).empty());
}

}  // namespace
}  // namespace cordon::screening
