#include "common/json_text.h"

#include "absl/strings/str_cat.h"
#include "common/absl_bridge.h"

namespace liaison {

absl::StatusOr<Json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return absl::ResourceExhaustedError(
        StrCat("JSON text is ", text.size(), " bytes; the limit is ", limits.max_bytes));
  }
  bool too_deep = false;
  Json::parser_callback_t guard = [&](int depth, Json::parse_event_t, Json&) {
    if (depth > limits.max_depth) too_deep = true;
    return !too_deep;
  };
  try {
    Json value = Json::parse(text.begin(), text.end(), guard, /*allow_exceptions=*/true);
    if (too_deep) {
      return absl::ResourceExhaustedError(
          StrCat("JSON nesting is deeper than ", limits.max_depth, " levels"));
    }
    return value;
  } catch (const Json::parse_error& e) {
    if (too_deep) {
      return absl::ResourceExhaustedError(
          StrCat("JSON nesting is deeper than ", limits.max_depth, " levels"));
    }
    return absl::InvalidArgumentError(StrCat("invalid JSON at byte ", e.byte, ": ", e.what()));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(StrCat("invalid JSON: ", e.what()));
  }
}

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace liaison
