#include "auth/session.h"

#include "auth/tokens.h"
#include "gtest/gtest.h"

namespace liaison::auth {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kStart = 1795000000000;

TEST(SessionTest, NewSessionStoresOnlyTheHash) {
  SeededRandom random(9);
  NewSession s = StartSession(random, "usr_1", kStart);
  EXPECT_EQ(s.record.token_hash, TokenHash(s.token));
  EXPECT_EQ(s.record.user_id, "usr_1");
  EXPECT_EQ(s.record.expires_ms, kStart + 12 * 60 * kMinute);
  EXPECT_TRUE(CheckSession(s.record, kStart).ok());
}

TEST(SessionTest, IdleTimeoutAndTouch) {
  SeededRandom random(9);
  SessionPolicy policy;
  SessionRecord r = StartSession(random, "u", kStart, policy).record;
  EXPECT_TRUE(CheckSession(r, kStart + 29 * kMinute, policy).ok());
  EXPECT_EQ(CheckSession(r, kStart + 30 * kMinute, policy).code(),
            absl::StatusCode::kUnauthenticated);
  TouchSession(r, kStart + 29 * kMinute);
  EXPECT_TRUE(CheckSession(r, kStart + 58 * kMinute, policy).ok());
  TouchSession(r, kStart + 10 * kMinute);  // an older request does not move time back
  EXPECT_EQ(r.last_seen_ms, kStart + 29 * kMinute);
}

TEST(SessionTest, LifetimeIsAbsolute) {
  SeededRandom random(9);
  SessionPolicy policy{.lifetime_ms = 60 * kMinute, .idle_timeout_ms = 30 * kMinute};
  SessionRecord r = StartSession(random, "u", kStart, policy).record;
  for (int m = 20; m < 60; m += 20) TouchSession(r, kStart + m * kMinute);
  absl::Status s = CheckSession(r, kStart + 60 * kMinute, policy);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(std::string(s.message()), "session expired");
}

TEST(SessionTest, SignOutEndsTheSession) {
  SeededRandom random(9);
  SessionRecord r = StartSession(random, "u", kStart).record;
  SignOut(r);
  EXPECT_EQ(std::string(CheckSession(r, kStart).message()), "session was signed out");
}

}  // namespace
}  // namespace liaison::auth
