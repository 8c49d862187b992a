// Screening a name against restricted-party lists: start here.
//
//   ASSIGN_OR_RETURN(auto index, ScreeningIndex::Build(entities));   // once per list version
//   std::vector<Match> hits = index->Screen("Huawei Tech. Co Ltd", ScreeningOptions{});
//
// Screen() returns exactly the listed names (primary names and aliases) whose
// score against the query is >= options.threshold -- the same pairs as scoring
// every name (testing/brute_force.h is that scan, and tests hold the two
// equal) -- ranked best first. How the index prunes without losing a pair:
// docs/screening.md § The index.
//
// Thread-safety: a ScreeningIndex is immutable once built; Screen() may be
// called from any number of threads at once. Not copyable; a new list version
// builds a new index.
#ifndef CORDON_SCREENING_SCREENING_H_
#define CORDON_SCREENING_SCREENING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/base/status.h"
#include "cordon/lists/list_entity.h"
#include "cordon/screening/normalizer.h"
#include "cordon/screening/scorer.h"

namespace cordon::screening {

namespace internal {
class NameTable;
struct QueryForm;
}  // namespace internal

struct ScreeningOptions {
  // Scores are in [0, 1]; a pair is returned when score >= threshold.
  double threshold = 0.90;
  ScorerKind scorer = ScorerKind::kJaroWinkler;
  // List ids to screen against ("US.EL", "US.SDN"); empty means all. An id
  // ending in '.' is a prefix ("US." = every US list).
  std::vector<std::string> lists;
  // ISO-2; when set, entries tied to other countries only are left out.
  // Entries without any country are always kept.
  std::string country;
  // One match per list entry (its best-scoring name) rather than one per name.
  bool best_per_entity = true;
  // At most this many matches (the best); 0 = all.
  size_t max_results = 0;
};

enum class MatchedOn { kName, kAlias };
const char* MatchedOnName(MatchedOn m);  // "name" | "alias"

struct Match {
  std::string list;          // "US.EL"
  std::string entity;        // the entry's source id
  std::string name;          // the entry's primary name
  std::string matched_name;  // the name or alias that matched, as published
  MatchedOn matched_on = MatchedOn::kName;
  double score = 0.0;
  // The tokens aligned, e.g. "huawei=huawei 1.00, tech~technologies 0.91; legal form: co ltd=co ltd".
  std::string why;
  uint32_t entity_index = 0;  // into ScreeningIndex::entity()
};

class ScreeningIndex {
 public:
  // REQUIRES: fewer than 2^32 names. Names that normalise to nothing (only
  // punctuation) are left out of the index and out of every scan.
  static Result<std::unique_ptr<const ScreeningIndex>> Build(std::vector<lists::ListEntity> entities);
  ~ScreeningIndex();
  ScreeningIndex(const ScreeningIndex&) = delete;
  ScreeningIndex& operator=(const ScreeningIndex&) = delete;

  std::vector<Match> Screen(std::string_view query, const ScreeningOptions& options) const;

  size_t entity_count() const;
  size_t name_count() const;  // names, aliases and name-order variants indexed
  size_t memory_bytes() const;  // approximate heap held by the index
  const lists::ListEntity& entity(uint32_t index) const;
  const Normalizer& normalizer() const;
  // For the test-only brute-force reference (testing/brute_force.h).
  const internal::NameTable& table() const { return *table_; }

  struct Family;  // one scan layout per key kind (screening.cc)

 private:
  ScreeningIndex() = default;
  std::unique_ptr<internal::NameTable> table_;
  std::unique_ptr<Family> joined_;  // Jaro-Winkler, Levenshtein
  std::unique_ptr<Family> set_;     // token set
  std::unique_ptr<Family> skeleton_;  // consonant skeletons (extra query forms)

  void Candidates(const Family& f, const internal::QueryForm& form, ScorerKind scorer,
                  std::vector<uint32_t>* out) const;
};

}  // namespace cordon::screening

#endif  // CORDON_SCREENING_SCREENING_H_
