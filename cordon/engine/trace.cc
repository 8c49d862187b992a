#include "cordon/engine/trace.h"

#include "cordon/engine/supply_chain.h"

namespace cordon {
namespace {

using json = nlohmann::json;

// The US scope rules reading any of `facts`, with what they answered for the traced item.
std::vector<TraceRuleLine> ScopeRulesReading(const Engine& e, const Decision& d, std::initializer_list<rules::Fact> facts) {
  std::vector<TraceRuleLine> out;
  const auto& all = e.rules().rules();
  for (const TraceStep& s : d.det.trace) {
    const Rule& r = all[s.rule];
    if (r.regime != Symbol::Intern("US") || r.stage != Stage::kScope || s.unit != 0) continue;
    bool reads = false;
    for (rules::Fact f : facts) reads = reads || RuleReads(e.rules(), r, f);
    if (reads) out.push_back(TraceRuleLine{&r, s.result, RuleContentLevels(e.rules(), r)});
  }
  return out;
}

json RulesJson(const std::vector<TraceRuleLine>& lines) {
  json a = json::array();
  for (const auto& l : lines) {
    json j = {{"rule", l.rule->id}, {"cite", l.rule->cite}, {"title", l.rule->title},
              {"result", l.result == Tri::kUnknown ? json() : json(l.result == Tri::kTrue)}};
    if (!l.levels.empty()) j["levels_percent"] = l.levels;
    a.push_back(j);
  }
  return a;
}

}  // namespace

Result<ProductTrace> TraceProduct(const Engine& engine, Context ctx, const TraceRequest& req) {
  const Symbol dest = Symbol::Intern(req.to);
  if (!engine.refdata().vocabulary().IsCountry(dest)) {
    return InvalidArgument("to: '" + req.to + "' is not an ISO 3166-1 alpha-2 country code");
  }
  if (!ctx.catalog || !ctx.catalog->catalog.Find(req.product)) {
    return InvalidArgument("product '" + req.product + "' is not in the catalogue");
  }
  ProductTrace t;
  t.request = req;
  t.date = req.date ? *req.date : Date::Today();
  const supplychain::Product& p = *ctx.catalog->catalog.Find(req.product);
  t.product = &p;  // the catalogue is shared (shared_ptr) and lives on in the decision's context

  // One unit of the product, exported from where it was made to the destination.
  Transaction tx;
  tx.id = "trace " + req.product;
  tx.date = t.date;
  tx.date_given = true;
  tx.activity = Symbol::Intern("export");
  tx.ship_from = p.made_in;
  tx.destination = dest;
  tx.exporter.name = "(exporter)";
  tx.exporter.country = p.made_in;
  for (const auto& name : req.parties) {
    Party party;
    party.role = Symbol::Intern("end_user");
    party.name = name;
    party.country = dest;
    tx.parties.push_back(party);
  }
  Item item;
  item.id = req.product;
  item.product = req.product;
  item.quantity = 1;
  tx.items.push_back(item);
  t.decision = engine.Determine(std::move(tx), std::move(ctx), t.date);
  if (t.decision->supply_chain.empty()) return Internal("trace: no derivation for " + req.product);

  using rules::Fact;
  t.levels = ScopeRulesReading(engine, *t.decision, {Fact::kItemUsContentPct});
  t.zero = ScopeRulesReading(engine, *t.decision, {Fact::kItemContainsUsIc});
  t.fdp = ScopeRulesReading(engine, *t.decision, {Fact::kItemUsTech, Fact::kItemUsSw, Fact::kItemPlantUsOrigin,
                                                   Fact::kItemPlantUsTech, Fact::kItemContainsFdpIc});
  t.determination = engine.RenderJson(*t.decision);
  return t;
}

json TraceJson(const ProductTrace& t) {
  const json& us = t.determination["jurisdictions"]["US"];
  return {{"product", t.request.product},
          {"destination", t.request.to},
          {"date", t.date.ToString()},
          {"parties", t.request.parties},
          {"derivation", DerivationJson(t.decision->supply_chain[0])},
          {"de_minimis_rules", RulesJson(t.levels)},
          {"zero_percent_rules", RulesJson(t.zero)},
          {"fdp_rules", RulesJson(t.fdp)},
          {"us", {{"outcome", us["outcome"]}, {"subject", us["subject"]}, {"missing", us["missing"]}}},
          {"notes", t.determination["notes"]}};
}

}  // namespace cordon
