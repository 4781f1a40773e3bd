#include "api/watchlist_routes.h"

#include <charconv>

#include "access/permissions.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::api {

absl::Status RegisterWatchlistRoutes(Router& router, access::Watchlists& watchlists) {
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/watchlists",
       .permission = std::string(access::kPartnersQuery),
       .handler = [&watchlists](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(std::vector<store::SharedListRow> lists, watchlists.ListShared(actor));
         Json items = Json::array();
         for (const store::SharedListRow& l : lists) {
           items.push_back(access::Watchlists::SharedListJson(l));
         }
         return Response::JsonBody({{"watchlists", items}});
       },
       .summary = "Partners' shared watchlists held by this node"}));
  return router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/watchlists/hits",
       .permission = std::string(access::kPartnersQuery),
       .handler = [&watchlists](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         int limit = 100;
         if (std::optional<std::string> text = req.Query("limit")) {
           auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
           if (ec != std::errc() || end != text->data() + text->size()) {
             return absl::InvalidArgumentError("limit: expected an integer from 1 to 1000");
           }
         }
         ASSIGN_OR_RETURN(std::vector<store::WatchlistHitRow> hits,
                          watchlists.ListHitsReceived(actor, limit));
         Json items = Json::array();
         for (const store::WatchlistHitRow& h : hits) {
           items.push_back(access::Watchlists::HitReceivedJson(h));
         }
         return Response::JsonBody({{"hits", items}});
       },
       .summary = "Hits partners reported on this node's shared watchlist entries"});
}

}  // namespace liaison::api
