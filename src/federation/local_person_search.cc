#include "federation/local_person_search.h"

#include "match/record_person.h"

namespace liaison::federation {

IndexedPersonSearch::IndexedPersonSearch(const match::Matcher& matcher)
    : matcher_(matcher), index_(matcher) {}

absl::Status IndexedPersonSearch::Upsert(const records::Record& record) {
  const auto* person = std::get_if<records::Person>(&record.body);
  if (person == nullptr) return absl::OkStatus();
  absl::StatusOr<match::PreparedPerson> prepared =
      matcher_.Prepare(match::PersonInputFromRecord(*person));
  if (!prepared.ok()) return prepared.status();
  {
    absl::MutexLock lock(&mutex_);
    meta_[record.meta.id] = Meta{record.meta.crime_area, record.meta.handling_code};
  }
  index_.Upsert(record.meta.id, *std::move(prepared));
  return absl::OkStatus();
}

void IndexedPersonSearch::Remove(std::string_view record_id) {
  index_.Remove(record_id);
  absl::MutexLock lock(&mutex_);
  meta_.erase(std::string(record_id));
}

size_t IndexedPersonSearch::size() const { return index_.size(); }

absl::StatusOr<std::vector<LocalPersonHit>> IndexedPersonSearch::Search(
    const match::PreparedPerson& query, const LocalSearchScope& scope) const {
  std::vector<LocalPersonHit> out;
  if (scope.crime_areas.empty() || scope.record_types.count(records::RecordType::kPerson) == 0 ||
      scope.limit == 0) {
    return out;
  }
  // No limit on the index: out-of-scope persons must not crowd out those in
  // scope; the scope is applied before keeping the best.
  std::vector<screening::SearchHit> hits =
      index_.Search(query, {.min_score = scope.min_score, .limit = 0});
  absl::MutexLock lock(&mutex_);
  for (const screening::SearchHit& hit : hits) {
    auto it = meta_.find(hit.ref);
    if (it == meta_.end()) continue;  // removed meanwhile
    const Meta& meta = it->second;
    if (scope.crime_areas.count(meta.crime_area) == 0) continue;
    if (static_cast<int>(meta.handling_code) > static_cast<int>(scope.max_handling_code)) continue;
    out.push_back(
        {hit.ref, hit.score, meta.crime_area, records::RecordType::kPerson, meta.handling_code});
    if (out.size() == scope.limit) break;
  }
  return out;
}

}  // namespace liaison::federation
