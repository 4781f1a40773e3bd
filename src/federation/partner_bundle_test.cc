#include "federation/partner_bundle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_replace.h"
#include "audit/hex.h"
#include "nlohmann/json.hpp"
#include "node/node_keys.h"

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// The node's keys as an audit::Signer (the node itself uses
// access::NodeSigner, which does the same).
class KeysSigner final : public audit::Signer {
 public:
  explicit KeysSigner(const node::NodeKeys& keys) : keys_(keys) {}
  audit::PublicKey public_key() const override {
    audit::PublicKey key{};
    std::copy(keys_.signing_public_key().begin(), keys_.signing_public_key().end(), key.begin());
    return key;
  }
  std::string Sign(std::string_view message) const override { return keys_.Sign(message); }

 private:
  const node::NodeKeys& keys_;
};

node::NodeKeys MakeKeys(uint64_t seed, const std::string& node_id) {
  FakeClock clock(absl::FromUnixSeconds(1'767'225'600));
  SeededRandom random(seed);
  node::CertificateSubject subject;
  subject.node_id = node_id;
  subject.agency = "Punjab Police";
  subject.country = "PK";
  auto keys = node::NodeKeys::Generate(subject, clock, random);
  EXPECT_TRUE(keys.ok()) << keys.status();
  return *std::move(keys);
}

class PartnerBundleTest : public ::testing::Test {
 protected:
  PartnerBundle Stated() const {
    PartnerBundle bundle;
    bundle.node_id = kNodeId;
    bundle.agency = "Punjab Police — Lahore";
    bundle.country = "PK";
    bundle.endpoint = "https://liaison.punjabpolice.example:8443";
    bundle.tls_certificate_pem = keys_.tls_cert_pem();
    bundle.issued_at_ms = 1'767'225'600'000;
    return bundle;
  }

  std::string ExportedJson() const {
    auto signed_bundle = SignBundle(Stated(), signer_);
    EXPECT_TRUE(signed_bundle.ok()) << signed_bundle.status();
    return BundleToJson(*signed_bundle);
  }

  static std::string Edited(const std::string& text,
                            const std::function<void(nlohmann::ordered_json&)>& edit) {
    nlohmann::ordered_json json = nlohmann::ordered_json::parse(text);
    edit(json);
    return json.dump(2);
  }

  static constexpr std::string_view kNodeId = "node_01J9ZQ4M7K3T8V2W6X5Y0A1B2C";
  node::NodeKeys keys_ = MakeKeys(1, std::string(kNodeId));
  KeysSigner signer_{keys_};
};

TEST_F(PartnerBundleTest, ExportedBundleParsesBackWithTheSameContents) {
  std::string text = ExportedJson();
  auto parsed = ParseBundle(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->node_id, kNodeId);
  EXPECT_EQ(parsed->agency, "Punjab Police — Lahore");
  EXPECT_EQ(parsed->country, "PK");
  EXPECT_EQ(parsed->endpoint, "https://liaison.punjabpolice.example:8443");
  EXPECT_EQ(parsed->tls_certificate_pem, keys_.tls_cert_pem());
  EXPECT_EQ(parsed->signing_public_key, keys_.signing_public_key());
  EXPECT_EQ(parsed->issued_at_ms, 1'767'225'600'000);
  EXPECT_EQ(BundleToJson(*parsed), text);
}

TEST_F(PartnerBundleTest, ExportedJsonHasTheDocumentedMembersInOrder) {
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(ExportedJson());
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"format", "version", "node_id", "agency", "country",
                                            "endpoint", "issued_at_ms", "tls_certificate",
                                            "signing_public_key", "signature"}));
  EXPECT_EQ(json["format"], "liaison-partner-bundle");
  EXPECT_EQ(json["version"], 1);
}

TEST_F(PartnerBundleTest, FingerprintsAreGroupsOfFourForReadingAloud) {
  auto parsed = ParseBundle(ExportedJson());
  ASSERT_TRUE(parsed.ok());
  BundleFingerprints fingerprints = ReadableFingerprints(*parsed);
  const std::string kForm = "([0-9A-F]{4} ){15}[0-9A-F]{4}";
  EXPECT_THAT(fingerprints.tls_certificate, MatchesRegex(kForm));
  EXPECT_THAT(fingerprints.signing_key, MatchesRegex(kForm));
  // The same digests node::NodeKeys prints in OpenSSL's colon form.
  auto digits = [](std::string text) {
    text = absl::StrReplaceAll(text, {{"SHA256:", ""}, {":", ""}, {" ", ""}});
    return text;
  };
  EXPECT_EQ(digits(fingerprints.tls_certificate), digits(keys_.tls_fingerprint()));
  EXPECT_EQ(digits(fingerprints.signing_key), digits(keys_.signing_fingerprint()));
}

TEST_F(PartnerBundleTest, FormatFingerprintForReadingGroupsTheDigest) {
  std::string digest(32, '\0');
  for (int i = 0; i < 32; ++i) digest[i] = static_cast<char>(i * 8 + 1);
  EXPECT_EQ(FormatFingerprintForReading(digest),
            "0109 1119 2129 3139 4149 5159 6169 7179 8189 9199 A1A9 B1B9 C1C9 D1D9 E1E9 F1F9");
}

TEST_F(PartnerBundleTest, AnyChangeAfterSigningIsRefused) {
  const std::string text = ExportedJson();
  node::NodeKeys other = MakeKeys(2, std::string(kNodeId));
  const std::vector<std::pair<std::string, nlohmann::ordered_json>> changes = {
      {"endpoint", "https://attacker.example:8443"},
      {"agency", "Punjab Police"},
      {"country", "IT"},
      {"node_id", "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D"},
      {"issued_at_ms", 1'767'225'600'001},
      {"tls_certificate", other.tls_cert_pem()},
      {"signing_public_key", audit::HexEncode(other.signing_public_key())},
  };
  for (const auto& [field, value] : changes) {
    auto parsed = ParseBundle(Edited(text, [&](auto& json) { json[field] = value; }));
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnauthenticated) << field;
    EXPECT_THAT(parsed.status().message(), HasSubstr("field 'signature'"));
  }
}

TEST_F(PartnerBundleTest, BadFieldsAreNamed) {
  const std::string text = ExportedJson();
  const std::vector<std::pair<std::string, nlohmann::ordered_json>> changes = {
      {"format", "something-else"},
      {"version", 2},
      {"node_id", "lahore"},
      {"agency", ""},
      {"agency", "Punjab\nPolice"},
      {"country", "pk"},
      {"endpoint", "http://liaison.punjabpolice.example"},
      {"issued_at_ms", -5},
      {"tls_certificate", "not a certificate"},
      {"signing_public_key", "abcd"},
      {"signature", 12},
  };
  for (const auto& [field, value] : changes) {
    auto parsed = ParseBundle(Edited(text, [&](auto& json) { json[field] = value; }));
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(parsed.status().message(), HasSubstr("partner bundle: field '" + field + "'"))
        << parsed.status();
  }
}

TEST_F(PartnerBundleTest, MissingUnknownAndDuplicateMembersAreRefused) {
  const std::string text = ExportedJson();
  auto missing = ParseBundle(Edited(text, [](auto& json) { json.erase("endpoint"); }));
  EXPECT_THAT(missing.status().message(), HasSubstr("field 'endpoint': missing"));
  auto unknown = ParseBundle(Edited(text, [](auto& json) { json["comment"] = "hi"; }));
  EXPECT_THAT(unknown.status().message(), HasSubstr("field 'comment': is not part of this format"));
  std::string duplicated = text;
  duplicated.insert(1, "\"country\":\"IT\",");
  auto duplicate = ParseBundle(duplicated);
  EXPECT_THAT(duplicate.status().message(), HasSubstr("'country' appears more than once"));
  EXPECT_EQ(ParseBundle(std::string(kMaxBundleBytes + 1, ' ')).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(ParseBundle("").ok());
}

TEST_F(PartnerBundleTest, CertificateMustBeExactlyOne) {
  node::NodeKeys other = MakeKeys(2, std::string(kNodeId));
  PartnerBundle two = Stated();
  two.tls_certificate_pem += other.tls_cert_pem();
  EXPECT_THAT(SignBundle(two, signer_).status().message(),
              HasSubstr("field 'tls_certificate': certificate PEM holds more than one"));
  PartnerBundle key_instead = Stated();
  key_instead.tls_certificate_pem = keys_.tls_key_pem();
  EXPECT_THAT(SignBundle(key_instead, signer_).status().message(),
              HasSubstr("field 'tls_certificate'"));
}

TEST_F(PartnerBundleTest, EndpointForms) {
  for (const char* good : {"https://liaison.punjabpolice.example:8443", "https://10.1.2.3",
                           "https://[::1]:8443", "https://localhost:1"}) {
    PartnerBundle bundle = Stated();
    bundle.endpoint = good;
    EXPECT_TRUE(SignBundle(bundle, signer_).ok()) << good;
  }
  for (const char* bad :
       {"http://host", "https://", "https://host/path", "https://user@host", "https://host:0",
        "https://host:99999", "https://host:", "https:// host", "https://host:08443",
        "https://[::1", "https://-host", "https://host?x=1", "https://host#f"}) {
    PartnerBundle bundle = Stated();
    bundle.endpoint = bad;
    auto signed_bundle = SignBundle(bundle, signer_);
    ASSERT_FALSE(signed_bundle.ok()) << bad;
    EXPECT_THAT(signed_bundle.status().message(), HasSubstr("field 'endpoint'")) << bad;
  }
}

}  // namespace
}  // namespace liaison::federation
