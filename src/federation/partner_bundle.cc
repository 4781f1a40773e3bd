#include "federation/partner_bundle.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "audit/canonical_json.h"
#include "audit/hex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/canonical_bytes.h"
#include "federation/strict_object.h"
#include "nlohmann/json.hpp"
#include "node/node_keys.h"

namespace liaison::federation {
namespace {

constexpr std::string_view kWhat = "partner bundle";
constexpr size_t kMaxAgencyBytes = 200;
constexpr size_t kMaxEndpointBytes = 300;
constexpr size_t kMaxCertificatePemBytes = 16 * 1024;

bool IsHostLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

// "" when `endpoint` is "https://HOST[:PORT]", else what is wrong with it.
std::string EndpointProblem(std::string_view endpoint) {
  constexpr std::string_view kScheme = "https://";
  if (endpoint.substr(0, kScheme.size()) != kScheme) return "must start with 'https://'";
  std::string_view rest = endpoint.substr(kScheme.size());
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return "has '[' without ']' around an IPv6 address";
    host = rest.substr(1, close - 1);
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != host.npos ||
        host.find(':') == host.npos) {
      return "has an invalid IPv6 address between '[' and ']'";
    }
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "must be 'https://HOST[:PORT]' with nothing after the port";
      port = after.substr(1);
      if (port.empty()) return "has ':' but no port";
    }
  } else {
    size_t colon = rest.find(':');
    if (colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return "has ':' but no port";
    }
    if (host.empty()) return "has no host";
    if (host.size() > 253) return "has a host name longer than 253 characters";
    size_t start = 0;
    while (true) {
      size_t dot = host.find('.', start);
      std::string_view label = host.substr(start, dot == host.npos ? host.npos : dot - start);
      if (!IsHostLabel(label)) {
        return "must be 'https://HOST[:PORT]' where HOST is a DNS name, an IPv4 address or "
               "[IPv6], with no path, query, user or fragment";
      }
      if (dot == host.npos) break;
      start = dot + 1;
    }
  }
  if (!port.empty()) {
    uint32_t number = 0;
    if (port.size() > 5 || port.front() == '0' ||
        port.find_first_not_of("0123456789") != port.npos ||
        !absl::SimpleAtoi(AbslView(port), &number) || number == 0 || number > 65535) {
      return "has a port that is not a number from 1 to 65535";
    }
  }
  return "";
}

// "" when the stated field is well formed, else what is wrong with it.
std::string FieldProblem(std::string_view field, std::string_view value) {
  if (field == "node_id") {
    if (!IsLiaisonId(value, "node_")) {
      return "must be 'node_' followed by 26 upper-case Crockford base32 characters";
    }
  } else if (field == "agency") {
    if (value.empty()) return "must not be empty";
    if (value.size() > kMaxAgencyBytes) return StrCat("is longer than ", kMaxAgencyBytes, " bytes");
    if (!IsValidUtf8(value)) return "is not valid UTF-8";
    for (unsigned char c : value) {
      if (c < 0x20 || c == 0x7f) return "must not contain control characters";
    }
  } else if (field == "country") {
    if (value.size() != 2 || !absl::ascii_isupper(static_cast<unsigned char>(value[0])) ||
        !absl::ascii_isupper(static_cast<unsigned char>(value[1]))) {
      return "must be an ISO 3166-1 alpha-2 code in upper case, such as PK or IT";
    }
  } else if (field == "endpoint") {
    if (value.size() > kMaxEndpointBytes) {
      return StrCat("is longer than ", kMaxEndpointBytes, " bytes");
    }
    return EndpointProblem(value);
  }
  return "";
}

absl::Status CheckIssuedAt(int64_t issued_at_ms) {
  if (issued_at_ms < 0 || issued_at_ms > audit::kMaxCanonicalInteger) {
    return absl::InvalidArgumentError(
        StrCat(kWhat, ": field 'issued_at_ms': ", issued_at_ms, " is outside [0, 2^53-1]"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string BundleSigningBytes(const PartnerBundle& bundle) {
  CanonicalBytes bytes(kBundleSigningTag);
  bytes.AddU32(static_cast<uint32_t>(kBundleVersion));
  bytes.AddBytes(bundle.node_id);
  bytes.AddBytes(bundle.agency);
  bytes.AddBytes(bundle.country);
  bytes.AddBytes(bundle.endpoint);
  bytes.AddI64(bundle.issued_at_ms);
  bytes.AddBytes(bundle.tls_certificate_der);
  bytes.AddBytes(bundle.signing_public_key);
  return bytes.bytes();
}

absl::StatusOr<PartnerBundle> SignBundle(PartnerBundle bundle, const audit::Signer& signer) {
  const std::pair<std::string_view, const std::string*> stated[] = {{"node_id", &bundle.node_id},
                                                                    {"agency", &bundle.agency},
                                                                    {"country", &bundle.country},
                                                                    {"endpoint", &bundle.endpoint}};
  for (const auto& [field, value] : stated) {
    std::string problem = FieldProblem(field, *value);
    if (!problem.empty()) {
      return absl::InvalidArgumentError(StrCat(kWhat, ": field '", field, "': ", problem));
    }
  }
  RETURN_IF_ERROR(CheckIssuedAt(bundle.issued_at_ms));
  if (bundle.tls_certificate_pem.size() > kMaxCertificatePemBytes) {
    return absl::InvalidArgumentError(StrCat(kWhat, ": field 'tls_certificate': longer than ",
                                             kMaxCertificatePemBytes, " bytes"));
  }
  auto der = CertificateDerFromPem(bundle.tls_certificate_pem);
  if (!der.ok()) {
    return absl::InvalidArgumentError(
        StrCat(kWhat, ": field 'tls_certificate': ", der.status().message()));
  }
  bundle.tls_certificate_der = *std::move(der);
  const audit::PublicKey key = signer.public_key();
  bundle.signing_public_key.assign(reinterpret_cast<const char*>(key.data()), key.size());
  bundle.signature = signer.Sign(BundleSigningBytes(bundle));
  return bundle;
}

std::string BundleToJson(const PartnerBundle& bundle) {
  nlohmann::ordered_json json;
  json["format"] = kBundleFormat;
  json["version"] = kBundleVersion;
  json["node_id"] = bundle.node_id;
  json["agency"] = bundle.agency;
  json["country"] = bundle.country;
  json["endpoint"] = bundle.endpoint;
  json["issued_at_ms"] = bundle.issued_at_ms;
  json["tls_certificate"] = bundle.tls_certificate_pem;
  json["signing_public_key"] = audit::HexEncode(bundle.signing_public_key);
  json["signature"] = audit::HexEncode(bundle.signature);
  return json.dump(2) + "\n";
}

absl::StatusOr<PartnerBundle> ParseBundle(std::string_view text) {
  ASSIGN_OR_RETURN(StrictObject object, StrictObject::Parse(text, kWhat, kMaxBundleBytes));

  // Format and version first: a later format may differ in everything else.
  ASSIGN_OR_RETURN(std::string format, object.String("format", 64));
  if (format != kBundleFormat) {
    return object.FieldError("format", StrCat("must be '", kBundleFormat, "'"));
  }
  ASSIGN_OR_RETURN(int64_t version, object.Integer("version", 0, audit::kMaxCanonicalInteger));
  if (version != kBundleVersion) {
    return object.FieldError(
        "version",
        StrCat("version ", version, " is not supported; this node reads version ", kBundleVersion));
  }

  PartnerBundle bundle;
  const std::pair<std::string_view, std::string*> stated[] = {{"node_id", &bundle.node_id},
                                                              {"agency", &bundle.agency},
                                                              {"country", &bundle.country},
                                                              {"endpoint", &bundle.endpoint}};
  for (const auto& [field, value] : stated) {
    ASSIGN_OR_RETURN(*value, object.String(field, 1024));
    std::string problem = FieldProblem(field, *value);
    if (!problem.empty()) return object.FieldError(field, problem);
  }
  ASSIGN_OR_RETURN(bundle.issued_at_ms,
                   object.Integer("issued_at_ms", 0, audit::kMaxCanonicalInteger));
  ASSIGN_OR_RETURN(bundle.tls_certificate_pem,
                   object.String("tls_certificate", kMaxCertificatePemBytes));
  auto der = CertificateDerFromPem(bundle.tls_certificate_pem);
  if (!der.ok()) return object.FieldError("tls_certificate", StdView(der.status().message()));
  bundle.tls_certificate_der = *std::move(der);
  ASSIGN_OR_RETURN(bundle.signing_public_key,
                   object.LowerHex("signing_public_key", node::kSigningPublicKeyBytes));
  ASSIGN_OR_RETURN(bundle.signature, object.LowerHex("signature", node::kSignatureBytes));
  RETURN_IF_ERROR(object.CheckNoOtherFields());

  absl::Status verified = node::NodeKeys::Verify(bundle.signing_public_key,
                                                 BundleSigningBytes(bundle), bundle.signature);
  if (!verified.ok()) {
    return absl::UnauthenticatedError(
        StrCat(kWhat,
               ": field 'signature': does not verify with the bundle's signing_public_key;"
               " the bundle was changed after it was signed"));
  }
  return bundle;
}

std::string FormatFingerprintForReading(std::string_view digest) {
  const std::string hex = absl::AsciiStrToUpper(AbslView(audit::HexEncode(digest)));
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out.push_back(' ');
    out.append(hex, i, 4);
  }
  return out;
}

BundleFingerprints ReadableFingerprints(const PartnerBundle& bundle) {
  return {FormatFingerprintForReading(Sha256(bundle.tls_certificate_der)),
          FormatFingerprintForReading(Sha256(bundle.signing_public_key))};
}

}  // namespace liaison::federation
