#include "cordon/cases/case_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "cordon/model/json_io.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Whether `want` is contained in `got`: object keys recursively, each array element in some element
// of `got`'s array, numbers to 1e-6, other values equal.
bool JsonSubset(const json& want, const json& got) {
  if (want.is_object()) {
    if (!got.is_object()) return false;
    for (auto it = want.begin(); it != want.end(); ++it) {
      if (!got.contains(it.key()) || !JsonSubset(*it, got[it.key()])) return false;
    }
    return true;
  }
  if (want.is_array()) {
    if (!got.is_array()) return false;
    for (const auto& w : want) {
      bool any = false;
      for (const auto& g : got) any = any || JsonSubset(w, g);
      if (!any) return false;
    }
    return true;
  }
  if (want.is_number() && got.is_number()) return std::abs(want.get<double>() - got.get<double>()) <= 1e-6;
  return want == got;
}

bool CiteOccurs(const json& jur, const std::string& cite) {
  for (const auto& r : jur["reasons"]) {
    if (r["cite"].get<std::string>().find(cite) != std::string::npos) return true;
  }
  for (const auto& b : jur["subject"]["because"]) {
    if (b["cite"].get<std::string>().find(cite) != std::string::npos) return true;
  }
  return false;
}

std::string Cites(const json& jur) {
  std::string s;
  for (const auto& r : jur["reasons"]) s += (s.empty() ? "" : " | ") + r["cite"].get<std::string>();
  for (const auto& b : jur["subject"]["because"]) s += (s.empty() ? "" : " | ") + b["cite"].get<std::string>();
  return s.empty() ? "none" : s;
}

}  // namespace

Result<std::vector<std::string>> FindCaseFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (fs::is_regular_file(p)) {
      out.push_back(p);
    } else if (fs::is_directory(p)) {
      std::vector<std::string> found;
      for (auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      return InvalidArgument(p + ": no such case file or folder");
    }
  }
  return out;
}

Result<CaseResult> RunCase(const Engine& engine, const std::string& path) {
  ASSIGN_OR_RETURN(json c, ReadJsonFile(path));
  CaseResult res;
  res.file = path;
  if (!c.is_object() || !c.contains("transaction") || !c.contains("expect")) {
    return InvalidArgument(path + ": not a case file (needs 'transaction' and 'expect')");
  }
  res.name = c.value("name", fs::path(path).stem().string());
  const json& expect = c["expect"];
  bool want_error = expect.value("error", false);
  auto fail = [&](const std::string& m) { res.failures.push_back(m); };

  Context ctx;
  if (c.contains("context") && !c["context"].is_null()) {
    auto parsed = engine.ParseContext(c["context"], path + ": context");
    if (!parsed.ok()) {
      if (want_error) { res.passed = true; return res; }
      fail("context rejected: " + parsed.status().message());
      return res;
    }
    ctx = std::move(*parsed);
  }
  auto tx = engine.ParseTransaction(c["transaction"], path + ": transaction");
  if (!tx.ok()) {
    if (want_error) { res.passed = true; return res; }
    fail("transaction rejected: " + tx.status().message());
    return res;
  }
  if (want_error) {
    fail("expected the input to be rejected as bad, but it was accepted");
    return res;
  }
  auto decision = engine.Determine(std::move(*tx), std::move(ctx), std::nullopt);
  json got = engine.RenderJson(*decision);
  if (expect.contains("overall") && got["overall"] != expect["overall"]) {
    fail("overall: expected " + expect["overall"].get<std::string>() + ", got " + got["overall"].get<std::string>());
  }
  if (expect.contains("hold") && got["hold"] != expect["hold"]) fail("hold: expected " + expect["hold"].dump());
  if (expect.contains("jurisdictions")) {
    for (auto it = expect["jurisdictions"].begin(); it != expect["jurisdictions"].end(); ++it) {
      const std::string regime = it.key();
      const json& e = *it;
      if (!got["jurisdictions"].contains(regime)) {
        fail(regime + ": no such jurisdiction in the answer");
        continue;
      }
      const json& g = got["jurisdictions"][regime];
      if (e.contains("outcome") && g["outcome"] != e["outcome"]) {
        fail(regime + ".outcome: expected " + e["outcome"].get<std::string>() + ", got " + g["outcome"].get<std::string>() +
             " (reasons: " + Cites(g) + ")");
      }
      if (e.contains("review_policy") && g["review_policy"] != e["review_policy"]) {
        fail(regime + ".review_policy: expected " + e["review_policy"].dump() + ", got " + g["review_policy"].dump());
      }
      if (e.contains("subject") && g["subject"]["value"] != e["subject"]) {
        fail(regime + ".subject: expected " + e["subject"].dump() + ", got " + g["subject"]["value"].dump());
      }
      for (const auto& cite : e.value("cites", json::array())) {
        if (!CiteOccurs(g, cite.get<std::string>())) {
          fail(regime + ".cites: '" + cite.get<std::string>() + "' cited by no reason (cited: " + Cites(g) + ")");
        }
      }
      for (const auto& cite : e.value("not_cites", json::array())) {
        if (CiteOccurs(g, cite.get<std::string>())) fail(regime + ".not_cites: '" + cite.get<std::string>() + "' is cited");
      }
      if (e.contains("verified") && g["verified"] != e["verified"]) {
        fail(regime + ".verified: expected " + e["verified"].dump() + ", got " + g["verified"].dump() +
             " (unverified: " + g.value("unverified", json::array()).dump() + ")");
      }
      for (const auto& u : e.value("unverified", json::array())) {
        bool found = false;
        for (const auto& gu : g.value("unverified", json::array())) {
          found = found || gu.get<std::string>().find(u.get<std::string>()) != std::string::npos;
        }
        if (!found) fail(regime + ".unverified: '" + u.get<std::string>() + "' not named (named: " + g.value("unverified", json::array()).dump() + ")");
      }
      // Each expected reason object must match some reason (a subset of its fields).
      for (const auto& w : e.value("reasons", json::array())) {
        bool found = false;
        for (const auto& gr : g["reasons"]) found = found || JsonSubset(w, gr);
        if (!found) fail(regime + ".reasons: no reason matches " + w.dump());
      }
      for (const auto& m : e.value("missing", json::array())) {
        bool found = false;
        for (const auto& gm : g["missing"]) found = found || gm.get<std::string>().find(m.get<std::string>()) != std::string::npos;
        if (!found) fail(regime + ".missing: '" + m.get<std::string>() + "' not named (named: " + g["missing"].dump() + ")");
      }
    }
  }
  // Supply-chain derivations (docs/supply-chain.md): each expected entry must match one derivation
  // (objects by their keys, arrays by element, numbers to 1e-6); notes by substring.
  for (const auto& e : expect.value("supply_chain", json::array())) {
    bool found = false;
    for (const auto& g : got.value("supply_chain", json::array())) found = found || JsonSubset(e, g);
    if (!found) fail("supply_chain: no derivation matches " + e.dump() + " (got " + got.value("supply_chain", json::array()).dump() + ")");
  }
  for (const auto& e : expect.value("screening", json::array())) {
    bool found = false;
    for (const auto& g : got["screening"]) found = found || JsonSubset(e, g);
    if (!found) fail("screening: no hit matches " + e.dump() + " (got " + got["screening"].dump() + ")");
  }
  for (const auto& n : expect.value("notes", json::array())) {
    bool found = false;
    for (const auto& g : got["notes"]) found = found || g.get<std::string>().find(n.get<std::string>()) != std::string::npos;
    if (!found) fail("notes: '" + n.get<std::string>() + "' not in " + got["notes"].dump());
  }
  res.passed = res.failures.empty();
  return res;
}

}  // namespace cordon
