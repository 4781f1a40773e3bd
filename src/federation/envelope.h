// The signed envelope that carries every protocol message between partner
// nodes. The header names sender and recipient nodes, a time-ordered random
// message id, the sending time, a random nonce, the protocol version, the
// message type and the SHA-256 of the body; an Ed25519 signature by the
// sender's node key covers the header through EnvelopeSigningBytes (a
// length-prefixed byte string, so there is no JSON canonicalisation to get
// wrong). On the wire the envelope is one JSON object with the body in base64.
// docs/protocol.md specifies the format and the order of the checks in Open;
// tests check its worked example byte for byte.
//
// Thread-safety: pure functions, apart from the injected clock, randomness
// and replay guard (which are themselves thread-safe where the node shares
// them).
#ifndef LIAISON_FEDERATION_ENVELOPE_H_
#define LIAISON_FEDERATION_ENVELOPE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "audit/checkpoint.h"
#include "common/clock.h"
#include "common/random.h"
#include "federation/replay_guard.h"

namespace liaison::federation {

inline constexpr uint32_t kProtocolVersion = 1;
// The domain tag that starts the envelope's signing bytes.
inline constexpr std::string_view kEnvelopeSigningTag = "liaison/envelope";
inline constexpr size_t kNonceBytes = 16;
inline constexpr size_t kMaxMessageTypeBytes = 64;

struct EnvelopeHeader {
  uint32_t protocol_version = kProtocolVersion;
  std::string message_type;  // 1..64 of [a-z0-9_.], starting with a letter
  std::string sender;        // node id
  std::string recipient;     // node id
  std::string message_id;    // "msg_" + 26 Crockford base32, the first 10 the time
  int64_t sent_at_ms = 0;    // Unix milliseconds, in [0, 2^53-1]
  std::string nonce;         // kNonceBytes random bytes
  std::string body_sha256;   // 32 bytes
};

// The exact bytes the envelope signature covers (docs/protocol.md,
// "Signing bytes").
std::string EnvelopeSigningBytes(const EnvelopeHeader& header);

// Who a new envelope is from and to, and what it carries.
struct Addressing {
  std::string message_type;
  std::string sender;
  std::string recipient;
};

struct SealedEnvelope {
  EnvelopeHeader header;
  std::string wire;  // the JSON text to send
};

// Largest body Seal accepts and Open's default limit.
inline constexpr size_t kDefaultMaxBodyBytes = 8 << 20;

// Seals `body` into a new envelope: message id from `random` and the clock's
// time, a fresh nonce, signed by `signer` (the sender's node key). Returns
// InvalidArgument naming the field when the addressing is malformed or the
// body is larger than kDefaultMaxBodyBytes.
absl::StatusOr<SealedEnvelope> Seal(std::string_view body, const Addressing& addressing,
                                    const audit::Signer& signer, const Clock& clock,
                                    Random& random);

// Seals `body` with a header whose id, time and nonce the caller chose
// (test vectors; an outbox that records the id before sending). Sets
// body_sha256; protocol_version must be kProtocolVersion. Errors as Seal.
absl::StatusOr<SealedEnvelope> SealWithHeader(std::string_view body, EnvelopeHeader header,
                                              const audit::Signer& signer);

// Why an envelope was refused. The wire code (EnvelopeErrorCode) is what a
// node answers its peer and writes to its audit log.
enum class EnvelopeError {
  kMalformed,               // "malformed": not the documented form; `field` says where
  kUnsupportedVersion,      // "unsupported_version"
  kUnknownSender,           // "unknown_sender": no registered partner with that node id
  kBadSignature,            // "bad_signature"
  kWrongRecipient,          // "wrong_recipient": addressed to another node
  kSenderMismatch,          // "sender_mismatch": not the partner the TLS certificate names
  kBodyHashMismatch,        // "body_hash_mismatch"
  kStale,                   // "stale": sent longer ago than the allowed skew
  kFuture,                  // "future": sent later than now plus the allowed skew
  kReplayed,                // "replayed": this message id was already accepted
  kReplayWindowExceeded,    // "replay_window_exceeded": older than the replay guard remembers
  kReplayGuardUnavailable,  // "replay_guard_unavailable": the guard's storage failed
};
std::string_view EnvelopeErrorCode(EnvelopeError error);

struct EnvelopeRefusal {
  EnvelopeError error = EnvelopeError::kMalformed;
  std::string field;    // the envelope field the refusal is about ("" for the whole text)
  std::string message;  // what and where, for logs and the audit entry
  // The refusal as a Status: InvalidArgument (malformed, version),
  // Unauthenticated (sender, signature, sender mismatch), FailedPrecondition
  // (recipient, body hash, time), AlreadyExists (replays), Unavailable
  // (guard); the message starts with the wire code.
  absl::Status ToStatus() const;
};

struct OpenedEnvelope {
  EnvelopeHeader header;
  std::string body;
};

// An opened envelope or the reason it was refused.
class [[nodiscard]] OpenResult {
 public:
  OpenResult(OpenedEnvelope envelope) : value_(std::move(envelope)) {}  // NOLINT: implicit
  OpenResult(EnvelopeRefusal refusal) : value_(std::move(refusal)) {}   // NOLINT: implicit
  bool ok() const { return std::holds_alternative<OpenedEnvelope>(value_); }
  // Requires ok().
  const OpenedEnvelope& envelope() const { return std::get<OpenedEnvelope>(value_); }
  OpenedEnvelope& envelope() { return std::get<OpenedEnvelope>(value_); }
  // Requires !ok().
  const EnvelopeRefusal& refusal() const { return std::get<EnvelopeRefusal>(value_); }
  // OK, or refusal().ToStatus().
  absl::Status status() const;

 private:
  std::variant<OpenedEnvelope, EnvelopeRefusal> value_;
};

// The Ed25519 public key (raw 32 bytes) of the registered partner `node_id`,
// or nullopt when there is none.
using SenderKeyLookup = absl::FunctionRef<std::optional<std::string>(std::string_view node_id)>;

struct OpenOptions {
  // Largest allowed difference between the envelope's time and the clock.
  absl::Duration max_skew = absl::Minutes(5);
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  // When set, the node id that the TLS connection's pinned certificate
  // belongs to; the envelope's sender must be that node.
  std::optional<std::string> transport_peer;
};

// Checks `wire` in the documented order and returns the body, or the first
// reason to refuse it: malformed (field), unsupported version, unknown
// sender, bad signature, wrong recipient (not `expected_recipient`), sender
// mismatch, body hash mismatch, stale or future time, replayed (or beyond the
// guard's memory). Only an envelope that passes every other check reaches
// `guard`, which then remembers it. Never crashes on any input.
OpenResult Open(std::string_view wire, std::string_view expected_recipient,
                SenderKeyLookup sender_key, const Clock& clock, ReplayGuard& guard,
                const OpenOptions& options = {});

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_ENVELOPE_H_
