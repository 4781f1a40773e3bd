#include "ingest/person_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::ingest {
namespace {

class PersonImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison_import_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = *store::OpenSqliteStore((dir_ / "node.db").string(), clock_, {.create = true});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  ImportOptions Options(bool skip = false) {
    return {.owner = "node_lhr",
            .review_date = "2029-11-28",
            .skip_bad_rows = skip,
            .now_ms = clock_.NowMillis(),
            .random = &random_};
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(store_
                    ->Read([&](store::Reader& r) {
                      n = *r.CountRecords(records::RecordType::kPerson);
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{1};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(PersonImportTest, ImportsEveryRowOfAGoodFile) {
  std::string path = Write("w.csv",
                           "id,name,dob\n1,Muhammad Asif,1985\n2,Giulia Rossi,1990-02-03\n"
                           "3,محمد آصف,\n");
  auto report = ImportPersons(*store_, path, Options(), nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->rows, 3);
  EXPECT_EQ(report->created, 3);
  EXPECT_EQ(report->file_sha256.size(), 64u);
  EXPECT_EQ(Count(), 3);
}

TEST_F(PersonImportTest, OneBadRowImportsNothing) {
  std::string path = Write("w.csv", "id,name,dob\n1,A,1985\n2,B,1985-13\n3,C,\n");
  auto report = ImportPersons(*store_, path, Options(), nullptr);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(absl::StartsWith(report.status().message(), path + ":3:3 (column 'dob')"))
      << report.status();
  EXPECT_EQ(Count(), 0);
}

TEST_F(PersonImportTest, SkipBadRowsReportsEachAndImportsTheRest) {
  std::string path = Write("w.csv", "id,name,dob\n1,A,1985\n2,B,1985-13\n3,\"C\n4,D,\n");
  auto report = ImportPersons(*store_, path, Options(/*skip=*/true), nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->created, 1);
  ASSERT_EQ(report->skipped.size(), 2u);
  EXPECT_TRUE(absl::StrContains(report->skipped[0], ":3:3"));
  EXPECT_TRUE(absl::StrContains(report->skipped[1], "not closed"));
  EXPECT_EQ(Count(), 1);
}

TEST_F(PersonImportTest, DuplicateIdInFileIsAnError) {
  std::string path = Write("w.csv", "id,name\n1,A\n1,B\n");
  auto report = ImportPersons(*store_, path, Options(), nullptr);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(absl::StrContains(report.status().message(), ":3:1 (column 'id')"))
      << report.status();
}

TEST_F(PersonImportTest, ReimportUpdatesChangedRowsAndKeepsIds) {
  ASSERT_TRUE(
      ImportPersons(*store_, Write("a.csv", "id,name\n1,A\n2,B\n"), Options(), nullptr).ok());
  std::string first_id;
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) {
                    first_id = **r.FindBySourceId(records::RecordType::kPerson, "node_lhr", "1");
                    return absl::OkStatus();
                  })
                  .ok());
  auto report =
      ImportPersons(*store_, Write("b.csv", "id,name\n1,A\n2,B2\n3,C\n"), Options(), nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->unchanged, 1);
  EXPECT_EQ(report->updated, 1);
  EXPECT_EQ(report->created, 1);
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) {
                    EXPECT_EQ(**r.FindBySourceId(records::RecordType::kPerson, "node_lhr", "1"),
                              first_id);
                    auto id2 = **r.FindBySourceId(records::RecordType::kPerson, "node_lhr", "2");
                    EXPECT_EQ(r.GetRecord(id2)->meta.version, 2);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_F(PersonImportTest, JsonLinesWithLineNumbersInErrors) {
  std::string good = Write("w.jsonl",
                           "{\"id\":\"1\",\"name\":\"Asif\",\"dob\":\"1985\"}\n\n"
                           "{\"id\":\"2\",\"name\":\"Rossi\",\"aliases\":[\"G. Rossi\"]}\n");
  auto report = ImportPersons(*store_, good, Options(), nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->created, 2);
  std::string bad = Write("x.jsonl", "{\"id\":\"3\",\"name\":\"A\"}\n{\"id\":\"4\",\"name\":\n");
  auto failed = ImportPersons(*store_, bad, Options(), nullptr);
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(absl::StartsWith(failed.status().message(), bad + ":2:")) << failed.status();
  EXPECT_EQ(Count(), 2);
}

TEST_F(PersonImportTest, BeforeCommitFailureRollsBackEverything) {
  auto report = ImportPersons(*store_, Write("w.csv", "id,name\n1,A\n"), Options(),
                              [](store::Transaction&, const ImportReport&) {
                                return absl::UnavailableError("audit log unavailable");
                              });
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(Count(), 0);
}

}  // namespace
}  // namespace liaison::ingest
