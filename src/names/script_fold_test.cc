#include "names/script_fold.h"

#include <string>

#include "gtest/gtest.h"
#include "names/utf8.h"

namespace liaison::names {
namespace {

std::string Fold(std::string_view s) {
  auto f = FoldName(s);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? EncodeUtf8(*f) : "";
}

TEST(ScriptFoldTest, RemovesLatinDiacriticsAndCase) {
  EXPECT_EQ(Fold("Niccolò D’Angelo"), "niccolo d'angelo");
  EXPECT_EQ(Fold("ŁUKASZ Øberg Straße"), "lukasz oberg strasse");
  EXPECT_EQ(Fold("Ｍｕｈａｍｍａｄ"), "muhammad");  // full-width
}

TEST(ScriptFoldTest, FoldsArabicAndPersianLettersToUrduForms) {
  // Arabic yeh and kaf, Arabic heh and teh marbuta.
  EXPECT_EQ(Fold("علي"), Fold("علی"));
  EXPECT_EQ(Fold("كريم"), Fold("کریم"));
  EXPECT_EQ(Fold("فاطمة"), Fold("فاطمہ"));
  EXPECT_EQ(Fold("فاطمه"), Fold("فاطمہ"));
  // Hamza carriers on alef.
  EXPECT_EQ(Fold("أحمد"), Fold("احمد"));
  EXPECT_EQ(Fold("إبراهيم"), Fold("ابراہیم"));
}

TEST(ScriptFoldTest, DropsTatweelAndDiacritics) {
  EXPECT_EQ(Fold("مـحـمـد"), Fold("محمد"));
  EXPECT_EQ(Fold("مُحَمَّد"), Fold("محمد"));
}

TEST(ScriptFoldTest, KeepsUrduSpecificLetters) {
  const std::string s = Fold("ٹ ڈ ڑ ں ھ ے");
  EXPECT_EQ(s, "ٹ ڈ ڑ ں ھ ے");
}

TEST(ScriptFoldTest, ConvertsArabicIndicDigits) { EXPECT_EQ(Fold("٣٥٢٠٢ ۱۲"), "35202 12"); }

TEST(ScriptFoldTest, RejectsInvalidUtf8) {
  EXPECT_FALSE(FoldName("abc\xC3").ok());
  EXPECT_FALSE(FoldName("\xED\xA0\x80").ok());  // surrogate
  EXPECT_FALSE(FoldName("\xC0\xAF").ok());      // overlong
}

TEST(ScriptFoldTest, RejectsOverlongNames) {
  EXPECT_FALSE(FoldName(std::string(kMaxNameBytes + 1, 'a')).ok());
  EXPECT_TRUE(FoldName(std::string(kMaxNameBytes, 'a')).ok());
}

TEST(ScriptFoldTest, ReportsScriptOfLetters) {
  EXPECT_EQ(ScriptOf(U'a'), Script::kLatin);
  EXPECT_EQ(ScriptOf(0x0645), Script::kArabic);
  EXPECT_EQ(ScriptOf(0x0416), Script::kOther);  // Cyrillic
  EXPECT_EQ(ScriptOf(U'-'), Script::kNone);
}

}  // namespace
}  // namespace liaison::names
