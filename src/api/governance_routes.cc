#include "api/governance_routes.h"

#include "absl/strings/numbers.h"
#include "access/audit_search.h"
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
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/audit",
       .permission = std::string(access::kAuditRead),
       .handler = [&store, &trail](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         access::AuditFilter filter;
         filter.actor = req.Query("actor").value_or("");
         filter.action = req.Query("action").value_or("");
         filter.object_id = req.Query("record").value_or("");
         if (auto v = req.Query("from")) {
           ASSIGN_OR_RETURN(filter.from_ms, ParseTimestampMillis(*v));
         }
         if (auto v = req.Query("to")) {
           ASSIGN_OR_RETURN(filter.to_ms, ParseTimestampMillis(*v));
         }
         if (auto v = req.Query("before")) {
           if (!absl::SimpleAtoi(*v, &filter.before_seq) || filter.before_seq < 1) {
             return absl::InvalidArgumentError("before: expected a positive integer");
           }
         }
         if (auto v = req.Query("limit")) {
           if (!absl::SimpleAtoi(*v, &filter.limit)) {
             return absl::InvalidArgumentError("limit: expected 1 to 1000");
           }
         }
         ASSIGN_OR_RETURN(access::AuditPage page,
                          access::SearchAudit(store, trail, actor, PurposeOf(req), filter));
         Json entries = Json::array();
         for (const store::AuditRow& row : page.rows) {
           absl::StatusOr<Json> e =
               ParseJson(row.entry_json, {.max_bytes = 1 << 20, .max_depth = 16});
           if (e.ok()) entries.push_back(*std::move(e));
         }
         Json body = {{"entries", entries}};
         body["next_before"] = page.next_before_seq > 0 ? Json(page.next_before_seq) : Json();
         return Response::JsonBody(body);
       },
       .summary = "Search the audit log: by person, action, record and time, newest first"}));
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
