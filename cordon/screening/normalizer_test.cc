#include "cordon/screening/normalizer.h"

#include <gtest/gtest.h>

namespace cordon::screening {
namespace {

using V = std::vector<std::string>;

class NormalizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto n = Normalizer::Create();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    norm_ = std::move(n).value();
  }
  std::unique_ptr<const Normalizer> norm_;
};

TEST_F(NormalizerTest, LatinCaseDiacriticsPunctuation) {
  EXPECT_EQ(norm_->Tokens("Müller-Lüdenscheidt, José"), (V{"muller", "ludenscheidt", "jose"}));
  EXPECT_EQ(norm_->Tokens("AL-QA'IDA"), (V{"al", "qaida"}));
  EXPECT_EQ(norm_->Tokens("Straße"), (V{"strasse"}));
}

TEST_F(NormalizerTest, FullWidthAndKangxiRadicals) {
  EXPECT_EQ(norm_->Tokens("ＩＲＧＣＡＳＦ"), (V{"irgcasf"}));
  EXPECT_EQ(norm_->Tokens("⼝"), norm_->Tokens("口"));
}

TEST_F(NormalizerTest, Scripts) {
  EXPECT_EQ(norm_->Tokens("Владимир Путин"), (V{"vladimir", "putin"}));
  EXPECT_EQ(norm_->Tokens("华为"), (V{"hua", "wei"}));
  EXPECT_EQ(norm_->Tokens("華為"), norm_->Tokens("华为"));  // traditional -> simplified
  EXPECT_EQ(norm_->Tokens("Αλέξανδρος"), (V{"alexandros"}));
  EXPECT_EQ(norm_->Tokens("ヤマダ"), (V{"yamada"}));
  EXPECT_FALSE(norm_->Tokens("김정은").empty());
  EXPECT_FALSE(norm_->Tokens("משה").empty());
  EXPECT_FALSE(norm_->Tokens("สมชาย").empty());
  EXPECT_FALSE(norm_->Tokens("محمد علي").empty());
}

TEST_F(NormalizerTest, LegalFormsAreWeakAndCanonical) {
  NormalizedName a = norm_->Normalize("HUAWEI TECHNOLOGIES CO., LTD.");
  EXPECT_EQ(a.strong, (V{"huawei", "technologies"}));
  EXPECT_EQ(a.weak, (V{"co", "ltd"}));
  NormalizedName b = norm_->Normalize("华为技术有限公司");
  EXPECT_EQ(b.strong, (V{"hua", "wei", "technology"}));  // 技术 is a CJK term
  EXPECT_EQ(b.weak, (V{"co", "ltd"}));
  EXPECT_EQ(norm_->Normalize("Acme Company Limited").weak, (V{"co", "ltd"}));
  EXPECT_EQ(norm_->Normalize("Siemens Aktiengesellschaft").weak, (V{"ag"}));
  EXPECT_EQ(norm_->Normalize("ООО Ромашка").weak, (V{"ooo"}));
  EXPECT_EQ(norm_->Normalize("トヨタ株式会社").weak, (V{"kk"}));
}

TEST_F(NormalizerTest, NameOfOnlyLegalFormsStaysStrong) {
  NormalizedName c = norm_->Normalize("CORP");
  EXPECT_EQ(c.strong, (V{"corp"}));
  EXPECT_TRUE(c.weak.empty());
}

TEST_F(NormalizerTest, LegalFormsFileErrors) {
  EXPECT_FALSE(Normalizer::Create("ltd | limited\nllc | limited\n").ok());
  EXPECT_TRUE(Normalizer::Create("# only a comment\n").ok());
}

}  // namespace
}  // namespace cordon::screening
