#include "access/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "access/test_node.h"

namespace liaison::access {
namespace {

class GroupCommitTest : public TestNode {
 protected:
  void SetUp() override { OpenNode(); }

  std::optional<std::string> Setting(const std::string& key) {
    std::optional<std::string> value;
    EXPECT_TRUE(store_
                    ->Read([&](store::Reader& r) -> absl::Status {
                      absl::StatusOr<std::optional<std::string>> v = r.GetSetting(key);
                      if (!v.ok()) return v.status();
                      value = *v;
                      return absl::OkStatus();
                    })
                    .ok());
    return value;
  }
};

// Writers that arrive while the first is committing are committed together
// in the next transaction, and each one's error stays its own.
TEST_F(GroupCommitTest, WritersQueuedDuringACommitShareOneTransactionAndKeepTheirOwnErrors) {
  GroupCommit commit(*store_);
  std::atomic<bool> entered{false};
  std::atomic<bool> release{false};
  std::thread first([&] {
    EXPECT_TRUE(commit
                    .Write([&](store::Transaction& tx) {
                      // Hold the first transaction open until four writers wait.
                      entered = true;
                      while (!release.load()) std::this_thread::yield();
                      return tx.PutSetting("k0", "v0");
                    })
                    .ok());
  });
  while (!entered.load()) std::this_thread::yield();
  std::vector<std::thread> others;
  std::vector<absl::Status> results(4);
  for (int i = 1; i <= 4; ++i) {
    others.emplace_back([&, i] {
      results[i - 1] = commit.Write([i](store::Transaction& tx) -> absl::Status {
        if (i == 3) return absl::InvalidArgumentError("writer 3 refuses");
        return tx.PutSetting("k" + std::to_string(i), "v" + std::to_string(i));
      });
    });
  }
  while (commit.waiting() < 4) std::this_thread::yield();
  release = true;
  first.join();
  for (std::thread& t : others) t.join();

  EXPECT_TRUE(results[0].ok()) << results[0];
  EXPECT_TRUE(results[1].ok()) << results[1];
  EXPECT_EQ(results[2].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(results[2].message(), "writer 3 refuses");
  EXPECT_TRUE(results[3].ok()) << results[3];
  for (int i : {0, 1, 2, 4}) {
    EXPECT_EQ(Setting("k" + std::to_string(i)), "v" + std::to_string(i)) << i;
  }
  EXPECT_FALSE(Setting("k3").has_value());
  // The four waiters formed one group.
  EXPECT_EQ(commit.counts().groups, 1);
  EXPECT_EQ(commit.counts().grouped_writers, 4);
}

TEST_F(GroupCommitTest, ManyConcurrentWritersAllCommitExactlyOnce) {
  GroupCommit commit(*store_);
  constexpr int kThreads = 8, kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string key = "t" + std::to_string(t) + "_" + std::to_string(i);
        if (!commit.Write([&](store::Transaction& tx) { return tx.PutSetting(key, key); }).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      std::string key = "t" + std::to_string(t) + "_" + std::to_string(i);
      ASSERT_EQ(Setting(key), key);
    }
  }
}

}  // namespace
}  // namespace liaison::access
