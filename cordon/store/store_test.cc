#include "cordon/store/store.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "cordon/store/internal/db.h"
#include "cordon/store/testing/test_db.h"

namespace cordon::store {
namespace {

using nlohmann::json;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    url_ = testing::FreshDatabase(&why);
    ASSERT_FALSE(url_.empty()) << why;
    auto s = Open(url_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  LicenceRecord Licence(const std::string& id, std::optional<double> max_value, std::optional<double> max_quantity) {
    LicenceRecord l;
    l.id = id;
    l.body = {{"id", id}, {"regime", "US"}};
    l.max_value = max_value;
    l.max_quantity = max_quantity;
    return l;
  }
  AuditRecord Determination(const std::string& outcome, std::vector<Dependency> deps) {
    AuditRecord a;
    a.caller = "test";
    a.input = {{"id", "SO-1"}};
    a.context = json::object();
    a.date = "2024-05-10";
    a.rules_version = "abc";
    a.outcome = outcome;
    a.determination = {{"overall", outcome}};
    a.cause = "test";
    a.deps = std::move(deps);
    return a;
  }
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, MigratesOnceAndReopens) {
  EXPECT_EQ(*store_->SchemaVersion(), 1);
  auto again = Open(url_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*(*again)->SchemaVersion(), 1);
  EXPECT_EQ((*again)->Backend(), testing::Backend());
}

TEST_F(StoreTest, AmendmentKeepsWhatWasDrawnAndIsRecorded) {
  ASSERT_TRUE(store_->PutLicence(Licence("D1", 100.0, std::nullopt), "add", "alice").ok());
  ASSERT_TRUE(store_->UseLicence({0, "D1", "SO-1", 40, 1, ""}).ok());
  LicenceRecord amended = Licence("D1", 200.0, std::nullopt);
  amended.body["holder"] = "Exporter";
  ASSERT_TRUE(store_->PutLicence(amended, "amend", "bob").ok());
  auto l = store_->GetLicence("D1");
  ASSERT_TRUE(l.ok() && *l);
  EXPECT_EQ((*l)->version, 2);
  EXPECT_DOUBLE_EQ((*l)->used_value, 40);
  EXPECT_DOUBLE_EQ(*(*l)->max_value, 200);
  EXPECT_EQ((*l)->body["holder"], "Exporter");
  auto ev = store_->LicenceEvents("D1");
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ((*ev)[1].kind, "amend");
  EXPECT_EQ((*ev)[1].caller, "bob");
  EXPECT_FALSE(*store_->GetLicence("NOPE"));
}

TEST_F(StoreTest, AUseThatWouldOverdrawDrawsNothing) {
  ASSERT_TRUE(store_->PutLicence(Licence("D1", 100.0, 3.0), "add", "alice").ok());
  EXPECT_TRUE(store_->UseLicence({0, "D1", "SO-1", 60, 1, ""}).ok());
  auto over = store_->UseLicence({0, "D1", "SO-2", 50, 1, ""});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kFailedPrecondition) << over.status().message();
  EXPECT_TRUE(store_->UseLicence({0, "D1", "SO-3", 40, 2, ""}).ok());   // exactly to both limits
  EXPECT_FALSE(store_->UseLicence({0, "D1", "SO-4", 0, 1, ""}).ok());   // quantity spent
  EXPECT_EQ(store_->UseLicence({0, "NOPE", "SO-5", 1, 1, ""}).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->UseLicence({0, "D1", "SO-6", -1, 0, ""}).ok());
  auto l = store_->GetLicence("D1");
  EXPECT_DOUBLE_EQ((*l)->used_value, 100);
  EXPECT_DOUBLE_EQ((*l)->used_quantity, 3);
  auto uses = store_->LicenceUses("D1");
  ASSERT_EQ(uses->size(), 2u);
  EXPECT_EQ((*uses)[1].order_id, "SO-3");
}

TEST_F(StoreTest, RecordKeepsTheLatestDeterminationAndItsDependencies) {
  OrderRecord o;
  o.id = "SO-1";
  o.transaction = {{"id", "SO-1"}};
  o.context = json::object();
  auto a1 = store_->Record(Determination("AUTHORIZED", {{"licence", "D1"}, {"rule", "us.x"}}), o);
  ASSERT_TRUE(a1.ok()) << a1.status().message();
  o.status = OrderStatus::kHeld;
  auto a2 = store_->Record(Determination("LICENSE_REQUIRED", {{"rule", "us.x"}, {"party", "huawei"}}), o);
  ASSERT_TRUE(a2.ok());
  EXPECT_GT(*a2, *a1);
  auto got = store_->GetOrder("SO-1");
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ((*got)->audit_id, *a2);
  EXPECT_EQ((*got)->outcome, "LICENSE_REQUIRED");
  // The index follows the latest determination only.
  EXPECT_TRUE(store_->OpenOrdersDependingOn({{"licence", "D1"}})->empty());
  EXPECT_EQ(*store_->OpenOrdersDependingOn({{"party", "huawei"}}), std::vector<std::string>{"SO-1"});
  EXPECT_EQ(*store_->OpenDependencyKeys("party"), std::vector<std::string>{"huawei"});
  o.id = "SO-2";  // distinct keys, sorted, once each
  ASSERT_TRUE(store_->Record(Determination("AUTHORIZED", {{"party", "zte"}, {"party", "huawei"}, {"rule", "us.y"}}), o).ok());
  EXPECT_EQ(*store_->OpenDependencyKeys("party"), (std::vector<std::string>{"huawei", "zte"}));
  EXPECT_EQ(*store_->OpenDependencyKeys("rule"), (std::vector<std::string>{"us.x", "us.y"}));
  EXPECT_TRUE(store_->OpenDependencyKeys("product")->empty());
  ASSERT_TRUE(store_->SetOrderStatus("SO-2", OrderStatus::kCancelled).ok());
  // Shipped orders are no longer open.
  ASSERT_TRUE(store_->SetOrderStatus("SO-1", OrderStatus::kShipped).ok());
  EXPECT_TRUE(store_->OpenOrdersDependingOn({{"party", "huawei"}})->empty());
  EXPECT_TRUE(store_->OpenDependencyKeys("party")->empty());  // the index holds open orders only
  EXPECT_EQ(store_->SetOrderStatus("NOPE", OrderStatus::kShipped).code(), StatusCode::kNotFound);
  // Both determinations stay in the audit trail, with what they depended on.
  auto trail = store_->Audit({"SO-1", 0, 10});
  ASSERT_EQ(trail->size(), 2u);
  EXPECT_EQ((*trail)[0].outcome, "AUTHORIZED");
  EXPECT_EQ((*trail)[0].deps[0], (Dependency{"licence", "D1"}));
  EXPECT_EQ((*trail)[1].determination["overall"], "LICENSE_REQUIRED");
}

TEST_F(StoreTest, TheAuditTrailCannotBeRewritten) {
  ASSERT_TRUE(store_->Record(Determination("AUTHORIZED", {}), std::nullopt).ok());
  auto db = testing::Backend() == "postgresql" ? internal::OpenPostgres(url_) : internal::OpenSqlite(url_.substr(7));
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->Exec("UPDATE audit SET outcome = 'NO_LICENSE_REQUIRED'").ok());
  EXPECT_FALSE((*db)->Exec("DELETE FROM audit").ok());
  EXPECT_EQ((*store_->GetAudit(1))->outcome, "AUTHORIZED");
}

TEST_F(StoreTest, ListSnapshotsAndRuleSets) {
  ASSERT_TRUE(store_->AddListSnapshot({0, "US.SDN", "a/sdn.csv", "h1", 10, ""}).ok());
  ASSERT_TRUE(store_->AddListSnapshot({0, "US.DPL", "dpl.txt", "h2", 5, ""}).ok());
  ASSERT_TRUE(store_->AddListSnapshot({0, "US.SDN", "b/sdn.csv", "h3", 12, ""}).ok());
  auto cur = store_->CurrentLists();
  ASSERT_EQ(cur->size(), 2u);
  EXPECT_EQ((*cur)[1].path, "b/sdn.csv");
  ASSERT_TRUE(store_->PutRuleSet("v1", {{"rules/a.rules", "rule"}}).ok());
  ASSERT_TRUE(store_->PutRuleSet("v1", {{"rules/a.rules", "changed"}}).ok());  // a version is kept once
  EXPECT_EQ((**store_->GetRuleSet("v1"))["rules/a.rules"], "rule");
  EXPECT_FALSE(*store_->GetRuleSet("v2"));
}

// Runs `op(store, writer, i)` for i < n on two threads at once, each with its own connection.
// Returns how many calls succeeded in all, and the first error other than FailedPrecondition (a
// refusal) either thread met ("" when none).
template <typename Op>
std::pair<int, std::string> TwoWriters(const std::string& url, int n, Op op) {
  int granted[2] = {0, 0};
  std::string errors[2];
  auto writer = [&](int w) {
    auto s = Open(url);
    if (!s.ok()) {
      errors[w] = s.status().message();
      return;
    }
    for (int i = 0; i < n; ++i) {
      Status r = op(**s, w, i);
      if (r.ok()) {
        ++granted[w];
      } else if (r.code() != StatusCode::kFailedPrecondition) {
        errors[w] = r.message();
        return;
      }
    }
  };
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  return {granted[0] + granted[1], errors[0] + errors[1]};
}

// Two writers drawing from one licence at once never overdraw it.
TEST_F(StoreTest, ConcurrentWritersNeverOverdraw) {
  ASSERT_TRUE(store_->PutLicence(Licence("D1", 1000.0, 25.0), "add", "alice").ok());
  auto [granted, errors] = TwoWriters(url_, 40, [](Store& s, int w, int) {
    return s.UseLicence({0, "D1", "W" + std::to_string(w), 7, 1, ""}).status();
  });
  ASSERT_EQ(errors, "");
  EXPECT_EQ(granted, 25);  // the quantity limit binds first (25 × 7 = 175 ≤ 1000)
  auto l = store_->GetLicence("D1");
  EXPECT_DOUBLE_EQ((*l)->used_quantity, 25);
  EXPECT_DOUBLE_EQ((*l)->used_value, 175);
  EXPECT_EQ(store_->LicenceUses("D1")->size(), 25u);
}

// A batch is one transaction: an error anywhere in it leaves none of its writes.
TEST_F(StoreTest, ABatchCommitsWholeOrNotAtAll) {
  OrderRecord o;
  o.transaction = json::object();
  o.context = json::object();
  {
    Batch batch(store_.get());
    ASSERT_TRUE(batch.Begin().ok());
    ASSERT_TRUE(store_->PutLicence(Licence("D1", 100.0, std::nullopt), "add", "alice").ok());
    o.id = "SO-1";
    ASSERT_TRUE(store_->Record(Determination("AUTHORIZED", {{"licence", "D1"}}), o).ok());
    EXPECT_TRUE(*store_->GetOrder("SO-1"));  // visible inside the batch
    EXPECT_FALSE(store_->UseLicence({0, "D1", "SO-1", 500, 1, ""}).ok());  // overdraw: the batch fails
    o.id = "SO-2";
    EXPECT_FALSE(store_->Record(Determination("AUTHORIZED", {}), o).ok());  // refused after the failure
    Status s = batch.Commit();
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.message();
  }
  EXPECT_FALSE(*store_->GetLicence("D1"));
  EXPECT_FALSE(*store_->GetOrder("SO-1"));
  EXPECT_TRUE(store_->Audit({})->empty());
  {
    Batch batch(store_.get());  // abandoned without Commit (an early return): rolled back
    ASSERT_TRUE(batch.Begin().ok());
    ASSERT_TRUE(store_->PutLicence(Licence("D1", 100.0, std::nullopt), "add", "alice").ok());
  }
  EXPECT_FALSE(*store_->GetLicence("D1"));
  {
    Batch outer(store_.get());
    ASSERT_TRUE(outer.Begin().ok());
    ASSERT_TRUE(store_->PutLicence(Licence("D1", 100.0, std::nullopt), "add", "alice").ok());
    {
      Batch inner(store_.get());  // nested: commits with the outer one
      ASSERT_TRUE(inner.Begin().ok());
      o.id = "SO-1";
      ASSERT_TRUE(store_->Record(Determination("AUTHORIZED", {}), o).ok());
      ASSERT_TRUE(inner.Commit().ok());
    }
    ASSERT_TRUE(store_->UseLicence({0, "D1", "SO-1", 50, 1, ""}).ok());
    ASSERT_TRUE(outer.Commit().ok());
  }
  auto other = Open(url_);  // another connection sees all of it
  ASSERT_TRUE(other.ok());
  EXPECT_DOUBLE_EQ((*(*other)->GetLicence("D1"))->used_value, 50);
  EXPECT_TRUE(*(*other)->GetOrder("SO-1"));
  EXPECT_EQ((*other)->Audit({})->size(), 1u);
}

// Shipping: the determination, the status and the draws are one transaction.
TEST_F(StoreTest, ShippingMarksTheOrderAndDrawsOrDoesNothing) {
  ASSERT_TRUE(store_->PutLicence(Licence("D1", 100.0, std::nullopt), "add", "alice").ok());
  ASSERT_TRUE(store_->PutLicence(Licence("D2", 10.0, std::nullopt), "add", "alice").ok());
  OrderRecord o;
  o.transaction = json::object();
  o.context = json::object();
  o.status = OrderStatus::kReleased;
  for (const char* id : {"SO-1", "SO-2"}) {
    o.id = id;
    ASSERT_TRUE(store_->Record(Determination("AUTHORIZED", {}), o).ok());
  }
  // A draw on D2 would pass its limit: nothing is written, D1 included.
  auto over = store_->Ship({"SO-1", Determination("AUTHORIZED", {}), {{0, "D1", "", 40, 1, ""}, {0, "D2", "", 20, 1, ""}}});
  EXPECT_EQ(over.status().code(), StatusCode::kFailedPrecondition) << over.status().message();
  EXPECT_EQ((*store_->GetOrder("SO-1"))->status, OrderStatus::kReleased);
  EXPECT_DOUBLE_EQ((*store_->GetLicence("D1"))->used_value, 0);
  EXPECT_EQ(store_->Audit({})->size(), 2u);
  auto ok = store_->Ship({"SO-1", Determination("AUTHORIZED", {}), {{0, "D1", "", 40, 1, ""}, {0, "D2", "", 10, 1, ""}}});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  auto shipped = *store_->GetOrder("SO-1");
  EXPECT_EQ(shipped->status, OrderStatus::kShipped);
  EXPECT_EQ(shipped->audit_id, *ok);
  EXPECT_EQ((*store_->LicenceUses("D1"))[0].order_id, "SO-1");
  EXPECT_DOUBLE_EQ((*store_->GetLicence("D2"))->used_value, 10);
  // Twice: refused.
  EXPECT_EQ(store_->Ship({"SO-1", Determination("AUTHORIZED", {}), {}}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Ship({"NOPE", Determination("AUTHORIZED", {}), {}}).status().code(), StatusCode::kNotFound);
  o.id = "SO-3";
  o.status = OrderStatus::kHeld;
  ASSERT_TRUE(store_->Record(Determination("LICENSE_REQUIRED", {}), o).ok());
  EXPECT_EQ(store_->Ship({"SO-3", Determination("AUTHORIZED", {}), {}}).status().code(), StatusCode::kFailedPrecondition);
}

// Two shippers at once: each order ships once, and together they never overdraw the licence.
TEST_F(StoreTest, ConcurrentShippersNeverOverdrawOrShipTwice) {
  ASSERT_TRUE(store_->PutLicence(Licence("D1", 100.0, std::nullopt), "add", "alice").ok());
  OrderRecord o;
  o.transaction = json::object();
  o.context = json::object();
  o.status = OrderStatus::kReleased;
  constexpr int kOrders = 30;  // 30 orders of 7 against 100: 14 can ship
  for (int i = 0; i < kOrders; ++i) {
    o.id = "SO-" + std::to_string(i);
    ASSERT_TRUE(store_->Record(Determination("AUTHORIZED", {}), o).ok());
  }
  // Both try every order, in the same order.
  auto [shipped, errors] = TwoWriters(url_, kOrders, [&](Store& s, int, int i) {
    return s.Ship({"SO-" + std::to_string(i), Determination("AUTHORIZED", {}), {{0, "D1", "", 7, 1, ""}}}).status();
  });
  ASSERT_EQ(errors, "");
  EXPECT_EQ(shipped, 14);
  auto uses = *store_->LicenceUses("D1");
  ASSERT_EQ(uses.size(), 14u);
  std::set<std::string> orders;
  for (const auto& u : uses) orders.insert(u.order_id);
  EXPECT_EQ(orders.size(), 14u);  // no order drew twice
  EXPECT_DOUBLE_EQ((*store_->GetLicence("D1"))->used_value, 98);
  int n_shipped = 0;
  auto all = store_->Orders(false);  // held: a range-for over *temporary would dangle
  ASSERT_TRUE(all.ok());
  for (const auto& ord : *all) n_shipped += ord.status == OrderStatus::kShipped;
  EXPECT_EQ(n_shipped, 14);
}

}  // namespace
}  // namespace cordon::store
