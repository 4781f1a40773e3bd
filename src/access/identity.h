// Users and credentials: creating and managing users, signing in (password,
// then TOTP when enrolled, with lockout and backoff), sessions with expiry
// and sign-out, and API tokens for upstream systems. Every change and every
// sign-in attempt is audited; secrets are never logged or returned twice.
//
// Authenticate turns a bearer credential (session token or API token) into
// the Actor the access gate works with.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_IDENTITY_H_
#define LIAISON_ACCESS_IDENTITY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/session.h"
#include "common/random.h"
#include "store/store.h"

namespace liaison::access {

struct IdentityPolicy {
  auth::PasswordCost password_cost = auth::PasswordCost::Moderate();
  auth::SessionPolicy sessions;
  auth::LockoutPolicy lockout;
  std::string totp_issuer = "liaison";
  // 32 bytes that seal TOTP secrets at rest (derived from the node key).
  std::string totp_sealing_key;
};

struct NewUser {
  std::string username;
  std::string display_name;
  Role role = Role::kAnalyst;
  records::HandlingCode max_handling_code = records::HandlingCode::kH0;
  std::vector<records::CrimeArea> crime_areas;  // empty: all
  std::string password;  // empty for system accounts that use API tokens only
};

// What is shown about a user (never a secret).
struct UserInfo {
  std::string id;
  std::string username;
  std::string display_name;
  Role role = Role::kAnalyst;
  Clearance clearance;
  bool totp_enrolled = false;
  bool disabled = false;
  int64_t created_ms = 0;
};

struct SignInResult {
  std::string session_token;  // give to the client once
  int64_t expires_ms = 0;
  UserInfo user;
};

struct TotpEnrolment {
  std::string secret_base32;
  std::string provisioning_uri;  // otpauth://...; contains the secret
};

struct IssuedToken {
  std::string token;  // shown once
  std::string id;
};

class Identity {
 public:
  Identity(store::Store& store, AuditTrail& trail, IdentityPolicy policy, Random& random);

  // Creates a user. `actor` must hold users.manage. Returns AlreadyExists for
  // a taken username, InvalidArgument for a bad username or a password that
  // fails the policy.
  absl::StatusOr<UserInfo> AddUser(const Actor& actor, const NewUser& user);
  absl::StatusOr<std::vector<UserInfo>> ListUsers(const Actor& actor);
  absl::Status SetDisabled(const Actor& actor, std::string_view username, bool disabled);
  // Sets a new password, clears lockout. Sessions of the user end.
  absl::Status ResetPassword(const Actor& actor, std::string_view username,
                             std::string_view new_password);
  // Enrols (or re-enrols) a TOTP second factor; returns the secret once.
  absl::StatusOr<TotpEnrolment> EnrolTotp(const Actor& actor, std::string_view username);
  // Issues an API token for the user (typically a system account).
  absl::StatusOr<IssuedToken> IssueApiToken(const Actor& actor, std::string_view username,
                                            std::string_view label);
  absl::Status RevokeApiToken(const Actor& actor, std::string_view token_id);

  // Signs in with a password and, when enrolled, a TOTP code. Failures are
  // Unauthenticated with one message for every cause ("wrong username,
  // password or code"), or ResourceExhausted while locked out (saying when
  // to try again). Every attempt is audited.
  absl::StatusOr<SignInResult> SignIn(std::string_view username, std::string_view password,
                                      std::string_view totp_code, std::string_view origin);

  // Ends the session of `session_token`.
  absl::Status SignOut(std::string_view session_token);

  // The actor behind a bearer credential (a session or an API token).
  // Unauthenticated when unknown, expired, revoked or the user is disabled.
  absl::StatusOr<Actor> Authenticate(std::string_view bearer, std::string_view origin);

 private:
  absl::Status RequireManager(const Actor& actor, std::string_view what);
  absl::Status Audit(store::Transaction& tx, const Actor& actor, audit::Action action,
                     audit::Outcome outcome, std::string_view text, Json details);
  absl::StatusOr<store::UserRow> LoadUser(store::Transaction& tx, std::string_view username);
  std::string Seal(const std::vector<uint8_t>& secret);
  absl::StatusOr<std::vector<uint8_t>> Unseal(std::string_view sealed);

  store::Store& store_;
  AuditTrail& trail_;
  const IdentityPolicy policy_;
  Random& random_;
};

// The Actor a stored user acts as.
absl::StatusOr<Actor> ActorFromUser(const store::UserRow& user, std::string_view origin);
UserInfo InfoFromUser(const store::UserRow& user);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_IDENTITY_H_
