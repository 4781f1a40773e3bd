// Strict, bounded JSON parsing for untrusted input (API bodies, protocol
// messages, JSON-lines files).
//
// Thread-safety: pure functions.
#ifndef LIAISON_COMMON_JSON_TEXT_H_
#define LIAISON_COMMON_JSON_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace liaison {

using Json = nlohmann::json;

struct JsonLimits {
  size_t max_bytes = 1 << 20;
  int max_depth = 32;
};

// Parses `text` as one JSON value. Returns InvalidArgument naming the byte
// offset when the text is not valid JSON or not valid UTF-8, and
// ResourceExhausted when it exceeds `limits`. Never throws.
absl::StatusOr<Json> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Serialises `value` compactly. Invalid UTF-8 inside strings is replaced with
// U+FFFD rather than throwing.
std::string DumpJson(const Json& value);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

}  // namespace liaison

#endif  // LIAISON_COMMON_JSON_TEXT_H_
