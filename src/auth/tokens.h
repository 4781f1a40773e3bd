// Bearer secrets: API tokens for upstream systems and session tokens for
// signed-in officers. Only a SHA-256 hash of a token is ever stored; the
// token itself is shown once (API) or set once in a cookie (session).
//
//   API token:     "lsn_" + id (16 Crockford base32 chars, 80 random bits)
//                  + "_" + secret (43 base64url chars, 32 random bytes)
//   session token: "lss_" + 43 base64url chars (32 random bytes)
//
// The API token's id is not secret: it is the lookup key (and what logs and
// the user list show). A token's 256-bit secret is random, so a fast hash is
// the right one: there is nothing to brute-force.
//
// Thread-safety: pure functions; randomness is passed in.
#ifndef LIAISON_AUTH_TOKENS_H_
#define LIAISON_AUTH_TOKENS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/random.h"

namespace liaison::auth {

inline constexpr char kApiTokenPrefix[] = "lsn_";
inline constexpr char kSessionTokenPrefix[] = "lss_";

struct NewApiToken {
  std::string token;  // give to the user once; never store or log it
  std::string id;     // store; look the token up by it
  std::string hash;   // store: TokenHash(token)
};

// A new API token from `random`.
NewApiToken GenerateApiToken(Random& random);

// The id part of an API token, for lookup. Returns InvalidArgument for text
// that is not shaped like an API token (the message never repeats the text).
absl::StatusOr<std::string> ApiTokenId(std::string_view token);

// A new session token from `random`; store TokenHash(token).
std::string GenerateSessionToken(Random& random);

// Lowercase hex SHA-256 of the whole token: what is stored.
std::string TokenHash(std::string_view token);

// True when TokenHash(token) equals `stored_hash`, compared in constant
// time.
bool TokenMatches(std::string_view token, std::string_view stored_hash);

}  // namespace liaison::auth

#endif  // LIAISON_AUTH_TOKENS_H_
