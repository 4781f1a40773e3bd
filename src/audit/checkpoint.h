// Signed checkpoints of the audit chain and the policy that decides when one
// is due.
//
// A checkpoint is an ordinary entry with action "checkpoint" whose details
// carry the head it signs:
//   {"head_hash": <hash of entry seq-1>, "head_seq": seq-1,
//    "node_id": <node id>, "signature": <128 hex chars>}
// The signature is Ed25519 (libsodium crypto_sign_detached) by the node's
// signing key over CheckpointMessage(node_id, head, time_ms), where time_ms is
// the checkpoint entry's own time. Because the checkpoint entry is then sealed
// into the chain, rewriting any earlier entry without the key breaks either a
// link or a signature.
//
// Thread-safety: SigningKey is immutable after construction and safe to share;
// the rest are plain data and pure functions.
#ifndef LIAISON_AUDIT_CHECKPOINT_H_
#define LIAISON_AUDIT_CHECKPOINT_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audit/entry.h"
#include "audit/event.h"
#include "common/random.h"

namespace liaison::audit {

inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSeedBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

using PublicKey = std::array<uint8_t, kPublicKeyBytes>;

// Something that signs with the node's Ed25519 key: SigningKey here, or an
// adapter over the node's key store (node::NodeKeys).
class Signer {
 public:
  virtual ~Signer() = default;
  virtual PublicKey public_key() const = 0;
  // The 64-byte detached Ed25519 signature of `message`, raw.
  virtual std::string Sign(std::string_view message) const = 0;

  // Lowercase hex of the public key (64 characters).
  std::string PublicKeyHex() const;
  // Sign(message) as 128 lowercase hex digits.
  std::string SignHex(std::string_view message) const;
};

// An Ed25519 key pair held in memory. The secret half is wiped on
// destruction and never printed.
class SigningKey final : public Signer {
 public:
  // Derives the key pair from a 32-byte seed (how the node stores its key).
  // Returns InvalidArgument when `seed` is not kSeedBytes long.
  static absl::StatusOr<SigningKey> FromSeed(std::span<const uint8_t> seed);
  // A new key pair from `random`.
  static SigningKey Generate(Random& random);

  SigningKey(const SigningKey& other) = default;
  SigningKey& operator=(const SigningKey& other) = default;
  ~SigningKey();

  PublicKey public_key() const override { return public_key_; }
  std::string Sign(std::string_view message) const override;

 private:
  SigningKey() = default;
  PublicKey public_key_{};
  std::array<uint8_t, 64> secret_key_{};
};

// Parses a public key given as 64 hex digits (either case), or as
// "ed25519:" followed by standard base64 (the form of the node's
// keys/signing.pub), or as bare base64 of the 32 bytes; surrounding
// whitespace is ignored. Returns InvalidArgument otherwise.
absl::StatusOr<PublicKey> ParsePublicKey(std::string_view text);
std::string PublicKeyHex(const PublicKey& key);

// True when `signature_hex` (128 hex digits) is a valid Ed25519 signature of
// `message` by `key`; false for any malformed input.
bool VerifySignatureHex(const PublicKey& key, std::string_view message,
                        std::string_view signature_hex);

// The bytes a checkpoint signs:
// "liaison-audit-checkpoint-v1\n<node_id>\n<head seq>\n<head hash>\n<time_ms>".
std::string CheckpointMessage(std::string_view node_id, const ChainHead& head, int64_t time_ms);

// The checkpoint event for `head` at `time_ms`, signed with `key`: actor
// "node" (role "system", origin "node"). Seal it as entry head.seq + 1 with
// the same time.
Event MakeCheckpointEvent(const Signer& key, std::string_view node_id, const ChainHead& head,
                          int64_t time_ms);

// Checks that `entry` is a checkpoint of the entry before it (head_seq is
// seq - 1 and head_hash is prev_hash), made by `node_id`, and signed by
// `key`. Returns InvalidArgument for a non-checkpoint entry or malformed
// details, and PermissionDenied (saying which) for a head that does not match
// or a signature that does not verify.
absl::Status VerifyCheckpoint(const Entry& entry, std::string_view node_id, const PublicKey& key);

// When the node should write a checkpoint: after every_entries entries, or
// when every_ms has passed since the last one and something was appended.
// The defaults suit a busy node; tests pass small values.
struct CheckpointPolicy {
  uint64_t every_entries = 1000;
  int64_t every_ms = 15 * 60 * 1000;

  // `last_checkpoint_seq`/`last_checkpoint_ms` describe the last checkpoint
  // entry (0 and the chain's first entry time when there is none); `head_seq`
  // is the current chain head; `now_ms` the time now. Pure: no clock is read.
  bool Due(uint64_t last_checkpoint_seq, int64_t last_checkpoint_ms, uint64_t head_seq,
           int64_t now_ms) const;
};

}  // namespace liaison::audit

#endif  // LIAISON_AUDIT_CHECKPOINT_H_
