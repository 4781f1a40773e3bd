// The SQLite backend of store::Store: one database file per node, WAL mode,
// one writer connection and a pool of reader connections, schema migrations
// applied on open.
//
// Thread-safety: safe for concurrent use (see store.h).
#ifndef LIAISON_STORE_SQLITE_SQLITE_STORE_H_
#define LIAISON_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "store/store.h"

namespace liaison::store {

struct SqliteOptions {
  // Create the file when it does not exist (liaison init); otherwise a
  // missing file is NotFound.
  bool create = false;
  // Apply pending migrations on open. When false, a database that is behind
  // is FailedPrecondition ("run liaison migrate").
  bool migrate = true;
};

// Opens the database at `path`. Returns NotFound for a missing file (unless
// options.create), DataLoss for a file that is not a liaison database, and
// FailedPrecondition for a schema newer than this binary understands.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Clock& clock,
                                                       const SqliteOptions& options = {});

}  // namespace liaison::store

#endif  // LIAISON_STORE_SQLITE_SQLITE_STORE_H_
