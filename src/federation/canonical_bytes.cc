#include "federation/canonical_bytes.h"

#include <sodium.h>

namespace liaison::federation {

void CanonicalBytes::AddBytes(std::string_view bytes) {
  // Items longer than 4 GiB cannot occur: every caller bounds its inputs far
  // below that before it gets here.
  AddU32(static_cast<uint32_t>(bytes.size()));
  bytes_.append(bytes);
}

void CanonicalBytes::AddU32(uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes_.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void CanonicalBytes::AddI64(int64_t value) {
  const auto bits = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes_.push_back(static_cast<char>((bits >> shift) & 0xff));
  }
}

std::string Sha256(std::string_view bytes) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return digest;
}

}  // namespace liaison::federation
