// Fuzz target for the person-list CSV path of `liaison import`: the RFC 4180
// reader, the person-list columns and record validation, and the flat
// JSON-lines form. Whatever the bytes, parsing must end with a record or an
// error naming a place, never a crash, hang or unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "ingest/csv_reader.h"
#include "ingest/person_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream in(text);
  auto reader = liaison::ingest::CsvReader::FromStream(in, "fuzz.csv",
                                                       {.max_field_bytes = 4096, .max_fields = 64});
  if (reader.ok()) {
    auto columns = liaison::ingest::PersonColumns::Resolve(**reader, "", /*require_id=*/false);
    liaison::ingest::CsvRow row;
    for (int i = 0; i < 10000; ++i) {
      absl::StatusOr<bool> got = (*reader)->Next(row);
      if (got.ok() && !*got) break;
      if (!got.ok()) {
        // Errors must say where: "fuzz.csv:LINE:COL".
        if (got.status().message().find("fuzz.csv:") != 0) std::abort();
        continue;
      }
      if (columns.ok()) {
        auto rec = columns->Parse(**reader, row, {});
        if (!rec.ok() && rec.status().message().find("fuzz.csv:") != 0) std::abort();
      }
    }
  }
  // The same bytes as one JSON-lines row.
  auto json = liaison::ParseJson(text, {.max_bytes = 1 << 16, .max_depth = 8});
  if (json.ok()) (void)liaison::ingest::PersonFromFlatJson(*json, {});
  return 0;
}
