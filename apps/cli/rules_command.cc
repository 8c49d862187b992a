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
    // The first case (by name) that fires the rule, re-run on the day before the rule's start:
    // the rule's regime outcome on the case's date and on that day.
    std::string boundary;
  };
  std::optional<Date> earliest;  // the earliest case date: rules in force before it have no earlier side
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
      Transaction tx = *t;
      Context keep = ctx;
      auto d = engine->Determine(std::move(*t), std::move(ctx), std::nullopt);
      if (!earliest || d->date < *earliest) earliest = d->date;
      for (const auto& step : d->det.trace) {
        if (step.result != Tri::kTrue) continue;
        Cov& c = cov[step.rule];
        c.fired.insert(name);
        const Rule& r = rules[step.rule];
        if (!c.boundary.empty()) continue;
        // Same facts the day before the rule took effect: the answer should show the change.
        Date before = Date::FromDays(r.when.from.days() - 1);
        auto b = engine->Determine(tx, keep, before);
        auto outcome = [&](const Decision& x) {
          for (const auto& j : x.det.jurisdictions) {
            if (j.regime == r.regime) return std::string(OutcomeName(j.outcome));
          }
          return std::string("?");
        };
        // The regime's rules that fired on the day before but not on the case's date (a predecessor).
        auto fired = [&](const Decision& x) {
          std::set<std::string> ids;
          for (const auto& s2 : x.det.trace) {
            if (s2.result == Tri::kTrue && rules[s2.rule].regime == r.regime) ids.insert(rules[s2.rule].id);
          }
          return ids;
        };
        std::set<std::string> now = fired(*d), then = fired(*b);
        std::string instead;
        for (const auto& id : then) {
          if (!now.count(id)) instead += (instead.empty() ? " by " : ", ") + id;
        }
        c.boundary = fmt::format("{}: {} on {}; {} on {}{}{}", name, outcome(*d), d->date.ToString(), outcome(*b),
                                 before.ToString(), instead, then.count(r.id) ? " (STILL FIRED)" : "");
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
  int uncovered = 0, no_before = 0, long_standing = 0;
  if (a.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < rules.size(); ++i) {
      const Rule& r = rules[i];
      if (only && !r.when.Contains(*only)) continue;
      nlohmann::json j = {{"id", r.id}, {"regime", std::string(r.regime.text())}, {"cite", r.cite},
                          {"from", r.when.from.ToString()}, {"until", r.when.until.is_max() ? "" : r.when.until.ToString()},
                          {"verified", r.verified}, {"stage", StageName(r.stage)}, {"source", r.pos.ToString()}};
      nlohmann::json sets = nlohmann::json::array();
      for (const NamedSet* us : r.unverified_sets) sets.push_back(std::string(us->id.text()));
      j["unverified_sets"] = sets;
      if (a.coverage) {
        j["fired_in"] = std::vector<std::string>(cov[i].fired.begin(), cov[i].fired.end());
        j["cases_before_start"] = cov[i].before.size();
        j["cases_in_force"] = cov[i].after.size();
        j["day_before"] = cov[i].boundary;
      }
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  bool md = a.format == "markdown";
  if (md) {
    std::cout << "| rule | citation | in force | verified | fired in cases | cases before start | same facts the day before the start |\n"
                 "|---|---|---|---|---|---|---|\n";
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    if (only && !r.when.Contains(*only)) continue;
    std::string until = r.when.until.is_max() ? "" : r.when.until.ToString();
    if (a.coverage) {
      if (cov[i].fired.empty()) ++uncovered;
      if (cov[i].before.empty()) ++no_before;
      if (cov[i].before.empty() && earliest && r.when.from <= *earliest) ++long_standing;
    }
    std::string verified = r.verified ? "yes" : "**no**";
    for (const NamedSet* us : r.unverified_sets) {
      verified += (us == r.unverified_sets.front() ? "; consults unverified " : ", ") + std::string("`") +
                  std::string(us->id.text()) + "`";
    }
    if (md) {
      std::cout << fmt::format("| `{}` | {} | {} – {} | {} | {} | {} | {} |\n", r.id, r.cite, r.when.from.ToString(), until,
                               verified, a.coverage ? join(cov[i].fired) : "",
                               a.coverage ? std::to_string(cov[i].before.size()) : "",
                               a.coverage && !cov[i].boundary.empty() ? cov[i].boundary : "—");
    } else {
      std::cout << fmt::format("{:<40} {:<8} {} – {:<10} {} {}\n", r.id, std::string(r.regime.text()), r.when.from.ToString(),
                               until, r.verified ? "verified  " : "UNVERIFIED", r.cite);
      if (a.coverage) {
        std::cout << "    fired in: " << join(cov[i].fired) << "; cases before start: " << cov[i].before.size()
                  << "; in force: " << cov[i].after.size() << "\n";
        if (!cov[i].boundary.empty()) std::cout << "    day before start: " << cov[i].boundary << "\n";
      }
    }
  }
  if (a.coverage) {
    std::cout << (md ? "\n" : "") << rules.size() << " rules; " << rules.size() - uncovered << " fired by some case; "
              << uncovered << " fired by none; " << no_before << " without a case dated before their start";
    if (earliest) {
      std::cout << " (" << long_standing << " of them in force since before the earliest case, " << earliest->ToString()
                << ": no earlier side to test)";
    }
    std::cout << "\n";
  }
  return Status::Ok();
}

}  // namespace cordon::cli
