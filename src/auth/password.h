// Password hashing (Argon2id through libsodium) and the password policy.
//
// Hashes are libsodium's self-describing strings
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so the cost a hash was made
// with travels with it and NeedsRehash can tell when to upgrade a stored hash
// after the node's cost changes (rehash at the next successful sign-in).
//
// The policy follows NIST SP 800-63B: a minimum length and a deny-list of
// known-bad choices, no composition rules and no forced expiry.
//
// Passwords are never logged, and never appear in an error message.
//
// Thread-safety: pure functions; safe to call concurrently (each hash uses
// PasswordCost::memlimit bytes of memory while it runs, so the caller limits
// how many sign-ins hash at once).
#ifndef LIAISON_AUTH_PASSWORD_H_
#define LIAISON_AUTH_PASSWORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace liaison::auth {

// Argon2id cost: passes over memory and memory in bytes.
struct PasswordCost {
  uint64_t opslimit;
  size_t memlimit;

  // libsodium's MODERATE: 3 passes, 256 MiB, about 0.5-1 s on a server
  // core. The production default.
  static PasswordCost Moderate();
  // libsodium's INTERACTIVE: 2 passes, 64 MiB, about 0.1 s.
  static PasswordCost Interactive();
  // The minimum libsodium allows (1 pass, 8 KiB). For tests only: it offers
  // no protection against guessing.
  static PasswordCost TestOnly();
};

// Hashes `password` with a fresh random salt. Returns InvalidArgument for a
// password longer than kMaxPasswordBytes, ResourceExhausted when the memory
// for the hash cannot be had.
absl::StatusOr<std::string> HashPassword(std::string_view password,
                                         const PasswordCost& cost = PasswordCost::Moderate());

// True when `password` matches `stored_hash`; false for a wrong password or a
// malformed hash. Takes the time the stored hash's cost dictates.
bool VerifyPassword(std::string_view stored_hash, std::string_view password);

// True when `stored_hash` was made with a cost other than `cost` (or is not
// an Argon2id hash libsodium understands) and should be replaced.
bool NeedsRehash(std::string_view stored_hash, const PasswordCost& cost = PasswordCost::Moderate());

inline constexpr size_t kMinPasswordChars = 12;    // code points
inline constexpr size_t kMaxPasswordBytes = 1024;  // long passphrases welcome

// Who the password is for, so it can be refused when it contains their
// names.
struct PasswordContext {
  std::string user_id;
  std::string display_name;
};

// Checks a new password against the policy: at least kMinPasswordChars
// Unicode code points, at most kMaxPasswordBytes, valid UTF-8, not one
// character repeated, not a straight run ("123456789012", "abcdefghijkl"),
// not on the deny-list of common and product-specific passwords (compared
// case-insensitively, ignoring trailing digits and punctuation), and not
// containing the user's id or any part of their name of 4 or more letters.
// Returns InvalidArgument with a reason a user can act on; OK otherwise.
absl::Status CheckPasswordPolicy(std::string_view password, const PasswordContext& context = {});

}  // namespace liaison::auth

#endif  // LIAISON_AUTH_PASSWORD_H_
