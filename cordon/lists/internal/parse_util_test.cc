#include "cordon/lists/internal/parse_util.h"

#include <gtest/gtest.h>

namespace cordon::lists::internal {
namespace {

TEST(ParseCsvTest, QuotesSpanLinesAndEscape) {
  auto r = ParseCsv("a,\"b,\"\"c\"\"\nd\",e\r\n\n1,2\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "b,\"c\"\nd", "e"}));
  EXPECT_EQ(r[1].line, 4);
}

TEST(CleanTextTest, StripsControlBytesAndCollapsesSpaces) {
  int n = 0;
  EXPECT_EQ(CleanText(" A\x01\x02  B\xC2\x85 C\t", &n), "A B C");
  EXPECT_EQ(n, 3);
}

TEST(ParseListDateTest, FormatsAndImpossibleDates) {
  bool bad = false;
  EXPECT_EQ(ParseListDate("06/19/2003", false, &bad)->ToString(), "2003-06-19");
  EXPECT_EQ(ParseListDate("11/02/2016", true, &bad)->ToString(), "2016-02-11");
  EXPECT_EQ(ParseListDate("3/20/92", false, &bad)->ToString(), "1992-03-20");
  EXPECT_FALSE(bad);
  EXPECT_FALSE(ParseListDate("3017-08-22", false, &bad).has_value());
  EXPECT_TRUE(bad);
  bad = false;
  EXPECT_FALSE(ParseListDate("0222-05-18", false, &bad).has_value());
  EXPECT_TRUE(bad);
  bad = false;
  EXPECT_FALSE(ParseListDate("", false, &bad).has_value());
  EXPECT_FALSE(bad);
}

TEST(CountryCodeTest, ListSpellings) {
  EXPECT_EQ(CountryCode("Korea, North"), "KP");
  EXPECT_EQ(CountryCode("Burma"), "MM");
  EXPECT_EQ(CountryCode("China"), "CN");
  EXPECT_EQ(CountryCode("cn"), "CN");
  EXPECT_EQ(CountryCode("ZWE"), "ZW");
  EXPECT_EQ(CountryCode("People's Republic of China"), "CN");
  EXPECT_EQ(CountryCode("Atlantis"), "");
}

TEST(ParseFootnotesTest, EntityListMarkers) {
  EXPECT_EQ(ParseFootnotes("For all items subject to the EAR, see §§ 734.9(e)1 and 744.11 of the EAR2"),
            (std::vector<int>{1, 2}));
  EXPECT_EQ(ParseFootnotes("(See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)"), (std::vector<int>{3}));
  EXPECT_EQ(ParseFootnotes("(See §734.9(g), 3 §746.8(a)(3), and §744.21(b) of the EAR)."), (std::vector<int>{3}));
  EXPECT_EQ(ParseFootnotes("(See §§ 734.9(e)(2) and 744.11 of the EAR)4"), (std::vector<int>{4}));
  EXPECT_EQ(ParseFootnotes("See Footnote 5"), (std::vector<int>{5}));
  EXPECT_TRUE(ParseFootnotes("For all items subject to the EAR. (See §744.11 of the EAR).").empty());
}

TEST(CslSourceToListTest, Abbreviations) {
  EXPECT_EQ(CslSourceToList("Entity List (EL) - Bureau of Industry and Security"), "US.EL");
  EXPECT_EQ(CslSourceToList("Military End User (MEU) List - Bureau of Industry and Security"), "US.MEU");
  EXPECT_EQ(CslSourceToList("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"), "US.NS-MBS");
}

}  // namespace
}  // namespace cordon::lists::internal
