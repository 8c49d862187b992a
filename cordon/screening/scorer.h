// Scorers: similarity of two normalised keys in [0, 1], one interface, the
// query prepared once. Formulas in docs/screening.md § Scorers.
//
//   kJaroWinkler  Jaro-Winkler (prefix scale 0.1, prefix up to 4 characters,
//                 no boost threshold) on the strong tokens joined without spaces.
//   kLevenshtein  1 - d / max(|a|, |b|), d the Levenshtein distance, on the
//                 same key.
//   kTokenSet     1 - indel / (|a| + |b|) on the sorted, distinct strong tokens
//                 joined by one space (so word order and repeated words do not
//                 count; unlike RapidFuzz's token_set_ratio a subset of the
//                 words does not score 1: "CHINA" must not match every
//                 "CHINA ..." name).
//
// Thread-safety: a CachedScorer is immutable after construction and may be
// shared; Similarity() uses a thread-local scratch buffer (no allocation per
// pair once warm).
#ifndef CORDON_SCREENING_SCORER_H_
#define CORDON_SCREENING_SCORER_H_

#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

#include "cordon/base/status.h"

namespace cordon::screening {

enum class ScorerKind { kJaroWinkler, kLevenshtein, kTokenSet };

const char* ScorerName(ScorerKind kind);  // "jaro-winkler", "levenshtein", "token-set"
Result<ScorerKind> ParseScorer(std::string_view name);

double JaroWinkler(std::string_view a, std::string_view b);
double NormalizedLevenshtein(std::string_view a, std::string_view b);
double IndelSimilarity(std::string_view a, std::string_view b);

// One query key against many candidate keys.
class CachedScorer {
 public:
  CachedScorer(ScorerKind kind, std::string query);
  // The similarity when it is >= cutoff (for Jaro-Winkler, exactly
  // JaroWinkler(candidate, query)); otherwise some value < cutoff (the
  // scorer may stop early).
  double Similarity(std::string_view candidate, double cutoff = 0.0) const;
  ScorerKind kind() const { return kind_; }
  const std::string& query() const { return query_; }

 private:
  double BitParallelJaroWinkler(std::string_view c, double cutoff) const;

  ScorerKind kind_;
  std::string query_;
  // Jaro-Winkler for queries of at most 64 bytes: bit i of pm_[c] says
  // query_[i] == c, so a match is found with a few word operations.
  std::vector<uint64_t> pm_;
};

}  // namespace cordon::screening

#endif  // CORDON_SCREENING_SCORER_H_
