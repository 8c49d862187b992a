#include "cordon/screening/screening.h"

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cmath>
#include <numeric>

#include "cordon/screening/internal/name_table.h"

namespace cordon::screening {

using internal::KeyFeatures;
using internal::KeyKind;
using internal::QueryForm;
using internal::NameTable;
using internal::PreparedQuery;

const char* MatchedOnName(MatchedOn m) { return m == MatchedOn::kName ? "name" : "alias"; }

// The names of one key kind in scan order: by key length, then by their
// character masks (so that names with the same characters sit together), in
// blocks of up to kBlock names that never cross a length. Structure of arrays
// so a scan touches 20 bytes per name it looks at; each block also keeps the
// union and the intersection of its names' masks, which bound the score of
// every name in it at once.
struct ScreeningIndex::Family {
  std::vector<uint32_t> bucket_start;  // names of key length L: [bucket_start[L], bucket_start[L + 1])
  std::vector<uint32_t> bucket_block;  // their blocks: [bucket_block[L], bucket_block[L + 1])
  std::vector<uint64_t> m1, m2;
  std::vector<uint32_t> first4;
  std::vector<uint32_t> name;
  struct Block {
    uint64_t any1, any2;  // union of the names' m1, m2
    uint64_t all1, all2;  // intersection
    uint32_t begin, end;  // scan positions
  };
  std::vector<Block> blocks;

  size_t memory_bytes() const {
    return (bucket_start.capacity() + bucket_block.capacity()) * 4 + (m1.capacity() + m2.capacity()) * 8 +
           (first4.capacity() + name.capacity()) * 4 + blocks.capacity() * sizeof(Block);
  }
};

namespace {

constexpr int kChars = 37;      // CharBit's range: a-z, 0-9, space
constexpr uint32_t kBlock = 32;  // names per block

std::unique_ptr<ScreeningIndex::Family> BuildFamily(const NameTable& t, KeyKind kind) {
  auto f = std::make_unique<ScreeningIndex::Family>();
  const size_t n = t.size();
  std::vector<KeyFeatures> feats(n);
  size_t max_len = 0;
  size_t holders[2][kChars] = {};
  for (uint32_t i = 0; i < n; ++i) {
    feats[i] = internal::Features(t.key(i, kind));
    max_len = std::max<size_t>(max_len, feats[i].len);
    for (uint64_t m = feats[i].m1; m; m &= m - 1) ++holders[0][std::countr_zero(m)];
    for (uint64_t m = feats[i].m2; m; m &= m - 1) ++holders[1][std::countr_zero(m)];
  }
  // Sort key: the mask bits, those held by closest to half of the names most
  // significant (they split the names best), single before doubled.
  std::vector<std::pair<int, int>> bits;  // (level, character)
  for (int k = 0; k < 2; ++k)
    for (int c = 0; c < kChars; ++c) bits.emplace_back(k, c);
  auto imbalance = [&](std::pair<int, int> b) {
    const double h = static_cast<double>(holders[b.first][b.second]);
    return std::abs(h - static_cast<double>(n) / 2) + (b.first == 1 ? static_cast<double>(n) : 0.0);
  };
  std::stable_sort(bits.begin(), bits.end(), [&](auto x, auto y) { return imbalance(x) < imbalance(y); });
  bits.resize(64);
  // The key is gathered a byte of each mask at a time: table[b][v] holds the
  // key bits that byte b (m1's 5 bytes, then m2's) contributes when it is v.
  std::vector<std::array<uint64_t, 256>> table(10);
  for (size_t r = 0; r < bits.size(); ++r) {
    const auto [level, c] = bits[r];
    const int byte = level * 5 + c / 8;
    for (int v = 0; v < 256; ++v)
      if (v >> (c % 8) & 1) table[byte][v] |= uint64_t{1} << (63 - r);
  }
  auto sort_key = [&](const KeyFeatures& k) {
    uint64_t key = 0;
    for (int b = 0; b < 5; ++b) key |= table[b][(k.m1 >> (8 * b)) & 0xff] | table[5 + b][(k.m2 >> (8 * b)) & 0xff];
    return key;
  };
  // Counting sort by length keeps the indexing order within a length; then
  // each length is sorted by the mask key (ties in indexing order).
  f->bucket_start.assign(max_len + 2, 0);
  for (const auto& k : feats) ++f->bucket_start[k.len + 1];
  std::partial_sum(f->bucket_start.begin(), f->bucket_start.end(), f->bucket_start.begin());
  std::vector<uint32_t> pos(f->bucket_start.begin(), f->bucket_start.end() - 1);
  std::vector<std::pair<uint64_t, uint32_t>> order(n);
  for (uint32_t i = 0; i < n; ++i) order[pos[feats[i].len]++] = {sort_key(feats[i]), i};
  f->m1.resize(n);
  f->m2.resize(n);
  f->first4.resize(n);
  f->name.resize(n);
  f->bucket_block.assign(max_len + 2, 0);
  for (size_t len = 0; len <= max_len; ++len) {
    const uint32_t begin = f->bucket_start[len], end = f->bucket_start[len + 1];
    std::sort(order.begin() + begin, order.begin() + end);
    f->bucket_block[len] = static_cast<uint32_t>(f->blocks.size());
    for (uint32_t b = begin; b < end; b += kBlock) {
      ScreeningIndex::Family::Block blk{0, 0, ~uint64_t{0}, ~uint64_t{0}, b, std::min(end, b + kBlock)};
      for (uint32_t p = blk.begin; p < blk.end; ++p) {
        const KeyFeatures& k = feats[order[p].second];
        f->m1[p] = k.m1;
        f->m2[p] = k.m2;
        f->first4[p] = k.first4;
        f->name[p] = order[p].second;
        blk.any1 |= k.m1, blk.any2 |= k.m2, blk.all1 &= k.m1, blk.all2 &= k.m2;
      }
      f->blocks.push_back(blk);
    }
  }
  f->bucket_block[max_len + 1] = static_cast<uint32_t>(f->blocks.size());
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
// `form` reaches the form's strong threshold. Per length the bound reduces to
// integer limits on d_q and d_c; a block is skipped when its union and
// intersection masks already exceed them (every name of it would), and the
// names of the other blocks are tested one by one with their own masks and
// prefix. Only names whose bound is below the threshold are left out.
CORDON_HOT_CLONES
void ScanFamily(const ScreeningIndex::Family& f, const QueryForm& form, ScorerKind scorer, std::vector<uint32_t>* out) {
  const uint32_t n = form.features.len;
  if (n == 0) return;
  // The slack keeps rounding from ever dropping a pair.
  const double need = form.strong_threshold - 1e-9;
  const uint64_t q1 = form.at_least[0], q2 = form.at_least[1];
  // Characters of the query a name (or every name of a block) lacks, a lower
  // bound of d_q; and the reverse, d_c.
  auto lacks = [&](uint64_t c1, uint64_t c2) {
    uint32_t d = std::popcount(q1 & ~c1);
    for (int k = 1; k < form.max_count; ++k) d += std::popcount(form.at_least[k] & ~c2);
    return d;
  };
  for (uint32_t len = 1; len + 1 < f.bucket_start.size(); ++len) {
    if (f.bucket_start[len] == f.bucket_start[len + 1] || StrongBound(scorer, n, len, 0, 0, 4) < need) continue;
    // The bound is monotone in d_q and d_c, so per length it reduces to
    // integer limits: a name may pass only if d_q <= max_dq[prefix],
    // d_c <= max_dc[prefix] and d_q + d_c <= max_sum (token set: the sum).
    int max_dq[5], max_dc[5], max_sum = INT32_MAX;
    for (unsigned prefix = 0; prefix <= 4; ++prefix) {
      int dq = -1, dc = -1;
      while (dq < static_cast<int>(n) && StrongBound(scorer, n, len, dq + 1, 0, prefix) >= need) ++dq;
      while (dc < static_cast<int>(len) && StrongBound(scorer, n, len, 0, dc + 1, prefix) >= need) ++dc;
      max_dq[prefix] = dq, max_dc[prefix] = dc;
    }
    if (scorer == ScorerKind::kTokenSet) max_sum = max_dq[4];
    auto passes = [&](uint32_t dq, uint32_t dc, unsigned prefix) {
      return static_cast<int>(dq) <= max_dq[prefix] && static_cast<int>(dc) <= max_dc[prefix] &&
             static_cast<int>(dq + dc) <= max_sum;
    };
    for (uint32_t b = f.bucket_block[len]; b < f.bucket_block[len + 1]; ++b) {
      const ScreeningIndex::Family::Block& blk = f.blocks[b];
      // Every name of the block holds at most `any` and at least `all`.
      if (!passes(lacks(blk.any1, blk.any2), std::popcount(blk.all1 & ~q1) + std::popcount(blk.all2 & ~q2), 4))
        continue;
      for (uint32_t p = blk.begin; p < blk.end; ++p) {
        const uint64_t c1 = f.m1[p], c2 = f.m2[p];
        const uint32_t x = form.features.first4 ^ f.first4[p];
        const unsigned prefix = std::min(x == 0 ? 4u : std::countr_zero(x) / 8, 4u);
        if (!passes(lacks(c1, c2), std::popcount(c1 & ~q1) + std::popcount(c2 & ~q2), prefix)) continue;
        out->push_back(f.name[p]);
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
  for (size_t k = 0; k < candidates.size(); ++k) {
    // The names are scattered over the table: start the reads of later ones
    // (their spans, then their keys) while this one is scored.
    if (k + 16 < candidates.size()) table_->PrefetchSpans(candidates[k + 16]);
    if (k + 8 < candidates.size()) table_->PrefetchKeys(candidates[k + 8]);
    const uint32_t id = candidates[k];
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
