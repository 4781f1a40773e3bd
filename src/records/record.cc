#include "records/record.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/absl_bridge.h"

namespace liaison::records {
namespace {

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [e, n] : table) {
    if (e == v) return n;
  }
  return "unknown";
}

template <typename E, size_t N>
absl::StatusOr<E> ParseOf(const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view what, std::string_view s) {
  std::string lower = absl::AsciiStrToLower(AbslView(StripAscii(s)));
  std::vector<absl::string_view> names;
  for (const auto& [e, n] : table) {
    if (absl::AsciiStrToLower(AbslView(n)) == lower) return e;
    if (!n.empty()) names.push_back(AbslView(n));
  }
  return absl::InvalidArgumentError(StrCat("'", AbslView(s), "' is not a ", AbslView(what),
                                           " (expected one of ", absl::StrJoin(names, ", "), ")"));
}

constexpr std::array<std::pair<RecordType, std::string_view>, 6> kRecordTypes{{
    {RecordType::kPerson, "person"},
    {RecordType::kOrganisation, "organisation"},
    {RecordType::kVehicle, "vehicle"},
    {RecordType::kDocument, "document"},
    {RecordType::kPhone, "phone"},
    {RecordType::kCase, "case"},
}};
constexpr std::array<std::pair<CrimeArea, std::string_view>, 8> kCrimeAreas{{
    {CrimeArea::kTerrorism, "terrorism"},
    {CrimeArea::kNarcotics, "narcotics"},
    {CrimeArea::kMigrantSmuggling, "migrant_smuggling"},
    {CrimeArea::kHumanTrafficking, "human_trafficking"},
    {CrimeArea::kOrganisedCrime, "organised_crime"},
    {CrimeArea::kMissingPersons, "missing_persons"},
    {CrimeArea::kVehicleCrime, "vehicle_crime"},
    {CrimeArea::kOther, "other"},
}};
constexpr std::array<std::pair<HandlingCode, std::string_view>, 4> kHandlingCodes{{
    {HandlingCode::kH0, "H0"},
    {HandlingCode::kH1, "H1"},
    {HandlingCode::kH2, "H2"},
    {HandlingCode::kH3, "H3"},
}};
constexpr std::array<std::pair<AlertKind, std::string_view>, 9> kAlertKinds{{
    {AlertKind::kNone, ""},
    {AlertKind::kWanted, "wanted"},
    {AlertKind::kSurveillance, "surveillance"},
    {AlertKind::kMissingChild, "missing_child"},
    {AlertKind::kMissingAdult, "missing_adult"},
    {AlertKind::kTraffickingVictim, "trafficking_victim"},
    {AlertKind::kProtectedPerson, "protected_person"},
    {AlertKind::kStolenVehicle, "stolen_vehicle"},
    {AlertKind::kLostStolenDocument, "lost_stolen_document"},
}};
constexpr std::array<std::pair<SubjectCategory, std::string_view>, 7> kSubjectCategories{{
    {SubjectCategory::kUnknown, "unknown"},
    {SubjectCategory::kSuspect, "suspect"},
    {SubjectCategory::kConvicted, "convicted"},
    {SubjectCategory::kVictim, "victim"},
    {SubjectCategory::kWitness, "witness"},
    {SubjectCategory::kMissingPerson, "missing_person"},
    {SubjectCategory::kOther, "other"},
}};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ParseDigits(std::string_view s, size_t n, int* out) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(AbslView(s), out);
}

}  // namespace

std::string_view Name(RecordType v) { return NameOf(kRecordTypes, v); }
std::string_view Name(CrimeArea v) { return NameOf(kCrimeAreas, v); }
std::string_view Name(HandlingCode v) { return NameOf(kHandlingCodes, v); }
std::string_view Name(AlertKind v) { return NameOf(kAlertKinds, v); }
std::string_view Name(SubjectCategory v) { return NameOf(kSubjectCategories, v); }

absl::StatusOr<RecordType> ParseRecordType(std::string_view s) {
  return ParseOf(kRecordTypes, "record type", s);
}
absl::StatusOr<CrimeArea> ParseCrimeArea(std::string_view s) {
  return ParseOf(kCrimeAreas, "crime area", s);
}
absl::StatusOr<HandlingCode> ParseHandlingCode(std::string_view s) {
  return ParseOf(kHandlingCodes, "handling code", s);
}
absl::StatusOr<AlertKind> ParseAlertKind(std::string_view s) {
  return ParseOf(kAlertKinds, "alert kind", s);
}
absl::StatusOr<SubjectCategory> ParseSubjectCategory(std::string_view s) {
  return ParseOf(kSubjectCategories, "data-subject category", s);
}

std::string_view IdPrefix(RecordType t) {
  switch (t) {
    case RecordType::kPerson:
      return "per_";
    case RecordType::kOrganisation:
      return "org_";
    case RecordType::kVehicle:
      return "veh_";
    case RecordType::kDocument:
      return "doc_";
    case RecordType::kPhone:
      return "tel_";
    case RecordType::kCase:
      return "cas_";
  }
  return "rec_";
}

absl::StatusOr<PartialDate> ParsePartialDate(std::string_view s) {
  s = StripAscii(s);
  PartialDate d;
  if (s.empty()) return d;
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(StrCat("'", AbslView(s), "' is not a date: ", AbslView(why),
                                             " (expected YYYY-MM-DD, YYYY-MM or YYYY)"));
  };
  if (!ParseDigits(s.substr(0, 4), 4, &d.year)) return bad("the year is not four digits");
  if (s.size() > 4) {
    if (s.size() < 7 || s[4] != '-' || !ParseDigits(s.substr(5, 2), 2, &d.month)) {
      return bad("the month is not two digits after '-'");
    }
    if (s.size() > 7) {
      if (s.size() != 10 || s[7] != '-' || !ParseDigits(s.substr(8, 2), 2, &d.day)) {
        return bad("the day is not two digits after '-'");
      }
    }
  }
  if (d.year < 1850 || d.year > 2200) return bad("the year is out of range 1850..2200");
  if (s.size() > 4 && (d.month < 1 || d.month > 12)) return bad("the month is not 01..12");
  if (s.size() > 7 && (d.day < 1 || d.day > DaysInMonth(d.year, d.month))) {
    return bad("no such day in that month");
  }
  return d;
}

std::string FormatPartialDate(const PartialDate& d) {
  if (d.year == 0) return "";
  char buf[16];
  if (d.month == 0) {
    snprintf(buf, sizeof buf, "%04d", d.year);
  } else if (d.day == 0) {
    snprintf(buf, sizeof buf, "%04d-%02d", d.year, d.month);
  } else {
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  }
  return buf;
}

}  // namespace liaison::records
