// Signed-in sessions as plain data, and the checks that decide whether one
// is still good at a given time: an absolute lifetime, an idle timeout, and
// explicit sign-out. The store keeps SessionRecord rows keyed by
// token_hash; the session token itself lives only in the officer's browser.
//
// Thread-safety: plain data and pure functions; time and randomness are
// passed in.
#ifndef LIAISON_AUTH_SESSION_H_
#define LIAISON_AUTH_SESSION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/random.h"

namespace liaison::auth {

struct SessionPolicy {
  int64_t lifetime_ms = 12LL * 3600 * 1000;  // one working shift
  int64_t idle_timeout_ms = 30LL * 60 * 1000;
};

struct SessionRecord {
  std::string token_hash;  // TokenHash(token): the key
  std::string user_id;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t expires_ms = 0;  // created_ms + lifetime_ms
  bool signed_out = false;
};

struct NewSession {
  std::string token;  // for the client, once
  SessionRecord record;
};

// Starts a session for `user_id` at `now_ms`.
NewSession StartSession(Random& random, std::string_view user_id, int64_t now_ms,
                        const SessionPolicy& policy = {});

// OK when `session` may be used at `now_ms`; Unauthenticated saying why not
// ("signed out", "expired", "idle for too long") otherwise.
absl::Status CheckSession(const SessionRecord& session, int64_t now_ms,
                          const SessionPolicy& policy = {});

// Records use at `now_ms` (extends the idle timeout, never the lifetime).
void TouchSession(SessionRecord& session, int64_t now_ms);

// Marks the session signed out; CheckSession refuses it from then on.
void SignOut(SessionRecord& session);

}  // namespace liaison::auth

#endif  // LIAISON_AUTH_SESSION_H_
