// Fuzz target: rule files — lex, parse, and, when they parse, compile against the bundled
// reference data (type checks, unknown names, dates, duplicate ids).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "cordon/engine/engine.h"
#include "cordon/rules/ast.h"
#include "cordon/rules/rule_set.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const cordon::Engine& engine = cordon::fuzz::TheEngine();
  auto parsed = cordon::rules::ParseRuleFile(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.rules");
  if (!parsed.ok()) return 0;
  static const std::string dir = cordon::fuzz::ScratchDir() + "/rules";
  std::filesystem::create_directories(dir);
  cordon::fuzz::ScratchFile("rules/fuzz.rules", data, size);
  auto set = cordon::RuleSet::Load({dir}, engine.rules().refdata_ptr());
  (void)set;
  return 0;
}
