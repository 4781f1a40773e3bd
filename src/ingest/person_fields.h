// The person-list format of ../shared/CONTRACTS.md — as CSV columns (with an
// optional suffix such as "_a" for pair files) and as flat JSON-lines
// objects with the same field names — turned into validated records.
//
// Thread-safety: PersonColumns is immutable after Resolve and may be shared.
#ifndef LIAISON_INGEST_PERSON_FIELDS_H_
#define LIAISON_INGEST_PERSON_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json_text.h"
#include "ingest/csv_reader.h"
#include "records/record.h"

namespace liaison::ingest {

// Values for columns a file leaves out (from flags or the node's defaults).
struct PersonDefaults {
  records::CrimeArea crime_area = records::CrimeArea::kOther;
  records::HandlingCode handling_code = records::HandlingCode::kH1;
  records::AlertKind alert = records::AlertKind::kNone;
  // True when the handling code was chosen for this import (a flag), not
  // taken from the node's defaults; victims and missing persons otherwise
  // get H3.
  bool handling_code_explicit = false;
};

// True for the base names of person-list columns (id, name, aliases, ...).
bool IsPersonColumn(std::string_view base_name);

class PersonColumns {
 public:
  // Finds the person-list columns named `<base><suffix>` in the reader's
  // header. `name` is required, and `id` when `require_id`. Returns
  // InvalidArgument naming the missing column.
  static absl::StatusOr<PersonColumns> Resolve(const CsvReader& reader, std::string_view suffix,
                                               bool require_id);

  // Builds a validated, normalised person record from `row`: meta.source_id
  // from `id`, crime area / handling code / alert from their columns or
  // `defaults`. Errors are "FILE:LINE:COL (column 'dob'): what".
  absl::StatusOr<records::Record> Parse(const CsvReader& reader, const CsvRow& row,
                                        const PersonDefaults& defaults) const;

 private:
  std::optional<int> id_, name_, aliases_, father_name_, dob_, gender_, nationality_, id_numbers_,
      crime_area_, handling_code_, alert_, handling_note_;
};

// The same fields as a flat JSON object (one line of a JSON-lines file):
// {"id": "...", "name": "...", "aliases": ["..."] or "a|b", "dob": "1985-03",
//  "id_numbers": "cnic:...;passport:..." or [{"scheme": "...", "value": "..."}], ...}.
// Unknown fields are errors naming the field.
absl::StatusOr<records::Record> PersonFromFlatJson(const Json& json,
                                                   const PersonDefaults& defaults);

}  // namespace liaison::ingest

#endif  // LIAISON_INGEST_PERSON_FIELDS_H_
