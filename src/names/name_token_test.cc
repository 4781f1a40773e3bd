#include "names/name_token.h"

#include <string>
#include <vector>

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

// The sketch's bound dismisses a pair only if its similarity is below the
// floor, within a script and across scripts, with and without the model.
TEST(NameTokenTest, SketchDismissesOnlyPairsBelowTheFloor) {
  std::vector<TokenForms> tokens;
  std::vector<std::string> spellings = {
      "asif",  "atif",     "muhammad",  "mohammed", "ali",         "aly",    "rossi",
      "russo", "hussain",  "hossain",   "kamran",   "sharif",      "ashref", "ghulam",
      "gulam", "giuseppe", "piraldoni", "praaldi",  "abdulrehman", "x",      "qureshi"};
  // Typos of a few (a letter dropped, two swapped): pairs near the floor.
  for (const std::string n : {"hussain", "qureshi", "giuseppe", "sharif"}) {
    for (size_t i = 0; i < n.size(); ++i) {
      spellings.push_back(n.substr(0, i) + n.substr(i + 1));
      if (i + 1 < n.size()) {
        std::string swapped = n;
        std::swap(swapped[i], swapped[i + 1]);
        spellings.push_back(swapped);
      }
    }
  }
  for (const std::string& n : spellings) {
    tokens.push_back(TokenForms::FromLatin(LatinMatchingKey(n)));
  }
  const UrduLatinModel& model = UrduLatinModel::Default();
  for (const std::u32string& u :
       {std::u32string{0x0645, 0x062D, 0x0645, 0x062F}, std::u32string{0x0639, 0x0644, 0x06CC},
        std::u32string{0x062D, 0x0633, 0x06CC, 0x0646},
        std::u32string{0x0634, 0x0631, 0x06CC, 0x0641}}) {
    tokens.push_back(TokenForms::FromUrdu(u, model));
  }
  size_t dismissed = 0;
  for (const TokenForms& a : tokens) {
    for (const TokenForms& b : tokens) {
      for (double at_least : {0.7, 0.8, 0.88}) {
        for (const UrduLatinModel* m : {&model, static_cast<const UrduLatinModel*>(nullptr)}) {
          if (SimilarityMayReach(TokenSketch::Of(a), TokenSketch::Of(b), at_least, m != nullptr)) {
            continue;
          }
          ++dismissed;
          EXPECT_LT(TokenSimilarityAtLeast(a, b, at_least, m), at_least)
              << a.keys[0].view() << " " << b.keys[0].view() << " " << at_least;
        }
      }
    }
  }
  // And it does dismiss: most of these pairs are different names.
  EXPECT_GT(dismissed, tokens.size() * tokens.size() * 3);
  EXPECT_FALSE(SimilarityMayReach(TokenSketch::Of(tokens[8]), TokenSketch::Of(tokens[10]), 0.8,
                                  true));  // hussain, kamran
  EXPECT_TRUE(SimilarityMayReach(TokenSketch::Of(tokens[8]), TokenSketch::Of(tokens[9]), 0.8,
                                 true));  // hussain, hossain
}

}  // namespace
}  // namespace liaison::names
