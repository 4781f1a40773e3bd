// Debian 12's Abseil is built with its own absl::string_view
// (ABSL_OPTION_USE_STD_STRING_VIEW 0), which does not convert to or from
// std::string_view. liaison's own interfaces use std::string_view; these two
// functions cross to Abseil's string functions and back without copying.
#ifndef LIAISON_COMMON_ABSL_BRIDGE_H_
#define LIAISON_COMMON_ABSL_BRIDGE_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace liaison {

inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view StdView(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace liaison

#endif  // LIAISON_COMMON_ABSL_BRIDGE_H_
