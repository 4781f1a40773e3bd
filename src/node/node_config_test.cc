#include "node/node_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace liaison::node {
namespace {

using ::testing::HasSubstr;

constexpr char kMinimal[] = R"(
[node]
id = "node_0123456789ABCDEFGHJKMNPQRS"
agency = "Punjab Police"
country = "PK"
)";

NodeConfig SampleConfig() {
  NodeConfig config;
  config.node_id = "node_0123456789ABCDEFGHJKMNPQRS";
  config.agency = "Polizia di Stato \"Servizio\" \\ Roma";
  config.country = "IT";
  config.listen = {"::1", 9443};
  config.max_body_bytes = 4096;
  config.max_upload_bytes = 8192;
  config.default_crime_area = "narcotics";
  config.default_handling_code = "H1";
  config.review_period_days = 100;
  config.protected_review_period_days = 50;
  config.session_idle_minutes = 10;
  config.lockout_minutes = 5;
  return config;
}

TEST(NodeConfigTest, MinimalFileGetsDefaults) {
  std::vector<std::string> warnings;
  auto config = ParseNodeConfig(kMinimal, "liaison.toml", &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->agency, "Punjab Police");
  EXPECT_EQ(config->country, "PK");
  EXPECT_EQ(config->listen.ToString(), "127.0.0.1:8443");
  EXPECT_EQ(config->storage, StorageEngine::kSqlite);
  EXPECT_EQ(config->database_file, "liaison.db");
  EXPECT_EQ(config->default_handling_code, "H2");
  EXPECT_TRUE(warnings.empty());
}

TEST(NodeConfigTest, FormattedConfigParsesBackToTheSameValues) {
  NodeConfig original = SampleConfig();
  std::vector<std::string> warnings;
  auto parsed = ParseNodeConfig(FormatNodeConfig(original), "liaison.toml", &warnings);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << "\n" << FormatNodeConfig(original);
  EXPECT_EQ(parsed->node_id, original.node_id);
  EXPECT_EQ(parsed->agency, original.agency);
  EXPECT_EQ(parsed->country, original.country);
  EXPECT_EQ(parsed->listen, original.listen);
  EXPECT_EQ(parsed->max_body_bytes, original.max_body_bytes);
  EXPECT_EQ(parsed->max_upload_bytes, original.max_upload_bytes);
  EXPECT_EQ(parsed->default_crime_area, original.default_crime_area);
  EXPECT_EQ(parsed->default_handling_code, original.default_handling_code);
  EXPECT_EQ(parsed->review_period_days, original.review_period_days);
  EXPECT_EQ(parsed->protected_review_period_days, original.protected_review_period_days);
  EXPECT_EQ(parsed->session_idle_minutes, original.session_idle_minutes);
  EXPECT_EQ(parsed->lockout_minutes, original.lockout_minutes);
  EXPECT_TRUE(warnings.empty());
}

TEST(NodeConfigTest, UrduAgencyNameRoundTrips) {
  NodeConfig original = SampleConfig();
  original.agency = "پنجاب پولیس";
  auto parsed = ParseNodeConfig(FormatNodeConfig(original), "liaison.toml", nullptr);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->agency, original.agency);
}

TEST(NodeConfigTest, UnknownKeysAndTablesAreWarningsWithLines) {
  std::string text = std::string(kMinimal) +
                     "colour = \"blue\"\n[server]\nlisten = \"127.0.0.1:1\"\nfoo = 1\n[extra]\n";
  std::vector<std::string> warnings;
  auto config = ParseNodeConfig(text, "liaison.toml", &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_THAT(warnings[0], HasSubstr("liaison.toml:6: unknown key 'colour' in [node]"));
  EXPECT_THAT(warnings[1], HasSubstr("liaison.toml:9: unknown key 'foo' in [server]"));
  EXPECT_THAT(warnings[2], HasSubstr("'extra'"));
}

TEST(NodeConfigTest, BadValueNamesKeyAndLine) {
  std::string text = std::string(kMinimal) + "[server]\nlisten = \"127.0.0.1\"\n";
  auto config = ParseNodeConfig(text, "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("liaison.toml:7:"));
  EXPECT_THAT(config.status().message(), HasSubstr("listen"));
  EXPECT_THAT(config.status().message(), HasSubstr("no port"));
}

TEST(NodeConfigTest, WrongTypeIsAnError) {
  std::string text = std::string(kMinimal) + "[server]\nworker_threads = \"eight\"\n";
  auto config = ParseNodeConfig(text, "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("liaison.toml:7: [server] worker_threads"));
}

TEST(NodeConfigTest, OutOfRangeIntegerIsAnError) {
  std::string text = std::string(kMinimal) + "[sessions]\nmax_failed_logins = 0\n";
  auto config = ParseNodeConfig(text, "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("max_failed_logins must be an integer"));
}

TEST(NodeConfigTest, RejectsUnknownCountry) {
  std::string text = R"([node]
id = "node_0123456789ABCDEFGHJKMNPQRS"
agency = "X"
country = "XX"
)";
  auto config = ParseNodeConfig(text, "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("liaison.toml:4: [node] country"));
}

TEST(NodeConfigTest, MissingNodeTableIsAnError) {
  auto config = ParseNodeConfig("[server]\n", "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("missing [node]"));
}

TEST(NodeConfigTest, MissingAgencyIsAnError) {
  auto config =
      ParseNodeConfig("[node]\nid = \"node_0123456789ABCDEFGHJKMNPQRS\"\ncountry=\"PK\"\n",
                      "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("missing required key 'agency'"));
}

TEST(NodeConfigTest, SyntaxErrorGivesLineAndColumn) {
  auto config = ParseNodeConfig("[node]\nid = \"unterminated\n", "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("liaison.toml:2:"));
}

TEST(NodeConfigTest, UnsupportedStorageEngineIsAnError) {
  std::string text = std::string(kMinimal) + "[storage]\nengine = \"oracle\"\n";
  auto config = ParseNodeConfig(text, "liaison.toml", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("'oracle' is not supported"));
}

TEST(NodeConfigTest, PostgresStorageRoundTrips) {
  NodeConfig config = SampleConfig();
  config.storage = StorageEngine::kPostgres;
  config.storage_url = "postgresql://liaison@db.punjab.internal:5432/liaison?sslmode=verify-full";
  auto parsed = ParseNodeConfig(FormatNodeConfig(config), "liaison.toml", nullptr);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->storage, StorageEngine::kPostgres);
  EXPECT_EQ(parsed->storage_url, config.storage_url);
}

TEST(NodeConfigTest, PostgresEngineWithoutUrlNamesTheKeyAndLine) {
  std::string text = std::string(kMinimal) + "[storage]\nengine = \"postgresql\"\n";
  auto config = ParseNodeConfig(text, "liaison.toml", nullptr);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("liaison.toml:7"));
  EXPECT_THAT(std::string(config.status().message()), HasSubstr("postgresql://"));
  std::string not_a_url = text + "url = \"host=db dbname=liaison\"\n";
  EXPECT_FALSE(ParseNodeConfig(not_a_url, "liaison.toml", nullptr).ok());
}

TEST(NodeConfigTest, StorageMayBeAConnectionStringOrSqlite) {
  // The short form, before any table: storage = "sqlite" or a PostgreSQL URL.
  auto pg = ParseNodeConfig(
      "storage = \"postgresql://liaison@127.0.0.1:5432/liaison\"\n" + std::string(kMinimal),
      "liaison.toml", nullptr);
  ASSERT_TRUE(pg.ok()) << pg.status();
  EXPECT_EQ(pg->storage, StorageEngine::kPostgres);
  EXPECT_EQ(pg->storage_url, "postgresql://liaison@127.0.0.1:5432/liaison");
  auto lite =
      ParseNodeConfig("storage = \"sqlite\"\n" + std::string(kMinimal), "liaison.toml", nullptr);
  ASSERT_TRUE(lite.ok()) << lite.status();
  EXPECT_EQ(lite->storage, StorageEngine::kSqlite);
  auto bad =
      ParseNodeConfig("storage = \"mysql://x\"\n" + std::string(kMinimal), "liaison.toml", nullptr);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("liaison.toml:1"));
}

TEST(NodeConfigTest, InvalidUtf8IsAnError) {
  std::string text = std::string(kMinimal) + "# \xff\xfe\n";
  EXPECT_FALSE(ParseNodeConfig(text, "liaison.toml", nullptr).ok());
}

TEST(ListenAddressTest, ParsesIpv4Ipv6AndNames) {
  EXPECT_EQ(ParseListenAddress("127.0.0.1:0")->port, 0);
  EXPECT_EQ(ParseListenAddress("[::1]:8443")->host, "::1");
  EXPECT_EQ(ParseListenAddress("[::1]:8443")->ToString(), "[::1]:8443");
  EXPECT_EQ(ParseListenAddress("node.example:443")->host, "node.example");
  EXPECT_FALSE(ParseListenAddress("127.0.0.1").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:65536").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:-1").ok());
  EXPECT_FALSE(ParseListenAddress(":80").ok());
  EXPECT_FALSE(ParseListenAddress("::1:80").ok());
  EXPECT_FALSE(ParseListenAddress("[::1]80").ok());
  EXPECT_FALSE(ParseListenAddress("host name:80").ok());
}

TEST(CountryCodeTest, KnowsAssignedCodesOnly) {
  EXPECT_TRUE(IsCountryCode("PK"));
  EXPECT_TRUE(IsCountryCode("IT"));
  EXPECT_TRUE(IsCountryCode("ZW"));
  EXPECT_TRUE(IsCountryCode("AD"));
  EXPECT_FALSE(IsCountryCode("pk"));
  EXPECT_FALSE(IsCountryCode("XX"));
  EXPECT_FALSE(IsCountryCode("UK"));  // the assigned code is GB
  EXPECT_FALSE(IsCountryCode("PAK"));
  EXPECT_FALSE(IsCountryCode(""));
}

}  // namespace
}  // namespace liaison::node
