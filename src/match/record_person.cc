#include "match/record_person.h"

namespace liaison::match {

PersonInput PersonInputFromRecord(const records::Person& person) {
  PersonInput in;
  in.names.push_back(person.name);
  for (const auto& alias : person.aliases) in.names.push_back(alias);
  in.father_name = person.father_name;
  in.dob = records::FormatPartialDate(person.dob);
  in.gender = person.gender;
  in.nationalities = person.nationalities;
  for (const auto& id : person.id_numbers) in.id_numbers.push_back({id.scheme, id.value});
  return in;
}

}  // namespace liaison::match
