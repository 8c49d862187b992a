#include "cordon/base/status.h"

#include <gtest/gtest.h>

#include "cordon/base/interner.h"

namespace cordon {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().WithPrefix("f.json").message(), "f.json: odd");
}

TEST(SymbolTest, InternsOnce) {
  Symbol a = Symbol::Intern("3B001.c");
  Symbol b = Symbol::Intern(std::string("3B001.") + "c");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.text(), "3B001.c");
  EXPECT_TRUE(Symbol::Find("never-interned-xyz").empty());
  EXPECT_NE(Symbol::Intern("CN"), Symbol::Intern("MO"));
}

}  // namespace
}  // namespace cordon

#include "cordon/base/sha256.h"
namespace cordon {
namespace {
TEST(Sha256Test, KnownVectors) {
  Sha256 a;
  EXPECT_EQ(a.HexDigest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 b;
  b.Update("abc");
  EXPECT_EQ(b.HexDigest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
}  // namespace
}  // namespace cordon
