#include "names/urdu_latin_model.h"

#include "gtest/gtest.h"
#include "names/script_fold.h"

namespace liaison::names {
namespace {

std::u32string Letters(std::string_view s) {
  auto f = FoldName(s);
  std::u32string out;
  if (f.ok()) {
    for (char32_t c : *f) {
      if (IsArabicLetter(c)) out.push_back(c);
    }
  }
  return out;
}

TEST(UrduLatinModelTest, CompiledTableLoads) {
  const UrduLatinModel& m = UrduLatinModel::Default();
  EXPECT_NE(m.LetterId(0x0645), 0);  // meem
  EXPECT_NE(m.LetterId(0x06D2), 0);  // yeh barree
}

TEST(UrduLatinModelTest, PrefersTheWordsOwnRomanisations) {
  const UrduLatinModel& m = UrduLatinModel::Default();
  const auto muhammad = Letters("محمد");
  EXPECT_GT(m.LogProb(muhammad, "muhammad"), m.LogProb(muhammad, "rashid"));
  EXPECT_GT(m.LogProb(muhammad, "mohammed"), m.LogProb(muhammad, "mehmood"));
  const auto husain = Letters("حسین");
  EXPECT_GT(m.LogProb(husain, "hussain"), m.LogProb(husain, "rashid"));
}

TEST(UrduLatinModelTest, RomanisesUrduOnlyLetters) {
  const UrduLatinModel& m = UrduLatinModel::Default();
  const auto best = m.Romanise(Letters("ٹیپو"), 1);  // Tipu: retroflex t
  ASSERT_EQ(best.size(), 1u);
  EXPECT_EQ(best[0].latin[0], 't');
  const auto chaudhry = m.Romanise(Letters("چوہدری"), 3);
  ASSERT_FALSE(chaudhry.empty());
  EXPECT_EQ(chaudhry[0].latin.substr(0, 2), "ch");
}

TEST(UrduLatinModelTest, RomanisationsAreSortedAndDistinct) {
  const auto r = UrduLatinModel::Default().Romanise(Letters("احمد"), 5);
  ASSERT_GE(r.size(), 2u);
  for (size_t i = 1; i < r.size(); ++i) {
    EXPECT_GE(r[i - 1].log_prob, r[i].log_prob);
    EXPECT_NE(r[i - 1].latin, r[i].latin);
  }
}

TEST(UrduLatinModelTest, RejectsMalformedTables) {
  EXPECT_FALSE(UrduLatinModel::FromTable("0645\t0\t1\tm\n").ok());           // 4 fields
  EXPECT_FALSE(UrduLatinModel::FromTable("0645\t9\t1\tm\t-0.1\n").ok());     // bad class
  EXPECT_FALSE(UrduLatinModel::FromTable("0645\t0\t1\tmmmm\t-0.1\n").ok());  // too long
  EXPECT_FALSE(UrduLatinModel::FromTable("zz\t0\t1\tm\t-0.1\n").ok());       // bad letter
  EXPECT_TRUE(UrduLatinModel::FromTable("# comment\n0645\t0\t1\tm\t-0.1\n").ok());
}

TEST(UrduLatinModelTest, LongInputIsBounded) {
  const std::u32string long_word(1000, 0x0645);
  const std::string long_latin(1000, 'm');
  EXPECT_LT(UrduLatinModel::Default().LogProb(long_word, long_latin), 0.0);
  EXPECT_FALSE(UrduLatinModel::Default().Romanise(long_word, 2).empty());
}

}  // namespace
}  // namespace liaison::names
