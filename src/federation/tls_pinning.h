// Mutual TLS between partner nodes that fails closed: TLS 1.3 only, both
// sides present a certificate, and a peer is accepted only when the SHA-256
// fingerprint of its leaf certificate (over the DER encoding) is pinned.
// Certificates are self-signed; no certificate authority is trusted, and
// names, dates and chains in the certificate are not what decides: the pin
// is. A refused peer fails the handshake, so no application byte is ever
// read from it.
//
// Use ConfigurePinnedTls on the SSL_CTX of either side (plain OpenSSL, or the
// SSL_CTX that cpp-httplib's SSLServer setup callback and SSLClient's
// ssl_context() expose; with SSLClient, also turn off its own server
// certificate verification, which would replace this one). After the
// handshake, PeerFingerprint tells which pinned partner is on the line.
//
// Thread-safety: PinnedCertificates is safe for concurrent use (partners can
// be pinned or unpinned while connections are being verified); the functions
// are thread-safe when their SSL objects are not shared.
#ifndef LIAISON_FEDERATION_TLS_PINNING_H_
#define LIAISON_FEDERATION_TLS_PINNING_H_

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace liaison::federation {

// SHA-256 over a certificate's DER encoding, raw 32 bytes.
using CertificateFingerprint = std::array<uint8_t, 32>;

// The DER encoding of the one certificate in `pem` ("-----BEGIN
// CERTIFICATE-----" ... "-----END CERTIFICATE-----", optionally followed by
// a line break). Returns InvalidArgument when `pem` holds anything else, no
// certificate, or more than one.
absl::StatusOr<std::string> CertificateDerFromPem(std::string_view pem);

// The fingerprint of the certificate in `pem` (errors as above).
absl::StatusOr<CertificateFingerprint> FingerprintOfCertificatePem(std::string_view pem);

// The fingerprint of `cert`; nullopt only when OpenSSL cannot encode it.
std::optional<CertificateFingerprint> FingerprintOfCertificate(const X509* cert);

// The set of partner certificates this node accepts, each with the node id of
// the partner it belongs to.
class PinnedCertificates {
 public:
  // Accepts `fingerprint` from now on as partner `node_id` (replacing an
  // earlier owner of the same fingerprint).
  void Pin(const CertificateFingerprint& fingerprint, std::string node_id);
  // Stops accepting `fingerprint` for new handshakes.
  void Unpin(const CertificateFingerprint& fingerprint);
  // The partner `fingerprint` belongs to, or nullopt when it is not pinned.
  std::optional<std::string> NodeIdOf(const CertificateFingerprint& fingerprint) const;

  // Handshakes refused because the peer's certificate was not pinned (or
  // could not be read), since construction. For monitoring.
  uint64_t refused_count() const { return refused_.load(std::memory_order_relaxed); }
  // The fingerprint most recently refused, for the log line that says who
  // knocked; nullopt when none was.
  std::optional<CertificateFingerprint> last_refused() const;

  // Called by the verify callback: true when pinned; counts a refusal
  // otherwise.
  bool Admit(const CertificateFingerprint& fingerprint) const;
  void CountRefusal(const std::optional<CertificateFingerprint>& fingerprint) const;

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::string> node_by_fingerprint_ ABSL_GUARDED_BY(mutex_);
  mutable std::optional<CertificateFingerprint> last_refused_ ABSL_GUARDED_BY(mutex_);
  mutable std::atomic<uint64_t> refused_{0};
};

// This side's certificate and private key, in PEM (node::NodeKeys provides
// them).
struct TlsIdentity {
  std::string certificate_pem;
  std::string private_key_pem;
};

// Makes `ctx` speak partner TLS: TLS 1.3 only; `identity` as this side's
// certificate; a peer certificate required (SSL_VERIFY_PEER |
// SSL_VERIFY_FAIL_IF_NO_PEER_CERT) and accepted only when `pins` holds its
// leaf's fingerprint (SSL_CTX_set_cert_verify_callback replaces chain
// building entirely); no session resumption or tickets, so every connection
// is verified against the pins as they are now; no compression or
// renegotiation. `pins` must outlive `ctx`. Returns InvalidArgument when the
// certificate or key cannot be read or do not belong together.
absl::Status ConfigurePinnedTls(SSL_CTX* ctx, const TlsIdentity& identity,
                                const PinnedCertificates* pins);

// The fingerprint of the certificate the peer presented on `ssl` (after a
// successful handshake). Returns FailedPrecondition when there is none.
absl::StatusOr<CertificateFingerprint> PeerFingerprint(const SSL* ssl);

// "SHA256:AB:CD:...", the form `openssl x509 -noout -fingerprint -sha256`
// prints and node::NodeKeys::tls_fingerprint() uses.
std::string ColonFingerprint(const CertificateFingerprint& fingerprint);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_TLS_PINNING_H_
