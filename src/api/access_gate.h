// The router's gate: authenticates every request to a non-public route
// (a session cookie or an "Authorization: Bearer" session or API token),
// checks the route's permission against the caller's role (the one table in
// access/permissions.h), audits refusals, and hands the caller's Actor to
// the handler. Also: reading the stated purpose of a request.
//
// Thread-safety: the gate is safe for concurrent use.
#ifndef LIAISON_API_ACCESS_GATE_H_
#define LIAISON_API_ACCESS_GATE_H_

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "access/identity.h"
#include "api/router.h"
#include "store/store.h"

namespace liaison::api {

// The cookie the web interface keeps its session in.
inline constexpr std::string_view kSessionCookie = "liaison_session";

// Makes the gate for Router::SetGate.
Gate MakeAccessGate(access::Identity& identity, store::Store& store, access::AuditTrail& trail);

// The actor the gate authenticated for `request`. Returns Unauthenticated
// when the request did not pass the gate (a programming error for a
// non-public route).
absl::StatusOr<access::Actor> ActorOf(const Request& request);

// The bearer credential of a request: the Authorization header, else the
// session cookie. Empty when there is none.
std::string CredentialOf(const Request& request);

// The purpose stated for a request: the X-Purpose and X-Case-Ref headers, or
// the purpose and case_ref query parameters (URL-encoded UTF-8).
access::Purpose PurposeOf(const Request& request);

}  // namespace liaison::api

#endif  // LIAISON_API_ACCESS_GATE_H_
