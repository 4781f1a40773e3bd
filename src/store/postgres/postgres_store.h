// The PostgreSQL backend of store::Store, for agencies that outgrow one
// SQLite file: several node processes may share one database.
//
// Reads run in a REPEATABLE READ, READ ONLY transaction (one snapshot).
// Writes run in one transaction that first takes a transaction-scoped
// advisory lock, so writers are serialised across every process using the
// database, exactly as SQLite's single writer: the audit chain stays one
// chain, and the record change feed's sequence numbers commit in order, so
// a follower reading "after seq N" never skips an entry.
//
// Thread-safety: safe for concurrent use (see store.h).
#ifndef LIAISON_STORE_POSTGRES_POSTGRES_STORE_H_
#define LIAISON_STORE_POSTGRES_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "store/store.h"

namespace liaison::store {

struct PostgresOptions {
  // Apply pending migrations on open. When false, a database that is behind
  // is FailedPrecondition ("run liaison migrate").
  bool migrate = true;
  // Idle reader connections kept open for reuse.
  int max_idle_readers = 8;
};

// Connects to the database named by the libpq connection string `conninfo`
// and brings its schema up to date (unless options.migrate is false).
// Returns Unavailable when the server cannot be reached, and
// FailedPrecondition for a schema newer than this binary understands.
absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo, Clock& clock,
                                                         const PostgresOptions& options = {});

}  // namespace liaison::store

#endif  // LIAISON_STORE_POSTGRES_POSTGRES_STORE_H_
