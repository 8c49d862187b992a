#include "cordon/screening/scorer.h"

#include <random>

#include <gtest/gtest.h>

namespace cordon::screening {
namespace {

TEST(ScorerTest, JaroWinklerKnownValues) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 1e-4);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_EQ(JaroWinkler("abc", ""), 0.0);
  EXPECT_EQ(JaroWinkler("abc", "abc"), 1.0);
}

TEST(ScorerTest, LevenshteinAndIndel) {
  EXPECT_NEAR(NormalizedLevenshtein("kitten", "sitting"), 1.0 - 3.0 / 7.0, 1e-12);
  EXPECT_NEAR(IndelSimilarity("kitten", "sitting"), 1.0 - 5.0 / 13.0, 1e-12);
  EXPECT_EQ(NormalizedLevenshtein("", ""), 1.0);
}

TEST(ScorerTest, CachedEqualsPlainAboveCutoff) {
  for (ScorerKind k : {ScorerKind::kJaroWinkler, ScorerKind::kLevenshtein, ScorerKind::kTokenSet}) {
    CachedScorer s(k, "huaweitechnologies");
    double plain = k == ScorerKind::kJaroWinkler  ? JaroWinkler("huaweitech", "huaweitechnologies")
                   : k == ScorerKind::kLevenshtein ? NormalizedLevenshtein("huaweitechnologies", "huaweitech")
                                                   : IndelSimilarity("huaweitechnologies", "huaweitech");
    EXPECT_EQ(s.Similarity("huaweitech", 0.0), plain) << ScorerName(k);
    EXPECT_LT(s.Similarity("huaweitech", plain + 0.01), plain + 0.01);
  }
}

TEST(ScorerTest, BitParallelJaroWinklerEqualsReference) {
  std::mt19937_64 rng(42);
  auto word = [&](size_t max_len) {
    std::string s(1 + rng() % max_len, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 6);  // few letters: many matches
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string q = word(i % 2 ? 64 : 12), c = word(i % 3 ? 80 : 12);
    CachedScorer s(ScorerKind::kJaroWinkler, q);
    ASSERT_EQ(s.Similarity(c, 0.0), JaroWinkler(c, q)) << q << " / " << c;
  }
}

TEST(ScorerTest, ParseScorer) {
  EXPECT_EQ(*ParseScorer("token-set"), ScorerKind::kTokenSet);
  EXPECT_FALSE(ParseScorer("soundex").ok());
}

}  // namespace
}  // namespace cordon::screening
