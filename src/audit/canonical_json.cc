#include "audit/canonical_json.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace liaison::audit {
namespace {

absl::Status AppendValue(const Json& value, int depth_left, std::string* out) {
  switch (value.type()) {
    case Json::value_t::null:
      out->append("null");
      return absl::OkStatus();
    case Json::value_t::boolean:
      out->append(value.get<bool>() ? "true" : "false");
      return absl::OkStatus();
    case Json::value_t::number_integer: {
      int64_t v = value.get<int64_t>();
      if (v > kMaxCanonicalInteger || v < -kMaxCanonicalInteger) {
        return absl::InvalidArgumentError(absl::StrCat("integer ", v, " is outside +/-(2^53-1)"));
      }
      absl::StrAppend(out, v);
      return absl::OkStatus();
    }
    case Json::value_t::number_unsigned: {
      uint64_t v = value.get<uint64_t>();
      if (v > static_cast<uint64_t>(kMaxCanonicalInteger)) {
        return absl::InvalidArgumentError(absl::StrCat("integer ", v, " is outside +/-(2^53-1)"));
      }
      absl::StrAppend(out, v);
      return absl::OkStatus();
    }
    case Json::value_t::number_float:
      return absl::InvalidArgumentError(
          "floating-point numbers have no canonical form; use an integer or a string");
    case Json::value_t::string: {
      const std::string& s = value.get_ref<const std::string&>();
      if (!IsValidUtf8(s)) return absl::InvalidArgumentError("string is not valid UTF-8");
      AppendCanonicalString(s, out);
      return absl::OkStatus();
    }
    case Json::value_t::array: {
      if (depth_left <= 0) return absl::InvalidArgumentError("JSON value nests too deeply");
      out->push_back('[');
      bool first = true;
      for (const Json& item : value) {
        if (!first) out->push_back(',');
        first = false;
        absl::Status s = AppendValue(item, depth_left - 1, out);
        if (!s.ok()) return s;
      }
      out->push_back(']');
      return absl::OkStatus();
    }
    case Json::value_t::object: {
      if (depth_left <= 0) return absl::InvalidArgumentError("JSON value nests too deeply");
      // nlohmann::json keeps objects in a std::map<std::string>, already in
      // byte order, but the order is part of the format, so make it explicit.
      std::vector<const std::string*> keys;
      keys.reserve(value.size());
      for (auto it = value.begin(); it != value.end(); ++it) keys.push_back(&it.key());
      std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) {
        return std::string_view(*a) < std::string_view(*b);
      });
      out->push_back('{');
      bool first = true;
      for (const std::string* key : keys) {
        if (!IsValidUtf8(*key)) return absl::InvalidArgumentError("object key is not valid UTF-8");
        if (!first) out->push_back(',');
        first = false;
        AppendCanonicalString(*key, out);
        out->push_back(':');
        absl::Status s = AppendValue(value.at(*key), depth_left - 1, out);
        if (!s.ok()) return s;
      }
      out->push_back('}');
      return absl::OkStatus();
    }
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  return absl::InvalidArgumentError("value has no JSON text form");
}

}  // namespace

void AppendCanonicalString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(text.data() + run_start, text.size() - run_start);
  out->push_back('"');
}

absl::Status AppendCanonicalJson(const Json& value, int max_depth, std::string* out) {
  return AppendValue(value, max_depth, out);
}

}  // namespace liaison::audit
