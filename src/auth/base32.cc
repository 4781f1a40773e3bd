#include "auth/base32.h"

#include "absl/strings/str_cat.h"

namespace liaison::auth {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}  // namespace

std::string Base32Encode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(acc >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (5 - bits)) & 31]);
  return out;
}

absl::StatusOr<std::vector<uint8_t>> Base32Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  size_t symbols = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else if (c == ' ' || c == '-') {
      continue;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("base32 text has an invalid character at position ", i + 1));
    }
    ++symbols;
    acc = (acc << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  // 1, 3 and 6 symbols past a multiple of 8 encode no whole byte.
  size_t rem = symbols % 8;
  if (rem == 1 || rem == 3 || rem == 6) {
    return absl::InvalidArgumentError(
        "base32 text has an impossible length (a character missing?)");
  }
  return out;
}

}  // namespace liaison::auth
