#include "federation/replay_guard.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace liaison::federation {
namespace {

constexpr int64_t kSkew = 300'000;

TEST(ReplayGuardTest, RefusesAReplayInsideTheWindow) {
  InMemoryReplayGuard guard;
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_1", 1000 + kSkew, 1000), ReplayVerdict::kFresh);
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_1", 1000 + kSkew, 2000),
            ReplayVerdict::kReplayed);
  // The same id from another sender is another message.
  EXPECT_EQ(*guard.CheckAndRemember("node_B", "msg_1", 1000 + kSkew, 2000), ReplayVerdict::kFresh);
}

TEST(ReplayGuardTest, ForgetsEntriesOnlyAfterTheyExpire) {
  InMemoryReplayGuard guard;
  ASSERT_EQ(*guard.CheckAndRemember("node_A", "msg_1", 10'000, 0), ReplayVerdict::kFresh);
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_2", 20'000, 10'000), ReplayVerdict::kFresh);
  EXPECT_EQ(guard.size(), 2u);  // msg_1 expires at 10'000 and is still within it
  guard.ForgetExpired(10'001);
  EXPECT_EQ(guard.size(), 1u);
}

TEST(ReplayGuardTest, BoundedMemoryRaisesTheFloorInsteadOfForgettingSilently) {
  InMemoryReplayGuard::Options options;
  options.max_entries_per_sender = 3;
  InMemoryReplayGuard guard(options);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(*guard.CheckAndRemember("node_A", "msg_" + std::to_string(i), 1000 * i, 0),
              ReplayVerdict::kFresh);
  }
  // Full: the newest still gets in; msg_1 (expiring at 1000) is forgotten.
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_4", 4000, 0), ReplayVerdict::kFresh);
  EXPECT_EQ(guard.size(), 3u);
  // msg_1 replayed: no longer remembered, but below the floor, so refused.
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_1", 1000, 0), ReplayVerdict::kBeyondMemory);
  // A new message that would be the first to go is refused, not admitted.
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_5", 1500, 0), ReplayVerdict::kBeyondMemory);
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_2", 2000, 0), ReplayVerdict::kReplayed);
  // Other senders are not affected by one sender's flood.
  EXPECT_EQ(*guard.CheckAndRemember("node_B", "msg_1", 1000, 0), ReplayVerdict::kFresh);
}

TEST(ReplayGuardTest, RestartFloorRefusesEnvelopesFromBeforeTheRestart) {
  InMemoryReplayGuard::Options options;
  options.not_before_ms = 1'000'000;
  InMemoryReplayGuard guard(options);
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_1", 999'999, 700'000),
            ReplayVerdict::kBeyondMemory);
  EXPECT_EQ(*guard.CheckAndRemember("node_A", "msg_2", 1'000'001, 700'001), ReplayVerdict::kFresh);
}

// Regression: the node used to floor its guard at its start time, so an
// envelope accepted a minute before a restart (expiring four minutes after
// it) could be replayed after the restart.
TEST(ReplayGuardTest, AfterRestartRefusesEveryEnvelopeAcceptedBeforeTheRestart) {
  constexpr int64_t kStart = 10'000'000;
  InMemoryReplayGuard before;
  const int64_t sent = kStart - 60'000;
  ASSERT_EQ(*before.CheckAndRemember("node_A", "msg_1", sent + kSkew, sent), ReplayVerdict::kFresh);

  InMemoryReplayGuard after(InMemoryReplayGuard::AfterRestart(kStart, kSkew));
  EXPECT_EQ(*after.CheckAndRemember("node_A", "msg_1", sent + kSkew, kStart + 10'000),
            ReplayVerdict::kBeyondMemory);
  // Sent just before the start: still refused.
  EXPECT_EQ(*after.CheckAndRemember("node_A", "msg_2", kStart - 1 + kSkew, kStart + 10'000),
            ReplayVerdict::kBeyondMemory);
  // Sent after the start: accepted once.
  EXPECT_EQ(*after.CheckAndRemember("node_A", "msg_3", kStart + 5'000 + kSkew, kStart + 10'000),
            ReplayVerdict::kFresh);
  EXPECT_EQ(*after.CheckAndRemember("node_A", "msg_3", kStart + 5'000 + kSkew, kStart + 11'000),
            ReplayVerdict::kReplayed);
}

TEST(ReplayGuardTest, ConcurrentSubmissionsOfOneIdAdmitExactlyOne) {
  InMemoryReplayGuard guard;
  std::vector<std::thread> threads;
  std::atomic<int> fresh{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (*guard.CheckAndRemember("node_A", "msg_" + std::to_string(i), kSkew, 0) ==
            ReplayVerdict::kFresh) {
          fresh.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 200);
}

}  // namespace
}  // namespace liaison::federation
