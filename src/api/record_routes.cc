#include "api/record_routes.h"

#include <array>

#include "absl/strings/numbers.h"
#include "access/permissions.h"
#include "api/access_gate.h"
#include "api/errors.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "records/record_json.h"

namespace liaison::api {
namespace {

using records::RecordType;

struct Collection {
  std::string_view path;
  RecordType type;
};

constexpr std::array<Collection, 6> kCollections = {{
    {"persons", RecordType::kPerson},
    {"organisations", RecordType::kOrganisation},
    {"vehicles", RecordType::kVehicle},
    {"documents", RecordType::kDocument},
    {"phones", RecordType::kPhone},
    {"cases", RecordType::kCase},
}};

absl::StatusOr<int64_t> VersionOf(const Request& req, bool required) {
  std::optional<std::string> v = req.Header("If-Match");
  if (!v) v = req.Query("version");
  if (!v) {
    if (required) {
      return Error("version_required", 428,
                   "say which version you are changing: If-Match: \"<version>\" (from GET)");
    }
    return 0;
  }
  std::string text = *v;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  int64_t version = 0;
  if (!absl::SimpleAtoi(text, &version) || version < 1) {
    return absl::InvalidArgumentError("If-Match: expected a record version such as \"3\"");
  }
  return version;
}

absl::StatusOr<store::RecordFilter> FilterOf(const Request& req, RecordType type) {
  store::RecordFilter f;
  f.type = type;
  if (auto v = req.Query("crime_area")) {
    auto a = records::ParseCrimeArea(*v);
    if (!a.ok())
      return absl::InvalidArgumentError(StrCat("crime_area: ", StdView(a.status().message())));
    f.crime_area = *a;
  }
  if (auto v = req.Query("alert")) {
    auto a = records::ParseAlertKind(*v);
    if (!a.ok())
      return absl::InvalidArgumentError(StrCat("alert: ", StdView(a.status().message())));
    f.alert = *a;
  }
  if (auto v = req.Query("owner")) f.owner = *v;
  for (auto [key, out] :
       {std::pair{"review_before", &f.review_before}, std::pair{"review_after", &f.review_after}}) {
    if (auto v = req.Query(key)) {
      auto d = records::ParsePartialDate(*v);
      if (!d.ok() || d->day == 0) {
        return absl::InvalidArgumentError(StrCat(key, ": expected a YYYY-MM-DD date"));
      }
      *out = *v;
    }
  }
  if (auto v = req.Query("limit")) {
    if (!absl::SimpleAtoi(*v, &f.limit) || f.limit < 1 || f.limit > 1000) {
      return absl::InvalidArgumentError("limit: expected 1 to 1000");
    }
  }
  if (auto v = req.Query("cursor")) f.after_id = *v;
  return f;
}

Response RecordResponse(const records::Record& r, int status = 200) {
  Response resp = Response::JsonBody(records::RecordToJson(r), status);
  resp.headers.push_back({"ETag", StrCat("\"", r.meta.version, "\"")});
  return resp;
}

absl::Status AddCollection(Router& router, access::RecordAccess& records, Collection c) {
  std::string base = StrCat("/api/v1/", c.path);
  std::string item = StrCat(base, "/{id}");
  RecordType type = c.type;
  auto check_id = [type](const std::string& id) -> absl::Status {
    if (!id.starts_with(records::IdPrefix(type))) {
      return Error(error_code::kNotFound, 404,
                   StrCat("no ", records::Name(type), " with id '", id, "'"));
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(
      router.Add({.method = Method::kPost,
                  .pattern = base,
                  .permission = std::string(access::kRecordsWrite),
                  .handler = [&records, type](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    ASSIGN_OR_RETURN(records::Record rec,
                                     records::RecordFromJson(*req.json, {.expected_type = type}));
                    ASSIGN_OR_RETURN(records::Record stored,
                                     records.Create(actor, PurposeOf(req), std::move(rec)));
                    Response resp = RecordResponse(stored, 201);
                    resp.headers.push_back({"Location", StrCat(req.path, "/", stored.meta.id)});
                    return resp;
                  },
                  .body = BodyKind::kJson,
                  .max_body_bytes = 256 * 1024,
                  .summary = StrCat("Create a ", records::Name(type))}));
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = base,
       .permission = std::string(access::kRecordsRead),
       .handler = [&records, type](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(store::RecordFilter filter, FilterOf(req, type));
         ASSIGN_OR_RETURN(store::RecordPage page, records.List(actor, PurposeOf(req), filter));
         Json items = Json::array();
         for (const records::Record& r : page.records) items.push_back(records::RecordToJson(r));
         Json body = {{"items", items}};
         body["next_cursor"] = page.next_cursor.empty() ? Json() : Json(page.next_cursor);
         return Response::JsonBody(body);
       },
       .summary = StrCat("List ", records::Name(type), " records with filters and paging")}));
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = item,
                  .permission = std::string(access::kRecordsRead),
                  .handler = [&records, check_id](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    RETURN_IF_ERROR(check_id(req.PathParam("id")));
                    ASSIGN_OR_RETURN(records::Record r,
                                     records.Get(actor, PurposeOf(req), req.PathParam("id")));
                    return RecordResponse(r);
                  },
                  .summary = StrCat("Read a ", records::Name(type))}));
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPut,
       .pattern = item,
       .permission = std::string(access::kRecordsWrite),
       .handler = [&records, type, check_id](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         RETURN_IF_ERROR(check_id(req.PathParam("id")));
         ASSIGN_OR_RETURN(int64_t version, VersionOf(req, /*required=*/true));
         ASSIGN_OR_RETURN(records::Record rec,
                          records::RecordFromJson(*req.json, {.expected_type = type}));
         ASSIGN_OR_RETURN(
             records::Record stored,
             records.Update(actor, PurposeOf(req), req.PathParam("id"), std::move(rec), version));
         return RecordResponse(stored);
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 256 * 1024,
       .summary = StrCat("Replace a ", records::Name(type), " (If-Match: its version)")}));
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kDelete,
       .pattern = item,
       .permission = std::string(access::kRecordsWrite),
       .handler = [&records, check_id](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         RETURN_IF_ERROR(check_id(req.PathParam("id")));
         ASSIGN_OR_RETURN(int64_t version, VersionOf(req, /*required=*/false));
         RETURN_IF_ERROR(records.Delete(actor, PurposeOf(req), req.PathParam("id"), version));
         return Response::NoContent();
       },
       .summary = StrCat("Erase a ", records::Name(type), ", leaving a tombstone")}));
  return absl::OkStatus();
}

}  // namespace

static Json LinkToJson(const records::Link& l) {
  return {{"from", l.from_id},
          {"to", l.to_id},
          {"kind", l.kind},
          {"note", l.note},
          {"created_at", FormatMillis(l.created_ms)}};
}

static absl::Status AddLinkRoutes(Router& router, access::RecordAccess& records) {
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/records/{id}/links",
                  .permission = std::string(access::kRecordsRead),
                  .handler = [&records](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    ASSIGN_OR_RETURN(std::vector<records::Link> links,
                                     records.Links(actor, PurposeOf(req), req.PathParam("id")));
                    Json out = Json::array();
                    for (const auto& l : links) out.push_back(LinkToJson(l));
                    return Response::JsonBody({{"links", out}});
                  },
                  .summary = "Links of a record (to records within your clearance)"}));
  RETURN_IF_ERROR(
      router.Add({.method = Method::kPost,
                  .pattern = "/api/v1/records/{id}/links",
                  .permission = std::string(access::kRecordsWrite),
                  .handler = [&records](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    const Json& b = *req.json;
                    if (!b.is_object()) return absl::InvalidArgumentError("expected a JSON object");
                    records::Link link;
                    link.from_id = req.PathParam("id");
                    for (auto it = b.begin(); it != b.end(); ++it) {
                      if (!it->is_string()) {
                        return absl::InvalidArgumentError(StrCat(it.key(), ": expected a string"));
                      }
                      if (it.key() == "to") {
                        link.to_id = it->get<std::string>();
                      } else if (it.key() == "kind") {
                        link.kind = it->get<std::string>();
                      } else if (it.key() == "note") {
                        link.note = it->get<std::string>();
                      } else {
                        return absl::InvalidArgumentError(StrCat(it.key(), ": unknown field"));
                      }
                    }
                    if (link.to_id.empty()) return absl::InvalidArgumentError("to: required");
                    RETURN_IF_ERROR(records.AddLink(actor, PurposeOf(req), link));
                    return Response::JsonBody(LinkToJson(link), 201);
                  },
                  .body = BodyKind::kJson,
                  .max_body_bytes = 8192,
                  .summary = "Link a record to another: {\"to\", \"kind\", \"note\"}"}));
  return router.Add({.method = Method::kDelete,
                     .pattern = "/api/v1/records/{id}/links/{to}/{kind}",
                     .permission = std::string(access::kRecordsWrite),
                     .handler = [&records](const Request& req) -> absl::StatusOr<Response> {
                       ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                       RETURN_IF_ERROR(records.RemoveLink(actor, PurposeOf(req),
                                                          req.PathParam("id"), req.PathParam("to"),
                                                          req.PathParam("kind")));
                       return Response::NoContent();
                     },
                     .summary = "Remove a link"});
}

absl::Status RegisterRecordRoutes(Router& router, access::RecordAccess& records) {
  for (const Collection& c : kCollections) RETURN_IF_ERROR(AddCollection(router, records, c));
  RETURN_IF_ERROR(AddLinkRoutes(router, records));
  return router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/records/{id}/audit",
       .permission = std::string(access::kAuditRead),
       .handler = [&records](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(std::vector<store::AuditRow> rows,
                          records.History(actor, PurposeOf(req), req.PathParam("id")));
         Json entries = Json::array();
         for (const store::AuditRow& row : rows) {
           absl::StatusOr<Json> e =
               ParseJson(row.entry_json, {.max_bytes = 1 << 20, .max_depth = 16});
           if (e.ok()) entries.push_back(*std::move(e));
         }
         return Response::JsonBody({{"record_id", req.PathParam("id")}, {"entries", entries}});
       },
       .summary = "Who saw or changed a record, when and why (auditors, supervisors)"});
}

}  // namespace liaison::api
