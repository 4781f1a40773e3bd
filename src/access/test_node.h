// Test fixture for the access layer: a real SQLite store in a temporary
// directory, an audit trail with a seeded signing key, a stopped clock
// (2027-01-15), seeded randomness, and helpers to read the audit log back.
#ifndef LIAISON_ACCESS_TEST_NODE_H_
#define LIAISON_ACCESS_TEST_NODE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "access/actor.h"
#include "access/audit_trail.h"
#include "audit/checkpoint.h"
#include "common/clock.h"
#include "common/random.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::access {

class TestNode : public ::testing::Test {
 protected:
  // Opens the store and trail; call from SetUp.
  void OpenNode(audit::CheckpointPolicy policy = {}) {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison_access_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = store::OpenSqliteStore((dir_ / "node.db").string(), clock_, {.create = true});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    trail_ = std::make_unique<AuditTrail>("node_test", key_, std::string(32, 'k'), policy, clock_);
  }
  void TearDown() override {
    trail_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static Actor TestActor(std::string id, std::string name, Role role) {
    Actor a;
    a.id = std::move(id);
    a.name = std::move(name);
    a.role = role;
    a.origin = "api";
    return a;
  }

  std::vector<store::AuditRow> AuditRows() {
    std::vector<store::AuditRow> rows;
    EXPECT_TRUE(store_
                    ->Read([&](store::Reader& r) {
                      return r.ScanAudit(1, 0, [&](const store::AuditRow& row) {
                        rows.push_back(row);
                        return absl::OkStatus();
                      });
                    })
                    .ok());
    return rows;
  }

  int CountAudit(std::string_view action) {
    int n = 0;
    for (const auto& row : AuditRows()) n += row.action == action;
    return n;
  }

  // 2027-01-15T08:00:00Z.
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  SeededRandom random_{3};
  audit::SigningKey key_ = audit::SigningKey::Generate(random_);
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AuditTrail> trail_;
  Actor admin_ = Actor::LocalAdministrator();
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_TEST_NODE_H_
