#include "federation/body_reader.h"

#include <climits>
#include <utility>

#include "audit/hex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/strict_object.h"

namespace liaison::federation {

bool HasControlCharacters(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (allow_newlines && (c == '\n' || c == '\t' || c == '\r')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

BodyReader::BodyReader(const Json& object, std::string where)
    : object_(object), where_(std::move(where)) {}

absl::Status BodyReader::Error(std::string_view member, std::string_view problem) const {
  return absl::InvalidArgumentError(StrCat(where_, ": member '", member, "': ", problem));
}

const Json* BodyReader::Member(std::string_view key) {
  read_.insert(std::string(key));
  auto it = object_.find(std::string(key));
  return it == object_.end() ? nullptr : &*it;
}

absl::StatusOr<std::string> BodyReader::String(std::string_view key, size_t min_bytes,
                                               size_t max_bytes, bool allow_newlines) {
  const Json* v = Member(key);
  if (v == nullptr) return Error(key, "missing");
  if (!v->is_string()) return Error(key, "must be a string");
  std::string s = v->get<std::string>();
  if (s.size() < min_bytes || s.size() > max_bytes) {
    return Error(key, StrCat("must be ", min_bytes, " to ", max_bytes, " bytes"));
  }
  if (HasControlCharacters(s, allow_newlines)) {
    return Error(key, "must not contain control characters");
  }
  return s;
}

absl::StatusOr<std::string> BodyReader::Enum(std::string_view key,
                                             std::span<const std::string_view> names) {
  ASSIGN_OR_RETURN(std::string s, String(key, 0, 64));
  for (std::string_view n : names) {
    if (n == s) return s;
  }
  std::string accepted;
  for (std::string_view n : names) {
    accepted += StrCat(accepted.empty() ? "" : ", ", n.empty() ? "\"\"" : n);
  }
  return Error(key, StrCat("must be one of ", accepted));
}

absl::StatusOr<std::string> BodyReader::Id(std::string_view key, std::string_view prefix,
                                           bool allow_empty) {
  ASSIGN_OR_RETURN(std::string s, String(key, 0, 64));
  if (allow_empty && s.empty()) return s;
  if (!IsLiaisonId(s, prefix)) {
    return Error(key, StrCat("must be '", prefix, "' and 26 Crockford base32 characters"));
  }
  return s;
}

absl::StatusOr<int64_t> BodyReader::Integer(std::string_view key, int64_t min, int64_t max) {
  const Json* v = Member(key);
  if (v == nullptr) return Error(key, "missing");
  if (!v->is_number_integer()) return Error(key, "must be an integer");
  int64_t n = v->is_number_unsigned() && v->get<uint64_t>() > uint64_t{INT64_MAX}
                  ? INT64_MAX
                  : v->get<int64_t>();
  if (n < min || n > max) return Error(key, StrCat("must be ", min, " to ", max));
  return n;
}

absl::StatusOr<bool> BodyReader::Bool(std::string_view key) {
  const Json* v = Member(key);
  if (v == nullptr) return Error(key, "missing");
  if (!v->is_boolean()) return Error(key, "must be true or false");
  return v->get<bool>();
}

absl::StatusOr<std::vector<std::string>> BodyReader::Strings(std::string_view key, size_t max_items,
                                                             size_t max_bytes) {
  const Json* v = Member(key);
  if (v == nullptr) return Error(key, "missing");
  if (!v->is_array()) return Error(key, "must be an array of strings");
  if (v->size() > max_items) return Error(key, StrCat("has more than ", max_items, " items"));
  std::vector<std::string> out;
  for (const Json& item : *v) {
    if (!item.is_string()) return Error(key, "must be an array of strings");
    std::string s = item.get<std::string>();
    if (s.empty() || s.size() > max_bytes || HasControlCharacters(s)) {
      return Error(key,
                   StrCat("items must be 1 to ", max_bytes, " bytes without control characters"));
    }
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::string> BodyReader::Sha256Hex(std::string_view key) {
  ASSIGN_OR_RETURN(std::string s, String(key, 64, 64));
  if (!audit::IsLowerHex(s, 32)) return Error(key, "must be 64 lowercase hex digits");
  return s;
}

absl::StatusOr<const Json*> BodyReader::Array(std::string_view key, size_t max_items) {
  const Json* v = Member(key);
  if (v == nullptr) return Error(key, "missing");
  if (!v->is_array()) return Error(key, "must be an array");
  if (v->size() > max_items) return Error(key, StrCat("has more than ", max_items, " items"));
  return v;
}

absl::Status BodyReader::NoOtherMembers() const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (read_.count(it.key()) == 0) return Error(it.key(), "unknown member");
  }
  return absl::OkStatus();
}

}  // namespace liaison::federation
