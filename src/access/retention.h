// Time limits and review of stored data (Directive 2016/680 Art. 5): every
// record has a review date; when it passes, the record is due and its owner
// must confirm it (setting a new review date, with a reason) within a grace
// period, or the next retention run erases it, leaving a tombstone and an
// audit entry. Runs from `liaison retention run` and on a schedule inside
// `liaison serve`.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_RETENTION_H_
#define LIAISON_ACCESS_RETENTION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "store/store.h"

namespace liaison::access {

struct RetentionPolicy {
  // Days after the review date before an unconfirmed record is erased.
  int grace_days = 30;
  // The furthest a confirmation may push the review date.
  int max_extension_days = 3 * 365;
};

struct RetentionItem {
  std::string id;
  records::RecordType type = records::RecordType::kPerson;
  std::string review_date;
  records::CrimeArea crime_area = records::CrimeArea::kOther;
};

struct RetentionReport {
  std::vector<RetentionItem> due;     // past review, within the grace period
  std::vector<RetentionItem> erased;  // past review and grace: erased now
  bool dry_run = false;
};

class Retention {
 public:
  Retention(store::Store& store, AuditTrail& trail, RetentionPolicy policy);

  // Lists records past their review date and erases those past the grace
  // period (unless `dry_run`). Requires retention.run.
  absl::StatusOr<RetentionReport> Run(const Actor& actor, bool dry_run);

  // The owner confirms a record is still needed: a new review date (after
  // today, at most max_extension_days ahead) and a reason. Requires
  // records.write and clearance over the record; audited.
  absl::Status Confirm(const Actor& actor, const Purpose& reason, std::string_view id,
                       std::string_view new_review_date);

 private:
  std::string Today(int offset_days) const;

  store::Store& store_;
  AuditTrail& trail_;
  const RetentionPolicy policy_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_RETENTION_H_
