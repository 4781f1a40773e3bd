#include "auth/tokens.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace liaison::auth {
namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kIdChars = 16;
constexpr size_t kSecretChars = 43;  // base64url of 32 bytes, no padding

std::string Base64Url(const uint8_t* bytes, size_t n) {
  if (sodium_init() < 0) std::abort();
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string RandomSecret(Random& random) {
  uint8_t bytes[kSecretBytes];
  random.Fill(bytes, sizeof bytes);
  std::string secret = Base64Url(bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return secret;
}

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

NewApiToken GenerateApiToken(Random& random) {
  NewApiToken t;
  // NewId gives 26 Crockford characters; 16 of them (80 bits) make the id.
  t.id = random.NewId("").substr(0, kIdChars);
  t.token = absl::StrCat(kApiTokenPrefix, t.id, "_", RandomSecret(random));
  t.hash = TokenHash(t.token);
  return t;
}

absl::StatusOr<std::string> ApiTokenId(std::string_view token) {
  const std::string_view prefix = kApiTokenPrefix;
  const size_t expected = prefix.size() + kIdChars + 1 + kSecretChars;
  if (token.size() != expected || token.substr(0, prefix.size()) != prefix ||
      token[prefix.size() + kIdChars] != '_') {
    return absl::InvalidArgumentError("not a liaison API token (expected lsn_<id>_<secret>)");
  }
  std::string_view id = token.substr(prefix.size(), kIdChars);
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
      return absl::InvalidArgumentError("not a liaison API token (bad id)");
    }
  }
  for (char c : token.substr(expected - kSecretChars)) {
    if (!IsBase64UrlChar(c)) return absl::InvalidArgumentError("not a liaison API token");
  }
  return std::string(id);
}

std::string GenerateSessionToken(Random& random) {
  return absl::StrCat(kSessionTokenPrefix, RandomSecret(random));
}

std::string TokenHash(std::string_view token) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(token.data()), token.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * sizeof digest, '\0');
  for (size_t i = 0; i < sizeof digest; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

bool TokenMatches(std::string_view token, std::string_view stored_hash) {
  const std::string hash = TokenHash(token);
  if (stored_hash.size() != hash.size()) return false;
  return CRYPTO_memcmp(hash.data(), stored_hash.data(), hash.size()) == 0;
}

}  // namespace liaison::auth
