// The transaction of contract §1 (what is asked) and the context of §2, as plain values.
//
// Absent facts stay absent: every optional field records whether the user gave
// it, because "unknown is not no" (a rule that needs a missing fact is
// UNDETERMINED, never false). Codes (countries, roles, ECCNs) are interned
// Symbols so the rule evaluator compares integers.
#ifndef CORDON_MODEL_TRANSACTION_H_
#define CORDON_MODEL_TRANSACTION_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cordon/base/date.h"
#include "cordon/base/interner.h"

namespace cordon {

struct Money {
  double amount = 0;
  Symbol currency;
};

struct Employer {
  std::string name;
  Symbol country;
  Symbol headquarters;
  std::optional<double> owned_by_d5_share;  // majority ownership by a Macau/D:5-HQ entity
};

struct Owner {
  std::string name;
  double share = 0;
};

struct Party {
  Symbol role;  // purchaser, intermediate_consignee, ultimate_consignee, end_user, seller, exporter
  std::string name;
  std::vector<std::string> aliases;
  std::string address;
  Symbol country;
  Symbol headquarters;
  Symbol type;
  std::vector<Owner> owners;
  std::vector<Symbol> nationalities;
  Symbol permanent_resident_of;
  Symbol located_in;
  std::optional<Employer> employer;
  bool specific_category = false;  // Japan: a resident under strong foreign influence
  Symbol specific_category_country;
};

struct FacilityFacts {
  std::string id;
  std::string name;
  Symbol country;
  Symbol headquarters;
  std::string owner;
  Symbol ic;  // logic, dram, nand, other
  std::optional<double> node_nm;
  std::optional<bool> non_planar;
  std::optional<double> nand_layers;
  std::optional<double> dram_half_pitch_nm;
  std::optional<double> dram_cell_area_um2;
  std::optional<double> dram_density_gb_mm2;
};

struct Facility : FacilityFacts {
  std::vector<FacilityFacts> lines;
};

struct ContentPart {
  Symbol classification;
  double value = 0;
  Symbol software;  // bundled | separate | empty
};

struct Classification {
  Symbol regime;
  Symbol entry;  // e.g. 3B001.c, EAR99, NOT_LISTED, or a national entry text
};

// A spec value: numbers, strings and booleans are all that rules compare.
struct SpecValue {
  enum class Kind { kNumber, kString, kBool } kind = Kind::kNumber;
  double number = 0;
  Symbol text;
  bool flag = false;
};

struct Item {
  std::string id;
  std::string description;
  Symbol kind;  // commodity, software, technology
  std::optional<double> quantity;
  std::optional<Money> unit_value;
  Symbol made_in;
  std::vector<Classification> classification;
  // us_content
  bool has_us_content = false;
  std::optional<Money> controlled_value;
  std::vector<ContentPart> parts;
  bool has_parts = false;
  std::optional<bool> contains_us_ic;
  std::optional<bool> contains_fdp_ic;
  std::optional<bool> report_filed;
  // production
  bool has_production = false;
  std::vector<Symbol> us_technology;
  std::vector<Symbol> us_software;
  std::optional<bool> plant_us_origin;
  std::vector<Symbol> plant_us_technology;
  std::vector<Symbol> plant_us_software;
  std::vector<std::string> made_with;
  std::vector<std::pair<Symbol, std::vector<Symbol>>> technology_origin;  // country → kinds
  bool has_technology_origin = false;             // stated (possibly empty): else unknown
  std::vector<Symbol> technology_origin_countries;  // the countries of technology_origin, for rules
  std::string product;
  std::vector<std::pair<Symbol, SpecValue>> specs;

  Symbol ClassificationFor(Symbol regime) const {
    for (const auto& c : classification) {
      if (c.regime == regime) return c.entry;
    }
    return Symbol();
  }
  const SpecValue* Spec(Symbol name) const {
    for (const auto& [k, v] : specs) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

struct Knowledge {
  std::vector<Symbol> informed;
  std::vector<Symbol> aware;
  std::vector<Symbol> suspects;
};

struct Service {
  Party performer;
  Symbol task;
  std::optional<Item> equipment;
  std::optional<Facility> facility;
};

struct Transaction {
  std::string id;
  Date date;
  bool date_given = false;
  Symbol activity;
  Symbol ship_from;
  Symbol destination;
  std::vector<Symbol> route;
  Party exporter;
  std::vector<Party> parties;
  std::vector<Item> items;
  bool has_end_use = false;
  std::optional<Facility> facility;
  std::vector<Symbol> purpose;
  std::optional<Service> service;
  std::vector<std::string> licenses;
  std::optional<Knowledge> knowledge;
  std::vector<std::string> unknown;
};

// Context (§2): reference data a transaction points into.
struct ListEntryChange {
  Date from;
  std::optional<std::vector<int>> footnotes;
  std::optional<std::string> review_policy;
  std::optional<std::string> license_requirement;
};

struct PolicyClause;  // compiled by the rules module; opaque here
struct CatalogIndex;  // context.products compiled by the engine (cordon/engine/supply_chain.h)

struct ListEntry {
  Symbol list;  // US.EL, JP.EUL, TW.SHTC ...
  std::string name;
  std::vector<std::string> aliases;
  Symbol country;
  std::optional<Date> added;
  std::optional<Date> removed;
  std::string license_requirement;
  std::string review_policy;
  std::vector<int> footnotes;
  std::vector<ListEntryChange> history;
  std::string federal_register;
  std::vector<std::string> license_exceptions;  // exceptions the entry allows (e.g. RFF)
  // Optional structured policy: [{when, policy}] + else, as expression text.
  std::vector<std::pair<std::string, std::string>> policy_when;
  std::string policy_else;
  std::string source;  // where this entry came from (file)
  // false when a fact of the entry (its date, footnote, policy) rests on what the fact sheets mark
  // UNVERIFIED; answers that use the entry say so (docs/determination.md). `note` says which fact.
  bool verified = true;
  std::string note;
  // Filled by the engine before evaluation so the hot path builds no strings: the rules
  // module's compiled policy for this entry (opaque here) and the parsed policy text.
  const void* compiled_policy = nullptr;
  int parsed_policy = -1;
};

struct License {
  std::string id;
  Symbol regime;
  std::string holder;
  std::optional<Date> issued;
  std::optional<Date> expires;
  std::optional<Date> revoked;
  std::optional<Date> suspended;
  std::vector<std::string> items;  // classifications or item ids
  std::vector<Symbol> destinations;
  std::vector<std::string> parties;
  std::optional<Money> max_value;
  std::optional<double> max_quantity;
  std::optional<Money> used_value;
  std::vector<std::string> end_uses;     // purposes the licence is for; empty: any
  std::optional<double> used_quantity;   // drawn so far (kept by the licence register)
};

struct Context {
  std::vector<Facility> facilities;
  std::vector<License> licenses;
  std::vector<ListEntry> list_entries;
  // products are kept as raw JSON text for the supply-chain module to parse.
  std::string products_json;
  // Filled by Engine::ParseContext: the products checked and compiled once (null: not yet).
  std::shared_ptr<const CatalogIndex> catalog;
};

}  // namespace cordon

#endif  // CORDON_MODEL_TRANSACTION_H_
