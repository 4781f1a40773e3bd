#include "node/node_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/time/time.h"

namespace liaison::node {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class NodeKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/node_keys_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static CertificateSubject Subject() {
    CertificateSubject subject;
    subject.node_id = "node_0123456789ABCDEFGHJKMNPQRS";
    subject.agency = "Punjab Police";
    subject.country = "PK";
    subject.listen_host = "10.1.2.3";
    return subject;
  }

  NodeKeys Generate(uint64_t seed) {
    SeededRandom random(seed);
    auto keys = NodeKeys::Generate(Subject(), clock_, random);
    EXPECT_TRUE(keys.ok()) << keys.status();
    return *std::move(keys);
  }

  void WriteText(const std::string& name, const std::string& text) {
    std::filesystem::permissions(dir_ + "/" + name, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    std::ofstream(dir_ + "/" + name, std::ios::trunc) << text;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::string dir_;
};

TEST_F(NodeKeysTest, SignatureVerifiesAndTamperingIsDetected) {
  NodeKeys keys = Generate(1);
  std::string signature = keys.Sign("checkpoint 42");
  EXPECT_EQ(signature.size(), kSignatureBytes);
  EXPECT_TRUE(NodeKeys::Verify(keys.signing_public_key(), "checkpoint 42", signature).ok());
  EXPECT_EQ(NodeKeys::Verify(keys.signing_public_key(), "checkpoint 43", signature).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(NodeKeys::Verify("short", "checkpoint 42", signature).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NodeKeys::Verify(keys.signing_public_key(), "checkpoint 42", "x").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NodeKeysTest, SigningKeyIsDeterministicForASeed) {
  EXPECT_EQ(Generate(7).signing_public_key(), Generate(7).signing_public_key());
  EXPECT_NE(Generate(7).signing_public_key(), Generate(8).signing_public_key());
}

TEST_F(NodeKeysTest, FingerprintsAreColonHexSha256) {
  NodeKeys keys = Generate(1);
  const std::string kForm = "SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}";
  EXPECT_THAT(keys.tls_fingerprint(), MatchesRegex(kForm));
  EXPECT_THAT(keys.signing_fingerprint(), MatchesRegex(kForm));
  EXPECT_NE(keys.signing_fingerprint(), Generate(2).signing_fingerprint());
}

TEST_F(NodeKeysTest, CertificateNamesNodeAgencyAndHosts) {
  NodeKeys keys = Generate(1);
  BIO* bio =
      BIO_new_mem_buf(keys.tls_cert_pem().data(), static_cast<int>(keys.tls_cert_pem().size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(cert, nullptr);
  char cn[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "node_0123456789ABCDEFGHJKMNPQRS");
  char org[128] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_organizationName, org, sizeof org);
  EXPECT_STREQ(org, "Punjab Police");
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.1.2.3", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.1.2.4", 0), 0);
  // Valid from an hour before the clock to five years after.
  time_t before_start = 1'800'000'000 - 3601;
  time_t after_start = 1'800'000'000 - 3599;
  EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(cert), &before_start), 1);
  EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(cert), &after_start), -1);
  time_t four_years = 1'800'000'000 + 4 * 365 * 86400;
  EXPECT_EQ(X509_cmp_time(X509_get0_notAfter(cert), &four_years), 1);
  X509_free(cert);
}

// Regression: `liaison init` failed with an OpenSSL "string too long" error
// for an agency name over X.520's 64 characters.
TEST_F(NodeKeysTest, ALongAgencyNameIsShortenedInTheCertificateOnly) {
  CertificateSubject subject = Subject();
  subject.agency =
      "Polizia di Stato – Servizio per la Cooperazione Internazionale di Polizia (Roma)";
  SeededRandom random(3);
  auto keys = NodeKeys::Generate(subject, clock_, random);
  ASSERT_TRUE(keys.ok()) << keys.status();
  BIO* bio =
      BIO_new_mem_buf(keys->tls_cert_pem().data(), static_cast<int>(keys->tls_cert_pem().size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(cert, nullptr);
  char org[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_organizationName, org, sizeof org);
  // 64 characters, the dash (3 bytes in UTF-8) kept whole.
  EXPECT_STREQ(org, "Polizia di Stato – Servizio per la Cooperazione Internazionale d");
  X509_free(cert);
}

TEST_F(NodeKeysTest, WriteThenReadGivesTheSameKeys) {
  NodeKeys keys = Generate(3);
  ASSERT_TRUE(keys.WriteTo(dir_).ok());
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/signing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_ + "/tls.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto read = NodeKeys::ReadFrom(dir_);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->signing_public_key(), keys.signing_public_key());
  EXPECT_EQ(read->tls_fingerprint(), keys.tls_fingerprint());
  EXPECT_EQ(read->tls_cert_pem(), keys.tls_cert_pem());
  EXPECT_TRUE(NodeKeys::Verify(keys.signing_public_key(), "m", read->Sign("m")).ok());
}

TEST_F(NodeKeysTest, NeverOverwritesExistingKeys) {
  ASSERT_TRUE(Generate(3).WriteTo(dir_).ok());
  absl::Status second = Generate(4).WriteTo(dir_);
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(NodeKeys::ReadFrom(dir_)->signing_public_key(), Generate(3).signing_public_key());
}

TEST_F(NodeKeysTest, RefusesSecretKeyReadableByOthers) {
  ASSERT_TRUE(Generate(3).WriteTo(dir_).ok());
  chmod((dir_ + "/signing.key").c_str(), 0644);
  auto read = NodeKeys::ReadFrom(dir_);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(read.status().message(), HasSubstr("chmod 600"));
}

TEST_F(NodeKeysTest, MissingFileIsNotFound) {
  ASSERT_TRUE(Generate(3).WriteTo(dir_).ok());
  std::filesystem::remove(dir_ + "/tls.crt");
  EXPECT_EQ(NodeKeys::ReadFrom(dir_).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(NodeKeysTest, CorruptSigningKeyIsDataLoss) {
  ASSERT_TRUE(Generate(3).WriteTo(dir_).ok());
  WriteText("signing.key", "ed25519-seed:not base64!\n");
  auto read = NodeKeys::ReadFrom(dir_);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(read.status().message(), HasSubstr("signing.key is corrupt"));
}

TEST_F(NodeKeysTest, MismatchedPublicKeyIsDataLoss) {
  ASSERT_TRUE(Generate(3).WriteTo(dir_).ok());
  std::string other_dir = dir_ + "/other";
  std::filesystem::create_directory(other_dir);
  ASSERT_TRUE(Generate(4).WriteTo(other_dir).ok());
  std::filesystem::copy_file(other_dir + "/signing.pub", dir_ + "/signing.pub",
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(NodeKeys::ReadFrom(dir_).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(NodeKeysTest, CertificateOfAnotherKeyIsDataLoss) {
  ASSERT_TRUE(Generate(3).WriteTo(dir_).ok());
  WriteText("tls.crt", Generate(4).tls_cert_pem());
  auto read = NodeKeys::ReadFrom(dir_);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(read.status().message(), HasSubstr("does not belong"));
}

TEST_F(NodeKeysTest, GarbageCertificateIsDataLoss) {
  ASSERT_TRUE(Generate(3).WriteTo(dir_).ok());
  WriteText("tls.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(NodeKeys::ReadFrom(dir_).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace liaison::node
