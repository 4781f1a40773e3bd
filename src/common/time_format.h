// Conversions between liaison's stored time unit (milliseconds since the Unix
// epoch, UTC) and the RFC 3339 text that the API and exports show.
//
// Thread-safety: pure functions.
#ifndef LIAISON_COMMON_TIME_FORMAT_H_
#define LIAISON_COMMON_TIME_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace liaison {

// "2026-11-28T23:42:10.123Z".
std::string FormatMillis(int64_t unix_millis);

// Parses RFC 3339 ("2026-11-28T23:42:10Z", with optional fraction and offset)
// or a plain date "2026-11-28" (taken as midnight UTC). Returns
// InvalidArgument describing the expected form otherwise.
absl::StatusOr<int64_t> ParseTimestampMillis(std::string_view text);

}  // namespace liaison

#endif  // LIAISON_COMMON_TIME_FORMAT_H_
