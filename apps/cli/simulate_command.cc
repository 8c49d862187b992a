// cordon simulate and cordon flows generate (issue 8): what-if scenarios over trade flows.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "apps/cli/commands.h"
#include "cordon/engine/engine.h"
#include "cordon/whatif/flows.h"
#include "cordon/whatif/scenario.h"
#include "cordon/whatif/simulation.h"

namespace cordon::cli {

namespace {

// A progress line on a terminal, nothing when stderr is a file or a pipe.
std::function<void(size_t)> Progress(const char* what, size_t total) {
  if (!isatty(STDERR_FILENO)) return {};
  return [what, total](size_t done) {
    if (total > 0) {
      int filled = static_cast<int>(30.0 * static_cast<double>(done) / static_cast<double>(total));
      std::fprintf(stderr, "\r%s [%s%s] %zu/%zu", what, std::string(filled, '#').c_str(),
                   std::string(30 - filled, '.').c_str(), done, total);
    } else {
      std::fprintf(stderr, "\r%s %zu", what, done);
    }
    if (total > 0 && done >= total) std::fprintf(stderr, "\n");
  };
}

}  // namespace

Status Simulate(const Globals& g, const SimulateArgs& a) {
  EngineOptions base;
  base.home = g.home.empty() ? FindHome(g.argv0) : g.home;
  base.trace = false;
  ASSIGN_OR_RETURN(auto baseline, Engine::Open(base));
  std::vector<whatif::Scenario> scenarios;
  std::vector<std::unique_ptr<Engine>> overlays;
  for (const auto& path : a.scenarios) {
    ASSIGN_OR_RETURN(whatif::Scenario s, whatif::LoadScenarios(path));
    EngineOptions o = base;
    o.extra_rules = s.rule_files;
    o.retire = s.retire;
    auto e = Engine::Open(o);
    if (!e.ok()) return InvalidArgument(path + ": " + e.status().message());
    overlays.push_back(std::move(*e));
    scenarios.push_back(std::move(s));
  }
  ASSIGN_OR_RETURN(auto flows, whatif::LoadFlows(a.flows, *baseline, Progress("reading flows", 0)));
  if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
  std::vector<const Engine*> engines{baseline.get()};
  for (const auto& e : overlays) engines.push_back(e.get());
  whatif::SimulationResult r = whatif::Simulate(flows, engines, scenarios, Progress("simulating", flows.size()));
  if (!a.report.empty()) {
    std::ofstream out(a.report, std::ios::binary | std::ios::trunc);
    if (!out) return InvalidArgument(a.report + ": cannot write the report");
    out << whatif::RenderHtml(r);
  }
  if (a.format == "json") {
    std::cout << whatif::ToJson(r).dump(2) << "\n";
    return Status::Ok();
  }
  std::cout << fmt::format("{} flows, {:.0f} USD\n", r.flows, r.total.value);
  for (const auto& run : r.runs) {
    double leak = 0;
    for (const auto& [route, t] : run.leaks_by_route) leak += t.count;
    std::cout << fmt::format("\n{}: {}\n  caught {:.0f} ({:.0f} USD), held {:.0f}, concern caught {:.0f} of {:.0f}, leaking {:.0f}",
                             run.id, run.title, run.caught.count, run.caught.value, run.held.count,
                             run.concern_caught.count, run.concern.count, leak);
    if (run.id != "baseline") std::cout << fmt::format(", changed {:.0f}, newly caught {:.0f}", run.changed.count, run.newly_caught.count);
    std::cout << "\n";
    for (const auto& [reg, t] : run.caught_by_regime) std::cout << fmt::format("    {:<3} caught {:.0f} ({:.0f} USD)\n", reg, t.count, t.value);
    std::vector<std::pair<std::string, whatif::Tally>> routes(run.leaks_by_route.begin(), run.leaks_by_route.end());
    std::sort(routes.begin(), routes.end(), [](const auto& x, const auto& y) { return x.second.value > y.second.value; });
    for (size_t i = 0; i < routes.size() && i < 5; ++i) {
      std::cout << fmt::format("    leaks via {}: {:.0f} flows ({:.0f} USD)\n", routes[i].first, routes[i].second.count,
                               routes[i].second.value);
    }
  }
  if (!a.report.empty()) std::cout << "\nreport: " << a.report << "\n";
  return Status::Ok();
}

Status FlowsGenerate(const Globals& g, const FlowsGenerateArgs& a) {
  std::string profile = a.profile;
  if (profile.empty()) profile = (g.home.empty() ? FindHome(g.argv0) : g.home) + "/examples/whatif/flow_profile.json";
  if (a.out.empty() || a.out == "-") return whatif::GenerateFlows(profile, a.count, a.seed, std::cout);
  std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
  if (!out) return InvalidArgument(a.out + ": cannot write");
  RETURN_IF_ERROR(whatif::GenerateFlows(profile, a.count, a.seed, out));
  std::cerr << fmt::format("{} flows (seed {}) written to {}\n", a.count, a.seed, a.out);
  return Status::Ok();
}

}  // namespace cordon::cli
