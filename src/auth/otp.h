// One-time passwords for the second factor: HOTP (RFC 4226) and TOTP
// (RFC 6238) with HMAC-SHA1/SHA256/SHA512 (OpenSSL), 6-8 digits, and the
// otpauth:// provisioning URI authenticator apps scan.
//
// Verification accepts the current time step and one step either side (clock
// drift), refuses a step at or before the last one the user already used
// (replay), and returns the matched step for the caller to store.
//
// Secrets and codes are never logged or put in error messages.
//
// Thread-safety: pure functions. Time is passed in; no clock is read.
#ifndef LIAISON_AUTH_OTP_H_
#define LIAISON_AUTH_OTP_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/random.h"

namespace liaison::auth {

enum class OtpAlgorithm { kSha1, kSha256, kSha512 };

// "SHA1", "SHA256", "SHA512" (the otpauth:// spelling).
std::string_view OtpAlgorithmName(OtpAlgorithm algorithm);

struct TotpParams {
  OtpAlgorithm algorithm = OtpAlgorithm::kSha1;  // what every authenticator app supports
  int digits = 6;                                // 6..8
  int64_t period_seconds = 30;
  int window_steps = 1;  // steps accepted either side of now
};

// The HOTP value of `counter` (RFC 4226 section 5.3), `digits` long with
// leading zeros. Returns InvalidArgument for digits outside 6..8 or an empty
// secret.
absl::StatusOr<std::string> Hotp(std::span<const uint8_t> secret, uint64_t counter, int digits,
                                 OtpAlgorithm algorithm = OtpAlgorithm::kSha1);

// The time step containing `now_ms` (floor((now_ms/1000) / period), T0 = 0).
int64_t TotpStep(int64_t now_ms, const TotpParams& params = {});

// The TOTP code at `now_ms`. Errors as Hotp, plus InvalidArgument for a
// non-positive period or a time before the epoch.
absl::StatusOr<std::string> Totp(std::span<const uint8_t> secret, int64_t now_ms,
                                 const TotpParams& params = {});

// Checks `code` at `now_ms` against steps now-window..now+window, skipping any
// step <= `last_used_step` (the value returned by the previous successful
// verification, nullopt if none). Returns the matched step, which the caller
// must store as the new last_used_step. Returns Unauthenticated for a wrong
// code (or one of the wrong length or with non-digits), AlreadyExists when the
// code matches only a step already used (a replay), and InvalidArgument for
// bad parameters.
absl::StatusOr<int64_t> VerifyTotp(std::span<const uint8_t> secret, std::string_view code,
                                   int64_t now_ms, std::optional<int64_t> last_used_step,
                                   const TotpParams& params = {});

// A new random TOTP secret of `bytes` bytes (20 = 160 bits, RFC 4226's
// recommendation for SHA-1).
std::vector<uint8_t> NewTotpSecret(Random& random, size_t bytes = 20);

// otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
// with ISSUER and ACCOUNT percent-encoded. Show it once (as a QR code) at
// enrolment; it contains the secret.
std::string TotpProvisioningUri(std::string_view issuer, std::string_view account,
                                std::span<const uint8_t> secret, const TotpParams& params = {});

}  // namespace liaison::auth

#endif  // LIAISON_AUTH_OTP_H_
