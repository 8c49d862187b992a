// DeMinimisRollup: controlled US-origin content of foreign-made products
// across every tier of their bills of materials (15 CFR 734.4, Supp. 2 to
// part 734).
//
// Counting (docs/supply-chain.md): walking down from the product, a US-origin
// part counts with its full value when the caller's ContentPolicy says its
// classification counts for the destination, and is not descended into; a
// foreign-made part is descended into. The product's own value is the
// denominator. The thresholds (10 %, 25 %, 0 %) and which classifications
// count for a destination are the rules' business: the caller passes them.
//
// Unknown facts fail closed. Content is an interval [low, high]: low is the
// content known to count, high what it could reach if every unknown went the
// worst way. The outcome is decided only when the interval lies wholly on one
// side of the threshold, so unknowns decide nothing unless the known content
// alone already exceeds it (or even the worst case stays within it).
//
// Thread-safety: Rollup() is const and may run concurrently; RollupAll() and
// Update() mutate the catalogue table and need exclusive access.
#ifndef CORDON_SUPPLYCHAIN_DE_MINIMIS_H_
#define CORDON_SUPPLYCHAIN_DE_MINIMIS_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cordon/base/interner.h"
#include "cordon/base/status.h"
#include "cordon/supplychain/bom_graph.h"
#include "cordon/base/huge_pages.h"

namespace cordon::supplychain {

// Which US-origin content counts toward de minimis for one destination,
// prepared by the rules engine (Country Chart and part 746 only; part 744 is
// not used to decide what counts — Supp. 2 to part 734 (a)(1)).
class ContentPolicy {
 public:
  virtual ~ContentPolicy() = default;
  // Whether a US-origin part so classified (under the graph's regime) counts.
  // Called once per distinct (classification, kind) per rollup object, never
  // with an empty classification (an unknown one is an unknown, not a no).
  virtual bool Counts(Symbol classification, PartKind kind) const = 0;
  // Three-valued form: kUnknown when the policy cannot tell for this
  // classification (e.g. the Country Chart data does not cover it); the part
  // then counts as an unknown classification. Defaults to Counts().
  virtual Tri CountsTri(Symbol classification, PartKind kind) const {
    return Counts(classification, kind) ? Tri::kTrue : Tri::kFalse;
  }
};

// Adapts any callable bool(Symbol, PartKind) to a ContentPolicy.
template <typename F>
class ContentPolicyFn final : public ContentPolicy {
 public:
  explicit ContentPolicyFn(F f) : f_(std::move(f)) {}
  bool Counts(Symbol classification, PartKind kind) const override { return f_(classification, kind); }

 private:
  F f_;
};

// Controlled content per unit, in the graph's base currency.
struct ContentBounds {
  double low = 0;   // known to count
  double high = 0;  // at most (infinity when an unknown value could count)
  bool exact() const { return low == high; }
};

enum class DeMinimisOutcome {
  kWithin,        // content <= threshold x value: de minimis keeps it outside
  kExceeds,       // content > threshold x value
  kUndetermined,  // unknown facts straddle the threshold; see `missing`
  kUsOrigin,      // the product itself is US-origin: de minimis does not apply
};
const char* DeMinimisOutcomeName(DeMinimisOutcome o);  // "WITHIN", "EXCEEDS", ...

struct DeMinimisOptions {
  // The de minimis level as a fraction of the product's value (0.10, 0.25;
  // 0 for the items 734.4(a) gives no de minimis level). REQUIRES: in [0, 1].
  double threshold = std::numeric_limits<double>::quiet_NaN();
  size_t max_contributors = 10;  // how many top contributors to return
  size_t max_missing = 50;       // how many missing facts to list
};

// One part's share of the content, over every path it is reached by.
struct Contributor {
  std::string part;
  Symbol classification;
  double quantity = 0;  // units per unit of the product, summed over paths
  double value = 0;     // quantity x unit value
  std::vector<std::string> path;  // product ... part, the path carrying most units
  std::string why;
};

struct DeMinimisResult {
  std::string product;
  DeMinimisOutcome outcome = DeMinimisOutcome::kUndetermined;
  double threshold = 0;
  double value = 0;  // the product's unit value (denominator); NaN if unknown
  Symbol currency;   // the base currency of every amount here
  ContentBounds content;
  double share_low = 0;   // content.low / value
  double share_high = 0;  // content.high / value (may be infinity)
  std::vector<Contributor> counted;   // largest first, at most max_contributors
  size_t counted_total = 0;
  std::vector<Contributor> excluded;  // US-origin parts that do not count, largest first
  size_t excluded_total = 0;
  std::vector<MissingFact> missing;   // facts whose absence widens the interval
  size_t missing_total = 0;
  size_t parts_visited = 0;
};

class DeMinimisRollup {
 public:
  // Prepares `policy` for `graph`: the policy is asked once per distinct
  // classification and kind. REQUIRES: graph and policy outlive this object.
  DeMinimisRollup(const BomGraph& graph, const ContentPolicy& policy);

  // One product, with its derivation (contributors, exclusions, missing facts).
  // Fails only on a bad argument (unknown node, threshold outside [0, 1]).
  Result<DeMinimisResult> Rollup(NodeId product, const DeMinimisOptions& options) const;

  // The whole catalogue in one bottom-up pass over the topological order.
  // The first call also readies Update()'s scratch space (16 bytes and 1 bit
  // a part, its pages mapped in), so no update pays for that.
  void RollupAll();
  bool has_table() const { return !component_.empty(); }

  // REQUIRES: RollupAll() ran. Content of one unit of `product` (as a product):
  // a foreign part's is its contribution (stored); any other part's is summed
  // from its components' contributions on demand (O(components)), so the
  // passes store one record per part.
  ContentBounds content(NodeId product) const;
  DeMinimisOutcome Decide(NodeId product, double threshold) const;

  // After graph.SetFacts(changed, ...): recomputes `changed` and, while their
  // contribution changes, its ancestors only, in topological-rank order (each
  // ancestor once, after every changed part below it). A foreign parent's
  // contribution moves by quantity x the change of its part (the changes are
  // summed while it waits); a US-origin parent is not visited (its
  // contribution does not depend on its components); a parent of unknown
  // origin, or one whose bound comes back from infinity, is recomputed from
  // all its components. Allocates nothing once its scratch space exists.
  // Returns how many parts were recomputed. REQUIRES: RollupAll() ran.
  size_t Update(NodeId changed);

 private:
  // The summed changes reaching a queued part (low is NaN: recompute it from
  // all its components instead). No initialiser: the array is never cleared.
  struct Pending {
    double low;
    double high;
  };

  void PreparePolicy();
  // 0: does not count, 1: counts, 2: classification unknown.
  uint8_t CountsCode(NodeId n) const;
  // Allocates Update()'s scratch space and maps its pages in (once).
  void PrepareScratch();
  // Content of n from its components' current contributions.
  ContentBounds Inner(NodeId n) const;

  const BomGraph& graph_;
  const ContentPolicy& policy_;
  std::vector<uint8_t> counts_;  // class id * kPartKindCount + kind -> 0/1/2
  // Per node: contribution of one unit as a component (huge pages: read at random).
  BigVector<ContentBounds> component_;
  // Scratch for Update(). pending_: per node, meaningful only while the node
  // is queued (written, not added to, when it is queued). dirty_: one bit per
  // node, queued; all zero between calls. dirty_words_: one bit per word of
  // dirty_ with a bit set.
  std::unique_ptr<Pending[], FreeDeleter> pending_;
  size_t pending_size_ = 0;
  std::vector<uint64_t> dirty_;
  std::vector<uint64_t> dirty_words_;
};

// Decides an outcome from a product's facts and its content bounds (shared by
// the single-product and catalogue paths).
DeMinimisOutcome DecideContent(Origin origin, double value, bool value_known, ContentBounds content,
                               double threshold);

}  // namespace cordon::supplychain

#endif  // CORDON_SUPPLYCHAIN_DE_MINIMIS_H_
