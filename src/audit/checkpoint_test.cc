#include "audit/checkpoint.h"

#include <sodium.h>

#include "audit/test_chain.h"
#include "gtest/gtest.h"

namespace liaison::audit {
namespace {

using ::liaison::audit::testing::kTestNodeId;
using ::liaison::audit::testing::TestKey;

Entry SealedCheckpoint(const SigningKey& key, const ChainHead& head, int64_t t) {
  return *Seal(head, head.seq + 1, t, MakeCheckpointEvent(key, kTestNodeId, head, t));
}

TEST(CheckpointTest, SignedCheckpointVerifies) {
  SigningKey key = TestKey();
  ChainHead head{41, std::string(64, 'c')};
  Entry cp = SealedCheckpoint(key, head, 1000);
  EXPECT_EQ(cp.event.action, Action::kCheckpoint);
  EXPECT_EQ(cp.event.details["head_seq"], 41);
  EXPECT_TRUE(VerifyCheckpoint(cp, kTestNodeId, key.public_key()).ok());
}

TEST(CheckpointTest, RejectsOtherKeyOtherNodeAndAlteredTime) {
  SigningKey key = TestKey();
  ChainHead head{41, std::string(64, 'c')};
  Entry cp = SealedCheckpoint(key, head, 1000);
  EXPECT_EQ(VerifyCheckpoint(cp, kTestNodeId, TestKey(8).public_key()).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(VerifyCheckpoint(cp, "node-rom-01", key.public_key()).code(),
            absl::StatusCode::kPermissionDenied);
  Entry later = cp;
  later.time_ms = 2000;
  EXPECT_EQ(VerifyCheckpoint(later, kTestNodeId, key.public_key()).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CheckpointTest, RejectsHeadThatIsNotThePreviousEntry) {
  SigningKey key = TestKey();
  Entry cp = SealedCheckpoint(key, ChainHead{41, std::string(64, 'c')}, 1000);
  cp.prev_hash = std::string(64, 'd');
  EXPECT_EQ(VerifyCheckpoint(cp, kTestNodeId, key.public_key()).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CheckpointTest, RejectsMalformedDetails) {
  SigningKey key = TestKey();
  Entry cp = SealedCheckpoint(key, ChainHead{1, std::string(64, 'c')}, 1000);
  cp.event.details["extra"] = 1;
  EXPECT_EQ(VerifyCheckpoint(cp, kTestNodeId, key.public_key()).code(),
            absl::StatusCode::kInvalidArgument);
  cp.event.action = Action::kView;
  EXPECT_EQ(VerifyCheckpoint(cp, kTestNodeId, key.public_key()).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckpointTest, SigningKeyIsDeterministicFromSeedAndParsesBack) {
  SigningKey a = TestKey(3);
  SigningKey b = TestKey(3);
  EXPECT_EQ(a.PublicKeyHex(), b.PublicKeyHex());
  EXPECT_EQ(a.SignHex("m"), b.SignHex("m"));
  auto parsed = ParsePublicKey(a.PublicKeyHex());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, a.public_key());
  EXPECT_FALSE(ParsePublicKey("abc").ok());
  std::string b64(sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), a.public_key().data(), 32,
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.size() - 1);
  EXPECT_EQ(*ParsePublicKey("ed25519:" + b64 + "\n"), a.public_key());
  EXPECT_EQ(*ParsePublicKey(b64), a.public_key());
  EXPECT_FALSE(ParsePublicKey("ed25519:AAAA").ok());
  EXPECT_FALSE(SigningKey::FromSeed(std::vector<uint8_t>(31, 0)).ok());
  SeededRandom random(5);
  EXPECT_NE(SigningKey::Generate(random).PublicKeyHex(), a.PublicKeyHex());
}

TEST(CheckpointTest, VerifySignatureRejectsMalformedSignatures) {
  SigningKey key = TestKey();
  std::string sig = key.SignHex("hello");
  EXPECT_TRUE(VerifySignatureHex(key.public_key(), "hello", sig));
  EXPECT_FALSE(VerifySignatureHex(key.public_key(), "hellO", sig));
  EXPECT_FALSE(VerifySignatureHex(key.public_key(), "hello", sig.substr(2)));
  EXPECT_FALSE(VerifySignatureHex(key.public_key(), "hello", std::string(128, 'z')));
}

TEST(CheckpointPolicyTest, DueAfterEntryCount) {
  CheckpointPolicy policy{.every_entries = 100, .every_ms = 60000};
  EXPECT_FALSE(policy.Due(0, 0, 99, 1000));
  EXPECT_TRUE(policy.Due(0, 0, 100, 1000));
  EXPECT_FALSE(policy.Due(100, 1000, 150, 2000));
}

TEST(CheckpointPolicyTest, DueAfterTimeOnlyWhenSomethingWasAppended) {
  CheckpointPolicy policy{.every_entries = 100, .every_ms = 60000};
  EXPECT_FALSE(policy.Due(10, 0, 11, 59999));
  EXPECT_TRUE(policy.Due(10, 0, 11, 60000));
  EXPECT_FALSE(policy.Due(10, 0, 10, 600000));
}

TEST(CheckpointPolicyTest, ZeroDisablesACriterion) {
  CheckpointPolicy by_time{.every_entries = 0, .every_ms = 1000};
  EXPECT_FALSE(by_time.Due(0, 0, 1000000, 999));
  CheckpointPolicy by_count{.every_entries = 10, .every_ms = 0};
  EXPECT_FALSE(by_count.Due(0, 0, 9, 1000000000));
  EXPECT_TRUE(by_count.Due(0, 0, 10, 0));
}

}  // namespace
}  // namespace liaison::audit
