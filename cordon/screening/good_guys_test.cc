#include "cordon/screening/good_guys.h"

#include <gtest/gtest.h>

namespace cordon::screening {
namespace {

lists::ListEntity Entry() {
  lists::ListEntity e;
  e.list = "US.EL";
  e.source_id = "1234";
  e.name = "Huawei Technologies Co., Ltd.";
  e.aliases = {"Huawei"};
  e.type = lists::EntityType::kEntity;
  e.countries = {"CN"};
  e.license_requirement = "For all items subject to the EAR.";
  return e;
}

TEST(GoodGuyListTest, AcceptedUntilTheEntryChanges) {
  const lists::ListEntity e = Entry();
  const std::string line = GoodGuyList::Record("Huawei Tech Oy", e, "A. Officer", "2026-11-29", "Finnish reseller");
  auto gg = GoodGuyList::Parse("# accepted\n" + line + "\n", "accepted.jsonl");
  ASSERT_TRUE(gg.ok()) << gg.status().ToString();
  EXPECT_EQ(gg->size(), 1u);
  // Case and spacing of the party do not matter; the entry must be the same.
  auto v = gg->Check("HUAWEI  tech oy", e);
  EXPECT_EQ(v.status, GoodGuyList::Status::kAccepted);
  ASSERT_NE(v.record, nullptr);
  EXPECT_EQ(v.record->reviewer, "A. Officer");
  EXPECT_EQ(gg->Check("Huawei Tech GmbH", e).status, GoodGuyList::Status::kNone);
  lists::ListEntity other = e;
  other.source_id = "999";
  EXPECT_EQ(gg->Check("Huawei Tech Oy", other).status, GoodGuyList::Status::kNone);
  // A new alias, a new address, a changed licence requirement: review again.
  lists::ListEntity alias = e;
  alias.aliases.push_back("Huawei Tech Oy");
  EXPECT_EQ(gg->Check("Huawei Tech Oy", alias).status, GoodGuyList::Status::kStale);
  lists::ListEntity address = e;
  address.addresses.push_back({"Helsinki", "FI"});
  EXPECT_EQ(gg->Check("Huawei Tech Oy", address).status, GoodGuyList::Status::kStale);
  lists::ListEntity requirement = e;
  requirement.license_requirement = "For all items subject to the EAR, see 744.11(a)(2)";
  EXPECT_EQ(gg->Check("Huawei Tech Oy", requirement).status, GoodGuyList::Status::kStale);
  // The publisher's update stamp alone is not a change.
  lists::ListEntity stamp = e;
  stamp.last_update = Date::Parse("2026-11-01").value();
  EXPECT_EQ(gg->Check("Huawei Tech Oy", stamp).status, GoodGuyList::Status::kAccepted);
}

TEST(GoodGuyListTest, FingerprintSeparatesFields) {
  lists::ListEntity a = Entry(), b = Entry();
  a.aliases = {"AB", "C"};
  b.aliases = {"A", "BC"};
  EXPECT_NE(EntryFingerprint(a), EntryFingerprint(b));
  EXPECT_EQ(EntryFingerprint(a).size(), 16u);
}

TEST(GoodGuyListTest, BadLinesNameFileAndLine) {
  const std::string fp = EntryFingerprint(Entry());
  struct Case {
    std::string text, message;
  } cases[] = {
      {"not json", "x.jsonl:1: not a JSON object"},
      {"\n{\"list\":\"US.EL\",\"entity\":\"1\",\"fingerprint\":\"" + fp + "\"}", "x.jsonl:2: \"party\" is missing"},
      {"{\"party\":\"P\",\"entity\":\"1\",\"fingerprint\":\"" + fp + "\"}", "\"list\" is missing"},
      {"{\"party\":\"P\",\"list\":\"US.EL\",\"fingerprint\":\"" + fp + "\"}", "\"entity\" is missing"},
      {"{\"party\":\"P\",\"list\":\"US.EL\",\"entity\":\"1\"}", "\"fingerprint\" must be"},
      {"{\"party\":\"P\",\"list\":\"US.EL\",\"entity\":\"1\",\"fingerprint\":\"XYZ\"}", "\"fingerprint\" must be"},
      {"{\"party\":3,\"list\":\"US.EL\",\"entity\":\"1\",\"fingerprint\":\"" + fp + "\"}", "\"party\" must be a string"},
      {"{\"party\":\"P\",\"list\":\"US.EL\",\"entity\":\"1\",\"fingerprint\":\"" + fp + "\",\"who\":\"x\"}",
       "unknown field \"who\""},
  };
  for (const auto& c : cases) {
    auto gg = GoodGuyList::Parse(c.text, "x.jsonl");
    ASSERT_FALSE(gg.ok()) << c.text;
    EXPECT_EQ(gg.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(gg.status().message().find(c.message), std::string::npos) << gg.status().message();
  }
  EXPECT_FALSE(GoodGuyList::Load("/nonexistent/accepted.jsonl").ok());
}

}  // namespace
}  // namespace cordon::screening
