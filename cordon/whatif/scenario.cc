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

}  // namespace cordon::whatif
