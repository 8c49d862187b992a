#include "cordon/supplychain/de_minimis.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>
#include <unordered_map>

namespace cordon::supplychain {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Amounts are sums of doubles; a share this close to the threshold is "at"
// the threshold, which 734.4 treats as not exceeding it.
constexpr double kRelativeSlack = 1e-9;

constexpr uint8_t kNotCounted = 0, kCounted = 1, kClassUnknown = 2;

// What one unit of a part contributes to the assembly that contains it, given
// its own facts and `inner`, the content of its components. A US-origin part
// counts whole and is not looked into; a foreign part passes its inner
// content on; a part of unknown origin could be either.
inline ContentBounds AsComponent(uint8_t flags, uint8_t counts, double value, ContentBounds inner) {
  const Origin origin = static_cast<Origin>(flags & 3);
  if (origin == Origin::kForeign) return inner;
  const bool value_known = ((flags >> 4) & 3) == static_cast<uint8_t>(ValueState::kKnown);
  ContentBounds us;
  if (counts == kNotCounted) {
    us = {0, 0};
  } else if (counts == kCounted) {
    us = value_known ? ContentBounds{value, value} : ContentBounds{0, kInf};
  } else {
    us = {0, value_known ? value : kInf};
  }
  if (origin == Origin::kUs) return us;
  return {std::min(us.low, inner.low), std::max(us.high, inner.high)};
}

inline bool Same(ContentBounds a, ContentBounds b) { return a.low == b.low && a.high == b.high; }


std::vector<std::string> PathTo(const BomGraph& g, const std::vector<NodeId>& nodes,
                                const std::vector<uint32_t>& pred, uint32_t i) {
  std::vector<std::string> path;
  for (uint32_t k = i; k != UINT32_MAX; k = pred[k]) path.emplace_back(g.id(nodes[k]));
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

const char* DeMinimisOutcomeName(DeMinimisOutcome o) {
  switch (o) {
    case DeMinimisOutcome::kWithin: return "WITHIN";
    case DeMinimisOutcome::kExceeds: return "EXCEEDS";
    case DeMinimisOutcome::kUndetermined: return "UNDETERMINED";
    case DeMinimisOutcome::kUsOrigin: return "US_ORIGIN";
  }
  return "UNDETERMINED";
}

DeMinimisOutcome DecideContent(Origin origin, double value, bool value_known, ContentBounds content,
                               double threshold) {
  if (origin == Origin::kUs) return DeMinimisOutcome::kUsOrigin;
  if (origin == Origin::kUnknown || !value_known) return DeMinimisOutcome::kUndetermined;
  const double limit = threshold * value + kRelativeSlack * value;
  if (content.low > limit) return DeMinimisOutcome::kExceeds;
  if (content.high <= limit) return DeMinimisOutcome::kWithin;
  return DeMinimisOutcome::kUndetermined;
}

DeMinimisRollup::DeMinimisRollup(const BomGraph& graph, const ContentPolicy& policy)
    : graph_(graph), policy_(policy) {
  PreparePolicy();
}

void DeMinimisRollup::PreparePolicy() {
  const size_t have = counts_.size() / kPartKindCount;
  const size_t want = graph_.class_count();
  counts_.resize(want * kPartKindCount, kClassUnknown);
  for (size_t cid = std::max<size_t>(have, 1); cid < want; ++cid) {
    for (int k = 0; k < kPartKindCount; ++k) {
      const Tri t = policy_.CountsTri(graph_.class_symbol(static_cast<uint32_t>(cid)), static_cast<PartKind>(k));
      counts_[cid * kPartKindCount + k] = t == Tri::kTrue ? kCounted : t == Tri::kFalse ? kNotCounted : kClassUnknown;
    }
  }
}

uint8_t DeMinimisRollup::CountsCode(NodeId n) const {
  return counts_[graph_.class_id(n) * kPartKindCount + static_cast<uint8_t>(graph_.kind(n))];
}

Result<DeMinimisResult> DeMinimisRollup::Rollup(NodeId root, const DeMinimisOptions& options) const {
  if (root >= graph_.size()) return InvalidArgument("de minimis rollup: no such product node");
  if (!(options.threshold >= 0 && options.threshold <= 1)) {
    return InvalidArgument("de minimis rollup: threshold must be a fraction in [0, 1]");
  }
  if (counts_.size() / kPartKindCount < graph_.class_count()) {
    return FailedPrecondition("de minimis rollup: classifications changed; call Update() first");
  }
  const BomGraph& g = graph_;

  // The parts the count can reach: everything below the product, except below
  // US-origin parts (they count whole and are not looked into).
  std::vector<NodeId> nodes{root};
  std::unordered_map<NodeId, uint32_t> local{{root, 0}};
  auto expanded = [&](uint32_t i) { return i == 0 || g.origin(nodes[i]) != Origin::kUs; };
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    if (!expanded(i)) continue;
    for (NodeId c : g.children(nodes[i])) {
      if (local.emplace(c, static_cast<uint32_t>(nodes.size())).second) nodes.push_back(c);
    }
  }
  const uint32_t m = static_cast<uint32_t>(nodes.size());
  std::vector<uint32_t> order(m);  // children first: node ids ascend
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return nodes[a] < nodes[b]; });

  // Bottom-up: the same arithmetic as RollupAll(), restricted to this product.
  std::vector<ContentBounds> comp(m);
  ContentBounds root_content;
  for (uint32_t i : order) {
    const NodeId u = nodes[i];
    ContentBounds inner;
    if (expanded(i)) {
      auto ch = g.children(u);
      auto q = g.quantities(u);
      for (size_t e = 0; e < ch.size(); ++e) {
        const ContentBounds& c = comp[local.at(ch[e])];
        inner.low += q[e] * c.low;
        inner.high += q[e] * c.high;
      }
    }
    if (i == 0) root_content = inner;
    comp[i] = AsComponent(g.packed_flags(u), CountsCode(u), g.value(u), inner);
  }

  // Top-down: units of each part per unit of the product, and the parent
  // that brings the most of them (for the path shown).
  std::vector<double> units(m, 0), best(m, 0);
  std::vector<uint32_t> pred(m, UINT32_MAX);
  units[0] = 1;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const uint32_t i = *it;
    if (!expanded(i)) continue;
    auto ch = g.children(nodes[i]);
    auto q = g.quantities(nodes[i]);
    for (size_t e = 0; e < ch.size(); ++e) {
      const uint32_t c = local.at(ch[e]);
      const double add = units[i] * q[e];
      units[c] += add;
      if (add > best[c]) {
        best[c] = add;
        pred[c] = i;
      }
    }
  }

  DeMinimisResult r;
  r.product = std::string(g.id(root));
  r.threshold = options.threshold;
  r.currency = g.base_currency();
  r.parts_visited = m;
  r.content = root_content;
  const bool value_known = g.value_state(root) == ValueState::kKnown;
  r.value = g.value(root);
  r.outcome = DecideContent(g.origin(root), r.value, value_known, root_content, options.threshold);
  if (value_known && r.value > 0) {
    r.share_low = root_content.low / r.value;
    r.share_high = root_content.high / r.value;
  } else {
    r.share_low = std::numeric_limits<double>::quiet_NaN();
    r.share_high = std::numeric_limits<double>::quiet_NaN();
  }

  const std::string regime_fact = "classification." + std::string(g.regime().text());
  auto value_fact = [&](NodeId u) {
    return g.value_state(u) == ValueState::kNoRate
               ? "unit_value.currency (no rate from " + std::string(g.value_currency(u).text()) +
                     " to " + std::string(g.base_currency().text()) + ")"
               : std::string("unit_value");
  };
  std::vector<std::pair<uint32_t, std::string>> missing;  // (local index, fact)
  if (g.origin(root) == Origin::kUnknown) missing.emplace_back(0, "made_in");
  if (!value_known && g.origin(root) != Origin::kUs) missing.emplace_back(0, value_fact(root));

  std::vector<std::pair<double, uint32_t>> counted, excluded;
  for (uint32_t i = 1; i < m; ++i) {
    const NodeId u = nodes[i];
    const Origin o = g.origin(u);
    if (o == Origin::kForeign) continue;
    const uint8_t cc = CountsCode(u);
    const bool vk = g.value_state(u) == ValueState::kKnown;
    if (o == Origin::kUnknown) missing.emplace_back(i, "made_in");
    if (cc == kClassUnknown) {
      // A classification the policy cannot place (e.g. the chart needs a finer paragraph) is named as such.
      missing.emplace_back(i, g.classification(u).empty() ? regime_fact
                                                          : regime_fact + " finer than " + std::string(g.classification(u).text()) +
                                                                " (the content policy cannot tell whether it counts)");
    }
    if (cc != kNotCounted && !vk) missing.emplace_back(i, value_fact(u));
    if (o != Origin::kUs) continue;
    const double v = vk ? units[i] * g.value(u) : std::numeric_limits<double>::quiet_NaN();
    if (cc == kCounted && vk) counted.emplace_back(v, i);
    if (cc == kNotCounted) excluded.emplace_back(vk ? v : 0, i);
  }

  auto fill = [&](std::vector<std::pair<double, uint32_t>>& from, std::vector<Contributor>& to,
                  bool counts) {
    std::sort(from.begin(), from.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : nodes[a.second] > nodes[b.second];
    });
    for (size_t k = 0; k < from.size() && k < options.max_contributors; ++k) {
      const uint32_t i = from[k].second;
      const NodeId u = nodes[i];
      Contributor c;
      c.part = std::string(g.id(u));
      c.classification = g.classification(u);
      c.quantity = units[i];
      c.value = g.value_state(u) == ValueState::kKnown ? units[i] * g.value(u)
                                                       : std::numeric_limits<double>::quiet_NaN();
      c.path = PathTo(g, nodes, pred, i);
      const std::string kind =
          g.kind(u) == PartKind::kCommodity ? "" : std::string(" ") + PartKindName(g.kind(u));
      c.why = "US-origin" + kind + ", " + std::string(g.regime().text()) + " " +
              std::string(c.classification.text()) +
              (counts ? ": counts toward de minimis for this destination"
                      : ": does not count for this destination");
      to.push_back(std::move(c));
    }
  };
  r.counted_total = counted.size();
  r.excluded_total = excluded.size();
  fill(counted, r.counted, true);
  fill(excluded, r.excluded, false);

  // Nearest the product first.
  std::stable_sort(missing.begin(), missing.end(), [&](const auto& a, const auto& b) {
    return nodes[a.first] > nodes[b.first];
  });
  r.missing_total = missing.size();
  for (size_t k = 0; k < missing.size() && k < options.max_missing; ++k) {
    const uint32_t i = missing[k].first;
    r.missing.push_back({std::string(g.id(nodes[i])), missing[k].second, PathTo(g, nodes, pred, i)});
  }
  return r;
}

void DeMinimisRollup::RollupAll() {
  PreparePolicy();
  const uint32_t n = graph_.size();
  // Every entry is overwritten below: no need to clear (a full clear would
  // cost as much memory traffic as the pass itself).
  component_.resize(n);
  const uint64_t* off = graph_.child_offsets().data();
  const NodeId* child = graph_.child_ids().data();
  const double* qty = graph_.child_quantities().data();
  ContentBounds* comp = component_.data();
  // Components far behind the assembly (shared parts) miss the cache: ask for
  // the one kAhead edges on while summing this one (10 M parts: 0.41 -> 0.28 s).
  constexpr uint64_t kAhead = 16;
  const uint64_t edges = graph_.edge_count();
  for (NodeId u = 0; u < n; ++u) {
    double low = 0, high = 0;
    for (uint64_t e = off[u], end = off[u + 1]; e < end; ++e) {
      if (e + kAhead < edges) __builtin_prefetch(&comp[child[e + kAhead]]);
      const ContentBounds c = comp[child[e]];
      low += qty[e] * c.low;
      high += qty[e] * c.high;
    }
    // Only the contribution is stored: a part's content is its contribution
    // when it is foreign, and is summed again on demand otherwise (content()),
    // which spares the pass a second, scattered array.
    comp[u] = AsComponent(graph_.packed_flags(u), CountsCode(u), graph_.value(u), {low, high});
  }
  PrepareScratch();  // for Update(); once per rollup object
}

void DeMinimisRollup::PrepareScratch() {
  const uint32_t n = graph_.size();
  const size_t words = (static_cast<size_t>(n) + 63) / 64;
  if (dirty_.size() != words) {
    dirty_.assign(words, 0);
    dirty_words_.assign((words + 63) / 64, 0);
  }
  if (pending_size_ != n) {
    // Not initialised: an entry is written when its part is queued. Every
    // page is touched here, once, so that no update pays for the kernel
    // mapping (and zeroing) the pages its ancestors fall in: at 10 M parts
    // that is tens of milliseconds, far more than an update.
    pending_.reset(HugePageAllocator<Pending>().allocate(n));
    pending_size_ = n;
    auto* bytes = reinterpret_cast<volatile unsigned char*>(pending_.get());
    for (size_t i = 0; i < n * sizeof(Pending); i += 4096) bytes[i] = 0;
  }
}

ContentBounds DeMinimisRollup::Inner(NodeId n) const {
  // The same sum in the same order as RollupAll(), so the results agree exactly.
  ContentBounds c;
  auto ch = graph_.children(n);
  auto q = graph_.quantities(n);
  const ContentBounds* comp = component_.data();
  for (size_t e = 0; e < ch.size(); ++e) {
    c.low += q[e] * comp[ch[e]].low;
    c.high += q[e] * comp[ch[e]].high;
  }
  return c;
}

ContentBounds DeMinimisRollup::content(NodeId product) const {
  return graph_.origin(product) == Origin::kForeign ? component_[product] : Inner(product);
}

DeMinimisOutcome DeMinimisRollup::Decide(NodeId product, double threshold) const {
  // Only a foreign product's outcome depends on its content.
  const Origin origin = graph_.origin(product);
  return DecideContent(origin, graph_.value(product), graph_.value_state(product) == ValueState::kKnown,
                       origin == Origin::kForeign ? component_[product] : ContentBounds{}, threshold);
}

size_t DeMinimisRollup::Update(NodeId changed) {
  PreparePolicy();  // the change may bring a classification not seen before
  PrepareScratch();

  // Ancestors have larger ids than their parts (the id is a topological
  // rank), so scanning the dirty bitmap upward visits each ancestor after
  // every changed part below it, and a part queued while scanning always lies
  // ahead of the scan. Only foreign parts and parts of unknown origin are
  // queued (the parent list says which: a US-origin part's contribution does
  // not depend on its components). A queued foreign part needs only its
  // contribution, its pending changes and its parent list, never its facts;
  // the changed part is queued to be recomputed whole, like a part of
  // unknown origin.
  uint64_t* const dirty = dirty_.data();
  uint64_t* const dirty_words = dirty_words_.data();  // skips empty stretches of a large catalogue
  Pending* const pending = pending_.get();
  ContentBounds* const component = component_.data();
  const uint64_t* const parent_offset = graph_.parent_offsets().data();
  const ParentEdge* const parent_edge = graph_.parent_edges().data();
  size_t waiting = 0;  // queued, not yet recomputed
  // Every part read here is a cache miss on a large catalogue, so a queued
  // part's contribution and parent-list bounds are prefetched when it is
  // queued, and its parent list kRing queuings later (when the bounds have
  // arrived): the misses overlap instead of following one another.
  constexpr uint32_t kRing = 8;
  NodeId ring[kRing];
  std::fill(ring, ring + kRing, changed);
  uint32_t queued = 0;
  auto queue = [&](NodeId p, double low, double high) {
    dirty[p >> 6] |= uint64_t{1} << (p & 63);
    dirty_words[p >> 12] |= uint64_t{1} << ((p >> 6) & 63);
    pending[p] = {low, high};
    ++waiting;
    __builtin_prefetch(&component[p]);
    __builtin_prefetch(&parent_offset[p]);
    __builtin_prefetch(parent_edge + parent_offset[ring[queued % kRing]]);
    ring[queued++ % kRing] = p;
  };
  queue(changed, kNaN, 0);

  size_t recomputed = 0;
  // Parts queued while finishing word w lie in w or above, so w's summary bit
  // is cleared only once the word is empty.
  for (size_t sw = changed >> 12; waiting != 0; ++sw) {
    while (dirty_words[sw] != 0) {
      const size_t w = sw * 64 + std::countr_zero(dirty_words[sw]);
      for (uint64_t bits; (bits = dirty[w]) != 0;) {
        dirty[w] = bits & (bits - 1);
        const NodeId u = static_cast<NodeId>(w * 64 + std::countr_zero(bits));
        --waiting;
        ++recomputed;
        const ContentBounds before = component[u];
        const Pending pend = pending[u];
        ContentBounds after;
        if (std::isnan(pend.low)) [[unlikely]] {
          after = AsComponent(graph_.packed_flags(u), CountsCode(u), graph_.value(u), Inner(u));
        } else {  // foreign: its contribution is its content, moved by the changes
          after = {before.low + pend.low, before.high + pend.high};
        }
        if (Same(after, before)) continue;
        component[u] = after;
        // `low` is always finite. `high` going infinite makes a parent's
        // infinite; coming back from infinity leaves the difference
        // undefined, so a NaN change asks for the parent to be recomputed
        // from all its components (NaN survives any later sum into it).
        double d_low = after.low - before.low;
        double d_high = after.high - before.high;
        if (!std::isfinite(d_high)) [[unlikely]] {
          if (std::isinf(after.high)) {
            d_high = std::isinf(before.high) ? 0 : kInf;
          } else {
            d_low = kNaN;
            d_high = 0;
          }
        }
        for (const ParentEdge *e = parent_edge + parent_offset[u], *end = parent_edge + parent_offset[u + 1];
             e != end; ++e) {
          const Origin origin = e->parent_origin;
          if (origin == Origin::kUs) continue;
          // A part of unknown origin keeps no content: it is recomputed whole.
          const double low = origin == Origin::kForeign ? e->quantity * d_low : kNaN;
          const double high = e->quantity * d_high;
          const NodeId p = e->parent;
          if (dirty[p >> 6] >> (p & 63) & 1) {
            pending[p].low += low;
            pending[p].high += high;
          } else {
            queue(p, low, high);
          }
        }
      }
      dirty_words[sw] &= dirty_words[sw] - 1;
    }
  }
  return recomputed;
}

}  // namespace cordon::supplychain
