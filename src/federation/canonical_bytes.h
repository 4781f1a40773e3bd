// The byte strings that federation signatures cover. Every signed structure
// (partner bundle, envelope) is turned into one unambiguous byte string:
// a sequence of items, each either
//   - a byte string: its length as a 4-byte big-endian unsigned integer,
//     then the bytes;
//   - a 4-byte big-endian unsigned integer (u32), or
//   - an 8-byte big-endian two's-complement integer (i64),
// in an order fixed by the structure's specification (docs/protocol.md). The
// first item is always a byte string naming the structure (a domain tag), so
// a signature over one kind of structure is never valid for another.
//
// Thread-safety: CanonicalBytes is a plain value; Sha256 is a pure function.
#ifndef LIAISON_FEDERATION_CANONICAL_BYTES_H_
#define LIAISON_FEDERATION_CANONICAL_BYTES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace liaison::federation {

class CanonicalBytes {
 public:
  // Starts with the domain tag, written as a byte-string item.
  explicit CanonicalBytes(std::string_view domain_tag) { AddBytes(domain_tag); }

  void AddBytes(std::string_view bytes);
  void AddU32(uint32_t value);
  void AddI64(int64_t value);

  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// SHA-256 of `bytes`, raw 32 bytes.
std::string Sha256(std::string_view bytes);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_CANONICAL_BYTES_H_
