#include "access/node_signer.h"

#include <sodium.h>

#include <algorithm>

namespace liaison::access {

audit::PublicKey NodeSigner::public_key() const {
  audit::PublicKey key{};
  const std::string& raw = keys_.signing_public_key();
  std::copy_n(raw.begin(), std::min(raw.size(), key.size()), key.begin());
  return key;
}

std::string NodeSigner::DeriveKey(std::string_view label) const {
  std::string signature = keys_.Sign(label);
  std::string key(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                     nullptr, 0);
  return key;
}

}  // namespace liaison::access
