#include "cordon/screening/screening.h"

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <numeric>

#include "cordon/base/huge_pages.h"
#include "cordon/screening/internal/name_table.h"

namespace cordon::screening {

using internal::KeyFeatures;
using internal::KeyKind;
using internal::QueryForm;
using internal::NameTable;
using internal::PreparedQuery;

const char* MatchedOnName(MatchedOn m) { return m == MatchedOn::kName ? "name" : "alias"; }

// The names of one key kind in scan order: by key length, then by the key's
// first byte, then in the order of a recursive bisection on their character
// masks (names with the same characters sit together; Split, BuildTree). The nodes
// of that bisection form a tree (up to four children per node, at most
// kLeaf names per leaf, one tree per length and first byte), each node keeping
// the union and the intersection of the masks of the names below it, which
// bound the score of every one of them at once. Per name a scan reads 16 bytes
// (Bits). The keys themselves are stored again in scan order, all keys of one
// length back to back, so the names that pass are scored from nearby memory.
// The scan touches a few lines in each of thousands of places over ~50 MB, so
// its arrays are BigVectors (huge pages: without them most reads also missed
// the TLB and the prefetches stalled on page walks).
struct ScreeningIndex::Family {
  std::vector<uint32_t> bucket_start;  // names of key length L: [bucket_start[L], bucket_start[L + 1])
  std::vector<uint32_t> bucket_roots;  // their trees: roots[bucket_roots[L], bucket_roots[L + 1])
  std::vector<uint32_t> roots;         // node ids
  // Per position the masks and the first four bytes, packed in 16 bytes:
  // w1 = m1 | first three bytes << 40, w2 = m2 | fourth byte << 40.
  struct Bits {
    uint64_t w1, w2;
  };
  BigVector<Bits> bits;
  BigVector<uint32_t> name;
  BigVector<uint32_t> weak_id;  // NameTable::weak_id of the name at each position
  std::vector<size_t> key_start;  // key of position p (length L): keys[key_start[L] + (p - bucket_start[L]) * L]
  BigVector<char> keys;
  struct Node {
    uint64_t any1, any2;  // union of the names' m1, m2
    uint64_t all1, all2;  // intersection
    uint32_t begin, end;  // children: positions (a leaf) or node ids
    uint8_t first;        // the first byte of every name below
    bool leaf;
  };
  BigVector<Node> nodes;

  std::string_view key(uint32_t p, uint32_t len) const {
    return std::string_view(keys.data() + key_start[len] + size_t{p - bucket_start[len]} * len, len);
  }
  size_t memory_bytes() const {
    return (bucket_start.capacity() + bucket_roots.capacity() + roots.capacity()) * 4 +
           key_start.capacity() * sizeof(size_t) + bits.capacity() * sizeof(Bits) +
           (name.capacity() + weak_id.capacity()) * 4 + keys.capacity() + nodes.capacity() * sizeof(Node);
  }
};

namespace {

constexpr int kChars = 37;       // CharBit's range: a-z, 0-9, space
constexpr uint32_t kLeaf = 8;    // names per leaf at most
constexpr uint64_t kMaskBits = (uint64_t{1} << kChars) - 1;
static_assert(kChars <= 40);

// A name in the build's ordering: everything the tree needs, so building it
// reads no other array (reading the features by name id was a cache miss per
// name and 28 % of the tree's time).
struct Order {
  uint64_t m1, m2;
  uint64_t hash;    // of the key: identical keys end up adjacent (see BuildTree)
  uint32_t i;
  uint32_t first4;  // the key's first four bytes
  uint8_t first() const { return static_cast<uint8_t>(first4 & 0xff); }
  // Within a leaf: by masks, then key hash (identical keys adjacent, so the
  // scorer can reuse a score; it compares the keys themselves, a collision
  // only costs reuses), then indexing order.
  bool operator<(const Order& o) const {
    return m1 != o.m1 ? m1 < o.m1 : m2 != o.m2 ? m2 < o.m2 : hash != o.hash ? hash < o.hash : i < o.i;
  }
};
static_assert(sizeof(Order) == 32);

// A cheap hash of a key (only equal keys must hash equal; see Order).
uint64_t KeyHash(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ULL * (s.size() + 1);
  size_t k = 0;
  for (; k + 8 <= s.size(); k += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + k, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
  }
  uint64_t w = 0;
  std::memcpy(&w, s.data() + k, s.size() - k);
  h = (h ^ w) * 0x94d049bb133111ebULL;
  return h ^ (h >> 29);
}

// kSpread[b]: the 8 bits of b, one per byte (bit j -> byte j). Counting the
// bits of many masks adds 8 counters per addition (Split).
constexpr std::array<uint64_t, 256> kSpread = [] {
  std::array<uint64_t, 256> t{};
  for (int b = 0; b < 256; ++b)
    for (int j = 0; j < 8; ++j)
      if (b >> j & 1) t[b] |= uint64_t{1} << (8 * j);
  return t;
}();

// Splits order[b, e) in two on the mask bit (m1 or m2) held by closest to half
// of its names (counted on a sample of 32 to 63) and returns the split
// point, or b when no bit splits them (equal masks are never separated). A
// bit chosen for the names at hand beats one global bit order: character
// occurrences are strongly correlated (syllables, common words).
uint32_t Split(Order* order, Order* tmp, uint32_t b, uint32_t e) {
  // Byte counters, 8 per word: m1's 37 bits in words 0-4, m2's in 5-9 (fewer
  // than 64 samples, so no byte overflows).
  uint64_t lanes[10] = {};
  const uint32_t step = std::max<uint32_t>(1, (e - b) / 32);
  int sampled = 0;
  for (uint32_t p = b; p < e; p += step, ++sampled) {
    const uint64_t m1 = order[p].m1, m2 = order[p].m2;
    for (int w = 0; w < 5; ++w) {
      lanes[w] += kSpread[(m1 >> (8 * w)) & 0xff];
      lanes[5 + w] += kSpread[(m2 >> (8 * w)) & 0xff];
    }
  }
  int best_level = -1, best_bit = 0, best_gap = INT_MAX;
  for (int level = 0; level < 2; ++level)
    for (int c = 0; c < kChars; ++c) {
      const int count = static_cast<int>((lanes[5 * level + c / 8] >> (8 * (c % 8))) & 0xff);
      const int gap = std::abs(2 * count - sampled);
      if (count > 0 && count < sampled && gap < best_gap) best_level = level, best_bit = c, best_gap = gap;
    }
  if (best_level < 0) return b;
  // A stable partition without branches (which way a name goes is a coin
  // toss, and std::partition's mispredictions were most of the build's tree
  // time): every name is written to both sides, the names with the bit go to
  // `tmp` and are copied back after the others.
  const uint64_t bit = uint64_t{1} << best_bit;
  uint32_t left = b, right = 0;
  for (uint32_t p = b; p < e; ++p) {
    const Order o = order[p];
    const uint32_t has = ((best_level == 0 ? o.m1 : o.m2) & bit) != 0;
    order[left] = o;
    tmp[right] = o;
    left += 1 - has;
    right += has;
  }
  std::copy(tmp, tmp + right, order + left);
  return left == e ? b : left;
}

// Writes the names of `leaf` (sorted) to their scan positions and its masks.
void FillLeaf(ScreeningIndex::Family& f, const Order* order, ScreeningIndex::Family::Node& leaf) {
  for (uint32_t p = leaf.begin; p < leaf.end; ++p) {
    const Order& o = order[p];
    f.bits[p] = {o.m1 | uint64_t{o.first4 & 0xffffff} << 40, o.m2 | uint64_t{o.first4 >> 24} << 40};
    f.name[p] = o.i;
    leaf.any1 |= o.m1, leaf.any2 |= o.m2, leaf.all1 &= o.m1, leaf.all2 &= o.m2;
  }
}

// Fills node `id` with the tree over order[b, e): a leaf when at most kLeaf
// names; otherwise split twice (up to four children, each its own subtree),
// or, when no bit splits the names, sorted and cut into leaves.
void BuildTree(ScreeningIndex::Family& f, Order* order, Order* tmp, uint32_t id, uint32_t b, uint32_t e) {
  using Node = ScreeningIndex::Family::Node;
  Node node{0, 0, ~uint64_t{0}, ~uint64_t{0}, b, e, order[b].first(), true};
  if (e - b <= kLeaf) {
    std::sort(order + b, order + e);  // identical keys adjacent
    FillLeaf(f, order, node);
    f.nodes[id] = node;
    return;
  }
  std::array<std::pair<uint32_t, uint32_t>, 4> children;
  size_t count = 1;
  children[0] = {b, e};
  for (int round = 0; round < 2; ++round) {
    std::array<std::pair<uint32_t, uint32_t>, 4> split;
    size_t n = 0;
    for (size_t c = 0; c < count; ++c) {
      const auto [cb, ce] = children[c];
      const uint32_t m = ce - cb > kLeaf ? Split(order, tmp, cb, ce) : cb;
      if (m == cb) {
        split[n++] = {cb, ce};
      } else {
        split[n++] = {cb, m};
        split[n++] = {m, ce};
      }
    }
    children = split, count = n;
  }
  const auto first_child = static_cast<uint32_t>(f.nodes.size());
  uint32_t children_count = static_cast<uint32_t>(count);
  if (count == 1) {
    // Names no bit splits (equal masks, at least in the sample): sorted, then
    // leaves of kLeaf.
    std::sort(order + b, order + e);
    children_count = (e - b + kLeaf - 1) / kLeaf;
    f.nodes.resize(f.nodes.size() + children_count);
    for (uint32_t p = b, c = first_child; p < e; p += kLeaf, ++c) {
      Node leaf{0, 0, ~uint64_t{0}, ~uint64_t{0}, p, std::min(e, p + kLeaf), node.first, true};
      FillLeaf(f, order, leaf);
      f.nodes[c] = leaf;
      node.any1 |= leaf.any1, node.any2 |= leaf.any2, node.all1 &= leaf.all1, node.all2 &= leaf.all2;
    }
  } else {
    f.nodes.resize(f.nodes.size() + count);
    for (uint32_t c = 0; c < count; ++c) {
      BuildTree(f, order, tmp, first_child + c, children[c].first, children[c].second);
      const Node& child = f.nodes[first_child + c];
      node.any1 |= child.any1, node.any2 |= child.any2, node.all1 &= child.all1, node.all2 &= child.all2;
    }
  }
  node.begin = first_child;
  node.end = first_child + children_count;  // the subtrees' own nodes follow
  node.leaf = false;
  f.nodes[id] = node;
}

// Temporary arrays of a build, reused by the three families.
struct BuildScratch {
  BigVector<Order> order, sorted;
  BigVector<uint32_t> ids;  // 2 per name
  std::vector<uint32_t> start;
};

std::unique_ptr<ScreeningIndex::Family> BuildFamily(const NameTable& t, KeyKind kind, BuildScratch& scratch) {
  auto f = std::make_unique<ScreeningIndex::Family>();
  const auto n = static_cast<uint32_t>(t.size());
  // Counting sort by (key length, first byte), keeping the indexing order
  // (no comparison sort): count, then place the name ids, then gather the
  // records in that order.
  BigVector<Order>& order = scratch.order;
  order.resize(n);
  scratch.ids.resize(2 * size_t{n});
  uint32_t* const bucket_of = scratch.ids.data();  // per name: len * 256 + first byte
  uint32_t* const placed = scratch.ids.data() + n;  // name ids in bucket order; later positions by name
  std::vector<uint32_t>& start = scratch.start;
  start.assign(256 + 1, 0);
  uint32_t max_len = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string_view key = t.key(i, kind);
    const KeyFeatures k = internal::Features(key);
    order[i] = {k.m1, k.m2, KeyHash(key), i, k.first4};
    if (k.len > max_len) {
      max_len = k.len;
      start.resize(size_t{max_len + 1} * 256 + 1, 0);
    }
    bucket_of[i] = k.len * 256 + (k.first4 & 0xff);
    ++start[bucket_of[i] + 1];
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  {
    std::vector<uint32_t> pos(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < n; ++i) placed[pos[bucket_of[i]]++] = i;
  }
  BigVector<Order>& sorted = scratch.sorted;
  sorted.resize(n);
  constexpr uint32_t kAhead = 16;  // the gather is a cache miss per name without it
  for (uint32_t p = 0; p < n; ++p) {
    if (p + kAhead < n) __builtin_prefetch(&order[placed[p + kAhead]]);
    sorted[p] = order[placed[p]];
  }
  f->bucket_start.assign(max_len + 2, 0);
  for (uint32_t len = 0; len <= max_len; ++len) f->bucket_start[len + 1] = start[size_t{len + 1} * 256];
  f->bits.resize(n);
  f->name.resize(n);
  f->weak_id.resize(n);
  f->key_start.assign(max_len + 2, 0);
  f->bucket_roots.assign(max_len + 2, 0);
  f->nodes.reserve(n / 4);
  for (uint32_t len = 0; len <= max_len; ++len) {
    f->bucket_roots[len] = static_cast<uint32_t>(f->roots.size());
    // One tree per first byte.
    for (uint32_t first = 0; first < 256; ++first) {
      const uint32_t b = start[len * 256 + first], e = start[len * 256 + first + 1];
      if (b == e) continue;
      const auto root = static_cast<uint32_t>(f->nodes.size());
      f->nodes.emplace_back();
      f->roots.push_back(root);
      BuildTree(*f, sorted.data(), order.data(), root, b, e);  // `order` is free now: Split's buffer
    }
  }
  f->bucket_roots[max_len + 1] = static_cast<uint32_t>(f->roots.size());
  // The keys and weak ids in scan order, written in name order: the table is
  // read sequentially (reading it in scan order was a cache miss per name).
  for (uint32_t len = 0; len <= max_len; ++len)
    f->key_start[len + 1] = f->key_start[len] + size_t{f->bucket_start[len + 1] - f->bucket_start[len]} * len;
  f->keys.resize(f->key_start[max_len + 1]);
  uint32_t* const position = placed;
  for (uint32_t p = 0; p < n; ++p) position[f->name[p]] = p;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string_view key = t.key(i, kind);
    const uint32_t p = position[i], len = static_cast<uint32_t>(key.size());
    std::memcpy(f->keys.data() + f->key_start[len] + size_t{p - f->bucket_start[len]} * len, key.data(), len);
    f->weak_id[p] = t.weak_id(i);
  }
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
// The scan's lambdas are functions of their own, compiled for the default
// target: unless inlined into the clone, std::popcount in them is a libgcc call.
#if defined(__GNUC__) || defined(__clang__)
#define CORDON_INLINE __attribute__((always_inline))
#else
#define CORDON_INLINE
#endif

// The last d in [-1, hi] with ok(d) (ok(-1) counts as true), where ok is true
// up to some d and false after it (the bounds are monotone); the search
// starts at `guess` and gallops from there, so a guess that is right or off
// by one costs one or two bounds. `guess_ok`: ok(guess) is known to hold.
// The limits of every length used to be found one step at a time, ~10 % of a
// long query.
template <class Ok>
int LastPassing(int guess, bool guess_ok, int hi, Ok ok) {
  guess = std::clamp(guess, -1, hi);
  int lo, up;  // the answer is in [lo, up]: ok(lo) (or lo == -1), and not ok(up + 1) (or up == hi)
  if (guess < 0 || guess_ok || ok(guess)) {
    lo = guess, up = hi;
    for (int step = 1; lo < up; step *= 2) {
      const int probe = std::min(lo + step, up);
      if (!ok(probe)) {
        up = probe - 1;
        break;
      }
      lo = probe;
    }
  } else {
    up = guess - 1, lo = -1;
    for (int step = 1;; step *= 2) {
      const int probe = up + 1 - step;
      if (probe < 0) break;
      if (ok(probe)) {
        lo = probe;
        break;
      }
      up = probe - 1;
    }
  }
  while (lo < up) {
    const int mid = lo + (up - lo + 1) / 2;
    if (ok(mid)) {
      lo = mid;
    } else {
      up = mid - 1;
    }
  }
  return lo;
}

// The integer limits of one (query length n, name length len): a name may
// pass only if d_q <= dq[prefix] and d_c <= dc[prefix] (-1: none may).
struct Limits {
  int dq[5], dc[5];
};

// The bound is monotone in d_q and d_c (and in the prefix), so per length it
// reduces to limits; they depend only on the scorer, the strong threshold and
// the two lengths, so each thread keeps those of the last few (scorer,
// threshold, n) it met, filled in per length as the scans need them (found
// one bound at a time, they were ~10 % of a long query; then by galloping
// search, still ~8 %).
class LimitsCache {
 public:
  Limits Get(ScorerKind scorer, double need, uint32_t n, uint32_t len) {
    Entry* e = nullptr;
    for (Entry& x : entries_)
      if (x.used && x.scorer == scorer && x.need == need && x.n == n) e = &x;
    if (e == nullptr) {
      e = &entries_[next_++ % kEntries];
      *e = Entry{true, scorer, need, n, {}, {}, Limits{{-1, -1, -1, -1, -1}, {-1, -1, -1, -1, -1}}};
    }
    if (len >= e->known.size()) {
      e->known.resize(len + 1, 0);
      e->by_len.resize(len + 1);
    }
    if (!e->known[len]) {
      // Each search starts from the limit of the last length computed (they
      // move little from one length to the next) or of the previous prefix
      // (a longer common prefix never lowers the bound).
      Limits& l = e->by_len[len];
      for (unsigned prefix = 0; prefix <= 4; ++prefix) {
        const bool after = prefix > 0;
        l.dq[prefix] = LastPassing(after ? l.dq[prefix - 1] : e->last.dq[0], after, static_cast<int>(n),
                                   [&](int d) { return StrongBound(scorer, n, len, d, 0, prefix) >= need; });
        l.dc[prefix] = LastPassing(after ? l.dc[prefix - 1] : e->last.dc[0], after, static_cast<int>(len),
                                   [&](int d) { return StrongBound(scorer, n, len, 0, d, prefix) >= need; });
      }
      e->known[len] = 1;
      e->last = l;
    }
    return e->by_len[len];
  }

 private:
  static constexpr size_t kEntries = 16;
  struct Entry {
    bool used = false;
    ScorerKind scorer = ScorerKind::kJaroWinkler;
    double need = 0;
    uint32_t n = 0;
    std::vector<Limits> by_len;
    std::vector<uint8_t> known;
    Limits last;
  };
  std::array<Entry, kEntries> entries_;
  size_t next_ = 0;
};

// Appends the position of every name of `f` whose upper bound of the strong
// score against `form` reaches the form's strong threshold. Per length the
// bound reduces to integer limits on d_q and d_c; a node is skipped when its
// union and intersection masks already exceed them (every name below it
// would), and the names of the leaves reached are tested one by one with
// their own masks and prefix. Only names whose bound is below the threshold
// are left out.
CORDON_HOT_CLONES
void ScanFamily(const ScreeningIndex::Family& f, const QueryForm& form, ScorerKind scorer, std::vector<uint32_t>* out) {
  using Node = ScreeningIndex::Family::Node;
  const uint32_t n = form.features.len;
  if (n == 0) return;
  // The slack keeps rounding from ever dropping a pair.
  const double need = form.strong_threshold - 1e-9;
  const uint64_t q1 = form.at_least[0], q2 = form.at_least[1];
  const uint8_t q_first = static_cast<uint8_t>(form.features.first4 & 0xff);
  // d_q's part from the second occurrences on, Σ_{k≥1} popcount(at_least[k]
  // & ~c2), is the sum over the characters a name holds fewer than twice of
  // (the query's count − 1): that weight in binary, one mask per bit, takes
  // at most four popcounts instead of one per count level (a long query
  // repeats letters five or six times; that loop was a fifth of its scan).
  uint64_t plane[4] = {};
  for (int b = 0; b < kChars; ++b) {
    unsigned w = 0;
    for (int k = 1; k < form.max_count; ++k) w += (form.at_least[k] >> b) & 1;
    for (int j = 0; j < 4; ++j) plane[j] |= uint64_t{(w >> j) & 1} << b;
  }
  const bool wide = (plane[2] | plane[3]) != 0;  // some character at least five times
  // Characters of the query a name (or every name below a node) lacks, a
  // lower bound of d_q; and the reverse, d_c.
  auto lacks = [&](uint64_t c1, uint64_t c2) CORDON_INLINE {
    uint32_t d = std::popcount(q1 & ~c1) + std::popcount(plane[0] & ~c2) + 2 * std::popcount(plane[1] & ~c2);
    if (wide) d += 4 * std::popcount(plane[2] & ~c2) + 8 * std::popcount(plane[3] & ~c2);
    return d;
  };
  auto extra = [&](uint64_t c1, uint64_t c2) CORDON_INLINE {
    return static_cast<uint32_t>(std::popcount(c1 & ~q1) + std::popcount(c2 & ~q2));
  };
  struct Range {
    uint32_t begin, end;  // node ids
  };
  // Reused by the thread's queries (growing them was ~5 % of a long query).
  thread_local std::vector<Range> cur, next;
  thread_local std::vector<uint32_t> leaves;
  // Raw pointers: `out` is written in the loops, and the compiler must
  // otherwise reload the arrays' addresses after every push_back.
  const ScreeningIndex::Family::Bits* const bits = f.bits.data();
  const Node* const nodes = f.nodes.data();
  thread_local LimitsCache limits;
  for (uint32_t len = 1; len + 1 < f.bucket_start.size(); ++len) {
    if (f.bucket_start[len] == f.bucket_start[len + 1] || StrongBound(scorer, n, len, 0, 0, 4) < need) continue;
    // A name may pass only if d_q <= max_dq[prefix], d_c <= max_dc[prefix]
    // and d_q + d_c <= max_sum (token set: the sum).
    const Limits l = limits.Get(scorer, need, n, len);
    const int* const max_dq = l.dq;
    const int* const max_dc = l.dc;
    int max_sum = INT32_MAX;
    if (scorer == ScorerKind::kTokenSet) max_sum = max_dq[4];
    auto passes = [&](uint32_t dq, uint32_t dc, unsigned prefix) CORDON_INLINE {
      return static_cast<int>(dq) <= max_dq[prefix] && static_cast<int>(dc) <= max_dc[prefix] &&
             static_cast<int>(dq + dc) <= max_sum;
    };
    // Every name below a node holds at most `any` and at least `all`; with
    // another first byte than the query's it has no common prefix.
    auto node_passes = [&](const Node& nd) CORDON_INLINE {
      return passes(lacks(nd.any1, nd.any2), extra(nd.all1, nd.all2), nd.first == q_first ? 4u : 0u);
    };
    auto scan_leaf = [&](const Node& leaf) CORDON_INLINE {
      if (leaf.first != q_first) {
        // No name here has a common prefix with the query.
        for (uint32_t p = leaf.begin; p < leaf.end; ++p) {
          const uint64_t c1 = bits[p].w1 & kMaskBits, c2 = bits[p].w2 & kMaskBits;
          if (passes(lacks(c1, c2), extra(c1, c2), 0)) out->push_back(p);
        }
        return;
      }
      for (uint32_t p = leaf.begin; p < leaf.end; ++p) {
        const uint64_t w1 = bits[p].w1, w2 = bits[p].w2;
        const uint64_t c1 = w1 & kMaskBits, c2 = w2 & kMaskBits;
        const uint32_t x = form.features.first4 ^ static_cast<uint32_t>((w1 >> 40) | (w2 >> 40) << 24);
        const unsigned prefix = std::min(x == 0 ? 4u : std::countr_zero(x) / 8, 4u);
        if (passes(lacks(c1, c2), extra(c1, c2), prefix)) out->push_back(p);
      }
    };
    // A node that passes: a leaf is kept, the children of another are the
    // next level (one range: a node's children are adjacent).
    leaves.clear();
    cur.clear();
    auto visit = [&](uint32_t id) CORDON_INLINE {
      const Node& nd = nodes[id];
      if (!node_passes(nd)) return;
      if (nd.leaf) {
        leaves.push_back(id);
      } else {
        next.push_back(Range{nd.begin, nd.end});
      }
    };
    // The roots: one per first byte, ascending. When no name without a
    // common prefix can pass at this length, only the query's first byte's
    // tree is looked at (the others' roots would all fail).
    const uint32_t* roots_begin = f.roots.data() + f.bucket_roots[len];
    const uint32_t* roots_end = f.roots.data() + f.bucket_roots[len + 1];
    next.clear();
    if (max_dq[0] < 0 || max_dc[0] < 0) {
      const uint32_t* r = std::lower_bound(roots_begin, roots_end, q_first,
                                           [&](uint32_t id, uint8_t b) { return nodes[id].first < b; });
      if (r != roots_end && nodes[*r].first == q_first) visit(*r);
    } else {
      constexpr std::ptrdiff_t kRootsAhead = 16;
      for (const uint32_t* r = roots_begin; r != roots_end; ++r) {
        if (roots_end - r > kRootsAhead) __builtin_prefetch(&nodes[r[kRootsAhead]]);
        visit(*r);
      }
    }
    // Level by level down to the leaves that pass, then their names. The
    // nodes and leaves reached are scattered (the hardware prefetcher cannot
    // guess them), so each list is walked fetching a few entries ahead: a
    // range of up to four nodes is three cache lines.
    std::swap(cur, next);
    constexpr size_t kRangesAhead = 6;
    while (!cur.empty()) {
      next.clear();
      for (size_t k = 0; k < cur.size(); ++k) {
        if (k + kRangesAhead < cur.size()) {
          const char* b = reinterpret_cast<const char*>(&nodes[cur[k + kRangesAhead].begin]);
          __builtin_prefetch(b);
          __builtin_prefetch(b + 64);
          __builtin_prefetch(b + 128);
        }
        for (uint32_t c = cur[k].begin; c < cur[k].end; ++c) visit(c);
      }
      std::swap(cur, next);
    }
    const Node* const l0 = nodes;
    constexpr size_t kAhead = 12;
    auto prefetch = [&](uint32_t d) {
      const char* b = reinterpret_cast<const char*>(&bits[l0[d].begin]);
      __builtin_prefetch(b);
      __builtin_prefetch(b + 64);
      __builtin_prefetch(b + 127);
    };
    for (size_t k = 0; k < kAhead && k < leaves.size(); ++k) prefetch(leaves[k]);
    for (size_t k = 0; k < leaves.size(); ++k) {
      if (k + kAhead < leaves.size()) prefetch(leaves[k + kAhead]);
      scan_leaf(l0[leaves[k]]);
    }
  }
}

// A second, exact bound for the names that pass the scan, before scoring:
// the masks count a name's characters only to two, so a long name that holds
// each letter of a long query twice passes them however few it shares (the
// query "semiconductormanufacturinginternational..." repeats n six times).
// Counted exactly, the matches are at most the multiset intersection of the
// two keys, d_q = |q| − common and d_c = |c| − common (the same StrongBound);
// it costs a few instructions per byte, scoring ~40 (docs/screening.md § The index).
class CountBound {
 public:
  CountBound(std::string_view query, ScorerKind scorer, double need) : query_(query), scorer_(scorer), need_(need) {
    for (const char c : query) ++counts_[kCountClass[static_cast<unsigned char>(c)]];
  }
  bool Passes(std::string_view key) const {
    uint32_t used[kClasses] = {};
    uint32_t common = 0;
    for (const char c : key) {
      const uint8_t b = kCountClass[static_cast<unsigned char>(c)];
      common += used[b] < counts_[b];
      ++used[b];
    }
    unsigned prefix = 0;
    while (prefix < 4 && prefix < key.size() && prefix < query_.size() && key[prefix] == query_[prefix]) ++prefix;
    const auto n = static_cast<uint32_t>(query_.size()), len = static_cast<uint32_t>(key.size());
    return StrongBound(scorer_, n, len, n - common, len - common, prefix) >= need_;
  }

 private:
  // Per byte its class: a-z, 0-9 and space as CharBit, every other byte one more.
  static constexpr int kClasses = kChars + 1;
  static constexpr std::array<uint8_t, 256> kCountClass = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c)
      t[c] = static_cast<uint8_t>(c >= 'a' && c <= 'z' ? c - 'a' : c >= '0' && c <= '9' ? 26 + (c - '0') : c == ' ' ? 36 : kChars);
    return t;
  }();
  std::string_view query_;
  ScorerKind scorer_;
  double need_;
  uint32_t counts_[kClasses] = {};
};

}  // namespace

ScreeningIndex::~ScreeningIndex() = default;

Result<std::unique_ptr<const ScreeningIndex>> ScreeningIndex::Build(std::vector<lists::ListEntity> entities) {
  ASSIGN_OR_RETURN(std::unique_ptr<const Normalizer> normalizer, Normalizer::Create());
  if (entities.size() >= UINT32_MAX) return InvalidArgument("too many entities for one index");
  std::unique_ptr<ScreeningIndex> index(new ScreeningIndex());
  index->table_ = std::make_unique<NameTable>(std::move(entities), std::move(normalizer));
  BuildScratch scratch;
  index->joined_ = BuildFamily(*index->table_, KeyKind::kJoined, scratch);
  index->set_ = BuildFamily(*index->table_, KeyKind::kSet, scratch);
  index->skeleton_ = BuildFamily(*index->table_, KeyKind::kSkeleton, scratch);
  return std::unique_ptr<const ScreeningIndex>(std::move(index));
}

std::vector<Match> ScreeningIndex::Screen(std::string_view query, const ScreeningOptions& options) const {
  PreparedQuery q(query, table_->normalizer(), options);
  if (q.forms.empty()) return {};
  // Each form: the positions that pass the bounds, scored in scan order from
  // the family's own copy of the keys (sequential reads) with the same
  // CombinedScore as the oracle. The weak key's score is kept per weak id
  // (few distinct legal-form keys), and a key equal to the one just scored
  // (identical keys are adjacent in scan order) reuses its strong score.
  std::vector<std::pair<uint32_t, double>> scored;
  std::vector<uint32_t> positions;
  std::vector<double> weak_scores;
  for (const QueryForm& form : q.forms) {
    const Family& f = form.target == KeyKind::kSkeleton ? *skeleton_ : form.target == KeyKind::kSet ? *set_ : *joined_;
    positions.clear();
    Candidates(f, form, options.scorer, &positions);
    const bool memo_weak = table_->weak_key_count() <= 4096;
    if (memo_weak) weak_scores.assign(table_->weak_key_count(), -1.0);
    std::string_view last_key;
    double last_strong = 0.0;
    uint32_t len = 0;
    const CountBound bound(form.key(), options.scorer, form.strong_threshold - 1e-9);
    for (const uint32_t p : positions) {
      while (p >= f.bucket_start[len + 1]) ++len;
      const std::string_view key = f.key(p, len);
      double strong;
      if (last_key == key) {
        strong = last_strong;
      } else if (!bound.Passes(key)) {
        continue;  // its score is below the bound, so below the strong threshold
      } else {
        strong = internal::StrongPart(form, key);
        last_key = key, last_strong = strong;
      }
      if (strong < form.strong_threshold) continue;
      const uint32_t w = f.weak_id[p];
      const std::string_view weak_key = table_->weak_key(w);
      double weak_score = 0.0;
      if (!form.keys.weak.empty() && !weak_key.empty()) {
        if (!memo_weak) {
          weak_score = form.weak.Similarity(weak_key, 0.0);
        } else {
          if (weak_scores[w] < 0) weak_scores[w] = form.weak.Similarity(weak_key, 0.0);
          weak_score = weak_scores[w];
        }
      }
      const double s = internal::Combine(form, strong, weak_key, weak_score);
      if (s < options.threshold) continue;
      const uint32_t id = f.name[p];
      if (!table_->Admits(id, options)) continue;
      scored.emplace_back(id, s);
    }
  }
  if (q.forms.size() > 1) {
    // A name's score is its best form's (every form that reaches the
    // threshold is exact, so the best is).
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    scored.erase(std::unique(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                 scored.end());
  }
  return table_->Finish(q, std::move(scored), options);
}

// Appends the scan position of every name of `f` whose upper bound of the
// strong score against `form` reaches the form's strong threshold.
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
