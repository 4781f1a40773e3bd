// The one canonical JSON text of audit values: what the audit chain hashes and
// what an export line holds, byte for byte. docs/audit-format.md specifies it
// so that an auditor can write an independent verifier:
// - no whitespace; object keys sorted by their UTF-8 bytes; no duplicate keys;
// - strings are valid UTF-8; `"` and `\` are escaped as `\"` and `\\`;
//   U+0008, U+0009, U+000A, U+000C, U+000D as `\b \t \n \f \r`; every other
//   code point below U+0020 as `\u00xx` (lowercase hex); all else literal;
// - numbers are integers only, written in decimal without leading zeros or
//   '+', within the range +/-(2^53 - 1) (exact in every JSON reader);
// - true, false and null as themselves.
//
// Thread-safety: pure functions.
#ifndef LIAISON_AUDIT_CANONICAL_JSON_H_
#define LIAISON_AUDIT_CANONICAL_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/json_text.h"

namespace liaison::audit {

// Largest integer magnitude the canonical form allows: 2^53 - 1.
inline constexpr int64_t kMaxCanonicalInteger = (int64_t{1} << 53) - 1;

// Appends `text` as a canonical JSON string (with quotes). The caller has
// checked that `text` is valid UTF-8.
void AppendCanonicalString(std::string_view text, std::string* out);

// Appends `value` in canonical form. Returns InvalidArgument (and leaves `out`
// partly written) when `value` holds a floating-point number, an integer
// outside +/-(2^53 - 1), a string or key that is not valid UTF-8, or nests
// deeper than `max_depth` (a scalar has depth 0, `{}` depth 1).
absl::Status AppendCanonicalJson(const Json& value, int max_depth, std::string* out);

}  // namespace liaison::audit

#endif  // LIAISON_AUDIT_CANONICAL_JSON_H_
