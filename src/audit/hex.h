// Lowercase hexadecimal text for hashes, keys and signatures in the audit log.
//
// Thread-safety: pure functions.
#ifndef LIAISON_AUDIT_HEX_H_
#define LIAISON_AUDIT_HEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::audit {

// `n` bytes from `data` as lowercase hex (2n characters).
std::string HexEncode(const uint8_t* data, size_t n);
inline std::string HexEncode(std::string_view bytes) {
  return HexEncode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

// Decodes hex text (either case). Returns nullopt when `text` has odd length
// or a character outside [0-9a-fA-F].
std::optional<std::vector<uint8_t>> HexDecode(std::string_view text);

// True when `text` is exactly `bytes` bytes as lowercase hex, the only form
// the audit log writes.
bool IsLowerHex(std::string_view text, size_t bytes);

}  // namespace liaison::audit

#endif  // LIAISON_AUDIT_HEX_H_
