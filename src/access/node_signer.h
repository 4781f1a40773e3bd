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

  // A 32-byte secret for keyed query hashes: BLAKE2b-256 of the node's
  // (deterministic) Ed25519 signature over a fixed label. Stable for the
  // life of the signing key, unknowable without it.
  std::string QueryHashKey() const;

 private:
  const node::NodeKeys& keys_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_NODE_SIGNER_H_
