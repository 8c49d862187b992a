// The product catalogue: what a company makes and buys, as the ERP knows it.
//
// A Product carries the facts 734.4 (de minimis) and 734.9 (foreign direct
// product) need: where it was made, its classification per regime, its unit
// value, its components and its production lineage. A fact the data does not
// give is *unknown*, never "no": std::nullopt, an empty Symbol, Tri::kUnknown.
//
// The catalogue is a plain value: it is built by the loaders
// (catalog_loader.h) or by hand, checked with ValidateCatalog(), then compiled
// into a BomGraph (bom_graph.h) for the rollups.
// Thread-safety: a const ProductCatalog may be read from many threads.
#ifndef CORDON_SUPPLYCHAIN_CATALOG_H_
#define CORDON_SUPPLYCHAIN_CATALOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cordon/base/interner.h"
#include "cordon/base/status.h"

namespace cordon::supplychain {

// Three-valued truth for facts that may be unknown.
enum class Tri : uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };
const char* TriName(Tri t);  // "false" | "true" | "unknown"

// What a product is, as the EAR distinguishes it (software bundled into a
// commodity can ride in the de minimis count; technology needs a report).
enum class PartKind : uint8_t { kCommodity = 0, kSoftware = 1, kTechnology = 2 };
inline constexpr int kPartKindCount = 3;
const char* PartKindName(PartKind k);
std::optional<PartKind> ParsePartKind(std::string_view text);

struct Money {
  double amount = 0;
  Symbol currency;  // ISO 4217, e.g. "USD"
};

// Where a fact came from, for messages: "parts.csv:14" or "context.json:products[3]".
struct SourceRef {
  std::string file;
  std::string row;  // a line number for CSV, "products[3]" for JSON
  std::string ToString() const;  // "file:row"
};

struct Component {
  std::string product;  // id of another catalogue product
  double quantity = 1;  // per unit of the parent; > 0
  SourceRef source;     // the BOM row or JSON element that stated this edge
};

// Production lineage (contract §1 `production`). Each list is std::nullopt
// when the data does not say; an empty list is a statement ("none").
struct Lineage {
  // US-origin technology / software ECCNs the product is a direct product of.
  std::optional<std::vector<Symbol>> us_technology;
  std::optional<std::vector<Symbol>> us_software;
  // Stated: the plant, or a major component of it, that made the product is a
  // direct product of US-origin listed technology or software.
  Tri plant_us_origin = Tri::kUnknown;
  // Catalogue ids of the tools / plant components the product was made with.
  std::optional<std::vector<std::string>> made_with;
  // Contract `production.plant`: the US-origin technology / software the plant
  // itself is a direct product of, when the data names it instead of tools.
  std::optional<std::vector<Symbol>> plant_us_technology;
  std::optional<std::vector<Symbol>> plant_us_software;

  // True when the data says anything at all about lineage.
  bool stated() const {
    return us_technology || us_software || plant_us_origin != Tri::kUnknown || made_with ||
           plant_us_technology || plant_us_software;
  }
};

// A supplier's declaration about a product (origin, classification). Carried
// as evidence for the trace and the record-keeping of 734.4(g); the rollups use
// the product's own fields, which the data owner sets from the declarations.
struct SupplierDeclaration {
  std::string supplier;
  std::string date;       // as given (YYYY-MM-DD expected)
  std::string reference;  // document id
  Symbol made_in;
  std::vector<std::pair<Symbol, Symbol>> classification;
};

struct Product {
  std::string id;
  // Regime ("US", "EU", "JP", ...) to list entry ("3A001.a", "EAR99",
  // "NOT_LISTED"). A regime absent here is unknown.
  std::vector<std::pair<Symbol, Symbol>> classification;
  Symbol made_in;                   // ISO 3166 alpha-2; empty = unknown
  std::optional<Money> unit_value;  // fair market value of one unit
  PartKind kind = PartKind::kCommodity;
  // Whether the part is an integrated circuit (the "contains a US-origin IC"
  // tests of 734.4(a)(8)/(9) and the "contains" FDP prongs); unknown unless stated.
  Tri integrated_circuit = Tri::kUnknown;
  std::vector<Component> components;
  Lineage production;
  std::vector<SupplierDeclaration> declarations;
  SourceRef source;

  // The entry for `regime`, or the empty Symbol when unknown.
  Symbol ClassificationFor(Symbol regime) const;
};

// A fact a derivation needed and the data did not give (fail closed: the
// answer that needed it is unknown / UNDETERMINED, naming it).
struct MissingFact {
  std::string part;
  std::string fact;  // "made_in", "classification.US", "unit_value", "production.us_technology", ...
  std::vector<std::string> path;  // from the product asked about down to `part`
};

// A problem found in input data, with where it is.
struct Issue {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  SourceRef source;
  std::string message;
  std::string ToString() const;  // "parts.csv:14: warning: ..."
};

// Joins issues (errors only, or all) into one InvalidArgument status; Ok if none.
Status IssuesToStatus(const std::vector<Issue>& issues);

class ProductCatalog {
 public:
  // Adds a product. Fails (InvalidArgument naming the first source; the caller
  // names product.source) on a duplicate id.
  Status Add(Product product);
  const Product* Find(std::string_view id) const;
  Product* FindMutable(std::string_view id);
  const std::vector<Product>& products() const { return products_; }
  size_t size() const { return products_.size(); }

 private:
  std::vector<Product> products_;
  std::unordered_map<std::string, size_t> index_;
};

// Checks references and structure: components and made_with that name no
// product (dangling), component cycles (each edge's row named), quantities
// that are not positive. Appends warnings for missing facts the rollups will
// treat as unknown (made_in, unit_value, the classification under
// `warn_regime` of US-origin parts). Returns every issue found, errors first.
std::vector<Issue> ValidateCatalog(const ProductCatalog& catalog, Symbol warn_regime);

}  // namespace cordon::supplychain

#endif  // CORDON_SUPPLYCHAIN_CATALOG_H_
