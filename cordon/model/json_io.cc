#include "cordon/model/json_io.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace cordon {
namespace {

using json = nlohmann::json;

const std::unordered_set<std::string_view> kActivities = {"export", "reexport", "transfer", "service",
                                                          "release", "broker"};
const std::unordered_set<std::string_view> kRoles = {"purchaser", "intermediate_consignee", "ultimate_consignee",
                                                     "end_user", "seller", "exporter"};
const std::unordered_set<std::string_view> kPartyTypes = {"commercial", "government", "military", "university",
                                                          "individual"};
const std::unordered_set<std::string_view> kIcKinds = {"logic", "dram", "nand", "other"};
const std::unordered_set<std::string_view> kTasks = {"install", "maintain", "repair", "upgrade", "refurbish",
                                                     "train", "ship", "transmit", "clerical"};
const std::unordered_set<std::string_view> kItemKinds = {"commodity", "software", "technology"};

// Collects problems with their field paths.
class Reader {
 public:
  Reader(const Vocabulary& vocab, std::string where) : vocab_(vocab), where_(std::move(where)) {}

  void Error(const std::string& path, const std::string& msg) {
    errors_.push_back(where_ + ": " + (path.empty() ? "" : path + ": ") + msg);
  }
  bool ok() const { return errors_.empty(); }
  Status ToStatus() const {
    std::string all;
    for (size_t i = 0; i < errors_.size(); ++i) {
      if (i) all += "\n";
      all += errors_[i];
    }
    return InvalidArgument(all);
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  bool ExpectObject(const json& j, const std::string& path) {
    if (!j.is_object()) {
      Error(path, std::string("expected an object, got ") + j.type_name());
      return false;
    }
    return true;
  }

  // Refuses keys outside `allowed`.
  void CheckKeys(const json& j, const std::string& path, std::initializer_list<std::string_view> allowed) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool found = false;
      for (auto a : allowed) found = found || a == it.key();
      if (!found) Error(Join(path, it.key()), "unknown field");
    }
  }

  const json* Get(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::string String(const json& j, const char* key, const std::string& path, bool required) {
    const json* v = Get(j, key);
    if (!v) {
      if (required) Error(Join(path, key), "required field is missing");
      return "";
    }
    if (!v->is_string()) {
      Error(Join(path, key), std::string("expected a string, got ") + v->type_name());
      return "";
    }
    return v->get<std::string>();
  }

  Symbol Enum(const json& j, const char* key, const std::string& path, bool required,
              const std::unordered_set<std::string_view>& allowed, const char* what) {
    std::string s = String(j, key, path, required);
    if (s.empty()) return Symbol();
    if (!allowed.count(s)) {
      Error(Join(path, key), "'" + s + "' is not a known " + what);
      return Symbol();
    }
    return Symbol::Intern(s);
  }

  Symbol Country(const json& j, const char* key, const std::string& path, bool required) {
    std::string s = String(j, key, path, required);
    if (s.empty()) return Symbol();
    Symbol sym = Symbol::Intern(s);
    if (!vocab_.IsCountry(sym)) {
      Error(Join(path, key), "'" + s + "' is not an ISO 3166-1 alpha-2 country code");
      return Symbol();
    }
    return sym;
  }

  Symbol CountryValue(const json& v, const std::string& path) {
    if (!v.is_string()) {
      Error(path, std::string("expected a country code string, got ") + v.type_name());
      return Symbol();
    }
    Symbol sym = Symbol::Intern(v.get<std::string>());
    if (!vocab_.IsCountry(sym)) {
      Error(path, "'" + v.get<std::string>() + "' is not an ISO 3166-1 alpha-2 country code");
      return Symbol();
    }
    return sym;
  }

  std::optional<double> Number(const json& j, const char* key, const std::string& path, bool required,
                               bool non_negative = true) {
    const json* v = Get(j, key);
    if (!v) {
      if (required) Error(Join(path, key), "required field is missing");
      return std::nullopt;
    }
    if (!v->is_number()) {
      Error(Join(path, key), std::string("expected a number, got ") + v->type_name());
      return std::nullopt;
    }
    double d = v->get<double>();
    if (!std::isfinite(d) || std::fabs(d) > 1e15) {
      Error(Join(path, key), "number out of range");
      return std::nullopt;
    }
    if (non_negative && d < 0) {
      Error(Join(path, key), "must not be negative (got " + v->dump() + ")");
      return std::nullopt;
    }
    return d;
  }

  std::optional<bool> Bool(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      Error(Join(path, key), std::string("expected true or false, got ") + v->type_name());
      return std::nullopt;
    }
    return v->get<bool>();
  }

  std::optional<Date> DateField(const json& j, const char* key, const std::string& path, bool required) {
    std::string s = String(j, key, path, required);
    if (s.empty()) {
      const json* v = Get(j, key);
      if (v && v->is_string()) Error(Join(path, key), "empty: give a date (YYYY-MM-DD) or leave the field out");
      return std::nullopt;
    }
    auto d = Date::Parse(s);
    if (!d.ok()) {
      Error(Join(path, key), d.status().message());
      return std::nullopt;
    }
    return *d;
  }

  std::vector<std::string> Strings(const json& j, const char* key, const std::string& path) {
    std::vector<std::string> out;
    const json* v = Get(j, key);
    if (!v) return out;
    if (!v->is_array()) {
      Error(Join(path, key), std::string("expected an array, got ") + v->type_name());
      return out;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        Error(Join(path, key) + "[" + std::to_string(i) + "]", "expected a string");
        continue;
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  std::vector<Symbol> Symbols(const json& j, const char* key, const std::string& path) {
    std::vector<Symbol> out;
    for (auto& s : Strings(j, key, path)) out.push_back(Symbol::Intern(s));
    return out;
  }

  std::vector<Symbol> Countries(const json& j, const char* key, const std::string& path) {
    std::vector<Symbol> out;
    const json* v = Get(j, key);
    if (!v) return out;
    if (!v->is_array()) {
      Error(Join(path, key), std::string("expected an array, got ") + v->type_name());
      return out;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      Symbol s = CountryValue((*v)[i], Join(path, key) + "[" + std::to_string(i) + "]");
      if (!s.empty()) out.push_back(s);
    }
    return out;
  }

  std::optional<Money> MoneyField(const json& j, const char* key, const std::string& path) {
    const json* v = Get(j, key);
    if (!v) return std::nullopt;
    std::string p = Join(path, key);
    if (!ExpectObject(*v, p)) return std::nullopt;
    CheckKeys(*v, p, {"amount", "currency"});
    auto amount = Number(*v, "amount", p, true);
    std::string cur = String(*v, "currency", p, true);
    if (!cur.empty() && (cur.size() != 3 || !std::isupper(static_cast<unsigned char>(cur[0])) ||
                         !std::isupper(static_cast<unsigned char>(cur[1])) ||
                         !std::isupper(static_cast<unsigned char>(cur[2])))) {
      Error(Join(p, "currency"), "'" + cur + "' is not an ISO 4217 currency code");
    }
    if (!amount) return std::nullopt;
    return Money{*amount, Symbol::Intern(cur)};
  }

  void ReadEmployer(const json& j, const std::string& path, std::optional<Employer>* out) {
    const json* v = Get(j, "employer");
    if (!v) return;
    std::string p = Join(path, "employer");
    if (!ExpectObject(*v, p)) return;
    CheckKeys(*v, p, {"name", "country", "headquarters", "owned_by_d5_share"});
    Employer e;
    e.name = String(*v, "name", p, false);
    e.country = Country(*v, "country", p, false);
    e.headquarters = Country(*v, "headquarters", p, false);
    e.owned_by_d5_share = Number(*v, "owned_by_d5_share", p, false);
    *out = e;
  }

  Party ReadParty(const json& j, const std::string& path, bool is_exporter) {
    Party p;
    if (!ExpectObject(j, path)) return p;
    CheckKeys(j, path, {"role", "name", "aliases", "address", "country", "headquarters", "owners", "type",
                        "nationalities", "permanent_resident_of", "located_in", "employer", "specific_category",
                        "id"});
    if (is_exporter) {
      p.role = Symbol::Intern("exporter");
    } else {
      p.role = Enum(j, "role", path, true, kRoles, "party role");
    }
    p.name = String(j, "name", path, true);
    p.aliases = Strings(j, "aliases", path);
    p.address = String(j, "address", path, false);
    p.country = Country(j, "country", path, !is_exporter);
    p.headquarters = Country(j, "headquarters", path, false);
    p.type = Enum(j, "type", path, false, kPartyTypes, "party type");
    p.nationalities = Countries(j, "nationalities", path);
    p.permanent_resident_of = Country(j, "permanent_resident_of", path, false);
    p.located_in = Country(j, "located_in", path, false);
    ReadEmployer(j, path, &p.employer);
    if (const json* o = Get(j, "owners")) {
      std::string op = Join(path, "owners");
      if (!o->is_array()) {
        Error(op, "expected an array");
      } else {
        for (size_t i = 0; i < o->size(); ++i) {
          std::string ip = op + "[" + std::to_string(i) + "]";
          if (!ExpectObject((*o)[i], ip)) continue;
          CheckKeys((*o)[i], ip, {"name", "share", "country", "headquarters"});
          Owner ow;
          ow.name = String((*o)[i], "name", ip, true);
          auto share = Number((*o)[i], "share", ip, true);
          if (share && *share > 1) Error(Join(ip, "share"), "a share is a fraction between 0 and 1");
          ow.share = share.value_or(0);
          p.owners.push_back(ow);
        }
      }
    }
    if (const json* sc = Get(j, "specific_category")) {
      std::string sp = Join(path, "specific_category");
      if (sc->is_boolean()) {
        p.specific_category = sc->get<bool>();
      } else if (sc->is_object()) {
        CheckKeys(*sc, sp, {"basis", "country"});
        p.specific_category = true;
        p.specific_category_country = Country(*sc, "country", sp, false);
      } else {
        Error(sp, "expected true/false or an object {basis, country}");
      }
    }
    return p;
  }

  void ReadFacilityFacts(const json& j, const std::string& path, FacilityFacts* f) {
    f->id = String(j, "id", path, false);
    f->name = String(j, "name", path, false);
    f->owner = String(j, "owner", path, false);
    f->country = Country(j, "country", path, false);
    f->headquarters = Country(j, "headquarters", path, false);
    f->ic = Enum(j, "ic", path, false, kIcKinds, "IC kind (logic, dram, nand, other)");
    f->node_nm = Number(j, "node_nm", path, false);
    f->non_planar = Bool(j, "non_planar", path);
    f->nand_layers = Number(j, "nand_layers", path, false);
    f->dram_half_pitch_nm = Number(j, "dram_half_pitch_nm", path, false);
    f->dram_cell_area_um2 = Number(j, "dram_cell_area_um2", path, false);
    f->dram_density_gb_mm2 = Number(j, "dram_density_gb_mm2", path, false);
  }

  std::optional<Facility> ReadFacility(const json& j, const std::string& path, const Context* ctx) {
    if (j.is_string()) {
      // A facility id from the context.
      if (ctx) {
        for (const auto& f : ctx->facilities) {
          if (f.id == j.get<std::string>()) return f;
        }
      }
      pending_facility_refs_.push_back({path, j.get<std::string>()});
      Facility f;
      f.id = j.get<std::string>();
      return f;
    }
    if (!ExpectObject(j, path)) return std::nullopt;
    static const std::initializer_list<std::string_view> kKeys = {
        "id", "name", "country", "headquarters", "owner", "ic", "node_nm", "non_planar", "nand_layers",
        "dram_half_pitch_nm", "dram_cell_area_um2", "dram_density_gb_mm2", "lines"};
    CheckKeys(j, path, kKeys);
    Facility f;
    ReadFacilityFacts(j, path, &f);
    if (const json* lines = Get(j, "lines")) {
      std::string lp = Join(path, "lines");
      if (!lines->is_array()) {
        Error(lp, "expected an array");
      } else {
        for (size_t i = 0; i < lines->size(); ++i) {
          std::string ip = lp + "[" + std::to_string(i) + "]";
          if (!ExpectObject((*lines)[i], ip)) continue;
          CheckKeys((*lines)[i], ip, kKeys);
          FacilityFacts line;
          ReadFacilityFacts((*lines)[i], ip, &line);
          f.lines.push_back(line);
        }
      }
    }
    return f;
  }

  Item ReadItem(const json& j, const std::string& path) {
    Item it;
    if (!ExpectObject(j, path)) return it;
    CheckKeys(j, path, {"id", "description", "kind", "quantity", "unit_value", "made_in", "classification",
                        "us_content", "production", "product", "specs"});
    it.id = String(j, "id", path, false);
    it.description = String(j, "description", path, false);
    it.kind = Enum(j, "kind", path, false, kItemKinds, "item kind (commodity, software, technology)");
    it.quantity = Number(j, "quantity", path, false);
    it.unit_value = MoneyField(j, "unit_value", path);
    it.made_in = Country(j, "made_in", path, false);
    if (const json* c = Get(j, "classification")) {
      std::string cp = Join(path, "classification");
      if (ExpectObject(*c, cp)) {
        for (auto e = c->begin(); e != c->end(); ++e) {
          Symbol regime = Symbol::Intern(e.key());
          if (!vocab_.IsRegime(regime)) {
            Error(Join(cp, e.key()), "'" + e.key() + "' is not a known regime");
            continue;
          }
          if (e->is_null()) continue;
          if (!e->is_string() || e->get<std::string>().empty()) {
            Error(Join(cp, e.key()), "expected a non-empty classification string");
            continue;
          }
          it.classification.push_back({regime, Symbol::Intern(e->get<std::string>())});
        }
      }
    }
    if (const json* u = Get(j, "us_content")) {
      std::string up = Join(path, "us_content");
      if (ExpectObject(*u, up)) {
        it.has_us_content = true;
        CheckKeys(*u, up, {"controlled_value", "parts", "contains_us_ic", "contains_fdp_ic", "report_filed"});
        it.controlled_value = MoneyField(*u, "controlled_value", up);
        it.contains_us_ic = Bool(*u, "contains_us_ic", up);
        it.contains_fdp_ic = Bool(*u, "contains_fdp_ic", up);
        it.report_filed = Bool(*u, "report_filed", up);
        if (const json* parts = Get(*u, "parts")) {
          std::string pp = Join(up, "parts");
          if (!parts->is_array()) {
            Error(pp, "expected an array");
          } else {
            it.has_parts = true;
            for (size_t i = 0; i < parts->size(); ++i) {
              std::string ip = pp + "[" + std::to_string(i) + "]";
              const json& pj = (*parts)[i];
              if (!ExpectObject(pj, ip)) continue;
              CheckKeys(pj, ip, {"classification", "value", "software", "description"});
              ContentPart part;
              std::string cls = String(pj, "classification", ip, true);
              part.classification = Symbol::Intern(cls);
              part.value = Number(pj, "value", ip, true).value_or(0);
              std::string sw = String(pj, "software", ip, false);
              if (!sw.empty() && sw != "bundled" && sw != "separate") {
                Error(Join(ip, "software"), "expected 'bundled' or 'separate'");
              }
              part.software = Symbol::Intern(sw);
              it.parts.push_back(part);
            }
          }
        }
      }
    }
    if (const json* p = Get(j, "production")) {
      std::string pp = Join(path, "production");
      if (ExpectObject(*p, pp)) {
        it.has_production = true;
        CheckKeys(*p, pp, {"us_technology", "us_software", "plant_us_origin", "plant", "made_with",
                           "technology_origin"});
        it.us_technology = Symbols(*p, "us_technology", pp);
        it.us_software = Symbols(*p, "us_software", pp);
        it.plant_us_origin = Bool(*p, "plant_us_origin", pp);
        it.made_with = Strings(*p, "made_with", pp);
        if (const json* plant = Get(*p, "plant")) {
          std::string lp = Join(pp, "plant");
          if (ExpectObject(*plant, lp)) {
            CheckKeys(*plant, lp, {"us_technology", "us_software"});
            it.plant_us_technology = Symbols(*plant, "us_technology", lp);
            it.plant_us_software = Symbols(*plant, "us_software", lp);
          }
        }
        if (const json* to = Get(*p, "technology_origin")) {
          std::string tp = Join(pp, "technology_origin");
          if (ExpectObject(*to, tp)) {
            for (auto e = to->begin(); e != to->end(); ++e) {
              Symbol c = Symbol::Intern(e.key());
              if (!vocab_.IsCountry(c)) Error(Join(tp, e.key()), "not an ISO 3166-1 alpha-2 country code");
              it.technology_origin.push_back({c, Symbols(*to, e.key().c_str(), tp)});
              it.technology_origin_countries.push_back(c);
            }
            it.has_technology_origin = true;
          }
        }
      }
    }
    it.product = String(j, "product", path, false);
    if (const json* s = Get(j, "specs")) {
      std::string sp = Join(path, "specs");
      if (ExpectObject(*s, sp)) {
        for (auto e = s->begin(); e != s->end(); ++e) {
          SpecValue v;
          if (e->is_number()) {
            v.kind = SpecValue::Kind::kNumber;
            v.number = e->get<double>();
            if (!std::isfinite(v.number)) Error(Join(sp, e.key()), "number out of range");
          } else if (e->is_string()) {
            v.kind = SpecValue::Kind::kString;
            v.text = Symbol::Intern(e->get<std::string>());
          } else if (e->is_boolean()) {
            v.kind = SpecValue::Kind::kBool;
            v.flag = e->get<bool>();
          } else if (e->is_null()) {
            continue;
          } else {
            Error(Join(sp, e.key()), "a spec is a number, a string or a boolean");
            continue;
          }
          it.specs.push_back({Symbol::Intern(e.key()), v});
        }
      }
    }
    return it;
  }

  std::vector<std::pair<std::string, std::string>> pending_facility_refs_;

 private:
  const Vocabulary& vocab_;
  std::string where_;
  std::vector<std::string> errors_;
};

}  // namespace

namespace {

// nlohmann's own DOM builder (json_sax_dom_parser) with a watch for repeated keys: the same tree,
// the same exceptions (parse_error rethrows what the parser made), for the same text.
struct JsonTreeBuilder {
  json root;
  std::vector<json*> open;  // the arrays and objects being built, outermost first
  // Per open object, the key whose value is being read (its node in the map, which stays put);
  // a value after a nested one needs no restoring: the object's next key sets `element` again.
  std::vector<const std::string*> keys;
  json* element = nullptr;  // where the next value of the innermost object goes
  std::string duplicate;    // the path of the first repeated key

  template <typename V>
  json* Put(V&& v) {
    if (open.empty()) {
      root = json(std::forward<V>(v));
      return &root;
    }
    json& top = *open.back();
    if (top.is_array()) {
      auto& a = top.get_ref<json::array_t&>();
      a.emplace_back(std::forward<V>(v));
      return &a.back();
    }
    *element = json(std::forward<V>(v));
    return element;
  }
  std::string PathOf() const {
    std::string p;
    size_t k = 0;
    for (const json* j : open) {
      if (j->is_array()) {
        p += "[" + std::to_string(j->size() - 1) + "]";  // reached before its element was closed
      } else {
        const std::string& key = *keys[k++];
        if (!key.empty()) p += (p.empty() ? "" : ".") + key;
      }
    }
    return p;
  }

  bool null() { Put(nullptr); return true; }
  bool boolean(bool v) { Put(v); return true; }
  bool number_integer(json::number_integer_t v) { Put(v); return true; }
  bool number_unsigned(json::number_unsigned_t v) { Put(v); return true; }
  bool number_float(json::number_float_t v, const json::string_t&) { Put(v); return true; }
  bool string(json::string_t& v) { Put(v); return true; }
  bool binary(json::binary_t& v) { Put(std::move(v)); return true; }
  bool start_object(std::size_t) {
    open.push_back(Put(json::value_t::object));
    keys.push_back(nullptr);
    return true;
  }
  bool key(json::string_t& k) {
    auto& o = open.back()->get_ref<json::object_t&>();
    auto it = o.find(k);
    if (it != o.end()) {
      if (duplicate.empty()) {
        keys.back() = &it->first;
        duplicate = PathOf();
      }
      it->second = nullptr;  // the last value is kept, as the parser does
    } else {
      it = o.emplace(k, nullptr).first;
    }
    keys.back() = &it->first;
    element = &it->second;
    return true;
  }
  bool end_object() {
    open.pop_back();
    keys.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    open.push_back(Put(json::value_t::array));
    return true;
  }
  bool end_array() {
    open.pop_back();
    return true;
  }
  template <typename Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& ex) {
    throw ex;
  }
};

}  // namespace

Result<json> ParseJsonText(std::string_view text, const std::string& source) {
  // The parser and the value recurse per level: refuse absurd nesting before it can exhaust the stack.
  constexpr int kMaxDepth = 200;
  int depth = 0, line = 1;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) {
        return InvalidArgument(source + ":" + std::to_string(line) + ": JSON nested deeper than " +
                               std::to_string(kMaxDepth) + " levels");
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  // JSON lets an object repeat a key and the parser keeps the last; in an order or a licence that
  // hides one of two answers, so a repeated key is bad input. The tree is built by a SAX handler of
  // our own, which sees a repeated key as a key already in the object being built (one map look-up,
  // nothing allocated) and knows where it is from the values being built.
  JsonTreeBuilder builder;
  try {
    json::sax_parse(text.begin(), text.end(), &builder);
    if (!builder.duplicate.empty()) return InvalidArgument(source + ": " + builder.duplicate + ": key repeated in the same object");
    return std::move(builder.root);
  } catch (const json::parse_error& e) {
    // Convert the byte offset to line:column.
    size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    size_t err_line = 1, col = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') { ++err_line; col = 1; } else { ++col; }
    }
    std::string what = e.what();
    auto pos = what.find("parse error");
    if (pos != std::string::npos) what = what.substr(pos);
    return InvalidArgument(source + ":" + std::to_string(err_line) + ":" + std::to_string(col) +
                           ": malformed JSON: " + what);
  } catch (const json::exception& e) {
    // A number the parser cannot hold (1e400) is thrown as out_of_range, without a position.
    std::string what = e.what();
    auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    return InvalidArgument(source + ": malformed JSON: " + what);
  }
}

Result<json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseJsonText(ss.str(), path);
}

Result<Transaction> TransactionFromJson(const json& j, const Vocabulary& vocab, const std::string& where) {
  Reader r(vocab, where);
  Transaction t;
  if (!r.ExpectObject(j, "transaction")) return r.ToStatus();
  r.CheckKeys(j, "", {"id", "date", "activity", "ship_from", "destination", "route", "exporter", "parties",
                      "items", "end_use", "service", "licenses", "knowledge", "unknown"});
  t.id = r.String(j, "id", "", false);
  if (auto d = r.DateField(j, "date", "", false)) {
    t.date = *d;
    t.date_given = true;
  }
  t.activity = r.Enum(j, "activity", "", true, kActivities, "activity (export, reexport, transfer, service, release, broker)");
  t.ship_from = r.Country(j, "ship_from", "", true);
  t.destination = r.Country(j, "destination", "", true);
  t.route = r.Countries(j, "route", "");
  if (const json* e = r.Get(j, "exporter")) {
    t.exporter = r.ReadParty(*e, "exporter", true);
  } else {
    r.Error("exporter", "required field is missing");
  }
  if (const json* ps = r.Get(j, "parties")) {
    if (!ps->is_array()) {
      r.Error("parties", "expected an array");
    } else {
      for (size_t i = 0; i < ps->size(); ++i) {
        t.parties.push_back(r.ReadParty((*ps)[i], "parties[" + std::to_string(i) + "]", false));
      }
    }
  }
  if (const json* is = r.Get(j, "items")) {
    if (!is->is_array()) {
      r.Error("items", "expected an array");
    } else {
      for (size_t i = 0; i < is->size(); ++i) {
        t.items.push_back(r.ReadItem((*is)[i], "items[" + std::to_string(i) + "]"));
        // Licences and traces name items by id: two items with one id would be confused.
        for (size_t k = 0; k < i && !t.items[i].id.empty(); ++k) {
          if (t.items[k].id == t.items[i].id) {
            r.Error("items[" + std::to_string(i) + "].id",
                    "'" + t.items[i].id + "' is already the id of items[" + std::to_string(k) + "]");
            break;
          }
        }
      }
    }
  } else {
    r.Error("items", "required field is missing (use [] for a service with no items)");
  }
  if (const json* eu = r.Get(j, "end_use")) {
    if (r.ExpectObject(*eu, "end_use")) {
      t.has_end_use = true;
      r.CheckKeys(*eu, "end_use", {"facility", "purpose"});
      if (const json* f = r.Get(*eu, "facility")) t.facility = r.ReadFacility(*f, "end_use.facility", nullptr);
      if (const json* p = r.Get(*eu, "purpose")) {
        if (p->is_string()) {
          t.purpose.push_back(Symbol::Intern(p->get<std::string>()));
        } else {
          t.purpose = r.Symbols(*eu, "purpose", "end_use");
        }
      }
    }
  }
  if (const json* s = r.Get(j, "service")) {
    if (r.ExpectObject(*s, "service")) {
      r.CheckKeys(*s, "service", {"performer", "task", "equipment", "facility"});
      Service sv;
      if (const json* p = r.Get(*s, "performer")) {
        sv.performer = r.ReadParty(*p, "service.performer", true);
        sv.performer.role = Symbol::Intern("performer");
      } else {
        r.Error("service.performer", "required field is missing");
      }
      sv.task = r.Enum(*s, "task", "service", true, kTasks, "service task");
      if (const json* e = r.Get(*s, "equipment")) sv.equipment = r.ReadItem(*e, "service.equipment");
      if (const json* f = r.Get(*s, "facility")) sv.facility = r.ReadFacility(*f, "service.facility", nullptr);
      t.service = sv;
    }
  }
  t.licenses = r.Strings(j, "licenses", "");
  if (const json* k = r.Get(j, "knowledge")) {
    if (r.ExpectObject(*k, "knowledge")) {
      r.CheckKeys(*k, "knowledge", {"informed", "aware", "suspects"});
      Knowledge kn;
      kn.informed = r.Symbols(*k, "informed", "knowledge");
      kn.aware = r.Symbols(*k, "aware", "knowledge");
      kn.suspects = r.Symbols(*k, "suspects", "knowledge");
      t.knowledge = kn;
    }
  }
  t.unknown = r.Strings(j, "unknown", "");
  if (t.activity == Symbol::Intern("service") && !t.service) {
    r.Error("service", "activity 'service' needs a service object (performer, task)");
  }
  if (!r.ok()) return r.ToStatus();
  return t;
}

Result<Context> ContextFromJson(const json& j, const Vocabulary& vocab, const std::string& where) {
  Reader r(vocab, where);
  Context c;
  if (!r.ExpectObject(j, "context")) return r.ToStatus();
  r.CheckKeys(j, "", {"facilities", "products", "licenses", "list_entries"});
  if (const json* fs = r.Get(j, "facilities")) {
    if (!fs->is_array()) {
      r.Error("facilities", "expected an array");
    } else {
      for (size_t i = 0; i < fs->size(); ++i) {
        std::string p = "facilities[" + std::to_string(i) + "]";
        auto f = r.ReadFacility((*fs)[i], p, nullptr);
        if (f) {
          if (f->id.empty()) r.Error(p + ".id", "required field is missing");
          c.facilities.push_back(*f);
        }
      }
    }
  }
  if (const json* ps = r.Get(j, "products")) {
    if (!ps->is_array()) r.Error("products", "expected an array");
    c.products_json = ps->dump();
  }
  if (const json* ls = r.Get(j, "licenses")) {
    if (!ls->is_array()) {
      r.Error("licenses", "expected an array");
    } else {
      for (size_t i = 0; i < ls->size(); ++i) {
        std::string p = "licenses[" + std::to_string(i) + "]";
        const json& lj = (*ls)[i];
        if (!r.ExpectObject(lj, p)) continue;
        r.CheckKeys(lj, p, {"id", "regime", "holder", "issued", "expires", "revoked", "suspended", "items",
                            "destinations", "parties", "max_value", "max_quantity", "used_value", "used_quantity",
                            "end_uses"});
        License l;
        l.id = r.String(lj, "id", p, true);
        std::string regime = r.String(lj, "regime", p, true);
        l.regime = Symbol::Intern(regime);
        if (!regime.empty() && !vocab.IsRegime(l.regime)) r.Error(p + ".regime", "'" + regime + "' is not a known regime");
        l.holder = r.String(lj, "holder", p, false);
        l.issued = r.DateField(lj, "issued", p, false);
        l.expires = r.DateField(lj, "expires", p, false);
        l.revoked = r.DateField(lj, "revoked", p, false);
        l.suspended = r.DateField(lj, "suspended", p, false);
        if (l.issued && l.expires && *l.expires < *l.issued) r.Error(p + ".expires", "expires before it is issued");
        l.items = r.Strings(lj, "items", p);
        l.destinations = r.Countries(lj, "destinations", p);
        l.parties = r.Strings(lj, "parties", p);
        l.max_value = r.MoneyField(lj, "max_value", p);
        l.max_quantity = r.Number(lj, "max_quantity", p, false);
        l.used_value = r.MoneyField(lj, "used_value", p);
        l.used_quantity = r.Number(lj, "used_quantity", p, false);
        l.end_uses = r.Strings(lj, "end_uses", p);
        c.licenses.push_back(l);
      }
    }
  }
  if (const json* es = r.Get(j, "list_entries")) {
    if (!es->is_array()) {
      r.Error("list_entries", "expected an array");
    } else {
      for (size_t i = 0; i < es->size(); ++i) {
        std::string p = "list_entries[" + std::to_string(i) + "]";
        const json& ej = (*es)[i];
        if (!r.ExpectObject(ej, p)) continue;
        r.CheckKeys(ej, p, {"list", "name", "aliases", "country", "added", "removed", "license_requirement",
                            "review_policy", "footnotes", "history", "federal_register", "license_exceptions",
                            "policy_when", "policy_else", "address", "note", "source", "verified"});
        ListEntry e;
        e.list = Symbol::Intern(r.String(ej, "list", p, true));
        e.name = r.String(ej, "name", p, true);
        e.aliases = r.Strings(ej, "aliases", p);
        e.country = r.Country(ej, "country", p, false);
        e.added = r.DateField(ej, "added", p, false);
        e.removed = r.DateField(ej, "removed", p, false);
        e.license_requirement = r.String(ej, "license_requirement", p, false);
        e.review_policy = r.String(ej, "review_policy", p, false);
        e.federal_register = r.String(ej, "federal_register", p, false);
        e.license_exceptions = r.Strings(ej, "license_exceptions", p);
        e.policy_else = r.String(ej, "policy_else", p, false);
        e.verified = r.Bool(ej, "verified", p).value_or(true);
        e.note = r.String(ej, "note", p, false);
        if (const json* fn = r.Get(ej, "footnotes")) {
          if (!fn->is_array()) {
            r.Error(p + ".footnotes", "expected an array of footnote numbers");
          } else {
            for (size_t k = 0; k < fn->size(); ++k) {
              if (!(*fn)[k].is_number_integer() || (*fn)[k].get<int>() < 1 || (*fn)[k].get<int>() > 9) {
                r.Error(p + ".footnotes[" + std::to_string(k) + "]", "expected a footnote number 1-9");
              } else {
                e.footnotes.push_back((*fn)[k].get<int>());
              }
            }
          }
        }
        if (const json* pw = r.Get(ej, "policy_when")) {
          if (!pw->is_array()) {
            r.Error(p + ".policy_when", "expected an array of {when, policy}");
          } else {
            for (size_t k = 0; k < pw->size(); ++k) {
              std::string wp = p + ".policy_when[" + std::to_string(k) + "]";
              if (!r.ExpectObject((*pw)[k], wp)) continue;
              e.policy_when.push_back({r.String((*pw)[k], "when", wp, true), r.String((*pw)[k], "policy", wp, true)});
            }
          }
        }
        if (const json* h = r.Get(ej, "history")) {
          if (!h->is_array()) {
            r.Error(p + ".history", "expected an array");
          } else {
            for (size_t k = 0; k < h->size(); ++k) {
              std::string hp = p + ".history[" + std::to_string(k) + "]";
              const json& hj = (*h)[k];
              if (!r.ExpectObject(hj, hp)) continue;
              r.CheckKeys(hj, hp, {"from", "footnotes", "review_policy", "license_requirement", "note"});
              ListEntryChange ch;
              ch.from = r.DateField(hj, "from", hp, true).value_or(Date());
              if (const json* fn = r.Get(hj, "footnotes")) {
                std::vector<int> f;
                if (fn->is_array()) {
                  for (auto& x : *fn) {
                    if (x.is_number_integer()) f.push_back(x.get<int>());
                    else r.Error(hp + ".footnotes", "expected footnote numbers");
                  }
                } else {
                  r.Error(hp + ".footnotes", "expected an array");
                }
                ch.footnotes = f;
              }
              if (r.Get(hj, "review_policy")) ch.review_policy = r.String(hj, "review_policy", hp, false);
              if (r.Get(hj, "license_requirement")) ch.license_requirement = r.String(hj, "license_requirement", hp, false);
              e.history.push_back(ch);
            }
          }
        }
        e.source = where;
        c.list_entries.push_back(e);
      }
    }
  }
  if (!r.ok()) return r.ToStatus();
  return c;
}

}  // namespace cordon
