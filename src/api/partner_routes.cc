#include "api/partner_routes.h"

#include "access/permissions.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

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
