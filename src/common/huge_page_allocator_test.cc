#include "common/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace liaison {
namespace {

struct alignas(64) Line {
  uint64_t words[8];
};

TEST(HugePageAllocatorTest, LargeArraysAreAlignedToHugePages) {
  std::vector<Line, HugePageAllocator<Line>> v(kHugePageMin / sizeof(Line) + 1);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % kHugePageSize, 0u);
}

TEST(HugePageAllocatorTest, SmallArraysKeepTheirTypesAlignment) {
  std::vector<Line, HugePageAllocator<Line>> v(3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % alignof(Line), 0u);
}

TEST(HugePageAllocatorTest, ContentsSurviveGrowthAcrossTheHugePageSize) {
  std::vector<uint32_t, HugePageAllocator<uint32_t>> v;
  const uint32_t n = static_cast<uint32_t>(kHugePageMin / sizeof(uint32_t)) * 2;
  for (uint32_t i = 0; i < n; ++i) v.push_back(i * 7u);
  for (uint32_t i = 0; i < n; i += 4099) ASSERT_EQ(v[i], i * 7u);
  EXPECT_EQ(v.back(), (n - 1) * 7u);
}

}  // namespace
}  // namespace liaison
