#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace liaison::store {
namespace {

// What only the SQLite backend has: a file. Everything both backends do is
// in store_conformance_test.cc.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "node.db").string();
    auto s = OpenSqliteStore(path_, clock_, {.create = true});
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, NewDatabaseIsReadableByItsOwnerOnly) {
  auto perms = std::filesystem::status(path_).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_F(SqliteStoreTest, MissingFileIsNotFoundUnlessCreating) {
  auto s = OpenSqliteStore((dir_ / "absent.db").string(), clock_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsDataLoss) {
  std::string junk = (dir_ / "junk.db").string();
  std::ofstream(junk) << std::string(4096, 'x');
  auto s = OpenSqliteStore(junk, clock_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss) << s.status();
}

}  // namespace
}  // namespace liaison::store
