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
// Structure of arrays so a scan touches 20 bytes per name, plus a transposed
// copy of the character masks (one bit per name and character) so the
// missing-character bound is computed for 64 names per word operation.
struct ScreeningIndex::Family {
  std::vector<uint32_t> bucket_start;  // names of key length L: [bucket_start[L], bucket_start[L + 1])
  std::vector<uint64_t> m1, m2;
  std::vector<uint32_t> first4;
  std::vector<uint32_t> name;
  // has[(2 * c + k) * words + w], bit j: the name at scan position 64 w + j
  // holds character c (CharBit) at least k + 1 times.
  size_t words = 0;
  std::vector<uint64_t> has;
  // Characters ordered from the one fewest names hold: their absence from a
  // name is the likeliest, so the counters saturate early.
  std::vector<uint8_t> rarest_first;

  size_t memory_bytes() const {
    return bucket_start.capacity() * 4 + (m1.capacity() + m2.capacity() + has.capacity()) * 8 +
           (first4.capacity() + name.capacity()) * 4 + rarest_first.capacity();
  }
};

namespace {

constexpr int kChars = 37;  // CharBit's range: a-z, 0-9, space

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
  f->words = (n + 63) / 64;
  f->has.assign(2 * kChars * f->words, 0);
  size_t holders[kChars] = {};
  for (size_t p = 0; p < n; ++p) {
    const uint64_t bit = uint64_t{1} << (p % 64);
    for (uint64_t m = f->m1[p]; m; m &= m - 1) {
      const int c = std::countr_zero(m);
      ++holders[c];
      f->has[(2 * c) * f->words + p / 64] |= bit;
    }
    for (uint64_t m = f->m2[p]; m; m &= m - 1) f->has[(2 * std::countr_zero(m) + 1) * f->words + p / 64] |= bit;
  }
  f->rarest_first.resize(kChars);
  std::iota(f->rarest_first.begin(), f->rarest_first.end(), 0);
  std::stable_sort(f->rarest_first.begin(), f->rarest_first.end(),
                   [&](uint8_t a, uint8_t b) { return holders[a] < holders[b]; });
  return f;
}

inline double JaroWinklerBound(double matches, double n, double m, unsigned prefix) {
  if (matches <= 0) return 0.0;
  double jaro = (matches / n + matches / m + 1.0) / 3.0;
  return jaro + 0.1 * prefix * (1.0 - jaro);
}

// An upper bound of the strong score from the lengths, lower bounds on the
// characters each side lacks (dq: of the query's, dc: of the name's) and the
// common prefix (docs/screening.md § The index).
inline double StrongBound(ScorerKind scorer, uint32_t n, uint32_t len, uint32_t dq, uint32_t dc, unsigned prefix) {
  const uint32_t shorter = std::min(n, len), longer = std::max(n, len), diff = longer - shorter;
  switch (scorer) {
    case ScorerKind::kJaroWinkler: {
      const int64_t matches = std::min<int64_t>(int64_t{n} - dq, int64_t{len} - dc);
      return JaroWinklerBound(static_cast<double>(matches), n, len, std::min({prefix, 4u, shorter}));
    }
    case ScorerKind::kLevenshtein:
      return 1.0 - static_cast<double>(std::max({diff, dq, dc})) / longer;
    case ScorerKind::kTokenSet:
      return 1.0 - static_cast<double>(std::max(diff, dq + dc)) / (n + len);
  }
  return 1.0;
}

// The scan's hot loops, compiled twice on x86-64 (with popcnt and AVX2, and
// without) and picked when the program loads; elsewhere once.
#if defined(__x86_64__) && defined(__ELF__) && (defined(__GNUC__) || defined(__clang__))
#define CORDON_HOT_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CORDON_HOT_CLONES
#endif

// Appends every name of `f` whose upper bound of the strong score against
// `form` reaches the form's strong threshold, in two stages per length bucket:
// (1) the transposed masks count, 64 names at a time, the query characters
// (and doubled characters) each name lacks -- a lower bound of d_q -- with
// saturating counters, and drop the names lacking more than the bucket
// allows; (2) the survivors get the full per-name bound (both directions and
// the prefix). Both stages only drop names whose bound is below the threshold.
CORDON_HOT_CLONES
void ScanFamily(const ScreeningIndex::Family& f, const QueryForm& form, ScorerKind scorer, std::vector<uint32_t>* out) {
  const uint32_t n = form.features.len;
  if (n == 0) return;
  // The slack keeps rounding from ever dropping a pair.
  const double need = form.strong_threshold - 1e-9;
  const uint64_t q1 = form.at_least[0], q2 = form.at_least[1];
  // Stage 1 events: "the name lacks c" for each query character c, and "the
  // name has fewer than two c" for each doubled one; each is one more
  // character of the query left unmatched. Rarest characters first.
  uint32_t slots[2 * kChars];
  uint32_t events = 0;
  for (uint8_t c : f.rarest_first)
    if (q2 >> c & 1) slots[events++] = 2 * c + 1;
  for (uint8_t c : f.rarest_first)
    if (q1 >> c & 1) slots[events++] = 2 * c;
  constexpr uint32_t kMaxLevels = 8;
  constexpr size_t kChunk = 32;  // words per pass: 2,048 names
  uint64_t count[kMaxLevels][kChunk];

  for (uint32_t len = 1; len + 1 < f.bucket_start.size(); ++len) {
    const uint32_t begin = f.bucket_start[len], end = f.bucket_start[len + 1];
    if (begin == end || StrongBound(scorer, n, len, 0, 0, 4) < need) continue;
    // The most query characters a name of this length may lack.
    uint32_t allowed = 0;
    while (allowed < n && StrongBound(scorer, n, len, allowed + 1, 0, 4) >= need) ++allowed;
    const bool filter = allowed < events && allowed + 1 <= kMaxLevels;
    const uint32_t levels = filter ? allowed + 1 : 1;  // counters: "lacks at least j + 1"
    const size_t wb = begin / 64, we = (end + 63) / 64;
    for (size_t w0 = wb; w0 < we; w0 += kChunk) {
      const size_t cw = std::min(kChunk, we - w0);
      uint64_t* top = count[levels - 1];
      // Bits outside [begin, end) start saturated: never survivors.
      for (size_t w = 0; w < cw; ++w) {
        const size_t lo = (w0 + w) * 64, hi = lo + 64;
        uint64_t inside = ~uint64_t{0};
        if (begin > lo) inside &= ~uint64_t{0} << (begin - lo);
        if (end < hi) inside &= ~uint64_t{0} >> (hi - end);
        top[w] = ~inside;
      }
      if (filter) {
        for (uint32_t j = 0; j + 1 < levels; ++j) std::fill_n(count[j], cw, 0);
        for (uint32_t e = 0; e < events; ++e) {
          const uint64_t* h = f.has.data() + slots[e] * f.words + w0;
          for (uint32_t j = levels - 1; j >= 1; --j) {
            uint64_t* cj = count[j];
            const uint64_t* below = count[j - 1];
            for (size_t w = 0; w < cw; ++w) cj[w] |= below[w] & ~h[w];
          }
          if (levels > 1) {
            for (size_t w = 0; w < cw; ++w) count[0][w] |= ~h[w];
          } else {
            for (size_t w = 0; w < cw; ++w) top[w] |= ~h[w];
          }
          if ((e & 3) == 3) {
            uint64_t all = ~uint64_t{0};
            for (size_t w = 0; w < cw; ++w) all &= top[w];
            if (all == ~uint64_t{0}) break;
          }
        }
      }
      for (size_t w = 0; w < cw; ++w) {
        for (uint64_t live = ~top[w]; live; live &= live - 1) {
          const uint32_t p = static_cast<uint32_t>((w0 + w) * 64 + std::countr_zero(live));
          const uint64_t c1 = f.m1[p], c2 = f.m2[p];
          // Characters of the query the name lacks (a lower bound), and the reverse.
          uint32_t dq = std::popcount(q1 & ~c1);
          for (int k = 1; k < form.max_count; ++k) dq += std::popcount(form.at_least[k] & ~c2);
          const uint32_t dc = std::popcount(c1 & ~q1) + std::popcount(c2 & ~q2);
          const uint32_t x = form.features.first4 ^ f.first4[p];
          const unsigned prefix = x == 0 ? 4u : std::countr_zero(x) / 8;
          if (StrongBound(scorer, n, len, dq, dc, prefix) < need) continue;
          out->push_back(f.name[p]);
        }
      }
    }
  }
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
  ScanFamily(f, form, scorer, out);
}

size_t ScreeningIndex::entity_count() const { return table_->entities().size(); }
size_t ScreeningIndex::name_count() const { return table_->size(); }
size_t ScreeningIndex::memory_bytes() const {
  return table_->memory_bytes() + joined_->memory_bytes() + set_->memory_bytes() + skeleton_->memory_bytes();
}
const lists::ListEntity& ScreeningIndex::entity(uint32_t index) const { return table_->entities()[index]; }
const Normalizer& ScreeningIndex::normalizer() const { return table_->normalizer(); }

}  // namespace cordon::screening
