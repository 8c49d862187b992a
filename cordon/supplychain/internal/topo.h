// Topological order and cycle finding over a compressed adjacency.
// Internal to cordon/supplychain: not for use outside this folder.
#ifndef CORDON_SUPPLYCHAIN_INTERNAL_TOPO_H_
#define CORDON_SUPPLYCHAIN_INTERNAL_TOPO_H_

#include <cstdint>
#include <span>
#include <vector>

namespace cordon::supplychain::internal {

struct TopoOrder {
  // order[k] is the node placed at position k; every node comes after all of
  // its descendants (children first). Empty when there is a cycle.
  std::vector<uint32_t> order;
  // When the graph has a cycle: the edge indices forming one, in path order.
  std::vector<uint64_t> cycle_edges;
};

// Each part is placed as soon as its last component is placed (Kahn's
// algorithm run bottom-up with a stack, leaves taken in input order), so an
// assembly lands right after the components it reads and a bottom-up pass
// finds them still in cache. Iterative: BOMs can be deep and the library
// must not overflow the stack. When there is a cycle, a depth-first search
// names one.
// REQUIRES: offsets.size() == n + 1, every target < n.
TopoOrder ChildrenFirstOrder(uint32_t n, std::span<const uint64_t> offsets,
                             std::span<const uint32_t> targets);

}  // namespace cordon::supplychain::internal

#endif  // CORDON_SUPPLYCHAIN_INTERNAL_TOPO_H_
