#include "auth/session.h"

#include <algorithm>

#include "auth/tokens.h"

namespace liaison::auth {

NewSession StartSession(Random& random, std::string_view user_id, int64_t now_ms,
                        const SessionPolicy& policy) {
  NewSession s;
  s.token = GenerateSessionToken(random);
  s.record.token_hash = TokenHash(s.token);
  s.record.user_id = std::string(user_id);
  s.record.created_ms = now_ms;
  s.record.last_seen_ms = now_ms;
  s.record.expires_ms = now_ms + policy.lifetime_ms;
  return s;
}

absl::Status CheckSession(const SessionRecord& session, int64_t now_ms,
                          const SessionPolicy& policy) {
  if (session.signed_out) return absl::UnauthenticatedError("session was signed out");
  if (now_ms >= session.expires_ms) return absl::UnauthenticatedError("session expired");
  if (now_ms - session.last_seen_ms >= policy.idle_timeout_ms) {
    return absl::UnauthenticatedError("session was idle for too long");
  }
  return absl::OkStatus();
}

void TouchSession(SessionRecord& session, int64_t now_ms) {
  session.last_seen_ms = std::max(session.last_seen_ms, now_ms);
}

void SignOut(SessionRecord& session) { session.signed_out = true; }

}  // namespace liaison::auth
