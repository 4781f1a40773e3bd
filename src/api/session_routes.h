// Sign-in and sign-out over HTTPS:
//   POST   /api/v1/session   {"username","password","totp"} -> session token (and cookie)
//   GET    /api/v1/session   who am I
//   DELETE /api/v1/session   sign out
// and user administration for administrators:
//   GET  /api/v1/users, POST /api/v1/users,
//   POST /api/v1/users/{username}/disable, POST /api/v1/users/{username}/enable
//
// Thread-safety: handlers are safe for concurrent use.
#ifndef LIAISON_API_SESSION_ROUTES_H_
#define LIAISON_API_SESSION_ROUTES_H_

#include "absl/status/status.h"
#include "access/identity.h"
#include "api/router.h"

namespace liaison::api {

absl::Status RegisterSessionRoutes(Router& router, access::Identity& identity);

// The JSON shown for a user (never a secret).
Json UserInfoToJson(const access::UserInfo& user);

}  // namespace liaison::api

#endif  // LIAISON_API_SESSION_ROUTES_H_
