// The state cordon keeps between calls: the licence register and what has been drawn from it,
// open orders with their latest determination, the append-only audit trail of determinations,
// the dependency index of each determination, the list snapshots loaded, and the rule sets
// answers were given under (for replay). docs/state.md describes the schema.
//
//   ASSIGN_OR_RETURN(auto store, store::Open("sqlite:cordon.db"));   // or "postgresql://..."
//   RETURN_IF_ERROR(store->PutLicence(rec, "add", "alice"));
//   ASSIGN_OR_RETURN(int64_t use, store->UseLicence({.licence_id = "D1", .order_id = "SO-1", .value = 10}));
//
// One interface, two databases (SQLite: one file in WAL mode; PostgreSQL through libpqxx), the
// same schema and versioned migrations (migrations.cc), applied by Open. Every method is one
// database transaction: a crash leaves each write either whole or absent; a Batch makes several
// writes one transaction. A Store is used by one thread; open one per thread or process (they
// may share the database).
#ifndef CORDON_STORE_STORE_H_
#define CORDON_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/base/status.h"

namespace cordon::store {

// A licence as registered: its contract §2 object and what has been drawn from it.
struct LicenceRecord {
  std::string id;
  nlohmann::json body;  // the licence object (cordon/licensing LicenceToJson)
  std::optional<double> max_value;
  std::optional<double> max_quantity;
  double used_value = 0;      // sum of its uses (kept by UseLicence)
  double used_quantity = 0;
  int version = 0;            // 1 when added, +1 per amendment, revocation or suspension
  std::string updated;        // UTC timestamp
};

struct LicenceUse {
  int64_t id = 0;
  std::string licence_id;
  std::string order_id;
  double value = 0;
  double quantity = 0;
  std::string at;  // UTC timestamp, set by the store
};

// A change to the register (add, amend, revoke, suspend), kept for the record.
struct LicenceEvent {
  int64_t id = 0;
  std::string licence_id;
  std::string kind;
  nlohmann::json body;  // the licence after the change
  std::string caller;
  std::string at;
};

enum class OrderStatus { kHeld, kReleased, kShipped, kCancelled };
const char* OrderStatusName(OrderStatus s);
Result<OrderStatus> ParseOrderStatus(std::string_view text);
inline bool IsOpen(OrderStatus s) { return s == OrderStatus::kHeld || s == OrderStatus::kReleased; }

struct OrderRecord {
  std::string id;
  OrderStatus status = OrderStatus::kHeld;
  nlohmann::json transaction;  // contract §1
  nlohmann::json context;      // contract §2, without licences (those come from the register)
  std::string outcome;         // overall outcome of the latest determination
  int64_t audit_id = 0;        // the latest determination
  std::string updated;
};

// What a determination depended on. kind: "entry" (a list entry it matched, key list|id),
// "near" (a possible match), "party" (a screened name, folded), "licence", "rule" (a rule that
// fired), "product".
struct Dependency {
  std::string kind;
  std::string key;
  friend bool operator==(const Dependency&, const Dependency&) = default;
};

// One determination, as stored: enough to replay it.
struct AuditRecord {
  int64_t id = 0;
  std::string at;       // set by the store
  std::string caller;
  std::string order_id;  // empty for a check that is not an order
  nlohmann::json input;    // the transaction (contract §1)
  nlohmann::json context;  // the context it was determined with, licences as they stood included
  std::string date;        // the day it was evaluated for
  std::string rules_version;
  nlohmann::json lists = nlohmann::json::array();  // [{list, path, sha256}] snapshots screened against
  std::string outcome;
  nlohmann::json determination;  // contract §3 with the trace
  std::string cause;             // why it was made: "orders add", "licence D1 revoked 2024-05-07"...
  std::vector<Dependency> deps;
};

struct AuditQuery {
  std::string order_id;  // empty: all
  int64_t after_id = 0;
  int limit = 100;
};

// A shipment of a released order: the determination made when it ships and what it draws from
// each licence that authorised it.
struct Shipment {
  std::string order_id;
  AuditRecord audit;
  std::vector<LicenceUse> draws;
};

struct ListSnapshotRecord {
  int64_t id = 0;
  std::string list;  // US.SDN, US.CSL, ...
  std::string path;
  std::string sha256;
  int64_t entities = 0;
  std::string loaded_at;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::string Backend() const = 0;  // "sqlite" | "postgresql"
  virtual Result<int> SchemaVersion() = 0;

  // Adds a licence, or replaces its body (an amendment) keeping what was drawn; records the event.
  virtual Status PutLicence(const LicenceRecord& l, const std::string& event, const std::string& caller) = 0;
  virtual Result<std::optional<LicenceRecord>> GetLicence(const std::string& id) = 0;
  virtual Result<std::vector<LicenceRecord>> Licences() = 0;
  virtual Result<std::vector<LicenceEvent>> LicenceEvents(const std::string& id) = 0;
  // Draws value and quantity atomically: FailedPrecondition when the draw would pass a limit
  // (nothing is drawn), NotFound for an unknown licence. Returns the use's id.
  virtual Result<int64_t> UseLicence(const LicenceUse& use) = 0;
  virtual Result<std::vector<LicenceUse>> LicenceUses(const std::string& licence_id) = 0;
  // Ships a released order in one transaction: records the determination, marks the order
  // shipped and makes every draw. FailedPrecondition, and nothing written, when the order is not
  // released (held, already shipped, cancelled: re-checked under the order's row lock, so two
  // shippers of one order cannot both succeed) or a draw would pass a licence's limit; NotFound
  // for an unknown order or licence. Returns the audit id.
  virtual Result<int64_t> Ship(const Shipment& s) = 0;

  // Appends a determination to the audit trail and, when `order` is given, makes it that order's
  // latest determination (status, outcome, dependency index): one transaction. Returns the audit id.
  virtual Result<int64_t> Record(const AuditRecord& audit, const std::optional<OrderRecord>& order) = 0;
  virtual Result<std::optional<AuditRecord>> GetAudit(int64_t id) = 0;
  virtual Result<std::vector<AuditRecord>> Audit(const AuditQuery& q) = 0;

  virtual Result<std::optional<OrderRecord>> GetOrder(const std::string& id) = 0;
  virtual Result<std::vector<OrderRecord>> Orders(bool open_only) = 0;
  virtual Status SetOrderStatus(const std::string& id, OrderStatus status) = 0;
  // Open orders whose latest determination depends on any of `deps`, sorted by id.
  virtual Result<std::vector<std::string>> OpenOrdersDependingOn(const std::vector<Dependency>& deps) = 0;
  // Distinct keys of one dependency kind among open orders (e.g. every screened party name),
  // sorted. The dependency index holds open orders only: shipping or closing an order drops its rows.
  virtual Result<std::vector<std::string>> OpenDependencyKeys(const std::string& kind) = 0;

  virtual Result<int64_t> AddListSnapshot(const ListSnapshotRecord& s) = 0;
  virtual Result<std::vector<ListSnapshotRecord>> CurrentLists() = 0;  // the latest of each list

  // The rule and reference files of a rule-set version ({path: text}), kept once per version.
  // Batches (use the Batch guard below): every write between BeginBatch and the matching
  // CommitBatch is one database transaction, committed together or not at all. Batches nest: only
  // the outermost commits. After an error inside a batch (any write that failed, or AbortBatch)
  // the outermost CommitBatch rolls everything back and returns FailedPrecondition.
  virtual Status BeginBatch() = 0;
  virtual Status CommitBatch() = 0;
  virtual void AbortBatch() = 0;

  virtual Status PutRuleSet(const std::string& version, const nlohmann::json& files) = 0;
  virtual Result<std::optional<nlohmann::json>> GetRuleSet(const std::string& version) = 0;
};

// RAII for a batch: aborts it unless Commit() was called.
//   Batch batch(store);
//   RETURN_IF_ERROR(batch.Begin());
//   ... writes ...
//   RETURN_IF_ERROR(batch.Commit());
class Batch {
 public:
  explicit Batch(Store* store) : store_(store) {}
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  ~Batch() {
    if (open_) store_->AbortBatch();
  }
  Status Begin() {
    Status s = store_->BeginBatch();
    open_ = s.ok();
    return s;
  }
  Status Commit() {
    open_ = false;
    return store_->CommitBatch();
  }

 private:
  Store* store_;
  bool open_ = false;
};

// "sqlite:PATH" or a plain path (SQLite, created when missing); "postgresql://..." or
// "postgres://..." or "host=... dbname=..." (PostgreSQL). Applies pending migrations.
Result<std::unique_ptr<Store>> Open(const std::string& url);

}  // namespace cordon::store

#endif  // CORDON_STORE_STORE_H_
