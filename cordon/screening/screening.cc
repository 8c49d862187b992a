#include "cordon/screening/screening.h"

#include <algorithm>
#include <bit>
#include <numeric>

#include "cordon/screening/internal/name_table.h"

namespace cordon::screening {

using internal::KeyFeatures;
using internal::KeyKind;
using internal::QueryForm;
using internal::NameTable;
using internal::PreparedQuery;

const char* MatchedOnName(MatchedOn m) { return m == MatchedOn::kName ? "name" : "alias"; }

// The names of one key kind in scan order: by key length, then as indexed.
// Structure of arrays so a scan touches 20 bytes per name.
struct ScreeningIndex::Family {
  std::vector<uint32_t> bucket_start;  // names of key length L: [bucket_start[L], bucket_start[L + 1])
  std::vector<uint64_t> m1, m2;
  std::vector<uint32_t> first4;
  std::vector<uint32_t> name;

  size_t memory_bytes() const {
    return bucket_start.capacity() * 4 + (m1.capacity() + m2.capacity()) * 8 +
           (first4.capacity() + name.capacity()) * 4;
  }
};

namespace {

std::unique_ptr<ScreeningIndex::Family> BuildFamily(const NameTable& t, KeyKind kind) {
  auto f = std::make_unique<ScreeningIndex::Family>();
  const size_t n = t.size();
  std::vector<KeyFeatures> feats(n);
  size_t max_len = 0;
  for (uint32_t i = 0; i < n; ++i) {
    feats[i] = internal::Features(t.key(i, kind));
    max_len = std::max<size_t>(max_len, feats[i].len);
  }
  // Counting sort by length keeps the indexing order within a length.
  f->bucket_start.assign(max_len + 2, 0);
  for (const auto& k : feats) ++f->bucket_start[k.len + 1];
  std::partial_sum(f->bucket_start.begin(), f->bucket_start.end(), f->bucket_start.begin());
  std::vector<uint32_t> pos(f->bucket_start.begin(), f->bucket_start.end() - 1);
  f->m1.resize(n);
  f->m2.resize(n);
  f->first4.resize(n);
  f->name.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t p = pos[feats[i].len]++;
    f->m1[p] = feats[i].m1;
    f->m2[p] = feats[i].m2;
    f->first4[p] = feats[i].first4;
    f->name[p] = i;
  }
  return f;
}

inline double JaroWinklerBound(double matches, double n, double m, unsigned prefix) {
  if (matches <= 0) return 0.0;
  double jaro = (matches / n + matches / m + 1.0) / 3.0;
  return jaro + 0.1 * prefix * (1.0 - jaro);
}

}  // namespace

ScreeningIndex::~ScreeningIndex() = default;

Result<std::unique_ptr<const ScreeningIndex>> ScreeningIndex::Build(std::vector<lists::ListEntity> entities) {
  ASSIGN_OR_RETURN(std::unique_ptr<const Normalizer> normalizer, Normalizer::Create());
  if (entities.size() >= UINT32_MAX) return InvalidArgument("too many entities for one index");
  std::unique_ptr<ScreeningIndex> index(new ScreeningIndex());
  index->table_ = std::make_unique<NameTable>(std::move(entities), std::move(normalizer));
  index->joined_ = BuildFamily(*index->table_, KeyKind::kJoined);
  index->set_ = BuildFamily(*index->table_, KeyKind::kSet);
  index->skeleton_ = BuildFamily(*index->table_, KeyKind::kSkeleton);
  return std::unique_ptr<const ScreeningIndex>(std::move(index));
}

std::vector<Match> ScreeningIndex::Screen(std::string_view query, const ScreeningOptions& options) const {
  PreparedQuery q(query, table_->normalizer(), options);
  if (q.forms.empty()) return {};
  std::vector<uint32_t> candidates;
  for (const QueryForm& form : q.forms) {
    const Family& f = form.target == KeyKind::kSkeleton ? *skeleton_ : form.target == KeyKind::kSet ? *set_ : *joined_;
    Candidates(f, form, options.scorer, &candidates);
  }
  if (q.forms.size() > 1) {
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  }
  std::vector<std::pair<uint32_t, double>> scored;
  for (uint32_t id : candidates) {
    if (!table_->Admits(id, options)) continue;
    const double s = table_->Score(q, id);
    if (s >= options.threshold) scored.emplace_back(id, s);
  }
  return table_->Finish(q, std::move(scored), options);
}

// Appends every name of `f` whose upper bound of the strong score against
// `form` reaches the form's strong threshold.
void ScreeningIndex::Candidates(const Family& f, const QueryForm& form, ScorerKind scorer,
                                std::vector<uint32_t>* out) const {
  const uint32_t n = form.features.len;
  if (n == 0) return;
  // Every filter below is an upper bound of the strong score; a name is
  // skipped only when its bound is below the strong threshold, which every
  // returned pair needs (docs/screening.md § The index). The slack keeps
  // rounding from ever dropping a pair.
  const double need = form.strong_threshold - 1e-9;
  const double dn = n;
  const uint64_t q1 = form.at_least[0], q2 = form.at_least[1];
  for (uint32_t len = 1; len + 1 < f.bucket_start.size(); ++len) {
    const uint32_t begin = f.bucket_start[len], end = f.bucket_start[len + 1];
    if (begin == end) continue;
    const double dm = len;
    const uint32_t shorter = std::min(n, len), longer = std::max(n, len);
    const uint32_t diff = longer - shorter;
    double bucket_bound = 1.0;
    switch (scorer) {
      case ScorerKind::kJaroWinkler:
        bucket_bound = JaroWinklerBound(shorter, dn, dm, std::min(4u, shorter));
        break;
      case ScorerKind::kLevenshtein:
        bucket_bound = 1.0 - static_cast<double>(diff) / longer;
        break;
      case ScorerKind::kTokenSet:
        bucket_bound = 1.0 - static_cast<double>(diff) / (n + len);
        break;
    }
    if (bucket_bound < need) continue;
    for (uint32_t p = begin; p < end; ++p) {
      const uint64_t c1 = f.m1[p], c2 = f.m2[p];
      // Characters of the query the name lacks (a lower bound), and the reverse.
      uint32_t dq = std::popcount(q1 & ~c1);
      for (int k = 1; k < form.max_count; ++k) dq += std::popcount(form.at_least[k] & ~c2);
      const uint32_t dc = std::popcount(c1 & ~q1) + std::popcount(c2 & ~q2);
      double bound;
      switch (scorer) {
        case ScorerKind::kJaroWinkler: {
          const int64_t matches = std::min<int64_t>(int64_t{n} - dq, int64_t{len} - dc);
          const uint32_t x = form.features.first4 ^ f.first4[p];
          const unsigned prefix = std::min<unsigned>(x == 0 ? 4u : std::countr_zero(x) / 8, std::min(4u, shorter));
          bound = JaroWinklerBound(static_cast<double>(matches), dn, dm, prefix);
          break;
        }
        case ScorerKind::kLevenshtein:
          bound = 1.0 - static_cast<double>(std::max({diff, dq, dc})) / longer;
          break;
        default:
          bound = 1.0 - static_cast<double>(std::max(diff, dq + dc)) / (n + len);
          break;
      }
      if (bound < need) continue;
      out->push_back(f.name[p]);
    }
  }
}

size_t ScreeningIndex::entity_count() const { return table_->entities().size(); }
size_t ScreeningIndex::name_count() const { return table_->size(); }
size_t ScreeningIndex::memory_bytes() const {
  return table_->memory_bytes() + joined_->memory_bytes() + set_->memory_bytes() + skeleton_->memory_bytes();
}
const lists::ListEntity& ScreeningIndex::entity(uint32_t index) const { return table_->entities()[index]; }
const Normalizer& ScreeningIndex::normalizer() const { return table_->normalizer(); }

}  // namespace cordon::screening
