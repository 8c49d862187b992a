#include "cordon/engine/supply_chain.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cordon/refdata/reference_data.h"
#include "cordon/rules/program.h"
#include "cordon/supplychain/catalog_loader.h"

namespace cordon {
namespace {

namespace sc = supplychain;
using json = nlohmann::json;

const Symbol kUs = Symbol::Intern("US");

std::string Num(double v) {
  if (std::isinf(v)) return "unbounded";
  if (std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}", v);
  std::string s = fmt::format("{:.4f}", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

Tri FromSc(sc::Tri t) { return t == sc::Tri::kTrue ? Tri::kTrue : t == sc::Tri::kFalse ? Tri::kFalse : Tri::kUnknown; }
const char* TriText(Tri t) { return t == Tri::kTrue ? "true" : t == Tri::kFalse ? "false" : "unknown"; }

// What counts toward de minimis for one destination: the Country Chart (and part 746 rows in it)
// of the reference data; EAR99 only to the destinations of the reference-data set the engine's
// own content computation uses (program.cc ContentPct).
class ChartPolicy final : public sc::ContentPolicy {
 public:
  ChartPolicy(const ReferenceData& rd, Symbol destination, Date date) : rd_(rd), dest_(destination), date_(date) {}
  bool Counts(Symbol c, sc::PartKind k) const override { return CountsTri(c, k) == sc::Tri::kTrue; }
  sc::Tri CountsTri(Symbol c, sc::PartKind) const override {
    static const Symbol kEar99 = Symbol::Intern("EAR99");
    static const Symbol kEar99Set = Symbol::Intern("US:DEMINIMIS_EAR99_COUNTS");
    if (c == kEar99) {
      const NamedSet* s = rd_.FindSet(kEar99Set);
      return s && s->Contains(dest_, date_) ? sc::Tri::kTrue : sc::Tri::kFalse;
    }
    const ChartRow* rows[4];
    int n = 0;
    Tri t = rd_.ChartRequires(c, dest_, date_, rows, &n, 4);
    return t == Tri::kTrue ? sc::Tri::kTrue : t == Tri::kFalse ? sc::Tri::kFalse : sc::Tri::kUnknown;
  }

 private:
  const ReferenceData& rd_;
  Symbol dest_;
  Date date_;
};

// Membership of an ECCN in a hierarchical rule set on a date; unknown for an empty classification.
Tri InEccnSet(const NamedSet* set, Symbol eccn, Date date) {
  if (eccn.empty()) return Tri::kUnknown;
  for (const auto& m : set->members) {
    if (m.when.Contains(date) && (m.value == eccn || EccnUnder(eccn.text(), m.value.text()))) return Tri::kTrue;
  }
  return Tri::kFalse;
}

std::string Join(const std::vector<std::string>& path, const char* sep) {
  std::string s;
  for (const auto& p : path) s += (s.empty() ? "" : sep) + p;
  return s;
}

void AddUnique(std::vector<Symbol>* out, const std::optional<std::vector<Symbol>>& in) {
  if (!in) return;
  for (Symbol s : *in) {
    if (std::find(out->begin(), out->end(), s) == out->end()) out->push_back(s);
  }
}

std::string Eccns(const std::vector<Symbol>& l) {
  std::string s;
  for (Symbol x : l) s += (s.empty() ? "" : ", ") + std::string(x.text());
  return s;
}

// Derives the lineage prongs over the catalogue (docs/supply-chain.md §4). A product's
// `production`, when given, is complete (contract §1: what is given is complete); absent, its
// lineage is unknown.
class LineageWalk {
 public:
  LineageWalk(const sc::ProductCatalog& cat, const NamedSet* us_ic, Date date) : cat_(cat), us_ic_(us_ic), date_(date) {}

  // The product itself is a direct product of US-origin technology / software.
  ProngDerivation Direct(const sc::Product& p, const std::string& label) const {
    ProngDerivation d;
    if (!p.production.stated()) {
      d.value = Tri::kUnknown;
      d.missing.push_back(p.id + ".production.us_technology/us_software (" + label + ")");
      return d;
    }
    std::vector<Symbol> tech, sw;
    AddUnique(&tech, p.production.us_technology);
    AddUnique(&sw, p.production.us_software);
    if (!tech.empty() || !sw.empty()) {
      d.value = Tri::kTrue;
      std::string because;
      if (!tech.empty()) because = "direct product of US-origin technology " + Eccns(tech);
      if (!sw.empty()) because += (because.empty() ? "" : "; ") + std::string("direct product of US-origin software ") + Eccns(sw);
      d.paths.push_back(label + ": " + because);
    }
    return d;
  }

  // The plant prong: stated, or derived from the tools in made_with (each by its own lineage,
  // and the components of a tool that is a whole plant, when their lineage is stated).
  ProngDerivation Plant(const sc::Product& p, const std::string& label, std::vector<Symbol>* tech,
                        std::vector<Symbol>* sw) const {
    ProngDerivation d;
    const sc::Lineage& l = p.production;
    if (!l.stated()) {
      d.value = Tri::kUnknown;
      d.missing.push_back(p.id + ".production (" + label + ")");
      return d;
    }
    AddUnique(tech, l.plant_us_technology);
    AddUnique(sw, l.plant_us_software);
    bool stated_true = l.plant_us_origin == sc::Tri::kTrue ||
                       (l.plant_us_technology && !l.plant_us_technology->empty()) ||
                       (l.plant_us_software && !l.plant_us_software->empty());
    if (stated_true) {
      d.value = Tri::kTrue;
      std::string named = Eccns(*tech);
      if (!sw->empty()) named += (named.empty() ? "" : ", ") + Eccns(*sw);
      d.paths.push_back(label + ": plant stated a direct product of US-origin technology/software" +
                        (named.empty() ? "" : " (" + named + ")"));
    }
    bool unknown = false;
    for (const auto& tool_id : l.made_with.value_or(std::vector<std::string>{})) {
      const sc::Product* tool = cat_.Find(tool_id);
      if (!tool) continue;  // dangling references fail at load
      std::string tl = label + " made with " + tool_id;
      if (!tool->production.stated()) {
        unknown = true;
        d.missing.push_back(tool_id + ".production (" + tl + ")");
        continue;
      }
      // The tool and, when it is a plant catalogued as an assembly, its components with stated lineage.
      std::deque<std::pair<const sc::Product*, std::string>> queue{{tool, tl}};
      std::unordered_set<std::string> seen{tool_id};
      while (!queue.empty()) {
        auto [t, path] = queue.front();
        queue.pop_front();
        std::vector<Symbol> tt, ts;
        AddUnique(&tt, t->production.us_technology);
        AddUnique(&ts, t->production.us_software);
        if (!tt.empty() || !ts.empty()) {
          d.value = Tri::kTrue;
          AddUnique(tech, tt);
          AddUnique(sw, ts);
          std::string because = !tt.empty() ? "direct product of US-origin technology " + Eccns(tt) : "";
          if (!ts.empty()) because += (because.empty() ? "" : "; ") + std::string("direct product of US-origin software ") + Eccns(ts);
          d.paths.push_back(path + ": " + because);
        }
        for (const auto& c : t->components) {
          const sc::Product* cp = cat_.Find(c.product);
          if (cp && cp->production.stated() && seen.insert(c.product).second) queue.push_back({cp, path + " contains " + c.product});
        }
      }
    }
    if (d.value != Tri::kTrue) {
      if (unknown) d.value = Tri::kUnknown;
      else if (l.plant_us_origin == sc::Tri::kUnknown && !l.made_with && !l.plant_us_technology && !l.plant_us_software &&
               !l.us_technology && !l.us_software) d.value = Tri::kUnknown;  // nothing said about the plant
    }
    if (d.value != Tri::kUnknown) d.missing.clear();
    else if (d.missing.empty()) d.missing.push_back(p.id + ".production.made_with / plant_us_origin (" + label + ")");
    return d;
  }

  // Every component below `root` (all tiers, also inside US-origin parts), with the path that reaches it first.
  template <typename F>
  void ForEachComponent(const sc::Product& root, F&& f) const {
    std::deque<std::pair<const sc::Product*, std::vector<std::string>>> queue{{&root, {root.id}}};
    std::unordered_set<std::string> seen{root.id};
    while (!queue.empty()) {
      auto [p, path] = queue.front();
      queue.pop_front();
      for (const auto& c : p->components) {
        const sc::Product* cp = cat_.Find(c.product);
        if (!cp || !seen.insert(c.product).second) continue;
        std::vector<std::string> cpath = path;
        cpath.push_back(c.product);
        f(*cp, cpath);
        queue.push_back({cp, std::move(cpath)});
      }
    }
  }

  // 734.4(a)(8)/(9): a US-origin IC whose US classification is in the rules' set.
  ProngDerivation ContainsUsIc(const sc::Product& root) const {
    ProngDerivation d;
    ForEachComponent(root, [&](const sc::Product& c, const std::vector<std::string>& path) {
      Tri ic = FromSc(c.integrated_circuit);
      Tri us = c.made_in.empty() ? Tri::kUnknown : (c.made_in == kUs ? Tri::kTrue : Tri::kFalse);
      Tri cls = InEccnSet(us_ic_, c.ClassificationFor(kUs), date_);
      if (ic == Tri::kFalse || us == Tri::kFalse || cls == Tri::kFalse) return;
      std::string where = Join(path, " > ");
      if (ic == Tri::kTrue && us == Tri::kTrue && cls == Tri::kTrue) {
        d.value = Tri::kTrue;
        d.paths.push_back(where + ": US-origin integrated circuit " + std::string(c.ClassificationFor(kUs).text()));
        return;
      }
      if (d.value == Tri::kFalse) d.value = Tri::kUnknown;
      if (ic == Tri::kUnknown) d.missing.push_back(c.id + ".integrated_circuit (" + where + ")");
      if (us == Tri::kUnknown) d.missing.push_back(c.id + ".made_in (" + where + ")");
      if (cls == Tri::kUnknown) d.missing.push_back(c.id + ".classification.US (" + where + ")");
    });
    if (d.value == Tri::kTrue) d.missing.clear();
    return d;
  }

  // 734.9(e)(3), (k): an IC inside that is itself a foreign direct product (of US-origin
  // technology or software, or of a plant that is one).
  ProngDerivation ContainsFdpIc(const sc::Product& root) const {
    ProngDerivation d;
    ForEachComponent(root, [&](const sc::Product& c, const std::vector<std::string>& path) {
      Tri ic = FromSc(c.integrated_circuit);
      Tri foreign = c.made_in.empty() ? Tri::kUnknown : (c.made_in == kUs ? Tri::kFalse : Tri::kTrue);
      if (ic == Tri::kFalse || foreign == Tri::kFalse) return;
      std::string where = Join(path, " > ");
      ProngDerivation direct = Direct(c, where);
      std::vector<Symbol> t, s;
      ProngDerivation plant = direct.value == Tri::kTrue ? ProngDerivation{} : Plant(c, where, &t, &s);
      Tri fdp = direct.value == Tri::kTrue || plant.value == Tri::kTrue ? Tri::kTrue
                : direct.value == Tri::kFalse && plant.value == Tri::kFalse ? Tri::kFalse
                                                                            : Tri::kUnknown;
      if (fdp == Tri::kFalse) return;
      if (ic == Tri::kTrue && foreign == Tri::kTrue && fdp == Tri::kTrue) {
        d.value = Tri::kTrue;
        for (const auto& p : direct.value == Tri::kTrue ? direct.paths : plant.paths) d.paths.push_back("IC " + p);
        return;
      }
      if (d.value == Tri::kFalse) d.value = Tri::kUnknown;
      if (ic == Tri::kUnknown) d.missing.push_back(c.id + ".integrated_circuit (" + where + ")");
      if (foreign == Tri::kUnknown) d.missing.push_back(c.id + ".made_in (" + where + ")");
      if (fdp == Tri::kUnknown) {
        for (const auto& m : direct.value == Tri::kUnknown ? direct.missing : plant.missing) d.missing.push_back(m);
      }
    });
    if (d.value == Tri::kTrue) d.missing.clear();
    return d;
  }

 private:
  const sc::ProductCatalog& cat_;
  const NamedSet* us_ic_;
  Date date_;
};

// The operand nodes of `n` (an and/or chain keeps its run of children apart).
std::vector<int> Children(const rules::Program& prog, const rules::Node& n) {
  if (n.op == rules::Op::kAllOf || n.op == rules::Op::kAnyOf) {
    return {prog.kids().begin() + n.a, prog.kids().begin() + n.a + n.b};
  }
  std::vector<int> out;
  for (int c : {n.a, n.b, n.c}) {
    if (c >= 0) out.push_back(c);
  }
  return out;
}

void CollectLevels(const rules::Program& prog, int idx, std::set<double>* out) {
  if (idx < 0) return;
  const auto& nodes = prog.nodes();
  const rules::Node& n = nodes[idx];
  auto is_pct = [&](int i) { return i >= 0 && nodes[i].op == rules::Op::kFact && nodes[i].fact == rules::Fact::kItemUsContentPct; };
  auto is_num = [&](int i) { return i >= 0 && nodes[i].op == rules::Op::kConstNum; };
  if (n.op == rules::Op::kFactCmpNum && is_pct(n.a)) out->insert(n.num);
  if (n.op == rules::Op::kCmp && is_pct(n.a) && is_num(n.b)) out->insert(nodes[n.b].num);
  if (n.op == rules::Op::kCmp && is_pct(n.b) && is_num(n.a)) out->insert(nodes[n.a].num);
  for (int c : Children(prog, n)) CollectLevels(prog, c, out);
}

json ContributorJson(const sc::Contributor& c) {
  return {{"part", c.part},      {"classification", std::string(c.classification.text())},
          {"quantity", c.quantity}, {"value", c.value},
          {"path", c.path},      {"why", c.why}};
}

json ProngJson(const ProngDerivation& p) {
  return {{"value", p.value == Tri::kUnknown ? json() : json(p.value == Tri::kTrue)}, {"paths", p.paths},
          {"missing", p.missing}};
}

}  // namespace

Result<std::shared_ptr<const CatalogIndex>> LoadCatalogIndex(const std::string& products_json, const std::string& where) {
  json j = json::parse(products_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument(where + ": products: not valid JSON");
  ASSIGN_OR_RETURN(sc::CatalogLoad load, sc::LoadCatalogJsonValue(j, where));
  return CatalogIndexFromLoad(std::move(load));
}

Result<std::shared_ptr<const CatalogIndex>> CatalogIndexFromLoad(sc::CatalogLoad load) {
  auto index = std::make_shared<CatalogIndex>();
  ASSIGN_OR_RETURN(sc::BomGraph graph, sc::BomGraph::FromCatalog(load.catalog));
  index->graph.emplace(std::move(graph));
  index->catalog = std::move(load.catalog);
  index->warnings = std::move(load.warnings);
  return std::shared_ptr<const CatalogIndex>(std::move(index));
}

std::vector<double> RuleContentLevels(const RuleSet& rules, const Rule& rule) {
  std::set<double> levels;
  CollectLevels(rules.program(), rule.condition, &levels);
  return {levels.begin(), levels.end()};
}

bool RuleReads(const RuleSet& rules, const Rule& rule, rules::Fact fact) {
  const auto& nodes = rules.program().nodes();
  std::vector<int> stack{rule.condition};
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    if (i < 0) continue;
    const rules::Node& n = nodes[i];
    if ((n.op == rules::Op::kFact || n.op == rules::Op::kPartyField) && n.fact == fact) return true;
    for (int c : Children(rules.program(), n)) stack.push_back(c);
  }
  return false;
}

std::vector<double> ContentLevels(const RuleSet& rules) {
  std::set<double> levels;
  for (const Rule& r : rules.rules()) CollectLevels(rules.program(), r.condition, &levels);
  return {levels.begin(), levels.end()};
}

Result<std::vector<ProductDerivation>> DeriveProductFacts(const CatalogIndex& index, const RuleSet& rules,
                                                          const std::vector<double>& levels, Date date,
                                                          Transaction* tx) {
  std::vector<ProductDerivation> out;
  const sc::BomGraph& graph = *index.graph;
  const ReferenceData& rd = rules.refdata();
  const NamedSet* us_ic = rules.program().FindSet(Symbol::Intern("us.deminimis_us_ic"));
  LineageWalk walk(index.catalog, us_ic, date);
  for (size_t i = 0; i < tx->items.size(); ++i) {
    Item& it = tx->items[i];
    if (it.product.empty()) continue;
    const sc::Product* p = index.catalog.Find(it.product);
    sc::NodeId node = graph.Find(it.product);
    if (!p || node == sc::kNoNode) {
      return InvalidArgument(fmt::format("items[{}].product: '{}' is not a product of context.products", i, it.product));
    }
    ProductDerivation dv;
    dv.item = static_cast<int>(i);
    dv.item_id = it.id;
    dv.product = p->id;
    dv.destination = tx->destination;
    // The item's own statements stand; the catalogue fills what it leaves out.
    if (it.made_in.empty() && !p->made_in.empty()) { it.made_in = p->made_in; dv.filled.push_back("made_in"); }
    for (const auto& [regime, entry] : p->classification) {
      if (it.ClassificationFor(regime).empty()) {
        it.classification.push_back(Classification{regime, entry});
        dv.filled.push_back("classification." + std::string(regime.text()));
      }
    }
    if (!it.unit_value && p->unit_value) {
      it.unit_value = Money{p->unit_value->amount, p->unit_value->currency};
      dv.filled.push_back("unit_value");
    }
    if (it.kind.empty()) { it.kind = Symbol::Intern(sc::PartKindName(p->kind)); dv.filled.push_back("kind"); }

    // De minimis content for this destination.
    ChartPolicy policy(rd, tx->destination, date);
    sc::DeMinimisRollup rollup(graph, policy);
    sc::DeMinimisOptions o;
    o.threshold = 0;
    o.max_contributors = 10;
    ASSIGN_OR_RETURN(sc::DeMinimisResult r, rollup.Rollup(node, o));
    dv.origin_state = r.outcome;
    dv.us_origin = r.outcome == sc::DeMinimisOutcome::kUsOrigin;
    dv.value_known = !std::isnan(r.value) && r.value > 0;
    dv.value = r.value;
    dv.currency = r.currency;
    dv.content_low = r.content.low;
    dv.content_high = r.content.high;
    if (dv.value_known) {
      dv.pct_low = r.content.low / r.value * 100.0;
      dv.pct_high = std::isinf(r.content.high) ? std::numeric_limits<double>::infinity() : r.content.high / r.value * 100.0;
    }
    dv.counted = r.counted;
    dv.excluded = r.excluded;
    dv.counted_total = r.counted_total;
    dv.excluded_total = r.excluded_total;
    dv.missing = r.missing;
    dv.missing_total = r.missing_total;
    if (dv.value_known && !p->made_in.empty()) {
      for (double l : levels) {
        if (dv.pct_low < dv.pct_high && l >= dv.pct_low && l <= dv.pct_high) dv.levels_straddled.push_back(l);
      }
      dv.content_decided = dv.levels_straddled.empty();
    }
    if (!it.has_us_content) {
      it.has_us_content = true;
      if (us_ic) {
        dv.contains_us_ic = walk.ContainsUsIc(*p);
        if (dv.contains_us_ic.value != Tri::kUnknown) it.contains_us_ic = dv.contains_us_ic.value == Tri::kTrue;
      } else {
        dv.contains_us_ic.value = Tri::kUnknown;
        dv.contains_us_ic.missing.push_back("rule set us.deminimis_us_ic (which ICs 734.4(a)(8)/(9) look at) is not loaded");
      }
      dv.contains_fdp_ic = walk.ContainsFdpIc(*p);
      if (dv.contains_fdp_ic.value != Tri::kUnknown) it.contains_fdp_ic = dv.contains_fdp_ic.value == Tri::kTrue;
      dv.filled.push_back("us_content");
    }
    if (!it.has_production) {
      dv.direct = walk.Direct(*p, p->id);
      dv.plant = walk.Plant(*p, p->id, &dv.plant_us_technology, &dv.plant_us_software);
      AddUnique(&dv.us_technology, p->production.us_technology);
      AddUnique(&dv.us_software, p->production.us_software);
      if (p->production.stated()) {
        it.has_production = true;
        it.us_technology = dv.us_technology;
        it.us_software = dv.us_software;
        it.plant_us_technology = dv.plant_us_technology;
        it.plant_us_software = dv.plant_us_software;
        if (dv.plant.value != Tri::kUnknown) it.plant_us_origin = dv.plant.value == Tri::kTrue;
        dv.filled.push_back("production");
      }
    }
    out.push_back(std::move(dv));
  }
  return out;
}

void SetItemContent(const ProductDerivation& dv, std::optional<double> sample_pct, Item* item) {
  item->has_parts = false;
  item->parts.clear();
  item->controlled_value.reset();
  if (!item->unit_value) return;
  std::optional<double> pct = sample_pct;
  if (!pct && dv.content_decided) pct = dv.pct_low;
  if (!pct) return;  // unknown: the rules that read the content answer UNDETERMINED
  item->controlled_value = Money{*pct / 100.0 * item->unit_value->amount, item->unit_value->currency};
}

json DerivationJson(const ProductDerivation& dv) {
  json counted = json::array(), excluded = json::array(), missing = json::array();
  for (const auto& c : dv.counted) counted.push_back(ContributorJson(c));
  for (const auto& c : dv.excluded) excluded.push_back(ContributorJson(c));
  for (const auto& m : dv.missing) missing.push_back({{"part", m.part}, {"fact", m.fact}, {"path", m.path}});
  auto num = [](double v) { return std::isfinite(v) ? json(v) : json(); };
  json dm = {{"us_origin", dv.us_origin},
             {"value", dv.value_known ? json(dv.value) : json()},
             {"currency", std::string(dv.currency.text())},
             {"content", {{"low", num(dv.content_low)}, {"high", num(dv.content_high)}}},
             {"percent", {{"low", dv.value_known ? num(dv.pct_low) : json()},
                          {"high", dv.value_known ? num(dv.pct_high) : json()}}},
             {"decided", dv.content_decided},
             {"levels_straddled", dv.levels_straddled},
             {"counted", counted},
             {"counted_total", dv.counted_total},
             {"not_counted", excluded},
             {"not_counted_total", dv.excluded_total},
             {"missing", missing},
             {"missing_total", dv.missing_total}};
  std::vector<std::string> tech, sw, ptech, psw;
  for (Symbol s : dv.us_technology) tech.emplace_back(s.text());
  for (Symbol s : dv.us_software) sw.emplace_back(s.text());
  for (Symbol s : dv.plant_us_technology) ptech.emplace_back(s.text());
  for (Symbol s : dv.plant_us_software) psw.emplace_back(s.text());
  json fdp = {{"direct", ProngJson(dv.direct)},
              {"plant", ProngJson(dv.plant)},
              {"contains_fdp_ic", ProngJson(dv.contains_fdp_ic)},
              {"us_technology", tech},
              {"us_software", sw},
              {"plant_us_technology", ptech},
              {"plant_us_software", psw}};
  return {{"item", dv.item_id},          {"product", dv.product},
          {"destination", std::string(dv.destination.text())},
          {"filled", dv.filled},         {"de_minimis", dm},
          {"contains_us_ic", ProngJson(dv.contains_us_ic)},
          {"fdp", fdp}};
}

std::string DerivationText(const ProductDerivation& dv, const std::string& in) {
  std::string o;
  std::string cur = dv.currency.empty() ? "" : " " + std::string(dv.currency.text());
  o += in + "de minimis (15 CFR 734.4; Supp. No. 2 to part 734), content counted for " +
       std::string(dv.destination.text()) + ":\n";
  if (dv.us_origin) {
    o += in + "  the product is US-origin: de minimis does not apply (15 CFR 734.3(a)(2))\n";
  } else if (!dv.value_known) {
    o += in + "  the product's value is unknown: the share cannot be computed\n";
  } else {
    std::string pct = dv.pct_low == dv.pct_high ? Num(dv.pct_low) + " %" : Num(dv.pct_low) + "–" + Num(dv.pct_high) + " %";
    std::string content = dv.content_low == dv.content_high ? Num(dv.content_low) : Num(dv.content_low) + "–" + Num(dv.content_high);
    o += in + "  controlled US-origin content " + content + cur + " of " + Num(dv.value) + cur + " = " + pct;
    if (!dv.levels_straddled.empty()) {
      std::string ls;
      for (double l : dv.levels_straddled) ls += (ls.empty() ? "" : ", ") + Num(l) + " %";
      o += dv.content_decided ? " (the unknowns span " + ls + ", which does not change the answer here)"
                              : " — the unknowns span " + ls + ": UNDETERMINED";
    }
    o += "\n";
  }
  for (const auto& c : dv.counted) {
    o += in + "  counts   " + c.part + " " + std::string(c.classification.text()) + "  " + Num(c.quantity) + " × = " +
         Num(c.value) + cur + "  via " + Join(c.path, " > ") + "  (" + c.why + ")\n";
  }
  if (dv.counted_total > dv.counted.size()) o += in + fmt::format("  ... {} more counted\n", dv.counted_total - dv.counted.size());
  for (const auto& c : dv.excluded) {
    o += in + "  not counted " + c.part + " " + std::string(c.classification.text()) + "  " + Num(c.value) + cur +
         "  (" + c.why + ")\n";
  }
  if (dv.excluded_total > dv.excluded.size()) o += in + fmt::format("  ... {} more not counted\n", dv.excluded_total - dv.excluded.size());
  for (const auto& m : dv.missing) o += in + "  unknown  " + m.part + "." + m.fact + "  via " + Join(m.path, " > ") + "\n";
  auto prong = [&](const char* name, const ProngDerivation& p) {
    o += in + name + ": " + TriText(p.value) + "\n";
    for (const auto& s : p.paths) o += in + "  " + s + "\n";
    for (const auto& s : p.missing) o += in + "  unknown: " + s + "\n";
  };
  prong("contains a US-origin IC (15 CFR 734.4(a)(8), (a)(9))", dv.contains_us_ic);
  prong("FDP direct product (15 CFR 734.9)", dv.direct);
  prong("FDP plant or major component (15 CFR 734.9)", dv.plant);
  prong("FDP contains an IC that is a foreign direct product (15 CFR 734.9(e)(3), (k))", dv.contains_fdp_ic);
  return o;
}

}  // namespace cordon
