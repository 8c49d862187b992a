// Readers for the CSV, tab and JSON list formats (see readers.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "cordon/lists/internal/parse_util.h"
#include "cordon/lists/internal/readers.h"

namespace cordon::lists::internal {
namespace {

namespace fs = std::filesystem;

std::string Where(const LoadedList& out, int line) {
  return fs::path(out.path).filename().string() + ":" + std::to_string(line);
}

// Column lookup by header name; missing columns read as "".
class Columns {
 public:
  explicit Columns(const std::vector<std::string>& header) {
    for (size_t i = 0; i < header.size(); ++i) {
      std::string h = CleanText(header[i]);
      if (i == 0 && StartsWith(h, "\xEF\xBB\xBF")) h = h.substr(3);  // UTF-8 BOM
      index_.emplace(h, i);
    }
  }
  std::string_view Get(const CsvRecord& r, const std::string& name) const {
    auto it = index_.find(name);
    if (it == index_.end() || it->second >= r.fields.size()) return {};
    return r.fields[it->second];
  }

 private:
  std::map<std::string, size_t> index_;
};

// Cleans a field and records a warning when control bytes had to go.
struct Cleaner {
  LoadedList* out;
  int line;
  int stripped = 0;
  std::string operator()(std::string_view s) { return CleanText(s, &stripped); }
  void Flush() {
    if (stripped > 0)
      Warn(out, Where(*out, line), std::to_string(stripped) + " control byte(s) stripped");
  }
};

std::optional<Date> DateField(LoadedList* out, int line, std::string_view field, std::string_view text,
                              bool day_first = false) {
  bool bad = false;
  auto d = ParseListDate(text, day_first, &bad);
  if (bad)
    Warn(out, Where(*out, line),
         std::string(field) + " '" + CleanText(text) + "' is not a plausible date; dropped");
  return d;
}

EntityType TypeFromText(std::string_view t) {
  std::string l = ToLowerAscii(CleanText(t));
  if (l == "individual" || l == "p" || l == "person") return EntityType::kIndividual;
  if (l == "entity" || l == "e" || l == "organization" || l == "organisation" || l == "-0-")
    return EntityType::kEntity;
  if (l == "vessel") return EntityType::kVessel;
  if (l == "aircraft") return EntityType::kAircraft;
  return EntityType::kUnknown;
}

// Source ids must be unique within a list for diffs; lists without ids get
// "name:<name>", and a repeated one gets "#2", "#3"...
class IdMaker {
 public:
  std::string Make(const std::string& list, const std::string& id, const std::string& name) {
    std::string base = id.empty() ? "name:" + name : id;
    int n = ++seen_[list + "\x1f" + base];
    return n == 1 ? base : base + "#" + std::to_string(n);
  }

 private:
  std::unordered_map<std::string, int> seen_;
};

void SetSnapshotDateFromMax(LoadedList* out, const std::vector<std::optional<Date>>& dates) {
  if (out->snapshot.date) return;
  std::optional<Date> best;
  for (const auto& d : dates)
    if (d && (!best || *d > *best)) best = d;
  out->snapshot.date = best;
}

Status RequireEntities(const LoadedList& out) {
  if (out.snapshot.entities.empty())
    return InvalidArgument(out.path + ": the file holds no entity (a truncated download?)");
  return Status::Ok();
}

std::string ReadSibling(const std::string& path, const std::string& name) {
  fs::path p = fs::path(path).parent_path() / name;
  std::ifstream in(p, std::ios::binary);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<Date> DateInPath(const std::string& path) {
  for (const auto& part : fs::path(path)) {
    std::string s = part.string();
    for (size_t i = 0; i + 10 <= s.size(); ++i) {
      if (s[i + 4] == '-' && s[i + 7] == '-') {
        auto d = Date::Parse(s.substr(i, 10));
        if (d.ok()) return *d;
      }
    }
  }
  return std::nullopt;
}

// trade.gov Consolidated Screening List CSV, 2019 layout (28 columns) and the
// current one (leading `_id`). Addresses are "street, city, state, postal,
// country" separated by "; " (or bare ISO-2 codes in the re-expanded 2026 file).
Status ReadCslCsv(const std::string& content, LoadedList* out) {
  out->format = "csl-csv";
  out->snapshot.list = "US.CSL";
  auto records = ParseCsv(content);
  if (records.empty()) return InvalidArgument(out->path + ": empty CSL file");
  Columns col(records[0].fields);
  IdMaker ids;
  std::vector<std::optional<Date>> starts;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = CslSourceToList(clean(col.Get(r, "source")));
    e.name = clean(col.Get(r, "name"));
    if (e.name.empty()) {
      Warn(out, Where(*out, r.line), "record without a name dropped");
      continue;
    }
    e.source_id = ids.Make(e.list, clean(col.Get(r, "entity_number")), e.name);
    e.type = TypeFromText(col.Get(r, "type"));
    for (auto& p : SplitTrim(clean(col.Get(r, "programs")), ";")) AddUnique(&e.programs, p);
    for (auto& a : SplitTrim(clean(col.Get(r, "alt_names")), ";")) AddUnique(&e.aliases, a);
    for (auto& a : SplitTrim(clean(col.Get(r, "addresses")), ";")) {
      size_t comma = a.rfind(',');
      std::string country = CountryCode(comma == std::string::npos ? a : a.substr(comma + 1));
      if (a.size() == 2) a.clear();  // a bare country code is not an address text
      AddAddress(&e, Address{a, country});
    }
    for (const char* f : {"citizenships", "nationalities"})
      for (auto& c : SplitTrim(clean(col.Get(r, f)), ";"))
        if (auto code = CountryCode(c); !code.empty()) AddUnique(&e.countries, code);
    e.federal_register = clean(col.Get(r, "federal_register_notice"));
    e.start_date = DateField(out, r.line, "start_date", col.Get(r, "start_date"));
    e.end_date = DateField(out, r.line, "end_date", col.Get(r, "end_date"));
    e.license_requirement = clean(col.Get(r, "license_requirement"));
    e.license_policy = clean(col.Get(r, "license_policy"));
    e.footnotes = ParseFootnotes(e.license_requirement);
    for (int f : ParseFootnotes(e.license_policy)) e.footnotes.push_back(f);
    e.remarks = clean(col.Get(r, "remarks"));
    e.source_url = clean(col.Get(r, "source_list_url"));
    clean.Flush();
    starts.push_back(e.start_date);
    Finish(&e);
    out->snapshot.entities.push_back(std::move(e));
  }
  out->snapshot.date = DateInPath(out->path);
  SetSnapshotDateFromMax(out, starts);
  return RequireEntities(*out);
}

// trade.gov CSL JSON: {"results": [ {...} ]} or a bare array, with the CSV's
// field names; addresses, alt_names and programs are arrays.
Status ReadCslJson(const std::string& content, LoadedList* out) {
  out->format = "csl-json";
  out->snapshot.list = "US.CSL";
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(content);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(out->path + ": " + e.what());
  }
  const nlohmann::json* results = doc.is_array() ? &doc : nullptr;
  if (doc.is_object() && doc.contains("results") && doc["results"].is_array()) results = &doc["results"];
  if (!results) return InvalidArgument(out->path + ": not a CSL JSON document (no results array)");
  auto str = [](const nlohmann::json& o, const char* k) -> std::string {
    if (!o.contains(k) || !o[k].is_string()) return "";
    return CleanText(o[k].get<std::string>());
  };
  IdMaker ids;
  int n = 0;
  std::vector<std::optional<Date>> starts;
  for (const auto& o : *results) {
    ++n;
    if (!o.is_object()) continue;
    ListEntity e;
    e.list = CslSourceToList(str(o, "source"));
    e.name = str(o, "name");
    std::string where = fs::path(out->path).filename().string() + ":result " + std::to_string(n);
    if (e.name.empty()) {
      Warn(out, where, "record without a name dropped");
      continue;
    }
    e.source_id = ids.Make(e.list, str(o, "entity_number"), e.name);
    e.type = TypeFromText(str(o, "type"));
    auto strings = [&](const char* k) {
      std::vector<std::string> v;
      if (o.contains(k) && o[k].is_array())
        for (const auto& x : o[k])
          if (x.is_string()) AddUnique(&v, CleanText(x.get<std::string>()));
      return v;
    };
    e.programs = strings("programs");
    e.aliases = strings("alt_names");
    if (o.contains("addresses") && o["addresses"].is_array()) {
      for (const auto& a : o["addresses"]) {
        if (!a.is_object()) continue;
        std::vector<std::string> parts;
        for (const char* k : {"address", "city", "state", "postal_code"})
          if (auto s = str(a, k); !s.empty()) parts.push_back(s);
        std::string text;
        for (auto& p : parts) text += (text.empty() ? "" : ", ") + p;
        AddAddress(&e, Address{text, CountryCode(str(a, "country"))});
      }
    }
    for (const char* k : {"citizenships", "nationalities"})
      for (auto& c : strings(k))
        if (auto code = CountryCode(c); !code.empty()) AddUnique(&e.countries, code);
    e.federal_register = str(o, "federal_register_notice");
    bool bad = false;
    e.start_date = ParseListDate(str(o, "start_date"), false, &bad);
    if (bad) Warn(out, where, "start_date is not a plausible date; dropped");
    e.license_requirement = str(o, "license_requirement");
    e.license_policy = str(o, "license_policy");
    e.footnotes = ParseFootnotes(e.license_requirement);
    e.remarks = str(o, "remarks");
    e.source_url = str(o, "source_list_url");
    starts.push_back(e.start_date);
    Finish(&e);
    out->snapshot.entities.push_back(std::move(e));
  }
  out->snapshot.date = DateInPath(out->path);
  SetSnapshotDateFromMax(out, starts);
  return RequireEntities(*out);
}

// OFAC legacy CSV set: no header; the primary file (12 columns) joined on
// ent_num with add (6), alt (5) and comments (2) from the same folder.
Status ReadOfacCsv(const std::string& content, LoadedList* out) {
  out->format = "ofac-csv";
  std::string file = fs::path(out->path).filename().string();
  bool cons = StartsWith(file, "cons_");
  std::string list = cons ? "US.NONSDN" : "US.SDN";
  out->snapshot.list = list;
  std::string body = content;
  std::erase(body, '\x1a');  // legacy files end with Ctrl-Z
  std::map<std::string, size_t> by_id;
  for (const CsvRecord& r : ParseCsv(body)) {
    if (r.fields.size() < 12) {
      Warn(out, Where(*out, r.line), "row with " + std::to_string(r.fields.size()) + " fields dropped");
      continue;
    }
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = list;
    e.source_id = OfacField(r.fields[0], &clean.stripped);
    e.name = OfacField(r.fields[1], &clean.stripped);
    if (e.source_id.empty() || e.name.empty()) {
      Warn(out, Where(*out, r.line), "row without id or name dropped");
      continue;
    }
    e.type = TypeFromText(OfacField(r.fields[2]).empty() ? "entity" : OfacField(r.fields[2]));
    for (auto& p : SplitTrim(OfacField(r.fields[3], &clean.stripped), "] [")) {
      std::erase(p, '[');
      std::erase(p, ']');
      AddUnique(&e.programs, p);
    }
    e.remarks = OfacField(r.fields[11], &clean.stripped);
    clean.Flush();
    if (by_id.count(e.source_id)) {
      Warn(out, Where(*out, r.line), "entry " + e.source_id + " repeated; later row dropped");
      continue;
    }
    by_id.emplace(e.source_id, out->snapshot.entities.size());
    out->snapshot.entities.push_back(std::move(e));
  }
  auto& ents = out->snapshot.entities;
  std::string prefix = cons ? "cons_" : "";
  std::string add_name = cons ? "cons_add.csv" : "add.csv";
  std::string alt_name = cons ? "cons_alt.csv" : "alt.csv";
  std::string com_name = cons ? "cons_comments.csv" : "sdn_comments.csv";
  auto companion = [&](const std::string& name, size_t min_fields, auto&& apply) {
    std::string text = ReadSibling(out->path, name);
    std::erase(text, '\x1a');
    for (const CsvRecord& r : ParseCsv(text)) {
      std::string where = name + ":" + std::to_string(r.line);
      if (r.fields.size() < min_fields) {
        Warn(out, where, "row with " + std::to_string(r.fields.size()) + " fields dropped");
        continue;
      }
      auto it = by_id.find(OfacField(r.fields[0]));
      if (it == by_id.end()) {
        Warn(out, where, "row for unknown entry " + OfacField(r.fields[0]) + " dropped");
        continue;
      }
      apply(ents[it->second], r);
    }
  };
  companion(alt_name, 4, [&](ListEntity& e, const CsvRecord& r) { AddUnique(&e.aliases, OfacField(r.fields[3])); });
  companion(add_name, 5, [&](ListEntity& e, const CsvRecord& r) {
    std::string text;
    for (int i : {2, 3})
      if (auto s = OfacField(r.fields[i]); !s.empty()) text += (text.empty() ? "" : ", ") + s;
    std::string country_name = OfacField(r.fields[4]);
    AddAddress(&e, Address{text, CountryCode(country_name)});
  });
  companion(com_name, 2, [&](ListEntity& e, const CsvRecord& r) { e.remarks += OfacField(r.fields[1]); });
  for (auto& e : ents) Finish(&e);
  out->snapshot.date = DateInPath(out->path);
  return RequireEntities(*out);
}

// BIS Denied Persons List, tab-separated, one row per address of an order.
Status ReadBisDpl(const std::string& content, LoadedList* out) {
  out->format = "bis-dpl";
  out->snapshot.list = "US.DPL";
  auto records = ParseCsv(content, '\t');
  if (records.empty()) return InvalidArgument(out->path + ": empty DPL file");
  Columns col(records[0].fields);
  EntityMerger merger;
  std::vector<std::optional<Date>> updates;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = "US.DPL";
    e.name = clean(col.Get(r, "Name"));
    if (e.name.empty()) {
      Warn(out, Where(*out, r.line), "row without a name dropped");
      continue;
    }
    e.source_id = "name:" + e.name;
    std::string text;
    for (const char* f : {"Street_Address", "City", "State", "Postal_Code"})
      if (auto s = clean(col.Get(r, f)); !s.empty()) text += (text.empty() ? "" : ", ") + s;
    AddAddress(&e, Address{text, CountryCode(clean(col.Get(r, "Country")))});
    e.start_date = DateField(out, r.line, "Effective_Date", col.Get(r, "Effective_Date"));
    e.end_date = DateField(out, r.line, "Expiration_Date", col.Get(r, "Expiration_Date"));
    e.last_update = DateField(out, r.line, "Last_Update", col.Get(r, "Last_Update"));
    e.federal_register = clean(col.Get(r, "FR_Citation"));
    e.remarks = clean(col.Get(r, "Action"));
    clean.Flush();
    updates.push_back(e.last_update);
    bool merged = false;
    ListEntity* kept = merger.Upsert(ToLowerAscii(e.name), e, &merged);
    if (merged) {
      Warn(out, Where(*out, r.line), "'" + e.name + "' repeated for another address; merged");
      if (e.last_update && (!kept->last_update || *e.last_update > *kept->last_update))
        kept->last_update = e.last_update;
    }
  }
  out->snapshot.entities = merger.Take();
  out->snapshot.date = DateInPath(out->path);
  SetSnapshotDateFromMax(out, updates);
  return RequireEntities(*out);
}

// BIS Entity List / MEU source CSV: one row per alias x address of an entry.
Status ReadBisEl(const std::string& content, LoadedList* out) {
  out->format = "bis-el-csv";
  auto records = ParseCsv(content);
  if (records.empty()) return InvalidArgument(out->path + ": empty file");
  Columns col(records[0].fields);
  EntityMerger merger;
  std::vector<std::optional<Date>> starts;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = CslSourceToList(clean(col.Get(r, "Source List")));
    out->snapshot.list = e.list;
    e.name = clean(col.Get(r, "Name"));
    if (e.name.empty()) {
      Warn(out, Where(*out, r.line), "row without a name dropped");
      continue;
    }
    std::string number = clean(col.Get(r, "Entity Number"));
    e.source_id = number.empty() ? "name:" + e.name : number;
    e.type = TypeFromText(col.Get(r, "SDN Type"));
    for (auto& p : SplitTrim(clean(col.Get(r, "Programs")), ";")) AddUnique(&e.programs, p);
    std::string text;
    for (const char* f : {"Address", "City", "State/Province", "Postal Code"})
      if (auto s = clean(col.Get(r, f)); !s.empty()) text += (text.empty() ? "" : ", ") + s;
    AddAddress(&e, Address{text, CountryCode(clean(col.Get(r, "Country")))});
    AddUnique(&e.aliases, clean(col.Get(r, "Alternate Name")));
    e.federal_register = clean(col.Get(r, "Federal Register Notice"));
    e.start_date = DateField(out, r.line, "Effective Date", col.Get(r, "Effective Date"));
    e.license_requirement = clean(col.Get(r, "License Requirement"));
    e.license_policy = clean(col.Get(r, "License Policy"));
    e.footnotes = ParseFootnotes(e.license_requirement);
    e.source_url = clean(col.Get(r, "Web Link"));
    clean.Flush();
    starts.push_back(e.start_date);
    bool merged = false;
    merger.Upsert(e.list + "\x1f" + e.source_id, e, &merged);
    if (merged) Warn(out, Where(*out, r.line), "'" + e.name + "' repeated per alias/address; merged");
  }
  out->snapshot.entities = merger.Take();
  out->snapshot.date = DateInPath(out->path);
  SetSnapshotDateFromMax(out, starts);
  return RequireEntities(*out);
}

// BIS Unverified List: COUNTRY, NAME, ADDRESS (one row per address).
Status ReadBisUvl(const std::string& content, LoadedList* out) {
  out->format = "bis-uvl-csv";
  out->snapshot.list = "US.UVL";
  auto records = ParseCsv(content);
  if (records.empty()) return InvalidArgument(out->path + ": empty file");
  Columns col(records[0].fields);
  EntityMerger merger;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = "US.UVL";
    e.name = clean(col.Get(r, "NAME"));
    if (e.name.empty()) {
      Warn(out, Where(*out, r.line), "row without a name dropped");
      continue;
    }
    e.source_id = "name:" + e.name;
    AddAddress(&e, Address{clean(col.Get(r, "ADDRESS")), CountryCode(clean(col.Get(r, "COUNTRY")))});
    clean.Flush();
    bool merged = false;
    merger.Upsert(e.source_id, e, &merged);
    if (merged) Warn(out, Where(*out, r.line), "'" + e.name + "' repeated for another address; merged");
  }
  out->snapshot.entities = merger.Take();
  out->snapshot.date = DateInPath(out->path);
  return RequireEntities(*out);
}

// State Department nonproliferation sanctions (ISN).
Status ReadIsn(const std::string& content, LoadedList* out) {
  out->format = "isn-csv";
  out->snapshot.list = "US.ISN";
  auto records = ParseCsv(content);
  if (records.empty()) return InvalidArgument(out->path + ": empty file");
  Columns col(records[0].fields);
  IdMaker ids;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = "US.ISN";
    e.name = clean(col.Get(r, "Name"));
    if (e.name.empty()) continue;
    e.source_id = ids.Make(e.list, "", e.name);
    for (auto& p : SplitTrim(clean(col.Get(r, "Programs")), ";")) AddUnique(&e.programs, p);
    for (auto& a : SplitTrim(clean(col.Get(r, "Alternative Names")), ";")) AddUnique(&e.aliases, a);
    AddAddress(&e, Address{"", CountryCode(clean(col.Get(r, "Country")))});
    e.federal_register = clean(col.Get(r, "Federal Register Notice"));
    e.start_date = DateField(out, r.line, "Effective Date", col.Get(r, "Effective Date"));
    e.remarks = clean(col.Get(r, "Remarks/Notes"));
    e.source_url = clean(col.Get(r, "Web Link"));
    clean.Flush();
    Finish(&e);
    out->snapshot.entities.push_back(std::move(e));
  }
  out->snapshot.date = DateInPath(out->path);
  return RequireEntities(*out);
}

// State DDTC ITAR debarred parties.
Status ReadDdtc(const std::string& content, LoadedList* out) {
  out->format = "ddtc-csv";
  out->snapshot.list = "US.DTC";
  auto records = ParseCsv(content);
  if (records.empty()) return InvalidArgument(out->path + ": empty file");
  Columns col(records[0].fields);
  IdMaker ids;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = "US.DTC";
    e.name = clean(col.Get(r, "Party Name"));
    if (e.name.empty()) continue;
    e.source_id = ids.Make(e.list, "", e.name);
    e.federal_register = clean(col.Get(r, "Federal Register Notice"));
    e.start_date = DateField(out, r.line, "Notice Date", col.Get(r, "Notice Date"));
    clean.Flush();
    Finish(&e);
    out->snapshot.entities.push_back(std::move(e));
  }
  out->snapshot.date = DateInPath(out->path);
  return RequireEntities(*out);
}

// HM Treasury (OFSI) consolidated list: "Last Updated,DD/MM/YYYY", then a
// header; one row per name of a Group ID (primary name and aliases).
Status ReadHmt(const std::string& content, LoadedList* out) {
  out->format = "hmt-csv";
  out->snapshot.list = "UK.HMT";
  auto records = ParseCsv(content);
  if (records.size() < 2) return InvalidArgument(out->path + ": no header");
  if (records[0].fields.size() >= 2) {
    bool bad = false;
    out->snapshot.date = ParseListDate(records[0].fields[1], /*day_first=*/true, &bad);
  }
  Columns col(records[1].fields);
  EntityMerger merger;
  std::map<std::string, bool> has_primary;
  for (size_t i = 2; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    std::string full;
    for (const char* f : {"Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"})
      if (auto s = clean(col.Get(r, f)); !s.empty()) full += (full.empty() ? "" : " ") + s;
    std::string group = clean(col.Get(r, "Group ID"));
    if (full.empty() || group.empty()) {
      Warn(out, Where(*out, r.line), "row without a name or Group ID dropped");
      continue;
    }
    bool primary = ToLowerAscii(clean(col.Get(r, "Alias Type"))).find("primary") != std::string::npos;
    ListEntity e;
    e.list = "UK.HMT";
    e.source_id = group;
    e.name = full;
    e.type = TypeFromText(col.Get(r, "Group Type"));
    AddUnique(&e.programs, clean(col.Get(r, "Regime")));
    std::string text;
    for (const char* f : {"Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6",
                          "Post/Zip Code"})
      if (auto s = clean(col.Get(r, f)); !s.empty()) text += (text.empty() ? "" : ", ") + s;
    AddAddress(&e, Address{text, CountryCode(clean(col.Get(r, "Country")))});
    if (auto n = CountryCode(clean(col.Get(r, "Nationality"))); !n.empty()) AddUnique(&e.countries, n);
    e.start_date = DateField(out, r.line, "Listed On", col.Get(r, "Listed On"), true);
    e.last_update = DateField(out, r.line, "Last Updated", col.Get(r, "Last Updated"), true);
    e.remarks = clean(col.Get(r, "Other Information"));
    clean.Flush();
    bool merged = false;
    ListEntity* kept = merger.Upsert(group, e, &merged);
    if (merged) {
      if (primary && !has_primary[group]) {
        // The primary name arrived after an alias: swap them.
        AddUnique(&kept->aliases, kept->name);
        kept->name = full;
      } else {
        AddUnique(&kept->aliases, full);
      }
    }
    if (primary) has_primary[group] = true;
  }
  out->snapshot.entities = merger.Take();
  return RequireEntities(*out);
}

// METI End User List (the CSV parse of the PDF): no, country (Japanese then
// English), company, aliases separated by U+241E, wmd, conventional_weapons.
Status ReadMeti(const std::string& content, LoadedList* out) {
  out->format = "meti-eul-csv";
  out->snapshot.list = "JP.EUL";
  auto records = ParseCsv(content);
  if (records.empty()) return InvalidArgument(out->path + ": empty file");
  Columns col(records[0].fields);
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& r = records[i];
    Cleaner clean{out, r.line};
    ListEntity e;
    e.list = "JP.EUL";
    e.source_id = clean(col.Get(r, "no"));
    e.name = clean(col.Get(r, "company"));
    if (e.name.empty()) {
      Warn(out, Where(*out, r.line), "row without a company name dropped");
      continue;
    }
    e.type = EntityType::kEntity;
    for (auto& a : SplitTrim(col.Get(r, "aliases"), "\xE2\x90\x9E")) AddUnique(&e.aliases, clean(a));
    std::string country = clean(col.Get(r, "country"));
    size_t latin = country.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    std::string english = latin == std::string::npos ? country : country.substr(latin);
    std::string code = CountryCode(english);
    if (code.empty() && !english.empty())
      Warn(out, Where(*out, r.line), "country '" + english + "' not recognised");
    AddAddress(&e, Address{"", code});
    // Concern codes: the Latin letters of the wmd column (B, C, M, N; full-width
    // letters folded), and CW for conventional weapons.
    std::string wmd = clean(col.Get(r, "wmd"));
    for (size_t k = 0; k < wmd.size(); ++k) {
      char c = wmd[k];
      if (static_cast<unsigned char>(wmd[k]) == 0xEF && k + 2 < wmd.size() &&
          static_cast<unsigned char>(wmd[k + 1]) == 0xBC) {
        c = static_cast<char>('A' + static_cast<unsigned char>(wmd[k + 2]) - 0xA1);  // U+FF21..
        k += 2;
      }
      if (c == 'B' || c == 'C' || c == 'M' || c == 'N') AddUnique(&e.programs, std::string("WMD-") + c);
    }
    if (clean(col.Get(r, "conventional_weapons")).find("CW") != std::string::npos)
      AddUnique(&e.programs, "CW");
    clean.Flush();
    Finish(&e);
    out->snapshot.entities.push_back(std::move(e));
  }
  out->snapshot.date = DateInPath(out->path);
  return RequireEntities(*out);
}

}  // namespace cordon::lists::internal
