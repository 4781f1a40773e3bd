#include "match/name_frequency.h"

#include "gtest/gtest.h"
#include "match/matcher.h"
#include "names/name_token.h"

// Tests build persons with designated initializers and leave the other
// fields at their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace liaison::match {
namespace {

TEST(NameFrequencyTest, BuiltInTableWeighsCommonNamesLess) {
  const NameFrequencyTable t = NameFrequencyTable::BuiltIn();
  const auto w = [&](const char* n) { return t.Weight(names::LatinMatchingKey(n)); };
  EXPECT_LT(w("Muhammad"), w("Asif"));
  EXPECT_LT(w("Khan"), w("Khattak"));
  EXPECT_LT(w("Rossi"), w("Sciascia"));
  EXPECT_EQ(w("Zzyzx"), t.unknown_weight());
  EXPECT_GE(w("Muhammad"), kMinWeight);
  EXPECT_LE(t.unknown_weight(), kMaxWeight);
}

TEST(NameFrequencyTest, RecomputesWeightsFromAPopulation) {
  Matcher matcher;
  NameFrequencyBuilder builder;
  for (int i = 0; i < 50; ++i) {
    Matcher::AddTokens(*matcher.Prepare({.names = {"Zarghoon Khan"}}), &builder);
  }
  Matcher::AddTokens(*matcher.Prepare({.names = {"Bilal Ahmed"}}), &builder);
  EXPECT_EQ(builder.total(), 102u);
  const NameFrequencyTable t = builder.Build();
  EXPECT_LT(t.Weight("zarghun"), t.Weight("bilal"));
  EXPECT_GT(t.Frequency("zarghun"), 0.4);
  // A matcher configured with the population's table uses it.
  Matcher local(MatcherOptions(), t);
  EXPECT_LT(
      local.Score(*local.Prepare({.names = {"Zarghoon"}}), *local.Prepare({.names = {"Zarghoon"}})),
      local.Score(*local.Prepare({.names = {"Bilal"}}), *local.Prepare({.names = {"Bilal"}})));
}

}  // namespace
}  // namespace liaison::match
