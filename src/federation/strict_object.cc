#include "federation/strict_object.h"

#include <sodium.h>

#include <cstring>
#include <utility>
#include <vector>

#include "audit/hex.h"
#include "common/absl_bridge.h"

namespace liaison::federation {
namespace {

// Members are scalars, so an object nests one level; two leaves room for the
// parser to see (and this code to refuse) one nested value.
constexpr int kMaxDepth = 2;

std::string Quoted(std::string_view key) {
  // Keys come from untrusted text: show at most 64 bytes of them.
  std::string shown(key.substr(0, 64));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return StrCat("'", shown, key.size() > 64 ? "...'" : "'");
}

}  // namespace

absl::StatusOr<StrictObject> StrictObject::Parse(std::string_view text, std::string_view what,
                                                 size_t max_bytes, std::string* bad_field) {
  if (bad_field != nullptr) bad_field->clear();
  if (text.size() > max_bytes) {
    return absl::ResourceExhaustedError(
        StrCat(what, ": ", text.size(), " bytes; the limit is ", max_bytes));
  }
  bool too_deep = false;
  std::string duplicate;
  std::vector<absl::flat_hash_set<std::string>> keys_by_depth;
  Json::parser_callback_t guard = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth > kMaxDepth) too_deep = true;
    if (too_deep) return false;
    switch (event) {
      case Json::parse_event_t::object_start:
        keys_by_depth.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!keys_by_depth.empty()) keys_by_depth.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!keys_by_depth.empty() && parsed.is_string() &&
            !keys_by_depth.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default:
        break;
    }
    return true;
  };
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(), guard, /*allow_exceptions=*/true);
  } catch (const Json::parse_error& e) {
    if (!too_deep) {
      return absl::InvalidArgumentError(
          StrCat(what, ": not valid JSON at byte ", e.byte, ": ", e.what()));
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(StrCat(what, ": not valid JSON: ", e.what()));
  }
  if (too_deep) {
    return absl::InvalidArgumentError(
        StrCat(what, ": members must be strings or integers, not nested objects or arrays"));
  }
  if (!value.is_object()) {
    return absl::InvalidArgumentError(StrCat(what, ": must be one JSON object"));
  }
  if (!duplicate.empty()) {
    if (bad_field != nullptr) *bad_field = duplicate;
    return absl::InvalidArgumentError(
        StrCat(what, ": field ", Quoted(duplicate), " appears more than once"));
  }
  for (const auto& [key, member] : value.items()) {
    if (!member.is_string() && !member.is_number_integer()) {
      if (bad_field != nullptr) *bad_field = key;
      return absl::InvalidArgumentError(
          StrCat(what, ": field ", Quoted(key), " must be a string or an integer"));
    }
  }
  return StrictObject(std::move(value), std::string(what));
}

absl::Status StrictObject::FieldError(std::string_view key, std::string_view problem) {
  bad_field_ = std::string(key);
  return absl::InvalidArgumentError(StrCat(what_, ": field ", Quoted(key), ": ", problem));
}

const Json* StrictObject::Member(std::string_view key, absl::Status* error) {
  std::string name(key);
  read_.insert(name);
  auto it = value_.find(name);
  if (it == value_.end()) {
    *error = FieldError(key, "missing");
    return nullptr;
  }
  return &*it;
}

absl::StatusOr<std::string> StrictObject::String(std::string_view key, size_t max_bytes) {
  absl::Status error;
  const Json* member = Member(key, &error);
  if (member == nullptr) return error;
  if (!member->is_string()) return FieldError(key, "must be a string");
  const std::string& text = member->get_ref<const std::string&>();
  if (text.size() > max_bytes) {
    return FieldError(key, StrCat("is ", text.size(), " bytes; the limit is ", max_bytes));
  }
  return text;
}

absl::StatusOr<int64_t> StrictObject::Integer(std::string_view key, int64_t min, int64_t max) {
  absl::Status error;
  const Json* member = Member(key, &error);
  if (member == nullptr) return error;
  if (!member->is_number_integer()) return FieldError(key, "must be an integer");
  int64_t number = 0;
  if (member->is_number_unsigned()) {
    uint64_t u = member->get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) {
      return FieldError(key, StrCat(u, " is outside [", min, ", ", max, "]"));
    }
    number = static_cast<int64_t>(u);
  } else {
    number = member->get<int64_t>();
  }
  if (number < min || number > max) {
    return FieldError(key, StrCat(number, " is outside [", min, ", ", max, "]"));
  }
  return number;
}

absl::StatusOr<std::string> StrictObject::LowerHex(std::string_view key, size_t bytes) {
  auto text = String(key, 2 * bytes + 1);
  if (!text.ok()) return text.status();
  if (!audit::IsLowerHex(*text, bytes)) {
    return FieldError(key,
                      StrCat("must be ", 2 * bytes, " lowercase hex digits (", bytes, " bytes)"));
  }
  auto decoded = audit::HexDecode(*text);
  return std::string(decoded->begin(), decoded->end());
}

absl::StatusOr<std::string> StrictObject::Base64(std::string_view key, size_t max_decoded_bytes) {
  const size_t max_text =
      sodium_base64_ENCODED_LEN(max_decoded_bytes, sodium_base64_VARIANT_ORIGINAL);
  auto text = String(key, max_text);
  if (!text.ok()) return text.status();
  if (text->size() % 4 != 0) {
    return FieldError(key, "is not padded base64 (length not a multiple of 4)");
  }
  std::string out(text->size() / 4 * 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text->data(),
                        text->size(), /*ignore=*/nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text->data() + text->size()) {
    return FieldError(key, "is not canonical standard base64");
  }
  if (len > max_decoded_bytes) {
    return FieldError(key, StrCat("decodes to ", len, " bytes; the limit is ", max_decoded_bytes));
  }
  out.resize(len);
  return out;
}

absl::Status StrictObject::CheckNoOtherFields() {
  for (const auto& [key, member] : value_.items()) {
    if (!read_.contains(key)) return FieldError(key, "is not part of this format");
  }
  return absl::OkStatus();
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool IsLiaisonId(std::string_view id, std::string_view prefix) {
  constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  if (id.size() != prefix.size() + 26 || id.substr(0, prefix.size()) != prefix) return false;
  for (char c : id.substr(prefix.size())) {
    if (kCrockford.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace liaison::federation
