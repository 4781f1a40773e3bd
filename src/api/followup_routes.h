// REST routes for follow-up requests for a hit's data (README.md,
// "Follow-up requests"): an officer asks the owner of a hit; the owner's
// liaison officers list their queue, read a request with its record, and
// decide. Every handler goes through access::Followups, the gate that checks
// role and clearance, keeps protected fields back, and audits.
//
// Thread-safety: as Router (handlers are safe for concurrent use).
#ifndef LIAISON_API_FOLLOWUP_ROUTES_H_
#define LIAISON_API_FOLLOWUP_ROUTES_H_

#include "absl/status/status.h"
#include "access/followups.h"
#include "api/router.h"

namespace liaison::api {

// Registers the routes; `followups` must outlive the router.
absl::Status RegisterFollowupRoutes(Router& router, access::Followups& followups);

}  // namespace liaison::api

#endif  // LIAISON_API_FOLLOWUP_ROUTES_H_
