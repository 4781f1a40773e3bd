#include "names/identity_number.h"

#include "gtest/gtest.h"

namespace liaison::names {
namespace {

TEST(IdentityNumberTest, CanonicalisesSchemes) {
  EXPECT_EQ(CanonicalIdScheme("NICOP"), "cnic");
  EXPECT_EQ(CanonicalIdScheme("cnic"), "cnic");
  EXPECT_EQ(CanonicalIdScheme("CF"), "codice_fiscale");
  EXPECT_EQ(CanonicalIdScheme("Passport"), "passport");
}

TEST(IdentityNumberTest, CnicWithAndWithoutDashesCompareEqual) {
  EXPECT_EQ(CanonicalIdValue("cnic", "35202-1234567-1"), CanonicalIdValue("cnic", "3520212345671"));
  EXPECT_EQ(CanonicalIdValue("passport", "ab 123 4567"), "AB1234567");
}

TEST(IdentityNumberTest, CnicLastDigitGivesSex) {
  EXPECT_EQ(CnicSex("3520212345671"), 'M');
  EXPECT_EQ(CnicSex("3520212345672"), 'F');
  EXPECT_FALSE(CnicSex("352021234567").has_value());
}

TEST(IdentityNumberTest, ComputesCodiceFiscaleCheckCharacter) {
  EXPECT_EQ(CodiceFiscaleCheckCharacter("RSSMRA85T10A562"), 'S');
}

TEST(IdentityNumberTest, DecodesCodiceFiscale) {
  auto cf = DecodeCodiceFiscale("rssmra85t10a562s");
  ASSERT_TRUE(cf.ok()) << cf.status();
  EXPECT_EQ(cf->surname_code, "RSS");
  EXPECT_EQ(cf->name_code, "MRA");
  EXPECT_EQ(cf->birth_year_2, 85);
  EXPECT_EQ(cf->birth_month, 12);
  EXPECT_EQ(cf->birth_day, 10);
  EXPECT_EQ(cf->sex, 'M');
  EXPECT_EQ(cf->place_code, "A562");
}

TEST(IdentityNumberTest, RejectsCodiceFiscaleWithWrongCheckCharacter) {
  EXPECT_FALSE(DecodeCodiceFiscale("RSSMRA85T10A562T").ok());
  EXPECT_FALSE(DecodeCodiceFiscale("RSSMRA85T10A56").ok());
}

TEST(IdentityNumberTest, OmocodicFormComparesEqualToPlainForm) {
  // 5 -> R in position 8 (omocodia); the check character changes with it.
  std::string omocodic = "RSSMRA8RT10A562";
  omocodic += CodiceFiscaleCheckCharacter(omocodic);
  EXPECT_EQ(CanonicalIdValue("codice_fiscale", omocodic),
            CanonicalIdValue("codice_fiscale", "RSSMRA85T10A562S"));
  auto cf = DecodeCodiceFiscale(omocodic);
  ASSERT_TRUE(cf.ok());
  EXPECT_EQ(cf->birth_year_2, 85);
}

TEST(IdentityNumberTest, DerivesNameCodes) {
  EXPECT_EQ(CodiceFiscaleSurnameCode("Rossi"), "RSS");
  EXPECT_EQ(CodiceFiscaleNameCode("Mario"), "MRA");
  EXPECT_EQ(CodiceFiscaleNameCode("Gianfranco"), "GFR");  // 4+ consonants: 1st, 3rd, 4th
  EXPECT_EQ(CodiceFiscaleSurnameCode("Fo"), "FOX");
  EXPECT_EQ(CodiceFiscaleSurnameCode("De Luca"), "DLC");
}

TEST(IdentityNumberTest, FemaleDayIsOffsetByForty) {
  std::string cf = "RSSMRA85T50A562";
  cf += CodiceFiscaleCheckCharacter(cf);
  auto d = DecodeCodiceFiscale(cf);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->sex, 'F');
  EXPECT_EQ(d->birth_day, 10);
}

}  // namespace
}  // namespace liaison::names
