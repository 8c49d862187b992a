#include "cordon/supplychain/catalog_loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "cordon/supplychain/internal/csv.h"

namespace cordon::supplychain {
namespace {

using json = nlohmann::json;

// Collects issues while a loader walks its input.
class IssueLog {
 public:
  void Error(SourceRef at, std::string msg) {
    issues_.push_back({Issue::Severity::kError, std::move(at), std::move(msg)});
  }
  std::vector<Issue>& issues() { return issues_; }

 private:
  std::vector<Issue> issues_;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<double> ParseNumber(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool IsCurrencyCode(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool IsCountryCode(std::string_view s) {
  if (s.size() != 2) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

Result<Tri> ParseTri(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return Tri::kUnknown;
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "true" || lower == "yes" || lower == "1") return Tri::kTrue;
  if (lower == "false" || lower == "no" || lower == "0") return Tri::kFalse;
  return InvalidArgument("expected true, false or empty, got '" + std::string(s) + "'");
}

// "a; b;c" -> {a, b, c}; "" -> unknown; "none" -> {}.
std::optional<std::vector<std::string>> ParseListCell(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  std::vector<std::string> out;
  if (s == "none") return out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view item = Trim(s.substr(start, end - start));
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

std::optional<std::vector<Symbol>> ToSymbols(const std::optional<std::vector<std::string>>& v) {
  if (!v) return std::nullopt;
  std::vector<Symbol> out;
  out.reserve(v->size());
  for (const std::string& s : *v) out.push_back(Symbol::Intern(s));
  return out;
}

Result<CatalogLoad> Finish(ProductCatalog catalog, IssueLog& log,
                           const CatalogLoadOptions& options) {
  std::vector<Issue> checked = ValidateCatalog(catalog, options.classification_regime);
  std::vector<Issue>& issues = log.issues();
  issues.insert(issues.end(), checked.begin(), checked.end());
  RETURN_IF_ERROR(IssuesToStatus(issues));
  CatalogLoad out;
  out.catalog = std::move(catalog);
  out.warnings = std::move(issues);  // only warnings are left
  return out;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return InvalidArgument(path + ": read error");
  return ss.str();
}

// ---- JSON ------------------------------------------------------------------

// Reads an optional array of strings at obj[key]; absent/null -> unknown.
std::optional<std::vector<std::string>> JsonStringList(const json& obj, const char* key,
                                                        const SourceRef& at, const std::string& where,
                                                        IssueLog& log) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) {
    log.Error(at, where + key + " must be an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const json& v : *it) {
    if (!v.is_string()) {
      log.Error(at, where + key + " must be an array of strings");
      return std::nullopt;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

void JsonClassification(const json& obj, const SourceRef& at, const std::string& where,
                        IssueLog& log, std::vector<std::pair<Symbol, Symbol>>& out) {
  auto it = obj.find("classification");
  if (it == obj.end() || it->is_null()) return;
  if (!it->is_object()) {
    log.Error(at, where + "classification must be an object {regime: entry}");
    return;
  }
  for (auto& [regime, entry] : it->items()) {
    if (entry.is_null()) continue;  // stated unknown
    if (!entry.is_string()) {
      log.Error(at, where + "classification." + regime + " must be a string");
      continue;
    }
    out.emplace_back(Symbol::Intern(regime), Symbol::Intern(entry.get<std::string>()));
  }
}

void JsonMadeIn(const json& obj, const SourceRef& at, const std::string& where, IssueLog& log,
                Symbol& out) {
  auto it = obj.find("made_in");
  if (it == obj.end() || it->is_null()) return;
  if (!it->is_string() || !IsCountryCode(it->get_ref<const std::string&>())) {
    log.Error(at, where + "made_in must be an ISO 3166 alpha-2 code");
    return;
  }
  out = Symbol::Intern(it->get<std::string>());
}

Product JsonProduct(const json& j, size_t index, std::string_view file, IssueLog& log) {
  Product p;
  p.source = {std::string(file), "products[" + std::to_string(index) + "]"};
  const SourceRef& at = p.source;
  if (!j.is_object()) {
    log.Error(at, "a product must be an object");
    return p;
  }
  auto id = j.find("id");
  if (id == j.end() || !id->is_string() || id->get_ref<const std::string&>().empty()) {
    log.Error(at, "id missing or not a string");
  } else {
    p.id = id->get<std::string>();
  }
  const std::string where = p.id.empty() ? std::string() : "'" + p.id + "': ";
  JsonMadeIn(j, at, where, log, p.made_in);
  JsonClassification(j, at, where, log, p.classification);

  if (auto k = j.find("kind"); k != j.end() && !k->is_null()) {
    std::optional<PartKind> kind;
    if (k->is_string()) kind = ParsePartKind(k->get_ref<const std::string&>());
    if (!kind) {
      log.Error(at, where + "kind must be commodity, software or technology");
    } else {
      p.kind = *kind;
    }
  }

  if (auto v = j.find("unit_value"); v != j.end() && !v->is_null()) {
    auto amount = v->is_object() ? v->find("amount") : v->end();
    auto currency = v->is_object() ? v->find("currency") : v->end();
    if (!v->is_object()) {
      log.Error(at, where + "unit_value must be {amount, currency}");
    } else if (amount == v->end() || amount->is_null()) {
      // A value object without its amount is malformed (no unit_value at all is unknown).
      log.Error(at, where + "unit_value.amount is missing (leave unit_value out when the value is unknown)");
    } else if (!amount->is_number() || !(amount->get<double>() >= 0)) {
      log.Error(at, where + "unit_value.amount must be a non-negative number");
    } else if (currency == v->end() || !currency->is_string() ||
               !IsCurrencyCode(currency->get_ref<const std::string&>())) {
      log.Error(at, where + "unit_value.currency must be an ISO 4217 code (bad unit)");
    } else {
      p.unit_value = Money{amount->get<double>(), Symbol::Intern(currency->get<std::string>())};
    }
  }

  if (auto ic = j.find("integrated_circuit"); ic != j.end() && !ic->is_null()) {
    if (!ic->is_boolean()) {
      log.Error(at, where + "integrated_circuit must be true, false or null");
    } else {
      p.integrated_circuit = ic->get<bool>() ? Tri::kTrue : Tri::kFalse;
    }
  }

  if (auto cs = j.find("components"); cs != j.end() && !cs->is_null()) {
    if (!cs->is_array()) {
      log.Error(at, where + "components must be an array");
    } else {
      for (size_t i = 0; i < cs->size(); ++i) {
        const json& c = (*cs)[i];
        Component comp;
        comp.source = {std::string(file), p.source.row + ".components[" + std::to_string(i) + "]"};
        auto prod = c.is_object() ? c.find("product") : c.end();
        if (!c.is_object() || prod == c.end() || !prod->is_string()) {
          log.Error(comp.source, where + "component needs a product id");
          continue;
        }
        comp.product = prod->get<std::string>();
        auto q = c.find("quantity");
        if (q == c.end() || q->is_null()) {
          comp.quantity = 1;  // a listed component without a count is one unit
        } else if (!q->is_number() || !(q->get<double>() > 0)) {
          log.Error(comp.source, where + "quantity of '" + comp.product +
                                     "' must be a positive number");
          continue;
        } else {
          comp.quantity = q->get<double>();
        }
        p.components.push_back(std::move(comp));
      }
    }
  }

  if (auto pr = j.find("production"); pr != j.end() && !pr->is_null()) {
    if (!pr->is_object()) {
      log.Error(at, where + "production must be an object");
    } else {
      const std::string pw = where + "production.";
      p.production.us_technology = ToSymbols(JsonStringList(*pr, "us_technology", at, pw, log));
      p.production.us_software = ToSymbols(JsonStringList(*pr, "us_software", at, pw, log));
      p.production.made_with = JsonStringList(*pr, "made_with", at, pw, log);
      if (auto b = pr->find("plant_us_origin"); b != pr->end() && !b->is_null()) {
        if (!b->is_boolean()) {
          log.Error(at, pw + "plant_us_origin must be true, false or null");
        } else {
          p.production.plant_us_origin = b->get<bool>() ? Tri::kTrue : Tri::kFalse;
        }
      }
      if (auto pl = pr->find("plant"); pl != pr->end() && !pl->is_null()) {
        if (!pl->is_object()) {
          log.Error(at, pw + "plant must be an object");
        } else {
          const std::string plw = pw + "plant.";
          p.production.plant_us_technology =
              ToSymbols(JsonStringList(*pl, "us_technology", at, plw, log));
          p.production.plant_us_software =
              ToSymbols(JsonStringList(*pl, "us_software", at, plw, log));
        }
      }
    }
  }

  if (auto ds = j.find("declarations"); ds != j.end() && !ds->is_null()) {
    if (!ds->is_array()) {
      log.Error(at, where + "declarations must be an array");
    } else {
      for (const json& d : *ds) {
        if (!d.is_object()) {
          log.Error(at, where + "a declaration must be an object");
          continue;
        }
        SupplierDeclaration decl;
        decl.supplier = d.value("supplier", std::string());
        decl.date = d.value("date", std::string());
        decl.reference = d.value("reference", std::string());
        JsonMadeIn(d, at, where + "declaration ", log, decl.made_in);
        JsonClassification(d, at, where + "declaration ", log, decl.classification);
        p.declarations.push_back(std::move(decl));
      }
    }
  }
  return p;
}

// ---- CSV -------------------------------------------------------------------

// Column name -> index for one header row.
class Header {
 public:
  explicit Header(const std::vector<std::string>& names) {
    for (size_t i = 0; i < names.size(); ++i) cols_.emplace(std::string(Trim(names[i])), i);
  }
  int Find(const std::string& name) const {
    auto it = cols_.find(name);
    return it == cols_.end() ? -1 : static_cast<int>(it->second);
  }
  const std::unordered_map<std::string, size_t>& cols() const { return cols_; }

 private:
  std::unordered_map<std::string, size_t> cols_;
};

std::string_view Cell(const internal::CsvRecord& r, int col) {
  if (col < 0 || static_cast<size_t>(col) >= r.fields.size()) return {};
  return Trim(r.fields[col]);
}

}  // namespace

Result<CatalogLoad> LoadCatalogJsonValue(const json& j, std::string_view file,
                                         const CatalogLoadOptions& options) {
  const json* products = nullptr;
  if (j.is_array()) {
    products = &j;
  } else if (j.is_object()) {
    auto it = j.find("products");
    if (it == j.end()) return CatalogLoad{};  // a context without products
    products = &*it;
  }
  if (products == nullptr || !products->is_array()) {
    return InvalidArgument(std::string(file) + ": products must be an array");
  }
  IssueLog log;
  ProductCatalog catalog;
  for (size_t i = 0; i < products->size(); ++i) {
    Product p = JsonProduct((*products)[i], i, file, log);
    if (p.id.empty()) continue;
    Status s = catalog.Add(std::move(p));
    if (!s.ok()) log.Error({std::string(file), "products[" + std::to_string(i) + "]"}, s.message());
  }
  return Finish(std::move(catalog), log, options);
}

Result<CatalogLoad> LoadCatalogJson(std::string_view text, std::string_view file,
                                    const CatalogLoadOptions& options) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument(std::string(file) + ": not valid JSON");
  return LoadCatalogJsonValue(j, file, options);
}

Result<CatalogLoad> LoadCatalogJsonFile(const std::string& path,
                                        const CatalogLoadOptions& options) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return LoadCatalogJson(text, path, options);
}

Result<CatalogLoad> LoadCatalogCsv(std::string_view bom_text, std::string_view bom_file,
                                   std::string_view parts_text, std::string_view parts_file,
                                   const CatalogLoadOptions& options) {
  ASSIGN_OR_RETURN(std::vector<internal::CsvRecord> parts, internal::ParseCsv(parts_text, parts_file));
  ASSIGN_OR_RETURN(std::vector<internal::CsvRecord> bom, internal::ParseCsv(bom_text, bom_file));
  IssueLog log;
  std::vector<Issue> warnings;
  auto at = [](std::string_view file, int line) {
    return SourceRef{std::string(file), std::to_string(line)};
  };
  if (parts.empty()) return InvalidArgument(std::string(parts_file) + ": empty (no header row)");
  if (bom.empty()) return InvalidArgument(std::string(bom_file) + ": empty (no header row)");

  // Parts.
  const Header ph(parts[0].fields);
  const int c_id = ph.Find("id");
  if (c_id < 0) return InvalidArgument(std::string(parts_file) + ":" + std::to_string(parts[0].line) +
                                       ": header has no 'id' column");
  const int c_made_in = ph.Find("made_in"), c_value = ph.Find("value"),
            c_currency = ph.Find("currency"), c_kind = ph.Find("kind"),
            c_tech = ph.Find("us_technology"), c_soft = ph.Find("us_software"),
            c_plant = ph.Find("plant_us_origin"), c_made_with = ph.Find("made_with"),
            c_plant_tech = ph.Find("plant_us_technology"),
            c_plant_soft = ph.Find("plant_us_software"), c_supplier = ph.Find("supplier"),
            c_decl = ph.Find("declaration"), c_ic = ph.Find("integrated_circuit");
  static const char* const kKnown[] = {"id", "made_in", "value", "currency", "kind",
                                       "us_technology", "us_software", "plant_us_origin",
                                       "made_with", "plant_us_technology", "plant_us_software",
                                       "supplier", "declaration", "integrated_circuit"};
  std::vector<std::pair<Symbol, int>> class_cols;
  for (const auto& [name, idx] : ph.cols()) {
    if (name.rfind("class_", 0) == 0 && name.size() > 6) {
      class_cols.emplace_back(Symbol::Intern(name.substr(6)), static_cast<int>(idx));
      continue;
    }
    bool known = false;
    for (const char* k : kKnown) known |= name == k;
    if (!known) {
      warnings.push_back({Issue::Severity::kWarning, at(parts_file, parts[0].line),
                          "unknown column '" + name + "' ignored"});
    }
  }
  std::sort(class_cols.begin(), class_cols.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });

  ProductCatalog catalog;
  for (size_t r = 1; r < parts.size(); ++r) {
    const internal::CsvRecord& rec = parts[r];
    Product p;
    p.source = at(parts_file, rec.line);
    p.id = std::string(Cell(rec, c_id));
    if (p.id.empty()) {
      log.Error(p.source, "id is empty");
      continue;
    }
    const std::string where = "'" + p.id + "': ";
    if (std::string_view m = Cell(rec, c_made_in); !m.empty()) {
      if (!IsCountryCode(m)) {
        log.Error(p.source, where + "made_in '" + std::string(m) + "' is not an ISO 3166 alpha-2 code");
      } else {
        p.made_in = Symbol::Intern(m);
      }
    }
    for (const auto& [regime, col] : class_cols) {
      std::string_view c = Cell(rec, col);
      if (!c.empty()) p.classification.emplace_back(regime, Symbol::Intern(c));
    }
    if (std::string_view k = Cell(rec, c_kind); !k.empty()) {
      std::optional<PartKind> kind = ParsePartKind(k);
      if (!kind) {
        log.Error(p.source, where + "kind '" + std::string(k) + "' is not commodity, software or technology");
      } else {
        p.kind = *kind;
      }
    }
    std::string_view value = Cell(rec, c_value);
    std::string_view currency = Cell(rec, c_currency);
    if (!value.empty()) {
      std::optional<double> v = ParseNumber(value);
      if (!v || *v < 0) {
        log.Error(p.source, where + "value '" + std::string(value) + "' is not a non-negative number");
      } else if (!IsCurrencyCode(currency)) {
        log.Error(p.source, where + "currency '" + std::string(currency) +
                                "' is not an ISO 4217 code (bad unit)");
      } else {
        p.unit_value = Money{*v, Symbol::Intern(currency)};
      }
    }
    p.production.us_technology = ToSymbols(ParseListCell(Cell(rec, c_tech)));
    p.production.us_software = ToSymbols(ParseListCell(Cell(rec, c_soft)));
    p.production.plant_us_technology = ToSymbols(ParseListCell(Cell(rec, c_plant_tech)));
    p.production.plant_us_software = ToSymbols(ParseListCell(Cell(rec, c_plant_soft)));
    p.production.made_with = ParseListCell(Cell(rec, c_made_with));
    Result<Tri> plant = ParseTri(Cell(rec, c_plant));
    if (!plant.ok()) {
      log.Error(p.source, where + "plant_us_origin: " + plant.status().message());
    } else {
      p.production.plant_us_origin = *plant;
    }
    Result<Tri> ic = ParseTri(Cell(rec, c_ic));
    if (!ic.ok()) {
      log.Error(p.source, where + "integrated_circuit: " + ic.status().message());
    } else {
      p.integrated_circuit = *ic;
    }
    if (std::string_view s = Cell(rec, c_supplier); !s.empty()) {
      SupplierDeclaration d;
      d.supplier = std::string(s);
      d.reference = std::string(Cell(rec, c_decl));
      d.made_in = p.made_in;
      d.classification = p.classification;
      p.declarations.push_back(std::move(d));
    }
    Status s = catalog.Add(std::move(p));
    if (!s.ok()) log.Error(at(parts_file, rec.line), s.message());
  }

  // BOM edges.
  const Header bh(bom[0].fields);
  const int c_parent = bh.Find("parent"), c_child = bh.Find("child"), c_qty = bh.Find("quantity"),
            c_unit = bh.Find("unit");
  if (c_parent < 0 || c_child < 0 || c_qty < 0) {
    return InvalidArgument(std::string(bom_file) + ":" + std::to_string(bom[0].line) +
                           ": header must name parent, child and quantity");
  }
  for (size_t r = 1; r < bom.size(); ++r) {
    const internal::CsvRecord& rec = bom[r];
    SourceRef src = at(bom_file, rec.line);
    std::string parent(Cell(rec, c_parent));
    std::string child(Cell(rec, c_child));
    std::string_view qty_text = Cell(rec, c_qty);
    std::string_view unit = Cell(rec, c_unit);
    bool ok = true;
    if (parent.empty() || child.empty()) {
      log.Error(src, "parent and child must both be given");
      continue;
    }
    std::optional<double> qty = ParseNumber(qty_text);
    if (!qty || !(*qty > 0)) {
      log.Error(src, "quantity '" + std::string(qty_text) + "' of '" + child + "' in '" + parent +
                         "' must be a positive number");
      ok = false;
    }
    if (!unit.empty() && unit != "ea" && unit != "each" && unit != "pc" && unit != "pcs") {
      log.Error(src, "unit '" + std::string(unit) + "' of '" + child + "' in '" + parent +
                         "' is not a count (ea, each, pc, pcs): bad unit");
      ok = false;
    }
    Product* p = catalog.FindMutable(parent);
    if (p == nullptr) {
      log.Error(src, "parent '" + parent + "' is not in " + std::string(parts_file) +
                         " (dangling reference)");
      continue;
    }
    if (!ok) continue;
    p->components.push_back(Component{child, *qty, src});
  }
  for (Issue& w : warnings) log.issues().push_back(std::move(w));
  return Finish(std::move(catalog), log, options);
}

Result<CatalogLoad> LoadCatalogCsvFiles(const std::string& bom_path, const std::string& parts_path,
                                        const CatalogLoadOptions& options) {
  ASSIGN_OR_RETURN(std::string bom, ReadFile(bom_path));
  ASSIGN_OR_RETURN(std::string parts, ReadFile(parts_path));
  return LoadCatalogCsv(bom, bom_path, parts, parts_path, options);
}

}  // namespace cordon::supplychain
