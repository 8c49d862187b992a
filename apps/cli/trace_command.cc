// cordon trace PRODUCT --to CC: how the US reaches a catalogue product for one destination —
// the de minimis share with its contributors and the levels the rules apply, the 0 % rules, the
// foreign-direct-product lineage and which FDP rules it meets (docs/supply-chain.md §5).
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "cordon/engine/engine.h"
#include "cordon/engine/supply_chain.h"
#include "cordon/model/json_io.h"

namespace cordon::cli {
namespace {

using json = nlohmann::json;

const char* TriWord(Tri t) { return t == Tri::kTrue ? "true" : t == Tri::kFalse ? "false" : "unknown"; }

std::string Level(double v) {
  std::string s = fmt::format("{:.4f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + " %";
}

// The US scope rules of one kind, with what they answered for the item.
struct RuleLine {
  const Rule* rule;
  Tri result;
  std::vector<double> levels;
};

std::vector<RuleLine> ScopeRulesReading(const Engine& e, const Decision& d, std::initializer_list<rules::Fact> facts) {
  std::vector<RuleLine> out;
  const auto& all = e.rules().rules();
  for (const TraceStep& s : d.det.trace) {
    const Rule& r = all[s.rule];
    if (r.regime != Symbol::Intern("US") || r.stage != Stage::kScope || s.unit != 0) continue;
    bool reads = false;
    for (rules::Fact f : facts) reads = reads || RuleReads(e.rules(), r, f);
    if (reads) out.push_back(RuleLine{&r, s.result, RuleContentLevels(e.rules(), r)});
  }
  return out;
}

json RulesJson(const std::vector<RuleLine>& lines) {
  json a = json::array();
  for (const auto& l : lines) {
    json j = {{"rule", l.rule->id}, {"cite", l.rule->cite}, {"title", l.rule->title},
              {"result", l.result == Tri::kUnknown ? json() : json(l.result == Tri::kTrue)}};
    if (!l.levels.empty()) j["levels_percent"] = l.levels;
    a.push_back(j);
  }
  return a;
}

void PrintRules(std::ostream& o, const char* heading, const std::vector<RuleLine>& lines) {
  o << heading << "\n";
  if (lines.empty()) o << "  (none in force on this date)\n";
  for (const auto& l : lines) {
    std::string levels;
    for (double v : l.levels) levels += (levels.empty() ? "" : ", ") + Level(v);
    o << "  " << fmt::format("{:<8}", TriWord(l.result)) << l.rule->title << (levels.empty() ? "" : "  [level " + levels + "]")
      << "\n           " << l.rule->cite << "  [" << l.rule->id << "]\n";
  }
}

}  // namespace

Status Trace(const Globals& g, const TraceArgs& a) {
  EngineOptions eo;
  eo.home = g.home.empty() ? FindHome(g.argv0) : g.home;
  ASSIGN_OR_RETURN(auto engine, Engine::Open(eo));
  const Symbol dest = Symbol::Intern(a.to);
  if (!engine->refdata().vocabulary().IsCountry(dest)) {
    return InvalidArgument("--to: '" + a.to + "' is not an ISO 3166-1 alpha-2 country code");
  }
  Date date = Date::Today();
  if (!a.date.empty()) {
    auto d = Date::Parse(a.date);
    if (!d.ok()) return d.status().WithPrefix("--date");
    date = *d;
  }
  Context ctx;
  if (!a.context.empty()) {
    if (!a.parts.empty() || !a.bom.empty()) return InvalidArgument("--context: give either --context or --parts/--bom");
    ASSIGN_OR_RETURN(json cj, ReadJsonFile(a.context));
    ASSIGN_OR_RETURN(ctx, engine->ParseContext(cj, a.context));
  } else if (!a.parts.empty() && !a.bom.empty()) {
    ASSIGN_OR_RETURN(supplychain::CatalogLoad load, supplychain::LoadCatalogCsvFiles(a.bom, a.parts));
    ASSIGN_OR_RETURN(ctx.catalog, CatalogIndexFromLoad(std::move(load)));
  } else {
    return InvalidArgument("trace: the catalogue is needed: --context FILE, or --parts FILE --bom FILE");
  }
  if (!ctx.catalog || !ctx.catalog->catalog.Find(a.product)) {
    return InvalidArgument("product '" + a.product + "' is not in the catalogue");
  }
  const supplychain::Product& p = *ctx.catalog->catalog.Find(a.product);

  // One unit of the product, exported from where it was made to the destination.
  Transaction tx;
  tx.id = "trace " + a.product;
  tx.date = date;
  tx.date_given = true;
  tx.activity = Symbol::Intern("export");
  tx.ship_from = p.made_in;
  tx.destination = dest;
  tx.exporter.name = "(exporter)";
  tx.exporter.country = p.made_in;
  for (const auto& name : a.parties) {
    Party party;
    party.role = Symbol::Intern("end_user");
    party.name = name;
    party.country = dest;
    tx.parties.push_back(party);
  }
  Item item;
  item.id = a.product;
  item.product = a.product;
  item.quantity = 1;
  tx.items.push_back(item);
  auto d = engine->Determine(std::move(tx), std::move(ctx), date);
  if (d->supply_chain.empty()) return Internal("trace: no derivation for " + a.product);
  const ProductDerivation& dv = d->supply_chain[0];

  using rules::Fact;
  auto levels = ScopeRulesReading(*engine, *d, {Fact::kItemUsContentPct});
  auto zero = ScopeRulesReading(*engine, *d, {Fact::kItemContainsUsIc});
  auto fdp = ScopeRulesReading(*engine, *d, {Fact::kItemUsTech, Fact::kItemUsSw, Fact::kItemPlantUsOrigin,
                                             Fact::kItemPlantUsTech, Fact::kItemContainsFdpIc});
  json determination = engine->RenderJson(*d);
  const json& us = determination["jurisdictions"]["US"];

  if (a.format == "json") {
    json out = {{"product", a.product},
                {"destination", a.to},
                {"date", date.ToString()},
                {"parties", a.parties},
                {"derivation", DerivationJson(dv)},
                {"de_minimis_rules", RulesJson(levels)},
                {"zero_percent_rules", RulesJson(zero)},
                {"fdp_rules", RulesJson(fdp)},
                {"us", {{"outcome", us["outcome"]}, {"subject", us["subject"]}, {"missing", us["missing"]}}},
                {"notes", determination["notes"]}};
    std::cout << out.dump(1) << "\n";
    return Status::Ok();
  }
  std::ostringstream o;
  o << "Trace of " << a.product << " (made in " << (p.made_in.empty() ? "unknown" : std::string(p.made_in.text()))
    << ", US " << (p.ClassificationFor(Symbol::Intern("US")).empty() ? "unclassified" : std::string(p.ClassificationFor(Symbol::Intern("US")).text()))
    << ") to " << a.to << " on " << date.ToString();
  if (!a.parties.empty()) {
    o << " for";
    for (const auto& n : a.parties) o << " " << n;
  }
  o << "\n\n" << DerivationText(dv, "");
  o << "\n";
  PrintRules(o, "De minimis levels (the rules compare the share with them):", levels);
  PrintRules(o, "No de minimis level (0 %):", zero);
  PrintRules(o, "Foreign-direct-product rules:", fdp);
  std::string subject = us["subject"]["value"].is_null() ? "unknown" : us["subject"]["value"].get<bool>() ? "yes" : "no";
  o << "\nSubject to the EAR: " << subject << "   US outcome: " << us["outcome"].get<std::string>() << "\n";
  for (const auto& b : us["subject"]["because"]) {
    o << "  " << b["because"].get<std::string>() << "  [" << b["cite"].get<std::string>() << "]\n";
  }
  if (!us["missing"].empty()) {
    o << "  missing:";
    for (const auto& m : us["missing"]) o << " " << m.get<std::string>();
    o << "\n";
  }
  for (const auto& n : determination["notes"]) o << "note: " << n.get<std::string>() << "\n";
  std::cout << o.str();
  return Status::Ok();
}

}  // namespace cordon::cli
