#include "auth/lockout.h"

#include "gtest/gtest.h"

namespace liaison::auth {
namespace {

constexpr int64_t kSecond = 1000;

TEST(LockoutTest, FirstFiveFailuresAreFree) {
  SignInFailures f;
  int64_t now = 0;
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(SignInAllowed(f, now).allowed) << i;
    f = RecordFailure(f, now);
    now += kSecond;
  }
  SignInDecision d = SignInAllowed(f, now);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.next_attempt_ms, 4 * kSecond + 30 * kSecond);
  EXPECT_TRUE(SignInAllowed(f, 34 * kSecond).allowed);
}

TEST(LockoutTest, DelayDoublesUpToAnHour) {
  EXPECT_EQ(LockoutDelayMs(4), 0);
  EXPECT_EQ(LockoutDelayMs(5), 30 * kSecond);
  EXPECT_EQ(LockoutDelayMs(6), 60 * kSecond);
  EXPECT_EQ(LockoutDelayMs(7), 120 * kSecond);
  EXPECT_EQ(LockoutDelayMs(12), 3600 * kSecond);  // 30 s * 2^7 = 3840 s, capped
  EXPECT_EQ(LockoutDelayMs(1000000), 3600 * kSecond);
}

TEST(LockoutTest, SuccessResets) {
  SignInFailures f;
  for (int i = 0; i < 8; ++i) f = RecordFailure(f, i);
  EXPECT_FALSE(SignInAllowed(f, 10).allowed);
  f = RecordSuccess();
  EXPECT_TRUE(SignInAllowed(f, 10).allowed);
  EXPECT_EQ(f.consecutive, 0);
}

TEST(LockoutTest, CustomPolicy) {
  LockoutPolicy policy{.free_failures = 1, .first_delay_ms = 10, .max_delay_ms = 25};
  SignInFailures f = RecordFailure({}, 100);
  EXPECT_FALSE(SignInAllowed(f, 105, policy).allowed);
  EXPECT_TRUE(SignInAllowed(f, 110, policy).allowed);
  f = RecordFailure(RecordFailure(f, 110), 120);
  EXPECT_EQ(LockoutDelayMs(f.consecutive, policy), 25);
}

}  // namespace
}  // namespace liaison::auth
