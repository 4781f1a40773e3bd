#include "common/time_format.h"

#include <gtest/gtest.h>

namespace liaison {
namespace {

TEST(TimeFormatTest, FormatsUtcWithMillis) {
  EXPECT_EQ(FormatMillis(1'764'373'330'123), "2025-11-28T23:42:10.123Z");
}

TEST(TimeFormatTest, ParsesRfc3339AndPlainDate) {
  EXPECT_EQ(*ParseTimestampMillis("2025-11-28T23:42:10.123Z"), 1'764'373'330'123);
  EXPECT_EQ(*ParseTimestampMillis("2025-11-29T00:42:10.123+01:00"), 1'764'373'330'123);
  EXPECT_EQ(*ParseTimestampMillis("1970-01-02"), 86'400'000);
}

TEST(TimeFormatTest, RejectsGarbageWithExplanation) {
  auto t = ParseTimestampMillis("yesterday");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("RFC 3339"), std::string::npos);
}

}  // namespace
}  // namespace liaison
