// Sources of randomness, injected so tests can make identifiers and keys
// repeatable.
//
// Thread-safety: SecureRandom is safe for concurrent use; SeededRandom is not.
#ifndef LIAISON_COMMON_RANDOM_H_
#define LIAISON_COMMON_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace liaison {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out[0..n)` with random bytes.
  virtual void Fill(uint8_t* out, size_t n) = 0;

  // A new identifier: `prefix` followed by 26 Crockford base32 characters
  // (128 random bits), e.g. "per_01J9...". Never reused in practice.
  std::string NewId(std::string_view prefix);
  // Like NewId, but the first 10 characters encode `unix_ms` (as in ULID),
  // so identifiers sort by creation time and insert into B-trees in order;
  // the other 16 carry 80 random bits.
  std::string NewTimeOrderedId(std::string_view prefix, int64_t unix_ms);
  // `n` random bytes as lowercase hex.
  std::string Hex(size_t n);
};

// Cryptographically secure randomness from libsodium.
class SecureRandom final : public Random {
 public:
  void Fill(uint8_t* out, size_t n) override;
};

// Returns a process-wide SecureRandom.
Random& SystemRandom();

// Deterministic randomness for tests and benchmark data (splitmix64).
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void Fill(uint8_t* out, size_t n) override;
  uint64_t Next();

 private:
  uint64_t state_;
};

}  // namespace liaison

#endif  // LIAISON_COMMON_RANDOM_H_
