// The access gate for person search (GET/POST /api/v1/search/persons and
// `liaison search`): a partial person in, the best candidates out, each
// with its score and the matcher's explanation.
//
// Path: role (screening.search) and stated purpose → query prepared by the
// node's matcher → the screening index (screening/screening_service.h),
// brought up to date with the store's change feed first → each hit's record
// read in the same write transaction as the audit entry, so that hits the
// actor's clearance does not cover (handling code, crime area) and records
// erased meanwhile are dropped as if absent → one `search` audit entry with
// the keyed hash of the query, the number of hits returned (and withheld),
// and the returned record ids as objects, so that "who saw this record"
// includes searches.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_PERSON_SEARCH_H_
#define LIAISON_ACCESS_PERSON_SEARCH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "common/json_text.h"
#include "match/matcher.h"
#include "records/record.h"
#include "screening/screening_service.h"
#include "store/store.h"

namespace liaison::access {

inline constexpr size_t kMaxSearchLimit = 100;

struct PersonQuery {
  match::PersonInput person;  // at least one name
  double min_score = match::kDefaultThreshold;
  size_t limit = 10;  // 1..kMaxSearchLimit
};

struct PersonSearchHit {
  std::string record_id;
  double score = 0;
  match::MatchResult result;  // explanation (query first, record second)
  records::Record record;     // as stored when the search ran
};

class PersonSearch {
 public:
  // Everything must outlive the gate.
  PersonSearch(store::Store& store, AuditTrail& trail, screening::ScreeningService& screening);

  // Searches the node's persons. Returns InvalidArgument for a bad query
  // (naming the field) or purpose, PermissionDenied (audited) without
  // screening.search, Unavailable while the index is being built.
  absl::StatusOr<std::vector<PersonSearchHit>> Search(const Actor& actor, const Purpose& purpose,
                                                      const PersonQuery& query);

 private:
  store::Store& store_;
  AuditTrail& trail_;
  screening::ScreeningService& screening_;
};

// A person record in a hit list: id, name, aliases, father's name, date of
// birth, gender, nationalities, crime area, handling code (and note), alert,
// owner. No address, contact or identity numbers.
Json PersonSummaryJson(const records::Record& record);

// {"record_id", "score", "summary" (the matcher's one line), "explanation"
// (structured), "record" (PersonSummaryJson)}.
Json SearchHitJson(const PersonSearchHit& hit);

// Refuses `attempted` for `actor` in the audit log (access_denied, in its
// own transaction) and returns PermissionDenied with `why`.
absl::Status DenyAndAudit(store::Store& store, AuditTrail& trail, const Actor& actor,
                          const Purpose& purpose, audit::Action attempted,
                          std::vector<std::string> ids, std::string_view why);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_PERSON_SEARCH_H_
