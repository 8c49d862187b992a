#include "cordon/state/state.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cordon/base/sha256.h"
#include "cordon/licensing/licensing.h"
#include "cordon/screening/screening.h"

namespace cordon::state {

namespace fs = std::filesystem;
using nlohmann::json;
using store::Dependency;

namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json ListsJson(const std::vector<ListRef>& lists) {
  json out = json::array();
  for (const auto& l : lists) out.push_back({{"list", l.list}, {"path", l.path}, {"sha256", l.sha256}});
  return out;
}

// The context with the register's licences for the ids the transaction names (a register
// licence replaces a context licence of the same id), each with what has been drawn from it.
Result<json> ContextWithRegister(store::Store* store, const json& transaction, const json& context) {
  json ctx = context.is_object() ? context : json::object();
  json licences = ctx.contains("licenses") ? ctx["licenses"] : json::array();
  if (transaction.is_object() && transaction.contains("licenses") && transaction["licenses"].is_array()) {
    for (const auto& idj : transaction["licenses"]) {
      if (!idj.is_string()) continue;
      std::string id = idj.get<std::string>();
      ASSIGN_OR_RETURN(auto rec, store->GetLicence(id));
      if (!rec) continue;
      json l = rec->body;
      std::string currency = l.contains("max_value") ? l["max_value"].value("currency", "USD") : "USD";
      l["used_value"] = {{"amount", rec->used_value}, {"currency", currency}};
      l["used_quantity"] = rec->used_quantity;
      json kept = json::array();
      for (const auto& c : licences) {
        if (!(c.is_object() && c.value("id", "") == id)) kept.push_back(c);
      }
      kept.push_back(l);
      licences = kept;
    }
  }
  if (!licences.empty()) ctx["licenses"] = licences;
  return ctx;
}

Result<std::unique_ptr<Decision>> Decide(const Engine& engine, const json& transaction, const json& context,
                                         std::optional<Date> date) {
  ASSIGN_OR_RETURN(Transaction t, engine.ParseTransaction(transaction, "transaction"));
  ASSIGN_OR_RETURN(Context c, engine.ParseContext(context, "context"));
  return engine.Determine(std::move(t), std::move(c), date);
}

// One line per reason: what each rule answered, so that two determinations can be compared.
std::map<std::string, std::string> ReasonSummary(const json& det) {
  std::map<std::string, std::string> out;
  if (!det.contains("jurisdictions") || !det["jurisdictions"].is_object()) return out;
  for (const auto& [regime, j] : det["jurisdictions"].items()) {
    if (!j.contains("reasons")) continue;
    for (const auto& r : j["reasons"]) {
      std::string key = regime + " " + r.value("rule", "?") + (r.contains("item") ? " item " + r["item"].get<std::string>() : "");
      std::string v = r.value("outcome", "?");
      if (r.contains("licence")) {
        v += fmt::format(" (licence {} {}", r["licence"].value("id", ""), r["licence"].value("state", ""));
        if (r["licence"].contains("revoked")) v += " " + r["licence"]["revoked"].get<std::string>();
        v += ")";
      }
      out[key] = v;
    }
  }
  return out;
}

std::vector<std::string> ResponsibleRules(const json& before, const json& after) {
  auto a = ReasonSummary(before);
  auto b = ReasonSummary(after);
  std::vector<std::string> out;
  for (const auto& [k, v] : b) {
    auto it = a.find(k);
    if (it == a.end()) {
      out.push_back(k + ": " + v + " (new)");
    } else if (it->second != v) {
      out.push_back(k + ": " + it->second + " → " + v);
    }
  }
  for (const auto& [k, v] : a) {
    if (!b.count(k)) out.push_back(k + ": " + v + " → gone");
  }
  return out;
}

void CollectDifferences(const json& a, const json& b, const std::string& at, size_t limit, std::vector<std::string>* out) {
  if (out->size() >= limit) return;
  if (a.type() != b.type() || (!a.is_object() && !a.is_array())) {
    if (a != b) out->push_back(at.empty() ? "/" : at);
    return;
  }
  if (a.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.insert(k);
    for (const auto& [k, v] : b.items()) keys.insert(k);
    for (const auto& k : keys) {
      static const json kNull;
      CollectDifferences(a.contains(k) ? a[k] : kNull, b.contains(k) ? b[k] : kNull, at + "/" + k, limit, out);
    }
    return;
  }
  if (a.size() != b.size()) {
    out->push_back(at + " (length " + std::to_string(a.size()) + " → " + std::to_string(b.size()) + ")");
    return;
  }
  for (size_t i = 0; i < a.size(); ++i) CollectDifferences(a[i], b[i], at + "/" + std::to_string(i), limit, out);
}

Result<License> RegisteredLicence(store::Store* store, const Engine& engine, const std::string& id) {
  ASSIGN_OR_RETURN(auto rec, store->GetLicence(id));
  if (!rec) return NotFound("licence '" + id + "' is not in the register");
  return licensing::LicenceFromJson(rec->body, engine.refdata().vocabulary(), "licence " + id);
}

store::LicenceRecord RecordOf(const License& l) {
  store::LicenceRecord r;
  r.id = l.id;
  r.body = licensing::LicenceToJson(l);
  if (l.max_value) r.max_value = l.max_value->amount;
  r.max_quantity = l.max_quantity;
  return r;
}

}  // namespace

Result<std::string> FileSha256(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Sha256 h;
  h.Update(text);
  return h.HexDigest();
}

std::string EntryKey(std::string_view list, std::string_view name) {
  return std::string(list) + "|" + FoldName(name);
}

std::vector<std::string> JsonDifferences(const json& a, const json& b, size_t limit) {
  std::vector<std::string> out;
  CollectDifferences(a, b, "", limit, &out);
  return out;
}

std::vector<Dependency> DependenciesOf(const Engine& engine, const Decision& d) {
  std::vector<Dependency> out;
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](const char* kind, std::string key) {
    if (!key.empty() && seen.emplace(kind, key).second) out.push_back({kind, std::move(key)});
  };
  for (const auto& h : d.screening) add(h.possible ? "near" : "entry", EntryKey(h.entry->list.text(), h.entry->name));
  auto party = [&](const Party& p) {
    add("party", p.name);
    for (const auto& a : p.aliases) add("party", a);
  };
  for (const auto& p : d.tx.parties) party(p);
  party(d.tx.exporter);
  if (d.tx.service) party(d.tx.service->performer);
  for (const auto& l : d.tx.licenses) add("licence", l);
  const auto& rules = engine.rules().rules();
  for (const Jurisdiction& j : d.det.jurisdictions) {
    for (const auto* group : {&j.subject_because, &j.classified, &j.reasons, &j.exceptions}) {
      for (const Reason& r : *group) {
        if (r.rule >= 0) add("rule", rules[r.rule].id);
        if (r.overcome_by >= 0) add("rule", rules[r.overcome_by].id);
      }
    }
  }
  for (const Item& it : d.tx.items) add("product", it.product);
  if (d.tx.service && d.tx.service->equipment) add("product", d.tx.service->equipment->product);
  return out;
}

Desk::Desk(store::Store* store, const Engine* engine, std::vector<ListRef> lists)
    : store_(store), engine_(engine), lists_(std::move(lists)) {}

Status Desk::KeepRuleSet() {
  if (rule_set_kept_) return Status::Ok();
  const std::string& version = engine_->rules().hash();
  ASSIGN_OR_RETURN(auto have, store_->GetRuleSet(version));
  if (!have) {
    json files = json::object();
    for (const char* sub : {"rules", "refdata"}) {
      fs::path root = fs::path(engine_->home()) / sub;
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); ++it) {
        if (!it->is_regular_file()) continue;
        ASSIGN_OR_RETURN(std::string text, ReadFile(it->path().string()));
        files[fs::relative(it->path(), engine_->home()).generic_string()] = text;
      }
    }
    RETURN_IF_ERROR(store_->PutRuleSet(version, files));
  }
  rule_set_kept_ = true;
  return Status::Ok();
}

Result<store::AuditRecord> Desk::AuditOf(const json& transaction, const json& ctx, const Decision& d,
                                        const DetermineOptions& o) {
  RETURN_IF_ERROR(KeepRuleSet());
  store::AuditRecord a;
  a.caller = o.caller;
  a.input = transaction;
  a.context = ctx;
  a.date = d.date.ToString();
  a.rules_version = engine_->rules().hash();
  a.lists = ListsJson(lists_);
  a.outcome = OutcomeName(d.det.overall);
  a.determination = engine_->RenderJson(d);
  a.cause = o.cause;
  a.deps = DependenciesOf(*engine_, d);
  return a;
}

Result<Recorded> Desk::Determine(const json& transaction, const json& context, const DetermineOptions& o) {
  ASSIGN_OR_RETURN(json ctx, ContextWithRegister(store_, transaction, context));
  ASSIGN_OR_RETURN(auto d, Decide(*engine_, transaction, ctx, o.date));
  ASSIGN_OR_RETURN(store::AuditRecord a, AuditOf(transaction, ctx, *d, o));
  std::optional<store::OrderRecord> order;
  if (o.as_order) {
    if (d->tx.id.empty()) return InvalidArgument("transaction.id: an order needs an id");
    order.emplace();
    order->id = d->tx.id;
    order->status = d->det.hold ? store::OrderStatus::kHeld : store::OrderStatus::kReleased;
    order->transaction = transaction;
    order->context = context;
    if (order->context.is_object()) order->context.erase("licenses");
    a.order_id = order->id;
  }
  ASSIGN_OR_RETURN(int64_t id, store_->Record(a, order));
  return Recorded{id, a.order_id, a.outcome, std::move(a.determination)};
}

Result<Shipped> Desk::Ship(const std::string& order_id, std::optional<Date> day, const std::string& caller) {
  ASSIGN_OR_RETURN(auto order, store_->GetOrder(order_id));
  if (!order) return NotFound("order '" + order_id + "' is not stored");
  if (order->status != store::OrderStatus::kReleased) {
    return FailedPrecondition(fmt::format("order {} is {}, not released: it cannot ship", order_id,
                                          store::OrderStatusName(order->status)));
  }
  DetermineOptions o{caller, "orders ship", true, day};
  ASSIGN_OR_RETURN(json ctx, ContextWithRegister(store_, order->transaction, order->context));
  ASSIGN_OR_RETURN(auto d, Decide(*engine_, order->transaction, ctx, day));
  if (d->det.hold) {
    // The answer has changed since the order was released: it is held now, and nothing ships.
    ASSIGN_OR_RETURN(Recorded rec, Determine(order->transaction, order->context, o));
    return FailedPrecondition(fmt::format("order {} is held on {}: {} (audit {}); nothing shipped, nothing drawn", order_id,
                                          d->date.ToString(), rec.outcome, rec.audit_id));
  }
  store::Shipment sh;
  sh.order_id = order_id;
  ASSIGN_OR_RETURN(sh.audit, AuditOf(order->transaction, ctx, *d, o));
  sh.audit.order_id = order_id;
  // Each licence that authorised something draws the items it covers, once.
  std::set<std::string> drawn;
  for (const Jurisdiction& j : d->det.jurisdictions) {
    for (const Reason& r : j.reasons) {
      if (!r.licence || r.licence_state != LicenceState::kValid || !drawn.insert(r.licence->id).second) continue;
      licensing::Draw draw = licensing::DrawFor(*r.licence, d->tx);
      if (draw.value == 0 && draw.quantity == 0) continue;
      sh.draws.push_back({0, r.licence->id, order_id, draw.value, draw.quantity, ""});
    }
  }
  ASSIGN_OR_RETURN(int64_t id, store_->Ship(sh));
  return Shipped{id, sh.audit.outcome, sh.draws};
}

Result<Reevaluation> Desk::Reevaluate(const std::vector<std::string>& order_ids, const std::string& cause,
                                      const std::string& caller) {
  Reevaluation out;
  out.cause = cause;
  for (const auto& id : order_ids) {
    ASSIGN_OR_RETURN(auto order, store_->GetOrder(id));
    if (!order || !store::IsOpen(order->status)) continue;
    out.touched.push_back(id);
    ASSIGN_OR_RETURN(Recorded rec, Determine(order->transaction, order->context, {caller, cause, true, std::nullopt}));
    if (rec.outcome == order->outcome) continue;
    ASSIGN_OR_RETURN(auto before, store_->GetAudit(order->audit_id));
    Change c{id, order->outcome, rec.outcome, {}, cause, rec.audit_id};
    if (before) c.rules = ResponsibleRules(before->determination, rec.determination);
    out.changed.push_back(std::move(c));
  }
  return out;
}

template <typename F>
Result<Reevaluation> Desk::InBatch(F&& change) {
  store::Batch batch(store_);
  RETURN_IF_ERROR(batch.Begin());
  ASSIGN_OR_RETURN(Reevaluation r, change());
  RETURN_IF_ERROR(batch.Commit());
  return r;
}

Result<Reevaluation> Desk::AddLicence(const json& licence, const std::string& caller) {
  return InBatch([&]() -> Result<Reevaluation> {
    ASSIGN_OR_RETURN(License l, licensing::LicenceFromJson(licence, engine_->refdata().vocabulary(), "licence"));
    ASSIGN_OR_RETURN(auto existing, store_->GetLicence(l.id));
    if (existing) return InvalidArgument("licence '" + l.id + "' is already in the register (amend it instead)");
    RETURN_IF_ERROR(store_->PutLicence(RecordOf(l), "add", caller));
    ASSIGN_OR_RETURN(auto ids, store_->OpenOrdersDependingOn({{"licence", l.id}}));
    return Reevaluate(ids, "licence " + l.id + " added", caller);
  });
}

Result<Reevaluation> Desk::AmendLicence(const std::string& id, const json& patch, const std::string& caller) {
  return InBatch([&]() -> Result<Reevaluation> {
    ASSIGN_OR_RETURN(License l, RegisteredLicence(store_, *engine_, id));
    ASSIGN_OR_RETURN(License amended, licensing::Amend(l, patch, engine_->refdata().vocabulary(), "amendment"));
    RETURN_IF_ERROR(store_->PutLicence(RecordOf(amended), "amend", caller));
    ASSIGN_OR_RETURN(auto ids, store_->OpenOrdersDependingOn({{"licence", id}}));
    return Reevaluate(ids, "licence " + id + " amended: " + patch.dump(), caller);
  });
}

Result<Reevaluation> Desk::Withdraw(const std::string& id, bool revoke, Date effective, const std::string& caller) {
  return InBatch([&]() -> Result<Reevaluation> {
    ASSIGN_OR_RETURN(License l, RegisteredLicence(store_, *engine_, id));
    ASSIGN_OR_RETURN(License w, licensing::Withdraw(l, revoke ? licensing::Withdrawal::kRevoke : licensing::Withdrawal::kSuspend,
                                                    effective));
    RETURN_IF_ERROR(store_->PutLicence(RecordOf(w), revoke ? "revoke" : "suspend", caller));
    ASSIGN_OR_RETURN(auto ids, store_->OpenOrdersDependingOn({{"licence", id}}));
    return Reevaluate(ids, fmt::format("licence {} {} effective {}", id, revoke ? "revoked" : "suspended", effective.ToString()),
                      caller);
  });
}

Result<Reevaluation> Desk::RevokeLicence(const std::string& id, Date effective, const std::string& caller) {
  return Withdraw(id, true, effective, caller);
}

Result<Reevaluation> Desk::SuspendLicence(const std::string& id, Date effective, const std::string& caller) {
  return Withdraw(id, false, effective, caller);
}

Result<std::vector<std::string>> Desk::AffectedByDelta(const lists::SnapshotDiff& diff, double threshold) {
  std::vector<Dependency> deps;
  for (const auto* group : {&diff.removed}) {
    for (const auto& e : *group) {
      deps.push_back({"entry", EntryKey(e.list, e.name)});
      deps.push_back({"near", EntryKey(e.list, e.name)});
    }
  }
  std::vector<lists::ListEntity> incoming = diff.added;
  for (const auto& c : diff.changed) {
    deps.push_back({"entry", EntryKey(c.before.list, c.before.name)});
    deps.push_back({"near", EntryKey(c.before.list, c.before.name)});
    incoming.push_back(c.after);
  }
  if (!incoming.empty()) {
    // Which screened names would an incoming entry match? Exactly (folded), or by screening.
    std::set<std::string> folded;
    for (const auto& e : incoming) {
      folded.insert(FoldName(e.name));
      for (const auto& a : e.aliases) folded.insert(FoldName(a));
    }
    ASSIGN_OR_RETURN(auto names, store_->OpenDependencyKeys("party"));
    std::unique_ptr<const screening::ScreeningIndex> index;
    if (!lists_.empty()) {
      ASSIGN_OR_RETURN(index, screening::ScreeningIndex::Build(incoming));
    }
    screening::ScreeningOptions so;
    so.threshold = threshold;
    for (const auto& n : names) {
      if (folded.count(FoldName(n)) || (index && !index->Screen(n, so).empty())) deps.push_back({"party", n});
    }
  }
  return store_->OpenOrdersDependingOn(deps);
}

Result<Reevaluation> Desk::ListDelta(const lists::SnapshotDiff& diff, const std::string& what, double threshold,
                                     const std::string& caller) {
  ASSIGN_OR_RETURN(auto ids, AffectedByDelta(diff, threshold));
  return InBatch([&] { return Reevaluate(ids, fmt::format("{}: {} added, {} removed, {} changed", what, diff.added.size(), diff.removed.size(),
                                     diff.changed.size()),
                    caller); });
}

Result<Reevaluation> Desk::RulesChanged(const std::vector<std::string>& rule_ids, const std::string& caller) {
  std::vector<Dependency> deps;
  for (const auto& r : rule_ids) deps.push_back({"rule", r});
  ASSIGN_OR_RETURN(auto ids, store_->OpenOrdersDependingOn(deps));
  return InBatch([&] { return Reevaluate(ids, "rules changed: " + fmt::format("{}", fmt::join(rule_ids, ", ")), caller); });
}

Result<Reevaluation> Desk::ProductChanged(const std::string& product, const std::string& caller) {
  ASSIGN_OR_RETURN(auto ids, store_->OpenOrdersDependingOn({{"product", product}}));
  return InBatch([&] { return Reevaluate(ids, "product " + product + " changed", caller); });
}

Result<ReplayResult> Replay(store::Store* store, int64_t audit_id, bool today, const EngineOptions& base,
                            const std::vector<ListRef>& current_lists) {
  ASSIGN_OR_RETURN(auto rec, store->GetAudit(audit_id));
  if (!rec) return NotFound("audit record " + std::to_string(audit_id) + " does not exist");
  ReplayResult out;
  out.record = *rec;
  EngineOptions opts = base;
  opts.lists.clear();
  std::unique_ptr<Engine> engine;
  json context = rec->context;
  std::optional<Date> date;
  if (today) {
    for (const auto& l : current_lists) opts.lists.push_back(l.path);
    ASSIGN_OR_RETURN(engine, Engine::Open(opts));
    ASSIGN_OR_RETURN(context, ContextWithRegister(store, rec->input, context));
    date = Date::Today();
  } else {
    for (const auto& l : rec->lists) {
      std::string path = l.value("path", "");
      auto sha = FileSha256(path);
      if (!sha.ok() || *sha != l.value("sha256", "")) {
        return FailedPrecondition(fmt::format("audit record {}: list snapshot {} is no longer the one screened against "
                                              "(sha256 {}); cannot replay it exactly",
                                              audit_id, path, l.value("sha256", "")));
      }
      opts.lists.push_back(path);
    }
    ASSIGN_OR_RETURN(engine, Engine::Open(opts));
    std::optional<fs::path> tmp;
    if (engine->rules().hash() != rec->rules_version) {
      // The bundled rules changed since: answer with the rule set stored with the record.
      ASSIGN_OR_RETURN(auto files, store->GetRuleSet(rec->rules_version));
      if (!files) return FailedPrecondition("audit record " + std::to_string(audit_id) + ": rule set " + rec->rules_version + " is not stored");
      tmp = fs::temp_directory_path() / fmt::format("cordon-replay-{}-{}", ::getpid(), audit_id);
      for (const auto& [rel, text] : files->items()) {
        fs::path p = *tmp / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text.get<std::string>();
      }
      opts.home = tmp->string();
      auto old = Engine::Open(opts);
      std::error_code ec;
      fs::remove_all(*tmp, ec);
      if (!old.ok()) return old.status();
      engine = std::move(*old);
    }
    ASSIGN_OR_RETURN(Date d, Date::Parse(rec->date));
    date = d;
  }
  ASSIGN_OR_RETURN(auto decision, Decide(*engine, rec->input, context, date));
  out.replayed = engine->RenderJson(*decision);
  out.differences = JsonDifferences(rec->determination, out.replayed);
  out.identical = out.differences.empty();
  return out;
}

}  // namespace cordon::state
