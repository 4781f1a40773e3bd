#include "screening/population.h"

#include <cmath>

namespace liaison::screening {
namespace {

double Round(double v, double unit) { return std::round(v / unit) * unit; }

void ReweighAll(const match::Matcher& matcher, std::vector<match::PreparedToken>* tokens) {
  for (match::PreparedToken& t : *tokens) t = matcher.Reweigh(t);
}

}  // namespace

std::unique_ptr<match::Matcher> PopulationMatcher(
    const std::vector<std::pair<std::string, match::PreparedPerson>>& persons,
    match::MatcherOptions options) {
  match::NameFrequencyBuilder builder;
  for (const auto& entry : persons) match::Matcher::AddTokens(entry.second, &builder);
  return std::make_unique<match::Matcher>(options,
                                          builder.BuildOver(match::NameFrequencyTable::BuiltIn()));
}

match::PreparedPerson Reweighed(const match::Matcher& matcher, match::PreparedPerson person) {
  for (match::PreparedName& n : person.names) {
    ReweighAll(matcher, &n.tokens);
    ReweighAll(matcher, &n.relative);
  }
  ReweighAll(matcher, &person.father);
  ReweighAll(matcher, &person.spouse);
  return person;
}

Json ExplanationToJson(const match::MatchResult& result) {
  const match::MatchExplanation& ex = result.explanation;
  Json tokens = Json::array();
  for (const match::TokenMatch& t : ex.tokens) {
    tokens.push_back({{"query", t.a},
                      {"record", t.b},
                      {"similarity", Round(t.similarity, 0.0001)},
                      {"how", t.how},
                      {"points", Round(t.points, 0.01)}});
  }
  Json features = Json::array();
  for (const match::FeatureEvidence& f : ex.features) {
    features.push_back(
        {{"feature", f.feature}, {"detail", f.detail}, {"points", Round(f.points, 0.01)}});
  }
  return {{"score", Round(result.score, 0.0001)},
          {"total_points", Round(ex.total_points, 0.01)},
          {"bias", Round(ex.bias, 0.01)},
          {"name_points", Round(ex.name_points, 0.01)},
          {"query_name", ex.name_a},
          {"record_name", ex.name_b},
          {"tokens", tokens},
          {"unmatched_query", ex.unmatched_a},
          {"unmatched_record", ex.unmatched_b},
          {"features", features}};
}

}  // namespace liaison::screening
