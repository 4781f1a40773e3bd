// Converts the records model's person (records::Person) into the matcher's
// input. Kept apart from the pure matcher so that liaison_match does not
// depend on the records library; target liaison_match_records.
//
// Thread-safety: a pure function.
#ifndef LIAISON_MATCH_RECORD_PERSON_H_
#define LIAISON_MATCH_RECORD_PERSON_H_

#include "match/person.h"
#include "records/record.h"

namespace liaison::match {

// Name and aliases, father's name, date of birth (partial dates kept
// partial), gender, nationalities and identity numbers.
PersonInput PersonInputFromRecord(const records::Person& person);

}  // namespace liaison::match

#endif  // LIAISON_MATCH_RECORD_PERSON_H_
