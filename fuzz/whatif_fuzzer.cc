// Fuzz target: the what-if inputs — a scenario manifest (first byte even), a flow file in JSON
// Lines validated against the engine (first byte odd, not 3 mod 4), or a flow profile from which
// a few flows are generated (3 mod 4).
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "cordon/engine/engine.h"
#include "cordon/whatif/flows.h"
#include "cordon/whatif/scenario.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cordon::whatif;
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  if (selector % 2 == 0) {
    // The manifest names rule files beside it: give it one that exists.
    static const bool rules_written = [] {
      static const char kRule[] = "# empty overlay\n";
      cordon::fuzz::ScratchFile("overlay.rules", reinterpret_cast<const uint8_t*>(kRule), sizeof kRule - 1);
      return true;
    }();
    (void)rules_written;
    auto s = LoadScenarios(cordon::fuzz::ScratchFile("scenario.json", data + 1, size - 1));
    (void)s;
  } else if (selector % 4 == 1) {
    auto flows = LoadFlows(cordon::fuzz::ScratchFile("flows.jsonl", data + 1, size - 1), cordon::fuzz::TheEngine());
    (void)flows;
  } else {
    std::ostringstream out;
    auto st = GenerateFlows(cordon::fuzz::ScratchFile("profile.json", data + 1, size - 1), 3, 1, out);
    (void)st;
  }
  return 0;
}
