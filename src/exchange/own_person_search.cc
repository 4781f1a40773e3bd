#include "exchange/own_person_search.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "common/status_macros.h"

namespace liaison::exchange {

absl::StatusOr<std::vector<federation::LocalPersonHit>> OwnPersonSearch::Search(
    const match::PreparedPerson& query, const federation::LocalSearchScope& scope) const {
  std::vector<federation::LocalPersonHit> out;
  if (scope.crime_areas.empty() || scope.record_types.count(records::RecordType::kPerson) == 0 ||
      scope.limit == 0) {
    return out;
  }
  // The metadata of every visible person, read while deciding visibility.
  absl::flat_hash_map<std::string, records::RecordMeta> metas;
  auto visible = [&](const std::vector<std::string>& refs) -> absl::StatusOr<std::vector<bool>> {
    std::vector<bool> keep(refs.size(), false);
    metas.clear();
    RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
      for (size_t i = 0; i < refs.size(); ++i) {
        absl::StatusOr<records::Record> record = r.GetRecord(refs[i]);
        if (absl::IsNotFound(record.status())) continue;  // a watchlist entry, or erased
        if (!record.ok()) return record.status();
        const records::RecordMeta& meta = record->meta;
        if (meta.owner != node_id_ || record->type() != records::RecordType::kPerson) continue;
        if (scope.crime_areas.count(meta.crime_area) == 0) continue;
        if (static_cast<int>(meta.handling_code) > static_cast<int>(scope.max_handling_code)) {
          continue;
        }
        keep[i] = true;
        metas[refs[i]] = meta;
      }
      return absl::OkStatus();
    }));
    return keep;
  };
  // Read-your-writes, as for the node's own searches.
  RETURN_IF_ERROR(screening_.CatchUp().status());
  screening::SearchOptions options;
  options.min_score = scope.min_score;
  options.limit = scope.limit;
  ASSIGN_OR_RETURN(
      std::vector<screening::ExplainedHit> hits,
      screening_.SearchVisible(query, options, visible, screening::ScreeningService::Explain::kNo));
  for (screening::ExplainedHit& h : hits) {
    auto meta = metas.find(h.ref);
    if (meta == metas.end()) continue;  // cannot happen: only visible persons are returned
    federation::LocalPersonHit hit;
    hit.record_id = h.ref;
    hit.score = h.score;
    hit.crime_area = meta->second.crime_area;
    hit.handling_code = meta->second.handling_code;
    hit.type = records::RecordType::kPerson;
    out.push_back(std::move(hit));
  }
  return out;
}

}  // namespace liaison::exchange
