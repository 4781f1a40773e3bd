#include "common/time_format.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/absl_bridge.h"

namespace liaison {

std::string FormatMillis(int64_t unix_millis) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(unix_millis),
                          absl::UTCTimeZone());
}

absl::StatusOr<int64_t> ParseTimestampMillis(std::string_view text) {
  absl::Time t;
  std::string err;
  std::string s(text);
  if (absl::ParseTime(absl::RFC3339_full, s, &t, &err) ||
      absl::ParseTime("%Y-%m-%d", s, absl::UTCTimeZone(), &t, &err)) {
    return absl::ToUnixMillis(t);
  }
  return absl::InvalidArgumentError(
      StrCat("'", AbslView(text),
             "' is not a time: expected RFC 3339 (2026-11-28T10:00:00Z) or YYYY-MM-DD"));
}

}  // namespace liaison
