// The person the matcher compares: a plain struct the rest of liaison fills
// from its records (records::Person), CSV rows, JSON or partner messages.
//
// Thread-safety: a plain value type.
#ifndef LIAISON_MATCH_PERSON_H_
#define LIAISON_MATCH_PERSON_H_

#include <string>
#include <vector>

namespace liaison::match {

struct IdentityNumber {
  std::string scheme;  // cnic, nicop, passport, codice_fiscale (or cf), national_id, ...
  std::string value;   // as written; separators and case do not matter
};

struct PersonInput {
  // The primary name first, then aliases. Any script, any order; may carry
  // titles and relations ("Ch. Muhammad Asif s/o Bashir Ahmed").
  std::vector<std::string> names;
  std::string father_name;  // father's name, if recorded separately
  std::string dob;          // "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" (also DD/MM/YYYY)
  std::string gender;       // "M", "F", "X" or ""
  std::vector<std::string> nationalities;  // ISO 3166-1 alpha-2
  std::vector<IdentityNumber> id_numbers;
};

}  // namespace liaison::match

#endif  // LIAISON_MATCH_PERSON_H_
