// FdpLineage: the product prongs of the foreign-direct-product rules (15 CFR
// 734.9) derived from production lineage in the catalogue.
//
//  - direct product: the product's us_technology / us_software name an ECCN
//    on the rule's direct-product list;
//  - plant: the product was made by a plant, or a major component of one,
//    that is itself a direct product of US-origin technology or software on
//    the rule's plant list: stated (plant_us_origin, production.plant) or
//    derived from the tools in made_with, each decided by its own lineage;
//  - contains (734.9(e)(3), (k)): a component at any tier that the caller's
//    ContainsTest covers (in practice an IC) was made by such a plant.
//
// Which ECCNs are inputs differs per FDP rule, so the lists and the contains
// test come from the caller (the rules). Each prong is true, false or
// unknown; true comes with the path that made it true, unknown with the
// missing facts. Lineage lists the data does not give are unknown, not empty.
// Thread-safety: Evaluate() is const; concurrent calls are safe while nobody
// changes the graph.
#ifndef CORDON_SUPPLYCHAIN_FDP_LINEAGE_H_
#define CORDON_SUPPLYCHAIN_FDP_LINEAGE_H_

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cordon/base/interner.h"
#include "cordon/supplychain/bom_graph.h"
#include "cordon/supplychain/catalog.h"

namespace cordon::supplychain {

// A rule's list of technology / software ECCNs. An entry matches itself and
// its sub-paragraphs: "3E001" matches "3E001" and "3E001.a.1".
class EccnList {
 public:
  EccnList() = default;
  explicit EccnList(std::vector<Symbol> entries);
  bool Matches(Symbol eccn) const;
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Symbol> entries_;  // sorted by id
};

// What the contains test sees of a component.
struct PartView {
  std::string_view id;
  Symbol made_in;
  Symbol classification;  // under the graph's regime; empty = unknown
  PartKind kind = PartKind::kCommodity;
};

// Whether a component is the kind of commodity the rule's contains prong
// looks for (e.g. an IC). Unknown when the data cannot say.
class ContainsTest {
 public:
  virtual ~ContainsTest() = default;
  virtual Tri Covers(const PartView& part) const = 0;
};

template <typename F>
class ContainsTestFn final : public ContainsTest {
 public:
  explicit ContainsTestFn(F f) : f_(std::move(f)) {}
  Tri Covers(const PartView& part) const override { return f_(part); }

 private:
  F f_;
};

// One FDP rule's product-scope inputs. A null member means the rule has no
// such prong (the prong is then false).
struct FdpInputs {
  const EccnList* direct = nullptr;        // direct-product prong list
  const EccnList* plant = nullptr;         // plant prong list (also used by contains)
  const ContainsTest* contains = nullptr;  // contains prong
  size_t max_missing = 50;
};

struct FdpStep {
  std::string part;
  std::string relation;  // how it relates to the step before: "", "contains", "made with"
};

struct ProngResult {
  Tri value = Tri::kFalse;
  std::vector<FdpStep> path;  // when true: product ... the part whose lineage decided
  std::string because;        // when true: "direct product of US-origin technology 3E001"
  std::vector<MissingFact> missing;  // when unknown: what would decide it
};

struct FdpResult {
  ProngResult direct;
  ProngResult plant;
  ProngResult contains;
  // true if any prong is true; else unknown if any is unknown; else false.
  Tri any() const;
};

// Renders a path as "A contains B made with C".
std::string PathToString(const std::vector<FdpStep>& path);

class FdpLineage {
 public:
  // REQUIRES: graph outlives this object.
  explicit FdpLineage(const BomGraph& graph) : graph_(graph) {}

  // REQUIRES: product < graph.size().
  FdpResult Evaluate(NodeId product, const FdpInputs& inputs) const;

  // For an item that is not a catalogue product: its own lineage (made_with
  // resolved with BomGraph::Find) and its components in the catalogue.
  FdpResult EvaluateItem(std::string_view item_id, const NodeLineage& lineage,
                         std::span<const NodeId> components, const FdpInputs& inputs) const;

 private:
  const BomGraph& graph_;
};

}  // namespace cordon::supplychain

#endif  // CORDON_SUPPLYCHAIN_FDP_LINEAGE_H_
