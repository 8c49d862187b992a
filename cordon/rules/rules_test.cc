#include <gtest/gtest.h>

#include "cordon/rules/ast.h"

namespace cordon::rules {
namespace {

TEST(ParserTest, ReportsSyntaxErrorsWithFileLineColumn) {
  auto r = ParseRuleFile("rule a.b {\n  cite \"x\"\n  when destination == \n}\n", "t.rules");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("t.rules:4:1:"), std::string::npos) << r.status().message();
}

TEST(ParserTest, RejectsUnknownField) {
  auto r = ParseRuleFile("rule a {\n  colour \"red\"\n}\n", "t.rules");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("t.rules:2:3: 'colour' is not a rule field"), std::string::npos)
      << r.status().message();
}

TEST(ParserTest, ParsesARule) {
  auto r = ParseRuleFile(
      "rule us.x {\n regime US\n stage end_user\n cite \"15 CFR 744.11\"\n from 2020-01-01\n verified true\n"
      " when any(p in parties: listed(p, \"US.EL\")) and not destination in [\"CA\"]\n"
      " outcome LICENSE_REQUIRED\n policy { PRESUMPTION_OF_DENIAL when facility.node_nm <= 10; CASE_BY_CASE }\n"
      " explain \"x\"\n}\n",
      "t.rules");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rules.size(), 1u);
  EXPECT_EQ(r->rules[0].policy.size(), 2u);
  EXPECT_EQ(r->rules[0].cite, "15 CFR 744.11");
}

TEST(ParserTest, UnterminatedString) {
  auto r = ParseRuleFile("rule a {\n cite \"abc\n}\n", "t.rules");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("t.rules:2:7: unterminated string"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace cordon::rules
