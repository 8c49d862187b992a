// Fuzz target: product catalogues — context.products JSON, or the ERP shapes (BOM CSV and parts
// CSV, separated in the input by a line "===") — then compiled into the BOM graph (cycles,
// dangling references).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cordon/supplychain/bom_graph.h"
#include "cordon/supplychain/catalog_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cordon::supplychain;
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  cordon::Result<CatalogLoad> load = [&] {
    if (data[0] % 2 == 0) return LoadCatalogJson(text, "products.json");
    size_t cut = text.find("\n===\n");
    std::string_view bom = cut == std::string_view::npos ? text : text.substr(0, cut);
    std::string_view parts = cut == std::string_view::npos ? std::string_view() : text.substr(cut + 5);
    return LoadCatalogCsv(bom, "bom.csv", parts, "parts.csv");
  }();
  if (!load.ok()) return 0;
  auto graph = BomGraph::FromCatalog(load->catalog);
  if (graph.ok()) (void)graph->size();
  return 0;
}
