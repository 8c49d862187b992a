// Tracing one catalogue product to a destination: the de minimis share with its contributors, the
// levels and 0 % rules the US rules apply, and the foreign-direct-product lineage with the FDP
// rules it meets (docs/supply-chain.md §5). Used by `cordon trace` and `POST /trace`.
//
//   ASSIGN_OR_RETURN(ProductTrace t, TraceProduct(engine, std::move(ctx), {"ETCH-300", "CN"}));
//   std::cout << TraceJson(t).dump(1);
#ifndef CORDON_ENGINE_TRACE_H_
#define CORDON_ENGINE_TRACE_H_

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/base/date.h"
#include "cordon/base/status.h"
#include "cordon/engine/engine.h"

namespace cordon {

struct TraceRequest {
  std::string product;
  std::string to;                    // ISO-2 destination
  std::vector<std::string> parties;  // end users' names
  std::optional<Date> date;          // default today
};

// A US scope rule of one kind, with what it answered for the product.
struct TraceRuleLine {
  const Rule* rule = nullptr;
  Tri result = Tri::kUnknown;
  std::vector<double> levels;
};

struct ProductTrace {
  TraceRequest request;
  Date date;
  const supplychain::Product* product = nullptr;  // in decision->context's catalogue
  std::unique_ptr<Decision> decision;
  std::vector<TraceRuleLine> levels, zero, fdp;
  nlohmann::json determination;  // RenderJson of the decision
};

// InvalidArgument naming the field for a bad destination or a product the catalogue lacks.
Result<ProductTrace> TraceProduct(const Engine& engine, Context context, const TraceRequest& request);
// The answer of `cordon trace --format json`.
nlohmann::json TraceJson(const ProductTrace& t);

}  // namespace cordon

#endif  // CORDON_ENGINE_TRACE_H_
