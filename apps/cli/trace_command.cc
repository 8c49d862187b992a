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
#include "cordon/engine/trace.h"
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

void PrintRules(std::ostream& o, const char* heading, const std::vector<TraceRuleLine>& lines) {
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
  TraceRequest req{a.product, a.to, a.parties, std::nullopt};
  if (!a.date.empty()) {
    auto d = Date::Parse(a.date);
    if (!d.ok()) return d.status().WithPrefix("--date");
    req.date = *d;
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
  auto traced = TraceProduct(*engine, std::move(ctx), req);
  if (!traced.ok()) {
    const std::string& m = traced.status().message();  // "to: ..." names the --to flag here
    return m.rfind("to: ", 0) == 0 ? InvalidArgument("--" + m) : traced.status();
  }
  const ProductTrace& t = *traced;
  const supplychain::Product& p = *t.product;
  const Date date = t.date;
  const json& us = t.determination["jurisdictions"]["US"];
  const json& determination = t.determination;
  const ProductDerivation& dv = t.decision->supply_chain[0];
  if (a.format == "json") {
    std::cout << TraceJson(t).dump(1) << "\n";
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
  PrintRules(o, "De minimis levels (the rules compare the share with them):", t.levels);
  PrintRules(o, "No de minimis level (0 %):", t.zero);
  PrintRules(o, "Foreign-direct-product rules:", t.fdp);
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
