#include "node/node_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/time/time.h"

namespace liaison::node {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class NodeDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/node_dir_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    node_ = root_ + "/punjab";
  }
  void TearDown() override { fs::remove_all(root_); }

  absl::StatusOr<NodeDir> Create(const std::string& path, const CreateNodeOptions& options = {}) {
    return CreateNodeDir(path, "Punjab Police", "PK", clock_, random_, options);
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{42};
  std::string root_;
  std::string node_;
};

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST_F(NodeDirTest, CreateThenOpen) {
  auto created = Create(node_);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_THAT(created->config.node_id, ::testing::StartsWith("node_"));
  EXPECT_EQ(ModeOf(node_), 0700u);
  EXPECT_EQ(ModeOf(node_ + "/keys"), 0700u);
  EXPECT_EQ(ModeOf(node_ + "/keys/signing.key"), 0600u);
  EXPECT_EQ(ModeOf(node_ + "/keys/tls.key"), 0600u);
  EXPECT_FALSE(fs::exists(node_ + "/liaison.toml.tmp"));

  auto opened = OpenNodeDir(node_ + "/");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->path, node_);
  EXPECT_EQ(opened->config.node_id, created->config.node_id);
  EXPECT_EQ(opened->config.agency, "Punjab Police");
  EXPECT_EQ(opened->config.country, "PK");
  EXPECT_EQ(opened->keys.signing_public_key(), created->keys.signing_public_key());
  EXPECT_EQ(opened->keys.tls_fingerprint(), created->keys.tls_fingerprint());
  EXPECT_EQ(opened->DatabasePath(), node_ + "/liaison.db");
  EXPECT_TRUE(opened->warnings.empty());
}

TEST_F(NodeDirTest, ListenAddressGoesIntoConfigAndCertificate) {
  CreateNodeOptions options;
  options.listen = {"10.20.30.40", 9443};
  auto created = Create(node_, options);
  ASSERT_TRUE(created.ok()) << created.status();
  auto opened = OpenNodeDir(node_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->config.listen.ToString(), "10.20.30.40:9443");
  // The certificate names the host, so partners can verify it by address.
  const std::string& pem = opened->keys.tls_cert_pem();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.20.30.40", 0), 1);
  X509_free(cert);
}

TEST_F(NodeDirTest, RefusesSymlinkedSecretKey) {
  ASSERT_TRUE(Create(node_).ok());
  fs::rename(node_ + "/keys/signing.key", root_ + "/elsewhere.key");
  fs::create_symlink(root_ + "/elsewhere.key", node_ + "/keys/signing.key");
  auto opened = OpenNodeDir(node_);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(opened.status().message(), HasSubstr("symbolic link"));
}

TEST_F(NodeDirTest, AcceptsAnExistingEmptyDirectory) {
  fs::create_directory(node_);
  EXPECT_TRUE(Create(node_).ok());
}

TEST_F(NodeDirTest, RefusesToOverwriteAnExistingNode) {
  auto first = Create(node_);
  ASSERT_TRUE(first.ok());
  auto second = Create(node_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(second.status().message(), HasSubstr("refusing to overwrite"));
  // The first node is untouched.
  EXPECT_EQ(OpenNodeDir(node_)->config.node_id, first->config.node_id);
}

TEST_F(NodeDirTest, RefusesLeftoverKeysWithoutConfig) {
  fs::create_directories(node_ + "/keys");
  auto created = Create(node_);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(created.status().message(), HasSubstr("keys exists"));
}

TEST_F(NodeDirTest, RefusesANonEmptyDirectory) {
  fs::create_directory(node_);
  std::ofstream(node_ + "/notes.txt") << "mine";
  EXPECT_EQ(Create(node_).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs::exists(node_ + "/notes.txt"));
}

TEST_F(NodeDirTest, RejectsBadCountryAndCreatesNothing) {
  auto created = CreateNodeDir(node_, "Punjab Police", "Pakistan", clock_, random_);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("ISO 3166-1"));
  EXPECT_FALSE(fs::exists(node_));
}

TEST_F(NodeDirTest, RejectsEmptyAgency) {
  EXPECT_EQ(CreateNodeDir(node_, "", "PK", clock_, random_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NodeDirTest, CallsDatabaseHookAndRollsBackWhenItFails) {
  std::string seen;
  CreateNodeOptions options;
  options.initialize_database = [&](const std::string& path) {
    seen = path;
    std::ofstream(path) << "half a database";
    return absl::InternalError("disk full");
  };
  auto created = Create(node_, options);
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.status().message(), HasSubstr("disk full"));
  EXPECT_EQ(seen, node_ + "/liaison.db");
  EXPECT_FALSE(fs::exists(node_));
}

TEST_F(NodeDirTest, RollbackKeepsAPreexistingDirectory) {
  fs::create_directory(node_);
  CreateNodeOptions options;
  options.initialize_database = [](const std::string&) { return absl::InternalError("no"); };
  ASSERT_FALSE(Create(node_, options).ok());
  EXPECT_TRUE(fs::exists(node_));
  EXPECT_TRUE(fs::is_empty(node_));
}

TEST_F(NodeDirTest, OpenMissingNodeSaysHowToCreateOne) {
  fs::create_directory(node_);
  auto opened = OpenNodeDir(node_);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(opened.status().message(), HasSubstr("liaison init --data"));
  EXPECT_EQ(OpenNodeDir(root_ + "/nowhere").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(NodeDirTest, OpenReportsConfigErrorsWithLine) {
  ASSERT_TRUE(Create(node_).ok());
  std::ofstream(node_ + "/liaison.toml", std::ios::app) << "[server]\nlisten = 8443\n";
  auto opened = OpenNodeDir(node_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.status().message(), HasSubstr("liaison.toml:"));
}

TEST_F(NodeDirTest, OpenWarnsAboutLooseKeysDirectory) {
  ASSERT_TRUE(Create(node_).ok());
  chmod((node_ + "/keys").c_str(), 0755);
  auto opened = OpenNodeDir(node_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->warnings.size(), 1u);
  EXPECT_THAT(opened->warnings[0], HasSubstr("chmod 700"));
}

TEST_F(NodeDirTest, OpenRefusesWorldReadableSecretKey) {
  ASSERT_TRUE(Create(node_).ok());
  chmod((node_ + "/keys/tls.key").c_str(), 0644);
  auto opened = OpenNodeDir(node_);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("tls.key"));
}

}  // namespace
}  // namespace liaison::node
