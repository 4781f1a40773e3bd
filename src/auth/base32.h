// RFC 4648 base32 (alphabet A-Z 2-7), the form authenticator apps take TOTP
// secrets in.
//
// Thread-safety: pure functions.
#ifndef LIAISON_AUTH_BASE32_H_
#define LIAISON_AUTH_BASE32_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace liaison::auth {

// Upper-case base32 of `bytes`, without '=' padding (as otpauth:// URIs use).
std::string Base32Encode(std::span<const uint8_t> bytes);

// Decodes base32 in either case, ignoring spaces, hyphens and trailing '='
// padding (as people type secrets from a screen). Returns InvalidArgument
// naming the offending character's position, or for a length no encoder
// produces.
absl::StatusOr<std::vector<uint8_t>> Base32Decode(std::string_view text);

}  // namespace liaison::auth

#endif  // LIAISON_AUTH_BASE32_H_
