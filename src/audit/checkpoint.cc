#include "audit/checkpoint.h"

#include <sodium.h>

#include <cctype>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "audit/hex.h"
#include "common/status_macros.h"

namespace liaison::audit {
namespace {

constexpr char kCheckpointDomain[] = "liaison-audit-checkpoint-v1\n";

void EnsureSodium() {
  // Fails only when the system has no entropy source; nothing can be signed.
  if (sodium_init() < 0) std::abort();
}

}  // namespace

absl::StatusOr<SigningKey> SigningKey::FromSeed(std::span<const uint8_t> seed) {
  if (seed.size() != kSeedBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signing key seed must be ", kSeedBytes, " bytes, got ", seed.size()));
  }
  EnsureSodium();
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), seed.data());
  return key;
}

SigningKey SigningKey::Generate(Random& random) {
  std::array<uint8_t, kSeedBytes> seed;
  random.Fill(seed.data(), seed.size());
  SigningKey key = *FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey::~SigningKey() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::string Signer::PublicKeyHex() const { return audit::PublicKeyHex(public_key()); }

std::string Signer::SignHex(std::string_view message) const { return HexEncode(Sign(message)); }

std::string SigningKey::Sign(std::string_view message) const {
  std::string sig(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<uint8_t*>(sig.data()), nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                       secret_key_.data());
  return sig;
}

absl::StatusOr<PublicKey> ParsePublicKey(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  PublicKey key;
  if (std::optional<std::vector<uint8_t>> bytes = HexDecode(text);
      bytes && bytes->size() == kPublicKeyBytes) {
    std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
  }
  constexpr std::string_view kPrefix = "ed25519:";
  if (text.substr(0, kPrefix.size()) == kPrefix) text.remove_prefix(kPrefix.size());
  EnsureSodium();
  size_t len = 0;
  const std::string b64(text);
  if (sodium_base642bin(key.data(), key.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) == 0 &&
      len == kPublicKeyBytes) {
    return key;
  }
  return absl::InvalidArgumentError(
      "public key must be 64 hex digits or \"ed25519:\" + base64 of 32 bytes (Ed25519)");
}

std::string PublicKeyHex(const PublicKey& key) { return HexEncode(key.data(), key.size()); }

bool VerifySignatureHex(const PublicKey& key, std::string_view message,
                        std::string_view signature_hex) {
  if (!IsLowerHex(signature_hex, kSignatureBytes)) return false;
  std::optional<std::vector<uint8_t>> sig = HexDecode(signature_hex);
  if (!sig) return false;
  EnsureSodium();
  return crypto_sign_verify_detached(sig->data(), reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(), key.data()) == 0;
}

std::string CheckpointMessage(std::string_view node_id, const ChainHead& head, int64_t time_ms) {
  return absl::StrCat(kCheckpointDomain, std::string(node_id), "\n", head.seq, "\n", head.hash,
                      "\n", time_ms);
}

Event MakeCheckpointEvent(const Signer& key, std::string_view node_id, const ChainHead& head,
                          int64_t time_ms) {
  Event event;
  event.actor_id = "node";
  event.actor_name = std::string(node_id);
  event.actor_role = "system";
  event.action = Action::kCheckpoint;
  event.origin = "node";
  event.details = Json::object();
  event.details["head_hash"] = head.hash;
  event.details["head_seq"] = head.seq;
  event.details["node_id"] = std::string(node_id);
  event.details["signature"] = key.SignHex(CheckpointMessage(node_id, head, time_ms));
  return event;
}

absl::Status VerifyCheckpoint(const Entry& entry, std::string_view node_id, const PublicKey& key) {
  if (entry.event.action != Action::kCheckpoint) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry seq ", entry.seq, " is not a checkpoint"));
  }
  const Json& d = entry.event.details;
  auto head_hash = d.find("head_hash");
  auto head_seq = d.find("head_seq");
  auto cp_node = d.find("node_id");
  auto signature = d.find("signature");
  if (d.size() != 4 || head_hash == d.end() || !head_hash->is_string() || head_seq == d.end() ||
      !head_seq->is_number_unsigned() || cp_node == d.end() || !cp_node->is_string() ||
      signature == d.end() || !signature->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint seq ", entry.seq,
                     ": details must be exactly head_hash, head_seq, node_id and signature"));
  }
  ChainHead head{head_seq->get<uint64_t>(), head_hash->get<std::string>()};
  if (head.seq + 1 != entry.seq || head.hash != entry.prev_hash) {
    return absl::PermissionDeniedError(absl::StrCat("checkpoint seq ", entry.seq,
                                                    " signs head seq ", head.seq,
                                                    " that is not the entry before it"));
  }
  if (cp_node->get<std::string>() != node_id) {
    return absl::PermissionDeniedError(absl::StrCat("checkpoint seq ", entry.seq, " names node '",
                                                    cp_node->get<std::string>(), "', not '",
                                                    std::string(node_id), "'"));
  }
  if (!VerifySignatureHex(key, CheckpointMessage(node_id, head, entry.time_ms),
                          signature->get<std::string>())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "checkpoint seq ", entry.seq, ": signature does not verify with key ", PublicKeyHex(key)));
  }
  return absl::OkStatus();
}

bool CheckpointPolicy::Due(uint64_t last_checkpoint_seq, int64_t last_checkpoint_ms,
                           uint64_t head_seq, int64_t now_ms) const {
  if (head_seq <= last_checkpoint_seq) return false;
  if (every_entries > 0 && head_seq - last_checkpoint_seq >= every_entries) return true;
  return every_ms > 0 && now_ms - last_checkpoint_ms >= every_ms;
}

}  // namespace liaison::audit
