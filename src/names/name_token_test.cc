#include "names/name_token.h"

#include "gtest/gtest.h"

namespace liaison::names {
namespace {

TEST(NameTokenTest, MatchingKeyFoldsRomanisationVariants) {
  EXPECT_EQ(LatinMatchingKey("Muhammad"), LatinMatchingKey("muhamad"));
  EXPECT_EQ(LatinMatchingKey("Rasheed"), "rashid");
  EXPECT_EQ(LatinMatchingKey("Rasool"), LatinMatchingKey("rasul"));
  EXPECT_EQ(LatinMatchingKey("Farooq"), LatinMatchingKey("faruk"));
  EXPECT_EQ(LatinMatchingKey("Chaudhry"), LatinMatchingKey("chaudhri"));
  EXPECT_EQ(LatinMatchingKey("Raphael"), "rafael");
}

TEST(NameTokenTest, SkeletonDropsVowelsAndAspiration) {
  EXPECT_EQ(ConsonantSkeleton("muhamad"), "mhmd");
  EXPECT_EQ(ConsonantSkeleton(LatinMatchingKey("mohammed")), "mhmd");
  EXPECT_EQ(ConsonantSkeleton("abdulah"), ConsonantSkeleton("abdula"));
}

TEST(NameTokenTest, SpellingVariantsAreMoreSimilarThanDifferentNames) {
  const auto hussain = TokenForms::FromLatin("hussain");
  EXPECT_GT(TokenSimilarity(hussain, TokenForms::FromLatin("hossain")), 0.85);
  EXPECT_GT(TokenSimilarity(hussain, TokenForms::FromLatin("husain")), 0.95);
  EXPECT_LT(TokenSimilarity(hussain, TokenForms::FromLatin("kamran")), 0.6);
}

TEST(NameTokenTest, UrduTokenIsSimilarToItsRomanisations) {
  const std::u32string muhammad = {0x0645, 0x062D, 0x0645, 0x062F};  // محمد
  const auto urdu = TokenForms::FromUrdu(muhammad, UrduLatinModel::Default());
  ASSERT_GT(urdu.num_forms, 0);
  for (const char* spelling : {"muhammad", "mohammad", "mohammed", "muhammed"}) {
    EXPECT_GT(TokenSimilarity(urdu, TokenForms::FromLatin(spelling)), 0.9) << spelling;
  }
  EXPECT_LT(TokenSimilarity(urdu, TokenForms::FromLatin("rashid")), 0.7);
}

TEST(NameTokenTest, BoundedSimilarityNeverExceedsTheExactOne) {
  const char* names[] = {"asif", "atif", "muhammad", "mohammed", "ali", "aly", "rossi", "russo"};
  for (const char* a : names) {
    for (const char* b : names) {
      const auto ta = TokenForms::FromLatin(a), tb = TokenForms::FromLatin(b);
      const double exact = TokenSimilarity(ta, tb);
      const double bounded = TokenSimilarityAtLeast(ta, tb, 0.8);
      if (exact >= 0.8) {
        EXPECT_DOUBLE_EQ(bounded, exact) << a << " " << b;
      } else {
        EXPECT_LT(bounded, 0.8) << a << " " << b;
      }
    }
  }
}

}  // namespace
}  // namespace liaison::names
