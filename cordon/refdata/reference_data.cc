#include "cordon/refdata/reference_data.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cordon/base/sha256.h"

namespace cordon {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<DateInterval> ReadInterval(const json& j, const std::string& where) {
  DateInterval w;
  if (j.contains("from") && !j["from"].is_null()) {
    if (!j["from"].is_string()) return InvalidArgument(where + ".from: expected a date string");
    auto d = Date::Parse(j["from"].get<std::string>());
    if (!d.ok()) return d.status().WithPrefix(where + ".from");
    w.from = *d;
  }
  if (j.contains("until") && !j["until"].is_null()) {
    if (!j["until"].is_string()) return InvalidArgument(where + ".until: expected a date string");
    auto d = Date::Parse(j["until"].get<std::string>());
    if (!d.ok()) return d.status().WithPrefix(where + ".until");
    w.until = *d;
  }
  if (w.until <= w.from) return InvalidArgument(where + ": 'until' must be after 'from'");
  return w;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

bool EccnUnder(std::string_view eccn, std::string_view prefix) {
  if (!prefix.empty() && prefix.back() == '*') {
    prefix.remove_suffix(1);
    return eccn.substr(0, prefix.size()) == prefix;
  }
  if (eccn.size() < prefix.size() || eccn.substr(0, prefix.size()) != prefix) return false;
  return eccn.size() == prefix.size() || eccn[prefix.size()] == '.';
}

bool EccnCoarser(std::string_view eccn, std::string_view prefix) {
  if (!prefix.empty() && prefix.back() == '*') return false;
  return prefix.size() > eccn.size() && EccnUnder(prefix, eccn);
}

Result<std::shared_ptr<const ReferenceData>> ReferenceData::Load(const std::string& dir) {
  auto rd = std::make_shared<ReferenceData>();
  if (!fs::is_directory(dir)) return InvalidArgument(dir + ": reference data folder not found");
  RETURN_IF_ERROR(rd->LoadCountries(dir + "/countries.json"));
  RETURN_IF_ERROR(rd->LoadRegimes(dir + "/regimes.json"));
  // Every regime's groups: refdata/<regime>/country_groups.json and refdata/<regime>/sets.json
  std::vector<fs::path> files;
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::string name = p.filename().string();
    if (name == "country_groups.json" || name == "sets.json") RETURN_IF_ERROR(rd->LoadGroups(p.string()));
  }
  for (const auto& p : files) {
    std::string name = p.filename().string();
    if (name == "country_chart.json") RETURN_IF_ERROR(rd->LoadChart(p.string()));
  }
  for (const auto& p : files) {
    if (p.filename() == "ccl.json") RETURN_IF_ERROR(rd->LoadCcl(p.string()));
  }
  for (const auto& p : files) {
    if (p.filename() == "ccl_history.json") RETURN_IF_ERROR(rd->LoadCclHistory(p.string()));
  }
  for (const auto& p : files) {
    if (p.filename() == "list_entries.json") RETURN_IF_ERROR(rd->LoadListEntries(p.string()));
  }
  rd->IndexCcl();
  Sha256 h;
  for (const auto& p : files) {
    auto text = ReadText(p.string());
    if (!text.ok()) return text.status();
    h.Update(fs::relative(p, dir).string());
    h.Update(*text);
    rd->files_.push_back(fs::relative(p, dir).string());
  }
  rd->hash_ = h.HexDigest();
  return std::shared_ptr<const ReferenceData>(rd);
}

Status ReferenceData::LoadCountries(const std::string& path) {
  ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  if (!j.contains("countries") || !j["countries"].is_array()) {
    return InvalidArgument(path + ": expected an object with a 'countries' array");
  }
  for (size_t i = 0; i < j["countries"].size(); ++i) {
    const json& c = j["countries"][i];
    std::string code = Str(c, "code");
    if (code.size() != 2) return InvalidArgument(path + ": countries[" + std::to_string(i) + "].code: expected two letters");
    Symbol s = Symbol::Intern(code);
    vocab_.countries.insert(s.id());
    country_names_[s.id()] = Str(c, "name");
  }
  if (j.contains("regimes") && j["regimes"].is_array()) {
    for (auto& r : j["regimes"]) vocab_.regimes.insert(Symbol::Intern(r.get<std::string>()).id());
  }
  return Status::Ok();
}

Status ReferenceData::LoadRegimes(const std::string& path) {
  ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  if (!j.contains("regimes") || !j["regimes"].is_array()) return InvalidArgument(path + ": expected a 'regimes' array");
  for (size_t i = 0; i < j["regimes"].size(); ++i) {
    const json& r = j["regimes"][i];
    std::string code = Str(r, "code");
    if (code.empty()) return InvalidArgument(path + ": regimes[" + std::to_string(i) + "].code: required");
    Symbol s = Symbol::Intern(code);
    vocab_.regimes.insert(s.id());
    regime_order_.push_back(s);
    regime_names_[s.id()] = Str(r, "name");
  }
  return Status::Ok();
}

std::string ReferenceData::RegimeName(Symbol r) const {
  auto it = regime_names_.find(r.id());
  return it == regime_names_.end() ? std::string(r.text()) : it->second;
}

Status ReferenceData::LoadGroups(const std::string& path) {
  ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  const json* groups = nullptr;
  if (j.contains("groups")) groups = &j["groups"];
  if (j.contains("sets")) groups = &j["sets"];
  if (!groups || !groups->is_array()) return InvalidArgument(path + ": expected a 'groups' (or 'sets') array");
  for (size_t i = 0; i < groups->size(); ++i) {
    const json& g = (*groups)[i];
    std::string where = path + ": groups[" + std::to_string(i) + "]";
    NamedSet set;
    std::string id = Str(g, "id");
    if (id.empty()) return InvalidArgument(where + ".id: required");
    set.id = Symbol::Intern(id);
    set.name = Str(g, "name");
    set.cite = Str(g, "cite");
    set.note = Str(g, "note");
    set.verified = !g.contains("verified") || g["verified"].get<bool>();
    set.eccn_hierarchy = g.contains("kind") && g["kind"] == "eccn";
    if (!g.contains("members") || !g["members"].is_array()) return InvalidArgument(where + ".members: expected an array");
    for (size_t k = 0; k < g["members"].size(); ++k) {
      const json& m = g["members"][k];
      std::string mw = where + ".members[" + std::to_string(k) + "]";
      DatedMember dm;
      if (m.is_string()) {
        dm.value = Symbol::Intern(m.get<std::string>());
      } else if (m.is_object()) {
        std::string v = Str(m, "country");
        if (v.empty()) v = Str(m, "value");
        if (v.empty()) return InvalidArgument(mw + ": expected 'country' or 'value'");
        dm.value = Symbol::Intern(v);
        ASSIGN_OR_RETURN(dm.when, ReadInterval(m, mw));
      } else {
        return InvalidArgument(mw + ": expected a string or an object");
      }
      if (!set.eccn_hierarchy && dm.value.text().size() == 2 && !vocab_.IsCountry(dm.value)) {
        return InvalidArgument(mw + ": '" + std::string(dm.value.text()) + "' is not an ISO 3166-1 country code");
      }
      set.members.push_back(dm);
    }
    if (sets_.count(set.id.id())) return InvalidArgument(where + ".id: '" + id + "' is defined twice");
    sets_[set.id.id()] = std::move(set);
  }
  return Status::Ok();
}

Status ReferenceData::LoadChart(const std::string& path) {
  ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  chart_cite_ = Str(j, "cite");
  if (!j.contains("rows") || !j["rows"].is_object()) return InvalidArgument(path + ": expected 'rows'");
  for (auto it = j["rows"].begin(); it != j["rows"].end(); ++it) {
    Symbol c = Symbol::Intern(it.key());
    if (!vocab_.IsCountry(c)) return InvalidArgument(path + ": rows." + it.key() + ": not an ISO country code");
    std::vector<Symbol> cols;
    for (auto& col : *it) cols.push_back(Symbol::Intern(col.get<std::string>()));
    chart_rows_[c.id()] = cols;
  }
  if (j.contains("embargoed")) {
    for (auto it = j["embargoed"].begin(); it != j["embargoed"].end(); ++it) {
      embargoed_[Symbol::Intern(it.key()).id()] = it->is_string() ? it->get<std::string>() : "";
    }
  }
  if (j.contains("inherit")) {
    for (size_t i = 0; i < j["inherit"].size(); ++i) {
      const json& in = j["inherit"][i];
      Inherit x;
      x.country = Symbol::Intern(Str(in, "country"));
      x.row = Symbol::Intern(Str(in, "row"));
      ASSIGN_OR_RETURN(x.when, ReadInterval(in, path + ": inherit[" + std::to_string(i) + "]"));
      inherit_.push_back(x);
    }
  }
  return Status::Ok();
}

Status ReferenceData::LoadCcl(const std::string& path) {
  ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  if (!j.contains("entries") || !j["entries"].is_array()) return InvalidArgument(path + ": expected 'entries'");
  for (size_t i = 0; i < j["entries"].size(); ++i) {
    const json& e = j["entries"][i];
    std::string where = path + ": entries[" + std::to_string(i) + "]";
    CclEntry entry;
    entry.eccn = Str(e, "eccn");
    if (entry.eccn.empty()) return InvalidArgument(where + ".eccn: required");
    entry.heading = Str(e, "heading");
    ASSIGN_OR_RETURN(entry.when, ReadInterval(e, where));
    if (e.contains("requirements")) {
      for (size_t k = 0; k < e["requirements"].size(); ++k) {
        const json& r = e["requirements"][k];
        std::string rw = where + ".requirements[" + std::to_string(k) + "]";
        ChartRow row;
        row.reason = Symbol::Intern(Str(r, "reason"));
        if (r.contains("applies_to")) {
          if (r["applies_to"].is_string()) {
            row.applies_to_all = r["applies_to"] == "all";
            if (!row.applies_to_all) row.applies_to.push_back(r["applies_to"].get<std::string>());
          } else {
            for (auto& a : r["applies_to"]) row.applies_to.push_back(a.get<std::string>());
          }
        } else {
          row.applies_to_all = true;
        }
        std::string col = Str(r, "column");
        if (!col.empty()) row.column = Symbol::Intern(col);
        row.worldwide = r.value("worldwide", false);
        row.unparsed = r.value("unparsed", false);
        row.cite = Str(r, "cite");
        row.text = Str(r, "text");
        if (r.contains("destinations")) {
          const json& d = r["destinations"];
          if (d.contains("groups")) for (auto& g : d["groups"]) row.dest_groups.push_back(Symbol::Intern(g.get<std::string>()));
          if (d.contains("countries")) for (auto& c : d["countries"]) row.dest_countries.push_back(Symbol::Intern(c.get<std::string>()));
          if (d.contains("except_groups")) for (auto& g : d["except_groups"]) row.except_groups.push_back(Symbol::Intern(g.get<std::string>()));
        }
        ASSIGN_OR_RETURN(row.when, ReadInterval(r, rw));
        if (!row.unparsed && row.column.empty() && !row.worldwide && row.dest_groups.empty() &&
            row.dest_countries.empty()) {
          row.unparsed = true;
        }
        entry.rows.push_back(std::move(row));
      }
    }
    ccl_[entry.eccn] = std::move(entry);
  }
  return Status::Ok();
}

// The overlay dates rows and adds ECCNs of the past (3B090) that the snapshot lacks.
Status ReferenceData::LoadCclHistory(const std::string& path) {
  ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  if (j.contains("row_dates")) {
    for (size_t i = 0; i < j["row_dates"].size(); ++i) {
      const json& r = j["row_dates"][i];
      std::string where = path + ": row_dates[" + std::to_string(i) + "]";
      std::string eccn = Str(r, "eccn");
      auto it = ccl_.find(eccn);
      if (it == ccl_.end()) return InvalidArgument(where + ".eccn: '" + eccn + "' is not in the CCL");
      std::string match = Str(r, "text_contains");
      ASSIGN_OR_RETURN(DateInterval w, ReadInterval(r, where));
      int hits = 0;
      for (auto& row : it->second.rows) {
        if (row.text.find(match) != std::string::npos) {
          row.when = w;
          ++hits;
        }
      }
      if (!hits) return InvalidArgument(where + ".text_contains: no row of " + eccn + " contains '" + match + "'");
    }
  }
  // entry_dates: when an ECCN of the snapshot came into being (e.g. 3B993 on 2 Dec 2024).
  if (j.contains("entry_dates")) {
    for (size_t i = 0; i < j["entry_dates"].size(); ++i) {
      const json& r = j["entry_dates"][i];
      std::string where = path + ": entry_dates[" + std::to_string(i) + "]";
      auto it = ccl_.find(Str(r, "eccn"));
      if (it == ccl_.end()) return InvalidArgument(where + ".eccn: '" + Str(r, "eccn") + "' is not in the CCL");
      ASSIGN_OR_RETURN(it->second.when, ReadInterval(r, where));
    }
  }
  // add_rows: earlier versions of the licence requirements of an ECCN still in the snapshot (same row
  // shape as ccl.json, each with its own from/until), e.g. 3A090's RS destinations of Oct 2022.
  if (j.contains("add_rows")) {
    for (size_t i = 0; i < j["add_rows"].size(); ++i) {
      const json& r = j["add_rows"][i];
      std::string where = path + ": add_rows[" + std::to_string(i) + "]";
      auto it = ccl_.find(Str(r, "eccn"));
      if (it == ccl_.end()) return InvalidArgument(where + ".eccn: '" + Str(r, "eccn") + "' is not in the CCL");
      ChartRow row;
      row.reason = Symbol::Intern(Str(r, "reason"));
      row.applies_to_all = !r.contains("applies_to") || r["applies_to"] == "all";
      if (!row.applies_to_all) for (auto& a : r["applies_to"]) row.applies_to.push_back(a.get<std::string>());
      std::string col = Str(r, "column");
      if (!col.empty()) row.column = Symbol::Intern(col);
      row.worldwide = r.value("worldwide", false);
      row.cite = Str(r, "cite");
      row.text = Str(r, "text");
      if (r.contains("destinations")) {
        const json& d = r["destinations"];
        if (d.contains("groups")) for (auto& g : d["groups"]) row.dest_groups.push_back(Symbol::Intern(g.get<std::string>()));
        if (d.contains("countries")) for (auto& c : d["countries"]) row.dest_countries.push_back(Symbol::Intern(c.get<std::string>()));
        if (d.contains("except_groups")) for (auto& g : d["except_groups"]) row.except_groups.push_back(Symbol::Intern(g.get<std::string>()));
      }
      if (row.column.empty() && !row.worldwide && row.dest_groups.empty() && row.dest_countries.empty()) {
        return InvalidArgument(where + ": a row needs a column, destinations or worldwide");
      }
      ASSIGN_OR_RETURN(row.when, ReadInterval(r, where));
      it->second.rows.push_back(std::move(row));
    }
  }
  if (j.contains("entries")) {
    // Same shape as ccl.json entries.
    json wrapper = {{"entries", j["entries"]}};
    std::string tmp = path;
    for (size_t i = 0; i < j["entries"].size(); ++i) {
      const json& e = j["entries"][i];
      std::string where = path + ": entries[" + std::to_string(i) + "]";
      CclEntry entry;
      entry.eccn = Str(e, "eccn");
      entry.heading = Str(e, "heading");
      ASSIGN_OR_RETURN(entry.when, ReadInterval(e, where));
      for (size_t k = 0; k < e["requirements"].size(); ++k) {
        const json& r = e["requirements"][k];
        ChartRow row;
        row.reason = Symbol::Intern(Str(r, "reason"));
        row.applies_to_all = !r.contains("applies_to") || r["applies_to"] == "all";
        if (!row.applies_to_all) for (auto& a : r["applies_to"]) row.applies_to.push_back(a.get<std::string>());
        std::string col = Str(r, "column");
        if (!col.empty()) row.column = Symbol::Intern(col);
        row.cite = Str(r, "cite");
        row.text = Str(r, "text");
        if (r.contains("destinations")) {
          const json& d = r["destinations"];
          if (d.contains("groups")) for (auto& g : d["groups"]) row.dest_groups.push_back(Symbol::Intern(g.get<std::string>()));
          if (d.contains("countries")) for (auto& c : d["countries"]) row.dest_countries.push_back(Symbol::Intern(c.get<std::string>()));
        }
        ASSIGN_OR_RETURN(row.when, ReadInterval(r, where + ".requirements[" + std::to_string(k) + "]"));
        entry.rows.push_back(row);
      }
      if (ccl_.count(entry.eccn)) return InvalidArgument(where + ": " + entry.eccn + " is already in the CCL snapshot");
      ccl_[entry.eccn] = std::move(entry);
    }
  }
  return Status::Ok();
}

Status ReferenceData::LoadListEntries(const std::string& path) {
  ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  json ctx = {{"list_entries", j.contains("entries") ? j["entries"] : json::array()}};
  ASSIGN_OR_RETURN(Context c, ContextFromJson(ctx, vocab_, path));
  for (auto& e : c.list_entries) {
    e.source = path;
    list_entries_.push_back(std::move(e));
  }
  return Status::Ok();
}

const NamedSet* ReferenceData::FindSet(Symbol id) const {
  auto it = sets_.find(id.id());
  return it == sets_.end() ? nullptr : &it->second;
}

void ReferenceData::AddSet(NamedSet set) { sets_[set.id.id()] = std::move(set); }

namespace {
uint64_t EccnKey(std::string_view eccn) {
  // The ECCN proper is the first five characters (3B001 of 3B001.c.1.a).
  uint64_t k = 0;
  for (size_t i = 0; i < 5 && i < eccn.size(); ++i) k = (k << 8) | static_cast<unsigned char>(eccn[i]);
  return k | (uint64_t{std::min<size_t>(5, eccn.size())} << 48);
}
}  // namespace

void ReferenceData::IndexCcl() {
  for (const auto& [k, e] : ccl_) ccl_by_key_[EccnKey(k)] = &e;
}

const CclEntry* ReferenceData::FindEccn(std::string_view eccn) const {
  if (eccn.size() > 5 && eccn[5] != '.') return nullptr;
  auto it = ccl_by_key_.find(EccnKey(eccn));
  return it == ccl_by_key_.end() ? nullptr : it->second;
}

std::string ReferenceData::CountryName(Symbol code) const {
  auto it = country_names_.find(code.id());
  return it == country_names_.end() ? std::string(code.text()) : it->second;
}

Tri ReferenceData::ColumnMarked(Symbol column, Symbol country, Date date) const {
  Symbol row = country;
  for (const auto& in : inherit_) {
    if (in.country == country && in.when.Contains(date)) row = in.row;
  }
  auto it = chart_rows_.find(row.id());
  if (it == chart_rows_.end()) return Tri::kUnknown;  // no row: never read as "no licence"
  for (Symbol c : it->second) {
    if (c == column) return Tri::kTrue;
  }
  return Tri::kFalse;
}

Tri ReferenceData::ChartRequires(Symbol eccn_sym, Symbol country, Date date, const ChartRow** rows, int* n_rows,
                                 int max_rows) const {
  *n_rows = 0;
  std::string_view eccn = eccn_sym.text();
  if (eccn == "EAR99") {
    // EAR99 is on no CCL row; embargoed destinations are decided under part 746, not here.
    return embargoed_.count(country.id()) ? Tri::kUnknown : Tri::kFalse;
  }
  const CclEntry* e = FindEccn(eccn);
  if (!e || !e->when.Contains(date)) return Tri::kUnknown;
  if (embargoed_.count(country.id())) return Tri::kTrue;  // part 746: every CCL item needs a licence
  bool unknown = false;
  bool required = false;
  for (const auto& row : e->rows) {
    if (!row.when.Contains(date)) continue;
    bool applies = row.applies_to_all;
    bool coarse = false;
    for (const auto& a : row.applies_to) {
      if (EccnUnder(eccn, a)) applies = true;
      else if (EccnCoarser(eccn, a)) coarse = true;
    }
    if (!applies && !coarse) continue;
    Tri hit;
    if (row.unparsed) {
      hit = Tri::kUnknown;
    } else if (row.worldwide) {
      hit = Tri::kTrue;
    } else if (!row.column.empty()) {
      hit = ColumnMarked(row.column, country, date);
    } else {
      bool in = false;
      for (Symbol c : row.dest_countries) in = in || c == country;
      for (Symbol g : row.dest_groups) {
        const NamedSet* s = FindSet(g);
        if (s && s->Contains(country, date)) in = true;
      }
      for (Symbol g : row.except_groups) {
        const NamedSet* s = FindSet(g);
        if (s && s->Contains(country, date)) in = false;
      }
      hit = in ? Tri::kTrue : Tri::kFalse;
    }
    if (hit == Tri::kTrue && coarse) hit = Tri::kUnknown;  // the paragraph decides, and we lack it
    if (hit == Tri::kTrue) {
      required = true;
      if (*n_rows < max_rows) rows[(*n_rows)++] = &row;
    } else if (hit == Tri::kUnknown) {
      unknown = true;
    }
  }
  if (required) return Tri::kTrue;
  return unknown ? Tri::kUnknown : Tri::kFalse;
}

}  // namespace cordon
