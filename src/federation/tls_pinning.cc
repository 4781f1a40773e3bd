#include "federation/tls_pinning.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/str_format.h"
#include "common/absl_bridge.h"

namespace liaison::federation {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// The most recent OpenSSL error, for messages. Clears the error queue.
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no detail from OpenSSL";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::string FingerprintKey(const CertificateFingerprint& fingerprint) {
  return std::string(reinterpret_cast<const char*>(fingerprint.data()), fingerprint.size());
}

BioPtr ReadOnlyBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

absl::StatusOr<X509Ptr> ParseOneCertificate(std::string_view pem) {
  if (pem.size() > 64 * 1024) {
    return absl::InvalidArgumentError(
        StrCat("certificate PEM is ", pem.size(), " bytes; the limit is 65536"));
  }
  std::string_view body = pem;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  if (body.substr(0, kBegin.size()) != kBegin || body.size() < kEnd.size() ||
      body.substr(body.size() - kEnd.size()) != kEnd) {
    return absl::InvalidArgumentError(
        StrCat("certificate PEM must start with '", kBegin, "' and end with '", kEnd, "'"));
  }
  if (body.find(kBegin, 1) != std::string_view::npos) {
    return absl::InvalidArgumentError("certificate PEM holds more than one certificate");
  }
  BioPtr bio = ReadOnlyBio(pem);
  if (!bio) return absl::InternalError("BIO_new_mem_buf failed");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return absl::InvalidArgumentError(
        StrCat("certificate PEM does not hold an X.509 certificate: ", OpenSslError()));
  }
  return cert;
}

// OpenSSL's certificate verification, replaced: the pin decides. The chain
// the peer sent, its names and dates are not consulted.
int VerifyPinned(X509_STORE_CTX* store_ctx, void* arg) {
  const auto* pins = static_cast<const PinnedCertificates*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
  std::optional<CertificateFingerprint> fingerprint;
  if (leaf != nullptr) fingerprint = FingerprintOfCertificate(leaf);
  if (pins != nullptr && fingerprint.has_value() && pins->Admit(*fingerprint)) {
    X509_STORE_CTX_set_error(store_ctx, X509_V_OK);
    return 1;
  }
  if (pins != nullptr) pins->CountRefusal(fingerprint);
  X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_REJECTED);
  return 0;
}

}  // namespace

absl::StatusOr<std::string> CertificateDerFromPem(std::string_view pem) {
  auto cert = ParseOneCertificate(pem);
  if (!cert.ok()) return cert.status();
  unsigned char* der = nullptr;
  int n = i2d_X509(cert->get(), &der);
  if (n <= 0) return absl::InternalError(StrCat("i2d_X509: ", OpenSslError()));
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<CertificateFingerprint> FingerprintOfCertificatePem(std::string_view pem) {
  auto cert = ParseOneCertificate(pem);
  if (!cert.ok()) return cert.status();
  std::optional<CertificateFingerprint> fingerprint = FingerprintOfCertificate(cert->get());
  if (!fingerprint) return absl::InternalError(StrCat("X509_digest: ", OpenSslError()));
  return *fingerprint;
}

std::optional<CertificateFingerprint> FingerprintOfCertificate(const X509* cert) {
  CertificateFingerprint out{};
  unsigned int n = 0;
  if (cert == nullptr || X509_digest(cert, EVP_sha256(), out.data(), &n) != 1 || n != out.size()) {
    return std::nullopt;
  }
  return out;
}

void PinnedCertificates::Pin(const CertificateFingerprint& fingerprint, std::string node_id) {
  absl::MutexLock lock(&mutex_);
  node_by_fingerprint_[FingerprintKey(fingerprint)] = std::move(node_id);
}

void PinnedCertificates::Unpin(const CertificateFingerprint& fingerprint) {
  absl::MutexLock lock(&mutex_);
  node_by_fingerprint_.erase(FingerprintKey(fingerprint));
}

std::optional<std::string> PinnedCertificates::NodeIdOf(
    const CertificateFingerprint& fingerprint) const {
  absl::MutexLock lock(&mutex_);
  auto it = node_by_fingerprint_.find(FingerprintKey(fingerprint));
  if (it == node_by_fingerprint_.end()) return std::nullopt;
  return it->second;
}

bool PinnedCertificates::Admit(const CertificateFingerprint& fingerprint) const {
  absl::MutexLock lock(&mutex_);
  return node_by_fingerprint_.contains(FingerprintKey(fingerprint));
}

void PinnedCertificates::CountRefusal(
    const std::optional<CertificateFingerprint>& fingerprint) const {
  refused_.fetch_add(1, std::memory_order_relaxed);
  absl::MutexLock lock(&mutex_);
  last_refused_ = fingerprint;
}

std::optional<CertificateFingerprint> PinnedCertificates::last_refused() const {
  absl::MutexLock lock(&mutex_);
  return last_refused_;
}

absl::Status ConfigurePinnedTls(SSL_CTX* ctx, const TlsIdentity& identity,
                                const PinnedCertificates* pins) {
  if (ctx == nullptr || pins == nullptr) {
    return absl::InvalidArgumentError("ConfigurePinnedTls needs an SSL_CTX and a pin set");
  }
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return absl::InternalError(StrCat("restricting TLS to version 1.3: ", OpenSslError()));
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  // A resumed session skips certificate verification; without resumption, a
  // partner removed from the pins cannot come back on an old session.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);

  auto cert = ParseOneCertificate(identity.certificate_pem);
  if (!cert.ok()) {
    return absl::InvalidArgumentError(
        StrCat("this node's TLS certificate: ", cert.status().message()));
  }
  BioPtr key_bio = ReadOnlyBio(identity.private_key_pem);
  if (!key_bio) return absl::InternalError("BIO_new_mem_buf failed");
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    return absl::InvalidArgumentError(
        StrCat("this node's TLS private key is not a PEM private key: ", OpenSslError()));
  }
  if (SSL_CTX_use_certificate(ctx, cert->get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return absl::InvalidArgumentError(StrCat(
        "this node's TLS certificate and private key do not belong together: ", OpenSslError()));
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, &VerifyPinned,
                                   const_cast<PinnedCertificates*>(pins));  // only read
  return absl::OkStatus();
}

absl::StatusOr<CertificateFingerprint> PeerFingerprint(const SSL* ssl) {
  if (ssl == nullptr) return absl::FailedPreconditionError("no TLS connection");
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr) {
    return absl::FailedPreconditionError("the TLS peer presented no certificate");
  }
  std::optional<CertificateFingerprint> fingerprint = FingerprintOfCertificate(peer);
  if (!fingerprint) return absl::InternalError(StrCat("X509_digest: ", OpenSslError()));
  return *fingerprint;
}

std::string ColonFingerprint(const CertificateFingerprint& fingerprint) {
  std::string out = "SHA256:";
  for (size_t i = 0; i < fingerprint.size(); ++i) {
    if (i > 0) out.push_back(':');
    absl::StrAppendFormat(&out, "%02X", fingerprint[i]);
  }
  return out;
}

}  // namespace liaison::federation
