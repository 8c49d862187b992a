#include "cordon/supplychain/catalog.h"

#include <algorithm>
#include <cmath>

#include "cordon/supplychain/internal/topo.h"

namespace cordon::supplychain {

const char* TriName(Tri t) {
  switch (t) {
    case Tri::kFalse: return "false";
    case Tri::kTrue: return "true";
    case Tri::kUnknown: return "unknown";
  }
  return "unknown";
}

const char* PartKindName(PartKind k) {
  switch (k) {
    case PartKind::kCommodity: return "commodity";
    case PartKind::kSoftware: return "software";
    case PartKind::kTechnology: return "technology";
  }
  return "commodity";
}

std::optional<PartKind> ParsePartKind(std::string_view text) {
  if (text == "commodity") return PartKind::kCommodity;
  if (text == "software") return PartKind::kSoftware;
  if (text == "technology") return PartKind::kTechnology;
  return std::nullopt;
}

std::string SourceRef::ToString() const {
  if (row.empty()) return file;
  if (file.empty()) return row;
  return file + ":" + row;
}

std::string Issue::ToString() const {
  return source.ToString() + (severity == Severity::kError ? ": error: " : ": warning: ") + message;
}

Status IssuesToStatus(const std::vector<Issue>& issues) {
  std::string msg;
  size_t errors = 0;
  for (const Issue& i : issues) {
    if (i.severity != Issue::Severity::kError) continue;
    if (errors++ > 0) msg += "\n";
    msg += i.ToString();
  }
  if (errors == 0) return Status::Ok();
  return InvalidArgument(std::move(msg));
}

Symbol Product::ClassificationFor(Symbol regime) const {
  for (const auto& [r, entry] : classification) {
    if (r == regime) return entry;
  }
  return Symbol();
}

Status ProductCatalog::Add(Product product) {
  auto [it, inserted] = index_.emplace(product.id, products_.size());
  if (!inserted) {
    // The caller names the row (product.source); the message names the first one.
    return InvalidArgument("duplicate product id '" + product.id +
                           "' (first at " + products_[it->second].source.ToString() + ")");
  }
  products_.push_back(std::move(product));
  return Status::Ok();
}

const Product* ProductCatalog::Find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &products_[it->second];
}

Product* ProductCatalog::FindMutable(std::string_view id) {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &products_[it->second];
}

std::vector<Issue> ValidateCatalog(const ProductCatalog& catalog, Symbol warn_regime) {
  std::vector<Issue> errors;
  std::vector<Issue> warnings;
  const auto& products = catalog.products();
  const uint32_t n = static_cast<uint32_t>(products.size());
  auto error = [&](const SourceRef& at, std::string msg) {
    errors.push_back({Issue::Severity::kError, at, std::move(msg)});
  };
  auto warn = [&](const SourceRef& at, std::string msg) {
    warnings.push_back({Issue::Severity::kWarning, at, std::move(msg)});
  };

  // Resolve component edges into a compressed adjacency for the cycle search,
  // remembering which Component each edge came from (for its row).
  std::vector<uint64_t> offsets(n + 1, 0);
  std::vector<uint32_t> targets;
  std::vector<const Component*> edge_source;
  for (uint32_t p = 0; p < n; ++p) {
    const Product& prod = products[p];
    for (const Component& c : prod.components) {
      const Product* child = catalog.Find(c.product);
      if (child == nullptr) {
        error(c.source, "component '" + c.product + "' of '" + prod.id +
                            "' is not in the catalogue (dangling reference)");
        continue;
      }
      if (!(c.quantity > 0) || !std::isfinite(c.quantity)) {
        error(c.source, "quantity of '" + c.product + "' in '" + prod.id +
                            "' must be a positive number");
      }
      targets.push_back(static_cast<uint32_t>(child - products.data()));
      edge_source.push_back(&c);
    }
    offsets[p + 1] = targets.size();
    if (prod.production.made_with) {
      for (const std::string& tool : *prod.production.made_with) {
        if (catalog.Find(tool) == nullptr) {
          error(prod.source, "made_with '" + tool + "' of '" + prod.id +
                                 "' is not in the catalogue (dangling reference)");
        }
      }
    }
    if (prod.made_in.empty()) {
      warn(prod.source, "'" + prod.id + "': made_in missing; its origin is unknown");
    }
    if (!prod.unit_value) {
      warn(prod.source, "'" + prod.id + "': unit value missing; its value is unknown");
    }
    if (prod.made_in.text() == "US" && !warn_regime.empty() &&
        prod.ClassificationFor(warn_regime).empty()) {
      warn(prod.source, "'" + prod.id + "': US-origin part without a " +
                            std::string(warn_regime.text()) + " classification");
    }
  }

  internal::TopoOrder topo = internal::ChildrenFirstOrder(n, offsets, targets);
  if (!topo.cycle_edges.empty()) {
    const Component* first = edge_source[topo.cycle_edges.front()];
    std::string path;
    std::string rows;
    for (uint64_t e : topo.cycle_edges) {
      // The parent of edge e is the product whose edge range holds e.
      auto it = std::upper_bound(offsets.begin(), offsets.end(), e);
      uint32_t parent = static_cast<uint32_t>(it - offsets.begin() - 1);
      if (path.empty()) path = products[parent].id;
      path += " -> " + edge_source[e]->product;
      if (!rows.empty()) rows += ", ";
      rows += edge_source[e]->source.ToString();
    }
    error(first->source, "component cycle " + path + " (edges at " + rows + ")");
  }
  errors.insert(errors.end(), warnings.begin(), warnings.end());
  return errors;
}

}  // namespace cordon::supplychain
