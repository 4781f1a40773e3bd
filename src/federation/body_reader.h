// Strict reading of the members of one JSON object of a received message
// body (hit/no-hit, case batches, watchlists): every member required and of
// its documented form, limits on every size, and, once all members were
// read, any other member refused. Errors are InvalidArgument and name where
// and which member: "<where>: member '<name>': <problem>".
//
//   BodyReader r(json, "hit_query");
//   ASSIGN_OR_RETURN(q.query_id, r.Id("query_id", "qry_"));
//   ...
//   RETURN_IF_ERROR(r.NoOtherMembers());
//
// Thread-safety: a BodyReader is used by one thread; the object it reads
// must outlive it.
#ifndef LIAISON_FEDERATION_BODY_READER_H_
#define LIAISON_FEDERATION_BODY_READER_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/json_text.h"

namespace liaison::federation {

// True when `s` holds a C0 control character or DEL; with `allow_newlines`,
// line feeds, carriage returns and tabs are allowed.
bool HasControlCharacters(std::string_view s, bool allow_newlines = false);

class BodyReader {
 public:
  // `where` names the object in errors ("hit_query", "case_batch item 3").
  BodyReader(const Json& object, std::string where);

  absl::Status Error(std::string_view member, std::string_view problem) const;

  // The member `key`, or null when absent; it counts as read either way.
  const Json* Member(std::string_view key);

  // A string of `min_bytes` to `max_bytes` bytes without control characters
  // (except newlines and tabs with `allow_newlines`).
  absl::StatusOr<std::string> String(std::string_view key, size_t min_bytes, size_t max_bytes,
                                     bool allow_newlines = false);
  // One of `names` (which may include "").
  absl::StatusOr<std::string> Enum(std::string_view key, std::span<const std::string_view> names);
  // `prefix` and 26 Crockford base32 characters; "" too with `allow_empty`.
  absl::StatusOr<std::string> Id(std::string_view key, std::string_view prefix,
                                 bool allow_empty = false);
  absl::StatusOr<int64_t> Integer(std::string_view key, int64_t min, int64_t max);
  absl::StatusOr<bool> Bool(std::string_view key);
  // An array of at most `max_items` strings of 1 to `max_bytes` bytes each,
  // without control characters.
  absl::StatusOr<std::vector<std::string>> Strings(std::string_view key, size_t max_items,
                                                   size_t max_bytes);
  // 64 lowercase hex digits.
  absl::StatusOr<std::string> Sha256Hex(std::string_view key);
  // An array of at most `max_items` values of any kind (the caller reads them).
  absl::StatusOr<const Json*> Array(std::string_view key, size_t max_items);

  // InvalidArgument naming the first member that was never read.
  absl::Status NoOtherMembers() const;

  const std::string& where() const { return where_; }

 private:
  const Json& object_;
  std::string where_;
  std::set<std::string> read_;
};

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_BODY_READER_H_
