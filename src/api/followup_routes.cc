#include "api/followup_routes.h"

#include "absl/strings/numbers.h"
#include "access/permissions.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::api {
namespace {

absl::Status CheckMembers(const Json& body, std::initializer_list<std::string_view> known) {
  if (!body.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || it.key() == k;
    if (!ok) return absl::InvalidArgumentError(StrCat("unknown member '", it.key(), "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Text(const Json& body, const char* key, bool required = false) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return absl::InvalidArgumentError(StrCat("'", key, "' is required"));
    return std::string();
  }
  if (!it->is_string()) return absl::InvalidArgumentError(StrCat("'", key, "' must be a string"));
  return it->get<std::string>();
}

const std::string& Param(const Request& req, const char* name) {
  static const std::string kEmpty;
  auto it = req.path_params.find(name);
  return it == req.path_params.end() ? kEmpty : it->second;
}

}  // namespace

absl::Status RegisterFollowupRoutes(Router& router, access::Followups& followups) {
  access::Followups* f = &followups;

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/followups",
       .permission = std::string(access::kPartnersQuery),
       .handler = [f](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         const Json& body = *req.json;
         RETURN_IF_ERROR(CheckMembers(
             body, {"partner", "reference", "purpose", "legal_basis", "urgency", "note"}));
         access::NewFollowup r;
         ASSIGN_OR_RETURN(r.partner, Text(body, "partner", true));
         ASSIGN_OR_RETURN(r.reference, Text(body, "reference", true));
         ASSIGN_OR_RETURN(r.purpose.text, Text(body, "purpose", true));
         r.purpose.case_ref = PurposeOf(req).case_ref;
         ASSIGN_OR_RETURN(r.legal_basis, Text(body, "legal_basis", true));
         ASSIGN_OR_RETURN(std::string urgency, Text(body, "urgency"));
         if (!urgency.empty()) r.urgency = urgency;
         ASSIGN_OR_RETURN(r.note, Text(body, "note"));
         ASSIGN_OR_RETURN(store::FollowupRow row, f->Request(actor, r));
         return Response::JsonBody({{"followup", access::FollowupToJson(row, false)}}, 201);
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 16 * 1024,
       .summary = "Ask a partner for a hit's data (queued for delivery)"}));

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/followups",
       .permission = std::string(access::kPartnersQuery),
       .handler = [f](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         const std::string direction = req.Query("direction").value_or("outgoing");
         const std::string state = req.Query("state").value_or("");
         int limit = 100;
         if (auto l = req.Query("limit")) {
           if (!absl::SimpleAtoi(*l, &limit) || limit < 1 || limit > 1000) {
             return absl::InvalidArgumentError("'limit' must be 1 to 1000");
           }
         }
         ASSIGN_OR_RETURN(std::vector<access::FollowupView> rows,
                          f->List(actor, direction, state, limit));
         Json items = Json::array();
         int64_t overdue = 0;
         for (const access::FollowupView& v : rows) {
           items.push_back(access::FollowupToJson(v.followup, v.overdue));
           overdue += v.overdue;
         }
         return Response::JsonBody({{"followups", items}, {"overdue", overdue}});
       },
       .summary = "Follow-ups sent (direction=outgoing) or received (direction=incoming, "
                  "followups.decide), newest first"}));

  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/followups/{id}",
                  .permission = std::string(access::kPartnersQuery),
                  .handler = [f](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    ASSIGN_OR_RETURN(access::FollowupView view,
                                     f->Show(actor, PurposeOf(req), Param(req, "id")));
                    return Response::JsonBody({{"followup", access::FollowupViewToJson(view)}});
                  },
                  .summary = "One follow-up: the released data (outgoing) or the record and its "
                             "releasable fields (incoming); audited"}));

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/followups/{id}/decision",
       .permission = std::string(access::kFollowupsDecide),
       .handler = [f](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         const Json& body = *req.json;
         RETURN_IF_ERROR(CheckMembers(body, {"decision", "fields", "reason"}));
         access::FollowupDecision d;
         ASSIGN_OR_RETURN(d.decision, Text(body, "decision", true));
         ASSIGN_OR_RETURN(d.reason, Text(body, "reason"));
         if (auto it = body.find("fields"); it != body.end() && !it->is_null()) {
           if (!it->is_array() || it->size() > 100) {
             return absl::InvalidArgumentError("'fields' must be an array of field names");
           }
           for (const Json& name : *it) {
             if (!name.is_string()) {
               return absl::InvalidArgumentError("'fields' must be an array of field names");
             }
             d.fields.push_back(name.get<std::string>());
           }
         }
         ASSIGN_OR_RETURN(store::FollowupRow row, f->Decide(actor, Param(req, "id"), d));
         return Response::JsonBody({{"followup", access::FollowupToJson(row, false)}});
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 16 * 1024,
       .summary = "Approve, approve in part (fields) or refuse (reason) a partner's follow-up; "
                  "the decision and released data are queued for the partner"}));
  return absl::OkStatus();
}

}  // namespace liaison::api
