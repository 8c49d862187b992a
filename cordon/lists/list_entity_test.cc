#include "cordon/lists/list_entity.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "cordon/lists/loader.h"

namespace cordon::lists {
namespace {

std::string Shared() {
  const char* env = std::getenv("CORDON_SHARED");
  return env ? env : "../shared";
}

TEST(DiffSnapshotsTest, Sdn20240426To20240503) {
  std::string dir = Shared() + "/data/lists/jackdwyer-specially-designated-nationals-list/";
  auto old_list = LoadListFile(dir + "2024-04-26/sdn.csv");
  auto new_list = LoadListFile(dir + "2024-05-03/sdn.csv");
  ASSERT_TRUE(old_list.ok() && new_list.ok());
  SnapshotDiff d = DiffSnapshots(old_list->snapshot, new_list->snapshot);
  EXPECT_EQ(d.added.size(), 305u);
  EXPECT_EQ(d.removed.size(), 8u);
  EXPECT_EQ(d.changed.size(), 0u);
  EXPECT_EQ(old_list->snapshot.entities.size() + d.added.size() - d.removed.size(),
            new_list->snapshot.entities.size());
}

TEST(DiffSnapshotsTest, ChangedFieldsAreNamed) {
  ListEntity a{.list = "US.EL", .source_id = "7", .name = "ACME"};
  ListEntity b = a;
  b.aliases = {"ACME LTD"};
  b.footnotes = {4};
  ListEntity c{.list = "US.EL", .source_id = "10", .name = "NEW"};
  SnapshotDiff d = DiffSnapshots(ListSnapshot{.entities = {a}}, ListSnapshot{.entities = {c, b}});
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].fields, (std::vector<std::string>{"aliases", "footnotes"}));
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0].name, "NEW");
  EXPECT_TRUE(d.removed.empty());
}

}  // namespace
}  // namespace cordon::lists
