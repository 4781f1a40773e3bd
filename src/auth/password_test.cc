#include "auth/password.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liaison::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(PasswordTest, HashIsArgon2idAndVerifies) {
  absl::StatusOr<std::string> hash =
      HashPassword("correct horse battery staple", PasswordCost::TestOnly());
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_THAT(*hash, StartsWith("$argon2id$v=19$"));
  EXPECT_EQ(hash->find("correct"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapler"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordTest, SaltsDiffer) {
  auto a = HashPassword("same password here", PasswordCost::TestOnly());
  auto b = HashPassword("same password here", PasswordCost::TestOnly());
  EXPECT_NE(*a, *b);
}

TEST(PasswordTest, InteractiveCostWorks) {
  auto hash = HashPassword("a reasonably long pass", PasswordCost::Interactive());
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(*hash, "a reasonably long pass"));
  EXPECT_FALSE(NeedsRehash(*hash, PasswordCost::Interactive()));
}

TEST(PasswordTest, NeedsRehashWhenCostChangesOrHashIsForeign) {
  auto hash = HashPassword("another long password", PasswordCost::TestOnly());
  EXPECT_FALSE(NeedsRehash(*hash, PasswordCost::TestOnly()));
  EXPECT_TRUE(NeedsRehash(*hash, PasswordCost::Interactive()));
  EXPECT_TRUE(NeedsRehash("$2b$12$abcdefghijklmnopqrstuv", PasswordCost::TestOnly()));
  EXPECT_TRUE(NeedsRehash("", PasswordCost::TestOnly()));
}

TEST(PasswordTest, VerifyRejectsMalformedHashes) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "x"));
  EXPECT_FALSE(VerifyPassword(std::string(500, 'a'), "x"));
}

TEST(PasswordTest, RefusesOverlongPasswords) {
  EXPECT_EQ(HashPassword(std::string(kMaxPasswordBytes + 1, 'a'), PasswordCost::TestOnly())
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PasswordPolicyTest, AcceptsLongPassphrasesWithoutCompositionRules) {
  EXPECT_TRUE(CheckPasswordPolicy("tea garden by the ravi river").ok());
  EXPECT_TRUE(CheckPasswordPolicy("allthelowercaseletters").ok());
  EXPECT_TRUE(CheckPasswordPolicy("پنجاب کی چائے بہت اچھی ہے").ok());
}

TEST(PasswordPolicyTest, CountsCharactersNotBytes) {
  // 11 Urdu letters are 22 bytes but still too short.
  EXPECT_FALSE(CheckPasswordPolicy("پنجابپنجابپ").ok());
  EXPECT_THAT(std::string(CheckPasswordPolicy("short").message()), HasSubstr("at least 12"));
}

TEST(PasswordPolicyTest, RefusesKnownBadChoices) {
  EXPECT_FALSE(CheckPasswordPolicy("aaaaaaaaaaaaaaaa").ok());
  EXPECT_FALSE(CheckPasswordPolicy("123456789012").ok());
  EXPECT_FALSE(CheckPasswordPolicy("abcdefghijklm").ok());
  EXPECT_FALSE(CheckPasswordPolicy("Password1234!").ok());
  EXPECT_FALSE(CheckPasswordPolicy("qwertyuiopas").ok());
  EXPECT_FALSE(CheckPasswordPolicy("PunjabPolice2026").ok());
  EXPECT_FALSE(CheckPasswordPolicy("liaison123456").ok());
}

TEST(PasswordPolicyTest, RefusesTheUsersOwnNames) {
  PasswordContext ctx{"akhan", "Ayesha Khan"};
  EXPECT_FALSE(CheckPasswordPolicy("akhan-is-my-name", ctx).ok());
  EXPECT_FALSE(CheckPasswordPolicy("my name is ayesha ok", ctx).ok());
  EXPECT_TRUE(CheckPasswordPolicy("green tea with cardamom", ctx).ok());
}

TEST(PasswordPolicyTest, RefusesInvalidUtf8) {
  EXPECT_FALSE(CheckPasswordPolicy("long enough but \xff bad").ok());
}

}  // namespace
}  // namespace liaison::auth
