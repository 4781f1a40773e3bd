// Partner routes: the officer's side of hit/no-hit search.
//
//   GET  /api/v1/partners        partners.query: registered partners (no keys)
//   POST /api/v1/partners/query  partners.query: ask one partner or all,
//                                with the purpose in X-Purpose
//
// Both go through the access gate (access/partners.h) via the node's
// federation service (exchange/partner_service.h).
//
// Thread-safety: handlers are safe for concurrent use.
#ifndef LIAISON_API_PARTNER_ROUTES_H_
#define LIAISON_API_PARTNER_ROUTES_H_

#include "absl/status/status.h"
#include "access/partners.h"
#include "api/router.h"
#include "exchange/partner_service.h"

namespace liaison::api {

absl::Status RegisterPartnerRoutes(Router& router, access::Partners& partners,
                                   exchange::PartnerService& service);

}  // namespace liaison::api

#endif  // LIAISON_API_PARTNER_ROUTES_H_
