// Loaders for the product catalogue: the contract's `context.products` (JSON)
// and the flat tables an ERP exports (a BOM CSV plus a parts CSV).
//
// Every loader checks the whole input and reports *all* errors at once, each
// naming the file and the row ("bom.csv:14: error: ..."), as one
// InvalidArgument status. Missing facts (origin, value, classification) are
// not errors: they come back as warnings and make the rollups that need them
// UNDETERMINED. The formats are specified in docs/supply-chain.md.
//
// Only the *File functions touch the file system.
#ifndef CORDON_SUPPLYCHAIN_CATALOG_LOADER_H_
#define CORDON_SUPPLYCHAIN_CATALOG_LOADER_H_

#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cordon/base/status.h"
#include "cordon/supplychain/catalog.h"

namespace cordon::supplychain {

struct CatalogLoad {
  ProductCatalog catalog;
  std::vector<Issue> warnings;
};

struct CatalogLoadOptions {
  // Regime whose classification a US-origin part must carry (else a warning).
  Symbol classification_regime = Symbol::Intern("US");
};

// `json` is either a context object with a "products" array or the array.
Result<CatalogLoad> LoadCatalogJson(std::string_view json_text, std::string_view file,
                                    const CatalogLoadOptions& options = {});
Result<CatalogLoad> LoadCatalogJsonValue(const nlohmann::json& json, std::string_view file,
                                         const CatalogLoadOptions& options = {});
Result<CatalogLoad> LoadCatalogJsonFile(const std::string& path,
                                        const CatalogLoadOptions& options = {});

// Parts table: header row then one product per row. Columns (only `id` is
// required; order free): id, made_in, value, currency, kind, class_<REGIME>
// (e.g. class_US, class_EU), us_technology, us_software, plant_us_origin,
// made_with, plant_us_technology, plant_us_software, supplier,
// declaration. List cells separate entries with ';'. An empty cell is
// unknown; `none` in a list cell states an empty list.
// BOM table: header `parent,child,quantity[,unit]`, one edge per row;
// quantity is a positive count, unit (optional) one of ea, each, pc, pcs.
Result<CatalogLoad> LoadCatalogCsv(std::string_view bom_text, std::string_view bom_file,
                                   std::string_view parts_text, std::string_view parts_file,
                                   const CatalogLoadOptions& options = {});
Result<CatalogLoad> LoadCatalogCsvFiles(const std::string& bom_path, const std::string& parts_path,
                                        const CatalogLoadOptions& options = {});

}  // namespace cordon::supplychain

#endif  // CORDON_SUPPLYCHAIN_CATALOG_LOADER_H_
