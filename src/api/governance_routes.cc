#include "api/governance_routes.h"

#include "access/permissions.h"
#include "access/statistics.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::api {
namespace {

Json ItemsToJson(const std::vector<access::RetentionItem>& items) {
  Json out = Json::array();
  for (const auto& i : items) {
    out.push_back({{"id", i.id},
                   {"type", records::Name(i.type)},
                   {"review_date", i.review_date},
                   {"crime_area", records::Name(i.crime_area)}});
  }
  return out;
}

}  // namespace

absl::Status RegisterGovernanceRoutes(Router& router, store::Store& store,
                                      access::AuditTrail& trail, access::Retention& retention) {
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/stats",
                  .permission = std::string(access::kStatsRead),
                  .handler = [&store, &trail](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    int64_t from = 0;
                    int64_t to = trail.clock().NowMillis();
                    if (auto v = req.Query("from")) {
                      ASSIGN_OR_RETURN(from, ParseTimestampMillis(*v));
                    }
                    if (auto v = req.Query("to")) {
                      ASSIGN_OR_RETURN(to, ParseTimestampMillis(*v));
                    }
                    ASSIGN_OR_RETURN(Json stats, access::Statistics(store, trail, actor, from, to));
                    return Response::JsonBody(stats);
                  },
                  .summary = "Statistics for the joint committee"}));
  RETURN_IF_ERROR(
      router.Add({.method = Method::kPost,
                  .pattern = "/api/v1/retention/run",
                  .permission = std::string(access::kRetentionRun),
                  .handler = [&retention](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    bool dry_run = req.Query("dry_run").value_or("0") != "0";
                    ASSIGN_OR_RETURN(access::RetentionReport report, retention.Run(actor, dry_run));
                    return Response::JsonBody({{"dry_run", dry_run},
                                               {"erased", ItemsToJson(report.erased)},
                                               {"due", ItemsToJson(report.due)}});
                  },
                  .summary = "List records past review and erase those past the grace period"}));
  return router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/records/{id}/review",
       .permission = std::string(access::kRecordsWrite),
       .handler = [&retention](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         const Json& body = *req.json;
         if (!body.is_object() || !body.contains("review_date") ||
             !body["review_date"].is_string() || body.size() != 1) {
           return absl::InvalidArgumentError(
               "expected {\"review_date\": \"YYYY-MM-DD\"} and the reason in X-Purpose");
         }
         RETURN_IF_ERROR(retention.Confirm(actor, PurposeOf(req), req.PathParam("id"),
                                           body["review_date"].get<std::string>()));
         return Response::NoContent();
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 4096,
       .summary = "Confirm a record is still needed, with a new review date"});
}

}  // namespace liaison::api
