// The node's long-term keys:
// - an Ed25519 signing key (libsodium) that signs audit checkpoints, watchlist
//   snapshots and protocol envelopes;
// - an ECDSA P-256 TLS key with a self-signed X.509 certificate that the HTTPS
//   API and, later, partner connections present.
// Partners confirm both out of band by their SHA-256 fingerprints.
//
// On disk, inside DIR/keys/ (directory mode 0700):
//   signing.key  "ed25519-seed:" + base64 of the 32-byte seed, mode 0600
//   signing.pub  "ed25519:" + base64 of the 32-byte public key
//   tls.key      PKCS#8 PEM private key, mode 0600
//   tls.crt      PEM certificate
//
// Thread-safety: a NodeKeys is immutable after creation; its const methods
// are safe to call concurrently.
#ifndef LIAISON_NODE_NODE_KEYS_H_
#define LIAISON_NODE_NODE_KEYS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/random.h"

namespace liaison::node {

inline constexpr std::string_view kKeysDirName = "keys";
inline constexpr std::string_view kSigningKeyFile = "signing.key";
inline constexpr std::string_view kSigningPublicKeyFile = "signing.pub";
inline constexpr std::string_view kTlsKeyFile = "tls.key";
inline constexpr std::string_view kTlsCertFile = "tls.crt";

inline constexpr size_t kSigningPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

// What goes into the self-signed certificate.
struct CertificateSubject {
  std::string node_id;  // CN
  std::string agency;   // O
  std::string country;  // C
  // Subject alternative names besides "localhost" and "127.0.0.1": the listen
  // host (an IP address or a DNS name).
  std::string listen_host;
  int validity_days = 5 * 365;
};

class NodeKeys {
 public:
  // Makes new keys. The Ed25519 seed and the certificate serial come from
  // `random` (so tests can repeat them); the TLS key comes from OpenSSL's own
  // generator. The certificate is valid from `clock.Now()` minus one hour (for
  // partners whose clocks run slightly behind) for `subject.validity_days`.
  // Returns Internal when OpenSSL fails.
  static absl::StatusOr<NodeKeys> Generate(const CertificateSubject& subject, const Clock& clock,
                                           Random& random);

  // Writes the four files into `keys_dir`, which must exist. Secret files are
  // created with mode 0600 and never overwritten. Returns AlreadyExists when
  // any of the files exists, Internal on an I/O failure.
  absl::Status WriteTo(const std::string& keys_dir) const;

  // Reads the files back. Returns NotFound for a missing file,
  // FailedPrecondition when a secret file is readable by group or others
  // (with the chmod that fixes it), DataLoss when a file is corrupt, is a
  // symbolic link, or the public parts do not match the secret parts.
  static absl::StatusOr<NodeKeys> ReadFrom(const std::string& keys_dir);

  // Ed25519 public key, raw 32 bytes.
  const std::string& signing_public_key() const { return signing_public_key_; }
  // TLS certificate and private key in PEM, as OpenSSL and httplib take them.
  const std::string& tls_cert_pem() const { return tls_cert_pem_; }
  const std::string& tls_key_pem() const { return tls_key_pem_; }

  // "SHA256:" + colon-separated upper-case hex of SHA-256 over the DER
  // certificate; the same text `openssl x509 -noout -fingerprint -sha256`
  // prints, so an administrator can cross-check it.
  const std::string& tls_fingerprint() const { return tls_fingerprint_; }
  // Same form, over the raw Ed25519 public key.
  std::string signing_fingerprint() const { return SigningKeyFingerprint(signing_public_key_); }

  // Detached Ed25519 signature (64 bytes) over `message`.
  std::string Sign(std::string_view message) const;

  // Returns OK when `signature` is `public_key`'s signature over `message`;
  // InvalidArgument for malformed key or signature sizes, Unauthenticated
  // when the signature does not verify.
  static absl::Status Verify(std::string_view public_key, std::string_view message,
                             std::string_view signature);

  // The fingerprint text for any Ed25519 public key (32 raw bytes).
  static std::string SigningKeyFingerprint(std::string_view public_key);

 private:
  NodeKeys() = default;

 public:
  NodeKeys(const NodeKeys&) = default;
  NodeKeys& operator=(const NodeKeys&) = default;
  NodeKeys(NodeKeys&&) = default;
  NodeKeys& operator=(NodeKeys&&) = default;
  ~NodeKeys();  // wipes the secret key material from memory

 private:
  std::string signing_seed_;        // 32 bytes; the secret key is derived from it
  std::string signing_secret_key_;  // 64 bytes, libsodium's layout
  std::string signing_public_key_;  // 32 bytes
  std::string tls_key_pem_;
  std::string tls_cert_pem_;
  std::string tls_fingerprint_;
};

}  // namespace liaison::node

#endif  // LIAISON_NODE_NODE_KEYS_H_
