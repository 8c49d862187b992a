// cordon licenses | orders | audit | replay | lists update: the state kept in --db (cordon/state).
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/cli/commands.h"
#include "cordon/engine/engine.h"
#include "cordon/lists/loader.h"
#include "cordon/model/json_io.h"
#include "cordon/state/state.h"
#include "cordon/store/store.h"

namespace cordon::cli {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string Caller(const StateArgs& a) {
  if (!a.caller.empty()) return a.caller;
  const char* u = std::getenv("USER");
  return u && *u ? u : "cli";
}

EngineOptions Options(const Globals& g, const std::vector<state::ListRef>& lists, double threshold) {
  EngineOptions o;
  o.home = g.home.empty() ? FindHome(g.argv0) : g.home;
  for (const auto& l : lists) o.lists.push_back(l.path);
  o.threshold = threshold;
  return o;
}

// The store, and an engine screening against the lists the store holds as current.
struct Session {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<state::Desk> desk;
};

Result<Session> OpenSession(const Globals& g, const StateArgs& a, bool with_engine = true) {
  Session s;
  auto st = store::Open(a.db);
  if (!st.ok()) return st.status().WithPrefix("--db");
  s.store = std::move(*st);
  if (!with_engine) return s;
  ASSIGN_OR_RETURN(auto snaps, s.store->CurrentLists());
  auto refs = state::RefsOf(snaps);
  ASSIGN_OR_RETURN(s.engine, Engine::Open(Options(g, refs, a.threshold)));
  s.desk = std::make_unique<state::Desk>(s.store.get(), s.engine.get(), refs);
  return s;
}

void PrintReevaluation(const state::Reevaluation& r, const std::string& format, json extra = json::object()) {
  if (format == "json") {
    json j = state::ReevaluationJson(r);
    j.update(extra);
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << r.cause << "\n";
  std::cout << fmt::format("re-evaluated {} open order(s) that depended on it; {} changed\n", r.touched.size(), r.changed.size());
  for (const auto& c : r.changed) {
    std::cout << fmt::format("  {}: {} → {}  (audit {})\n", c.order, c.before, c.after, c.audit_id);
    for (const auto& rule : c.rules) std::cout << "      " << rule << "\n";
  }
}

Result<json> ReadJson(const std::string& path) {
  if (path.empty()) return InvalidArgument("a file is required");
  return ReadJsonFile(path);
}

std::string LicenceLine(const store::LicenceRecord& l) {
  const json& b = l.body;
  std::string state = b.contains("revoked") ? "revoked " + b["revoked"].get<std::string>()
                      : b.contains("suspended") ? "suspended " + b["suspended"].get<std::string>()
                      : b.contains("expires") ? "expires " + b["expires"].get<std::string>()
                                              : "no expiry";
  std::string limits;
  if (l.max_value) limits += fmt::format("  value {:.2f}/{:.2f}", l.used_value, *l.max_value);
  if (l.max_quantity) limits += fmt::format("  quantity {}/{}", l.used_quantity, *l.max_quantity);
  return fmt::format("{}  {}  {}  {}{}  (v{})", l.id, b.value("regime", ""), b.value("holder", ""), state, limits, l.version);
}


}  // namespace

Status Licenses(const Globals& g, const std::string& action, const StateArgs& a) {
  bool needs_engine = action == "add" || action == "revoke" || action == "amend";
  ASSIGN_OR_RETURN(Session s, OpenSession(g, a, needs_engine));
  if (action == "add") {
    ASSIGN_OR_RETURN(json j, ReadJson(a.file));
    json all = j.is_array() ? j : json::array({j});
    json out = json::array();
    // The file is one batch: every licence of it is added, or none.
    store::Batch batch(s.store.get());
    RETURN_IF_ERROR(batch.Begin());
    for (size_t i = 0; i < all.size(); ++i) {
      auto r = s.desk->AddLicence(all[i], Caller(a));
      if (!r.ok()) return r.status().WithPrefix(a.file + (j.is_array() ? "[" + std::to_string(i) + "]" : ""));
      if (a.format == "json") {
        out.push_back(state::ReevaluationJson(*r));
      } else {
        std::cout << "added licence " << all[i].value("id", "") << "\n";
        if (!r->touched.empty()) PrintReevaluation(*r, a.format);
      }
    }
    RETURN_IF_ERROR(batch.Commit());
    if (a.format == "json") std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  if (action == "amend") {
    ASSIGN_OR_RETURN(json patch, ReadJson(a.file));
    ASSIGN_OR_RETURN(auto r, s.desk->AmendLicence(a.id, patch, Caller(a)));
    PrintReevaluation(r, a.format);
    return Status::Ok();
  }
  if (action == "revoke") {
    Date day = Date::Today();
    if (!a.effective.empty()) {
      auto d = Date::Parse(a.effective);
      if (!d.ok()) return InvalidArgument("--effective: " + d.status().message());
      day = *d;
    }
    ASSIGN_OR_RETURN(auto r, a.suspend ? s.desk->SuspendLicence(a.id, day, Caller(a)) : s.desk->RevokeLicence(a.id, day, Caller(a)));
    PrintReevaluation(r, a.format);
    return Status::Ok();
  }
  if (action == "list") {
    ASSIGN_OR_RETURN(auto all, s.store->Licences());
    if (a.format == "json") {
      json out = json::array();
      for (const auto& l : all) out.push_back(state::LicenceJson(l));
      std::cout << out.dump(2) << "\n";
    } else {
      for (const auto& l : all) std::cout << LicenceLine(l) << "\n";
      std::cout << all.size() << " licence(s)\n";
    }
    return Status::Ok();
  }
  // show
  ASSIGN_OR_RETURN(auto l, s.store->GetLicence(a.id));
  if (!l) return NotFound("licence '" + a.id + "' is not in the register");
  ASSIGN_OR_RETURN(auto uses, s.store->LicenceUses(a.id));
  ASSIGN_OR_RETURN(auto events, s.store->LicenceEvents(a.id));
  if (a.format == "json") {
    json j = state::LicenceDetailJson(*l, uses, events);
    std::cout << j.dump(2) << "\n";
    return Status::Ok();
  }
  std::cout << LicenceLine(*l) << "\n" << l->body.dump(2) << "\n";
  for (const auto& u : uses) std::cout << fmt::format("  use {}  order {}  value {}  quantity {}  {}\n", u.id, u.order_id, u.value, u.quantity, u.at);
  for (const auto& e : events) std::cout << fmt::format("  {} by {} at {}\n", e.kind, e.caller, e.at);
  return Status::Ok();
}

Status Orders(const Globals& g, const std::string& action, const StateArgs& a, int* exit_code) {
  ASSIGN_OR_RETURN(Session s, OpenSession(g, a, action == "add" || action == "ship"));
  if (action == "ship") {
    std::optional<Date> day;
    if (!a.date.empty()) {
      auto d = Date::Parse(a.date);
      if (!d.ok()) return InvalidArgument("--date: " + d.status().message());
      day = *d;
    }
    auto r = s.desk->Ship(a.id, day, Caller(a));
    if (!r.ok() && r.status().code() == StatusCode::kFailedPrecondition) {
      // Refused (held, not released, or a licence would be overdrawn): nothing shipped, exit 3.
      std::cerr << "cordon: " << r.status().message() << "\n";
      if (a.format == "json") std::cout << json{{"order", a.id}, {"shipped", false}, {"reason", r.status().message()}}.dump(2) << "\n";
      *exit_code = 3;
      return Status::Ok();
    }
    if (!r.ok()) return r.status();
    json draws = json::array();
    for (const auto& d : r->draws) draws.push_back({{"licence", d.licence_id}, {"value", d.value}, {"quantity", d.quantity}});
    if (a.format == "json") {
      std::cout << json{{"order", a.id}, {"shipped", true}, {"outcome", r->outcome}, {"audit_id", r->audit_id}, {"draws", draws}}.dump(2)
                << "\n";
    } else {
      std::cout << fmt::format("{}: shipped, {}  (audit {})\n", a.id, r->outcome, r->audit_id);
      for (const auto& d : r->draws) std::cout << fmt::format("  drew {:.2f} (quantity {}) from licence {}\n", d.value, d.quantity, d.licence_id);
    }
    return Status::Ok();
  }
  if (action == "add") {
    ASSIGN_OR_RETURN(json j, ReadJson(a.file));
    json context = json::object();
    if (!a.context.empty()) {
      ASSIGN_OR_RETURN(context, ReadJson(a.context));
    }
    json all = j.is_array() ? j : json::array({j});
    json out = json::array();
    // The file is one batch: every order of it is registered, or none (a bad order names its index).
    store::Batch batch(s.store.get());
    RETURN_IF_ERROR(batch.Begin());
    std::string text;
    for (size_t i = 0; i < all.size(); ++i) {
      auto r = s.desk->Determine(all[i], context, {Caller(a), "orders add", true, std::nullopt});
      if (!r.ok()) return r.status().WithPrefix(a.file + (j.is_array() ? "[" + std::to_string(i) + "]" : ""));
      if (a.format == "json") {
        out.push_back({{"order", r->order_id}, {"outcome", r->outcome}, {"audit_id", r->audit_id}});
      } else {
        text += fmt::format("{}: {}  (audit {})\n", r->order_id, r->outcome, r->audit_id);
      }
    }
    RETURN_IF_ERROR(batch.Commit());
    std::cout << (a.format == "json" ? out.dump(2) + "\n" : text);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(auto orders, s.store->Orders(a.open_only));
  if (a.format == "json") {
    json out = json::array();
    for (const auto& o : orders) out.push_back(state::OrderJson(o));
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  for (const auto& o : orders) {
    std::cout << fmt::format("{}  {}  {}  (audit {}, {})\n", o.id, store::OrderStatusName(o.status), o.outcome, o.audit_id, o.updated);
  }
  std::cout << orders.size() << " order(s)\n";
  return Status::Ok();
}

Status Audit(const Globals& g, const StateArgs& a) {
  ASSIGN_OR_RETURN(Session s, OpenSession(g, a, false));
  ASSIGN_OR_RETURN(auto recs, s.store->Audit({a.order, 0, a.limit}));
  if (a.format == "json") {
    json out = json::array();
    for (const auto& r : recs) out.push_back(state::AuditJson(r));
    std::cout << out.dump(2) << "\n";
    return Status::Ok();
  }
  for (const auto& r : recs) {
    std::cout << fmt::format("{}  {}  {}  {}  for {}  by {}  rules {}  — {}\n", r.id, r.at, r.order_id.empty() ? "-" : r.order_id,
                             r.outcome, r.date, r.caller, r.rules_version.substr(0, 12), r.cause);
  }
  std::cout << recs.size() << " record(s)\n";
  return Status::Ok();
}

Status Replay(const Globals& g, const StateArgs& a, int* exit_code) {
  int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(a.id, &used);
    if (used != a.id.size()) throw std::invalid_argument(a.id);
  } catch (const std::exception&) {
    return InvalidArgument("replay: '" + a.id + "' is not an audit record id (a number)");
  }
  ASSIGN_OR_RETURN(Session s, OpenSession(g, a, false));
  ASSIGN_OR_RETURN(auto snaps, s.store->CurrentLists());
  ASSIGN_OR_RETURN(auto r, state::Replay(s.store.get(), id, a.today, Options(g, {}, a.threshold), state::RefsOf(snaps)));
  if (a.format == "json") {
    std::cout << state::ReplayJson(id, a.today, r).dump(2) << "\n";
  } else {
    std::cout << fmt::format("audit {} ({} {}, rules {}): stored {}; {} {}\n", id, r.record.order_id, r.record.date,
                             r.record.rules_version.substr(0, 12), r.record.outcome,
                             a.today ? "answered today" : "replayed", r.replayed.value("overall", "?"));
    std::cout << (r.identical ? "identical to the stored answer\n" : "differs from the stored answer at:\n");
    for (const auto& d : r.differences) std::cout << "  " << d << "\n";
  }
  // Replaying the record exactly must give the stored answer: anything else is an error.
  if (!a.today && !r.identical) *exit_code = 1;
  return Status::Ok();
}

Status ListsUpdate(const Globals& g, const StateArgs& a) {
  std::error_code ec;
  if (!fs::is_regular_file(a.file, ec)) return InvalidArgument(a.file + ": list file not found");
  std::string path = fs::absolute(a.file).lexically_normal().string();
  ASSIGN_OR_RETURN(Session s, OpenSession(g, a, false));
  ASSIGN_OR_RETURN(state::ListUpdate u, state::UpdateList(s.store.get(), path, Options(g, {}, a.threshold), a.threshold, Caller(a)));
  const lists::SnapshotDiff& diff = u.diff;
  const state::Reevaluation& r = u.reevaluation;
  if (a.format == "json") {
    std::cout << u.ToJson().dump(2) << "\n";
    return Status::Ok();
  }
  std::cout << fmt::format("{}: {} added, {} removed, {} changed\n", u.list, diff.added.size(), diff.removed.size(),
                           diff.changed.size());
  size_t shown = 0;
  for (const auto& e : diff.added) {
    if (shown++ < 20) std::cout << "  + " << e.source_id << " " << e.name << "\n";
  }
  for (const auto& e : diff.removed) {
    if (shown++ < 40) std::cout << "  - " << e.source_id << " " << e.name << "\n";
  }
  for (const auto& c : diff.changed) {
    if (shown++ < 60) std::cout << "  ~ " << c.after.source_id << " " << c.after.name << "\n";
  }
  if (shown > 60) std::cout << "  ... (--format json for all)\n";
  PrintReevaluation(r, a.format);
  return Status::Ok();
}

}  // namespace cordon::cli
