// Fuzz target: the whole `cordon check` path from JSON text — parse, validate the transaction
// and context, prepare, evaluate every regime, render JSON and text. Input: a transaction
// object, or {"transaction": ..., "context": ...}.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cordon::fuzz::TheEngine;
  const cordon::Engine& engine = TheEngine();
  auto j = cordon::ParseJsonText(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (!j.ok()) return 0;
  const nlohmann::json* tx_json = &*j;
  const nlohmann::json* ctx_json = nullptr;
  if (j->is_object() && j->contains("transaction")) {
    tx_json = &(*j)["transaction"];
    if (j->contains("context")) ctx_json = &(*j)["context"];
  }
  auto tx = engine.ParseTransaction(*tx_json, "fuzz.json");
  if (!tx.ok()) return 0;
  cordon::Context context;
  if (ctx_json) {
    auto c = engine.ParseContext(*ctx_json, "fuzz.json");
    if (!c.ok()) return 0;
    context = std::move(*c);
  }
  cordon::Date date = tx->date;
  auto decision = engine.Determine(std::move(*tx), std::move(context), date);
  (void)engine.RenderJson(*decision).dump();
  (void)engine.RenderText(*decision);
  return 0;
}
