#include "cordon/supplychain/internal/topo.h"

#include <algorithm>

namespace cordon::supplychain::internal {

namespace {

// Depth-first search for a cycle; fills out.cycle_edges when there is one.
void FindCycle(uint32_t n, std::span<const uint64_t> offsets, std::span<const uint32_t> targets,
               TopoOrder& out) {
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

  auto run_from = [&](uint32_t start) -> bool {
    color[start] = kGray;
    stack.push_back({start, offsets[start], UINT64_MAX});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == offsets[f.node + 1]) {
        color[f.node] = kBlack;
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
}

}  // namespace

TopoOrder ChildrenFirstOrder(uint32_t n, std::span<const uint64_t> offsets,
                             std::span<const uint32_t> targets) {
  TopoOrder out;
  // Parents of each node (reverse adjacency) and how many components of
  // each node are still unplaced.
  std::vector<uint64_t> poff(n + 1, 0);
  for (uint32_t t : targets) ++poff[t + 1];
  for (uint32_t i = 0; i < n; ++i) poff[i + 1] += poff[i];
  std::vector<uint32_t> parents(targets.size());
  {
    std::vector<uint64_t> pos(poff.begin(), poff.end() - 1);
    for (uint32_t v = 0; v < n; ++v) {
      for (uint64_t e = offsets[v]; e < offsets[v + 1]; ++e) parents[pos[targets[e]]++] = v;
    }
  }
  std::vector<uint32_t> remaining(n);
  for (uint32_t v = 0; v < n; ++v) remaining[v] = static_cast<uint32_t>(offsets[v + 1] - offsets[v]);
  out.order.reserve(n);
  std::vector<uint32_t> stack;
  for (uint32_t leaf = 0; leaf < n; ++leaf) {
    if (offsets[leaf + 1] != offsets[leaf]) continue;
    stack.push_back(leaf);
    while (!stack.empty()) {
      const uint32_t x = stack.back();
      stack.pop_back();
      out.order.push_back(x);
      // Parents in reverse so the first parent is placed first.
      for (uint64_t e = poff[x + 1]; e-- > poff[x];) {
        if (--remaining[parents[e]] == 0) stack.push_back(parents[e]);
      }
    }
  }
  if (out.order.size() < n) {
    out.order.clear();
    FindCycle(n, offsets, targets, out);
  }
  return out;
}

}  // namespace cordon::supplychain::internal
