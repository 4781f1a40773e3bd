#include "federation/envelope.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "audit/hex.h"
#include "federation/canonical_bytes.h"
#include "federation/strict_object.h"
#include "nlohmann/json.hpp"

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kLahore = "node_01J9ZQ4M7K3T8V2W6X5Y0A1B2C";
constexpr std::string_view kRome = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
constexpr std::string_view kStranger = "node_01J9ZQ6P9Q5W0X4Y8Z7A2C3D4E";
const absl::Time kNow = absl::FromUnixMillis(1'767'225'600'000);  // 2026-01-01T00:00:00Z

// RFC 8032, section 7.1, TEST 1: a key anyone can reproduce the vector with.
constexpr std::string_view kVectorSeedHex =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

audit::SigningKey KeyFromSeedHex(std::string_view hex) {
  auto seed = audit::HexDecode(hex);
  auto key = audit::SigningKey::FromSeed(*seed);
  return *std::move(key);
}

std::string Raw(const audit::PublicKey& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

// The fenced block that follows "<!-- vector NAME -->" in docs/protocol.md.
std::string DocBlock(std::string_view name) {
  std::ifstream in(std::string(LIAISON_SOURCE_DIR) + "/docs/protocol.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string marker = "<!-- vector " + std::string(name) + " -->";
  size_t at = doc.find(marker);
  if (at == std::string::npos) return "";
  size_t open = doc.find("```", at);
  size_t start = doc.find('\n', open) + 1;
  size_t close = doc.find("```", start);
  return doc.substr(start, close - start);
}

// A hex block: '#' starts a comment; white space is ignored.
std::string HexOfBlock(std::string_view block) {
  std::string hex;
  bool comment = false;
  for (char c : block) {
    if (c == '\n') comment = false;
    if (c == '#') comment = true;
    if (!comment && c != ' ' && c != '\n') hex.push_back(c);
  }
  return hex;
}

EnvelopeHeader VectorHeader() {
  EnvelopeHeader header;
  header.message_type = "hit_query";
  header.sender = std::string(kLahore);
  header.recipient = std::string(kRome);
  header.message_id = "msg_01KDVDNA00Q3JZXA1R2YB3KX7M";
  header.sent_at_ms = 1'767'225'600'000;
  header.nonce =
      std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16);
  return header;
}
constexpr std::string_view kVectorBody = R"({"example":"not a real query"})";

class EnvelopeTest : public ::testing::Test {
 protected:
  OpenResult OpenAtRome(std::string_view wire, const OpenOptions& options = {}) {
    auto lookup = [this](std::string_view node_id) -> std::optional<std::string> {
      auto it = partner_keys_.find(std::string(node_id));
      if (it == partner_keys_.end()) return std::nullopt;
      return it->second;
    };
    return Open(wire, kRome, lookup, clock_, guard_, options);
  }

  SealedEnvelope SealFromLahore(std::string_view body, std::string_view type = "hit_query") {
    auto sealed =
        Seal(body, Addressing{std::string(type), std::string(kLahore), std::string(kRome)},
             lahore_key_, clock_, random_);
    EXPECT_TRUE(sealed.ok()) << sealed.status();
    return *std::move(sealed);
  }

  // Re-serialises `wire` after `edit` changed its JSON.
  template <typename Edit>
  static std::string Edited(const std::string& wire, Edit edit) {
    nlohmann::ordered_json json = nlohmann::ordered_json::parse(wire);
    edit(json);
    return json.dump();
  }

  FakeClock clock_{kNow};
  SeededRandom random_{7};
  audit::SigningKey lahore_key_ = KeyFromSeedHex(kVectorSeedHex);
  audit::SigningKey stranger_key_ = audit::SigningKey::Generate(random_);
  InMemoryReplayGuard guard_;
  std::map<std::string, std::string> partner_keys_ = {
      {std::string(kLahore), Raw(lahore_key_.public_key())}};
};

TEST_F(EnvelopeTest, DocumentedVectorMatchesByteForByte) {
  auto sealed = SealWithHeader(kVectorBody, VectorHeader(), lahore_key_);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  const std::string signing_hex = audit::HexEncode(EnvelopeSigningBytes(sealed->header));
  const std::string signature_hex =
      audit::HexEncode(lahore_key_.Sign(EnvelopeSigningBytes(sealed->header)));

  EXPECT_EQ(HexOfBlock(DocBlock("envelope-signing-bytes")), signing_hex);
  EXPECT_EQ(HexOfBlock(DocBlock("envelope-signature")), signature_hex);
  EXPECT_EQ(DocBlock("envelope-wire"), sealed->wire + "\n");
  EXPECT_EQ(HexOfBlock(DocBlock("envelope-public-key")),
            audit::HexEncode(Raw(lahore_key_.public_key())));

  // And the documented wire text opens at Rome at the documented time.
  OpenResult opened = OpenAtRome(sealed->wire);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened.envelope().body, kVectorBody);
  EXPECT_EQ(opened.envelope().header.message_id, "msg_01KDVDNA00Q3JZXA1R2YB3KX7M");
}

TEST_F(EnvelopeTest, SealedEnvelopeOpensWithBodyAndHeader) {
  SealedEnvelope sealed = SealFromLahore("hello");
  OpenResult opened = OpenAtRome(sealed.wire);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened.envelope().body, "hello");
  EXPECT_EQ(opened.envelope().header.sender, kLahore);
  EXPECT_EQ(opened.envelope().header.message_type, "hit_query");
  EXPECT_EQ(opened.envelope().header.sent_at_ms, absl::ToUnixMillis(kNow));
  EXPECT_TRUE(IsLiaisonId(opened.envelope().header.message_id, "msg_"));
}

TEST_F(EnvelopeTest, MessageIdsAreTimeOrdered) {
  SealedEnvelope first = SealFromLahore("a");
  clock_.Advance(absl::Milliseconds(1));
  SealedEnvelope second = SealFromLahore("b");
  EXPECT_LT(first.header.message_id, second.header.message_id);
  EXPECT_NE(first.header.nonce, second.header.nonce);
}

TEST_F(EnvelopeTest, EmptyAndBinaryBodiesRoundTrip) {
  std::string binary("\x00\xff\x80\n\"", 5);
  for (const std::string& body : {std::string(), binary}) {
    OpenResult opened = OpenAtRome(SealFromLahore(body).wire);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(opened.envelope().body, body);
  }
}

TEST_F(EnvelopeTest, ReplayIsRefused) {
  SealedEnvelope sealed = SealFromLahore("hello");
  ASSERT_TRUE(OpenAtRome(sealed.wire).ok());
  OpenResult again = OpenAtRome(sealed.wire);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.refusal().error, EnvelopeError::kReplayed);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr("replayed: "));
}

TEST_F(EnvelopeTest, ReplayAfterTheWindowIsRefusedAsStale) {
  SealedEnvelope sealed = SealFromLahore("hello");
  ASSERT_TRUE(OpenAtRome(sealed.wire).ok());
  clock_.Advance(absl::Minutes(5) + absl::Milliseconds(1));
  guard_.ForgetExpired(clock_.NowMillis());
  EXPECT_EQ(guard_.size(), 0u);
  OpenResult again = OpenAtRome(sealed.wire);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.refusal().error, EnvelopeError::kStale);
  EXPECT_EQ(again.refusal().field, "sent_at_ms");
}

TEST_F(EnvelopeTest, TimeIsCheckedAgainstTheConfiguredSkewBothWays) {
  SealedEnvelope at_edge = SealFromLahore("edge");
  clock_.Advance(absl::Minutes(5));  // exactly the allowed skew: still accepted
  EXPECT_TRUE(OpenAtRome(at_edge.wire).ok());

  // A sender whose clock runs 6 minutes ahead of Rome's.
  clock_.Set(kNow + absl::Minutes(6));
  SealedEnvelope ahead = SealFromLahore("ahead");
  clock_.Set(kNow);
  OpenResult future = OpenAtRome(ahead.wire);
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.refusal().error, EnvelopeError::kFuture);
  OpenOptions lenient;
  lenient.max_skew = absl::Minutes(10);
  EXPECT_TRUE(OpenAtRome(ahead.wire, lenient).ok());

  // A stricter skew refuses what the default accepts.
  SealedEnvelope recent = SealFromLahore("recent");
  clock_.Advance(absl::Minutes(2));
  OpenOptions strict;
  strict.max_skew = absl::Minutes(1);
  OpenResult stale = OpenAtRome(recent.wire, strict);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.refusal().error, EnvelopeError::kStale);
}

TEST_F(EnvelopeTest, StaleEnvelopeIsRefused) {
  SealedEnvelope sealed = SealFromLahore("hello");
  clock_.Advance(absl::Minutes(6));
  OpenResult opened = OpenAtRome(sealed.wire);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kStale);
  EXPECT_EQ(guard_.size(), 0u);  // refused envelopes are not remembered
}

TEST_F(EnvelopeTest, UnknownSenderIsRefused) {
  partner_keys_.clear();
  OpenResult opened = OpenAtRome(SealFromLahore("hello").wire);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kUnknownSender);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(EnvelopeTest, SignatureByAnotherKeyIsRefused) {
  auto forged = Seal("hello", Addressing{"hit_query", std::string(kLahore), std::string(kRome)},
                     stranger_key_, clock_, random_);
  ASSERT_TRUE(forged.ok());
  OpenResult opened = OpenAtRome(forged->wire);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kBadSignature);
}

TEST_F(EnvelopeTest, ChangingAnySignedHeaderFieldBreaksTheSignature) {
  SealedEnvelope sealed = SealFromLahore("hello");
  const std::map<std::string, nlohmann::ordered_json> changes = {
      {"message_type", "erasure_notice"},
      {"message_id", "msg_01KDVDNA00Q3JZXA1R2YB3KX7N"},
      {"sent_at_ms", absl::ToUnixMillis(kNow) + 1},
      {"nonce", "ffffffffffffffffffffffffffffffff"},
      {"recipient", std::string(kStranger)},
  };
  for (const auto& [field, value] : changes) {
    std::string wire = Edited(sealed.wire, [&](auto& json) { json[field] = value; });
    OpenResult opened = OpenAtRome(wire);
    ASSERT_FALSE(opened.ok()) << field;
    EXPECT_EQ(opened.refusal().error, EnvelopeError::kBadSignature) << field;
  }
}

TEST_F(EnvelopeTest, ChangedBodyIsRefused) {
  SealedEnvelope sealed = SealFromLahore("hello");
  std::string wire = Edited(sealed.wire, [](auto& json) { json["body"] = EncodeBase64("hellO"); });
  OpenResult opened = OpenAtRome(wire);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kBodyHashMismatch);
  EXPECT_EQ(opened.refusal().field, "body");
}

TEST_F(EnvelopeTest, EnvelopeForAnotherNodeIsRefused) {
  auto sealed = Seal("hello", Addressing{"hit_query", std::string(kLahore), std::string(kStranger)},
                     lahore_key_, clock_, random_);
  ASSERT_TRUE(sealed.ok());
  OpenResult opened = OpenAtRome(sealed->wire);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kWrongRecipient);
  EXPECT_THAT(opened.refusal().message, HasSubstr(std::string(kStranger)));
}

TEST_F(EnvelopeTest, SenderMustBeTheTlsPeer) {
  SealedEnvelope sealed = SealFromLahore("hello");
  OpenOptions options;
  options.transport_peer = std::string(kStranger);
  OpenResult opened = OpenAtRome(sealed.wire, options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kSenderMismatch);
  options.transport_peer = std::string(kLahore);
  EXPECT_TRUE(OpenAtRome(sealed.wire, options).ok());
}

TEST_F(EnvelopeTest, UnsupportedVersionIsNamed) {
  std::string wire =
      Edited(SealFromLahore("hello").wire, [](auto& json) { json["protocol_version"] = 2; });
  OpenResult opened = OpenAtRome(wire);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kUnsupportedVersion);
  EXPECT_EQ(opened.refusal().field, "protocol_version");
}

TEST_F(EnvelopeTest, MalformedEnvelopesNameTheField) {
  const std::string wire = SealFromLahore("hello").wire;
  struct Case {
    std::string field;
    nlohmann::ordered_json value;  // null: remove the member
  };
  const Case cases[] = {
      {"sender", "lahore"},
      {"recipient", nullptr},
      {"message_id", "msg_short"},
      {"message_type", "Hit Query"},
      {"sent_at_ms", "yesterday"},
      {"sent_at_ms", -1},
      {"nonce", "00"},
      {"body_sha256", "XYZ"},
      {"signature", 7},
      {"body", "not base64!"},
      {"protocol_version", "1"},
      {"surprise", "unsigned extra data"},
  };
  for (const Case& c : cases) {
    std::string edited = Edited(wire, [&](auto& json) {
      if (c.value.is_null()) {
        json.erase(c.field);
      } else {
        json[c.field] = c.value;
      }
    });
    OpenResult opened = OpenAtRome(edited);
    ASSERT_FALSE(opened.ok()) << c.field;
    EXPECT_EQ(opened.refusal().error, EnvelopeError::kMalformed) << c.field;
    EXPECT_EQ(opened.refusal().field, c.field) << opened.refusal().message;
    EXPECT_THAT(opened.refusal().message, HasSubstr("'" + c.field + "'"));
  }
}

TEST_F(EnvelopeTest, GarbageIsMalformedNeverACrash) {
  for (std::string_view junk :
       {"", "null", "[]", "{", "{\"protocol_version\":1}", "\xff\xfe", "{\"a\":1,\"a\":2}"}) {
    OpenResult opened = OpenAtRome(junk);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.refusal().error, EnvelopeError::kMalformed) << junk;
  }
  OpenOptions small;
  small.max_body_bytes = 10;
  OpenResult big = OpenAtRome(SealFromLahore(std::string(5000, 'x')).wire, small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.refusal().error, EnvelopeError::kMalformed);
}

TEST_F(EnvelopeTest, SealRefusesMalformedAddressing) {
  auto bad_type = Seal("x", Addressing{"", std::string(kLahore), std::string(kRome)}, lahore_key_,
                       clock_, random_);
  EXPECT_THAT(bad_type.status().message(), HasSubstr("'message_type'"));
  auto bad_recipient = Seal("x", Addressing{"hit_query", std::string(kLahore), "rome"}, lahore_key_,
                            clock_, random_);
  EXPECT_THAT(bad_recipient.status().message(), HasSubstr("'recipient'"));
}

// A replay guard whose storage is down: the envelope must be refused.
class BrokenGuard final : public ReplayGuard {
 public:
  absl::StatusOr<ReplayVerdict> CheckAndRemember(std::string_view, std::string_view, int64_t,
                                                 int64_t) override {
    return absl::UnavailableError("disk full");
  }
};

TEST_F(EnvelopeTest, FailingReplayGuardFailsClosed) {
  BrokenGuard broken;
  auto lookup = [this](std::string_view) -> std::optional<std::string> {
    return Raw(lahore_key_.public_key());
  };
  OpenResult opened = Open(SealFromLahore("x").wire, kRome, lookup, clock_, broken);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.refusal().error, EnvelopeError::kReplayGuardUnavailable);
  EXPECT_THAT(opened.refusal().message, HasSubstr("disk full"));
}

TEST(EnvelopeErrorTest, WireCodesAreStable) {
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kMalformed), "malformed");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kUnsupportedVersion), "unsupported_version");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kUnknownSender), "unknown_sender");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kBadSignature), "bad_signature");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kWrongRecipient), "wrong_recipient");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kSenderMismatch), "sender_mismatch");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kBodyHashMismatch), "body_hash_mismatch");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kStale), "stale");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kFuture), "future");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kReplayed), "replayed");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kReplayWindowExceeded), "replay_window_exceeded");
  EXPECT_EQ(EnvelopeErrorCode(EnvelopeError::kReplayGuardUnavailable), "replay_guard_unavailable");
}

}  // namespace
}  // namespace liaison::federation
