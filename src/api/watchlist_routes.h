// Shared-watchlist routes (docs/screening.md, "Shared watchlists"):
//
//   GET /api/v1/watchlists       partners.query: partners' lists held here
//                                (partner, version, entries, last pull, last error)
//   GET /api/v1/watchlists/hits  partners.query: hits partners reported on
//                                this node's entries, newest first (?limit=)
//
// Both read through the access gate (access/watchlists.h).
//
// Thread-safety: handlers are safe for concurrent use.
#ifndef LIAISON_API_WATCHLIST_ROUTES_H_
#define LIAISON_API_WATCHLIST_ROUTES_H_

#include "absl/status/status.h"
#include "access/watchlists.h"
#include "api/router.h"

namespace liaison::api {

absl::Status RegisterWatchlistRoutes(Router& router, access::Watchlists& watchlists);

}  // namespace liaison::api

#endif  // LIAISON_API_WATCHLIST_ROUTES_H_
