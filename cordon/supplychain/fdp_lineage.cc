#include "cordon/supplychain/fdp_lineage.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace cordon::supplychain {
namespace {

void AddMissing(ProngResult& r, size_t cap, MissingFact m) {
  if (r.missing.size() < cap) r.missing.push_back(std::move(m));
}

// One evaluation: memoizes the plant prong of each part and the verdict on
// each tool, since shared parts and tools recur across a BOM.
class Evaluator {
 public:
  Evaluator(const BomGraph& g, const FdpInputs& in)
      : g_(g), in_(in), regime_fact_("classification." + std::string(g.regime().text())) {}

  ProngResult Direct(std::string_view id, const NodeLineage* lin, const EccnList* list) const {
    ProngResult r;
    if (list == nullptr) return r;
    if (lin == nullptr) {
      r.value = Tri::kUnknown;
      AddMissing(r, in_.max_missing, {std::string(id), "production.us_technology", {std::string(id)}});
      AddMissing(r, in_.max_missing, {std::string(id), "production.us_software", {std::string(id)}});
      return r;
    }
    auto scan = [&](const std::optional<std::vector<Symbol>>& eccns, const char* what) {
      if (!eccns) return false;
      for (Symbol e : *eccns) {
        if (list->Matches(e)) {
          r.value = Tri::kTrue;
          r.path = {{std::string(id), ""}};
          r.because = std::string("direct product of US-origin ") + what + " " + std::string(e.text());
          return true;
        }
      }
      return false;
    };
    if (scan(lin->us_technology, "technology") || scan(lin->us_software, "software")) return r;
    if (!lin->us_technology) {
      r.value = Tri::kUnknown;
      AddMissing(r, in_.max_missing, {std::string(id), "production.us_technology", {std::string(id)}});
    }
    if (!lin->us_software) {
      r.value = Tri::kUnknown;
      AddMissing(r, in_.max_missing, {std::string(id), "production.us_software", {std::string(id)}});
    }
    return r;
  }

  ProngResult Plant(std::string_view id, const NodeLineage* lin) {
    ProngResult r;
    if (in_.plant == nullptr) return r;
    const std::string sid(id);
    if (lin == nullptr) {
      r.value = Tri::kUnknown;
      AddMissing(r, in_.max_missing, {sid, "production.made_with", {sid}});
      return r;
    }
    if (lin->plant_us_origin == Tri::kTrue) {
      r.value = Tri::kTrue;
      r.path = {{sid, ""}};
      r.because = "stated: made by a plant (or a major component of one) that is a direct product "
                  "of US-origin listed technology or software (plant_us_origin)";
      return r;
    }
    for (const auto* eccns : {&lin->plant_us_technology, &lin->plant_us_software}) {
      if (!*eccns) continue;
      for (Symbol e : **eccns) {
        if (in_.plant->Matches(e)) {
          r.value = Tri::kTrue;
          r.path = {{sid, ""}};
          r.because = std::string("made by a plant that is a direct product of US-origin ") +
                      (eccns == &lin->plant_us_technology ? "technology " : "software ") +
                      std::string(e.text());
          return r;
        }
      }
    }
    bool unknown = false;
    if (lin->made_with) {
      for (NodeId t : *lin->made_with) {
        const ProngResult& tr = Tool(t);
        if (tr.value == Tri::kTrue) {
          r.value = Tri::kTrue;
          r.path = {{sid, ""}};
          for (size_t k = 0; k < tr.path.size(); ++k) {
            r.path.push_back({tr.path[k].part, k == 0 ? "made with" : tr.path[k].relation});
          }
          r.because = tr.because;
          return r;
        }
        if (tr.value == Tri::kUnknown) {
          unknown = true;
          for (const MissingFact& m : tr.missing) {
            MissingFact pm = m;
            pm.path.insert(pm.path.begin(), sid);
            AddMissing(r, in_.max_missing, std::move(pm));
          }
        }
      }
    }
    if (unknown) {
      r.value = Tri::kUnknown;
      return r;
    }
    // A statement about the plant, or a complete list of the tools, decides "no".
    if (lin->plant_us_origin == Tri::kFalse || (lin->made_with && !lin->made_with->empty()) ||
        lin->plant_us_technology || lin->plant_us_software) {
      return r;
    }
    r.value = Tri::kUnknown;
    AddMissing(r, in_.max_missing, {sid, "production.made_with", {sid}});
    return r;
  }

  ProngResult Contains(std::string_view root, std::span<const NodeId> children) {
    ProngResult r;
    if (in_.contains == nullptr || in_.plant == nullptr) return r;
    std::unordered_map<NodeId, NodeId> pred;  // part -> the part it was reached from
    std::deque<NodeId> queue;
    for (NodeId c : children) {
      if (pred.emplace(c, kNoNode).second) queue.push_back(c);
    }
    auto chain = [&](NodeId y) {
      std::vector<std::string> ids;
      for (NodeId k = y; k != kNoNode; k = pred.at(k)) ids.emplace_back(g_.id(k));
      ids.emplace_back(root);
      std::reverse(ids.begin(), ids.end());
      return ids;
    };
    bool unknown = false;
    while (!queue.empty()) {
      const NodeId y = queue.front();
      queue.pop_front();
      const Tri cov = in_.contains->Covers({g_.id(y), g_.made_in(y), g_.classification(y), g_.kind(y)});
      if (cov != Tri::kFalse) {
        const ProngResult& p = PlantOf(y);
        if (cov == Tri::kTrue && p.value == Tri::kTrue) {
          r.value = Tri::kTrue;
          std::vector<std::string> ids = chain(y);
          for (size_t k = 0; k < ids.size(); ++k) r.path.push_back({ids[k], k == 0 ? "" : "contains"});
          for (size_t k = 1; k < p.path.size(); ++k) r.path.push_back(p.path[k]);
          r.because = p.because;
          r.missing.clear();
          return r;
        }
        if (p.value != Tri::kFalse) {
          unknown = true;
          std::vector<std::string> ids = chain(y);
          if (cov == Tri::kUnknown) AddMissing(r, in_.max_missing, {std::string(g_.id(y)), regime_fact_, ids});
          if (p.value == Tri::kUnknown) {
            for (const MissingFact& m : p.missing) {
              MissingFact pm = m;
              pm.path.erase(pm.path.begin());
              pm.path.insert(pm.path.begin(), ids.begin(), ids.end());
              AddMissing(r, in_.max_missing, std::move(pm));
            }
          }
        }
      }
      for (NodeId c : g_.children(y)) {
        if (pred.emplace(c, y).second) queue.push_back(c);
      }
    }
    if (unknown) r.value = Tri::kUnknown;
    return r;
  }

 private:
  // Whether a tool (or plant component) named in made_with is a direct
  // product of US-origin technology / software on the plant list. Its own
  // lineage decides; when the tool is catalogued as an assembly (a whole
  // plant), a component of it that is such a direct product also makes it
  // true — components are searched for a "yes" only, a major component being
  // what the tool itself is.
  const ProngResult& Tool(NodeId t) {
    if (auto it = tool_memo_.find(t); it != tool_memo_.end()) return it->second;
    ProngResult r = Direct(g_.id(t), g_.lineage(t), in_.plant);
    if (r.value != Tri::kTrue && !g_.children(t).empty()) {
      std::unordered_map<NodeId, NodeId> pred;
      std::deque<NodeId> queue;
      for (NodeId c : g_.children(t)) {
        if (pred.emplace(c, t).second) queue.push_back(c);
      }
      while (!queue.empty()) {
        const NodeId y = queue.front();
        queue.pop_front();
        if (const NodeLineage* lin = g_.lineage(y)) {
          ProngResult d = Direct(g_.id(y), lin, in_.plant);
          if (d.value == Tri::kTrue) {
            std::vector<std::string> ids;
            for (NodeId k = y; k != t; k = pred.at(k)) ids.emplace_back(g_.id(k));
            ids.emplace_back(g_.id(t));
            std::reverse(ids.begin(), ids.end());
            r = ProngResult();
            r.value = Tri::kTrue;
            for (size_t k = 0; k < ids.size(); ++k) r.path.push_back({ids[k], k == 0 ? "" : "contains"});
            r.because = d.because + " (a major component)";
            break;
          }
        }
        for (NodeId c : g_.children(y)) {
          if (pred.emplace(c, y).second) queue.push_back(c);
        }
      }
    }
    return tool_memo_.emplace(t, std::move(r)).first->second;
  }

  const ProngResult& PlantOf(NodeId n) {
    if (auto it = plant_memo_.find(n); it != plant_memo_.end()) return it->second;
    ProngResult r = Plant(g_.id(n), g_.lineage(n));
    return plant_memo_.emplace(n, std::move(r)).first->second;
  }

  const BomGraph& g_;
  const FdpInputs& in_;
  const std::string regime_fact_;
  std::unordered_map<NodeId, ProngResult> tool_memo_;
  std::unordered_map<NodeId, ProngResult> plant_memo_;
};

}  // namespace

EccnList::EccnList(std::vector<Symbol> entries) : entries_(std::move(entries)) {
  std::sort(entries_.begin(), entries_.end());
  entries_.erase(std::unique(entries_.begin(), entries_.end()), entries_.end());
}

bool EccnList::Matches(Symbol eccn) const {
  if (eccn.empty() || entries_.empty()) return false;
  // Try the ECCN, then each shorter paragraph: 3E001.a.1, 3E001.a, 3E001.
  std::string_view text = eccn.text();
  while (true) {
    Symbol s = Symbol::Find(text);
    if (!s.empty() && std::binary_search(entries_.begin(), entries_.end(), s)) return true;
    size_t dot = text.rfind('.');
    if (dot == std::string_view::npos) return false;
    text = text.substr(0, dot);
  }
}

Tri FdpResult::any() const {
  if (direct.value == Tri::kTrue || plant.value == Tri::kTrue || contains.value == Tri::kTrue) {
    return Tri::kTrue;
  }
  if (direct.value == Tri::kUnknown || plant.value == Tri::kUnknown ||
      contains.value == Tri::kUnknown) {
    return Tri::kUnknown;
  }
  return Tri::kFalse;
}

std::string PathToString(const std::vector<FdpStep>& path) {
  std::string out;
  for (const FdpStep& s : path) {
    if (!out.empty()) out += " " + (s.relation.empty() ? std::string("->") : s.relation) + " ";
    out += s.part;
  }
  return out;
}

FdpResult FdpLineage::Evaluate(NodeId product, const FdpInputs& inputs) const {
  return EvaluateItem(graph_.id(product), graph_.lineage(product) ? *graph_.lineage(product) : NodeLineage(),
                      graph_.children(product), inputs);
}

FdpResult FdpLineage::EvaluateItem(std::string_view item_id, const NodeLineage& lineage,
                                   std::span<const NodeId> components, const FdpInputs& inputs) const {
  Evaluator ev(graph_, inputs);
  FdpResult r;
  r.direct = ev.Direct(item_id, &lineage, inputs.direct);
  r.plant = ev.Plant(item_id, &lineage);
  r.contains = ev.Contains(item_id, components);
  return r;
}

}  // namespace cordon::supplychain
