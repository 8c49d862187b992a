#include "cordon/lists/list_entity.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace cordon::lists {

const char* EntityTypeName(EntityType type) {
  switch (type) {
    case EntityType::kIndividual: return "individual";
    case EntityType::kEntity: return "entity";
    case EntityType::kVessel: return "vessel";
    case EntityType::kAircraft: return "aircraft";
    case EntityType::kUnknown: break;
  }
  return "unknown";
}

namespace {

// Numeric ids sort as numbers ("36" < "173"), others as text after them.
struct IdLess {
  bool operator()(const std::pair<std::string, std::string>& a,
                  const std::pair<std::string, std::string>& b) const {
    if (a.first != b.first) return a.first < b.first;
    auto num = [](const std::string& s) {
      return !s.empty() && s.size() < 18 && std::all_of(s.begin(), s.end(), ::isdigit);
    };
    bool na = num(a.second), nb = num(b.second);
    if (na && nb) return std::stoll(a.second) < std::stoll(b.second);
    if (na != nb) return na;
    return a.second < b.second;
  }
};

std::vector<std::string> ChangedFields(const ListEntity& a, const ListEntity& b) {
  std::vector<std::string> f;
  auto sorted = [](std::vector<std::string> v) { std::sort(v.begin(), v.end()); return v; };
  if (a.name != b.name) f.push_back("name");
  if (sorted(a.aliases) != sorted(b.aliases)) f.push_back("aliases");
  if (a.type != b.type) f.push_back("type");
  if (a.addresses != b.addresses) f.push_back("addresses");
  if (a.countries != b.countries) f.push_back("countries");
  if (sorted(a.programs) != sorted(b.programs)) f.push_back("programs");
  if (a.start_date != b.start_date) f.push_back("start_date");
  if (a.end_date != b.end_date) f.push_back("end_date");
  if (a.federal_register != b.federal_register) f.push_back("federal_register");
  if (a.license_requirement != b.license_requirement) f.push_back("license_requirement");
  if (a.license_policy != b.license_policy) f.push_back("license_policy");
  if (a.footnotes != b.footnotes) f.push_back("footnotes");
  if (a.remarks != b.remarks) f.push_back("remarks");
  return f;
}

}  // namespace

SnapshotDiff DiffSnapshots(const ListSnapshot& old_snapshot, const ListSnapshot& new_snapshot) {
  using Key = std::pair<std::string, std::string>;
  std::map<Key, const ListEntity*, IdLess> before, after;
  for (const auto& e : old_snapshot.entities) before.emplace(Key{e.list, e.source_id}, &e);
  for (const auto& e : new_snapshot.entities) after.emplace(Key{e.list, e.source_id}, &e);
  SnapshotDiff d;
  for (const auto& [k, e] : after) {
    auto it = before.find(k);
    if (it == before.end()) {
      d.added.push_back(*e);
    } else if (auto fields = ChangedFields(*it->second, *e); !fields.empty()) {
      d.changed.push_back(EntityChange{*it->second, *e, std::move(fields)});
    }
  }
  for (const auto& [k, e] : before)
    if (!after.count(k)) d.removed.push_back(*e);
  return d;
}

}  // namespace cordon::lists
