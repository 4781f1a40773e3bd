#include "api/partner_routes.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "access/permissions.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::api {
namespace {

// A string member of `body`, "" when absent; InvalidArgument when not a string.
absl::StatusOr<std::string> OptionalString(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return absl::InvalidArgumentError(StrCat("'", key, "' must be a string"));
  return it->get<std::string>();
}

absl::StatusOr<std::vector<std::string>> OptionalStrings(const Json& body, const char* key) {
  std::vector<std::string> out;
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) {
    return absl::InvalidArgumentError(StrCat("'", key, "' must be an array of strings"));
  }
  for (const Json& v : *it) {
    if (!v.is_string()) {
      return absl::InvalidArgumentError(StrCat("'", key, "' must be an array of strings"));
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

absl::StatusOr<exchange::OutgoingQuery> QueryFromJson(const Json& body) {
  if (!body.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  static const char* const kKnown[] = {"partner", "name",   "aliases",    "father_name",
                                       "dob",     "gender", "id_numbers", "crime_area"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return absl::InvalidArgumentError(StrCat("unknown member '", it.key(), "'"));
  }
  exchange::OutgoingQuery q;
  ASSIGN_OR_RETURN(std::string partner, OptionalString(body, "partner"));
  if (partner.empty()) {
    return absl::InvalidArgumentError("'partner' is required: a partner node id, or \"all\"");
  }
  if (partner == "all") {
    q.all = true;
  } else {
    q.partners = {partner};
  }
  ASSIGN_OR_RETURN(std::string name, OptionalString(body, "name"));
  if (name.empty()) return absl::InvalidArgumentError("'name' is required");
  q.person.names.push_back(name);
  ASSIGN_OR_RETURN(std::vector<std::string> aliases, OptionalStrings(body, "aliases"));
  for (std::string& a : aliases) q.person.names.push_back(std::move(a));
  ASSIGN_OR_RETURN(q.person.father_name, OptionalString(body, "father_name"));
  ASSIGN_OR_RETURN(q.person.dob, OptionalString(body, "dob"));
  ASSIGN_OR_RETURN(q.person.gender, OptionalString(body, "gender"));
  ASSIGN_OR_RETURN(q.person.id_numbers, OptionalStrings(body, "id_numbers"));
  ASSIGN_OR_RETURN(q.crime_area, OptionalString(body, "crime_area"));
  return q;
}

Json AgreementRowToJson(const store::AgreementRow& row) {
  auto list = [](const std::string& joined) {
    Json out = Json::array();
    for (absl::string_view part : absl::StrSplit(joined, ',', absl::SkipEmpty())) {
      out.push_back(std::string(part));
    }
    return out;
  };
  return {{"partner", row.partner},
          {"version", row.version},
          {"crime_areas", list(row.crime_areas)},
          {"record_types", list(row.record_types)},
          {"max_handling_code", row.max_handling_code},
          {"auto_approve", list(row.auto_approve)},
          {"retention_days", row.retention_days},
          {"daily_quota", row.daily_quota},
          {"changed_by", row.changed_by},
          {"changed_at", FormatMillis(row.changed_ms)}};
}

// A comma-joined list from a JSON array of strings (for the list parsers).
absl::StatusOr<std::string> JoinedStrings(const Json& body, const char* key) {
  ASSIGN_OR_RETURN(std::vector<std::string> items, OptionalStrings(body, key));
  return absl::StrJoin(items, ",");
}

absl::StatusOr<access::Agreement> AgreementFromJson(const Json& body) {
  if (!body.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  static const char* const kKnown[] = {"crime_areas",  "record_types",   "max_handling_code",
                                       "auto_approve", "retention_days", "daily_quota"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return absl::InvalidArgumentError(StrCat("unknown member '", it.key(), "'"));
  }
  access::Agreement a;
  ASSIGN_OR_RETURN(std::string areas, JoinedStrings(body, "crime_areas"));
  ASSIGN_OR_RETURN(a.crime_areas, access::ParseCrimeAreaList(areas));
  if (body.contains("record_types")) {
    ASSIGN_OR_RETURN(std::string types, JoinedStrings(body, "record_types"));
    ASSIGN_OR_RETURN(a.record_types, access::ParseRecordTypeList(types));
  }
  ASSIGN_OR_RETURN(std::string approve, JoinedStrings(body, "auto_approve"));
  ASSIGN_OR_RETURN(a.auto_approve, access::ParseCrimeAreaList(approve));
  ASSIGN_OR_RETURN(std::string code, OptionalString(body, "max_handling_code"));
  if (!code.empty()) {
    ASSIGN_OR_RETURN(a.max_handling_code, records::ParseHandlingCode(code));
  }
  for (auto [key, out] :
       {std::pair{"retention_days", &a.retention_days}, std::pair{"daily_quota", &a.daily_quota}}) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_number_integer()) {
      return absl::InvalidArgumentError(StrCat("'", key, "' must be an integer"));
    }
    *out = it->get<int64_t>();
  }
  return a;
}

}  // namespace

absl::Status RegisterPartnerRoutes(Router& router, access::Partners& partners,
                                   exchange::PartnerService& service) {
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/partners",
                  .permission = std::string(access::kPartnersQuery),
                  .handler = [&partners](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    ASSIGN_OR_RETURN(std::vector<store::PartnerRow> rows, partners.List(actor));
                    Json items = Json::array();
                    for (const store::PartnerRow& p : rows) {
                      items.push_back({{"node_id", p.node_id},
                                       {"agency", p.agency},
                                       {"country", p.country},
                                       {"status", p.status}});
                    }
                    return Response::JsonBody({{"partners", items}});
                  },
                  .summary = "Registered partner nodes"}));
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/partners/{node}/agreements",
       .permission = std::string(access::kNodeAdmin),
       .handler = [&partners](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(std::vector<store::AgreementRow> rows,
                          partners.AgreementHistory(actor, req.PathParam("node")));
         Json versions = Json::array();
         for (const store::AgreementRow& row : rows) versions.push_back(AgreementRowToJson(row));
         return Response::JsonBody({{"partner", req.PathParam("node")}, {"versions", versions}});
       },
       .summary = "Every version of the sharing agreement with a partner, oldest first"}));
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/partners/{node}/agreements",
       .permission = std::string(access::kNodeAdmin),
       .handler = [&partners](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(access::Agreement agreement, AgreementFromJson(*req.json));
         ASSIGN_OR_RETURN(store::AgreementRow row,
                          partners.SetAgreement(actor, req.PathParam("node"), agreement));
         return Response::JsonBody(AgreementRowToJson(row), 201);
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 16 * 1024,
       .summary = "A new version of the sharing agreement with a partner"}));
  return router.Add({.method = Method::kPost,
                     .pattern = "/api/v1/partners/query",
                     .permission = std::string(access::kPartnersQuery),
                     .handler = [&service](const Request& req) -> absl::StatusOr<Response> {
                       ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                       ASSIGN_OR_RETURN(exchange::OutgoingQuery query, QueryFromJson(*req.json));
                       query.purpose = PurposeOf(req);
                       ASSIGN_OR_RETURN(std::vector<exchange::PartnerQueryResult> results,
                                        service.Query(actor, query));
                       Json out = Json::array();
                       for (const exchange::PartnerQueryResult& r : results) {
                         Json refs = Json::array();
                         Json matches = Json::array();
                         for (const auto& h : r.results) {
                           refs.push_back(h.reference);
                           matches.push_back(
                               {{"reference", h.reference},
                                {"band", std::string(federation::MatchBandName(h.band))}});
                         }
                         Json item = {{"partner", r.partner},
                                      {"answered", r.answered},
                                      {"hit", r.hit},
                                      {"references", refs},
                                      {"matches", matches}};
                         if (r.response_ms >= 0) item["response_ms"] = r.response_ms;
                         if (!r.error.empty()) item["error"] = r.error;
                         out.push_back(std::move(item));
                       }
                       return Response::JsonBody({{"results", out}});
                     },
                     .body = BodyKind::kJson,
                     .max_body_bytes = 16 * 1024,
                     .summary = "Hit/no-hit search of one partner or all, with a stated purpose"});
}

}  // namespace liaison::api
