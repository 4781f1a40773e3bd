#include "records/record.h"

#include <gtest/gtest.h>

namespace liaison::records {
namespace {

TEST(PartialDateTest, ParsesFullYearMonthAndYear) {
  EXPECT_EQ(*ParsePartialDate("1985-03-21"), (PartialDate{1985, 3, 21}));
  EXPECT_EQ(*ParsePartialDate("1985-03"), (PartialDate{1985, 3, 0}));
  EXPECT_EQ(*ParsePartialDate("1985"), (PartialDate{1985, 0, 0}));
  EXPECT_TRUE(ParsePartialDate("")->empty());
}

TEST(PartialDateTest, RejectsImpossibleDates) {
  EXPECT_FALSE(ParsePartialDate("2023-02-29").ok());
  EXPECT_TRUE(ParsePartialDate("2024-02-29").ok());
  EXPECT_FALSE(ParsePartialDate("1985-13").ok());
  EXPECT_FALSE(ParsePartialDate("85-03-21").ok());
  EXPECT_FALSE(ParsePartialDate("21/03/1985").ok());
  EXPECT_FALSE(ParsePartialDate("1985-3-1").ok());
  EXPECT_FALSE(ParsePartialDate("1066").ok());
}

TEST(PartialDateTest, FormatsRoundTrip) {
  for (const char* s : {"1985-03-21", "1985-03", "1985", ""}) {
    EXPECT_EQ(FormatPartialDate(*ParsePartialDate(s)), s);
  }
}

TEST(EnumNamesTest, RoundTripEveryValue) {
  for (auto v : {CrimeArea::kTerrorism, CrimeArea::kNarcotics, CrimeArea::kMigrantSmuggling,
                 CrimeArea::kHumanTrafficking, CrimeArea::kOrganisedCrime,
                 CrimeArea::kMissingPersons, CrimeArea::kVehicleCrime, CrimeArea::kOther}) {
    EXPECT_EQ(*ParseCrimeArea(Name(v)), v);
  }
  for (auto v : {HandlingCode::kH0, HandlingCode::kH1, HandlingCode::kH2, HandlingCode::kH3}) {
    EXPECT_EQ(*ParseHandlingCode(Name(v)), v);
  }
  EXPECT_EQ(*ParseAlertKind(""), AlertKind::kNone);
  EXPECT_EQ(*ParseAlertKind("missing_child"), AlertKind::kMissingChild);
  EXPECT_EQ(*ParseHandlingCode("h2"), HandlingCode::kH2);
}

TEST(EnumNamesTest, UnknownValueListsAcceptedOnes) {
  auto v = ParseCrimeArea("piracy");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("migrant_smuggling"), std::string::npos);
}

}  // namespace
}  // namespace liaison::records
