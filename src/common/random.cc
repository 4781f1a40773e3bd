#include "common/random.h"

#include <sodium.h>

#include <cstdlib>

namespace liaison {
namespace {
constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}  // namespace

std::string Random::NewId(std::string_view prefix) {
  uint8_t bytes[17];
  Fill(bytes, sizeof bytes);
  std::string id(prefix);
  id.reserve(prefix.size() + 26);
  // Read the 136 random bits five at a time, most significant first.
  uint32_t acc = 0;
  int bits = 0;
  size_t next = 0;
  for (int i = 0; i < 26; ++i) {
    if (bits < 5) {
      acc = (acc << 8) | bytes[next++];
      bits += 8;
    }
    bits -= 5;
    id.push_back(kCrockford[(acc >> bits) & 31]);
  }
  return id;
}

std::string Random::NewTimeOrderedId(std::string_view prefix, int64_t unix_ms) {
  std::string id(prefix);
  id.reserve(prefix.size() + 26);
  uint64_t t = static_cast<uint64_t>(unix_ms < 0 ? 0 : unix_ms);
  for (int shift = 45; shift >= 0; shift -= 5) id.push_back(kCrockford[(t >> shift) & 31]);
  uint8_t bytes[10];
  Fill(bytes, sizeof bytes);
  for (int i = 0; i < 16; ++i) {
    int bit = i * 5;
    int v =
        ((bytes[bit / 8] << 8 | (bit / 8 + 1 < 10 ? bytes[bit / 8 + 1] : 0)) >> (11 - bit % 8)) &
        31;
    id.push_back(kCrockford[v]);
  }
  return id;
}

std::string Random::Hex(size_t n) {
  std::string bytes(n, '\0');
  Fill(reinterpret_cast<uint8_t*>(bytes.data()), n);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

void SecureRandom::Fill(uint8_t* out, size_t n) {
  // sodium_init is idempotent and thread-safe; it fails only when the kernel
  // has no entropy source, and then nothing in the node can be trusted.
  if (sodium_init() < 0) std::abort();
  randombytes_buf(out, n);
}

Random& SystemRandom() {
  static SecureRandom* random = new SecureRandom();
  return *random;
}

uint64_t SeededRandom::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void SeededRandom::Fill(uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = Next();
    for (size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
}

}  // namespace liaison
