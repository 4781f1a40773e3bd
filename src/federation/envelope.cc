#include "federation/envelope.h"

#include <sodium.h>

#include <utility>

#include "absl/strings/ascii.h"
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

constexpr std::string_view kWhat = "envelope";
// Room for every header member, their names and JSON punctuation.
constexpr size_t kMaxHeaderJsonBytes = 4096;

bool IsMessageType(std::string_view type) {
  if (type.empty() || type.size() > kMaxMessageTypeBytes ||
      !absl::ascii_islower(static_cast<unsigned char>(type.front()))) {
    return false;
  }
  for (char c : type) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u) && c != '_' && c != '.') return false;
  }
  return true;
}

constexpr std::string_view kMessageTypeForm =
    "must be 1 to 64 characters of a-z, 0-9, '_' and '.', starting with a letter";
constexpr std::string_view kNodeIdForm =
    "must be 'node_' followed by 26 upper-case Crockford base32 characters";
constexpr std::string_view kMessageIdForm =
    "must be 'msg_' followed by 26 upper-case Crockford base32 characters";

EnvelopeRefusal Refuse(EnvelopeError error, std::string field, std::string message) {
  return EnvelopeRefusal{error, std::move(field), std::move(message)};
}

absl::Status CheckHeaderForSealing(const EnvelopeHeader& header, size_t body_bytes) {
  auto bad = [](std::string_view field, std::string_view problem) {
    return absl::InvalidArgumentError(StrCat(kWhat, ": field '", field, "': ", problem));
  };
  if (header.protocol_version != kProtocolVersion) {
    return bad("protocol_version", StrCat("this node writes version ", kProtocolVersion));
  }
  if (!IsMessageType(header.message_type)) return bad("message_type", kMessageTypeForm);
  if (!IsLiaisonId(header.sender, "node_")) return bad("sender", kNodeIdForm);
  if (!IsLiaisonId(header.recipient, "node_")) return bad("recipient", kNodeIdForm);
  if (!IsLiaisonId(header.message_id, "msg_")) return bad("message_id", kMessageIdForm);
  if (header.sent_at_ms < 0 || header.sent_at_ms > audit::kMaxCanonicalInteger) {
    return bad("sent_at_ms", "must be in [0, 2^53-1]");
  }
  if (header.nonce.size() != kNonceBytes)
    return bad("nonce", StrCat("must be ", kNonceBytes, " bytes"));
  if (body_bytes > kDefaultMaxBodyBytes) {
    return bad("body", StrCat("is ", body_bytes, " bytes; the limit is ", kDefaultMaxBodyBytes));
  }
  return absl::OkStatus();
}

std::string WireJson(const EnvelopeHeader& header, std::string_view body,
                     std::string_view signature) {
  nlohmann::ordered_json json;
  json["protocol_version"] = header.protocol_version;
  json["message_type"] = header.message_type;
  json["sender"] = header.sender;
  json["recipient"] = header.recipient;
  json["message_id"] = header.message_id;
  json["sent_at_ms"] = header.sent_at_ms;
  json["nonce"] = audit::HexEncode(header.nonce);
  json["body_sha256"] = audit::HexEncode(header.body_sha256);
  json["signature"] = audit::HexEncode(signature);
  json["body"] = EncodeBase64(body);
  return json.dump();
}

}  // namespace

std::string EnvelopeSigningBytes(const EnvelopeHeader& header) {
  CanonicalBytes bytes(kEnvelopeSigningTag);
  bytes.AddU32(header.protocol_version);
  bytes.AddBytes(header.message_type);
  bytes.AddBytes(header.sender);
  bytes.AddBytes(header.recipient);
  bytes.AddBytes(header.message_id);
  bytes.AddI64(header.sent_at_ms);
  bytes.AddBytes(header.nonce);
  bytes.AddBytes(header.body_sha256);
  return bytes.bytes();
}

absl::StatusOr<SealedEnvelope> SealWithHeader(std::string_view body, EnvelopeHeader header,
                                              const audit::Signer& signer) {
  RETURN_IF_ERROR(CheckHeaderForSealing(header, body.size()));
  header.body_sha256 = Sha256(body);
  std::string signature = signer.Sign(EnvelopeSigningBytes(header));
  std::string wire = WireJson(header, body, signature);
  return SealedEnvelope{std::move(header), std::move(wire)};
}

absl::StatusOr<SealedEnvelope> Seal(std::string_view body, const Addressing& addressing,
                                    const audit::Signer& signer, const Clock& clock,
                                    Random& random) {
  EnvelopeHeader header;
  header.message_type = addressing.message_type;
  header.sender = addressing.sender;
  header.recipient = addressing.recipient;
  header.sent_at_ms = clock.NowMillis();
  header.message_id = random.NewTimeOrderedId("msg_", header.sent_at_ms);
  header.nonce.resize(kNonceBytes);
  random.Fill(reinterpret_cast<uint8_t*>(header.nonce.data()), header.nonce.size());
  return SealWithHeader(body, std::move(header), signer);
}

std::string_view EnvelopeErrorCode(EnvelopeError error) {
  switch (error) {
    case EnvelopeError::kMalformed:
      return "malformed";
    case EnvelopeError::kUnsupportedVersion:
      return "unsupported_version";
    case EnvelopeError::kUnknownSender:
      return "unknown_sender";
    case EnvelopeError::kBadSignature:
      return "bad_signature";
    case EnvelopeError::kWrongRecipient:
      return "wrong_recipient";
    case EnvelopeError::kSenderMismatch:
      return "sender_mismatch";
    case EnvelopeError::kBodyHashMismatch:
      return "body_hash_mismatch";
    case EnvelopeError::kStale:
      return "stale";
    case EnvelopeError::kFuture:
      return "future";
    case EnvelopeError::kReplayed:
      return "replayed";
    case EnvelopeError::kReplayWindowExceeded:
      return "replay_window_exceeded";
    case EnvelopeError::kReplayGuardUnavailable:
      return "replay_guard_unavailable";
  }
  return "malformed";
}

absl::Status EnvelopeRefusal::ToStatus() const {
  std::string text = StrCat(EnvelopeErrorCode(error), ": ", message);
  switch (error) {
    case EnvelopeError::kMalformed:
    case EnvelopeError::kUnsupportedVersion:
      return absl::InvalidArgumentError(text);
    case EnvelopeError::kUnknownSender:
    case EnvelopeError::kBadSignature:
    case EnvelopeError::kSenderMismatch:
      return absl::UnauthenticatedError(text);
    case EnvelopeError::kWrongRecipient:
    case EnvelopeError::kBodyHashMismatch:
    case EnvelopeError::kStale:
    case EnvelopeError::kFuture:
      return absl::FailedPreconditionError(text);
    case EnvelopeError::kReplayed:
    case EnvelopeError::kReplayWindowExceeded:
      return absl::AlreadyExistsError(text);
    case EnvelopeError::kReplayGuardUnavailable:
      return absl::UnavailableError(text);
  }
  return absl::InvalidArgumentError(text);
}

absl::Status OpenResult::status() const { return ok() ? absl::OkStatus() : refusal().ToStatus(); }

OpenResult Open(std::string_view wire, std::string_view expected_recipient,
                SenderKeyLookup sender_key, const Clock& clock, ReplayGuard& guard,
                const OpenOptions& options) {
  const size_t max_wire =
      kMaxHeaderJsonBytes +
      sodium_base64_ENCODED_LEN(options.max_body_bytes, sodium_base64_VARIANT_ORIGINAL);
  std::string bad_field;
  auto parsed = StrictObject::Parse(wire, kWhat, max_wire, &bad_field);
  if (!parsed.ok()) {
    return Refuse(EnvelopeError::kMalformed, bad_field, std::string(parsed.status().message()));
  }
  StrictObject& object = *parsed;
  auto malformed = [&object](const absl::Status& status) {
    return Refuse(EnvelopeError::kMalformed, object.bad_field(), std::string(status.message()));
  };

  // 1. Version: it decides how everything else is read.
  auto version = object.Integer("protocol_version", 0, audit::kMaxCanonicalInteger);
  if (!version.ok()) return malformed(version.status());
  if (*version != kProtocolVersion) {
    return Refuse(EnvelopeError::kUnsupportedVersion, "protocol_version",
                  StrCat(kWhat, ": protocol version ", *version,
                         " is not supported; this node speaks version ", kProtocolVersion));
  }

  // 2. Form of every member.
  EnvelopeHeader header;
  header.protocol_version = kProtocolVersion;
  struct IdField {
    std::string_view name;
    std::string_view prefix;
    std::string_view form;
    std::string* out;
  };
  auto type = object.String("message_type", kMaxMessageTypeBytes + 1);
  if (!type.ok()) return malformed(type.status());
  if (!IsMessageType(*type)) return malformed(object.FieldError("message_type", kMessageTypeForm));
  header.message_type = *std::move(type);
  const IdField ids[] = {{"sender", "node_", kNodeIdForm, &header.sender},
                         {"recipient", "node_", kNodeIdForm, &header.recipient},
                         {"message_id", "msg_", kMessageIdForm, &header.message_id}};
  for (const IdField& id : ids) {
    auto text = object.String(id.name, 64);
    if (!text.ok()) return malformed(text.status());
    if (!IsLiaisonId(*text, id.prefix)) return malformed(object.FieldError(id.name, id.form));
    *id.out = *std::move(text);
  }
  auto sent_at = object.Integer("sent_at_ms", 0, audit::kMaxCanonicalInteger);
  if (!sent_at.ok()) return malformed(sent_at.status());
  header.sent_at_ms = *sent_at;
  auto nonce = object.LowerHex("nonce", kNonceBytes);
  if (!nonce.ok()) return malformed(nonce.status());
  header.nonce = *std::move(nonce);
  auto body_sha256 = object.LowerHex("body_sha256", crypto_hash_sha256_BYTES);
  if (!body_sha256.ok()) return malformed(body_sha256.status());
  header.body_sha256 = *std::move(body_sha256);
  auto signature = object.LowerHex("signature", node::kSignatureBytes);
  if (!signature.ok()) return malformed(signature.status());
  auto body = object.Base64("body", options.max_body_bytes);
  if (!body.ok()) return malformed(body.status());
  if (absl::Status extra = object.CheckNoOtherFields(); !extra.ok()) return malformed(extra);

  // 3. Sender: a registered partner.
  std::optional<std::string> key = sender_key(header.sender);
  if (!key.has_value()) {
    return Refuse(EnvelopeError::kUnknownSender, "sender",
                  StrCat(kWhat, " ", header.message_id, ": sender ", header.sender,
                         " is not a registered partner"));
  }

  // 4. Signature over the header (and so over the body's hash).
  if (!node::NodeKeys::Verify(*key, EnvelopeSigningBytes(header), *signature).ok()) {
    return Refuse(EnvelopeError::kBadSignature, "signature",
                  StrCat(kWhat, " ", header.message_id,
                         ": the signature does not verify with "
                         "the signing key registered for ",
                         header.sender));
  }

  // 5. Recipient: this node.
  if (header.recipient != expected_recipient) {
    return Refuse(EnvelopeError::kWrongRecipient, "recipient",
                  StrCat(kWhat, " ", header.message_id, ": addressed to ", header.recipient,
                         ", not to this node (", expected_recipient, ")"));
  }

  // 6. Sender: the partner on the other end of the TLS connection.
  if (options.transport_peer.has_value() && *options.transport_peer != header.sender) {
    return Refuse(EnvelopeError::kSenderMismatch, "sender",
                  StrCat(kWhat, " ", header.message_id, ": signed by ", header.sender,
                         " but delivered over the TLS connection of ", *options.transport_peer));
  }

  // 7. Body: the one the sender hashed.
  if (Sha256(*body) != header.body_sha256) {
    return Refuse(EnvelopeError::kBodyHashMismatch, "body",
                  StrCat(kWhat, " ", header.message_id,
                         ": the body's SHA-256 differs from body_sha256; the body was changed"));
  }

  // 8. Time, within the allowed skew either way.
  const int64_t now_ms = clock.NowMillis();
  const int64_t skew_ms = absl::ToInt64Milliseconds(options.max_skew);
  if (header.sent_at_ms < now_ms - skew_ms) {
    return Refuse(EnvelopeError::kStale, "sent_at_ms",
                  StrCat(kWhat, " ", header.message_id, ": sent at ", header.sent_at_ms,
                         " ms, more than ", skew_ms, " ms before this node's time ", now_ms));
  }
  if (header.sent_at_ms > now_ms + skew_ms) {
    return Refuse(EnvelopeError::kFuture, "sent_at_ms",
                  StrCat(kWhat, " ", header.message_id, ": sent at ", header.sent_at_ms,
                         " ms, more than ", skew_ms, " ms after this node's time ", now_ms));
  }

  // 9. Replay, last: only authentic, timely envelopes are remembered.
  auto verdict =
      guard.CheckAndRemember(header.sender, header.message_id, header.sent_at_ms + skew_ms, now_ms);
  if (!verdict.ok()) {
    return Refuse(EnvelopeError::kReplayGuardUnavailable, "message_id",
                  StrCat(kWhat, " ", header.message_id,
                         ": the replay guard failed: ", verdict.status().message()));
  }
  if (*verdict == ReplayVerdict::kReplayed) {
    return Refuse(
        EnvelopeError::kReplayed, "message_id",
        StrCat(kWhat, " ", header.message_id, " from ", header.sender, " was already accepted"));
  }
  if (*verdict == ReplayVerdict::kBeyondMemory) {
    return Refuse(EnvelopeError::kReplayWindowExceeded, "message_id",
                  StrCat(kWhat, " ", header.message_id, " from ", header.sender,
                         " is older than what the replay guard remembers; send it again in a "
                         "new envelope"));
  }
  return OpenedEnvelope{std::move(header), *std::move(body)};
}

}  // namespace liaison::federation
