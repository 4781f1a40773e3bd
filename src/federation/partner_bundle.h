// A node's partner bundle: what one agency hands another (by file, out of
// band) so that their nodes can talk. It names the node (id, agency, country,
// endpoint URL) and carries the two keys a partner pins: the TLS certificate
// (for mutual TLS) and the Ed25519 public key (for envelope signatures). The
// bundle is signed with that Ed25519 key, so a bundle altered after export is
// refused; the administrators then confirm both fingerprints by reading them
// aloud to each other (FormatFingerprintForReading), which is what rules out
// a bundle replaced wholesale. docs/protocol.md specifies the format.
//
// Thread-safety: plain values and pure functions.
#ifndef LIAISON_FEDERATION_PARTNER_BUNDLE_H_
#define LIAISON_FEDERATION_PARTNER_BUNDLE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audit/checkpoint.h"
#include "federation/tls_pinning.h"

namespace liaison::federation {

inline constexpr std::string_view kBundleFormat = "liaison-partner-bundle";
inline constexpr int64_t kBundleVersion = 1;
// The domain tag that starts the bundle's signing bytes.
inline constexpr std::string_view kBundleSigningTag = "liaison/partner-bundle";
// Largest bundle file accepted.
inline constexpr size_t kMaxBundleBytes = 64 * 1024;

struct PartnerBundle {
  // What the exporting node states about itself.
  std::string node_id;              // "node_" + 26 Crockford base32 characters
  std::string agency;               // 1..200 bytes of UTF-8, no control characters
  std::string country;              // ISO 3166-1 alpha-2, upper case
  std::string endpoint;             // "https://HOST[:PORT]": where partners reach the node
  std::string tls_certificate_pem;  // exactly one certificate
  int64_t issued_at_ms = 0;         // when the bundle was made (newer replaces older)

  // Filled in by SignBundle and ParseBundle.
  std::string signing_public_key;   // raw 32-byte Ed25519 key
  std::string tls_certificate_der;  // DER of tls_certificate_pem
  std::string signature;            // raw 64-byte Ed25519 signature
};

// Validates the stated fields of `bundle` and signs it with `signer` (the
// node's Ed25519 key), filling in signing_public_key, tls_certificate_der and
// signature. Returns InvalidArgument naming the first bad field.
absl::StatusOr<PartnerBundle> SignBundle(PartnerBundle bundle, const audit::Signer& signer);

// The bundle as the JSON text a node exports (members in the documented
// order, two-space indentation, a final line break).
std::string BundleToJson(const PartnerBundle& bundle);

// Parses and checks an exported bundle: strict JSON (one object, no
// duplicate or unknown members), every field's form, and the signature.
// Returns ResourceExhausted when `text` is longer than kMaxBundleBytes,
// InvalidArgument "partner bundle: field '<name>': <problem>" for a bad field
// or unsupported format/version, Unauthenticated when the signature does not
// verify with the bundle's own signing key (the bundle was altered).
absl::StatusOr<PartnerBundle> ParseBundle(std::string_view text);

// The exact bytes the bundle signature covers (docs/protocol.md, "Partner
// bundle"). Needs tls_certificate_der and signing_public_key.
std::string BundleSigningBytes(const PartnerBundle& bundle);

// A 32-byte digest as 16 groups of 4 upper-case hex digits separated by single
// spaces ("3F2A 9C01 ..."), for reading aloud over the telephone.
std::string FormatFingerprintForReading(std::string_view digest);

struct BundleFingerprints {
  std::string tls_certificate;  // SHA-256 of the DER certificate
  std::string signing_key;      // SHA-256 of the raw Ed25519 public key
};
// Both fingerprints of a signed or parsed bundle, formatted for reading.
BundleFingerprints ReadableFingerprints(const PartnerBundle& bundle);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_PARTNER_BUNDLE_H_
