// How the node answers partners' hit/no-hit queries from the screening
// service's index (the one the node's own searches use): it follows every
// record change, so a person imported or erased a moment ago is answered
// for correctly, and the node keeps one index in memory, not two.
//
// Each search first applies the change feed (ScreeningService::CatchUp), so
// an answer reflects every change committed before the query arrived: a
// record erased a moment ago is never answered as a hit.
//
// Only records this node owns, of the person type, within the agreement's
// crime areas and up to its handling code are visible; the others (records
// of other owners, shared watchlist entries, persons out of scope) are left
// out before scores are computed (ScreeningService::SearchVisible), so they
// cannot change an answer in any way a partner could observe.
//
// Thread-safety: Search may be called concurrently.
#ifndef LIAISON_EXCHANGE_OWN_PERSON_SEARCH_H_
#define LIAISON_EXCHANGE_OWN_PERSON_SEARCH_H_

#include <string>
#include <vector>

#include "federation/local_person_search.h"
#include "screening/screening_service.h"
#include "store/store.h"

namespace liaison::exchange {

class OwnPersonSearch final : public federation::LocalPersonSearch {
 public:
  // Everything must outlive this object. `node_id` is this node's.
  OwnPersonSearch(screening::ScreeningService& screening, store::Store& store, std::string node_id)
      : screening_(screening), store_(store), node_id_(std::move(node_id)) {}

  const match::Matcher& matcher() const override { return screening_.matcher(); }
  // Unavailable while the index is being built.
  absl::StatusOr<std::vector<federation::LocalPersonHit>> Search(
      const match::PreparedPerson& query, const federation::LocalSearchScope& scope) const override;

 private:
  screening::ScreeningService& screening_;
  store::Store& store_;
  const std::string node_id_;
};

}  // namespace liaison::exchange

#endif  // LIAISON_EXCHANGE_OWN_PERSON_SEARCH_H_
