#include "auth/otp.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liaison::auth {
namespace {

std::vector<uint8_t> Ascii(std::string_view s) { return {s.begin(), s.end()}; }

const std::vector<uint8_t> kSha1Seed = Ascii("12345678901234567890");
const std::vector<uint8_t> kSha256Seed = Ascii("12345678901234567890123456789012");
const std::vector<uint8_t> kSha512Seed =
    Ascii("1234567890123456789012345678901234567890123456789012345678901234");

TEST(HotpTest, PassesRfc4226AppendixDVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t count = 0; count < 10; ++count) {
    EXPECT_EQ(*Hotp(kSha1Seed, count, 6), expected[count]) << "count " << count;
  }
}

struct Rfc6238Vector {
  int64_t seconds;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

TEST(TotpTest, PassesRfc6238AppendixBVectors) {
  const Rfc6238Vector vectors[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const Rfc6238Vector& v : vectors) {
    const int64_t ms = v.seconds * 1000;
    EXPECT_EQ(*Totp(kSha1Seed, ms, {OtpAlgorithm::kSha1, 8}), v.sha1) << v.seconds;
    EXPECT_EQ(*Totp(kSha256Seed, ms, {OtpAlgorithm::kSha256, 8}), v.sha256) << v.seconds;
    EXPECT_EQ(*Totp(kSha512Seed, ms, {OtpAlgorithm::kSha512, 8}), v.sha512) << v.seconds;
  }
}

TEST(TotpTest, RejectsBadParameters) {
  EXPECT_FALSE(Totp(kSha1Seed, 0, {OtpAlgorithm::kSha1, 5}).ok());
  EXPECT_FALSE(Totp(kSha1Seed, 0, {OtpAlgorithm::kSha1, 9}).ok());
  EXPECT_FALSE(Totp(kSha1Seed, 0, {OtpAlgorithm::kSha1, 6, 0}).ok());
  EXPECT_FALSE(Totp(kSha1Seed, -1000, {}).ok());
  EXPECT_FALSE(Totp({}, 0, {}).ok());
}

TEST(TotpTest, VerifyAcceptsOneStepOfDriftAndReturnsTheStep) {
  const int64_t now = 1111111111000;
  const int64_t step = TotpStep(now);
  for (int64_t d : {-1, 0, 1}) {
    std::string code = *Totp(kSha1Seed, now + d * 30000);
    absl::StatusOr<int64_t> matched = VerifyTotp(kSha1Seed, code, now, std::nullopt);
    ASSERT_TRUE(matched.ok()) << matched.status();
    EXPECT_EQ(*matched, step + d);
  }
  std::string far = *Totp(kSha1Seed, now + 2 * 30000);
  EXPECT_EQ(VerifyTotp(kSha1Seed, far, now, std::nullopt).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(TotpTest, VerifyRejectsAReplayedCode) {
  const int64_t now = 1234567890000;
  std::string code = *Totp(kSha1Seed, now);
  absl::StatusOr<int64_t> first = VerifyTotp(kSha1Seed, code, now, std::nullopt);
  ASSERT_TRUE(first.ok());
  absl::StatusOr<int64_t> again = VerifyTotp(kSha1Seed, code, now + 5000, *first);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  // The next step's code is still fine.
  std::string next = *Totp(kSha1Seed, now + 30000);
  EXPECT_EQ(*VerifyTotp(kSha1Seed, next, now + 30000, *first), *first + 1);
  // An older code inside the window is refused once a later step was used.
  std::string older = *Totp(kSha1Seed, now - 30000);
  EXPECT_EQ(VerifyTotp(kSha1Seed, older, now, *first).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(TotpTest, VerifyRejectsMalformedCodesWithoutSayingWhy) {
  const int64_t now = 1234567890000;
  for (std::string_view code : {"", "12345", "1234567", "12a456", " 123456"}) {
    absl::Status s = VerifyTotp(kSha1Seed, code, now, std::nullopt).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << code;
    EXPECT_EQ(std::string(s.message()), "one-time code is not valid");
  }
}

TEST(TotpTest, NewSecretIsRandomAndTwentyBytes) {
  SeededRandom random(1);
  std::vector<uint8_t> a = NewTotpSecret(random);
  std::vector<uint8_t> b = NewTotpSecret(random);
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
}

TEST(TotpTest, ProvisioningUriHasTheStandardShape) {
  std::string uri = TotpProvisioningUri("liaison Lahore", "ayesha.khan@punjab", kSha1Seed);
  EXPECT_EQ(uri,
            "otpauth://totp/liaison%20Lahore:ayesha.khan%40punjab?secret="
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=liaison%20Lahore&algorithm=SHA1&digits=6&"
            "period=30");
}

}  // namespace
}  // namespace liaison::auth
