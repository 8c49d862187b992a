// JSON views of the state and list updates, shared by `cordon licenses|orders|audit|replay|lists
// update --format json` and the service (cordon/service).
#include <fmt/format.h>

#include "cordon/lists/loader.h"
#include "cordon/state/state.h"

namespace cordon::state {

using json = nlohmann::json;

json ReevaluationJson(const Reevaluation& r) {
  json changed = json::array();
  for (const auto& c : r.changed) {
    changed.push_back({{"order", c.order}, {"before", c.before}, {"after", c.after}, {"rules", c.rules},
                       {"cause", c.cause}, {"audit_id", c.audit_id}});
  }
  return {{"cause", r.cause}, {"touched", r.touched}, {"changed", changed}};
}

json LicenceJson(const store::LicenceRecord& l) {
  return {{"id", l.id}, {"licence", l.body}, {"used_value", l.used_value}, {"used_quantity", l.used_quantity},
          {"version", l.version}, {"updated", l.updated}};
}

json LicenceDetailJson(const store::LicenceRecord& l, const std::vector<store::LicenceUse>& uses,
                       const std::vector<store::LicenceEvent>& events) {
  json j = LicenceJson(l);
  j["uses"] = json::array();
  for (const auto& u : uses)
    j["uses"].push_back({{"id", u.id}, {"order", u.order_id}, {"value", u.value}, {"quantity", u.quantity}, {"at", u.at}});
  j["events"] = json::array();
  for (const auto& e : events)
    j["events"].push_back({{"kind", e.kind}, {"caller", e.caller}, {"at", e.at}, {"licence", e.body}});
  return j;
}

json OrderJson(const store::OrderRecord& o) {
  return {{"id", o.id}, {"status", store::OrderStatusName(o.status)}, {"outcome", o.outcome},
          {"audit_id", o.audit_id}, {"updated", o.updated}};
}

json AuditJson(const store::AuditRecord& r) {
  json deps = json::array();
  for (const auto& d : r.deps) deps.push_back({{"kind", d.kind}, {"key", d.key}});
  return {{"id", r.id}, {"at", r.at}, {"caller", r.caller}, {"order", r.order_id}, {"date", r.date},
          {"rules_version", r.rules_version}, {"lists", r.lists}, {"outcome", r.outcome}, {"cause", r.cause},
          {"input", r.input}, {"context", r.context}, {"determination", r.determination}, {"depends_on", deps}};
}

json ReplayJson(int64_t audit_id, bool today, const ReplayResult& r) {
  return {{"audit_id", audit_id}, {"today", today}, {"stored", r.record.determination}, {"replayed", r.replayed},
          {"identical", r.identical}, {"differences", r.differences}};
}

std::vector<ListRef> RefsOf(const std::vector<store::ListSnapshotRecord>& snaps) {
  std::vector<ListRef> out;
  for (const auto& s : snaps) out.push_back({s.list, s.path, s.sha256});
  return out;
}

json ListUpdate::ToJson() const {
  auto names = [](const std::vector<lists::ListEntity>& v) {
    json out = json::array();
    for (const auto& e : v) out.push_back({{"id", e.source_id}, {"name", e.name}});
    return out;
  };
  json changed = json::array();
  for (const auto& c : diff.changed) changed.push_back({{"id", c.after.source_id}, {"name", c.after.name}, {"fields", c.fields}});
  json j = ReevaluationJson(reevaluation);
  j["delta"] = {{"added", names(diff.added)}, {"removed", names(diff.removed)}, {"changed", changed}};
  return j;
}

Result<ListUpdate> UpdateList(store::Store* store, const std::string& path, const EngineOptions& base,
                              double threshold, const std::string& caller) {
  auto loaded = lists::LoadListFile(path);
  if (!loaded.ok()) return InvalidArgument(loaded.status().message());
  ASSIGN_OR_RETURN(auto snaps, store->CurrentLists());
  lists::ListSnapshot before;
  std::string before_path;
  for (const auto& sn : snaps) {
    if (sn.list != loaded->snapshot.list) continue;
    auto old = lists::LoadListFile(sn.path);
    if (!old.ok()) return old.status().WithPrefix("the current " + sn.list + " snapshot");
    before = std::move(old->snapshot);
    before_path = sn.path;
  }
  ListUpdate u;
  u.list = loaded->snapshot.list;
  u.diff = lists::DiffSnapshots(before, loaded->snapshot);
  ASSIGN_OR_RETURN(std::string sha, FileSha256(path));
  // The new snapshot and the re-evaluation it causes are one batch.
  store::Batch batch(store);
  RETURN_IF_ERROR(batch.Begin());
  RETURN_IF_ERROR(store->AddListSnapshot({0, loaded->snapshot.list, path, sha,
                                          static_cast<int64_t>(loaded->snapshot.entities.size()), ""}).status());
  ASSIGN_OR_RETURN(snaps, store->CurrentLists());
  u.refs = RefsOf(snaps);
  EngineOptions o = base;
  o.lists.clear();
  for (const auto& r : u.refs) o.lists.push_back(r.path);
  o.threshold = threshold;
  ASSIGN_OR_RETURN(u.engine, Engine::Open(o));
  Desk desk(store, u.engine.get(), u.refs);
  std::string what = fmt::format("{} {} → {}", u.list, before_path.empty() ? "(none)" : before_path, path);
  ASSIGN_OR_RETURN(u.reevaluation, desk.ListDelta(u.diff, what, threshold, caller));
  RETURN_IF_ERROR(batch.Commit());
  return u;
}

}  // namespace cordon::state
