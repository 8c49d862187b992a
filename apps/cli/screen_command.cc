// cordon screen and cordon lists diff: restricted-party screening from the
// command line (contract §5; docs/screening.md).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "apps/cli/screen_util.h"
#include "cordon/engine/engine.h"
#include "cordon/lists/loader.h"
#include "cordon/screening/good_guys.h"
#include "cordon/screening/screening.h"
#include "cordon/screening/screening_json.h"

namespace cordon::cli {

using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

std::string HomeOf(const Globals& g) { return g.home.empty() ? FindHome(g.argv0) : g.home; }

Result<double> ParseThreshold(const std::string& text) {
  char* end = nullptr;
  double t = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(t) || t < 0.0 || t > 1.0)
    return InvalidArgument("--threshold: '" + text + "' is not a number between 0 and 1");
  return t;
}

Result<screening::ScorerKind> ParseScorerFlag(const std::string& text) {
  auto k = screening::ParseScorer(text);
  if (!k.ok()) return InvalidArgument("--scorer: '" + text + "' is not one of jw, levenshtein, token-set");
  return *k;
}

Result<std::vector<lists::ListEntity>> LoadScreeningLists(const Globals& g, const std::vector<std::string>& paths) {
  std::vector<std::string> use = paths;
  if (use.empty()) {
    const std::string csl = HomeOf(g) + "/../shared/data/peer-mcp/expanded/consolidated.csv";
    std::error_code ec;
    if (!fs::exists(csl, ec))
      return InvalidArgument("no list to screen against: pass --lists PATH (the full CSL is looked for at " + csl +
                             ", not found)");
    use.push_back(csl);
  }
  std::vector<lists::ListEntity> all;
  for (const auto& p : use) {
    std::error_code ec;
    if (!fs::exists(p, ec)) return InvalidArgument(p + ": list file not found");
    auto loaded = lists::LoadListPath(p);
    if (!loaded.ok()) return InvalidArgument(loaded.status().message());
    if (loaded->empty()) return InvalidArgument(p + ": no list file of a known format");
    for (auto& l : *loaded)
      for (auto& e : l.snapshot.entities) all.push_back(std::move(e));
  }
  return all;
}

namespace {

void PrintText(const std::string& query, const std::string& country, const screening::ScreeningOptions& o,
               const std::vector<screening::Match>& ms, const std::vector<screening::MatchReview>& reviews, std::ostream& out) {
  out << query << (country.empty() ? "" : " [" + country + "]") << ": " << ms.size()
      << (ms.size() == 1 ? " match" : " matches") << " at " << screening::ScorerName(o.scorer) << " >= "
      << o.threshold << "\n";
  for (const auto& m : ms) {
    char score[16];
    std::snprintf(score, sizeof score, "%.3f", m.score);
    out << "  " << score << "  " << m.list << " " << m.entity << "  " << m.name;
    if (m.matched_name != m.name) out << "  (" << screening::MatchedOnName(m.matched_on) << ": " << m.matched_name << ")";
    out << "\n         why: " << m.why << "\n";
    const screening::MatchReview& r = reviews[static_cast<size_t>(&m - ms.data())];
    if (!r.status.empty()) out << "         " << r.note << "\n";
  }
}

struct BatchQuery {
  std::string name;
  std::string country;
  std::string where;
};

Result<std::vector<BatchQuery>> ReadBatch(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open batch file");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<BatchQuery> out;
  const size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string::npos && text[first] == '{') {  // JSON Lines
    std::istringstream lines(text);
    std::string line;
    for (int n = 1; std::getline(lines, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string where = path + ":" + std::to_string(n);
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return InvalidArgument(where + ": not a JSON object");
      if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
        return InvalidArgument(where + ": name: required string is missing");
      BatchQuery q{j["name"].get<std::string>(), "", where};
      if (j.contains("country") && !j["country"].is_null()) {
        if (!j["country"].is_string()) return InvalidArgument(where + ": country: expected a string");
        q.country = j["country"].get<std::string>();
      }
      out.push_back(std::move(q));
    }
    return out;
  }
  auto rows = ParseCsvText(text);
  if (rows.empty()) return InvalidArgument(path + ": empty batch file");
  int name_col = -1, country_col = -1;
  for (size_t c = 0; c < rows[0].size(); ++c) {
    std::string h = rows[0][c];
    for (char& ch : h) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (h == "name") name_col = static_cast<int>(c);
    if (h == "country") country_col = static_cast<int>(c);
  }
  if (name_col < 0) return InvalidArgument(path + ":1: the header has no 'name' column");
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() == 1 && row[0].empty()) continue;
    BatchQuery q;
    q.where = path + ":" + std::to_string(r + 1);
    if (static_cast<size_t>(name_col) >= row.size() || row[name_col].empty())
      return InvalidArgument(q.where + ": name is empty");
    q.name = row[name_col];
    if (country_col >= 0 && static_cast<size_t>(country_col) < row.size()) q.country = row[country_col];
    out.push_back(std::move(q));
  }
  return out;
}

Status CheckCountry(const std::string& cc, const std::string& where) {
  if (cc.empty()) return Status::Ok();
  if (cc.size() != 2 || !std::isupper(static_cast<unsigned char>(cc[0])) ||
      !std::isupper(static_cast<unsigned char>(cc[1])))
    return InvalidArgument(where + "country: '" + cc + "' is not an ISO 3166-1 alpha-2 code");
  return Status::Ok();
}

}  // namespace

Status Screen(const Globals& g, const ScreenArgs& a) {
  ASSIGN_OR_RETURN(double threshold, ParseThreshold(a.threshold));
  ASSIGN_OR_RETURN(screening::ScorerKind scorer, ParseScorerFlag(a.scorer));
  if (a.evaluate) return EvaluateScreening(g, threshold, a.scorer, a.format);
  if (a.name.empty() == a.batch.empty())
    return InvalidArgument(a.batch.empty() ? "screen: give a NAME, --batch FILE or --evaluate"
                                           : "screen: give either a NAME or --batch FILE, not both");
  RETURN_IF_ERROR(CheckCountry(a.country, "--"));
  std::vector<BatchQuery> queries;
  if (!a.batch.empty()) {
    ASSIGN_OR_RETURN(queries, ReadBatch(a.batch));
    for (const auto& q : queries) RETURN_IF_ERROR(CheckCountry(q.country, q.where + ": "));
  } else {
    queries.push_back({a.name, a.country, "NAME"});
  }
  if (!a.accept.empty() && !a.batch.empty()) return InvalidArgument("--accept: give one NAME, not --batch");
  std::unique_ptr<const screening::GoodGuyList> good_guys;
  if (!a.good_guys.empty()) {
    auto gg = screening::GoodGuyList::Load(a.good_guys);
    if (!gg.ok()) return gg.status().WithPrefix("--good-guys");
    good_guys = std::make_unique<const screening::GoodGuyList>(std::move(*gg));
  }
  ASSIGN_OR_RETURN(std::vector<lists::ListEntity> entities, LoadScreeningLists(g, a.lists));
  ASSIGN_OR_RETURN(auto index, screening::ScreeningIndex::Build(std::move(entities)));
  if (!a.accept.empty()) {
    screening::ScreeningOptions o{.threshold = threshold, .scorer = scorer};
    o.country = a.country;
    for (const auto& m : index->Screen(a.name, o)) {
      if (m.entity != a.accept) continue;
      std::cout << screening::GoodGuyList::Record(a.name, index->entity(m.entity_index), a.reviewer,
                                                  Date::Today().ToString(), a.reason)
                << "\n";
      return Status::Ok();
    }
    return InvalidArgument("--accept: '" + a.accept + "' is not among the matches of '" + a.name + "'");
  }
  const bool batch = !a.batch.empty();
  const bool tty = batch && isatty(STDERR_FILENO);
  for (size_t i = 0; i < queries.size(); ++i) {
    const auto& q = queries[i];
    screening::ScreeningOptions o{.threshold = threshold, .scorer = scorer};
    o.country = q.country.empty() ? a.country : q.country;
    auto ms = index->Screen(q.name, o);
    std::vector<screening::MatchReview> reviews;
    for (const auto& m : ms) reviews.push_back(screening::ReviewOf(good_guys.get(), *index, q.name, m));
    if (a.format == "json") {
      json j = screening::ScreenResultJson(q.name, threshold, ms, reviews);
      if (batch) {
        if (!o.country.empty()) j["country"] = o.country;
        std::cout << j.dump() << "\n";
      } else {
        std::cout << j.dump(2) << "\n";
      }
    } else {
      PrintText(q.name, o.country, o, ms, reviews, std::cout);
    }
    if (tty && (i % 50 == 0 || i + 1 == queries.size())) {
      const int width = 40;
      const int done = static_cast<int>((i + 1) * width / queries.size());
      std::cerr << "\r[" << std::string(done, '#') << std::string(width - done, ' ') << "] " << i + 1 << " / "
                << queries.size() << std::flush;
    }
  }
  if (tty) std::cerr << "\n";
  return Status::Ok();
}

Status ListsDiff(const Globals&, const ListsDiffArgs& a) {
  auto load = [](const std::string& p) -> Result<lists::ListSnapshot> {
    std::error_code ec;
    if (!fs::exists(p, ec)) return InvalidArgument(p + ": list file not found");
    auto l = lists::LoadListFile(p);
    if (!l.ok()) return InvalidArgument(l.status().message());
    return std::move(l->snapshot);
  };
  ASSIGN_OR_RETURN(lists::ListSnapshot before, load(a.old_path));
  ASSIGN_OR_RETURN(lists::ListSnapshot after, load(a.new_path));
  lists::SnapshotDiff d = lists::DiffSnapshots(before, after);
  auto date = [](const lists::ListSnapshot& s) { return s.date ? s.date->ToString() : std::string("undated"); };
  if (a.format == "json") {
    auto brief = [](const lists::ListEntity& e) {
      return json{{"list", e.list}, {"entity", e.source_id}, {"name", e.name}};
    };
    json out{{"old", {{"path", a.old_path}, {"date", before.date ? json(date(before)) : json(nullptr)},
                      {"entities", before.entities.size()}}},
             {"new", {{"path", a.new_path}, {"date", after.date ? json(date(after)) : json(nullptr)},
                      {"entities", after.entities.size()}}},
             {"added", json::array()},
             {"removed", json::array()},
             {"changed", json::array()}};
    for (const auto& e : d.added) out["added"].push_back(brief(e));
    for (const auto& e : d.removed) out["removed"].push_back(brief(e));
    for (const auto& c : d.changed) {
      json j = brief(c.after);
      j["fields"] = c.fields;
      out["changed"].push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  std::cout << a.old_path << " (" << date(before) << ", " << before.entities.size() << " entries) -> " << a.new_path
            << " (" << date(after) << ", " << after.entities.size() << " entries)\n";
  std::cout << d.added.size() << " added, " << d.removed.size() << " removed, " << d.changed.size() << " changed\n";
  for (const auto& e : d.added) std::cout << "+ " << e.list << " " << e.source_id << "  " << e.name << "\n";
  for (const auto& e : d.removed) std::cout << "- " << e.list << " " << e.source_id << "  " << e.name << "\n";
  for (const auto& c : d.changed) {
    std::cout << "~ " << c.after.list << " " << c.after.source_id << "  " << c.after.name << "  (";
    for (size_t i = 0; i < c.fields.size(); ++i) std::cout << (i ? ", " : "") << c.fields[i];
    std::cout << ")\n";
  }
  return Status::Ok();
}

}  // namespace cordon::cli
