// The Python module cordon._cordon (pybind11): the engine, the screening index and the what-if
// simulation, with JSON text in and out. python/cordon/__init__.py turns it into the public
// `import cordon` API (dicts, pandas DataFrames); docs/python.md documents both.
//
// Exceptions exist only here, at the language boundary: a Status that is not ok becomes ValueError
// (bad input), LookupError (not found) or RuntimeError. Engines, indexes and simulators are
// immutable once built; their methods release the GIL while they compute, so Python threads (a Dask
// worker's) may share one object.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/engine/engine.h"
#include "cordon/engine/supply_chain.h"
#include "cordon/engine/trace.h"
#include "cordon/lists/loader.h"
#include "cordon/model/json_io.h"
#include "cordon/screening/screening.h"
#include "cordon/whatif/flows.h"
#include "cordon/whatif/scenario.h"
#include "cordon/whatif/simulation.h"

namespace py = pybind11;
using json = nlohmann::json;

namespace cordon::python {
namespace {

[[noreturn]] void Raise(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument: throw py::value_error(s.message());
    case StatusCode::kNotFound: throw py::key_error(s.message());
    default: throw std::runtime_error(std::string(StatusCodeName(s.code())) + ": " + s.message());
  }
}

template <typename T>
T Take(Result<T> r) {
  if (!r.ok()) Raise(r.status());
  return std::move(*r);
}

std::optional<Date> ParseDate(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  auto d = Date::Parse(*text);
  if (!d.ok()) Raise(d.status().WithPrefix("date"));
  return *d;
}

// ---- engine --------------------------------------------------------------------------------------

class PyEngine {
 public:
  PyEngine(const std::string& home, const std::vector<std::string>& rules, const std::vector<std::string>& lists,
           double threshold, bool trace) {
    EngineOptions o;
    o.home = home.empty() ? FindHome(nullptr) : home;
    o.extra_rules = rules;
    o.lists = lists;
    o.threshold = threshold;
    o.trace = trace;
    py::gil_scoped_release unlocked;
    engine_ = Take(Engine::Open(o));
  }

  // The determination of `cordon check --format json` for one transaction (JSON text).
  std::string Check(const std::string& transaction, const std::optional<std::string>& context,
                    const std::optional<std::string>& date) const {
    std::optional<Date> on = ParseDate(date);
    py::gil_scoped_release unlocked;
    json tj = Take(ParseJsonText(transaction, "transaction"));
    // A case file may be checked directly, as on the command line: its transaction and context.
    std::optional<json> case_context;
    if (tj.is_object() && tj.contains("transaction") && tj.contains("expect")) {
      if (tj.contains("context") && !tj["context"].empty()) case_context = tj["context"];
      tj = json(tj["transaction"]);
    }
    Transaction tx = Take(engine_->ParseTransaction(tj, "transaction"));
    Context ctx;
    if (context) {
      ctx = Take(engine_->ParseContext(Take(ParseJsonText(*context, "context")), "context"));
    } else if (case_context) {
      ctx = Take(engine_->ParseContext(*case_context, "context"));
    }
    if (Status s = engine_->CheckProducts(tx, ctx); !s.ok()) Raise(s);
    auto d = engine_->Determine(std::move(tx), std::move(ctx), on);
    return engine_->RenderJson(*d).dump();
  }

  // `cordon trace PRODUCT --to CC --format json` over the catalogue of a context (JSON text) or of
  // the CSV tables (parts, bom).
  std::string Trace(const std::string& product, const std::string& to, const std::optional<std::string>& context,
                    const std::optional<std::string>& parts, const std::optional<std::string>& bom,
                    const std::vector<std::string>& parties, const std::optional<std::string>& date) const {
    TraceRequest req{product, to, parties, ParseDate(date)};
    py::gil_scoped_release unlocked;
    Context ctx;
    if (context) {
      if (parts || bom) Raise(InvalidArgument("trace: give either a context or parts and bom"));
      ctx = Take(engine_->ParseContext(Take(ParseJsonText(*context, "context")), "context"));
    } else if (parts && bom) {
      ctx.catalog = Take(CatalogIndexFromLoad(Take(supplychain::LoadCatalogCsvFiles(*bom, *parts))));
    } else {
      Raise(InvalidArgument("trace: the catalogue is needed: a context with products, or parts and bom"));
    }
    return TraceJson(Take(TraceProduct(*engine_, std::move(ctx), req))).dump();
  }

  std::string Version() const { return engine_->Version(); }
  const std::string& Home() const { return engine_->home(); }
  const Engine& engine() const { return *engine_; }

 private:
  std::unique_ptr<Engine> engine_;
};

// ---- screening -----------------------------------------------------------------------------------

class PyScreener {
 public:
  explicit PyScreener(const std::vector<std::string>& paths) {
    if (paths.empty()) throw py::value_error("lists: give at least one list file or folder");
    py::gil_scoped_release unlocked;
    std::vector<lists::ListEntity> all;
    for (const auto& p : paths) {
      std::vector<lists::LoadedList> loaded = Take(lists::LoadListPath(p));
      if (loaded.empty()) Raise(InvalidArgument(p + ": no list file of a known format"));
      for (auto& l : loaded) {
        for (auto& e : l.snapshot.entities) all.push_back(std::move(e));
      }
    }
    index_ = Take(screening::ScreeningIndex::Build(std::move(all)));
  }

  // Matches as dicts, best first: list, entity, name, matched_name, matched_on, score, why.
  py::list Screen(const std::string& name, const std::string& country, double threshold, const std::string& scorer,
                  const std::vector<std::string>& lists, size_t max_results) const {
    if (!(threshold >= 0 && threshold <= 1)) throw py::value_error("threshold: must be between 0 and 1");
    screening::ScreeningOptions o;
    o.threshold = threshold;
    o.scorer = Take(screening::ParseScorer(scorer));
    o.country = country;
    o.lists = lists;
    o.max_results = max_results;
    std::vector<screening::Match> ms;
    {
      py::gil_scoped_release unlocked;
      ms = index_->Screen(name, o);
    }
    py::list out;
    for (const auto& m : ms) {
      py::dict d;
      d["list"] = m.list;
      d["entity"] = m.entity;
      d["name"] = m.name;
      d["matched_name"] = m.matched_name;
      d["matched_on"] = screening::MatchedOnName(m.matched_on);
      d["score"] = std::round(m.score * 10000.0) / 10000.0;  // as the command line prints it
      d["why"] = m.why;
      out.append(std::move(d));
    }
    return out;
  }

  size_t EntityCount() const { return index_->entity_count(); }

 private:
  std::unique_ptr<const screening::ScreeningIndex> index_;
};

// ---- simulation ----------------------------------------------------------------------------------

// The inverse of whatif::ToJson: the tallies of a result, to ship a partition's result between
// processes (pickle) and to merge results given as dicts.
whatif::Tally TallyFromJson(const json& j) { return whatif::Tally{j.at("count").get<double>(), j.at("value").get<double>()}; }

whatif::SimulationResult ResultFromJson(const json& j) {
  whatif::SimulationResult r;
  r.flows = j.at("flows").get<size_t>();
  r.total = TallyFromJson(j.at("total"));
  for (const json& rj : j.at("runs")) {
    whatif::RunSummary run;
    run.id = rj.at("id").get<std::string>();
    run.title = rj.value("title", "");
    run.rationale = rj.value("rationale", "");
    for (const auto& [reg, t] : rj.at("caught_by_regime").items()) run.caught_by_regime[reg] = TallyFromJson(t);
    for (const json& l : rj.at("leaks")) run.leaks_by_route[l.at("route").get<std::string>()] = TallyFromJson(l);
    run.caught = TallyFromJson(rj.at("caught"));
    run.held = TallyFromJson(rj.at("held"));
    run.concern = TallyFromJson(rj.at("concern"));
    run.concern_caught = TallyFromJson(rj.at("concern_caught"));
    run.changed = TallyFromJson(rj.at("changed_from_baseline"));
    run.newly_caught = TallyFromJson(rj.at("newly_caught"));
    r.runs.push_back(std::move(run));
  }
  return r;
}

class PyResult {
 public:
  PyResult() = default;
  explicit PyResult(whatif::SimulationResult r) : r_(std::move(r)) {}

  static PyResult FromJson(const std::string& text) {
    json j = Take(ParseJsonText(text, "simulation result"));
    try {
      return PyResult(ResultFromJson(j));
    } catch (const json::exception& e) {
      throw py::value_error(std::string("simulation result: not the JSON of a simulation: ") + e.what());
    }
  }

  // whatif::Merge: adds the tallies of `part` (same scenarios, other flows) into this result.
  void Merge(const PyResult& part) {
    if (!r_.runs.empty() && !part.r_.runs.empty()) {
      if (r_.runs.size() != part.r_.runs.size()) throw py::value_error("merge: the results ran different scenarios");
      for (size_t k = 0; k < r_.runs.size(); ++k) {
        if (r_.runs[k].id != part.r_.runs[k].id) {
          throw py::value_error("merge: run " + std::to_string(k) + " is " + r_.runs[k].id + " here, " +
                                part.r_.runs[k].id + " in the part");
        }
      }
    }
    whatif::Merge(part.r_, &r_);
  }

  std::string ToJson(int indent) const { return whatif::ToJson(r_).dump(indent); }
  std::string Html() const { return whatif::RenderHtml(r_); }
  size_t flows() const { return r_.flows; }

 private:
  whatif::SimulationResult r_;
};

// The baseline engine and one overlay engine per scenario, opened once and shared by every
// partition a process simulates.
class PySimulator {
 public:
  PySimulator(const std::vector<std::string>& scenario_paths, const std::string& home) {
    py::gil_scoped_release unlocked;
    EngineOptions base;
    base.home = home.empty() ? FindHome(nullptr) : home;
    base.trace = false;
    engines_.push_back(Take(Engine::Open(base)));
    for (const auto& path : scenario_paths) {
      whatif::Scenario s = Take(whatif::LoadScenarios(path));
      EngineOptions o = base;
      o.extra_rules = s.rule_files;
      o.retire = s.retire;
      auto e = Engine::Open(o);
      if (!e.ok()) Raise(InvalidArgument(path + ": " + e.status().message()));
      engines_.push_back(std::move(*e));
      scenarios_.push_back(std::move(s));
    }
  }

  // Simulates the flows given as JSON text, one flow object each (a line of the flow format);
  // `source` names them in errors ("source[i]: transaction: ...").
  PyResult Simulate(const std::vector<std::string>& lines, const std::string& source) const {
    py::gil_scoped_release unlocked;
    std::vector<whatif::Flow> flows;
    flows.reserve(lines.size());
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string where = source + "[" + std::to_string(i) + "]";
      json j = Take(ParseJsonText(lines[i], where));
      flows.push_back(Take(whatif::ParseFlow(j, *engines_[0], where)));
    }
    std::vector<const Engine*> engines;
    for (const auto& e : engines_) engines.push_back(e.get());
    return PyResult(whatif::Simulate(flows, engines, scenarios_));
  }

  std::vector<std::string> ScenarioIds() const {
    std::vector<std::string> ids{"baseline"};
    for (const auto& s : scenarios_) ids.push_back(s.id);
    return ids;
  }

 private:
  std::vector<std::unique_ptr<Engine>> engines_;
  std::vector<whatif::Scenario> scenarios_;
};

std::string GenerateFlowsText(const std::string& profile, size_t count, uint64_t seed) {
  std::ostringstream out;
  {
    py::gil_scoped_release unlocked;
    if (Status s = whatif::GenerateFlows(profile, count, seed, out); !s.ok()) Raise(s);
  }
  return out.str();
}

}  // namespace
}  // namespace cordon::python

PYBIND11_MODULE(_cordon, m) {
  using namespace cordon::python;
  m.doc() = "cordon's C++ engine; use the cordon package (python/cordon/__init__.py), not this module";
  m.def("find_home", [] { return cordon::FindHome(nullptr); },
        "The cordon home (rules/, refdata/) the engine uses when none is given: $CORDON_HOME, else the "
        "source tree the module was built from.");

  py::class_<PyEngine>(m, "Engine")
      .def(py::init<const std::string&, const std::vector<std::string>&, const std::vector<std::string>&, double, bool>(),
           py::arg("home") = "", py::arg("rules") = std::vector<std::string>{},
           py::arg("lists") = std::vector<std::string>{}, py::arg("threshold") = 0.90, py::arg("trace") = true)
      .def("check", &PyEngine::Check, py::arg("transaction"), py::arg("context") = std::nullopt,
           py::arg("date") = std::nullopt)
      .def("trace", &PyEngine::Trace, py::arg("product"), py::arg("to"), py::arg("context") = std::nullopt,
           py::arg("parts") = std::nullopt, py::arg("bom") = std::nullopt,
           py::arg("parties") = std::vector<std::string>{}, py::arg("date") = std::nullopt)
      .def_property_readonly("version", &PyEngine::Version)
      .def_property_readonly("home", &PyEngine::Home);

  py::class_<PyScreener>(m, "Screener")
      .def(py::init<const std::vector<std::string>&>(), py::arg("lists"))
      .def("screen", &PyScreener::Screen, py::arg("name"), py::arg("country") = "", py::arg("threshold") = 0.90,
           py::arg("scorer") = "jw", py::arg("lists") = std::vector<std::string>{}, py::arg("max_results") = 0)
      .def_property_readonly("entity_count", &PyScreener::EntityCount);

  py::class_<PyResult>(m, "SimulationResult")
      .def(py::init<>())
      .def_static("from_json", &PyResult::FromJson, py::arg("text"))
      .def("merge", &PyResult::Merge, py::arg("part"))
      .def("to_json", &PyResult::ToJson, py::arg("indent") = -1)
      .def("html", &PyResult::Html)
      .def_property_readonly("flows", &PyResult::flows)
      .def(py::pickle([](const PyResult& r) { return r.ToJson(-1); },
                      [](const std::string& s) { return PyResult::FromJson(s); }));

  py::class_<PySimulator>(m, "Simulator")
      .def(py::init<const std::vector<std::string>&, const std::string&>(), py::arg("scenarios"), py::arg("home") = "")
      .def("simulate", &PySimulator::Simulate, py::arg("lines"), py::arg("source") = "flows")
      .def_property_readonly("runs", &PySimulator::ScenarioIds);

  m.def("generate_flows", &GenerateFlowsText, py::arg("profile"), py::arg("count"), py::arg("seed"),
        "`cordon flows generate`: COUNT seeded synthetic flows from a profile, as JSON Lines text.");
}
