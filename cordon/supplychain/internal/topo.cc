#include "cordon/supplychain/internal/topo.h"

#include <algorithm>

namespace cordon::supplychain::internal {

TopoOrder ChildrenFirstOrder(uint32_t n, std::span<const uint64_t> offsets,
                             std::span<const uint32_t> targets) {
  TopoOrder out;
  std::vector<uint8_t> has_parent(n, 0);
  for (uint32_t t : targets) has_parent[t] = 1;

  enum : uint8_t { kWhite = 0, kGray = 1, kBlack = 2 };
  std::vector<uint8_t> color(n, kWhite);
  struct Frame {
    uint32_t node;
    uint64_t next;   // next edge to follow
    uint64_t entry;  // edge that led here (unused for a start node)
  };
  std::vector<Frame> stack;
  out.order.reserve(n);

  auto run_from = [&](uint32_t start) -> bool {
    color[start] = kGray;
    stack.push_back({start, offsets[start], UINT64_MAX});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == offsets[f.node + 1]) {
        color[f.node] = kBlack;
        out.order.push_back(f.node);
        stack.pop_back();
        continue;
      }
      uint64_t e = f.next++;
      uint32_t child = targets[e];
      if (color[child] == kWhite) {
        color[child] = kGray;
        stack.push_back({child, offsets[child], e});
      } else if (color[child] == kGray) {
        // Back edge: the cycle is the stack from `child` up to here, plus e.
        size_t k = stack.size();
        while (k > 0 && stack[k - 1].node != child) --k;
        for (size_t i = k; i < stack.size(); ++i) out.cycle_edges.push_back(stack[i].entry);
        out.cycle_edges.push_back(e);
        return false;
      }
    }
    return true;
  };

  for (uint32_t v = 0; v < n; ++v) {
    if (!has_parent[v] && color[v] == kWhite && !run_from(v)) break;
  }
  // Nodes not reached from a root sit on or under a cycle.
  if (out.cycle_edges.empty()) {
    for (uint32_t v = 0; v < n; ++v) {
      if (color[v] == kWhite && !run_from(v)) break;
    }
  }
  if (!out.cycle_edges.empty()) out.order.clear();
  return out;
}

}  // namespace cordon::supplychain::internal
