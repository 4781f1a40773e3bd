// Dates of birth as they appear on records: full, year-month or year only,
// with the usual ways two records of one person disagree.
//
// Thread-safety: pure functions.
#ifndef LIAISON_NAMES_BIRTH_DATE_H_
#define LIAISON_NAMES_BIRTH_DATE_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace liaison::names {

struct BirthDate {
  int year = 0;   // 0: unknown (then month and day are 0 too)
  int month = 0;  // 0: unknown
  int day = 0;    // 0: unknown
  bool empty() const { return year == 0; }
  // 1 January is what many registers write when only the year is known.
  bool IsPlaceholder() const { return month == 1 && day == 1; }
};

// Parses "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" (empty date); also accepts
// "DD/MM/YYYY" and "DD-MM-YYYY". Returns InvalidArgument for anything else
// or an impossible date (2023-02-30, year outside 1850..2200).
absl::StatusOr<BirthDate> ParseBirthDate(std::string_view text);

enum class DateAgreement {
  kUnknown,              // one side has no date
  kExact,                // same full date
  kSameYearMonth,        // agree to the month, no day on one side
  kSameYear,             // agree on the year, less known on one side
  kPlaceholderSameYear,  // same year, one side is the 01-01 placeholder
  kDayMonthSwapped,      // 1985-03-07 vs 1985-07-03
  kYearDigitsSwapped,    // 1985-03-07 vs 1958-03-07
  kDayDiffers,           // same year and month, different day (typo)
  kOffByOneYear,         // year ±1, day and month agree
  kYearOffByOne,         // year ±1, day or month unknown on one side
  kMonthDiffers,         // same year, month differs
  kNearYear,             // year ±1 and month or day differ, or year ±2
  kConflict,             // clearly different dates
};

// Compares two dates of birth (symmetric).
DateAgreement CompareBirthDates(const BirthDate& a, const BirthDate& b);

// A short English phrase for an agreement ("same full date", ...).
std::string_view DateAgreementName(DateAgreement d);

}  // namespace liaison::names

#endif  // LIAISON_NAMES_BIRTH_DATE_H_
