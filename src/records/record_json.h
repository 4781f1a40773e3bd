// The JSON form of records, used by the REST API, JSON-lines import and the
// store's body column. docs/data-model.md shows examples.
//
// Parsing is strict: unknown fields, wrong types and bad values are errors
// naming the field path. Thread-safety: pure functions.
#ifndef LIAISON_RECORDS_RECORD_JSON_H_
#define LIAISON_RECORDS_RECORD_JSON_H_

#include "absl/status/statusor.h"
#include "common/json_text.h"
#include "records/record.h"

namespace liaison::records {

// The whole record: metadata plus the body under its type name.
Json RecordToJson(const Record& record);

// Which metadata fields a client may set. Server-owned fields (id, owner,
// created_at, updated_at, version) are rejected unless `allow_server_fields`.
struct JsonReadOptions {
  bool allow_server_fields = false;
  // The record type when the caller already knows it (from the URL); the
  // JSON's "type", if present, must agree.
  std::optional<RecordType> expected_type;
};

// Parses a record. Missing metadata keeps the defaults of RecordMeta (the
// caller applies node defaults afterwards). Returns InvalidArgument naming
// the field path.
absl::StatusOr<Record> RecordFromJson(const Json& json, const JsonReadOptions& options = {});

// Body only (the store keeps metadata in columns). With `omit_empty`, empty
// fields are left out (the store's compact form).
Json BodyToJson(const RecordBody& body, bool omit_empty = false);
absl::StatusOr<RecordBody> BodyFromJson(RecordType type, const Json& json);

}  // namespace liaison::records

#endif  // LIAISON_RECORDS_RECORD_JSON_H_
