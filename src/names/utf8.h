// UTF-8 decoding and encoding for the name pipeline.
//
// Names arrive from CSV files, partner nodes and officers' keyboards, so the
// decoder validates strictly (no overlongs, no surrogates, nothing above
// U+10FFFF) and never reads past the input.
//
// Thread-safety: pure functions, safe from any thread.
#ifndef LIAISON_NAMES_UTF8_H_
#define LIAISON_NAMES_UTF8_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace liaison::names {

// Decodes `text` into code points appended to `out`. Returns
// InvalidArgument naming the byte offset of the first malformed sequence; `out`
// then holds the code points decoded before it.
absl::Status DecodeUtf8(std::string_view text, std::u32string* out);

// Appends the UTF-8 encoding of `cp` to `out`. Code points that cannot be
// encoded (surrogates, > U+10FFFF) become U+FFFD.
void AppendUtf8(char32_t cp, std::string* out);

// Encodes a whole code point string.
std::string EncodeUtf8(std::u32string_view text);

}  // namespace liaison::names

#endif  // LIAISON_NAMES_UTF8_H_
