#include "common/clock.h"

#include <gtest/gtest.h>

namespace liaison {
namespace {

TEST(FakeClockTest, OnlyMovesWhenAdvanced) {
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ(clock.Now(), clock.Now());
  clock.Advance(absl::Seconds(90));
  EXPECT_EQ(clock.NowMillis(), 1'700'000'090'000);
  clock.Set(absl::FromUnixSeconds(5));
  EXPECT_EQ(clock.NowMillis(), 5'000);
}

TEST(SystemClockTest, TracksWallTime) {
  absl::Time before = absl::Now();
  absl::Time seen = RealClock().Now();
  EXPECT_LE(before, seen);
  EXPECT_LE(seen, absl::Now());
}

TEST(OffsetClockTest, FollowsItsBaseShiftedByTheOffset) {
  FakeClock base(absl::FromUnixSeconds(1'700'000'000));
  OffsetClock ahead(base, absl::Hours(24 * 31));
  EXPECT_EQ(ahead.Now(), absl::FromUnixSeconds(1'700'000'000) + absl::Hours(24 * 31));
  base.Advance(absl::Seconds(1));
  EXPECT_EQ(ahead.Now() - base.Now(), absl::Hours(24 * 31));
}

}  // namespace
}  // namespace liaison
