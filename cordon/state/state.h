// Orders, the audit trail and re-evaluation: the engine's determinations kept in a store.
//
//   ASSIGN_OR_RETURN(auto store, store::Open("cordon.db"));
//   state::Desk desk(store.get(), engine.get(), lists);
//   ASSIGN_OR_RETURN(auto rec, desk.Determine(tx_json, context_json, {.caller = "alice", .as_order = true}));
//   ASSIGN_OR_RETURN(auto changes, desk.RevokeLicence("D1", day, "alice"));   // re-evaluates its orders
//
// Every determination is appended to the audit trail with its input, the context it ran with
// (licences as they stood), the rule-set version, the list snapshots, the outcome, the full
// determination with its trace, and what it depended on (store::Dependency). On a change only the
// open orders whose latest determination depends on what changed are determined again; each
// re-evaluation is recorded and the ones whose outcome changed come back as a Change.
// docs/state.md.
#ifndef CORDON_STATE_STATE_H_
#define CORDON_STATE_STATE_H_

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/base/date.h"
#include "cordon/base/status.h"
#include "cordon/engine/engine.h"
#include "cordon/lists/list_entity.h"
#include "cordon/store/store.h"

namespace cordon::state {

// A list snapshot an engine screens against: recorded with each determination.
struct ListRef {
  std::string list;
  std::string path;
  std::string sha256;
};
Result<std::string> FileSha256(const std::string& path);

// What a determination depended on: the list entries it matched (entry) and nearly matched
// (near), the names it screened (party), the licences it named, the rules that fired or could
// not be decided, and the products of its items.
std::vector<store::Dependency> DependenciesOf(const Engine& engine, const Decision& d);
// The key of a list entry in the dependency index: "LIST|folded name".
std::string EntryKey(std::string_view list, std::string_view name);

struct DetermineOptions {
  std::string caller = "cli";
  std::string cause = "check";
  bool as_order = false;
  std::optional<Date> date;  // default: the transaction's date
};

struct Recorded {
  int64_t audit_id = 0;
  std::string order_id;
  std::string outcome;
  nlohmann::json determination;
};

// An order whose outcome changed on a re-evaluation.
struct Change {
  std::string order;
  std::string before;
  std::string after;
  std::vector<std::string> rules;  // "US us.ear.744.11: LICENSE_REQUIRED (licence D1 revoked)"
  std::string cause;
  int64_t audit_id = 0;
};

// A shipment made: the determination at shipping and what it drew from each licence.
struct Shipped {
  int64_t audit_id = 0;
  std::string outcome;
  std::vector<store::LicenceUse> draws;
};

struct Reevaluation {
  std::string cause;
  std::vector<std::string> touched;  // open orders that depended on the change, determined again
  std::vector<Change> changed;       // those whose outcome changed
};

class Desk {
 public:
  Desk(store::Store* store, const Engine* engine, std::vector<ListRef> lists);

  // Determines a transaction (JSON of contract §1) with `context` (§2, licences are taken from
  // the register for the ids the transaction names) and records it; as an order, it becomes the
  // order's latest determination (status held when the answer holds it, else released).
  Result<Recorded> Determine(const nlohmann::json& transaction, const nlohmann::json& context,
                             const DetermineOptions& o);

  // Ships a released order on `day` (default: the order's date): determines it again with the
  // register as it stands (an expired, suspended, revoked or spent licence holds it), and when the
  // answer does not hold it, records that determination, marks the order shipped and draws from
  // each licence that authorised an item its value and quantity — one transaction
  // (store::Store::Ship). FailedPrecondition, and no draw, when the order is not released, the new
  // answer holds it (then recorded as its latest determination, status held) or a draw would pass
  // a limit.
  Result<Shipped> Ship(const std::string& order_id, std::optional<Date> day, const std::string& caller);

  // Determines these orders again and records each; returns the changes.
  Result<Reevaluation> Reevaluate(const std::vector<std::string>& order_ids, const std::string& cause,
                                  const std::string& caller);

  // Changes, each followed by the re-evaluation of the open orders that depend on it; the change
  // and the re-evaluations are one store batch (all written, or none).
  Result<Reevaluation> AddLicence(const nlohmann::json& licence, const std::string& caller);
  Result<Reevaluation> AmendLicence(const std::string& id, const nlohmann::json& patch, const std::string& caller);
  Result<Reevaluation> RevokeLicence(const std::string& id, Date effective, const std::string& caller);
  Result<Reevaluation> SuspendLicence(const std::string& id, Date effective, const std::string& caller);
  // A list delta: orders that matched or nearly matched a removed or changed entry, and orders
  // with a party whose name (or alias) an added or changed entry matches exactly or by screening
  // at `threshold`. The desk's engine must already screen against the new snapshot.
  Result<Reevaluation> ListDelta(const lists::SnapshotDiff& diff, const std::string& what, double threshold,
                                 const std::string& caller);
  // Rules or products changed: the open orders whose determination fired these rules or used
  // these products.
  Result<Reevaluation> RulesChanged(const std::vector<std::string>& rule_ids, const std::string& caller);
  Result<Reevaluation> ProductChanged(const std::string& product, const std::string& caller);

  // The open orders depending on a list delta (without determining them again).
  Result<std::vector<std::string>> AffectedByDelta(const lists::SnapshotDiff& diff, double threshold);

  const std::vector<ListRef>& lists() const { return lists_; }

 private:
  Result<Reevaluation> Withdraw(const std::string& id, bool revoke, Date effective, const std::string& caller);
  Status KeepRuleSet();
  Result<store::AuditRecord> AuditOf(const nlohmann::json& transaction, const nlohmann::json& ctx, const Decision& d,
                                     const DetermineOptions& o);
  // Runs `change` and the re-evaluation it returns the order ids for, in one batch.
  template <typename F>
  Result<Reevaluation> InBatch(F&& change);
  store::Store* store_;
  const Engine* engine_;
  std::vector<ListRef> lists_;
  bool rule_set_kept_ = false;
};

// Replays an audit record. Without `today`: the stored input and context, the stored rule set
// (taken from the store when the bundled one has changed since) and the stored list snapshots
// (refused when a file's sha256 no longer matches), for the stored day; `identical` tells
// whether the answer is the one stored. With `today`: the same input, with today's rules, lists
// and licence register, for today's date.
struct ReplayResult {
  store::AuditRecord record;
  nlohmann::json replayed;
  bool identical = false;
  std::vector<std::string> differences;  // JSON pointers where the answers differ
};
Result<ReplayResult> Replay(store::Store* store, int64_t audit_id, bool today, const EngineOptions& base,
                            const std::vector<ListRef>& current_lists);

// The JSON pointers at which two JSON values differ (leaves only), at most `limit`.
std::vector<std::string> JsonDifferences(const nlohmann::json& a, const nlohmann::json& b, size_t limit = 20);

// The JSON answers shared by the command line (--format json) and the service (views.cc).
nlohmann::json ReevaluationJson(const Reevaluation& r);
nlohmann::json LicenceJson(const store::LicenceRecord& l);
// A licence with its uses and the events of its history (`licenses show`).
nlohmann::json LicenceDetailJson(const store::LicenceRecord& l, const std::vector<store::LicenceUse>& uses,
                                 const std::vector<store::LicenceEvent>& events);
nlohmann::json OrderJson(const store::OrderRecord& o);
nlohmann::json AuditJson(const store::AuditRecord& r);
nlohmann::json ReplayJson(int64_t audit_id, bool today, const ReplayResult& r);

// A new snapshot of one list (lists update, POST /lists): the delta against the store's current
// snapshot of that list, the snapshot recorded as current, an engine screening against the new
// lists, and the re-evaluation of the open orders the delta reaches, recorded as `caller`.
struct ListUpdate {
  std::string list;
  lists::SnapshotDiff diff;
  Reevaluation reevaluation;
  std::unique_ptr<Engine> engine;  // screens against the store's lists after the update
  std::vector<ListRef> refs;       // those lists
  nlohmann::json ToJson() const;   // the re-evaluation with "delta": {added, removed, changed}
};
// `path` must be a list file of a known format. `base` gives the engine's home and options; its
// lists are replaced by the store's current snapshots.
Result<ListUpdate> UpdateList(store::Store* store, const std::string& path, const EngineOptions& base,
                              double threshold, const std::string& caller);
// The store's current list snapshots as engine list references.
std::vector<ListRef> RefsOf(const std::vector<store::ListSnapshotRecord>& snaps);

}  // namespace cordon::state

#endif  // CORDON_STATE_STATE_H_
