#include "auth/tokens.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liaison::auth {
namespace {

using ::testing::MatchesRegex;

TEST(ApiTokenTest, HasPrefixIdAndSecretAndStoresOnlyAHash) {
  SeededRandom random(42);
  NewApiToken t = GenerateApiToken(random);
  EXPECT_THAT(t.token, MatchesRegex("lsn_[0-9A-Z]{16}_[A-Za-z0-9_-]{43}"));
  EXPECT_EQ(t.token.substr(4, 16), t.id);
  EXPECT_EQ(t.hash.size(), 64u);
  EXPECT_EQ(t.hash.find(t.token.substr(21)), std::string::npos);
  EXPECT_EQ(*ApiTokenId(t.token), t.id);
  EXPECT_TRUE(TokenMatches(t.token, t.hash));
}

TEST(ApiTokenTest, TokensAreUnique) {
  SecureRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.insert(GenerateApiToken(random).token).second);
}

TEST(ApiTokenTest, AnyChangeFailsToMatch) {
  SeededRandom random(1);
  NewApiToken t = GenerateApiToken(random);
  std::string altered = t.token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(TokenMatches(altered, t.hash));
  EXPECT_FALSE(TokenMatches(t.token, t.hash.substr(1)));
  EXPECT_FALSE(TokenMatches(t.token, ""));
}

TEST(ApiTokenTest, RejectsMalformedTokensWithoutEchoingThem) {
  SeededRandom random(1);
  NewApiToken t = GenerateApiToken(random);
  for (std::string bad : {std::string(""), std::string("lsn_"), "xsn_" + t.token.substr(4),
                          t.token + "A", t.token.substr(0, 20) + "-" + t.token.substr(21)}) {
    absl::StatusOr<std::string> id = ApiTokenId(bad);
    EXPECT_FALSE(id.ok()) << bad;
    if (bad.size() > 8) {
      EXPECT_EQ(std::string(id.status().message()).find(bad), std::string::npos);
    }
  }
}

TEST(SessionTokenTest, HasPrefixAndEnoughEntropy) {
  SeededRandom random(3);
  std::string a = GenerateSessionToken(random);
  std::string b = GenerateSessionToken(random);
  EXPECT_THAT(a, MatchesRegex("lss_[A-Za-z0-9_-]{43}"));
  EXPECT_NE(a, b);
  EXPECT_NE(TokenHash(a), TokenHash(b));
}

TEST(TokenHashTest, IsSha256Hex) {
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace liaison::auth
