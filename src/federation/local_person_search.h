// How the answering node looks for a queried person among its OWN persons:
// a small interface, so that the hit/no-hit exchange does not depend on how
// the node keeps its person index (screening's service can implement it
// later), and an implementation over screening::PersonIndex.
//
// The search applies the scope of the sharing agreement itself: persons
// outside the scope's crime areas, record types or above its handling code
// are never returned, so they cannot be told apart from persons who do not
// exist.
//
// Thread-safety: Search may be called concurrently with itself and with
// Upsert/Remove.
#ifndef LIAISON_FEDERATION_LOCAL_PERSON_SEARCH_H_
#define LIAISON_FEDERATION_LOCAL_PERSON_SEARCH_H_

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "match/matcher.h"
#include "records/record.h"
#include "screening/person_index.h"

namespace liaison::federation {

// What a partner may find: the agreement's crime areas and record types,
// handling codes up to a maximum.
struct LocalSearchScope {
  std::set<records::CrimeArea> crime_areas;  // empty: nothing is in scope
  std::set<records::RecordType> record_types;
  records::HandlingCode max_handling_code = records::HandlingCode::kH0;
  double min_score = match::kDefaultThreshold;
  size_t limit = 10;  // best hits kept (after the scope is applied)
};

struct LocalPersonHit {
  std::string record_id;
  double score = 0;
  records::CrimeArea crime_area = records::CrimeArea::kOther;
  records::RecordType type = records::RecordType::kPerson;
  records::HandlingCode handling_code = records::HandlingCode::kH0;
};

class LocalPersonSearch {
 public:
  virtual ~LocalPersonSearch() = default;
  // The matcher queries must be prepared with.
  virtual const match::Matcher& matcher() const = 0;
  // The node's own persons within `scope` scoring at least scope.min_score,
  // best first. Errors only when the index cannot be read.
  virtual absl::StatusOr<std::vector<LocalPersonHit>> Search(
      const match::PreparedPerson& query, const LocalSearchScope& scope) const = 0;
};

// LocalPersonSearch over an in-memory screening::PersonIndex, with each
// person's crime area and handling code kept beside it.
class IndexedPersonSearch final : public LocalPersonSearch {
 public:
  // `matcher` must outlive this object.
  explicit IndexedPersonSearch(const match::Matcher& matcher);

  // Adds or replaces a person record (other record types are ignored).
  // Returns InvalidArgument when the person cannot be prepared (no name).
  absl::Status Upsert(const records::Record& record);
  void Remove(std::string_view record_id);
  size_t size() const;

  const match::Matcher& matcher() const override { return matcher_; }
  absl::StatusOr<std::vector<LocalPersonHit>> Search(const match::PreparedPerson& query,
                                                     const LocalSearchScope& scope) const override;

 private:
  struct Meta {
    records::CrimeArea crime_area = records::CrimeArea::kOther;
    records::HandlingCode handling_code = records::HandlingCode::kH0;
  };

  const match::Matcher& matcher_;
  screening::PersonIndex index_;
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Meta> meta_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_LOCAL_PERSON_SEARCH_H_
