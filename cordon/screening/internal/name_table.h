// Private to cordon/screening: the normalised names of an index, a prepared
// query, the combined score, and turning scored names into ranked Matches.
// The index (screening.cc) and the brute-force reference (testing/) share all
// of it, so they can differ only in which names they score.
#ifndef CORDON_SCREENING_INTERNAL_NAME_TABLE_H_
#define CORDON_SCREENING_INTERNAL_NAME_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cordon/lists/list_entity.h"
#include "cordon/screening/normalizer.h"
#include "cordon/screening/scorer.h"
#include "cordon/screening/screening.h"

namespace cordon::screening::internal {

// Weight of the legal-form tokens when both names have some:
// score = (1 - w) * strong + w * weak; otherwise score = strong.
inline constexpr double kWeakWeight = 0.1;

// Cheap per-key summary for the filters (docs/screening.md § The index).
struct KeyFeatures {
  uint64_t m1 = 0;      // bit c: character c occurs at least once
  uint64_t m2 = 0;      // bit c: character c occurs at least twice
  uint32_t first4 = 0;  // first four bytes, zero-padded
  uint32_t len = 0;
};
int CharBit(char c);  // 0..36 for [a-z0-9 ], -1 otherwise
KeyFeatures Features(std::string_view key);

struct NormalizedKeys {
  std::string joined;  // strong tokens, no separator
  std::string set;     // sorted distinct strong tokens, ' '-separated
  std::string weak;    // weak tokens, ' '-separated
};
NormalizedKeys MakeKeys(const NormalizedName& n);
// The same into *k, reusing its strings' memory (index builds).
void AssignKeys(const NormalizedName& n, NormalizedKeys* k);

struct NameRef {
  uint32_t entity;
  uint32_t slot;  // 0 = primary name, k = alias k - 1
};

// Which key of a listed name a query form is compared with.
enum class KeyKind { kJoined, kSet, kSkeleton };

// One form of the query (the normalised query, an alternative spelling, a
// consonant skeleton: internal/query_forms.h).
struct QueryForm {
  QueryForm(NormalizedKeys k, KeyKind target, const ScreeningOptions& options);
  NormalizedKeys keys;
  KeyKind target;
  double strong_threshold;  // the strong score any returned pair needs
  CachedScorer strong;
  CachedScorer weak;
  std::string_view key() const { return strong.query(); }  // the key the scorer compares
  KeyFeatures features;
  uint64_t at_least[16] = {};  // at_least[k]: characters occurring more than k times (k = 0..15)
  int max_count = 0;
};

// A query with all its forms. The score of a name is the best score of any
// form (each form exact when >= threshold, so the best is too).
struct PreparedQuery {
  PreparedQuery(std::string_view query, const Normalizer& normalizer, const ScreeningOptions& options);
  NormalizedName name;  // the base form's tokens (for `why`)
  ScorerKind kind;
  double threshold;
  std::vector<QueryForm> forms;  // forms[0]: the normalised query; empty when it normalises to nothing
};

// The score of one form against a listed name's key and weak key: the strong
// score, combined with the weak one when both sides have legal forms. Exact
// when >= f.strong_threshold; the index and the oracle both score with it.
inline double StrongPart(const QueryForm& f, std::string_view key) {
  return f.strong.Similarity(key, f.strong_threshold);
}
inline double Combine(const QueryForm& f, double strong, std::string_view weak_key, double weak_score) {
  if (strong < f.strong_threshold || f.keys.weak.empty() || weak_key.empty()) return strong;
  return (1.0 - kWeakWeight) * strong + kWeakWeight * weak_score;
}
inline double CombinedScore(const QueryForm& f, std::string_view key, std::string_view weak_key) {
  const double s = StrongPart(f, key);
  if (s < f.strong_threshold || f.keys.weak.empty() || weak_key.empty()) return s;
  return Combine(f, s, weak_key, f.weak.Similarity(weak_key, 0.0));
}

class NameTable {
 public:
  NameTable(std::vector<lists::ListEntity> entities, std::unique_ptr<const Normalizer> normalizer);

  size_t size() const { return refs_.size(); }
  const NameRef& ref(uint32_t i) const { return refs_[i]; }
  std::string_view joined(uint32_t i) const { return Slice(joined_[i]); }
  std::string_view set(uint32_t i) const { return Slice(set_[i]); }
  std::string_view weak(uint32_t i) const { return Slice(weak_keys_[weak_id_[i]]); }
  // Names with the same weak key share its id (legal forms repeat: "co ltd").
  uint32_t weak_id(uint32_t i) const { return weak_id_[i]; }
  size_t weak_key_count() const { return weak_keys_.size(); }
  std::string_view weak_key(uint32_t id) const { return Slice(weak_keys_[id]); }
  std::string_view skeleton(uint32_t i) const { return Slice(skeleton_[i]); }
  std::string_view key(uint32_t i, KeyKind kind) const {
    return kind == KeyKind::kSet ? set(i) : kind == KeyKind::kSkeleton ? skeleton(i) : joined(i);
  }
  const std::vector<lists::ListEntity>& entities() const { return entities_; }
  const Normalizer& normalizer() const { return *normalizer_; }
  const std::string& name_text(uint32_t i) const;  // the published name or alias
  size_t memory_bytes() const;

  // Hints that name i will be scored soon (no effect on results).
  void PrefetchSpans(uint32_t i) const {
    __builtin_prefetch(&refs_[i]);
    __builtin_prefetch(&joined_[i]);
    __builtin_prefetch(&weak_id_[i]);
    __builtin_prefetch(&set_[i]);
  }
  void PrefetchKeys(uint32_t i) const {
    __builtin_prefetch(arena_.data() + joined_[i].off);
  }
  // List and country filters of the options, for name i.
  bool Admits(uint32_t i, const ScreeningOptions& options) const;
  // The combined score of name i, exact when >= q.threshold.
  double Score(const PreparedQuery& q, uint32_t i) const;
  double FormScore(const QueryForm& f, uint32_t i) const {
    return CombinedScore(f, key(i, f.target), weak(i));
  }
  // Ranked matches from (name, score) pairs with score >= threshold.
  std::vector<Match> Finish(const PreparedQuery& q, std::vector<std::pair<uint32_t, double>> scored,
                            const ScreeningOptions& options) const;

 private:
  struct Span { uint32_t off; uint32_t len; };
  std::string_view Slice(Span s) const { return std::string_view(arena_).substr(s.off, s.len); }
  Span Add(std::string_view s);
  struct Builder;  // the constructor's scratch (name_table.cc)
  void AddName(uint32_t entity, uint32_t slot, const std::string& text, Builder& b);
  void AddKeys(uint32_t entity, uint32_t slot, const NormalizedName& n, Builder& b);

  std::vector<lists::ListEntity> entities_;
  std::unique_ptr<const Normalizer> normalizer_;
  std::vector<NameRef> refs_;
  std::vector<Span> joined_, set_, skeleton_;
  std::vector<uint32_t> weak_id_;
  std::vector<Span> weak_keys_;
  std::string arena_;
};

}  // namespace cordon::screening::internal

#endif  // CORDON_SCREENING_INTERNAL_NAME_TABLE_H_
