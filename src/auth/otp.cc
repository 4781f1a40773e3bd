#include "auth/otp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/str_cat.h"
#include "auth/base32.h"

namespace liaison::auth {
namespace {

const EVP_MD* Digest(OtpAlgorithm algorithm) {
  switch (algorithm) {
    case OtpAlgorithm::kSha1:
      return EVP_sha1();
    case OtpAlgorithm::kSha256:
      return EVP_sha256();
    case OtpAlgorithm::kSha512:
      return EVP_sha512();
  }
  return EVP_sha1();
}

absl::Status CheckParams(const TotpParams& params) {
  if (params.digits < 6 || params.digits > 8) {
    return absl::InvalidArgumentError("OTP digits must be 6, 7 or 8");
  }
  if (params.period_seconds <= 0) return absl::InvalidArgumentError("TOTP period must be positive");
  if (params.window_steps < 0 || params.window_steps > 10) {
    return absl::InvalidArgumentError("TOTP window must be 0..10 steps");
  }
  return absl::OkStatus();
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string_view OtpAlgorithmName(OtpAlgorithm algorithm) {
  switch (algorithm) {
    case OtpAlgorithm::kSha1:
      return "SHA1";
    case OtpAlgorithm::kSha256:
      return "SHA256";
    case OtpAlgorithm::kSha512:
      return "SHA512";
  }
  return "SHA1";
}

absl::StatusOr<std::string> Hotp(std::span<const uint8_t> secret, uint64_t counter, int digits,
                                 OtpAlgorithm algorithm) {
  if (digits < 6 || digits > 8) return absl::InvalidArgumentError("OTP digits must be 6, 7 or 8");
  if (secret.empty()) return absl::InvalidArgumentError("OTP secret is empty");
  uint8_t message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(Digest(algorithm), secret.data(), static_cast<int>(secret.size()), message,
           sizeof message, mac, &mac_len) == nullptr) {
    return absl::InternalError("HMAC failed");
  }
  // Dynamic truncation (RFC 4226 section 5.3).
  const int offset = mac[mac_len - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  OPENSSL_cleanse(mac, sizeof mac);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = absl::StrCat(binary % modulus);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

int64_t TotpStep(int64_t now_ms, const TotpParams& params) {
  const int64_t seconds = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
  const int64_t period = params.period_seconds > 0 ? params.period_seconds : 30;
  return seconds >= 0 ? seconds / period : -((-seconds + period - 1) / period);
}

absl::StatusOr<std::string> Totp(std::span<const uint8_t> secret, int64_t now_ms,
                                 const TotpParams& params) {
  absl::Status s = CheckParams(params);
  if (!s.ok()) return s;
  if (now_ms < 0) return absl::InvalidArgumentError("TOTP time is before the epoch");
  return Hotp(secret, static_cast<uint64_t>(TotpStep(now_ms, params)), params.digits,
              params.algorithm);
}

absl::StatusOr<int64_t> VerifyTotp(std::span<const uint8_t> secret, std::string_view code,
                                   int64_t now_ms, std::optional<int64_t> last_used_step,
                                   const TotpParams& params) {
  absl::Status s = CheckParams(params);
  if (!s.ok()) return s;
  if (now_ms < 0) return absl::InvalidArgumentError("TOTP time is before the epoch");
  if (secret.empty()) return absl::InvalidArgumentError("OTP secret is empty");
  bool well_formed = code.size() == static_cast<size_t>(params.digits);
  for (char c : code) well_formed = well_formed && c >= '0' && c <= '9';
  if (!well_formed) return absl::UnauthenticatedError("one-time code is not valid");

  const int64_t now_step = TotpStep(now_ms, params);
  bool replayed = false;
  std::optional<int64_t> matched;
  // Check every step in the window, whatever matches, so the time taken does
  // not tell which step (if any) matched.
  for (int64_t step = now_step - params.window_steps; step <= now_step + params.window_steps;
       ++step) {
    if (step < 0) continue;
    absl::StatusOr<std::string> expected =
        Hotp(secret, static_cast<uint64_t>(step), params.digits, params.algorithm);
    if (!expected.ok()) return expected.status();
    const bool equal = CRYPTO_memcmp(expected->data(), code.data(), code.size()) == 0;
    if (!equal) continue;
    if (last_used_step && step <= *last_used_step) {
      replayed = true;
    } else if (!matched) {
      matched = step;
    }
  }
  if (matched) return *matched;
  if (replayed) return absl::AlreadyExistsError("one-time code was already used");
  return absl::UnauthenticatedError("one-time code is not valid");
}

std::vector<uint8_t> NewTotpSecret(Random& random, size_t bytes) {
  std::vector<uint8_t> secret(bytes);
  random.Fill(secret.data(), secret.size());
  return secret;
}

std::string TotpProvisioningUri(std::string_view issuer, std::string_view account,
                                std::span<const uint8_t> secret, const TotpParams& params) {
  const std::string enc_issuer = PercentEncode(issuer);
  return absl::StrCat("otpauth://totp/", enc_issuer, ":", PercentEncode(account),
                      "?secret=", Base32Encode(secret), "&issuer=", enc_issuer,
                      "&algorithm=", std::string(OtpAlgorithmName(params.algorithm)),
                      "&digits=", params.digits, "&period=", params.period_seconds);
}

}  // namespace liaison::auth
