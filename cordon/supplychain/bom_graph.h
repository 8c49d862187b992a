// BomGraph: the catalogue compiled for fast passes.
//
// Parts are numbered in a topological order with every part *before* the
// assemblies that use it (children first), so a bottom-up pass is one forward
// sweep; the order is Kahn's, which puts an assembly right after its last
// component. Components are a compressed adjacency (CSR: offsets + child ids +
// quantities) and the reverse adjacency (parents) is kept for incremental
// recomputation, each entry holding the parent and the quantity together (one
// cache miss per list, not two). The facts the rollups read (origin,
// classification under one regime, kind, value in one base currency) are held
// as parallel arrays.
//
// Topology is fixed at Build(); facts and lineage may be changed afterwards
// (SetFacts, SetLineage) to drive incremental rollups. A structural change
// (a component added or removed) means building a new graph.
// Thread-safety: const methods may run concurrently; SetFacts/SetLineage need
// exclusive access.
#ifndef CORDON_SUPPLYCHAIN_BOM_GRAPH_H_
#define CORDON_SUPPLYCHAIN_BOM_GRAPH_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cordon/base/interner.h"
#include "cordon/base/status.h"
#include "cordon/supplychain/catalog.h"
#include "cordon/base/huge_pages.h"

namespace cordon::supplychain {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

enum class Origin : uint8_t { kUnknown = 0, kUs = 1, kForeign = 2 };

enum class ValueState : uint8_t {
  kKnown = 0,
  kMissing = 1,  // the data gives no value
  kNoRate = 2,   // a value in a currency with no conversion rate to the base
};

// The facts of one part that the rollups read and that an incremental change
// may alter.
struct PartFacts {
  Symbol made_in;         // empty = unknown; "US" = US-origin
  Symbol classification;  // under GraphOptions::regime; empty = unknown
  PartKind kind = PartKind::kCommodity;
  std::optional<Money> value;
};

// Lineage with made_with resolved to nodes. std::nullopt = not stated.
struct NodeLineage {
  std::optional<std::vector<Symbol>> us_technology;
  std::optional<std::vector<Symbol>> us_software;
  std::optional<std::vector<Symbol>> plant_us_technology;
  std::optional<std::vector<Symbol>> plant_us_software;
  Tri plant_us_origin = Tri::kUnknown;
  std::optional<std::vector<NodeId>> made_with;
};

// One entry of the reverse adjacency: an assembly that uses the part, the
// assembly's origin (a copy of origin(parent), kept current by SetFacts) and
// the part's quantity in it, side by side, so an incremental update reads a
// part's parent list in one cache line and learns from it, without touching
// the parent, whether the parent needs recomputing at all (a US-origin
// assembly's contribution does not depend on its components).
struct ParentEdge {
  NodeId parent;
  Origin parent_origin;
  double quantity;
};

struct GraphOptions {
  // The regime whose classification de minimis reads (the US one: 734.4 asks
  // how the US classifies the US-origin content).
  Symbol regime = Symbol::Intern("US");
  // Currency every value is converted to. Empty: the currency of the first
  // part that has a value.
  Symbol base_currency;
  // Units of the base currency per unit of another currency. A value in a
  // currency with no rate is unknown (ValueState::kNoRate).
  std::vector<std::pair<Symbol, double>> rates;
};

class BomGraph {
 public:
  class Builder;

  // Compiles a catalogue. Fails on dangling references and cycles with the
  // catalogue's file and row (see ValidateCatalog).
  static Result<BomGraph> FromCatalog(const ProductCatalog& catalog,
                                      const GraphOptions& options = {});

  BomGraph(BomGraph&&) = default;
  BomGraph& operator=(BomGraph&&) = default;
  BomGraph(const BomGraph&) = delete;  // large: copy on purpose only
  BomGraph& operator=(const BomGraph&) = delete;

  uint32_t size() const { return static_cast<uint32_t>(flags_.size()); }
  uint64_t edge_count() const { return child_.size(); }

  NodeId Find(std::string_view id) const;  // kNoNode when absent
  std::string_view id(NodeId n) const {
    return std::string_view(id_pool_).substr(id_offset_[n], id_offset_[n + 1] - id_offset_[n]);
  }

  std::span<const NodeId> children(NodeId n) const {
    return {child_.data() + child_offset_[n], child_.data() + child_offset_[n + 1]};
  }
  std::span<const double> quantities(NodeId n) const {
    return {quantity_.data() + child_offset_[n], quantity_.data() + child_offset_[n + 1]};
  }
  // The assemblies that use n, each with n's quantity; increasing parent ids.
  std::span<const ParentEdge> parents(NodeId n) const {
    return {parent_.data() + parent_offset_[n], parent_.data() + parent_offset_[n + 1]};
  }

  // Raw arrays for the bottom-up passes and the incremental one.
  std::span<const uint64_t> child_offsets() const { return child_offset_; }
  std::span<const NodeId> child_ids() const { return child_; }
  std::span<const double> child_quantities() const { return quantity_; }
  std::span<const uint64_t> parent_offsets() const { return parent_offset_; }
  std::span<const ParentEdge> parent_edges() const { return parent_; }

  Origin origin(NodeId n) const { return static_cast<Origin>(flags_[n] & 3); }
  PartKind kind(NodeId n) const { return static_cast<PartKind>((flags_[n] >> 2) & 3); }
  ValueState value_state(NodeId n) const { return static_cast<ValueState>((flags_[n] >> 4) & 3); }
  uint8_t packed_flags(NodeId n) const { return flags_[n]; }
  Symbol made_in(NodeId n) const { return made_in_[n]; }
  // Value of one unit in base_currency(); NaN unless value_state is kKnown.
  double value(NodeId n) const { return value_[n]; }
  // The currency the data gave (for messages about missing rates).
  Symbol value_currency(NodeId n) const { return currency_[n]; }
  Symbol base_currency() const { return base_currency_; }
  Symbol regime() const { return regime_; }

  // Classifications are numbered densely; 0 is "unknown".
  uint32_t class_id(NodeId n) const { return class_[n]; }
  Symbol classification(NodeId n) const { return class_symbol_[class_[n]]; }
  uint32_t class_count() const { return static_cast<uint32_t>(class_symbol_.size()); }
  Symbol class_symbol(uint32_t class_id) const { return class_symbol_[class_id]; }

  // nullptr when the data states nothing about the part's lineage.
  const NodeLineage* lineage(NodeId n) const {
    return lineage_index_[n] == kNoNode ? nullptr : &lineages_[lineage_index_[n]];
  }

  // Replaces a part's facts (and the origin copied into the parent lists of
  // its components). Callers holding rollups then call their Update(n) to
  // recompute the part's ancestors.
  void SetFacts(NodeId n, const PartFacts& facts);
  void SetLineage(NodeId n, NodeLineage lineage);

 private:
  BomGraph() = default;
  uint32_t InternClass(Symbol classification);
  void StoreFacts(NodeId n, const PartFacts& facts);

  Symbol regime_;
  Symbol base_currency_;
  std::unordered_map<uint32_t, double> rates_;  // currency symbol id -> rate

  std::string id_pool_;
  std::vector<uint64_t> id_offset_;   // size()+1
  std::vector<uint32_t> id_table_;    // open addressing, node+1, 0 = empty

  // The adjacency, in huge pages where the system gives them (the passes
  // read it at random: see cordon/base/huge_pages.h).
  BigVector<uint64_t> child_offset_;  // size()+1
  BigVector<NodeId> child_;
  BigVector<double> quantity_;
  BigVector<uint64_t> parent_offset_;  // size()+1
  BigVector<ParentEdge> parent_;

  std::vector<uint8_t> flags_;  // origin | kind << 2 | value state << 4
  std::vector<Symbol> made_in_;
  std::vector<uint32_t> class_;
  std::vector<double> value_;
  std::vector<Symbol> currency_;
  std::vector<Symbol> class_symbol_;                 // class id -> symbol
  std::unordered_map<uint32_t, uint32_t> class_of_;  // symbol id -> class id

  std::vector<NodeId> lineage_index_;  // kNoNode = none
  std::vector<NodeLineage> lineages_;
};

// Builds a BomGraph from parts and edges given one by one (the catalogue path
// and the generators in benchmarks use it). Handles are local to the builder.
class BomGraph::Builder {
 public:
  explicit Builder(GraphOptions options = {});
  void Reserve(size_t parts, size_t edges);
  uint32_t AddPart(std::string_view id, const PartFacts& facts);
  // REQUIRES: parent and child are handles from AddPart; quantity > 0.
  void AddComponent(uint32_t parent, uint32_t child, double quantity);
  // made_with holds builder handles; they are renumbered at Build().
  void SetLineage(uint32_t part, NodeLineage lineage);
  // Fails on duplicate ids and cycles (naming the parts).
  Result<BomGraph> Build() &&;

 private:
  // Parts are stored straight into a graph in builder numbering (ids, facts)
  // and permuted into topological order at Build(): no per-part objects.
  BomGraph g_;
  struct Edge {
    uint32_t parent;
    uint32_t child;
    double quantity;
  };
  std::vector<Edge> edges_;
  std::vector<std::pair<uint32_t, NodeLineage>> lineages_;
};

}  // namespace cordon::supplychain

#endif  // CORDON_SUPPLYCHAIN_BOM_GRAPH_H_
