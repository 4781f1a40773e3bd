// What every user of a PersonIndex needs around it: the matcher whose name
// weights come from the indexed population, a query reweighed the way the
// index scores it (so that Matcher::Compare explains exactly the score a
// search returned), and the explanation as JSON for the API and job hits.
//
// Thread-safety: pure functions; the matcher returned is immutable.
#ifndef LIAISON_SCREENING_POPULATION_H_
#define LIAISON_SCREENING_POPULATION_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/json_text.h"
#include "match/matcher.h"

namespace liaison::screening {

// The matcher of an index over `persons`: the built-in name-frequency
// table with the names common among these persons weighted down
// (NameFrequencyBuilder::BuildOver).
std::unique_ptr<match::Matcher> PopulationMatcher(
    const std::vector<std::pair<std::string, match::PreparedPerson>>& persons,
    match::MatcherOptions options = {});

// `person` with every name token weighed by `matcher`'s table, as the index
// does with queries before scoring them.
match::PreparedPerson Reweighed(const match::Matcher& matcher, match::PreparedPerson person);

// {"score", "total_points", "bias", "name_points", "names": [...], "tokens":
// [{"a", "b", "similarity", "how", "points"}], "unmatched_query",
// "unmatched_record", "features": [{"feature", "detail", "points"}]}.
// Points are rounded to 0.01, similarities and score to 0.0001.
Json ExplanationToJson(const match::MatchResult& result);

}  // namespace liaison::screening

#endif  // LIAISON_SCREENING_POPULATION_H_
