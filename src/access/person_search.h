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
// includes searches. Entries of partners' shared watchlists are searched
// too (shown as such: owner, reference, crime area; no record to open),
// under the same clearance rules; a hit on one at or above the strong band
// notifies its owner (access/watchlists.h) in the same transaction.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_PERSON_SEARCH_H_
#define LIAISON_ACCESS_PERSON_SEARCH_H_

#include <optional>
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

// A hit on an entry of a partner's shared watchlist: no record of this
// node, only what the owner shared (access/watchlists.h).
struct SharedListHit {
  std::string owner;         // the partner's node id
  std::string agency;        // its agency name, as registered
  std::string reference;     // the owner's opaque reference
  int64_t list_version = 0;  // the owner's list version the entry came with
  records::CrimeArea crime_area = records::CrimeArea::kOther;
  records::HandlingCode handling_code = records::HandlingCode::kH0;
  std::string alert;      // as shared; "" for protected persons and victims
  bool notified = false;  // a watchlist_hit was queued for the owner by this search
};

struct PersonSearchHit {
  std::string record_id;  // "" for a shared-list hit
  double score = 0;
  match::MatchResult result;            // explanation (query first, record second)
  records::Record record;               // as stored when the search ran (own records)
  std::optional<SharedListHit> shared;  // set for a hit on a partner's shared list
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

// The shared entry a screening-index ref "partner:<owner>:<reference>"
// stands for, as a hit shows it; nullopt when the ref is not a shared one or
// the entry is gone.
absl::StatusOr<std::optional<SharedListHit>> SharedHitFor(store::Reader& reader,
                                                          std::string_view ref);
// The metadata a clearance is checked against for a shared-list hit (its
// crime area and handling code, as the owner shared them).
records::RecordMeta SharedHitMeta(const SharedListHit& hit);
// {"owner", "agency", "reference", "list_version", "crime_area",
// "handling_code", "alert", "notified"}.
Json SharedListHitJson(const SharedListHit& hit);

// A person record in a hit list: id, name, aliases, father's name, date of
// birth, gender, nationalities, crime area, handling code (and note), alert,
// owner. No address, contact or identity numbers.
Json PersonSummaryJson(const records::Record& record);

// {"source": "own", "record_id", "score", "summary" (the matcher's one
// line), "explanation" (structured), "record" (PersonSummaryJson)}; for a
// shared-list hit {"source": "shared_watchlist", "score", "summary",
// "explanation", "shared": {"owner", "agency", "reference", "list_version",
// "crime_area", "handling_code", "alert", "notified"}}.
Json SearchHitJson(const PersonSearchHit& hit);

// Refuses `attempted` for `actor` in the audit log (access_denied, in its
// own transaction) and returns PermissionDenied with `why`.
absl::Status DenyAndAudit(store::Store& store, AuditTrail& trail, const Actor& actor,
                          const Purpose& purpose, audit::Action attempted,
                          std::vector<std::string> ids, std::string_view why);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_PERSON_SEARCH_H_
