// The access gate for records: every read, write, list and import of records
// passes here, whatever asked (REST API, CLI, later the exchange layer). It
// checks the actor's role (permissions.h) and clearance (handling code and
// crime areas), requires a stated purpose for every consultation of personal
// data, assigns what the node owns (ids, owner, versions, review dates) and
// appends the audit entry in the same transaction as the change.
//
// Refusals are audited too (access_denied) and come back as PermissionDenied.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_RECORD_ACCESS_H_
#define LIAISON_ACCESS_RECORD_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "common/random.h"
#include "ingest/person_import.h"
#include "records/record.h"
#include "store/store.h"

namespace liaison::access {

struct RecordPolicy {
  std::string node_id;  // owner of records created here
  int review_period_days = 3 * 365;
  int protected_review_period_days = 365;  // victims, missing and protected persons
};

class RecordAccess {
 public:
  RecordAccess(store::Store& store, AuditTrail& trail, RecordPolicy policy, Random& random);

  // Validates and stores a new record. The node assigns id, owner, version
  // 1, times and (when absent) the review date. Returns the stored record;
  // InvalidArgument for bad fields, PermissionDenied outside role or
  // clearance.
  absl::StatusOr<records::Record> Create(const Actor& actor, const Purpose& purpose,
                                         records::Record record);

  // Reads one record. Requires a purpose. NotFound when absent (a tombstone
  // says when and why it was erased).
  absl::StatusOr<records::Record> Get(const Actor& actor, const Purpose& purpose,
                                      std::string_view id);

  // Replaces a record's content (body and client-settable metadata) if it is
  // still at `expected_version`. Returns the new record; Aborted on a version
  // conflict.
  absl::StatusOr<records::Record> Update(const Actor& actor, const Purpose& purpose,
                                         std::string_view id, records::Record record,
                                         int64_t expected_version);

  // Erases a record, leaving a tombstone. `expected_version` 0 skips the check.
  absl::Status Delete(const Actor& actor, const Purpose& purpose, std::string_view id,
                      int64_t expected_version);

  // One page of records matching `filter`, leaving out those the actor's
  // clearance does not cover. Requires a purpose.
  absl::StatusOr<store::RecordPage> List(const Actor& actor, const Purpose& purpose,
                                         const store::RecordFilter& filter);

  // Imports a person list (ingest::ImportPersons) as `actor`, audited as one
  // import entry naming the file's SHA-256 and the counts. PermissionDenied
  // (audited) without records.import or without a clearance covering every
  // record (H3, all crime areas): an import may update any person record.
  absl::StatusOr<ingest::ImportReport> ImportPersons(const Actor& actor, const Purpose& purpose,
                                                     const std::string& path,
                                                     ingest::ImportOptions options);

  // Links between records (member_of, owns, uses, holds, related_to,
  // subject_of). Both ends must exist and be within the actor's clearance;
  // adding and removing are audited as updates of both records, listing as a
  // view. AlreadyExists / NotFound for a duplicate or missing link.
  absl::Status AddLink(const Actor& actor, const Purpose& purpose, const records::Link& link);
  absl::Status RemoveLink(const Actor& actor, const Purpose& purpose, std::string_view from_id,
                          std::string_view to_id, std::string_view kind);
  absl::StatusOr<std::vector<records::Link>> Links(const Actor& actor, const Purpose& purpose,
                                                   std::string_view id);

  // The audit entries that concern record `id` (who saw or changed it, when
  // and why). Requires the audit.read permission.
  absl::StatusOr<std::vector<store::AuditRow>> History(const Actor& actor, const Purpose& purpose,
                                                       std::string_view id);

  // The review date a new record gets: today + the policy's period.
  std::string DefaultReviewDate(const records::RecordMeta& meta) const;

 private:
  // Audits a refusal in its own transaction and returns PermissionDenied.
  absl::Status Deny(const Actor& actor, const Purpose& purpose, audit::Action attempted,
                    std::vector<std::string> ids, std::string_view why);
  absl::Status CheckRole(const Actor& actor, const Purpose& purpose, std::string_view permission,
                         audit::Action attempted, std::string_view id);

  store::Store& store_;
  AuditTrail& trail_;
  const RecordPolicy policy_;
  Random& random_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_RECORD_ACCESS_H_
