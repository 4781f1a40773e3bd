#include "node/node_keys.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "node/private_file.h"

namespace liaison::node {
namespace {

constexpr std::string_view kSeedPrefix = "ed25519-seed:";
constexpr std::string_view kPublicPrefix = "ed25519:";
constexpr size_t kMaxKeyFileBytes = 64 * 1024;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, ExtFree>;

// The most recent OpenSSL error, for messages. Clears the error queue.
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

absl::Status OpenSslFailure(std::string_view what) {
  return absl::InternalError(absl::StrCat(std::string(what), ": ", OpenSslError()));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

std::string ColonHex(const unsigned char* bytes, size_t n) {
  std::string out = "SHA256:";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back(':');
    absl::StrAppendFormat(&out, "%02X", bytes[i]);
  }
  return out;
}

absl::StatusOr<std::string> CertFingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1) return OpenSslFailure("X509_digest");
  return ColonHex(md, n);
}

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Decodes base64 that must yield exactly `expected` bytes.
std::optional<std::string> FromBase64(std::string_view text, size_t expected) {
  std::string out(expected + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size() || len != expected) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

// Decodes "PREFIX<base64>\n" holding exactly `expected` bytes.
std::optional<std::string> DecodeKeyLine(std::string_view text, std::string_view prefix,
                                         size_t expected) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  return FromBase64(text.substr(prefix.size()), expected);
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  return absl::StrCat(std::string(dir), "/", std::string(name));
}

absl::Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext) return OpenSslFailure(absl::StrCat("certificate extension ", value));
  if (X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslFailure("X509_add_ext");
  return absl::OkStatus();
}

bool IsIpAddress(const std::string& host) {
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str());
  if (ip == nullptr) return false;
  ASN1_OCTET_STRING_free(ip);
  return true;
}

// The first `max_chars` characters (UTF-8 code points) of `value`.
std::string FirstChars(const std::string& value, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(value[i]) & 0xC0) != 0x80;
    if (starts_char && chars++ == max_chars) return value.substr(0, i);
  }
  return value;
}

absl::Status AddNameEntry(X509_NAME* name, const char* field, const std::string& text) {
  // X.520 bounds organisation and common names at 64 characters; a longer
  // agency name (an Italian service's full title) is shortened in the
  // certificate only, where it is informative: partners pin the fingerprint.
  const std::string value = FirstChars(text, 64);
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                 0) != 1) {
    return OpenSslFailure(absl::StrCat("certificate subject ", field));
  }
  return absl::OkStatus();
}

absl::StatusOr<X509Ptr> MakeCertificate(EVP_PKEY* key, const CertificateSubject& subject,
                                        const Clock& clock, Random& random) {
  X509Ptr cert(X509_new());
  if (!cert) return OpenSslFailure("X509_new");
  if (X509_set_version(cert.get(), 2) != 1) return OpenSslFailure("X509_set_version");

  // 127 random bits: positive and at most 20 octets, as RFC 5280 requires.
  unsigned char serial[16];
  random.Fill(serial, sizeof serial);
  serial[0] &= 0x7f;
  serial[0] |= 0x40;  // never a short serial
  BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return OpenSslFailure("certificate serial");
  }

  time_t now = absl::ToTimeT(clock.Now());
  time_t not_before = now - 3600;
  time_t not_after = now + static_cast<time_t>(subject.validity_days) * 86400;
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after) == nullptr) {
    return OpenSslFailure("certificate validity");
  }
  if (X509_set_pubkey(cert.get(), key) != 1) return OpenSslFailure("X509_set_pubkey");

  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!subject.country.empty()) RETURN_IF_ERROR(AddNameEntry(name, "C", subject.country));
  RETURN_IF_ERROR(AddNameEntry(name, "O", subject.agency));
  RETURN_IF_ERROR(AddNameEntry(name, "CN", subject.node_id));
  if (X509_set_issuer_name(cert.get(), name) != 1) return OpenSslFailure("X509_set_issuer_name");

  std::vector<std::string> alt_names = {"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  const std::string& host = subject.listen_host;
  if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "::1" &&
      host != "0.0.0.0" && host != "::") {
    alt_names.push_back(absl::StrCat(IsIpAddress(host) ? "IP:" : "DNS:", host));
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature"));
  RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth"));
  RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), &ctx, NID_subject_alt_name, absl::StrJoin(alt_names, ",")));

  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) return OpenSslFailure("X509_sign");
  return cert;
}

}  // namespace

NodeKeys::~NodeKeys() {
  if (!signing_seed_.empty()) sodium_memzero(signing_seed_.data(), signing_seed_.size());
  if (!signing_secret_key_.empty()) {
    sodium_memzero(signing_secret_key_.data(), signing_secret_key_.size());
  }
  if (!tls_key_pem_.empty()) sodium_memzero(tls_key_pem_.data(), tls_key_pem_.size());
}

absl::StatusOr<NodeKeys> NodeKeys::Generate(const CertificateSubject& subject, const Clock& clock,
                                            Random& random) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  NodeKeys keys;
  keys.signing_seed_.resize(crypto_sign_SEEDBYTES);
  random.Fill(reinterpret_cast<uint8_t*>(keys.signing_seed_.data()), keys.signing_seed_.size());
  keys.signing_public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  keys.signing_secret_key_.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(keys.signing_public_key_.data()),
                           reinterpret_cast<unsigned char*>(keys.signing_secret_key_.data()),
                           reinterpret_cast<const unsigned char*>(keys.signing_seed_.data()));

  PkeyPtr tls_key(EVP_EC_gen("P-256"));
  if (!tls_key) return OpenSslFailure("generating the P-256 TLS key");
  ASSIGN_OR_RETURN(X509Ptr cert, MakeCertificate(tls_key.get(), subject, clock, random));

  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || !cert_bio ||
      PEM_write_bio_PrivateKey(key_bio.get(), tls_key.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return OpenSslFailure("writing PEM");
  }
  keys.tls_key_pem_ = BioContents(key_bio.get());
  keys.tls_cert_pem_ = BioContents(cert_bio.get());
  ASSIGN_OR_RETURN(keys.tls_fingerprint_, CertFingerprint(cert.get()));
  return keys;
}

absl::Status NodeKeys::WriteTo(const std::string& keys_dir) const {
  const std::string files[] = {JoinPath(keys_dir, kSigningKeyFile),
                               JoinPath(keys_dir, kSigningPublicKeyFile),
                               JoinPath(keys_dir, kTlsKeyFile), JoinPath(keys_dir, kTlsCertFile)};
  for (const std::string& path : files) {
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) {
      return absl::AlreadyExistsError(absl::StrCat(path, " already exists; not overwriting keys"));
    }
  }
  std::string seed_text = absl::StrCat(std::string(kSeedPrefix), Base64(signing_seed_), "\n");
  absl::Status status = WriteNewFile(files[0], seed_text, 0600);
  sodium_memzero(seed_text.data(), seed_text.size());
  if (status.ok()) {
    status = WriteNewFile(
        files[1], absl::StrCat(std::string(kPublicPrefix), Base64(signing_public_key_), "\n"),
        0644);
  }
  if (status.ok()) status = WriteNewFile(files[2], tls_key_pem_, 0600);
  if (status.ok()) status = WriteNewFile(files[3], tls_cert_pem_, 0644);
  return status;
}

absl::StatusOr<NodeKeys> NodeKeys::ReadFrom(const std::string& keys_dir) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  const std::string seed_path = JoinPath(keys_dir, kSigningKeyFile);
  const std::string public_path = JoinPath(keys_dir, kSigningPublicKeyFile);
  const std::string key_path = JoinPath(keys_dir, kTlsKeyFile);
  const std::string cert_path = JoinPath(keys_dir, kTlsCertFile);

  NodeKeys keys;
  {
    ASSIGN_OR_RETURN(std::string text,
                     ReadPrivateFile(seed_path, /*secret=*/true, kMaxKeyFileBytes));
    std::optional<std::string> seed = DecodeKeyLine(text, kSeedPrefix, crypto_sign_SEEDBYTES);
    sodium_memzero(text.data(), text.size());
    if (!seed) {
      return absl::DataLossError(
          absl::StrCat(seed_path, " is corrupt: expected one line 'ed25519-seed:<base64>'"));
    }
    keys.signing_seed_ = std::move(*seed);
  }
  keys.signing_public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  keys.signing_secret_key_.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(keys.signing_public_key_.data()),
                           reinterpret_cast<unsigned char*>(keys.signing_secret_key_.data()),
                           reinterpret_cast<const unsigned char*>(keys.signing_seed_.data()));
  {
    ASSIGN_OR_RETURN(std::string text,
                     ReadPrivateFile(public_path, /*secret=*/false, kMaxKeyFileBytes));
    std::optional<std::string> public_key =
        DecodeKeyLine(text, kPublicPrefix, crypto_sign_PUBLICKEYBYTES);
    if (!public_key) {
      return absl::DataLossError(
          absl::StrCat(public_path, " is corrupt: expected one line 'ed25519:<base64>'"));
    }
    if (*public_key != keys.signing_public_key_) {
      return absl::DataLossError(
          absl::StrCat(public_path, " does not belong to the secret key in ", seed_path));
    }
  }

  ASSIGN_OR_RETURN(keys.tls_key_pem_, ReadPrivateFile(key_path, /*secret=*/true, kMaxKeyFileBytes));
  ASSIGN_OR_RETURN(keys.tls_cert_pem_,
                   ReadPrivateFile(cert_path, /*secret=*/false, kMaxKeyFileBytes));
  BioPtr key_bio(
      BIO_new_mem_buf(keys.tls_key_pem_.data(), static_cast<int>(keys.tls_key_pem_.size())));
  BioPtr cert_bio(
      BIO_new_mem_buf(keys.tls_cert_pem_.data(), static_cast<int>(keys.tls_cert_pem_.size())));
  if (!key_bio || !cert_bio) return OpenSslFailure("BIO_new_mem_buf");
  PkeyPtr tls_key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!tls_key) {
    return absl::DataLossError(
        absl::StrCat(key_path, " is not a PEM private key: ", OpenSslError()));
  }
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return absl::DataLossError(
        absl::StrCat(cert_path, " is not a PEM certificate: ", OpenSslError()));
  }
  if (X509_check_private_key(cert.get(), tls_key.get()) != 1) {
    ERR_clear_error();
    return absl::DataLossError(
        absl::StrCat(cert_path, " does not belong to the private key in ", key_path));
  }
  ASSIGN_OR_RETURN(keys.tls_fingerprint_, CertFingerprint(cert.get()));
  return keys;
}

std::string NodeKeys::Sign(std::string_view message) const {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(signing_secret_key_.data()));
  return signature;
}

absl::Status NodeKeys::Verify(std::string_view public_key, std::string_view message,
                              std::string_view signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return absl::InvalidArgumentError(absl::StrCat("an Ed25519 public key is ",
                                                   crypto_sign_PUBLICKEYBYTES, " bytes, not ",
                                                   public_key.size()));
  }
  if (signature.size() != crypto_sign_BYTES) {
    return absl::InvalidArgumentError(absl::StrCat("an Ed25519 signature is ", crypto_sign_BYTES,
                                                   " bytes, not ", signature.size()));
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                  reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(),
                                  reinterpret_cast<const unsigned char*>(public_key.data())) != 0) {
    return absl::UnauthenticatedError("the Ed25519 signature does not verify");
  }
  return absl::OkStatus();
}

std::string NodeKeys::SigningKeyFingerprint(std::string_view public_key) {
  unsigned char md[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(md, reinterpret_cast<const unsigned char*>(public_key.data()),
                     public_key.size());
  return ColonHex(md, sizeof md);
}

}  // namespace liaison::node
