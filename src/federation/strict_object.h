// Strict reading of the flat JSON objects that federation puts on the wire
// (partner bundles, envelopes). Input comes from another agency's node or a
// file an administrator was handed, so nothing is assumed: the text must be
// exactly one JSON object whose members are strings or integers; duplicate
// keys, nested values, fractions and members nobody asked for are refused;
// every error names the field it is about.
//
// Thread-safety: a StrictObject is used by one thread at a time.
#ifndef LIAISON_FEDERATION_STRICT_OBJECT_H_
#define LIAISON_FEDERATION_STRICT_OBJECT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/json_text.h"

namespace liaison::federation {

class StrictObject {
 public:
  // Parses `text`. `what` names the structure in error messages ("partner
  // bundle", "envelope"). Returns ResourceExhausted when `text` is longer than
  // `max_bytes`, InvalidArgument (naming the byte offset or the field, which
  // also goes to `*bad_field` when given) when it is not one flat JSON object
  // with unique keys.
  static absl::StatusOr<StrictObject> Parse(std::string_view text, std::string_view what,
                                            size_t max_bytes, std::string* bad_field = nullptr);

  // A required string member of at most `max_bytes` bytes (already valid
  // UTF-8: the JSON parser checks). Returns InvalidArgument naming the field
  // when it is missing, not a string or too long.
  absl::StatusOr<std::string> String(std::string_view key, size_t max_bytes);
  // A required integer member in [min, max].
  absl::StatusOr<int64_t> Integer(std::string_view key, int64_t min, int64_t max);
  // A required string member of exactly 2 * `bytes` lowercase hex digits,
  // decoded.
  absl::StatusOr<std::string> LowerHex(std::string_view key, size_t bytes);
  // A required string member in standard padded base64 (RFC 4648 section 4),
  // canonical (no line breaks, zero pad bits), decoding to at most
  // `max_decoded_bytes` bytes; decoded.
  absl::StatusOr<std::string> Base64(std::string_view key, size_t max_decoded_bytes);

  // InvalidArgument naming the first member that none of the accessors above
  // asked for, OK when there is none.
  absl::Status CheckNoOtherFields();

  // InvalidArgument "<what>: field '<key>': <problem>", and remembers `key`.
  absl::Status FieldError(std::string_view key, std::string_view problem);
  // The field of the most recent error ("" when none).
  const std::string& bad_field() const { return bad_field_; }

 private:
  StrictObject(Json value, std::string what) : value_(std::move(value)), what_(std::move(what)) {}
  // The member `key`, or nullptr (after recording the error) when missing.
  const Json* Member(std::string_view key, absl::Status* error);

  Json value_;
  std::string what_;
  absl::flat_hash_set<std::string> read_;
  std::string bad_field_;
};

// Standard padded base64 (RFC 4648 section 4) of `bytes`.
std::string EncodeBase64(std::string_view bytes);

// True when `id` is `prefix` followed by exactly 26 characters of Crockford's
// base32 alphabet in upper case (the form of liaison's identifiers).
bool IsLiaisonId(std::string_view id, std::string_view prefix);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_STRICT_OBJECT_H_
