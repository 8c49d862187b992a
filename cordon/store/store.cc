// The Store, written once over internal::Db for both backends.
#include "cordon/store/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <set>

#include <fmt/format.h>

#include "cordon/store/internal/db.h"

namespace cordon::store {

using internal::Db;
using internal::Param;
using internal::Row;
using nlohmann::json;

const char* OrderStatusName(OrderStatus s) {
  switch (s) {
    case OrderStatus::kHeld: return "held";
    case OrderStatus::kReleased: return "released";
    case OrderStatus::kShipped: return "shipped";
    case OrderStatus::kCancelled: return "cancelled";
  }
  return "held";
}

Result<OrderStatus> ParseOrderStatus(std::string_view text) {
  for (OrderStatus s : {OrderStatus::kHeld, OrderStatus::kReleased, OrderStatus::kShipped, OrderStatus::kCancelled}) {
    if (text == OrderStatusName(s)) return s;
  }
  return InvalidArgument("order status '" + std::string(text) + "': expected held, released, shipped or cancelled");
}

namespace {

std::string Now() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(us % 1000000));
  return buf;
}

std::string Text(const internal::Value& v) { return v.value_or(""); }
double Real(const internal::Value& v) { return v ? std::stod(*v) : 0; }
std::optional<double> OptReal(const internal::Value& v) { return v ? std::optional<double>(std::stod(*v)) : std::nullopt; }
int64_t Int(const internal::Value& v) { return v ? std::stoll(*v) : 0; }
json Json(const internal::Value& v) { return v ? json::parse(*v, nullptr, false) : json(); }

// A write transaction that rolls back unless committed. Inside a batch it is part of the
// batch's transaction: Begin and Commit do nothing, and leaving it uncommitted (an error) marks
// the batch failed, so that the batch cannot commit without it.
struct BatchState {
  int depth = 0;
  bool failed = false;
};

class Tx {
 public:
  Tx(Db* db, BatchState* batch) : db_(db), batch_(batch) {}
  Status Begin() {
    if (batch_->depth > 0) {
      if (batch_->failed) return FailedPrecondition("the batch has already failed: nothing of it will be written");
      open_ = true;
      return Status::Ok();
    }
    RETURN_IF_ERROR(db_->Begin());
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    if (batch_->depth > 0) {
      open_ = false;
      return Status::Ok();
    }
    Status s = db_->Commit();
    if (s.ok()) open_ = false;  // a failed commit is rolled back by the destructor
    return s;
  }
  ~Tx() {
    if (!open_) return;
    if (batch_->depth > 0) {
      batch_->failed = true;
    } else {
      db_->Rollback();
    }
  }

 private:
  Db* db_;
  BatchState* batch_;
  bool open_ = false;
};

constexpr const char* kOrderCols = "id, status, tx, context, outcome, audit_id, updated";
constexpr const char* kAuditCols =
    "id, at, caller, order_id, input, context, day, rules_version, lists, outcome, determination, cause, deps";
constexpr const char* kLicenceCols = "id, body, max_value, max_quantity, used_value, used_quantity, version, updated";

class SqlStore : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  std::string Backend() const override { return db_->dialect(); }

  Status Migrate() {
    RETURN_IF_ERROR(db_->Script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"));
    for (const auto& m : internal::Migrations()) {
      Tx tx(db_.get(), &batch_);
      RETURN_IF_ERROR(tx.Begin());
      if (Backend() == "postgresql") {
        RETURN_IF_ERROR(db_->Exec("SELECT pg_advisory_xact_lock(7240318)").status());  // one migrator at a time
      }
      std::vector<Row> rows;
      RETURN_IF_ERROR(db_->Exec("SELECT version FROM schema_migrations WHERE version = ?", {m.version}, &rows).status());
      if (!rows.empty()) continue;
      RETURN_IF_ERROR(db_->Script(internal::ForDialect(m.sql, Backend())));
      const char* extra = Backend() == "postgresql" ? m.postgres_only : m.sqlite_only;
      if (extra && *extra) RETURN_IF_ERROR(db_->Script(extra));
      RETURN_IF_ERROR(db_->Exec("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
                                {m.version, m.name, Now()}).status());
      RETURN_IF_ERROR(tx.Commit());
    }
    return Status::Ok();
  }

  Result<int> SchemaVersion() override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("SELECT MAX(version) FROM schema_migrations", {}, &rows).status());
    return rows.empty() ? 0 : static_cast<int>(Int(rows[0][0]));
  }

  Status PutLicence(const LicenceRecord& l, const std::string& event, const std::string& caller) override {
    if (l.id.empty()) return InvalidArgument("licence: id is empty");
    Tx tx(db_.get(), &batch_);
    RETURN_IF_ERROR(tx.Begin());
    std::string now = Now();
    std::string body = l.body.dump();
    ASSIGN_OR_RETURN(int64_t n, db_->Exec("UPDATE licences SET body = ?, max_value = ?, max_quantity = ?, version = version + 1, "
                                          "updated = ? WHERE id = ?",
                                          {body, Param::Opt(l.max_value), Param::Opt(l.max_quantity), now, l.id}));
    if (n == 0) {
      RETURN_IF_ERROR(db_->Exec("INSERT INTO licences (id, body, max_value, max_quantity, used_value, used_quantity, version, "
                                "updated) VALUES (?, ?, ?, ?, 0, 0, 1, ?)",
                                {l.id, body, Param::Opt(l.max_value), Param::Opt(l.max_quantity), now}).status());
    }
    RETURN_IF_ERROR(db_->Exec("INSERT INTO licence_events (licence_id, kind, body, caller, at) VALUES (?, ?, ?, ?, ?)",
                              {l.id, event, body, caller, now}).status());
    return tx.Commit();
  }

  static LicenceRecord LicenceFromRow(const Row& r) {
    LicenceRecord l;
    l.id = Text(r[0]);
    l.body = Json(r[1]);
    l.max_value = OptReal(r[2]);
    l.max_quantity = OptReal(r[3]);
    l.used_value = Real(r[4]);
    l.used_quantity = Real(r[5]);
    l.version = static_cast<int>(Int(r[6]));
    l.updated = Text(r[7]);
    return l;
  }

  Result<std::optional<LicenceRecord>> GetLicence(const std::string& id) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec(fmt::format("SELECT {} FROM licences WHERE id = ?", kLicenceCols), {id}, &rows).status());
    if (rows.empty()) return std::optional<LicenceRecord>();
    return std::optional<LicenceRecord>(LicenceFromRow(rows[0]));
  }

  Result<std::vector<LicenceRecord>> Licences() override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec(fmt::format("SELECT {} FROM licences ORDER BY id", kLicenceCols), {}, &rows).status());
    std::vector<LicenceRecord> out;
    for (const auto& r : rows) out.push_back(LicenceFromRow(r));
    return out;
  }

  Result<std::vector<LicenceEvent>> LicenceEvents(const std::string& id) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("SELECT id, licence_id, kind, body, caller, at FROM licence_events WHERE licence_id = ? ORDER BY id",
                              {id}, &rows).status());
    std::vector<LicenceEvent> out;
    for (const auto& r : rows) out.push_back({Int(r[0]), Text(r[1]), Text(r[2]), Json(r[3]), Text(r[4]), Text(r[5])});
    return out;
  }

  Result<int64_t> UseLicence(const LicenceUse& u) override {
    Tx tx(db_.get(), &batch_);
    RETURN_IF_ERROR(tx.Begin());
    ASSIGN_OR_RETURN(int64_t id, Draw(u, Now()));
    RETURN_IF_ERROR(tx.Commit());
    return id;
  }

  Result<int64_t> Ship(const Shipment& sh) override {
    Tx tx(db_.get(), &batch_);
    RETURN_IF_ERROR(tx.Begin());
    std::string now = Now();
    // The status check and the change are one conditional update: a second shipper of the same
    // order waits for the first's row lock (PostgreSQL) or write lock (SQLite) and then finds it shipped.
    ASSIGN_OR_RETURN(int64_t n, db_->Exec("UPDATE orders SET status = 'shipped', updated = ? WHERE id = ? AND status = 'released'",
                                          {now, sh.order_id}));
    if (n == 0) {
      ASSIGN_OR_RETURN(auto o, GetOrder(sh.order_id));
      if (!o) return NotFound("order '" + sh.order_id + "' is not stored");
      return FailedPrecondition(fmt::format("order {} is {}, not released: it cannot ship", sh.order_id,
                                            OrderStatusName(o->status)));
    }
    ASSIGN_OR_RETURN(int64_t id, AppendAudit(sh.audit, sh.order_id, now));
    RETURN_IF_ERROR(db_->Exec("UPDATE orders SET outcome = ?, audit_id = ? WHERE id = ?", {sh.audit.outcome, id, sh.order_id})
                        .status());
    RETURN_IF_ERROR(db_->Exec("DELETE FROM deps WHERE order_id = ?", {sh.order_id}).status());  // no longer open
    // Licences are drawn in id order, so that two shipments drawing on the same licences take
    // their row locks in the same order (no deadlock).
    std::vector<LicenceUse> draws = sh.draws;
    std::sort(draws.begin(), draws.end(), [](const auto& x, const auto& y) { return x.licence_id < y.licence_id; });
    for (const auto& d : draws) {
      LicenceUse u = d;
      u.order_id = sh.order_id;
      RETURN_IF_ERROR(Draw(u, now).status());
    }
    RETURN_IF_ERROR(tx.Commit());
    return id;
  }

  Status BeginBatch() override {
    if (batch_.depth == 0) {
      RETURN_IF_ERROR(db_->Begin());
      batch_.failed = false;
    }
    ++batch_.depth;
    return Status::Ok();
  }

  Status CommitBatch() override {
    if (batch_.depth == 0) return Internal("store: CommitBatch without BeginBatch");
    if (--batch_.depth > 0) return batch_.failed ? FailedPrecondition("the batch failed: nothing of it was written") : Status::Ok();
    if (batch_.failed) {
      db_->Rollback();
      return FailedPrecondition("the batch failed: nothing of it was written");
    }
    Status s = db_->Commit();
    if (!s.ok()) db_->Rollback();
    return s;
  }

  void AbortBatch() override {
    if (batch_.depth == 0) return;
    batch_.failed = true;
    if (--batch_.depth == 0) db_->Rollback();
  }

  Result<std::vector<LicenceUse>> LicenceUses(const std::string& id) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("SELECT id, licence_id, order_id, value, quantity, at FROM licence_uses WHERE licence_id = ? "
                              "ORDER BY id", {id}, &rows).status());
    std::vector<LicenceUse> out;
    for (const auto& r : rows) out.push_back({Int(r[0]), Text(r[1]), Text(r[2]), Real(r[3]), Real(r[4]), Text(r[5])});
    return out;
  }

  Result<int64_t> Record(const AuditRecord& a, const std::optional<OrderRecord>& order) override {
    Tx tx(db_.get(), &batch_);
    RETURN_IF_ERROR(tx.Begin());
    std::string now = Now();
    ASSIGN_OR_RETURN(int64_t id, AppendAudit(a, order ? order->id : a.order_id, now));
    if (order) {
      RETURN_IF_ERROR(db_->Exec(
          "INSERT INTO orders (id, status, tx, context, outcome, audit_id, updated) VALUES (?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (id) DO UPDATE SET status = excluded.status, tx = excluded.tx, context = excluded.context, "
          "outcome = excluded.outcome, audit_id = excluded.audit_id, updated = excluded.updated",
          {order->id, OrderStatusName(order->status), order->transaction.dump(), order->context.dump(), a.outcome, id, now})
                          .status());
      RETURN_IF_ERROR(db_->Exec("DELETE FROM deps WHERE order_id = ?", {order->id}).status());
      std::set<std::pair<std::string, std::string>> seen;
      for (const auto& d : a.deps) {
        if (!IsOpen(order->status)) break;  // the index holds open orders only
        if (!seen.emplace(d.kind, d.key).second) continue;
        RETURN_IF_ERROR(db_->Exec("INSERT INTO deps (kind, key, order_id) VALUES (?, ?, ?)", {d.kind, d.key, order->id}).status());
      }
    }
    RETURN_IF_ERROR(tx.Commit());
    return id;
  }

  static AuditRecord AuditFromRow(const Row& r) {
    AuditRecord a;
    a.id = Int(r[0]);
    a.at = Text(r[1]);
    a.caller = Text(r[2]);
    a.order_id = Text(r[3]);
    a.input = Json(r[4]);
    a.context = Json(r[5]);
    a.date = Text(r[6]);
    a.rules_version = Text(r[7]);
    a.lists = Json(r[8]);
    a.outcome = Text(r[9]);
    a.determination = Json(r[10]);
    a.cause = Text(r[11]);
    for (const auto& d : Json(r[12])) a.deps.push_back({d.at(0).get<std::string>(), d.at(1).get<std::string>()});
    return a;
  }

  Result<std::optional<AuditRecord>> GetAudit(int64_t id) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec(fmt::format("SELECT {} FROM audit WHERE id = ?", kAuditCols), {id}, &rows).status());
    if (rows.empty()) return std::optional<AuditRecord>();
    return std::optional<AuditRecord>(AuditFromRow(rows[0]));
  }

  Result<std::vector<AuditRecord>> Audit(const AuditQuery& q) override {
    std::vector<Row> rows;
    if (q.order_id.empty()) {
      RETURN_IF_ERROR(db_->Exec(fmt::format("SELECT {} FROM audit WHERE id > ? ORDER BY id LIMIT ?", kAuditCols),
                                {q.after_id, q.limit}, &rows).status());
    } else {
      RETURN_IF_ERROR(db_->Exec(fmt::format("SELECT {} FROM audit WHERE order_id = ? AND id > ? ORDER BY id LIMIT ?", kAuditCols),
                                {q.order_id, q.after_id, q.limit}, &rows).status());
    }
    std::vector<AuditRecord> out;
    for (const auto& r : rows) out.push_back(AuditFromRow(r));
    return out;
  }

  static Result<OrderRecord> OrderFromRow(const Row& r) {
    OrderRecord o;
    o.id = Text(r[0]);
    ASSIGN_OR_RETURN(o.status, ParseOrderStatus(Text(r[1])));
    o.transaction = Json(r[2]);
    o.context = Json(r[3]);
    o.outcome = Text(r[4]);
    o.audit_id = Int(r[5]);
    o.updated = Text(r[6]);
    return o;
  }

  Result<std::optional<OrderRecord>> GetOrder(const std::string& id) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec(fmt::format("SELECT {} FROM orders WHERE id = ?", kOrderCols), {id}, &rows).status());
    if (rows.empty()) return std::optional<OrderRecord>();
    ASSIGN_OR_RETURN(OrderRecord o, OrderFromRow(rows[0]));
    return std::optional<OrderRecord>(std::move(o));
  }

  Result<std::vector<OrderRecord>> Orders(bool open_only) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec(fmt::format("SELECT {} FROM orders {} ORDER BY id", kOrderCols,
                                          open_only ? "WHERE status IN ('held', 'released')" : ""),
                              {}, &rows).status());
    std::vector<OrderRecord> out;
    for (const auto& r : rows) {
      ASSIGN_OR_RETURN(OrderRecord o, OrderFromRow(r));
      out.push_back(std::move(o));
    }
    return out;
  }

  Status SetOrderStatus(const std::string& id, OrderStatus status) override {
    Tx tx(db_.get(), &batch_);
    RETURN_IF_ERROR(tx.Begin());
    ASSIGN_OR_RETURN(int64_t n, db_->Exec("UPDATE orders SET status = ?, updated = ? WHERE id = ?",
                                          {OrderStatusName(status), Now(), id}));
    if (n == 0) return NotFound("order '" + id + "' is not stored");
    // The dependency index is kept for open orders only: a closed order no change can reach.
    if (!IsOpen(status)) RETURN_IF_ERROR(db_->Exec("DELETE FROM deps WHERE order_id = ?", {id}).status());
    return tx.Commit();
  }

  Result<std::vector<std::string>> OpenOrdersDependingOn(const std::vector<Dependency>& deps) override {
    std::set<std::string> ids;
    for (const auto& d : deps) {
      std::vector<Row> rows;
      RETURN_IF_ERROR(db_->Exec("SELECT d.order_id FROM deps d JOIN orders o ON o.id = d.order_id "
                                "WHERE d.kind = ? AND d.key = ? AND o.status IN ('held', 'released')",
                                {d.kind, d.key}, &rows).status());
      for (const auto& r : rows) ids.insert(Text(r[0]));
    }
    return std::vector<std::string>(ids.begin(), ids.end());
  }

  Result<std::vector<std::string>> OpenDependencyKeys(const std::string& kind) override {
    // A loose index scan over the primary key (kind, key, order_id): one index probe per distinct
    // key, not one row per order (a million orders share a few thousand party names). The index
    // holds open orders only (closing an order drops its rows).
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("WITH RECURSIVE k(key) AS (SELECT MIN(key) FROM deps WHERE kind = ? UNION ALL "
                              "SELECT (SELECT MIN(d.key) FROM deps d WHERE d.kind = ? AND d.key > k.key) FROM k "
                              "WHERE k.key IS NOT NULL) SELECT key FROM k WHERE key IS NOT NULL",
                              {kind, kind}, &rows).status());
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(Text(r[0]));
    return out;
  }

  Result<int64_t> AddListSnapshot(const ListSnapshotRecord& s) override {
    Tx tx(db_.get(), &batch_);
    RETURN_IF_ERROR(tx.Begin());
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("INSERT INTO list_snapshots (list, path, sha256, entities, loaded_at) VALUES (?, ?, ?, ?, ?) "
                              "RETURNING id", {s.list, s.path, s.sha256, s.entities, Now()}, &rows).status());
    RETURN_IF_ERROR(tx.Commit());
    return Int(rows.at(0)[0]);
  }

  Result<std::vector<ListSnapshotRecord>> CurrentLists() override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("SELECT id, list, path, sha256, entities, loaded_at FROM list_snapshots s WHERE id = "
                              "(SELECT MAX(id) FROM list_snapshots t WHERE t.list = s.list) ORDER BY list", {}, &rows).status());
    std::vector<ListSnapshotRecord> out;
    for (const auto& r : rows) out.push_back({Int(r[0]), Text(r[1]), Text(r[2]), Text(r[3]), Int(r[4]), Text(r[5])});
    return out;
  }

  Status PutRuleSet(const std::string& version, const json& files) override {
    Tx tx(db_.get(), &batch_);
    RETURN_IF_ERROR(tx.Begin());
    RETURN_IF_ERROR(db_->Exec("INSERT INTO rule_sets (version, files) VALUES (?, ?) ON CONFLICT (version) DO NOTHING",
                              {version, files.dump()}).status());
    return tx.Commit();
  }

  Result<std::optional<json>> GetRuleSet(const std::string& version) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("SELECT files FROM rule_sets WHERE version = ?", {version}, &rows).status());
    if (rows.empty()) return std::optional<json>();
    return std::optional<json>(Json(rows[0][0]));
  }

 private:
  // Draws inside the current transaction (UseLicence and Ship): one conditional update, so the
  // check and the draw cannot be separated by another writer.
  Result<int64_t> Draw(const LicenceUse& u, const std::string& now) {
    if (u.value < 0 || u.quantity < 0) return InvalidArgument("licence use: value and quantity must not be negative");
    ASSIGN_OR_RETURN(int64_t n, db_->Exec("UPDATE licences SET used_value = used_value + ?, used_quantity = used_quantity + ? "
                                          "WHERE id = ? AND (max_value IS NULL OR used_value + ? <= max_value + 0.000001) "
                                          "AND (max_quantity IS NULL OR used_quantity + ? <= max_quantity + 0.000001)",
                                          {u.value, u.quantity, u.licence_id, u.value, u.quantity}));
    if (n == 0) {
      ASSIGN_OR_RETURN(auto l, GetLicence(u.licence_id));
      if (!l) return NotFound("licence '" + u.licence_id + "' is not in the register");
      return FailedPrecondition(fmt::format(
          "licence {}: drawing {} (quantity {}) would pass its limits (used {} of {}, quantity {} of {})", u.licence_id,
          u.value, u.quantity, l->used_value, l->max_value ? fmt::format("{}", *l->max_value) : "no limit",
          l->used_quantity, l->max_quantity ? fmt::format("{}", *l->max_quantity) : "no limit"));
    }
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec("INSERT INTO licence_uses (licence_id, order_id, value, quantity, at) VALUES (?, ?, ?, ?, ?) "
                              "RETURNING id",
                              {u.licence_id, u.order_id, u.value, u.quantity, now}, &rows).status());
    return Int(rows.at(0)[0]);
  }

  // Appends an audit record inside the current transaction; returns its id.
  Result<int64_t> AppendAudit(const AuditRecord& a, const std::string& order_id, const std::string& now) {
    json deps = json::array();
    for (const auto& d : a.deps) deps.push_back({d.kind, d.key});
    std::vector<Row> rows;
    RETURN_IF_ERROR(db_->Exec(
        "INSERT INTO audit (at, caller, order_id, input, context, day, rules_version, lists, outcome, determination, cause, "
        "deps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {now, a.caller, order_id, a.input.dump(), a.context.dump(), a.date, a.rules_version, a.lists.dump(), a.outcome,
         a.determination.dump(), a.cause, deps.dump()},
        &rows).status());
    return Int(rows.at(0)[0]);
  }

  std::unique_ptr<Db> db_;
  BatchState batch_;
};

}  // namespace

Result<std::unique_ptr<Store>> Open(const std::string& url) {
  std::unique_ptr<Db> db;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 || url.find("dbname=") != std::string::npos ||
      url.find("host=") != std::string::npos) {
    ASSIGN_OR_RETURN(db, internal::OpenPostgres(url));
  } else {
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path.empty()) return InvalidArgument("--db: empty SQLite path");
    ASSIGN_OR_RETURN(db, internal::OpenSqlite(path));
  }
  auto store = std::make_unique<SqlStore>(std::move(db));
  RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace cordon::store
