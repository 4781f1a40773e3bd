// The records model: persons, organisations, vehicles, documents, phone
// numbers and cases, each with the metadata every record carries (crime area,
// handling code, grading, owner, review date, version). docs/data-model.md
// describes it for people; this header is its single definition in code.
//
// Thread-safety: plain values.
#ifndef LIAISON_RECORDS_RECORD_H_
#define LIAISON_RECORDS_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace liaison::records {

enum class RecordType { kPerson, kOrganisation, kVehicle, kDocument, kPhone, kCase };

enum class CrimeArea {
  kTerrorism,
  kNarcotics,
  kMigrantSmuggling,
  kHumanTrafficking,
  kOrganisedCrime,
  kMissingPersons,
  kVehicleCrime,
  kOther,
};

// H0 usable in court; H1 not in court without the owner's consent; H2 no
// onward sharing without consent; H3 other restrictions stated in text.
enum class HandlingCode { kH0 = 0, kH1 = 1, kH2 = 2, kH3 = 3 };

enum class AlertKind {
  kNone,
  kWanted,
  kSurveillance,
  kMissingChild,
  kMissingAdult,
  kTraffickingVictim,
  kProtectedPerson,
  kStolenVehicle,
  kLostStolenDocument,
};

// Categories of data subject (Directive 2016/680 Art. 6).
enum class SubjectCategory {
  kUnknown,
  kSuspect,
  kConvicted,
  kVictim,
  kWitness,
  kMissingPerson,
  kOther
};

// Stable wire names ("terrorism", "H2", "missing_child", ...) and parsers.
// Parsers return InvalidArgument listing the accepted values.
std::string_view Name(RecordType v);
std::string_view Name(CrimeArea v);
std::string_view Name(HandlingCode v);
std::string_view Name(AlertKind v);
std::string_view Name(SubjectCategory v);
absl::StatusOr<RecordType> ParseRecordType(std::string_view s);
absl::StatusOr<CrimeArea> ParseCrimeArea(std::string_view s);
absl::StatusOr<HandlingCode> ParseHandlingCode(std::string_view s);
absl::StatusOr<AlertKind> ParseAlertKind(std::string_view s);  // "" is kNone
absl::StatusOr<SubjectCategory> ParseSubjectCategory(std::string_view s);

// The id prefix for a record type: "per_", "org_", "veh_", "doc_", "tel_", "cas_".
std::string_view IdPrefix(RecordType t);

// A date that may be known only to the year or month (day/month 0 = unknown).
struct PartialDate {
  int year = 0;
  int month = 0;
  int day = 0;
  bool empty() const { return year == 0; }
  bool operator==(const PartialDate&) const = default;
};
// Parses "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" (empty). Rejects impossible
// dates (2023-02-30) and years outside 1850..2200.
absl::StatusOr<PartialDate> ParsePartialDate(std::string_view s);
std::string FormatPartialDate(const PartialDate& d);

struct IdNumber {
  std::string scheme;   // cnic, passport, codice_fiscale, national_id, nicop, driving_licence
  std::string value;    // normalised per scheme (see NormaliseIdNumber)
  std::string country;  // issuing country, ISO 3166-1 alpha-2, optional
  bool operator==(const IdNumber&) const = default;
};

struct Person {
  std::string name;  // as written, any script, any order
  std::vector<std::string> aliases;
  std::string father_name;
  PartialDate dob;
  std::string gender;                      // "M", "F", "X" or ""
  std::vector<std::string> nationalities;  // ISO 3166-1 alpha-2
  std::vector<IdNumber> id_numbers;
  std::string place_of_birth;
  // Location and contact details: never released to partners for protected
  // persons and victims, whatever the agreement says.
  std::string address;
  std::string contact;
  bool operator==(const Person&) const = default;
};

struct Organisation {
  std::string name;
  std::vector<std::string> aliases;
  std::vector<std::string> countries;
  std::string description;
  bool operator==(const Organisation&) const = default;
};

struct Vehicle {
  std::string plate;          // normalised: upper case, no spaces or dashes
  std::string plate_country;  // ISO 3166-1 alpha-2
  std::string vin;            // 17 characters, validated
  std::string make;
  std::string model;
  std::string colour;
  bool operator==(const Vehicle&) const = default;
};

struct Document {
  std::string doc_type;  // passport, id_card, cnic, residence_permit, driving_licence, visa, other
  std::string number;    // normalised: upper case, no separators
  std::string issuing_country;
  PartialDate expiry;
  std::string holder_name;
  bool operator==(const Document&) const = default;
};

struct Phone {
  std::string number;  // E.164 "+923001234567"
  std::string country;
  bool operator==(const Phone&) const = default;
};

struct Case {
  std::string title;
  std::string our_reference;
  std::string partner_reference;
  std::string partner;  // partner node id, when the case is shared
  std::string description;
  std::string status;  // open, closed
  bool operator==(const Case&) const = default;
};

using RecordBody = std::variant<Person, Organisation, Vehicle, Document, Phone, Case>;

// Metadata every record carries.
struct RecordMeta {
  std::string id;         // assigned by the node
  std::string source_id;  // the record's id in its source system, may be empty
  std::string owner;      // owning agency's node id
  CrimeArea crime_area = CrimeArea::kOther;
  HandlingCode handling_code = HandlingCode::kH1;
  std::string handling_note;      // the restrictions, for H3
  char source_reliability = 'X';  // A, B, C, X
  int information_accuracy = 4;   // 1..4
  AlertKind alert = AlertKind::kNone;
  SubjectCategory subject_category = SubjectCategory::kUnknown;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t version = 0;      // incremented on each update; optimistic concurrency
  std::string review_date;  // YYYY-MM-DD
  bool operator==(const RecordMeta&) const = default;
};

struct Record {
  RecordMeta meta;
  RecordBody body;
  RecordType type() const { return static_cast<RecordType>(body.index()); }
  bool operator==(const Record&) const = default;
};

struct Link {
  std::string from_id;
  std::string to_id;
  std::string kind;  // member_of, owns, uses, holds, related_to, subject_of
  std::string note;
  int64_t created_ms = 0;
  bool operator==(const Link&) const = default;
};

}  // namespace liaison::records

#endif  // LIAISON_RECORDS_RECORD_H_
