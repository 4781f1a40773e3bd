#include "names/name_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace liaison::names {
namespace {

std::vector<std::string> Keys(const std::vector<ParsedToken>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) out.emplace_back(t.forms.keys[0].view());
  return out;
}

class NameParserTest : public ::testing::Test {
 protected:
  ParsedName Parse(std::string_view s) {
    auto p = parser_.Parse(s);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : ParsedName();
  }
  NameParser parser_;
};

TEST_F(NameParserTest, SplitsRelationFromOwnName) {
  const ParsedName p = Parse("Muhammad Asif s/o Bashir Ahmed");
  EXPECT_EQ(p.relation, Relation::kSonOf);
  EXPECT_EQ(Keys(p.tokens), (std::vector<std::string>{"muhamad", "asif"}));
  EXPECT_EQ(Keys(p.relative), (std::vector<std::string>{"bashir", "ahmed"}));
  EXPECT_EQ(Parse("Sana d/o Akram").relation, Relation::kDaughterOf);
  EXPECT_EQ(Parse("Sana W/O Akram").relation, Relation::kWifeOf);
  EXPECT_EQ(Parse("Ali son of Akram").relation, Relation::kSonOf);
  EXPECT_EQ(Parse("Osama bin Laden").relation, Relation::kChildOf);
}

TEST_F(NameParserTest, SplitsUrduRelations) {
  const ParsedName p = Parse("محمد آصف ولد بشیر احمد");
  EXPECT_EQ(p.relation, Relation::kSonOf);
  EXPECT_EQ(p.tokens.size(), 2u);
  EXPECT_EQ(p.relative.size(), 2u);
  EXPECT_EQ(Parse("فاطمہ بنت اکرم").relation, Relation::kDaughterOf);
  EXPECT_EQ(Parse("نسرین زوجہ اکرم").relation, Relation::kWifeOf);
}

TEST_F(NameParserTest, MarksTitlesInBothScripts) {
  const ParsedName p = Parse("Ch. Muhammad Hussain");
  ASSERT_EQ(p.tokens.size(), 3u);
  EXPECT_EQ(p.tokens[0].role, TokenRole::kTitle);
  EXPECT_EQ(p.tokens[1].role, TokenRole::kName);
  const ParsedName u = Parse("حاجی محمد اکرم");
  ASSERT_EQ(u.tokens.size(), 3u);
  EXPECT_EQ(u.tokens[0].role, TokenRole::kTitle);
  EXPECT_EQ(Parse("Dott. Mario Rossi").tokens[0].role, TokenRole::kTitle);
}

TEST_F(NameParserTest, KeepsTitleWordsWhenTheyAreTheWholeName) {
  const ParsedName p = Parse("Malik Rana");
  ASSERT_EQ(p.tokens.size(), 2u);
  EXPECT_EQ(p.tokens[0].role, TokenRole::kName);
}

TEST_F(NameParserTest, CanonicalisesTitleSpellings) {
  EXPECT_EQ(Keys(Parse("Ch. Asif").tokens)[0], Keys(Parse("Chaudhary Asif").tokens)[0]);
  EXPECT_EQ(Keys(Parse("Sayed Ali").tokens)[0], Keys(Parse("Syed Ali").tokens)[0]);
}

TEST_F(NameParserTest, JoinsArabicCompounds) {
  EXPECT_EQ(Keys(Parse("Abdul Rehman").tokens), (std::vector<std::string>{"abdulrehman"}));
  EXPECT_EQ(Keys(Parse("Abd al-Rahman").tokens), (std::vector<std::string>{"abdulrahman"}));
  EXPECT_EQ(Keys(Parse("Abdur Rahman").tokens), (std::vector<std::string>{"abdulrahman"}));
  EXPECT_EQ(Keys(Parse("Zia ul Haq").tokens), Keys(Parse("Zia-ul-Haq").tokens));
  EXPECT_EQ(Keys(Parse("Zia ul Haq").tokens), Keys(Parse("Ziaulhaq").tokens));
  EXPECT_EQ(Keys(Parse("Nasir-ud-Din").tokens), Keys(Parse("Nasiruddin").tokens));
  EXPECT_EQ(Parse("عبد الرحمن").tokens.size(), 1u);
  EXPECT_EQ(Parse("ضیاء الحق").tokens.size(), 1u);
}

TEST_F(NameParserTest, JoinsItalianParticlesAndApostrophes) {
  EXPECT_EQ(Keys(Parse("De Luca").tokens), Keys(Parse("Deluca").tokens));
  EXPECT_EQ(Keys(Parse("D'Angelo").tokens), Keys(Parse("DAngelo").tokens));
  EXPECT_EQ(Keys(Parse("Della Rosa").tokens), Keys(Parse("Dellarosa").tokens));
  EXPECT_EQ(Keys(Parse("La Rosa").tokens), Keys(Parse("LaRosa").tokens));
}

TEST_F(NameParserTest, ExpandsAbbreviationsAndMarksInitials) {
  EXPECT_EQ(Keys(Parse("Mohd Asif").tokens)[0], Keys(Parse("Muhammad Asif").tokens)[0]);
  const ParsedName p = Parse("M. Asif");
  ASSERT_EQ(p.tokens.size(), 2u);
  EXPECT_EQ(p.tokens[0].role, TokenRole::kInitial);
}

TEST_F(NameParserTest, RomanisesUrduTokens) {
  const ParsedName p = Parse("محمد");
  ASSERT_EQ(p.tokens.size(), 1u);
  EXPECT_EQ(p.tokens[0].script, Script::kArabic);
  EXPECT_TRUE(p.tokens[0].forms.from_arabic_script);
  EXPECT_GT(TokenSimilarity(p.tokens[0].forms, TokenForms::FromLatin("muhammad"), &parser_.model()),
            0.9);
}

TEST_F(NameParserTest, FoldsPashtoAndSindhiLettersBeforeRomanising) {
  // Pashto ګ and ړ, Sindhi ڪ: the Urdu model does not know them.
  const ParsedName pashto = Parse("ګل");
  const ParsedName urdu = Parse("گل");
  ASSERT_EQ(pashto.tokens.size(), 1u);
  ASSERT_EQ(urdu.tokens.size(), 1u);
  EXPECT_EQ(pashto.tokens[0].forms.keys[0], urdu.tokens[0].forms.keys[0]);
  EXPECT_EQ(Parse("ڪريم").tokens[0].forms.keys[0], Parse("کریم").tokens[0].forms.keys[0]);
}

TEST_F(NameParserTest, RomanisesOtherScriptsWithIcu) {
  const ParsedName p = Parse("Мария");
  ASSERT_EQ(p.tokens.size(), 1u);
  EXPECT_EQ(p.tokens[0].forms.keys[0].view(), "maria");
}

TEST_F(NameParserTest, HandlesEmptyAndHostileInput) {
  EXPECT_TRUE(Parse("").tokens.empty());
  EXPECT_TRUE(Parse(" ,.-/ ").tokens.empty());
  EXPECT_FALSE(parser_.Parse("\xff\xfe").ok());
  EXPECT_FALSE(parser_.Parse(std::string(5000, 'a')).ok());
  std::string many;
  for (int i = 0; i < 100; ++i) many += "ab ";
  const ParsedName p = Parse(many);
  EXPECT_LE(p.tokens.size(), kMaxNameTokens);
  EXPECT_TRUE(p.truncated);
}

}  // namespace
}  // namespace liaison::names
