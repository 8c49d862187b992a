#include "cordon/supplychain/bom_graph.h"

#include <algorithm>
#include <functional>

#include "cordon/supplychain/internal/topo.h"

namespace cordon::supplychain {
namespace {

uint64_t HashId(std::string_view id) { return std::hash<std::string_view>{}(id); }

template <typename T>
std::vector<T> Permute(const std::vector<T>& in, const std::vector<uint32_t>& order) {
  std::vector<T> out;
  out.reserve(in.size());
  for (uint32_t old : order) out.push_back(in[old]);
  return out;
}

}  // namespace

NodeId BomGraph::Find(std::string_view id) const {
  if (id_table_.empty()) return kNoNode;
  const uint64_t mask = id_table_.size() - 1;
  for (uint64_t h = HashId(id) & mask;; h = (h + 1) & mask) {
    uint32_t slot = id_table_[h];
    if (slot == 0) return kNoNode;
    if (this->id(slot - 1) == id) return slot - 1;
  }
}

uint32_t BomGraph::InternClass(Symbol classification) {
  if (classification.empty()) return 0;
  auto [it, inserted] = class_of_.emplace(classification.id(), class_symbol_.size());
  if (inserted) class_symbol_.push_back(classification);
  return it->second;
}

void BomGraph::StoreFacts(NodeId n, const PartFacts& f) {
  static const Symbol kUs = Symbol::Intern("US");
  Origin origin = f.made_in.empty() ? Origin::kUnknown : f.made_in == kUs ? Origin::kUs : Origin::kForeign;
  ValueState vs = ValueState::kMissing;
  double value = std::numeric_limits<double>::quiet_NaN();
  Symbol currency;
  if (f.value) {
    currency = f.value->currency;
    if (base_currency_.empty()) base_currency_ = currency;
    if (currency == base_currency_) {
      vs = ValueState::kKnown;
      value = f.value->amount;
    } else if (auto it = rates_.find(currency.id()); it != rates_.end()) {
      vs = ValueState::kKnown;
      value = f.value->amount * it->second;
    } else {
      vs = ValueState::kNoRate;
    }
  }
  flags_[n] = static_cast<uint8_t>(static_cast<uint8_t>(origin) |
                                   (static_cast<uint8_t>(f.kind) << 2) |
                                   (static_cast<uint8_t>(vs) << 4));
  made_in_[n] = f.made_in;
  class_[n] = InternClass(f.classification);
  value_[n] = value;
  currency_[n] = currency;
  // A built graph: keep the origin copied into the parent lists current
  // (each list is sorted by parent, and a part may use a component twice).
  if (parent_offset_.size() == flags_.size() + 1) {
    for (NodeId c : children(n)) {
      auto* begin = parent_.data() + parent_offset_[c];
      auto* end = parent_.data() + parent_offset_[c + 1];
      auto* it = std::lower_bound(begin, end, n, [](const ParentEdge& e, NodeId v) { return e.parent < v; });
      for (; it != end && it->parent == n; ++it) it->parent_origin = origin;
    }
  }
}

void BomGraph::SetFacts(NodeId n, const PartFacts& facts) { StoreFacts(n, facts); }

void BomGraph::SetLineage(NodeId n, NodeLineage lineage) {
  if (lineage_index_[n] == kNoNode) {
    lineage_index_[n] = static_cast<NodeId>(lineages_.size());
    lineages_.push_back(std::move(lineage));
  } else {
    lineages_[lineage_index_[n]] = std::move(lineage);
  }
}

BomGraph::Builder::Builder(GraphOptions options) {
  g_.regime_ = options.regime;
  g_.base_currency_ = options.base_currency;
  for (const auto& [currency, rate] : options.rates) g_.rates_[currency.id()] = rate;
  g_.id_offset_.push_back(0);
  g_.class_symbol_.push_back(Symbol());  // class 0: unknown
}

void BomGraph::Builder::Reserve(size_t parts, size_t edges) {
  g_.id_offset_.reserve(parts + 1);
  g_.flags_.reserve(parts);
  g_.made_in_.reserve(parts);
  g_.class_.reserve(parts);
  g_.value_.reserve(parts);
  g_.currency_.reserve(parts);
  g_.lineage_index_.reserve(parts);
  edges_.reserve(edges);
}

uint32_t BomGraph::Builder::AddPart(std::string_view id, const PartFacts& facts) {
  uint32_t n = g_.size();
  g_.id_pool_.append(id);
  g_.id_offset_.push_back(g_.id_pool_.size());
  g_.flags_.push_back(0);
  g_.made_in_.emplace_back();
  g_.class_.push_back(0);
  g_.value_.push_back(0);
  g_.currency_.emplace_back();
  g_.lineage_index_.push_back(kNoNode);
  g_.StoreFacts(n, facts);
  return n;
}

void BomGraph::Builder::AddComponent(uint32_t parent, uint32_t child, double quantity) {
  edges_.push_back({parent, child, quantity});
}

void BomGraph::Builder::SetLineage(uint32_t part, NodeLineage lineage) {
  lineages_.emplace_back(part, std::move(lineage));
}

Result<BomGraph> BomGraph::Builder::Build() && {
  BomGraph& g = g_;
  const uint32_t n = g.size();

  // Provisional adjacency in builder numbering (counting sort by parent,
  // keeping each parent's components in the order given).
  std::vector<uint64_t> off(n + 1, 0);
  for (const Edge& e : edges_) {
    if (e.parent >= n || e.child >= n) return Internal("BomGraph::Builder: edge to an unknown part");
    ++off[e.parent + 1];
  }
  for (uint32_t i = 0; i < n; ++i) off[i + 1] += off[i];
  std::vector<uint32_t> tgt(edges_.size());
  std::vector<double> qty(edges_.size());
  {
    std::vector<uint64_t> pos(off.begin(), off.end() - 1);
    for (const Edge& e : edges_) {
      uint64_t p = pos[e.parent]++;
      tgt[p] = e.child;
      qty[p] = e.quantity;
    }
  }
  edges_.clear();
  edges_.shrink_to_fit();

  internal::TopoOrder topo = internal::ChildrenFirstOrder(n, off, tgt);
  if (!topo.cycle_edges.empty()) {
    std::string path;
    for (uint64_t e : topo.cycle_edges) {
      uint32_t parent =
          static_cast<uint32_t>(std::upper_bound(off.begin(), off.end(), e) - off.begin() - 1);
      if (path.empty()) path = std::string(g.id(parent));
      path += " -> " + std::string(g.id(tgt[e]));
    }
    return InvalidArgument("component cycle " + path);
  }
  const std::vector<uint32_t>& order = topo.order;  // new -> old
  std::vector<uint32_t> rank(n);                     // old -> new
  for (uint32_t k = 0; k < n; ++k) rank[order[k]] = k;

  BomGraph out;
  out.regime_ = g.regime_;
  out.base_currency_ = g.base_currency_;
  out.rates_ = std::move(g.rates_);
  out.class_symbol_ = std::move(g.class_symbol_);
  out.class_of_ = std::move(g.class_of_);

  // Ids in the new order.
  out.id_offset_.reserve(n + 1);
  out.id_offset_.push_back(0);
  out.id_pool_.reserve(g.id_pool_.size());
  for (uint32_t old : order) {
    out.id_pool_.append(g.id(old));
    out.id_offset_.push_back(out.id_pool_.size());
  }
  g.id_pool_.clear();
  g.id_pool_.shrink_to_fit();
  uint64_t table = 16;
  while (table < 2ull * n) table <<= 1;
  out.id_table_.assign(table, 0);
  for (NodeId v = 0; v < n; ++v) {
    std::string_view id = out.id(v);
    const uint64_t mask = table - 1;
    for (uint64_t h = HashId(id) & mask;; h = (h + 1) & mask) {
      uint32_t slot = out.id_table_[h];
      if (slot == 0) {
        out.id_table_[h] = v + 1;
        break;
      }
      if (out.id(slot - 1) == id) return InvalidArgument("duplicate part id '" + std::string(id) + "'");
    }
  }

  // Children in the new numbering.
  out.child_offset_.resize(n + 1);
  out.child_offset_[0] = 0;
  out.child_.reserve(tgt.size());
  out.quantity_.reserve(tgt.size());
  for (uint32_t k = 0; k < n; ++k) {
    uint32_t old = order[k];
    for (uint64_t e = off[old]; e < off[old + 1]; ++e) {
      out.child_.push_back(rank[tgt[e]]);
      out.quantity_.push_back(qty[e]);
    }
    out.child_offset_[k + 1] = out.child_.size();
  }
  tgt = {};
  qty = {};
  off = {};

  out.flags_ = Permute(g.flags_, order);

  // Parents (reverse adjacency), each list in increasing order.
  out.parent_offset_.assign(n + 1, 0);
  for (NodeId c : out.child_) ++out.parent_offset_[c + 1];
  for (uint32_t i = 0; i < n; ++i) out.parent_offset_[i + 1] += out.parent_offset_[i];
  out.parent_.resize(out.child_.size());
  {
    std::vector<uint64_t> pos(out.parent_offset_.begin(), out.parent_offset_.end() - 1);
    for (NodeId p = 0; p < n; ++p) {
      for (uint64_t e = out.child_offset_[p]; e < out.child_offset_[p + 1]; ++e) {
        out.parent_[pos[out.child_[e]]++] = {p, out.origin(p), out.quantity_[e]};
      }
    }
  }

  out.made_in_ = Permute(g.made_in_, order);
  out.class_ = Permute(g.class_, order);
  out.value_ = Permute(g.value_, order);
  out.currency_ = Permute(g.currency_, order);
  out.lineage_index_.assign(n, kNoNode);
  for (auto& [part, lin] : lineages_) {
    if (lin.made_with) {
      for (NodeId& t : *lin.made_with) t = rank[t];
    }
    out.SetLineage(rank[part], std::move(lin));
  }
  return out;
}

Result<BomGraph> BomGraph::FromCatalog(const ProductCatalog& catalog, const GraphOptions& options) {
  std::vector<Issue> issues = ValidateCatalog(catalog, Symbol());
  RETURN_IF_ERROR(IssuesToStatus(issues));
  Builder b(options);
  const auto& products = catalog.products();
  size_t edges = 0;
  for (const Product& p : products) edges += p.components.size();
  b.Reserve(products.size(), edges);
  std::unordered_map<std::string_view, uint32_t> handle;
  handle.reserve(products.size());
  for (const Product& p : products) {
    PartFacts f;
    f.made_in = p.made_in;
    f.classification = p.ClassificationFor(options.regime);
    f.kind = p.kind;
    f.value = p.unit_value;
    handle.emplace(p.id, b.AddPart(p.id, f));
  }
  for (const Product& p : products) {
    uint32_t parent = handle.at(p.id);
    for (const Component& c : p.components) b.AddComponent(parent, handle.at(c.product), c.quantity);
    if (!p.production.stated()) continue;
    NodeLineage lin;
    lin.us_technology = p.production.us_technology;
    lin.us_software = p.production.us_software;
    lin.plant_us_technology = p.production.plant_us_technology;
    lin.plant_us_software = p.production.plant_us_software;
    lin.plant_us_origin = p.production.plant_us_origin;
    if (p.production.made_with) {
      lin.made_with.emplace();
      for (const std::string& t : *p.production.made_with) lin.made_with->push_back(handle.at(t));
    }
    b.SetLineage(parent, std::move(lin));
  }
  return std::move(b).Build();
}

}  // namespace cordon::supplychain
