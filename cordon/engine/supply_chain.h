// Supply-chain facts for determinations: when an item names a product of
// context.products, the facts the rules read about it — de minimis content
// (15 CFR 734.4), "contains a US-origin IC", the FDP lineage (734.9) — are
// derived from the catalogue for the transaction's destination and date, and
// the derivation is kept for the answer's trace (docs/supply-chain.md §4).
//
// The rules stay the data: what counts toward de minimis for a destination is
// the Country Chart and the EAR99 set of the reference data; the de minimis
// levels are the constants the scope rules compare item.us_content_pct with;
// which ICs the 0 % cases look at is the rule set `us.deminimis_us_ic`.
// Internal to the engine.
#ifndef CORDON_ENGINE_SUPPLY_CHAIN_H_
#define CORDON_ENGINE_SUPPLY_CHAIN_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cordon/base/status.h"
#include "cordon/model/transaction.h"
#include "cordon/rules/program.h"
#include "cordon/rules/rule_set.h"
#include "cordon/supplychain/bom_graph.h"
#include "cordon/supplychain/catalog.h"
#include "cordon/supplychain/catalog_loader.h"
#include "cordon/supplychain/de_minimis.h"

namespace cordon {

// context.products, checked and compiled once per context.
struct CatalogIndex {
  supplychain::ProductCatalog catalog;
  std::optional<supplychain::BomGraph> graph;
  std::vector<supplychain::Issue> warnings;
};

// Parses and checks `products_json` (the contract's context.products). Bad
// data (cycle, dangling reference, malformed value or unit) is an
// InvalidArgument naming `where` and the field path, e.g.
// "ctx.json:products[2]: error: 'X': unit_value.currency must be ...".
Result<std::shared_ptr<const CatalogIndex>> LoadCatalogIndex(const std::string& products_json,
                                                             const std::string& where);

// The same from a loaded catalogue (e.g. the CSV tables of LoadCatalogCsvFiles).
Result<std::shared_ptr<const CatalogIndex>> CatalogIndexFromLoad(supplychain::CatalogLoad load);

// A lineage prong as derived (true with a path, false, unknown with the facts).
struct ProngDerivation {
  Tri value = Tri::kFalse;
  std::vector<std::string> paths;    // "ETCH-300 made with LITHO-7: direct product of US-origin technology 3E001"
  std::vector<std::string> missing;  // "LITHO-7.production (ETCH-300 > LITHO-7)"
};

// What the catalogue gave one item.
struct ProductDerivation {
  int item = -1;
  std::string item_id;
  std::string product;
  Symbol destination;
  // De minimis content (per unit, in `currency`).
  supplychain::DeMinimisOutcome origin_state = supplychain::DeMinimisOutcome::kUndetermined;
  bool us_origin = false;
  bool value_known = false;
  double value = 0;
  Symbol currency;
  double content_low = 0, content_high = 0;
  double pct_low = 0, pct_high = 0;  // percent of the value; pct_high may be infinite
  // Whether the rules could be given the content: exact, or the unknowns cannot
  // move it across any level the rules compare it with.
  bool content_decided = false;
  std::vector<double> levels_straddled;  // levels inside [pct_low, pct_high]
  std::vector<supplychain::Contributor> counted, excluded;
  size_t counted_total = 0, excluded_total = 0;
  std::vector<supplychain::MissingFact> missing;
  size_t missing_total = 0;
  // 734.4(a)(8)/(9): a US-origin IC of the listed categories inside.
  ProngDerivation contains_us_ic;
  // 734.9 lineage.
  ProngDerivation direct;   // the product's own us_technology / us_software
  ProngDerivation plant;    // plant / tools it was made with
  ProngDerivation contains_fdp_ic;
  std::vector<Symbol> us_technology, us_software, plant_us_technology, plant_us_software;
  std::vector<std::string> filled;  // item fields taken from the catalogue
};

// The de minimis levels the rules compare item.us_content_pct with (sorted).
std::vector<double> ContentLevels(const RuleSet& rules);
// The levels one rule compares item.us_content_pct with.
std::vector<double> RuleContentLevels(const RuleSet& rules, const Rule& rule);
// Whether a rule's condition names `fact`.
bool RuleReads(const RuleSet& rules, const Rule& rule, rules::Fact fact);

// Fills items[i] that name a catalogue product with the derived facts and
// returns one derivation per such item. A product id missing from the
// catalogue is an InvalidArgument naming items[i].product.
Result<std::vector<ProductDerivation>> DeriveProductFacts(const CatalogIndex& index, const RuleSet& rules,
                                                          const std::vector<double>& levels, Date date,
                                                          Transaction* tx);

// Feeds the content of derivation `dv` to its item: the lower bound when decided,
// else unknown (the rules then answer UNDETERMINED). `sample_pct` overrides (probing).
void SetItemContent(const ProductDerivation& dv, std::optional<double> sample_pct, Item* item);

nlohmann::json DerivationJson(const ProductDerivation& dv);
std::string DerivationText(const ProductDerivation& dv, const std::string& indent);

}  // namespace cordon

#endif  // CORDON_ENGINE_SUPPLY_CHAIN_H_
