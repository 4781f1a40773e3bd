#include "names/birth_date.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace liaison::names {
namespace {

bool Digits(std::string_view s, size_t n, int* out) {
  if (s.size() != n) return false;
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

absl::StatusOr<BirthDate> Check(BirthDate d, std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError("'" + std::string(text) +
                                      "' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
  };
  if (d.year < 1850 || d.year > 2200) return bad();
  if (d.month != 0 && (d.month < 1 || d.month > 12)) return bad();
  if (d.day != 0 && (d.month == 0 || d.day < 1 || d.day > DaysInMonth(d.year, d.month))) {
    return bad();
  }
  return d;
}

}  // namespace

absl::StatusOr<BirthDate> ParseBirthDate(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  BirthDate d;
  if (text.empty()) return d;
  if (text.size() > 10) return Check(BirthDate{-1, 0, 0}, text);
  if (Digits(text, 4, &d.year)) return Check(d, text);
  if (text.size() == 7 && text[4] == '-' && Digits(text.substr(0, 4), 4, &d.year) &&
      Digits(text.substr(5, 2), 2, &d.month)) {
    return Check(d, text);
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      Digits(text.substr(0, 4), 4, &d.year) && Digits(text.substr(5, 2), 2, &d.month) &&
      Digits(text.substr(8, 2), 2, &d.day)) {
    return Check(d, text);
  }
  if (text.size() == 10 && (text[2] == '/' || text[2] == '-') && text[5] == text[2] &&
      Digits(text.substr(0, 2), 2, &d.day) && Digits(text.substr(3, 2), 2, &d.month) &&
      Digits(text.substr(6, 4), 4, &d.year)) {
    return Check(d, text);
  }
  return Check(BirthDate{-1, 0, 0}, text);
}

DateAgreement CompareBirthDates(const BirthDate& a_in, const BirthDate& b_in) {
  if (a_in.empty() || b_in.empty()) return DateAgreement::kUnknown;
  BirthDate a = a_in, b = b_in;
  const bool a_full = a.day != 0, b_full = b.day != 0;
  if (a_full && b_full && a.year == b.year && a.month == b.month && a.day == b.day) {
    return DateAgreement::kExact;
  }
  // A 01-01 placeholder says no more than the year.
  bool placeholder = false;
  if (a.IsPlaceholder() && !(b.month == 1 && (b.day == 1 || b.day == 0))) {
    a.month = a.day = 0;
    placeholder = true;
  }
  if (b.IsPlaceholder() && !(a.month == 1 && (a.day == 1 || a.day == 0))) {
    b.month = b.day = 0;
    placeholder = true;
  }
  const int dy = std::abs(a.year - b.year);
  const bool months_known = a.month != 0 && b.month != 0;
  const bool days_known = a.day != 0 && b.day != 0;
  if (dy == 0) {
    if (!months_known) {
      return placeholder ? DateAgreement::kPlaceholderSameYear : DateAgreement::kSameYear;
    }
    if (a.month == b.month) {
      if (!days_known) return DateAgreement::kSameYearMonth;
      return DateAgreement::kDayDiffers;
    }
    if (days_known && a.day == b.month && a.month == b.day) return DateAgreement::kDayMonthSwapped;
    return DateAgreement::kMonthDiffers;
  }
  const bool md_agree = (!months_known || a.month == b.month) && (!days_known || a.day == b.day);
  const int ay = a.year % 100, by = b.year % 100;
  if (a.year / 100 == b.year / 100 && ay / 10 == by % 10 && ay % 10 == by / 10 && md_agree &&
      months_known) {
    return DateAgreement::kYearDigitsSwapped;
  }
  if (dy == 1) {
    if (!md_agree) return DateAgreement::kNearYear;
    return months_known && days_known ? DateAgreement::kOffByOneYear : DateAgreement::kYearOffByOne;
  }
  if (dy == 2 && md_agree) return DateAgreement::kNearYear;
  return DateAgreement::kConflict;
}

std::string_view DateAgreementName(DateAgreement d) {
  switch (d) {
    case DateAgreement::kUnknown:
      return "no date to compare";
    case DateAgreement::kExact:
      return "same full date";
    case DateAgreement::kSameYearMonth:
      return "same year and month";
    case DateAgreement::kSameYear:
      return "same year";
    case DateAgreement::kPlaceholderSameYear:
      return "same year (01-01 placeholder)";
    case DateAgreement::kDayMonthSwapped:
      return "day and month swapped";
    case DateAgreement::kYearDigitsSwapped:
      return "year digits swapped";
    case DateAgreement::kDayDiffers:
      return "same year and month, day differs";
    case DateAgreement::kOffByOneYear:
      return "year off by one";
    case DateAgreement::kYearOffByOne:
      return "year off by one, date partial";
    case DateAgreement::kMonthDiffers:
      return "same year, month differs";
    case DateAgreement::kNearYear:
      return "years close, date differs";
    case DateAgreement::kConflict:
      return "different dates";
  }
  return "";
}

}  // namespace liaison::names
