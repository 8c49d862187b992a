// Trade flows for what-if runs: one JSON object per line (JSON Lines), each a contract
// transaction with the flow's weight and whether it is a flow of concern (bound for what the
// policy is meant to stop). docs/whatif.md documents the format; GenerateFlows synthesises a
// seeded dataset of chip-tool, part and service flows in it.
#ifndef CORDON_WHATIF_FLOWS_H_
#define CORDON_WHATIF_FLOWS_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/base/status.h"
#include "cordon/model/transaction.h"

namespace cordon { class Engine; }

namespace cordon::whatif {

struct Flow {
  std::string id;
  double weight = 1;      // how many real flows this line stands for
  bool concern = false;   // bound for an end use the policy targets (advanced fab, listed party)
  double value = 0;       // USD: sum of items' unit value x quantity
  std::string route;      // "JP>MY>CN": ship_from, transit countries, destination
  Transaction tx;
};

// One flow from its JSON object (one line of the format); errors are prefixed with `where`.
Result<Flow> ParseFlow(const nlohmann::json& j, const Engine& engine, const std::string& where);

// Reads a JSON Lines file; every line is validated as the contract says (errors name file:line
// and the field). `progress` is called with lines read so far, now and then.
Result<std::vector<Flow>> LoadFlows(const std::string& path, const Engine& engine,
                                    const std::function<void(size_t)>& progress = {});

// Writes `count` synthetic flows (fixed `seed`: the same bytes every time) to `out`, drawn from a
// profile file (origins, assembly hubs, products with their classification per regime,
// facilities, dates and path weights: examples/whatif/flow_profile.json).
Status GenerateFlows(const std::string& profile_path, size_t count, uint64_t seed, std::ostream& out);

}  // namespace cordon::whatif

#endif  // CORDON_WHATIF_FLOWS_H_
