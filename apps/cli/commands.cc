#include "apps/cli/commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cordon/cases/case_runner.h"
#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"

namespace cordon::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

Result<std::unique_ptr<Engine>> OpenEngine(const Globals& g, const std::vector<std::string>& extra = {},
                                           bool trace = true, const std::vector<std::string>& list_paths = {},
                                           double threshold = 0.90, const std::string& good_guys = "") {
  EngineOptions o;
  o.home = g.home.empty() ? FindHome(g.argv0) : g.home;
  o.extra_rules = extra;
  o.trace = trace;
  o.lists = list_paths;
  o.threshold = threshold;
  o.good_guys = good_guys;
  return Engine::Open(o);
}

Result<std::string> ReadAll(const std::string& path) {
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Status Version(const Globals& g) {
  ASSIGN_OR_RETURN(auto engine, OpenEngine(g));
  std::cout << engine->Version() << "\n";
  return Status::Ok();
}

Status Check(const Globals& g, const CheckArgs& a, int* exit_code) {
  if (a.threshold <= 0 || a.threshold > 1) return InvalidArgument("--threshold: must be in (0, 1]");
  ASSIGN_OR_RETURN(auto engine, OpenEngine(g, a.extra_rules, !a.no_trace, a.lists, a.threshold, a.good_guys));
  for (const auto& n : engine->list_notes()) std::cerr << "lists: " << n << "\n";
  std::optional<Date> date;
  if (!a.date.empty()) {
    auto d = Date::Parse(a.date);
    if (!d.ok()) return d.status().WithPrefix("--date");
    date = *d;
  }
  Context base;
  if (!a.context.empty()) {
    ASSIGN_OR_RETURN(json cj, ReadJsonFile(a.context));
    ASSIGN_OR_RETURN(base, engine->ParseContext(cj, a.context));
  }
  ASSIGN_OR_RETURN(std::string text, ReadAll(a.file));
  std::vector<std::pair<json, std::string>> docs;  // transaction json, where
  if (a.jsonl) {
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ASSIGN_OR_RETURN(json j, ParseJsonText(line, a.file + ":" + std::to_string(n)));
      docs.push_back({j, a.file + ":" + std::to_string(n)});
    }
  } else {
    ASSIGN_OR_RETURN(json j, ParseJsonText(text, a.file));
    if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) docs.push_back({j[i], a.file + ": [" + std::to_string(i) + "]"});
    } else {
      docs.push_back({j, a.file});
    }
  }
  // Validate every transaction before answering any: bad input answers nothing.
  std::vector<Transaction> txs;
  for (auto& [j, where] : docs) {
    // A case file may be checked directly: take its transaction and context.
    if (j.is_object() && j.contains("transaction") && j.contains("expect")) {
      if (j.contains("context") && !j["context"].empty() && a.context.empty()) {
        ASSIGN_OR_RETURN(base, engine->ParseContext(j["context"], where + ": context"));
      }
      ASSIGN_OR_RETURN(Transaction t, engine->ParseTransaction(j["transaction"], where + ": transaction"));
      txs.push_back(std::move(t));
      continue;
    }
    ASSIGN_OR_RETURN(Transaction t, engine->ParseTransaction(j, where));
    txs.push_back(std::move(t));
  }
  for (const auto& t : txs) RETURN_IF_ERROR(engine->CheckProducts(t, base));
  bool any_hold = false;
  json all = json::array();
  bool tty = isatty(STDERR_FILENO) && txs.size() > 100;
  for (size_t i = 0; i < txs.size(); ++i) {
    auto d = engine->Determine(std::move(txs[i]), base, date);
    any_hold = any_hold || d->det.hold;
    if (a.format == "json") {
      json out = engine->RenderJson(*d);
      if (a.no_trace) out.erase("trace");
      if (a.jsonl) std::cout << out.dump() << "\n";
      else all.push_back(out);
    } else {
      if (i) std::cout << "\n----------------------------------------\n\n";
      std::cout << engine->RenderText(*d);
    }
    if (tty && (i % 1000 == 0 || i + 1 == txs.size())) {
      std::cerr << "\rchecked " << i + 1 << " / " << txs.size() << std::flush;
    }
  }
  if (tty) std::cerr << "\n";
  if (a.format == "json" && !a.jsonl) std::cout << (all.size() == 1 ? all[0] : all).dump(2) << "\n";
  *exit_code = a.strict && any_hold ? 3 : 0;
  return Status::Ok();
}

Status Cases(const Globals& g, const std::vector<std::string>& paths, bool verbose, int* exit_code) {
  ASSIGN_OR_RETURN(auto engine, OpenEngine(g));
  ASSIGN_OR_RETURN(std::vector<std::string> files, FindCaseFiles(paths));
  int passed = 0, failed = 0;
  for (const auto& f : files) {
    auto r = RunCase(*engine, f);
    if (!r.ok()) {
      ++failed;
      std::cout << "FAIL " << f << "\n  " << r.status().message() << "\n";
      continue;
    }
    if (r->passed) {
      ++passed;
      if (verbose) std::cout << "ok   " << f << "  " << r->name << "\n";
    } else {
      ++failed;
      std::cout << "FAIL " << f << "  " << r->name << "\n";
      for (const auto& m : r->failures) std::cout << "  " << m << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  *exit_code = failed ? 1 : 0;
  return Status::Ok();
}

Status Rules(const Globals& g, const RulesArgs& a);

}  // namespace cordon::cli
