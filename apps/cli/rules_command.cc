#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "cordon/cases/case_runner.h"
#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"

namespace cordon::cli {

// `cordon rules`: the rule list; with --coverage, which cases fire each rule and
// whether some case is dated on each side of the rule's start date.
Status Rules(const Globals& g, const RulesArgs& a) {
  EngineOptions o;
  o.home = g.home.empty() ? FindHome(g.argv0) : g.home;
  ASSIGN_OR_RETURN(auto engine, Engine::Open(o));
  const auto& rules = engine->rules().rules();
  std::optional<Date> only;
  if (!a.date.empty()) {
    auto d = Date::Parse(a.date);
    if (!d.ok()) return d.status().WithPrefix("--date");
    only = *d;
  }
  struct Cov {
    std::set<std::string> fired;    // cases in which the rule fired (true)
    std::set<std::string> before;   // cases dated before its start
    std::set<std::string> after;    // cases dated on or after its start, while in force
  };
  std::vector<Cov> cov(rules.size());
  if (a.coverage) {
    std::vector<std::string> paths = a.cases;
    if (paths.empty()) paths = {o.home + "/../shared/cases", o.home + "/tests/cases"};
    std::vector<std::string> existing;
    for (auto& p : paths) if (std::filesystem::exists(p)) existing.push_back(p);
    ASSIGN_OR_RETURN(auto files, FindCaseFiles(existing));
    for (const auto& f : files) {
      auto cj = ReadJsonFile(f);
      if (!cj.ok() || !cj->contains("transaction") || (*cj)["expect"].value("error", false)) continue;
      Context ctx;
      if (cj->contains("context") && !(*cj)["context"].empty()) {
        auto c = engine->ParseContext((*cj)["context"], f);
        if (!c.ok()) continue;
        ctx = std::move(*c);
      }
      auto t = engine->ParseTransaction((*cj)["transaction"], f);
      if (!t.ok()) continue;
      std::string name = std::filesystem::path(f).stem().string();
      auto d = engine->Determine(std::move(*t), std::move(ctx), std::nullopt);
      for (const auto& step : d->det.trace) {
        if (step.result == Tri::kTrue) cov[step.rule].fired.insert(name);
      }
      for (size_t i = 0; i < rules.size(); ++i) {
        if (d->date < rules[i].when.from) cov[i].before.insert(name);
        else if (rules[i].when.Contains(d->date)) cov[i].after.insert(name);
      }
    }
  }
  auto join = [](const std::set<std::string>& s) {
    std::string out;
    for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
    return out.empty() ? std::string("—") : out;
  };
  int uncovered = 0, no_before = 0;
  if (a.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < rules.size(); ++i) {
      const Rule& r = rules[i];
      if (only && !r.when.Contains(*only)) continue;
      nlohmann::json j = {{"id", r.id}, {"regime", std::string(r.regime.text())}, {"cite", r.cite},
                          {"from", r.when.from.ToString()}, {"until", r.when.until.is_max() ? "" : r.when.until.ToString()},
                          {"verified", r.verified}, {"stage", StageName(r.stage)}, {"source", r.pos.ToString()}};
      if (a.coverage) {
        j["fired_in"] = std::vector<std::string>(cov[i].fired.begin(), cov[i].fired.end());
        j["cases_before_start"] = cov[i].before.size();
        j["cases_in_force"] = cov[i].after.size();
      }
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  bool md = a.format == "markdown";
  if (md) {
    std::cout << "| rule | citation | in force | verified | fired in cases | cases before start |\n|---|---|---|---|---|---|\n";
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    if (only && !r.when.Contains(*only)) continue;
    std::string until = r.when.until.is_max() ? "" : r.when.until.ToString();
    if (a.coverage) {
      if (cov[i].fired.empty()) ++uncovered;
      if (cov[i].before.empty()) ++no_before;
    }
    if (md) {
      std::cout << fmt::format("| `{}` | {} | {} – {} | {} | {} | {} |\n", r.id, r.cite, r.when.from.ToString(), until,
                               r.verified ? "yes" : "**no**", a.coverage ? join(cov[i].fired) : "",
                               a.coverage ? std::to_string(cov[i].before.size()) : "");
    } else {
      std::cout << fmt::format("{:<40} {:<8} {} – {:<10} {} {}\n", r.id, std::string(r.regime.text()), r.when.from.ToString(),
                               until, r.verified ? "verified  " : "UNVERIFIED", r.cite);
      if (a.coverage) {
        std::cout << "    fired in: " << join(cov[i].fired) << "; cases before start: " << cov[i].before.size()
                  << "; in force: " << cov[i].after.size() << "\n";
      }
    }
  }
  if (a.coverage) {
    std::cout << (md ? "\n" : "") << rules.size() << " rules; " << rules.size() - uncovered << " fired by some case; "
              << uncovered << " fired by none; " << no_before << " without a case dated before their start\n";
  }
  return Status::Ok();
}

}  // namespace cordon::cli
