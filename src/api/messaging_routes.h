// REST routes for case messaging with partners (README.md, "Case
// messaging"): cases, their threads, sending, the inbox, read and answered
// marks, forwards, links to records, entity import and attachments. Every
// handler goes through access::Messaging, the gate that checks role,
// clearance against handling codes, and audits.
//
// The routes live under /api/v1/messaging/ because /api/v1/cases is the
// collection of case records (records/record.h).
//
// Thread-safety: as Router (handlers are safe for concurrent use).
#ifndef LIAISON_API_MESSAGING_ROUTES_H_
#define LIAISON_API_MESSAGING_ROUTES_H_

#include "absl/status/status.h"
#include "access/messaging.h"
#include "access/person_search.h"
#include "api/router.h"

namespace liaison::api {

// Registers the routes. `messaging` (and `search`, which may be null: then
// there is no entity match route) must outlive the router.
absl::Status RegisterMessagingRoutes(Router& router, access::Messaging& messaging,
                                     access::PersonSearch* search);

}  // namespace liaison::api

#endif  // LIAISON_API_MESSAGING_ROUTES_H_
