// Importing person lists (CSV per ../shared/CONTRACTS.md, or JSON lines)
// into the store: every row validated, ids unique within the file, records
// matched to earlier imports by (owner, source id) and updated in place, all
// in one transaction, so a file is imported whole or not at all.
//
// With skip_bad_rows, bad rows are reported (each with file, line, column)
// and left out; every other row is imported, still in one transaction.
//
// Thread-safety: ImportPersons may run concurrently with readers of the
// store; the store serialises writers.
#ifndef LIAISON_INGEST_PERSON_IMPORT_H_
#define LIAISON_INGEST_PERSON_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/random.h"
#include "ingest/person_fields.h"
#include "store/store.h"

namespace liaison::ingest {

enum class ImportFormat { kAuto, kCsv, kJsonLines };

struct ImportOptions {
  ImportFormat format = ImportFormat::kAuto;  // kAuto: .jsonl/.ndjson are JSON lines
  std::string owner;                          // this node's id
  PersonDefaults defaults;
  std::string review_date;  // YYYY-MM-DD given to new records without one
  bool skip_bad_rows = false;
  int64_t now_ms = 0;
  Random* random = nullptr;  // for record ids; SystemRandom() when null
  // Called every few thousand rows and at the end.
  std::function<void(int64_t rows, int64_t bytes, int64_t total_bytes)> progress;
};

struct ImportReport {
  std::string file;
  std::string file_sha256;
  int64_t rows = 0;  // data rows read
  int64_t created = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;             // same source id, same content
  std::vector<std::string> skipped;  // one message per skipped row
};

// Imports `path`. Returns InvalidArgument "FILE:LINE:COL (column 'x'): what"
// on the first bad row unless skip_bad_rows; NotFound for a missing file.
// `before_commit` runs inside the transaction after the last row (the
// access layer appends its audit entry there); its error aborts the import.
absl::StatusOr<ImportReport> ImportPersons(
    store::Store& store, const std::string& path, const ImportOptions& options,
    const std::function<absl::Status(store::Transaction&, const ImportReport&)>& before_commit);

}  // namespace liaison::ingest

#endif  // LIAISON_INGEST_PERSON_IMPORT_H_
