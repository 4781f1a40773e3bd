#include "common/random.h"

#include <gtest/gtest.h>

#include <set>

namespace liaison {
namespace {

TEST(RandomTest, IdsHavePrefixAndCrockfordBody) {
  SeededRandom r(7);
  std::string id = r.NewId("per_");
  ASSERT_EQ(id.size(), 4u + 26u);
  EXPECT_EQ(id.substr(0, 4), "per_");
  EXPECT_EQ(id.substr(4).find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
}

TEST(RandomTest, TimeOrderedIdsSortByTime) {
  SeededRandom r(7);
  std::string a = r.NewTimeOrderedId("per_", 1'000);
  std::string b = r.NewTimeOrderedId("per_", 1'001);
  std::string c = r.NewTimeOrderedId("per_", 1'800'000'000'000);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(a.size(), 30u);
}

TEST(RandomTest, IdsDoNotRepeat) {
  SecureRandom r;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(r.NewTimeOrderedId("x", 5)).second);
}

TEST(RandomTest, SeededRandomIsRepeatable) {
  SeededRandom a(42), b(42);
  EXPECT_EQ(a.Hex(32), b.Hex(32));
}

}  // namespace
}  // namespace liaison
