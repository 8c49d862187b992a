#include "cordon/supplychain/de_minimis.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <numeric>
#include <unordered_map>

namespace cordon::supplychain {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
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
  content_.resize(n);
  component_.resize(n);
  const uint64_t* off = graph_.child_offsets().data();
  const NodeId* child = graph_.child_ids().data();
  const double* qty = graph_.child_quantities().data();
  ContentBounds* comp = component_.data();
  ContentBounds* content = content_.data();
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
    const uint8_t flags = graph_.packed_flags(u);
    // A foreign part's contribution is its content: stored once (content()
    // reads it from component_), which saves a fifth of the pass's memory
    // traffic.
    if (static_cast<Origin>(flags & 3) != Origin::kForeign) content[u] = {low, high};
    comp[u] = AsComponent(flags, CountsCode(u), graph_.value(u), {low, high});
  }
}

ContentBounds DeMinimisRollup::content(NodeId product) const {
  return graph_.origin(product) == Origin::kForeign ? component_[product] : content_[product];
}

DeMinimisOutcome DeMinimisRollup::Decide(NodeId product, double threshold) const {
  return DecideContent(graph_.origin(product), graph_.value(product),
                       graph_.value_state(product) == ValueState::kKnown, content(product),
                       threshold);
}

size_t DeMinimisRollup::Update(NodeId changed) {
  PreparePolicy();  // the change may bring a classification not seen before
  const uint32_t n = graph_.size();
  const size_t words = (static_cast<size_t>(n) + 63) / 64;
  if (dirty_.size() != words) {
    dirty_.assign(words, 0);
    full_.assign(words, 0);
    dirty_words_.assign((words + 63) / 64, 0);
  }
  ContentBounds* content = content_.data();
  ContentBounds* component = component_.data();
  // Content of u from all its components.
  auto recompute = [&](NodeId u) {
    ContentBounds c;
    auto ch = graph_.children(u);
    auto q = graph_.quantities(u);
    for (size_t e = 0; e < ch.size(); ++e) {
      c.low += q[e] * component[ch[e]].low;
      c.high += q[e] * component[ch[e]].high;
    }
    return c;
  };
  // The stored content of `changed` may be gone (a foreign part keeps it
  // only in component_) or stale (it was foreign until now): recompute it.
  const ContentBounds inner = recompute(changed);
  content[changed] = inner;
  const ContentBounds changed_after =
      AsComponent(graph_.packed_flags(changed), CountsCode(changed), graph_.value(changed), inner);
  size_t recomputed = 1;
  if (Same(changed_after, component[changed])) return recomputed;

  // Ancestors have larger ids than their parts (the id is a topological
  // rank), so scanning the dirty bitmap upward visits each ancestor after
  // every changed part below it, and a part queued while scanning always lies
  // ahead of the scan. While a part is queued, content_ holds: for a part not
  // known to be foreign, its content with the changes so far added; for a
  // foreign part, only the sum of the changes (its content is its
  // contribution, in component_), so queuing it reads neither its content
  // nor its classification and value, which a foreign part never needs.
  uint64_t* dirty = dirty_.data();
  uint64_t* full = full_.data();
  uint64_t* dirty_words = dirty_words_.data();  // skips empty stretches of a large catalogue
  size_t last_summary = changed >> 12;
  // A second cursor runs kAhead queued parts ahead of the one being
  // recomputed and asks for their parent lists and contributions, so those
  // misses overlap instead of following one another.
  constexpr int kAhead = 8;
  NodeId ahead = changed;
  int ahead_count = 0;  // queued parts between the two cursors (a hint)
  auto propagate = [&](NodeId u, ContentBounds before, ContentBounds after) {
    // `low` is always finite. `high` going infinite makes the parent's
    // infinite; coming back from infinity leaves the difference undefined,
    // so the parent is recomputed from all its components.
    const bool back_from_inf = std::isinf(before.high) && !std::isinf(after.high);
    const bool to_inf = std::isinf(after.high);
    const double d_low = after.low - before.low;
    const double d_high = to_inf || back_from_inf ? 0 : after.high - before.high;
    for (const ParentEdge& e : graph_.parents(u)) {
      const NodeId p = e.parent;
      const size_t w = p >> 6;
      const uint64_t bit = uint64_t{1} << (p & 63);
      if (!(dirty[w] & bit)) {
        dirty[w] |= bit;
        dirty_words[w >> 6] |= uint64_t{1} << (w & 63);
        last_summary = std::max(last_summary, w >> 6);
        const bool foreign = graph_.origin(p) == Origin::kForeign;
        graph_.PrefetchQueued(p, foreign);
        __builtin_prefetch(&component[p]);
        if (foreign) content[p] = {0, 0};
        if (ahead == kNoNode) {  // the cursor ran out: start it again from here
          ahead = u;
          ahead_count = 0;
        }
      }
      if (back_from_inf) full[w] |= bit;
      if (full[w] & bit) continue;  // recomputed whole when its turn comes
      content[p].low += e.quantity * d_low;
      if (to_inf) {
        content[p].high = kInf;
      } else if (!std::isinf(content[p].high)) {
        content[p].high += e.quantity * d_high;
      }
    }
  };
  propagate(changed, component[changed], changed_after);
  component[changed] = changed_after;

  // The first queued part at or after `from`, for the look-ahead cursor (a
  // hint: kNoNode when none is found; a summary bit may outlive its word).
  auto next_dirty = [&](size_t from) -> NodeId {
    size_t w = from >> 6;
    if (w >= words) return kNoNode;
    if (const uint64_t bits = dirty[w] & (~uint64_t{0} << (from & 63))) {
      return static_cast<NodeId>(w * 64 + std::countr_zero(bits));
    }
    ++w;
    size_t sw = w >> 6;
    if (sw > last_summary) return kNoNode;
    uint64_t sbits = dirty_words[sw] & (~uint64_t{0} << (w & 63));
    for (;;) {
      while (sbits != 0) {
        const size_t ww = sw * 64 + std::countr_zero(sbits);
        if (dirty[ww] != 0) return static_cast<NodeId>(ww * 64 + std::countr_zero(dirty[ww]));
        sbits &= sbits - 1;
      }
      if (++sw > last_summary) return kNoNode;
      sbits = dirty_words[sw];
    }
  };
  auto run_ahead = [&](NodeId at) {
    if (ahead != kNoNode && ahead < at) {
      ahead = at;
      ahead_count = 0;
    }
    while (ahead != kNoNode && ahead_count < kAhead) {
      ahead = next_dirty(static_cast<size_t>(ahead) + 1);
      if (ahead == kNoNode) break;
      ++ahead_count;
      graph_.PrefetchParents(ahead);  // its bounds came in when it was queued
      __builtin_prefetch(&component[ahead]);
    }
  };

  // Parts queued while finishing word w lie in w or above, so w's summary bit
  // is cleared only once the word is empty.
  for (size_t sw = changed >> 12; sw <= last_summary; ++sw) {
    while (dirty_words[sw] != 0) {
      const size_t w = sw * 64 + std::countr_zero(dirty_words[sw]);
      while (dirty[w] != 0) {
        const int b = std::countr_zero(dirty[w]);
        dirty[w] &= dirty[w] - 1;
        const NodeId u = static_cast<NodeId>(w * 64 + b);
        --ahead_count;
        run_ahead(u);
        ++recomputed;
        const uint8_t flags = graph_.packed_flags(u);
        const bool foreign = static_cast<Origin>(flags & 3) == Origin::kForeign;
        const ContentBounds before = component[u];
        ContentBounds after;
        if (full[w] >> b & 1) {
          full[w] &= ~(uint64_t{1} << b);
          after = recompute(u);
          if (!foreign) content[u] = after;
        } else if (foreign) {
          const ContentBounds d = content[u];
          after = {before.low + d.low, std::isinf(d.high) || std::isinf(before.high) ? kInf : before.high + d.high};
        } else {
          after = content[u];
        }
        if (!foreign) after = AsComponent(flags, CountsCode(u), graph_.value(u), after);
        if (!Same(after, before)) {
          propagate(u, before, after);
          component[u] = after;
        }
      }
      dirty_words[sw] &= dirty_words[sw] - 1;
    }
  }
  return recomputed;
}

}  // namespace cordon::supplychain
