// Debian 12's Abseil is built with its own absl::string_view
// (ABSL_OPTION_USE_STD_STRING_VIEW 0), which does not convert to or from
// std::string_view. liaison's own interfaces use std::string_view; these two
// functions cross to Abseil's string functions and back without copying.
#ifndef LIAISON_COMMON_ABSL_BRIDGE_H_
#define LIAISON_COMMON_ABSL_BRIDGE_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace liaison {

inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view StdView(absl::string_view s) { return {s.data(), s.size()}; }

// absl::StrCat that also takes std::string_view arguments.
template <typename T>
decltype(auto) ForStrCat(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return AbslView(v);
  } else {
    return (v);
  }
}
template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(ForStrCat(args)...);
}

// Trims ASCII white space at both ends.
inline std::string_view StripAscii(std::string_view s) {
  return StdView(absl::StripAsciiWhitespace(AbslView(s)));
}

}  // namespace liaison

#endif  // LIAISON_COMMON_ABSL_BRIDGE_H_
