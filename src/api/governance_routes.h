// Governance routes:
//   GET  /api/v1/stats?from=&to=           the joint committee's figures (stats.read)
//   POST /api/v1/retention/run?dry_run=1   review and purge now (retention.run)
//   POST /api/v1/records/{id}/review       {"review_date": "YYYY-MM-DD"} with X-Purpose as
//                                          the reason: the owner confirms a record (records.write)
//
// Thread-safety: handlers are safe for concurrent use.
#ifndef LIAISON_API_GOVERNANCE_ROUTES_H_
#define LIAISON_API_GOVERNANCE_ROUTES_H_

#include "absl/status/status.h"
#include "access/audit_trail.h"
#include "access/retention.h"
#include "api/router.h"
#include "store/store.h"

namespace liaison::api {

absl::Status RegisterGovernanceRoutes(Router& router, store::Store& store,
                                      access::AuditTrail& trail, access::Retention& retention);

}  // namespace liaison::api

#endif  // LIAISON_API_GOVERNANCE_ROUTES_H_
