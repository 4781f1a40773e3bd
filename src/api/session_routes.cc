#include "api/session_routes.h"

#include "access/permissions.h"
#include "api/access_gate.h"
#include "api/errors.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::api {
namespace {

// Reads a string field of a JSON body; missing is "", a non-string an error.
absl::StatusOr<std::string> StringField(const Json& body, std::string_view key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return absl::InvalidArgumentError(StrCat(key, ": expected a string"));
  return it->get<std::string>();
}

absl::Status OnlyFields(const Json& body, std::initializer_list<std::string_view> allowed) {
  if (!body.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (std::string_view a : allowed) known = known || it.key() == a;
    if (!known) return absl::InvalidArgumentError(StrCat(it.key(), ": unknown field"));
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

// What the role may do, for clients that show only what the caller may use.
Json PermissionsToJson(access::Role role) {
  Json out = Json::array();
  for (std::string_view p : access::PermissionsOf(role)) out.push_back(std::string(p));
  return out;
}

}  // namespace

Json UserInfoToJson(const access::UserInfo& u) {
  Json areas = Json::array();
  for (records::CrimeArea a : u.clearance.crime_areas) areas.push_back(records::Name(a));
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", access::RoleName(u.role)},
          {"clearance", records::Name(u.clearance.max_handling_code)},
          {"crime_areas", areas},
          {"totp_enrolled", u.totp_enrolled},
          {"disabled", u.disabled},
          {"created_at", FormatMillis(u.created_ms)}};
}

absl::Status RegisterSessionRoutes(Router& router, access::Identity& identity) {
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/session",
       .permission = std::string(access::kPublic),
       .handler = [&identity](const Request& req) -> absl::StatusOr<Response> {
         RETURN_IF_ERROR(OnlyFields(*req.json, {"username", "password", "totp"}));
         ASSIGN_OR_RETURN(std::string username, StringField(*req.json, "username"));
         ASSIGN_OR_RETURN(std::string password, StringField(*req.json, "password"));
         ASSIGN_OR_RETURN(std::string totp, StringField(*req.json, "totp"));
         absl::StatusOr<access::SignInResult> r =
             identity.SignIn(username, password, totp, StrCat("api:", req.peer));
         if (absl::IsResourceExhausted(r.status())) {
           return Error(error_code::kTooManyRequests, 429, StdView(r.status().message()));
         }
         if (!r.ok())
           return Error(error_code::kUnauthenticated, 401, StdView(r.status().message()));
         Json user = UserInfoToJson(r->user);
         user["permissions"] = PermissionsToJson(r->user.role);
         Response resp = Response::JsonBody({{"token", r->session_token},
                                             {"expires_at", FormatMillis(r->expires_ms)},
                                             {"user", user}});
         resp.headers.push_back(
             {"Set-Cookie", StrCat(kSessionCookie, "=", r->session_token,
                                   "; Path=/; Secure; HttpOnly; SameSite=Strict")});
         return resp;
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 16 * 1024,
       .summary = "Sign in with username, password and (when enrolled) a TOTP code"}));
  RETURN_IF_ERROR(router.Add({.method = Method::kGet,
                              .pattern = "/api/v1/session",
                              .permission = std::string(access::kSelf),
                              .handler = [](const Request& req) -> absl::StatusOr<Response> {
                                ASSIGN_OR_RETURN(access::Actor a, ActorOf(req));
                                Json areas = Json::array();
                                for (records::CrimeArea ca : a.clearance.crime_areas)
                                  areas.push_back(records::Name(ca));
                                return Response::JsonBody(
                                    {{"id", a.id},
                                     {"display_name", a.name},
                                     {"role", access::RoleName(a.role)},
                                     {"clearance", records::Name(a.clearance.max_handling_code)},
                                     {"crime_areas", areas},
                                     {"permissions", PermissionsToJson(a.role)}});
                              },
                              .summary = "Who the caller is and what the role may do"}));
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kDelete,
       .pattern = "/api/v1/session",
       .permission = std::string(access::kSelf),
       .handler = [&identity](const Request& req) -> absl::StatusOr<Response> {
         RETURN_IF_ERROR(identity.SignOut(CredentialOf(req)));
         Response resp = Response::NoContent();
         resp.headers.push_back(
             {"Set-Cookie", StrCat(kSessionCookie, "=; Path=/; Secure; HttpOnly; Max-Age=0")});
         return resp;
       },
       .summary = "Sign out"}));
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/users",
                  .permission = std::string(access::kUsersManage),
                  .handler = [&identity](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor a, ActorOf(req));
                    ASSIGN_OR_RETURN(std::vector<access::UserInfo> users, identity.ListUsers(a));
                    Json out = Json::array();
                    for (const auto& u : users) out.push_back(UserInfoToJson(u));
                    return Response::JsonBody({{"users", out}});
                  },
                  .summary = "List users"}));
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/users",
       .permission = std::string(access::kUsersManage),
       .handler = [&identity](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor a, ActorOf(req));
         const Json& b = *req.json;
         RETURN_IF_ERROR(OnlyFields(
             b, {"username", "display_name", "role", "clearance", "crime_areas", "password"}));
         access::NewUser nu;
         ASSIGN_OR_RETURN(nu.username, StringField(b, "username"));
         ASSIGN_OR_RETURN(nu.display_name, StringField(b, "display_name"));
         ASSIGN_OR_RETURN(nu.password, StringField(b, "password"));
         ASSIGN_OR_RETURN(std::string role, StringField(b, "role"));
         ASSIGN_OR_RETURN(nu.role, access::ParseRole(role));
         ASSIGN_OR_RETURN(std::string clearance, StringField(b, "clearance"));
         if (!clearance.empty()) {
           ASSIGN_OR_RETURN(nu.max_handling_code, records::ParseHandlingCode(clearance));
         }
         if (auto it = b.find("crime_areas"); it != b.end() && !it->is_null()) {
           if (!it->is_array()) return absl::InvalidArgumentError("crime_areas: expected an array");
           for (const Json& v : *it) {
             if (!v.is_string()) return absl::InvalidArgumentError("crime_areas: expected strings");
             ASSIGN_OR_RETURN(records::CrimeArea ca, records::ParseCrimeArea(v.get<std::string>()));
             nu.crime_areas.push_back(ca);
           }
         }
         ASSIGN_OR_RETURN(access::UserInfo info, identity.AddUser(a, nu));
         return Response::JsonBody(UserInfoToJson(info), 201);
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 16 * 1024,
       .summary = "Add a user"}));
  for (bool disable : {true, false}) {
    RETURN_IF_ERROR(router.Add(
        {.method = Method::kPost,
         .pattern =
             disable ? "/api/v1/users/{username}/disable" : "/api/v1/users/{username}/enable",
         .permission = std::string(access::kUsersManage),
         .handler = [&identity, disable](const Request& req) -> absl::StatusOr<Response> {
           ASSIGN_OR_RETURN(access::Actor a, ActorOf(req));
           RETURN_IF_ERROR(identity.SetDisabled(a, req.PathParam("username"), disable));
           return Response::NoContent();
         },
         .summary = disable ? "Disable a user" : "Enable a user"}));
  }
  return absl::OkStatus();
}

}  // namespace liaison::api
