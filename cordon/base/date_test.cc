#include "cordon/base/date.h"

#include <gtest/gtest.h>

namespace cordon {
namespace {

TEST(DateTest, ParsesAndPrintsRoundTrip) {
  auto d = Date::Parse("2024-12-02");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ToString(), "2024-12-02");
  EXPECT_EQ(Date::Parse("1970-01-01")->days(), 0);
}

TEST(DateTest, OrdersDays) {
  EXPECT_LT(*Date::Parse("2022-10-06"), *Date::Parse("2022-10-07"));
  EXPECT_EQ(Date::Parse("2024-02-29")->days() + 1, Date::Parse("2024-03-01")->days());
}

TEST(DateTest, RejectsImpossibleDates) {
  EXPECT_FALSE(Date::Parse("2023-02-29").ok());
  EXPECT_FALSE(Date::Parse("2023-13-01").ok());
  EXPECT_FALSE(Date::Parse("2023-04-31").ok());
  EXPECT_FALSE(Date::Parse("3017-08-22").ok());
  EXPECT_FALSE(Date::Parse("2023-1-01").ok());
  EXPECT_FALSE(Date::Parse("20230101").ok());
  EXPECT_TRUE(Date::Parse("2000-02-29").ok());
  EXPECT_FALSE(Date::Parse("1900-02-29").ok());
}

TEST(DateIntervalTest, UntilIsExclusive) {
  DateInterval i{*Date::Parse("2022-10-07"), *Date::Parse("2023-11-17")};
  EXPECT_FALSE(i.Contains(*Date::Parse("2022-10-06")));
  EXPECT_TRUE(i.Contains(*Date::Parse("2022-10-07")));
  EXPECT_TRUE(i.Contains(*Date::Parse("2023-11-16")));
  EXPECT_FALSE(i.Contains(*Date::Parse("2023-11-17")));
}

}  // namespace
}  // namespace cordon
