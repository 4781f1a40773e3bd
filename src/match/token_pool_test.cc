#include "match/token_pool.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace liaison::match {
namespace {

TEST(TokenPoolTest, EqualTokensOfDifferentPersonsBecomeOneSharedToken) {
  Matcher matcher;
  TokenPool pool;
  PreparedPerson a = *matcher.Prepare({.names = {"Muhammad Asif s/o Bashir Ahmad"}});
  PreparedPerson b = *matcher.Prepare({.names = {"MUHAMMAD Tariq"}, .father_name = "Bashir"});
  ASSERT_NE(a.names[0].tokens[0].get(), b.names[0].tokens[0].get());
  pool.Intern(&a);
  pool.Intern(&b);
  EXPECT_EQ(a.names[0].tokens[0].get(), b.names[0].tokens[0].get());  // muhammad
  EXPECT_EQ(a.father[0].get(), b.father[0].get());                    // bashir
  EXPECT_NE(a.names[0].tokens[1].get(), b.names[0].tokens[1].get());  // asif, tariq
  // muhammad asif bashir ahmad tariq: five distinct tokens.
  EXPECT_EQ(pool.size(), 5u);
}

TEST(TokenPoolTest, InterningDoesNotChangeScores) {
  Matcher matcher;
  TokenPool pool;
  const PersonInput in_a{.names = {"محمد آصف"}, .father_name = "بشیر احمد", .dob = "1985-03-07"};
  const PersonInput in_b{.names = {"Muhammad Asif"}, .father_name = "Bashir", .dob = "1985-03"};
  const PreparedPerson a = *matcher.Prepare(in_a);
  const PreparedPerson b = *matcher.Prepare(in_b);
  PreparedPerson ia = a, ib = b;
  pool.Intern(&ia);
  pool.Intern(&ib);
  EXPECT_DOUBLE_EQ(matcher.Score(a, b), matcher.Score(ia, ib));
  EXPECT_EQ(matcher.Compare(a, b).summary, matcher.Compare(ia, ib).summary);
}

TEST(TokenPoolTest, ConcurrentInterningKeepsOneCopyPerToken) {
  Matcher matcher;
  TokenPool pool;
  const PreparedPerson proto = *matcher.Prepare({.names = {"Giuseppe Rossi"}});
  std::vector<PreparedPerson> persons(8, proto);
  // Give each copy its own token objects, as separate Prepare calls would.
  for (auto& p : persons) p = *matcher.Prepare({.names = {"Giuseppe Rossi"}});
  std::vector<std::thread> threads;
  for (auto& p : persons) threads.emplace_back([&pool, &p] { pool.Intern(&p); });
  for (auto& t : threads) t.join();
  for (const auto& p : persons) {
    EXPECT_EQ(p.names[0].tokens[0].get(), persons[0].names[0].tokens[0].get());
  }
  EXPECT_EQ(pool.size(), 2u);
}

}  // namespace
}  // namespace liaison::match
