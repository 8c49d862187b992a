// cordon screen --evaluate: recall and precision of name screening on the
// labelled sets under ../shared/data/lists (docs/screening.md § Evaluation).
// Every set becomes labelled (query names, list entry) pairs; a pair is
// predicted positive when screening any of its query names returns its entry.
// The OpenSanctions sample is read in place for evaluation only.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/screen_util.h"
#include "cordon/screening/screening.h"

namespace cordon::cli {

using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

std::vector<std::vector<std::string>> ParseCsvText(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

struct LabelledPair {
  std::vector<std::string> query;  // names of the screened party
  uint32_t entity;                 // index into the set's entities
  bool positive;
};

struct EvalSet {
  std::string name;
  std::string note;
  std::vector<lists::ListEntity> entities;
  std::vector<LabelledPair> pairs;
  size_t excluded = 0;  // pairs without a name on one side
};

Result<std::string> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open (evaluation data)");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

lists::ListEntity Entry(const std::string& id, std::vector<std::string> names, lists::EntityType type) {
  lists::ListEntity e;
  e.list = "EVAL";
  e.source_id = id;
  if (!names.empty()) e.name = names[0];
  for (size_t i = 1; i < names.size(); ++i)
    if (names[i] != e.name) e.aliases.push_back(names[i]);
  e.type = type;
  return e;
}

Result<EvalSet> CrossScript(const std::string& root) {
  EvalSet s{.name = "watchman cross-script pairs", .note = "22 positive pairs; each query against the 22 expected names"};
  ASSIGN_OR_RETURN(std::string text,
                   Slurp(root + "/moov-io-watchman/internal/embeddings/testdata/cross_script_pairs.csv"));
  std::map<std::string, uint32_t> by_name;
  for (const auto& row : ParseCsvText(text)) {
    if (row.size() < 2 || row[0].empty() || row[0][0] == '#') continue;
    auto [it, inserted] = by_name.emplace(row[1], static_cast<uint32_t>(s.entities.size()));
    if (inserted) s.entities.push_back(Entry(row[1], {row[1]}, lists::EntityType::kIndividual));
    s.pairs.push_back({{row[0]}, it->second, true});
  }
  // Every query against every other expected name is a negative pair.
  const size_t positives = s.pairs.size();
  for (size_t p = 0; p < positives; ++p)
    for (uint32_t e = 0; e < s.entities.size(); ++e)
      if (e != s.pairs[p].entity) s.pairs.push_back({s.pairs[p].query, e, false});
  return s;
}

Result<EvalSet> OfacFixtures(const std::string& root, double threshold) {
  EvalSet s{.name = "nomenklatura OFAC fixtures",
            .note = "label: OFAC Sanctions List Search score >= 100 x threshold (-1 = not returned)"};
  ASSIGN_OR_RETURN(std::string text,
                   Slurp(root + "/opensanctions-nomenklatura/tests/matching/name_based/ofac_fixtures.csv"));
  std::map<std::string, uint32_t> by_name;
  auto rows = ParseCsvText(text);
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() < 3) continue;
    auto [it, inserted] = by_name.emplace(row[1], static_cast<uint32_t>(s.entities.size()));
    // OFAC writes individuals "LAST, First"; the index adds "First LAST".
    const bool person = row[1].find(',') != std::string::npos;
    if (inserted)
      s.entities.push_back(Entry(row[1], {row[1]}, person ? lists::EntityType::kIndividual : lists::EntityType::kEntity));
    const double ofac = std::atof(row[2].c_str());
    s.pairs.push_back({{row[0]}, it->second, ofac >= 100.0 * threshold - 1e-9});
  }
  return s;
}

Result<EvalSet> Senzing(const std::string& root) {
  EvalSet s{.name = "Senzing truth set",
            .note = "customers and reference records x 17 watchlist records; label: same truth cluster"};
  const std::string dir = root + "/Senzing-truth-sets/truthsets/demo/";
  ASSIGN_OR_RETURN(std::string key_text, Slurp(dir + "actual_truthset_key.csv"));
  std::map<std::pair<std::string, std::string>, std::string> cluster;  // (source, record) -> cluster
  auto keys = ParseCsvText(key_text);
  for (size_t r = 1; r < keys.size(); ++r)
    if (keys[r].size() >= 4) cluster[{keys[r][2], keys[r][3]}] = keys[r][1];
  struct Rec {
    std::string source, id;
    std::vector<std::string> names;
    bool person;
  };
  auto read = [&](const std::string& file) -> Result<std::vector<Rec>> {
    ASSIGN_OR_RETURN(std::string text, Slurp(dir + file));
    auto rows = ParseCsvText(text);
    std::map<std::string, size_t> col;
    for (size_t c = 0; c < rows[0].size(); ++c) col[rows[0][c]] = c;
    auto get = [&](const std::vector<std::string>& row, const char* name) {
      auto it = col.find(name);
      return it == col.end() || it->second >= row.size() ? std::string() : row[it->second];
    };
    std::vector<Rec> out;
    for (size_t r = 1; r < rows.size(); ++r) {
      const auto& row = rows[r];
      Rec rec{get(row, "DATA_SOURCE"), get(row, "RECORD_ID"), {}, get(row, "RECORD_TYPE") != "ORGANIZATION"};
      for (const char* f : {"PRIMARY_NAME_FULL", "PRIMARY_NAME_ORG", "NATIVE_NAME_FULL", "SECONDARY_NAME_ORG"})
        if (!get(row, f).empty()) rec.names.push_back(get(row, f));
      std::string parts;
      for (const char* f : {"PRIMARY_NAME_FIRST", "PRIMARY_NAME_MIDDLE", "PRIMARY_NAME_LAST"})
        if (!get(row, f).empty()) parts += (parts.empty() ? "" : " ") + get(row, f);
      if (!parts.empty()) rec.names.push_back(parts);
      out.push_back(std::move(rec));
    }
    return out;
  };
  ASSIGN_OR_RETURN(std::vector<Rec> watch, read("watchlist.csv"));
  ASSIGN_OR_RETURN(std::vector<Rec> customers, read("customers.csv"));
  ASSIGN_OR_RETURN(std::vector<Rec> reference, read("reference.csv"));
  for (auto& r : reference) customers.push_back(std::move(r));
  for (const auto& w : watch)
    s.entities.push_back(Entry(w.id, w.names, w.person ? lists::EntityType::kIndividual : lists::EntityType::kEntity));
  for (const auto& c : customers) {
    auto ci = cluster.find({c.source, c.id});
    for (uint32_t e = 0; e < watch.size(); ++e) {
      if (c.names.empty() || watch[e].names.empty()) {
        ++s.excluded;
        continue;
      }
      auto wi = cluster.find({watch[e].source, watch[e].id});
      const bool same = ci != cluster.end() && wi != cluster.end() && ci->second == wi->second;
      s.pairs.push_back({c.names, e, same});
    }
  }
  return s;
}

Result<EvalSet> OpenSanctions(const std::string& root) {
  EvalSet s{.name = "OpenSanctions pairs sample",
            .note = "1,000 labelled pairs (CC BY-NC, evaluation only); pairs whose entities carry no name excluded"};
  ASSIGN_OR_RETURN(std::string text,
                   Slurp(root + "/chansmi-OSINT_entity_resolution/data/samples/sample_1000_shuffled.json"));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return InvalidArgument("OpenSanctions sample: not a JSON array");
  auto names = [](const json& e) {
    std::vector<std::string> out;
    if (!e.contains("properties")) return out;
    for (const char* p : {"name", "alias"})
      if (e["properties"].contains(p))
        for (const auto& v : e["properties"][p])
          if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  };
  for (const auto& p : j) {
    auto left = names(p["left"]), right = names(p["right"]);
    if (left.empty() || right.empty()) {
      ++s.excluded;
      continue;
    }
    const bool person = p["right"].value("schema", "") == "Person";
    s.entities.push_back(Entry(p["right"].value("id", ""), right,
                               person ? lists::EntityType::kIndividual : lists::EntityType::kEntity));
    s.pairs.push_back({left, static_cast<uint32_t>(s.entities.size() - 1), p.value("judgement", "") == "positive"});
  }
  return s;
}

}  // namespace

Status EvaluateScreening(const Globals& g, double threshold, const std::string& scorer_flag,
                         const std::string& format) {
  ASSIGN_OR_RETURN(screening::ScorerKind scorer, ParseScorerFlag(scorer_flag));
  const std::string root = HomeOf(g) + "/../shared/data/lists";
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return InvalidArgument("--evaluate: the labelled sets are not there (looked for " + root + ")");
  std::vector<EvalSet> sets;
  ASSIGN_OR_RETURN(EvalSet cs, CrossScript(root));
  sets.push_back(std::move(cs));
  ASSIGN_OR_RETURN(EvalSet of, OfacFixtures(root, threshold));
  sets.push_back(std::move(of));
  ASSIGN_OR_RETURN(EvalSet sz, Senzing(root));
  sets.push_back(std::move(sz));
  ASSIGN_OR_RETURN(EvalSet os, OpenSanctions(root));
  sets.push_back(std::move(os));

  json out{{"threshold", threshold}, {"scorer", screening::ScorerName(scorer)}, {"sets", json::array()}};
  if (format != "json") {
    std::printf("threshold %.2f, %s\n%-30s %7s %6s %6s %6s %8s %9s\n", threshold, screening::ScorerName(scorer),
                "set", "pairs", "TP", "FP", "FN", "recall", "precision");
  }
  for (auto& s : sets) {
    const auto pairs = std::move(s.pairs);
    ASSIGN_OR_RETURN(auto index, screening::ScreeningIndex::Build(std::move(s.entities)));
    const screening::ScreeningOptions o{.threshold = threshold, .scorer = scorer};
    // Screen each distinct query once; the entries it finds.
    std::map<std::vector<std::string>, std::set<uint32_t>> found;
    size_t tp = 0, fp = 0, fn = 0, tn = 0;
    std::vector<std::string> missed;
    for (const auto& p : pairs) {
      auto it = found.find(p.query);
      if (it == found.end()) {
        std::set<uint32_t> hits;
        for (const auto& q : p.query)
          for (const auto& m : index->Screen(q, o)) hits.insert(m.entity_index);
        it = found.emplace(p.query, std::move(hits)).first;
      }
      const bool predicted = it->second.count(p.entity) > 0;
      if (predicted && p.positive) ++tp;
      else if (predicted) ++fp;
      else if (p.positive) {
        ++fn;
        if (missed.size() < 50) missed.push_back(p.query[0] + " -> " + index->entity(p.entity).name);
      } else {
        ++tn;
      }
    }
    const double recall = tp + fn ? static_cast<double>(tp) / (tp + fn) : 1.0;
    const double precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 1.0;
    if (format == "json") {
      out["sets"].push_back({{"set", s.name}, {"note", s.note}, {"pairs", pairs.size()}, {"excluded", s.excluded},
                             {"true_positives", tp}, {"false_positives", fp}, {"false_negatives", fn},
                             {"true_negatives", tn}, {"recall", recall}, {"precision", precision},
                             {"missed", missed}});
    } else {
      std::printf("%-30s %7zu %6zu %6zu %6zu %8.3f %9.3f\n", s.name.c_str(), pairs.size(), tp, fp, fn, recall,
                  precision);
    }
  }
  if (format == "json") std::cout << out.dump(2) << "\n";
  return Status::Ok();
}

}  // namespace cordon::cli
