#include "access/identity.h"

#include <sodium.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "access/permissions.h"
#include "audit/hex.h"
#include "auth/base32.h"
#include "auth/otp.h"
#include "auth/tokens.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::access {
namespace {

constexpr char kBadCredentials[] = "wrong username, password or code";

absl::StatusOr<std::string> CheckUsername(std::string_view name) {
  std::string lower = absl::AsciiStrToLower(AbslView(StripAscii(name)));
  if (lower.size() < 2 || lower.size() > 64) {
    return absl::InvalidArgumentError("username: 2 to 64 characters");
  }
  for (char c : lower) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return absl::InvalidArgumentError("username: letters, digits, '.', '_' and '-' only");
    }
  }
  return lower;
}

}  // namespace

absl::StatusOr<Actor> ActorFromUser(const store::UserRow& user, std::string_view origin) {
  Actor a;
  a.id = user.id;
  a.name = user.display_name;
  ASSIGN_OR_RETURN(a.role, ParseRole(user.role));
  ASSIGN_OR_RETURN(a.clearance.max_handling_code,
                   records::ParseHandlingCode(user.max_handling_code));
  for (absl::string_view area : absl::StrSplit(user.crime_areas, ',', absl::SkipEmpty())) {
    ASSIGN_OR_RETURN(records::CrimeArea ca, records::ParseCrimeArea(StdView(area)));
    a.clearance.crime_areas.insert(ca);
  }
  a.origin = std::string(origin);
  return a;
}

UserInfo InfoFromUser(const store::UserRow& user) {
  UserInfo info;
  info.id = user.id;
  info.username = user.username;
  info.display_name = user.display_name;
  if (auto actor = ActorFromUser(user, ""); actor.ok()) {
    info.role = actor->role;
    info.clearance = actor->clearance;
  }
  info.totp_enrolled = !user.totp_secret_sealed.empty();
  info.disabled = user.disabled;
  info.created_ms = user.created_ms;
  return info;
}

Identity::Identity(store::Store& store, AuditTrail& trail, IdentityPolicy policy, Random& random)
    : store_(store), trail_(trail), policy_(std::move(policy)), random_(random) {}

absl::Status Identity::Audit(store::Transaction& tx, const Actor& actor, audit::Action action,
                             audit::Outcome outcome, std::string_view text, Json details) {
  audit::Event e = EventFor(actor, action);
  e.outcome = outcome;
  e.outcome_text = std::string(text);
  e.details = std::move(details);
  return trail_.Append(tx, std::move(e)).status();
}

absl::Status Identity::RequireManager(const Actor& actor, std::string_view what) {
  if (RoleHolds(actor.role, kUsersManage)) return absl::OkStatus();
  std::string why = StrCat("the ", RoleName(actor.role), " role cannot ", what);
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    return Audit(tx, actor, audit::Action::kAccessDenied, audit::Outcome::kDenied, why,
                 {{"attempted", "user_change"}});
  }));
  return absl::PermissionDeniedError(AbslView(why));
}

absl::StatusOr<store::UserRow> Identity::LoadUser(store::Transaction& tx,
                                                  std::string_view username) {
  ASSIGN_OR_RETURN(std::string name, CheckUsername(username));
  ASSIGN_OR_RETURN(std::optional<store::UserRow> user, tx.FindUserByName(name));
  if (!user) return absl::NotFoundError(StrCat("no user named '", name, "'"));
  return *std::move(user);
}

std::string Identity::Seal(const std::vector<uint8_t>& secret) {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  random_.Fill(p, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(p + crypto_secretbox_NONCEBYTES, secret.data(), secret.size(), p,
                        reinterpret_cast<const unsigned char*>(policy_.totp_sealing_key.data()));
  return audit::HexEncode(out);
}

absl::StatusOr<std::vector<uint8_t>> Identity::Unseal(std::string_view sealed) {
  std::optional<std::vector<uint8_t>> raw = audit::HexDecode(sealed);
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return absl::DataLossError("a stored TOTP secret is corrupt");
  }
  std::vector<uint8_t> secret(raw->size() - crypto_secretbox_NONCEBYTES -
                              crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(
          secret.data(), raw->data() + crypto_secretbox_NONCEBYTES,
          raw->size() - crypto_secretbox_NONCEBYTES, raw->data(),
          reinterpret_cast<const unsigned char*>(policy_.totp_sealing_key.data())) != 0) {
    return absl::DataLossError("a stored TOTP secret does not open with this node's key");
  }
  return secret;
}

absl::StatusOr<UserInfo> Identity::AddUser(const Actor& actor, const NewUser& nu) {
  RETURN_IF_ERROR(RequireManager(actor, "manage users"));
  store::UserRow u;
  ASSIGN_OR_RETURN(u.username, CheckUsername(nu.username));
  u.display_name = std::string(StripAscii(nu.display_name));
  if (u.display_name.empty()) u.display_name = u.username;
  u.id = random_.NewTimeOrderedId("usr_", trail_.clock().NowMillis());
  u.role = std::string(RoleName(nu.role));
  u.max_handling_code = std::string(records::Name(nu.max_handling_code));
  std::vector<std::string> areas;
  for (records::CrimeArea a : nu.crime_areas) areas.emplace_back(records::Name(a));
  u.crime_areas = absl::StrJoin(areas, ",");
  if (!nu.password.empty()) {
    RETURN_IF_ERROR(auth::CheckPasswordPolicy(nu.password, {u.id, u.display_name}));
    ASSIGN_OR_RETURN(u.password_hash, auth::HashPassword(nu.password, policy_.password_cost));
  } else if (nu.role != Role::kSystem) {
    return absl::InvalidArgumentError(
        "password: required for people (only system accounts "
        "sign in with API tokens alone)");
  }
  u.created_ms = u.updated_ms = trail_.clock().NowMillis();
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.PutUser(u));
    return Audit(tx, actor, audit::Action::kUserChange, audit::Outcome::kOk, "user added",
                 {{"user_id", u.id},
                  {"username", u.username},
                  {"role", u.role},
                  {"max_handling_code", u.max_handling_code},
                  {"crime_areas", u.crime_areas}});
  }));
  return InfoFromUser(u);
}

absl::StatusOr<std::vector<UserInfo>> Identity::ListUsers(const Actor& actor) {
  RETURN_IF_ERROR(RequireManager(actor, "list users"));
  std::vector<UserInfo> out;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<store::UserRow> users, r.ListUsers());
    for (const auto& u : users) out.push_back(InfoFromUser(u));
    return absl::OkStatus();
  }));
  return out;
}

absl::Status Identity::SetDisabled(const Actor& actor, std::string_view username, bool disabled) {
  RETURN_IF_ERROR(RequireManager(actor, "manage users"));
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, LoadUser(tx, username));
    u.disabled = disabled;
    u.updated_ms = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.PutUser(u));
    return Audit(tx, actor, audit::Action::kUserChange, audit::Outcome::kOk,
                 disabled ? "user disabled" : "user enabled", {{"user_id", u.id}});
  });
}

absl::Status Identity::ResetPassword(const Actor& actor, std::string_view username,
                                     std::string_view new_password) {
  RETURN_IF_ERROR(RequireManager(actor, "reset passwords"));
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, LoadUser(tx, username));
    RETURN_IF_ERROR(auth::CheckPasswordPolicy(new_password, {u.id, u.display_name}));
    ASSIGN_OR_RETURN(u.password_hash, auth::HashPassword(new_password, policy_.password_cost));
    u.failed_sign_ins = 0;
    u.last_failure_ms = 0;
    u.updated_ms = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.PutUser(u));
    return Audit(tx, actor, audit::Action::kUserChange, audit::Outcome::kOk, "password reset",
                 {{"user_id", u.id}});
  });
}

absl::StatusOr<TotpEnrolment> Identity::EnrolTotp(const Actor& actor, std::string_view username) {
  RETURN_IF_ERROR(RequireManager(actor, "enrol second factors"));
  TotpEnrolment out;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, LoadUser(tx, username));
    std::vector<uint8_t> secret = auth::NewTotpSecret(random_);
    u.totp_secret_sealed = Seal(secret);
    u.totp_last_step = 0;
    u.updated_ms = trail_.clock().NowMillis();
    out.secret_base32 = auth::Base32Encode(secret);
    out.provisioning_uri = auth::TotpProvisioningUri(policy_.totp_issuer, u.username, secret);
    RETURN_IF_ERROR(tx.PutUser(u));
    return Audit(tx, actor, audit::Action::kUserChange, audit::Outcome::kOk, "TOTP enrolled",
                 {{"user_id", u.id}});
  }));
  return out;
}

absl::StatusOr<IssuedToken> Identity::IssueApiToken(const Actor& actor, std::string_view username,
                                                    std::string_view label) {
  RETURN_IF_ERROR(RequireManager(actor, "issue API tokens"));
  IssuedToken out;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, LoadUser(tx, username));
    auth::NewApiToken t = auth::GenerateApiToken(random_);
    RETURN_IF_ERROR(tx.PutApiToken(
        {t.id, t.hash, u.id, std::string(label), trail_.clock().NowMillis(), false}));
    out = {t.token, t.id};
    return Audit(tx, actor, audit::Action::kUserChange, audit::Outcome::kOk, "API token issued",
                 {{"user_id", u.id}, {"token_id", t.id}, {"label", std::string(label)}});
  }));
  return out;
}

absl::Status Identity::RevokeApiToken(const Actor& actor, std::string_view token_id) {
  RETURN_IF_ERROR(RequireManager(actor, "revoke API tokens"));
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::ApiTokenRow> t, tx.GetApiToken(token_id));
    if (!t) return absl::NotFoundError(StrCat("no API token '", token_id, "'"));
    t->revoked = true;
    RETURN_IF_ERROR(tx.PutApiToken(*t));
    return Audit(tx, actor, audit::Action::kUserChange, audit::Outcome::kOk, "API token revoked",
                 {{"token_id", t->id}});
  });
}

absl::StatusOr<SignInResult> Identity::SignIn(std::string_view username, std::string_view password,
                                              std::string_view totp_code, std::string_view origin) {
  int64_t now = trail_.clock().NowMillis();
  absl::StatusOr<SignInResult> result = absl::UnauthenticatedError(kBadCredentials);
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    Actor who;
    who.id = "unknown";
    who.name = std::string(username.substr(0, 64));
    who.origin = std::string(origin);
    absl::StatusOr<store::UserRow> loaded = LoadUser(tx, username);
    if (!loaded.ok()) {
      // Spend the time a real check would, so timing does not reveal names.
      auth::VerifyPassword("", password);
      return Audit(tx, who, audit::Action::kSignInFailed, audit::Outcome::kDenied, "unknown user",
                   Json::object());
    }
    store::UserRow& u = *loaded;
    auto actor = ActorFromUser(u, origin);
    if (actor.ok()) who = *actor;
    auth::SignInDecision gate =
        auth::SignInAllowed({u.failed_sign_ins, u.last_failure_ms}, now, policy_.lockout);
    if (!gate.allowed) {
      result = absl::ResourceExhaustedError(
          StrCat("too many failed sign-ins; try again after ", FormatMillis(gate.next_attempt_ms)));
      return Audit(tx, who, audit::Action::kSignInFailed, audit::Outcome::kDenied, "locked out",
                   {{"failures", u.failed_sign_ins}});
    }
    bool ok =
        !u.disabled && !u.password_hash.empty() && auth::VerifyPassword(u.password_hash, password);
    std::string why = u.disabled ? "account disabled" : "wrong password";
    if (ok && !u.totp_secret_sealed.empty()) {
      ASSIGN_OR_RETURN(std::vector<uint8_t> secret, Unseal(u.totp_secret_sealed));
      absl::StatusOr<int64_t> step = auth::VerifyTotp(
          secret, totp_code, now,
          u.totp_last_step > 0 ? std::optional<int64_t>(u.totp_last_step) : std::nullopt);
      if (step.ok()) {
        u.totp_last_step = *step;
      } else {
        ok = false;
        why = totp_code.empty() ? "second factor missing" : "wrong or reused second-factor code";
      }
    }
    if (!ok) {
      auth::SignInFailures f = auth::RecordFailure({u.failed_sign_ins, u.last_failure_ms}, now);
      u.failed_sign_ins = f.consecutive;
      u.last_failure_ms = f.last_failure_ms;
      RETURN_IF_ERROR(tx.PutUser(u));
      return Audit(tx, who, audit::Action::kSignInFailed, audit::Outcome::kDenied, why,
                   {{"failures", u.failed_sign_ins}});
    }
    u.failed_sign_ins = 0;
    u.last_failure_ms = 0;
    RETURN_IF_ERROR(tx.PutUser(u));
    auth::NewSession s = auth::StartSession(random_, u.id, now, policy_.sessions);
    RETURN_IF_ERROR(tx.PutSession({s.record.token_hash, u.id, s.record.created_ms,
                                   s.record.last_seen_ms, s.record.expires_ms, false}));
    RETURN_IF_ERROR(tx.PurgeSessions(now));
    result = SignInResult{s.token, s.record.expires_ms, InfoFromUser(u)};
    return Audit(tx, who, audit::Action::kSignIn, audit::Outcome::kOk, "",
                 {{"second_factor", !u.totp_secret_sealed.empty()}});
  }));
  return result;
}

absl::Status Identity::SignOut(std::string_view session_token) {
  std::string hash = auth::TokenHash(session_token);
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::SessionRow> s, tx.GetSession(hash));
    if (!s || s->signed_out) return absl::UnauthenticatedError("no such session");
    s->signed_out = true;
    RETURN_IF_ERROR(tx.PutSession(*s));
    ASSIGN_OR_RETURN(std::optional<store::UserRow> u, tx.GetUser(s->user_id));
    Actor who;
    who.id = s->user_id;
    if (u) {
      if (auto a = ActorFromUser(*u, "api"); a.ok()) who = *a;
    }
    return Audit(tx, who, audit::Action::kSignOut, audit::Outcome::kOk, "", Json::object());
  });
}

absl::StatusOr<Actor> Identity::Authenticate(std::string_view bearer, std::string_view origin) {
  if (bearer.empty() || bearer.size() > 512) {
    return absl::UnauthenticatedError("sign in first (no credential)");
  }
  int64_t now = trail_.clock().NowMillis();
  std::optional<store::UserRow> user;
  absl::StatusOr<std::string> token_id = auth::ApiTokenId(bearer);
  if (token_id.ok()) {
    RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
      ASSIGN_OR_RETURN(std::optional<store::ApiTokenRow> t, r.GetApiToken(*token_id));
      if (!t || t->revoked || !auth::TokenMatches(bearer, t->token_hash)) {
        return absl::UnauthenticatedError("the API token is unknown or revoked");
      }
      ASSIGN_OR_RETURN(user, r.GetUser(t->user_id));
      return absl::OkStatus();
    }));
  } else {
    std::string hash = auth::TokenHash(bearer);
    std::optional<store::SessionRow> session;
    RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
      ASSIGN_OR_RETURN(session, r.GetSession(hash));
      if (!session) return absl::UnauthenticatedError("the session is unknown; sign in again");
      auth::SessionRecord rec{session->token_hash,   session->user_id,    session->created_ms,
                              session->last_seen_ms, session->expires_ms, session->signed_out};
      RETURN_IF_ERROR(auth::CheckSession(rec, now, policy_.sessions));
      ASSIGN_OR_RETURN(user, r.GetUser(session->user_id));
      return absl::OkStatus();
    }));
    // Record activity at most once a minute, so reads do not all become writes.
    if (now - session->last_seen_ms > 60'000) {
      session->last_seen_ms = now;
      RETURN_IF_ERROR(
          store_.Write([&](store::Transaction& tx) { return tx.PutSession(*session); }));
    }
  }
  if (!user || user->disabled) return absl::UnauthenticatedError("the account is disabled");
  return ActorFromUser(*user, origin);
}

}  // namespace liaison::access
