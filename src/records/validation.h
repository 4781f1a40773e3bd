// Validation and normalisation of records before they are stored: every
// field is checked, identifiers are put in their canonical form, and errors
// name the field ("person.dob", "person.id_numbers[1].value").
//
// Thread-safety: pure functions.
#ifndef LIAISON_RECORDS_VALIDATION_H_
#define LIAISON_RECORDS_VALIDATION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "records/record.h"

namespace liaison::records {

// Limits on free text, so that no field can be used to store a file.
inline constexpr size_t kMaxNameBytes = 512;
inline constexpr size_t kMaxTextBytes = 8192;
inline constexpr size_t kMaxListItems = 64;

// True for an assigned ISO 3166-1 alpha-2 code (upper case).
bool IsCountryCode(std::string_view cc);

// The known identity-number schemes.
bool IsKnownIdScheme(std::string_view scheme);

// Canonical form of an identity number for `scheme`: CNIC/NICOP 13 digits
// without dashes, passport and national ids upper-case without separators,
// codice fiscale 16 upper-case characters with a valid check character.
// Returns InvalidArgument saying what is wrong.
absl::StatusOr<std::string> NormaliseIdNumber(std::string_view scheme, std::string_view value);

// E.164 form of a phone number. National forms need `country` (PK, IT).
absl::StatusOr<std::string> NormalisePhone(std::string_view number, std::string_view country);

// Validates `record` in place: trims and normalises fields, checks enums,
// dates, countries, identifiers, sizes and UTF-8. Returns InvalidArgument
// whose message starts with the field path.
absl::Status NormaliseRecord(Record& record);

// An officer who marks a record H3 must state the restrictions
// (handling_note). Imports from upstream systems may lack the text; the
// record then tells readers to ask the owner. Returns InvalidArgument.
absl::Status RequireHandlingNote(const RecordMeta& meta);

}  // namespace liaison::records

#endif  // LIAISON_RECORDS_VALIDATION_H_
