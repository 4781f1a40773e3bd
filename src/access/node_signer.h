// The node's Ed25519 key (node::NodeKeys) as an audit::Signer, and the
// node-secret key for hashing query terms, derived from the same key.
//
// Thread-safety: immutable; safe to share.
#ifndef LIAISON_ACCESS_NODE_SIGNER_H_
#define LIAISON_ACCESS_NODE_SIGNER_H_

#include <string>

#include "audit/checkpoint.h"
#include "node/node_keys.h"

namespace liaison::access {

class NodeSigner final : public audit::Signer {
 public:
  // `keys` must outlive the signer.
  explicit NodeSigner(const node::NodeKeys& keys) : keys_(keys) {}
  audit::PublicKey public_key() const override;
  std::string Sign(std::string_view message) const override { return keys_.Sign(message); }

  // A 32-byte secret for `label`: BLAKE2b-256 of the node's (deterministic)
  // Ed25519 signature over the label. Stable for the life of the signing
  // key, unknowable without it, different for every label.
  std::string DeriveKey(std::string_view label) const;
  // The key for keyed query hashes in audit entries.
  std::string QueryHashKey() const { return DeriveKey("liaison-query-hash-key-v1"); }
  // The key that seals TOTP secrets at rest.
  std::string TotpSealingKey() const { return DeriveKey("liaison-totp-sealing-key-v1"); }

 private:
  const node::NodeKeys& keys_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_NODE_SIGNER_H_
