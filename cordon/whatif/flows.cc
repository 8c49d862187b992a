#include "cordon/whatif/flows.h"

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cordon/engine/engine.h"
#include "cordon/model/json_io.h"

namespace cordon::whatif {

using json = nlohmann::json;

Result<Flow> ParseFlow(const json& j, const Engine& engine, const std::string& where) {
  if (!j.is_object()) return InvalidArgument(where + ": a flow is a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "id" && it.key() != "weight" && it.key() != "concern" && it.key() != "transaction") {
      return InvalidArgument(where + ": " + it.key() + ": unknown field");
    }
  }
  Flow f;
  if (auto it = j.find("id"); it != j.end()) {
    if (!it->is_string()) return InvalidArgument(where + ": id: expected a string");
    f.id = it->get<std::string>();
  }
  if (auto it = j.find("weight"); it != j.end()) {
    if (!it->is_number() || it->get<double>() <= 0) return InvalidArgument(where + ": weight: expected a positive number");
    f.weight = it->get<double>();
  }
  if (auto it = j.find("concern"); it != j.end()) {
    if (!it->is_boolean()) return InvalidArgument(where + ": concern: expected true or false");
    f.concern = it->get<bool>();
  }
  auto tx = j.find("transaction");
  if (tx == j.end()) return InvalidArgument(where + ": transaction: required field is missing");
  ASSIGN_OR_RETURN(f.tx, engine.ParseTransaction(*tx, where + ": transaction"));
  if (f.id.empty()) f.id = f.tx.id;
  for (const Item& it : f.tx.items) {
    if (it.unit_value) f.value += it.unit_value->amount * it.quantity.value_or(1);
  }
  // The route as the policy sees it: where the technology came from, where it was assembled,
  // where it goes.
  std::string route;
  for (const Item& it : f.tx.items) {
    for (Symbol c : it.technology_origin_countries) {
      if (c != f.tx.ship_from) route = std::string(c.text()) + ">";
      break;
    }
    break;
  }
  route += std::string(f.tx.ship_from.text());
  for (Symbol c : f.tx.route) route += ">" + std::string(c.text());
  route += ">" + std::string(f.tx.destination.text());
  f.route = route;
  return f;
}

Result<std::vector<Flow>> LoadFlows(const std::string& path, const Engine& engine,
                                    const std::function<void(size_t)>& progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot open file");
  std::vector<Flow> flows;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(n);
    ASSIGN_OR_RETURN(json j, ParseJsonText(line, where));
    ASSIGN_OR_RETURN(Flow f, ParseFlow(j, engine, where));
    flows.push_back(std::move(f));
    if (progress && flows.size() % 10000 == 0) progress(flows.size());
  }
  if (progress) progress(flows.size());
  return flows;
}

namespace {

// Picks an element of a JSON array of objects by their "weight".
const json& Pick(const json& options, std::mt19937_64& rng) {
  double total = 0;
  for (const auto& o : options) total += o.value("weight", 1.0);
  double r = std::uniform_real_distribution<double>(0, total)(rng);
  for (const auto& o : options) {
    r -= o.value("weight", 1.0);
    if (r <= 0) return o;
  }
  return options.back();
}

// What each entry of a profile's arrays must hold: the generator reads these fields without
// further checks (a missing one used to be read past the end of the object).
struct FieldRule {
  const char* array;
  const char* field;
  json::value_t type;  // string, object, boolean, number (any numeric kind), array (a value range)
};
constexpr FieldRule kProfileFields[] = {
    {"origins", "country", json::value_t::string},      {"origins", "exporter", json::value_t::string},
    {"hubs", "country", json::value_t::string},         {"products", "name", json::value_t::string},
    {"products", "classification", json::value_t::object}, {"products", "value", json::value_t::array},
    {"facilities", "name", json::value_t::string},      {"facilities", "owner", json::value_t::string},
    {"facilities", "country", json::value_t::string},   {"facilities", "headquarters", json::value_t::string},
    {"facilities", "ic", json::value_t::string},        {"facilities", "node_nm", json::value_t::number_float},
    {"facilities", "non_planar", json::value_t::boolean}, {"paths", "kind", json::value_t::string},
};

bool HasType(const json& v, json::value_t t) {
  switch (t) {
    case json::value_t::string: return v.is_string();
    case json::value_t::object: return v.is_object();
    case json::value_t::boolean: return v.is_boolean();
    case json::value_t::number_float: return v.is_number();
    case json::value_t::array:  // a value range [low, high]
      return v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number() && v[0].get<double>() >= 0 &&
             v[0].get<double>() <= v[1].get<double>();
    default: return false;
  }
}

const char* TypeName(json::value_t t) {
  switch (t) {
    case json::value_t::string: return "a string";
    case json::value_t::object: return "an object";
    case json::value_t::boolean: return "true or false";
    case json::value_t::number_float: return "a number";
    case json::value_t::array: return "a range [low, high] of numbers, 0 <= low <= high";
    default: return "?";
  }
}

Status CheckProfile(const json& p, const std::string& path) {
  for (const char* k : {"dates", "origins", "hubs", "products", "facilities", "paths"}) {
    if (!p.contains(k) || !p[k].is_array() || p[k].empty()) {
      return InvalidArgument(path + ": " + k + ": required, a non-empty array");
    }
    for (size_t i = 0; i < p[k].size(); ++i) {
      const json& e = p[k][i];
      const std::string at = path + ": " + k + "[" + std::to_string(i) + "]";
      if (std::string_view(k) == "dates") {
        if (!e.is_string()) return InvalidArgument(at + ": expected a date string");
        continue;
      }
      if (!e.is_object()) return InvalidArgument(at + ": expected an object");
      if (e.contains("weight") && (!e["weight"].is_number() || !(e["weight"].get<double>() >= 0) ||
                                   !std::isfinite(e["weight"].get<double>()))) {
        return InvalidArgument(at + ".weight: expected a number >= 0");
      }
      for (const FieldRule& f : kProfileFields) {
        if (std::string_view(f.array) != k) continue;
        if (!e.contains(f.field) || !HasType(e[f.field], f.type)) {
          return InvalidArgument(at + "." + f.field + ": required, " + TypeName(f.type));
        }
      }
      if (std::string_view(k) == "facilities" && e.contains("concern") && !e["concern"].is_boolean()) {
        return InvalidArgument(at + ".concern: expected true or false");
      }
    }
  }
  if (p.contains("rates")) {
    if (!p["rates"].is_object()) return InvalidArgument(path + ": rates: must be an object");
    for (const char* k : {"knowledge_unknown", "contains_fdp_ic", "contains_fdp_ic_unknown"}) {
      if (!p["rates"].contains(k)) continue;
      const json& v = p["rates"][k];
      if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
        return InvalidArgument(path + ": rates." + k + ": must be a number from 0 to 1");
      }
    }
  }
  return Status::Ok();
}

// How often a generated flow carries a fact and what it says: real declarations are mostly
// complete, and the few gaps are what a compliance desk would have to chase.
struct UnknownRates {
  double knowledge_unknown = 0;  // share of flows with no statement of what the exporter knows
  double fdp_ic = 0;             // share of foreign-made items holding a US direct-product chip
  double fdp_ic_unknown = 0;     // share whose supplier did not say
};

UnknownRates ReadRates(const json& p) {
  UnknownRates r;
  const json rates = p.value("rates", json::object());
  r.knowledge_unknown = rates.value("knowledge_unknown", 0.0);
  r.fdp_ic = rates.value("contains_fdp_ic", 0.0);
  r.fdp_ic_unknown = rates.value("contains_fdp_ic_unknown", 0.0);
  return r;
}

}  // namespace

Status GenerateFlows(const std::string& profile_path, size_t count, uint64_t seed, std::ostream& out) {
  ASSIGN_OR_RETURN(json p, ReadJsonFile(profile_path));
  if (!p.is_object()) return InvalidArgument(profile_path + ": a flow profile is a JSON object");
  RETURN_IF_ERROR(CheckProfile(p, profile_path));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  const UnknownRates rates = ReadRates(p);
  json tx_knowledge;
  for (size_t i = 0; i < count; ++i) {
    const json& fac = Pick(p["facilities"], rng);
    const json& origin = Pick(p["origins"], rng);
    const json& product = Pick(p["products"], rng);
    const std::string path = Pick(p["paths"], rng)["kind"].get<std::string>();
    const std::string date = p["dates"][rng() % p["dates"].size()].get<std::string>();
    const std::string o = origin["country"].get<std::string>();
    const std::string dest = fac["country"].get<std::string>();
    double lo = product["value"][0].get<double>(), hi = product["value"][1].get<double>();
    double value = std::round(lo + (hi - lo) * unit(rng));
    std::string made_in = o, ship_from = o;
    if (path == "hub") {
      made_in = ship_from = Pick(p["hubs"], rng)["country"].get<std::string>();
    }
    json tech = json::object();
    if (o != "US") tech[o] = json::array({"design"});
    json us_content = json::object();
    if (made_in != "US") {
      // Foreign-made: some US-origin content, sometimes a US chip inside.
      us_content["controlled_value"] = {{"amount", std::round(value * 0.3 * unit(rng))}, {"currency", "USD"}};
      us_content["contains_us_ic"] = unit(rng) < 0.5;
      // Whether it holds a chip that is itself a US direct product: declared by most suppliers,
      // left unknown by some (the profile says how many), which the rules must then hold.
      if (unit(rng) >= rates.fdp_ic_unknown) us_content["contains_fdp_ic"] = unit(rng) < rates.fdp_ic;
    }
    json item = {{"id", "I1"},
                 {"description", product["name"]},
                 {"kind", "commodity"},
                 {"quantity", 1},
                 {"unit_value", {{"amount", value}, {"currency", "USD"}}},
                 {"made_in", made_in},
                 {"classification", product["classification"]},
                 {"production", {{"us_technology", json::array()}, {"us_software", json::array()},
                                 {"plant_us_origin", made_in != "US" && unit(rng) < 0.3},
                                 {"technology_origin", tech}}}};
    if (!us_content.empty()) item["us_content"] = us_content;
    if (unit(rng) >= rates.knowledge_unknown) {
      tx_knowledge = {{"informed", json::array()}, {"aware", json::array()}, {"suspects", json::array()}};
    } else {
      tx_knowledge = nullptr;
    }
    json facility = {{"name", fac["name"]}, {"country", dest}, {"headquarters", fac["headquarters"]},
                     {"ic", fac["ic"]}, {"node_nm", fac["node_nm"]}, {"non_planar", fac["non_planar"]}};
    json tx = {{"id", "F" + std::to_string(i + 1)},
               {"date", date},
               {"ship_from", ship_from},
               {"destination", dest},
               {"exporter", {{"name", origin["exporter"]}, {"country", ship_from}, {"headquarters", o}}},
               {"parties", json::array({{{"role", "end_user"}, {"name", fac["owner"]}, {"country", dest},
                                          {"headquarters", fac["headquarters"]}}})},
               {"end_use", {{"facility", facility}, {"purpose", json::array({"production"})}}}};
    if (!tx_knowledge.is_null()) tx["knowledge"] = tx_knowledge;
    if (path == "service") {
      tx["activity"] = "service";
      tx["items"] = json::array();
      tx["service"] = {{"task", "maintain"},
                       {"performer", {{"name", "Field engineer"}, {"nationalities", json::array({o})},
                                      {"located_in", dest},
                                      {"employer", {{"name", origin["exporter"]}, {"country", o}, {"headquarters", o}}}}},
                       {"equipment", item}};
      tx["exporter"]["country"] = o;
      tx["ship_from"] = o;
    } else {
      tx["activity"] = "export";
      tx["items"] = json::array({item});
    }
    json flow = {{"id", "F" + std::to_string(i + 1)}, {"weight", 1}, {"concern", fac.value("concern", false)},
                 {"transaction", tx}};
    out << flow.dump() << '\n';
  }
  return Status::Ok();
}

}  // namespace cordon::whatif
