#include "cordon/whatif/scenario.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cordon/model/json_io.h"

namespace cordon::whatif {

namespace {

Status FieldError(const std::string& path, const std::string& field, const std::string& what) {
  return InvalidArgument(path + ": " + field + ": " + what);
}

Result<std::string> Text(const nlohmann::json& j, const std::string& path, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) return FieldError(path, key, "required field is missing");
    return std::string();
  }
  if (!it->is_string()) return FieldError(path, key, "expected a string");
  return it->get<std::string>();
}

}  // namespace

Result<Scenario> LoadScenario(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::json j, ReadJsonFile(path));
  if (!j.is_object()) return InvalidArgument(path + ": a scenario is a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "id" && k != "title" && k != "rationale" && k != "from" && k != "rules" && k != "retire") {
      return FieldError(path, k, "unknown field");
    }
  }
  Scenario s;
  s.source = path;
  ASSIGN_OR_RETURN(s.id, Text(j, path, "id", true));
  ASSIGN_OR_RETURN(s.title, Text(j, path, "title", true));
  ASSIGN_OR_RETURN(s.rationale, Text(j, path, "rationale", true));
  ASSIGN_OR_RETURN(std::string from, Text(j, path, "from", true));
  auto d = Date::Parse(from);
  if (!d.ok()) return FieldError(path, "from", d.status().message());
  s.from = *d;
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  auto strings = [&](const char* key, std::vector<std::string>* out) -> Status {
    auto it = j.find(key);
    if (it == j.end()) return Status::Ok();
    if (!it->is_array()) return FieldError(path, key, "expected an array of strings");
    for (size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) return FieldError(path, std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
      out->push_back((*it)[i].get<std::string>());
    }
    return Status::Ok();
  };
  std::vector<std::string> files, retire;
  RETURN_IF_ERROR(strings("rules", &files));
  RETURN_IF_ERROR(strings("retire", &retire));
  if (files.empty() && retire.empty()) return FieldError(path, "rules", "a scenario adds rules or retires some");
  for (size_t i = 0; i < files.size(); ++i) {
    std::filesystem::path f = dir / files[i];
    std::error_code ec;
    if (!std::filesystem::exists(f, ec)) {
      return FieldError(path, "rules[" + std::to_string(i) + "]", "'" + files[i] + "': no such rule file");
    }
    s.rule_files.push_back(f.string());
  }
  for (size_t i = 0; i < retire.size(); ++i) {
    s.retire.push_back(RuleRetirement{retire[i], s.from, path + ": retire[" + std::to_string(i) + "]"});
  }
  return s;
}

Scenario Combine(const std::vector<Scenario>& parts) {
  if (parts.size() == 1) return parts[0];
  Scenario c;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Scenario& p = parts[i];
    const char* sep = i == 0 ? "" : "+";
    c.id += sep + p.id;
    c.source += sep + p.source;
    c.title += (i == 0 ? "" : "; and ") + p.title;
    c.rationale += (i == 0 ? "" : "\n\n") + p.rationale;
    if (i == 0 || p.from < c.from) c.from = p.from;
    c.rule_files.insert(c.rule_files.end(), p.rule_files.begin(), p.rule_files.end());
    c.retire.insert(c.retire.end(), p.retire.begin(), p.retire.end());
  }
  return c;
}

Result<Scenario> LoadScenarios(const std::string& spec) {
  std::vector<Scenario> parts;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t plus = spec.find('+', start);
    std::string one = spec.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    if (one.empty()) return InvalidArgument("'" + spec + "': an empty scenario between '+' signs");
    ASSIGN_OR_RETURN(Scenario s, LoadScenario(one));
    parts.push_back(std::move(s));
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return Combine(parts);
}

}  // namespace cordon::whatif
