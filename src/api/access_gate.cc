#include "api/access_gate.h"

#include "access/permissions.h"
#include "api/errors.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::api {

std::string CredentialOf(const Request& request) {
  if (auto auth = request.Header("Authorization")) {
    std::string_view v = *auth;
    if (v.size() > 7 && (v.starts_with("Bearer ") || v.starts_with("bearer "))) {
      return std::string(StripAscii(v.substr(7)));
    }
    return "";
  }
  if (auto cookie = request.Header("Cookie")) {
    std::string_view c = *cookie;
    std::string key = StrCat(kSessionCookie, "=");
    for (size_t pos = 0; pos < c.size();) {
      size_t end = c.find(';', pos);
      if (end == std::string_view::npos) end = c.size();
      std::string_view part = StripAscii(c.substr(pos, end - pos));
      if (part.starts_with(key)) return std::string(part.substr(key.size()));
      pos = end + 1;
    }
  }
  return "";
}

access::Purpose PurposeOf(const Request& request) {
  access::Purpose p;
  if (auto h = request.Header("X-Purpose")) {
    p.text = *h;
  } else if (auto q = request.Query("purpose")) {
    p.text = *q;
  }
  if (auto h = request.Header("X-Case-Ref")) {
    p.case_ref = *h;
  } else if (auto q = request.Query("case_ref")) {
    p.case_ref = *q;
  }
  return p;
}

absl::StatusOr<access::Actor> ActorOf(const Request& request) {
  const auto* actor = std::any_cast<access::Actor>(&request.identity);
  if (actor == nullptr) return absl::UnauthenticatedError("sign in first");
  return *actor;
}

Gate MakeAccessGate(access::Identity& identity, store::Store& store, access::AuditTrail& trail) {
  return [&identity, &store, &trail](const Route& route, Request& request) -> absl::Status {
    if (route.permission == access::kPublic) return absl::OkStatus();
    std::string credential = CredentialOf(request);
    absl::StatusOr<access::Actor> actor = identity.Authenticate(credential, "api");
    if (!actor.ok()) {
      return Error(error_code::kUnauthenticated, 401, StdView(actor.status().message()));
    }
    if (!access::RoleHolds(actor->role, route.permission)) {
      std::string why = StrCat("the ", access::RoleName(actor->role), " role may not ",
                               MethodName(route.method), " ", route.pattern);
      access::Purpose purpose = PurposeOf(request);
      RETURN_IF_ERROR(store.Write([&](store::Transaction& tx) {
        audit::Event e = access::EventFor(*actor, audit::Action::kAccessDenied);
        e.outcome = audit::Outcome::kDenied;
        e.outcome_text = why;
        e.purpose = purpose.text.substr(0, 1000);
        e.case_ref = purpose.case_ref.substr(0, 200);
        e.details = {{"route", StrCat(MethodName(route.method), " ", route.pattern)},
                     {"permission", route.permission}};
        return trail.Append(tx, std::move(e)).status();
      }));
      return Error(error_code::kPermissionDenied, 403, why);
    }
    request.principal = actor->id;
    request.identity = *std::move(actor);
    return absl::OkStatus();
  };
}

}  // namespace liaison::api
