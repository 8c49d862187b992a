#include "cordon/state/state.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cordon/store/testing/test_db.h"

namespace cordon::state {
namespace {

using nlohmann::json;

const Engine& TheEngine() {
  static std::unique_ptr<Engine> engine = [] {
    auto e = Engine::Open(EngineOptions{});
    if (!e.ok()) {
      ADD_FAILURE() << e.status().message();
      std::abort();
    }
    return std::move(*e);
  }();
  return *engine;
}

json Licence(const std::string& id) {
  return {{"id", id},
          {"regime", "US"},
          {"holder", "Example Networks Inc."},
          {"issued", "2024-01-02"},
          {"expires", "2025-12-31"},
          {"items", {"5A992.c"}},
          {"destinations", {"CN"}},
          {"parties", {"Huawei Technologies Co., Ltd."}},
          {"max_value", {{"amount", 10000000}, {"currency", "USD"}}}};
}

// A US-made 5A992.c router shipped from the US to a party in China on `date`.
json Order(const std::string& id, const std::string& party, const std::string& date, std::vector<std::string> licences) {
  return {{"id", id},
          {"date", date},
          {"activity", "export"},
          {"ship_from", "US"},
          {"destination", "CN"},
          {"exporter", {{"name", "Example Networks Inc."}, {"country", "US"}, {"headquarters", "US"}}},
          {"parties", {{{"role", "end_user"}, {"name", party}, {"country", "CN"}, {"headquarters", "CN"}, {"type", "commercial"}}}},
          {"items", {{{"id", "RT-1"}, {"quantity", 10}, {"unit_value", {{"amount", 1000}, {"currency", "USD"}}},
                      {"made_in", "US"}, {"classification", {{"US", "5A992.c"}}}, {"product", "RT-1"}}}},
          {"end_use", {{"purpose", "civil"}}},
          {"licenses", licences}};
}

json HuaweiOnTheEntityList() {
  return {{"list_entries", {{{"list", "US.EL"}, {"name", "Huawei Technologies Co., Ltd."}, {"country", "CN"},
                             {"added", "2019-05-16"}, {"license_requirement", "all items subject to the EAR"},
                             {"review_policy", "presumption of denial"}, {"footnotes", {1}}}}}};
}

class StateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    std::string url = store::testing::FreshDatabase(&why);
    ASSERT_FALSE(url.empty()) << why;
    auto s = store::Open(url);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    desk_ = std::make_unique<Desk>(store_.get(), &TheEngine(), std::vector<ListRef>{});
  }
  std::string Add(const json& order, store::OrderStatus status = store::OrderStatus::kHeld) {
    auto r = desk_->Determine(order, HuaweiOnTheEntityList(), {"test", "orders add", true, std::nullopt});
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (status == store::OrderStatus::kShipped) {
      EXPECT_TRUE(store_->SetOrderStatus(order["id"], status).ok());
    }
    return r.ok() ? r->outcome : "";
  }
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Desk> desk_;
};

TEST_F(StateTest, RevokingTheHuaweiLicenceFlipsExactlyTheCoveredOpenOrders) {
  ASSERT_TRUE(desk_->AddLicence(Licence("D1"), "test").ok());
  ASSERT_TRUE(desk_->AddLicence(Licence("D2"), "test").ok());
  EXPECT_EQ(Add(Order("H1", "Huawei Technologies Co., Ltd.", "2024-05-10", {"D1"})), "AUTHORIZED");
  EXPECT_EQ(Add(Order("H2", "Huawei Technologies Co., Ltd.", "2024-06-01", {"D1"})), "AUTHORIZED");
  EXPECT_EQ(Add(Order("H3", "Huawei Technologies Co., Ltd.", "2024-05-06", {"D1"})), "AUTHORIZED");  // ships before
  EXPECT_EQ(Add(Order("H4", "Huawei Technologies Co., Ltd.", "2024-05-10", {"D2"})), "AUTHORIZED");  // other licence
  EXPECT_EQ(Add(Order("H5", "Huawei Technologies Co., Ltd.", "2024-05-10", {"D1"}), store::OrderStatus::kShipped),
            "AUTHORIZED");
  EXPECT_EQ(Add(Order("N1", "Example Distributor Ltd.", "2024-05-10", {})), "NO_LICENSE_REQUIRED");
  auto before = store_->Orders(false);
  ASSERT_TRUE(before.ok());

  auto r = desk_->RevokeLicence("D1", *Date::Parse("2024-05-07"), "test");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->touched, (std::vector<std::string>{"H1", "H2", "H3"}));
  ASSERT_EQ(r->changed.size(), 2u);
  for (const auto& c : r->changed) {
    EXPECT_EQ(c.before, "AUTHORIZED");
    EXPECT_EQ(c.after, "LICENSE_REQUIRED");
    EXPECT_NE(c.cause.find("D1 revoked effective 2024-05-07"), std::string::npos) << c.cause;
    ASSERT_FALSE(c.rules.empty());
    EXPECT_NE(c.rules[0].find("licence D1 revoked 2024-05-07"), std::string::npos) << c.rules[0];
    EXPECT_NE(c.rules[0].find("item RT-1: AUTHORIZED (licence D1 valid) → LICENSE_REQUIRED (licence D1 revoked"), std::string::npos)
        << c.rules[0];
  }
  EXPECT_EQ(r->changed[0].order, "H1");
  EXPECT_EQ(r->changed[1].order, "H2");
  // Nothing else was touched: the other orders keep their latest determination.
  auto after = store_->Orders(false);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    const auto& a = (*after)[i];
    const auto& b = (*before)[i];
    bool touched = std::count(r->touched.begin(), r->touched.end(), a.id) > 0;
    EXPECT_EQ(a.audit_id != b.audit_id, touched) << a.id;
    if (a.id == "H1" || a.id == "H2") {
      EXPECT_EQ(a.status, store::OrderStatus::kHeld);
      EXPECT_EQ(a.outcome, "LICENSE_REQUIRED");
    } else {
      EXPECT_EQ(a.outcome, b.outcome) << a.id;
    }
  }
}

TEST_F(StateTest, ReplayReproducesTheStoredAnswerAndTodayUsesTheRegisterAsItIsNow) {
  ASSERT_TRUE(desk_->AddLicence(Licence("D1"), "test").ok());
  auto rec = desk_->Determine(Order("H1", "Huawei Technologies Co., Ltd.", "2024-05-10", {"D1"}), HuaweiOnTheEntityList(),
                              {"test", "orders add", true, std::nullopt});
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  ASSERT_TRUE(desk_->RevokeLicence("D1", *Date::Parse("2024-05-07"), "test").ok());
  auto same = Replay(store_.get(), rec->audit_id, false, EngineOptions{}, {});
  ASSERT_TRUE(same.ok()) << same.status().message();
  EXPECT_TRUE(same->identical) << same->differences.size();
  EXPECT_EQ(same->replayed["overall"], "AUTHORIZED");
  auto now = Replay(store_.get(), rec->audit_id, true, EngineOptions{}, {});
  ASSERT_TRUE(now.ok()) << now.status().message();
  EXPECT_FALSE(now->identical);
  EXPECT_EQ(now->replayed["overall"], "LICENSE_REQUIRED");
  EXPECT_EQ(Replay(store_.get(), 999, false, EngineOptions{}, {}).status().code(), StatusCode::kNotFound);
}

TEST_F(StateTest, AnAmendmentThatDropsTheDestinationFlipsTheOrder) {
  ASSERT_TRUE(desk_->AddLicence(Licence("D1"), "test").ok());
  EXPECT_EQ(Add(Order("H1", "Huawei Technologies Co., Ltd.", "2024-05-10", {"D1"})), "AUTHORIZED");
  auto r = desk_->AmendLicence("D1", {{"destinations", {"US"}}}, "test");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->changed.size(), 1u);
  EXPECT_EQ(r->changed[0].after, "LICENSE_REQUIRED");
  EXPECT_EQ(store_->LicenceEvents("D1")->size(), 2u);
}

TEST_F(StateTest, AListDeltaReachesOrdersByEntryAndByName) {
  EXPECT_EQ(Add(Order("H1", "Huawei Technologies Co., Ltd.", "2024-05-10", {})), "LICENSE_REQUIRED");
  EXPECT_EQ(Add(Order("A1", "ACME Shenzhen Ltd.", "2024-05-10", {})), "NO_LICENSE_REQUIRED");
  EXPECT_EQ(Add(Order("B1", "Example Distributor Ltd.", "2024-05-10", {})), "NO_LICENSE_REQUIRED");
  lists::SnapshotDiff d;
  lists::ListEntity acme;
  acme.list = "US.EL";
  acme.name = "Acme Shenzhen Ltd";
  d.added.push_back(acme);
  auto ids = desk_->AffectedByDelta(d, 0.9);
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  EXPECT_EQ(*ids, std::vector<std::string>{"A1"});
  lists::SnapshotDiff removed;
  lists::ListEntity huawei;
  huawei.list = "US.EL";
  huawei.name = "HUAWEI TECHNOLOGIES CO., LTD.";
  removed.removed.push_back(huawei);
  EXPECT_EQ(*desk_->AffectedByDelta(removed, 0.9), std::vector<std::string>{"H1"});
}

TEST_F(StateTest, DependenciesNameTheLicencesRulesPartiesAndProducts) {
  ASSERT_TRUE(desk_->AddLicence(Licence("D1"), "test").ok());
  auto rec = desk_->Determine(Order("H1", "Huawei Technologies Co., Ltd.", "2024-05-10", {"D1"}), HuaweiOnTheEntityList(),
                              {"test", "orders add", true, std::nullopt});
  ASSERT_TRUE(rec.ok());
  auto a = store_->GetAudit(rec->audit_id);
  ASSERT_TRUE(a.ok() && *a);
  auto has = [&](const std::string& kind, const std::string& key) {
    return std::find((*a)->deps.begin(), (*a)->deps.end(), store::Dependency{kind, key}) != (*a)->deps.end();
  };
  EXPECT_TRUE(has("licence", "D1"));
  EXPECT_TRUE(has("party", "Huawei Technologies Co., Ltd."));
  EXPECT_TRUE(has("entry", EntryKey("US.EL", "Huawei Technologies Co., Ltd.")));
  EXPECT_TRUE(has("product", "RT-1"));
  EXPECT_TRUE(std::any_of((*a)->deps.begin(), (*a)->deps.end(), [](const auto& d) { return d.kind == "rule"; }));
  EXPECT_EQ((*a)->lists, json::array());
  EXPECT_EQ((*a)->context["licenses"][0]["id"], "D1");
}

TEST_F(StateTest, ShippingDrawsFromTheLicenceAndAnExpiredSpentOrSuspendedLicenceHoldsTheOrder) {
  json d1 = Licence("D1");
  d1["max_value"]["amount"] = 25000;  // two orders of 10 × 1,000
  ASSERT_TRUE(desk_->AddLicence(d1, "test").ok());
  for (const char* id : {"H1", "H2", "H3", "H4"}) {
    EXPECT_EQ(Add(Order(id, "Huawei Technologies Co., Ltd.", "2024-05-10", {"D1"})), "AUTHORIZED");
  }
  EXPECT_EQ(Add(Order("N1", "Example Distributor Ltd.", "2024-05-10", {})), "NO_LICENSE_REQUIRED");
  auto used = [&] { return (*store_->GetLicence("D1"))->used_value; };
  auto status = [&](const std::string& id) { return (*store_->GetOrder(id))->status; };

  auto s1 = desk_->Ship("H1", std::nullopt, "test");
  ASSERT_TRUE(s1.ok()) << s1.status().message();
  EXPECT_EQ(s1->outcome, "AUTHORIZED");
  ASSERT_EQ(s1->draws.size(), 1u);
  EXPECT_EQ(s1->draws[0].licence_id, "D1");
  EXPECT_DOUBLE_EQ(s1->draws[0].value, 10000);
  EXPECT_DOUBLE_EQ(s1->draws[0].quantity, 10);
  EXPECT_EQ(status("H1"), store::OrderStatus::kShipped);
  EXPECT_DOUBLE_EQ(used(), 10000);
  EXPECT_EQ(desk_->Ship("H1", std::nullopt, "test").status().code(), StatusCode::kFailedPrecondition);  // once only

  // Shipped after the licence expired (2025-12-31): held, nothing drawn.
  auto late = desk_->Ship("H2", *Date::Parse("2026-01-05"), "test");
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition) << late.status().message();
  EXPECT_EQ(status("H2"), store::OrderStatus::kHeld);
  EXPECT_EQ((*store_->GetOrder("H2"))->outcome, "LICENSE_REQUIRED");
  EXPECT_DOUBLE_EQ(used(), 10000);
  EXPECT_EQ(desk_->Ship("H2", std::nullopt, "test").status().code(), StatusCode::kFailedPrecondition);  // held

  ASSERT_TRUE(desk_->Ship("H3", std::nullopt, "test").ok());
  EXPECT_DOUBLE_EQ(used(), 20000);
  // 5,000 left: the licence cannot cover H4's 10,000, so it is held and nothing is drawn.
  EXPECT_EQ(desk_->Ship("H4", std::nullopt, "test").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status("H4"), store::OrderStatus::kHeld);
  EXPECT_DOUBLE_EQ(used(), 20000);
  EXPECT_EQ(store_->LicenceUses("D1")->size(), 2u);

  // An order needing no licence ships and draws nothing.
  auto n1 = desk_->Ship("N1", std::nullopt, "test");
  ASSERT_TRUE(n1.ok()) << n1.status().message();
  EXPECT_TRUE(n1->draws.empty());
  EXPECT_EQ(desk_->Ship("NOPE", std::nullopt, "test").status().code(), StatusCode::kNotFound);

  // Suspension re-evaluates the licence's open orders like a revocation.
  ASSERT_TRUE(desk_->AddLicence(Licence("D2"), "test").ok());
  EXPECT_EQ(Add(Order("H5", "Huawei Technologies Co., Ltd.", "2024-05-10", {"D2"})), "AUTHORIZED");
  auto susp = desk_->SuspendLicence("D2", *Date::Parse("2024-05-01"), "test");
  ASSERT_TRUE(susp.ok()) << susp.status().message();
  ASSERT_EQ(susp->changed.size(), 1u);
  EXPECT_EQ(susp->changed[0].order, "H5");
  EXPECT_EQ(susp->changed[0].after, "LICENSE_REQUIRED");
  EXPECT_NE(susp->changed[0].rules.at(0).find("suspended"), std::string::npos) << susp->changed[0].rules.at(0);
}

}  // namespace
}  // namespace cordon::state
