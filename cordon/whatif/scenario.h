// Scenario: a what-if overlay of the regimes — rule files it adds (rules, sets, definitions in the
// rule language, each with its citation and dates) and rules it ends from a date — described by a
// small JSON manifest with its rationale (docs/whatif.md).
#ifndef CORDON_WHATIF_SCENARIO_H_
#define CORDON_WHATIF_SCENARIO_H_

#include <string>
#include <vector>

#include "cordon/base/date.h"
#include "cordon/base/status.h"
#include "cordon/rules/rule_set.h"

namespace cordon::whatif {

struct Scenario {
  std::string id;
  std::string title;
  std::string rationale;
  Date from;                            // the day the overlay takes effect
  std::vector<std::string> rule_files;  // resolved against the manifest's folder
  std::vector<RuleRetirement> retire;   // rules the overlay ends
  std::string source;                   // the manifest's path
};

// Reads a manifest: {"id", "title", "rationale", "from", "rules": [files], "retire": [id prefixes]}.
// Unknown fields, missing files and bad dates are errors naming the field.
Result<Scenario> LoadScenario(const std::string& path);

// Several overlays at once ("a+b"): the union of their rule files and retirements, from the
// earliest of their dates. Two overlays that define the same rule id fail when the engine loads
// them, as two rule files would.
Scenario Combine(const std::vector<Scenario>& parts);

// Loads "a.json" or "a.json+b.json+..." (a combination).
Result<Scenario> LoadScenarios(const std::string& spec);

}  // namespace cordon::whatif

#endif  // CORDON_WHATIF_SCENARIO_H_
