// Simulation: the same flows answered under the regimes as they are (the baseline) and under each
// scenario overlay; per regime what is caught (count, value), what changes, and the flows of
// concern that no regime reaches, grouped by route (docs/whatif.md).
#ifndef CORDON_WHATIF_SIMULATION_H_
#define CORDON_WHATIF_SIMULATION_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/whatif/flows.h"
#include "cordon/whatif/scenario.h"

namespace cordon { class Engine; }

namespace cordon::whatif {

struct Tally {
  double count = 0;  // weighted flows
  double value = 0;  // USD
  void Add(const Flow& f) { count += f.weight; value += f.weight * f.value; }
};

struct RunSummary {
  std::string id;  // "baseline" or the scenario id
  std::string title;
  std::string rationale;
  std::map<std::string, Tally> caught_by_regime;  // licence required or prohibited under the regime
  Tally caught;        // caught by at least one regime
  Tally held;          // undetermined somewhere, caught nowhere: a person must decide
  Tally concern;       // flows of concern
  Tally concern_caught;
  std::map<std::string, Tally> leaks_by_route;  // flows of concern no regime catches or holds
  Tally changed;       // overall answer differs from the baseline
  Tally newly_caught;  // caught here, not in the baseline
};

struct SimulationResult {
  size_t flows = 0;
  Tally total;
  std::vector<RunSummary> runs;  // baseline first, then each scenario in order
};

// `engines[0]` is the baseline; engines[k] (k >= 1) runs scenarios[k-1]. `progress` is called
// with the number of flows done, now and then.
SimulationResult Simulate(const std::vector<Flow>& flows, const std::vector<const Engine*>& engines,
                          const std::vector<Scenario>& scenarios,
                          const std::function<void(size_t)>& progress = {});

// Adds the tallies of `part` (a partition of the same flows, same engines) into `into`.
void Merge(const SimulationResult& part, SimulationResult* into);

nlohmann::json ToJson(const SimulationResult& r);
// A self-contained HTML report: capture by regime and scenario, leakage routes as a flow diagram.
std::string RenderHtml(const SimulationResult& r);

}  // namespace cordon::whatif

#endif  // CORDON_WHATIF_SIMULATION_H_
