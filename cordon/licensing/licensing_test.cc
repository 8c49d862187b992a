#include "cordon/licensing/licensing.h"

#include <gtest/gtest.h>

namespace cordon::licensing {
namespace {

using nlohmann::json;

Vocabulary Vocab() {
  Vocabulary v;
  for (const char* c : {"CN", "US", "NL"}) v.countries.insert(Symbol::Intern(c).id());
  v.regimes.insert(Symbol::Intern("US").id());
  return v;
}

json Huawei() {
  return json::parse(R"({"id": "D1234567", "regime": "US", "holder": "Exporter Inc.", "issued": "2020-11-10",
    "expires": "2024-11-10", "items": ["5A992.c"], "destinations": ["CN"],
    "parties": ["Huawei Technologies Co., Ltd."], "end_uses": ["civil"],
    "max_value": {"amount": 1000, "currency": "USD"}, "max_quantity": 10})");
}

TEST(Licensing, RoundTripsThroughJson) {
  auto l = LicenceFromJson(Huawei(), Vocab(), "lic.json");
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(LicenceToJson(*l), Huawei());
}

TEST(Licensing, BadFieldIsNamed) {
  json j = Huawei();
  j["destinations"] = {"XX"};
  auto l = LicenceFromJson(j, Vocab(), "lic.json");
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("destinations"), std::string::npos) << l.status().message();
  EXPECT_EQ(l.status().message().find("licenses[0]"), std::string::npos) << l.status().message();
}

TEST(Licensing, AmendReplacesAndRemovesFieldsButNotTheId) {
  auto l = LicenceFromJson(Huawei(), Vocab(), "lic.json");
  ASSERT_TRUE(l.ok());
  auto a = Amend(*l, json{{"max_quantity", 20}, {"end_uses", nullptr}}, Vocab(), "amendment");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(*a->max_quantity, 20);
  EXPECT_TRUE(a->end_uses.empty());
  EXPECT_FALSE(Amend(*l, json{{"id", "OTHER"}}, Vocab(), "amendment").ok());
  EXPECT_FALSE(Amend(*l, json{{"expires", "2019-01-01"}}, Vocab(), "amendment").ok());  // before issued
}

TEST(Licensing, WithdrawSetsTheEffectiveDay) {
  auto l = LicenceFromJson(Huawei(), Vocab(), "lic.json");
  ASSERT_TRUE(l.ok());
  auto r = Withdraw(*l, Withdrawal::kRevoke, *Date::Parse("2024-05-07"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->revoked->ToString(), "2024-05-07");
  EXPECT_FALSE(r->suspended);
  EXPECT_FALSE(Withdraw(*l, Withdrawal::kSuspend, *Date::Parse("2019-01-01")).ok());
}

TEST(Licensing, DrawCountsOnlyTheItemsTheLicenceNames) {
  auto l = LicenceFromJson(Huawei(), Vocab(), "lic.json");
  ASSERT_TRUE(l.ok());
  Transaction tx;
  Item a;
  a.id = "A";
  a.quantity = 3;
  a.unit_value = Money{100, Symbol::Intern("USD")};
  a.classification.push_back({Symbol::Intern("US"), Symbol::Intern("5A992.c")});
  Item b = a;
  b.id = "B";
  b.classification = {{Symbol::Intern("US"), Symbol::Intern("3A001")}};
  tx.items = {a, b};
  Draw d = DrawFor(*l, tx);
  EXPECT_DOUBLE_EQ(d.value, 300);
  EXPECT_DOUBLE_EQ(d.quantity, 3);
  EXPECT_TRUE(CheckFits(*l, 700, 7, d).ok());
  EXPECT_FALSE(CheckFits(*l, 701, 0, d).ok());  // value
  EXPECT_FALSE(CheckFits(*l, 0, 8, d).ok());    // quantity
}

}  // namespace
}  // namespace cordon::licensing
