#include "names/birth_date.h"

#include "gtest/gtest.h"

namespace liaison::names {
namespace {

BirthDate D(std::string_view s) {
  auto d = ParseBirthDate(s);
  EXPECT_TRUE(d.ok()) << s << ": " << d.status();
  return d.ok() ? *d : BirthDate();
}

TEST(BirthDateTest, ParsesFullPartialAndEmptyDates) {
  EXPECT_EQ(D("1985-03-07").day, 7);
  EXPECT_EQ(D("1985-03").month, 3);
  EXPECT_EQ(D("1985-03").day, 0);
  EXPECT_EQ(D("1985").year, 1985);
  EXPECT_TRUE(D("").empty());
  EXPECT_EQ(D("07/03/1985").month, 3);
}

TEST(BirthDateTest, RejectsImpossibleDates) {
  EXPECT_FALSE(ParseBirthDate("2023-02-30").ok());
  EXPECT_FALSE(ParseBirthDate("1985-13").ok());
  EXPECT_FALSE(ParseBirthDate("1700").ok());
  EXPECT_FALSE(ParseBirthDate("yesterday").ok());
  EXPECT_FALSE(ParseBirthDate("1985-3-7").ok());
  EXPECT_TRUE(ParseBirthDate("2024-02-29").ok());
}

TEST(BirthDateTest, ClassifiesAgreements) {
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1985-03-07")), DateAgreement::kExact);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1985-03")), DateAgreement::kSameYearMonth);
  EXPECT_EQ(CompareBirthDates(D("1985"), D("1985-03-07")), DateAgreement::kSameYear);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1985-07-03")), DateAgreement::kDayMonthSwapped);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1986-03-07")), DateAgreement::kOffByOneYear);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1986")), DateAgreement::kYearOffByOne);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1986-01-01")), DateAgreement::kYearOffByOne);
  EXPECT_EQ(CompareBirthDates(D("1985-01-01"), D("1985-06-20")),
            DateAgreement::kPlaceholderSameYear);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1958-03-07")), DateAgreement::kYearDigitsSwapped);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1985-03-17")), DateAgreement::kDayDiffers);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1985-09-20")), DateAgreement::kMonthDiffers);
  EXPECT_EQ(CompareBirthDates(D("1985-03-07"), D("1970-03-07")), DateAgreement::kConflict);
  EXPECT_EQ(CompareBirthDates(D(""), D("1970-03-07")), DateAgreement::kUnknown);
}

TEST(BirthDateTest, ComparisonIsSymmetric) {
  const char* dates[] = {"1985-03-07", "1985-07-03", "1985", "1985-01-01", "1986-03-07",
                         "1958-03-07", "1985-03",    "",     "1990-12-31"};
  for (const char* a : dates) {
    for (const char* b : dates) {
      EXPECT_EQ(CompareBirthDates(D(a), D(b)), CompareBirthDates(D(b), D(a))) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace liaison::names
