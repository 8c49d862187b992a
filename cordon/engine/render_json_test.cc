// Engine::RenderJsonText writes the bytes of RenderJson(d).dump(): over every case file in
// tests/cases, with and without the trace, and for fuzzy list hits (scores, why, matched names).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"
#include "cordon/model/json_text.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Both renderings of one transaction; returns how many screening hits it had.
size_t ExpectSameText(const Engine& engine, const json& tx_json, const json& ctx_json, const std::string& where) {
  auto tx = engine.ParseTransaction(tx_json, where);
  if (!tx.ok()) return 0;  // a case about bad input: nothing to render
  auto ctx = engine.ParseContext(ctx_json, where + ": context");
  if (!ctx.ok() || !engine.CheckProducts(*tx, *ctx).ok()) return 0;
  auto d = engine.Determine(std::move(*tx), std::move(*ctx), std::nullopt);
  json tree = engine.RenderJson(*d);
  EXPECT_EQ(engine.RenderJsonText(*d), tree.dump()) << where;
  tree.erase("trace");
  EXPECT_EQ(engine.RenderJsonText(*d, false), tree.dump()) << where << " (without the trace)";
  return d->screening.size();
}

TEST(RenderJsonText, IsTheDumpOfRenderJsonForEveryCase) {
  EngineOptions o;
  o.home = FindHome(nullptr);
  auto engine = Engine::Open(o);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  int cases = 0;
  size_t hits = 0;
  for (const auto& f : fs::directory_iterator(o.home + "/tests/cases")) {
    if (f.path().extension() != ".json") continue;
    auto j = ReadJsonFile(f.path().string());
    ASSERT_TRUE(j.ok()) << j.status().message();
    if (!j->contains("transaction")) continue;
    hits += ExpectSameText(**engine, (*j)["transaction"], j->value("context", json::object()), f.path().string());
    ++cases;
  }
  EXPECT_GT(cases, 100);
  EXPECT_GT(hits, 0u) << "no case screened a party: the screening members went untested";
}

TEST(RenderJsonText, FuzzyListHitsWithScores) {
  EngineOptions o;
  o.home = FindHome(nullptr);
  const std::string dpl = o.home + "/../shared/data/lists/moov-io-watchman/test/testdata/bench/dpl.txt";
  if (!fs::exists(dpl)) GTEST_SKIP() << dpl << " is not there";
  o.lists = {dpl};
  o.threshold = 0.80;  // possible matches too
  auto engine = Engine::Open(o);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  auto tx = ReadJsonFile(o.home + "/tests/screen_cli/files/order_dpl.json");
  ASSERT_TRUE(tx.ok()) << tx.status().message();
  EXPECT_GT(ExpectSameText(**engine, *tx, json::object(), "order_dpl.json"), 0u);
  (*tx)["parties"][0]["name"] = "Aaron Abrahm Vila \"the\" \\ Elder\t\u00e9";  // a near miss, escapes
  ExpectSameText(**engine, *tx, json::object(), "order_dpl.json, near miss");
}

TEST(JsonText, StringsAndNumbersAsNlohmannWritesThem) {
  for (const std::string& s : {std::string(""), std::string("plain"), std::string("q\"b\\s/\b\f\n\r\t"),
                              std::string("\x01\x1f\x7f", 3), std::string("nul\0in", 6), std::string("ü 華為 🙂")}) {
    std::string out;
    AppendJsonString(out, s);
    EXPECT_EQ(out, json(s).dump());
  }
  for (double v : {0.0, 1.0, 0.9, 0.95, 1.0 / 3, 1e-5, 123456789.0, 1e21, -2.5}) {
    std::string out;
    AppendJsonNumber(out, v);
    EXPECT_EQ(out, json(v).dump());
  }
}

}  // namespace
}  // namespace cordon
