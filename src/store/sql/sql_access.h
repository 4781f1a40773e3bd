// The store's queries, written once for both backends against
// store/sql/sql_db.h: the Reader/Transaction implementation and the schema
// migrations. SqliteStore and PostgresStore own connections and transaction
// boundaries (snapshot reads, one writer at a time) and hand a connection
// inside an open transaction to NewAccess.
//
// Thread-safety: as the connection given (one thread at a time).
#ifndef LIAISON_STORE_SQL_SQL_ACCESS_H_
#define LIAISON_STORE_SQL_SQL_ACCESS_H_

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "store/migrations.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace liaison::store::sql {

// Reader and Transaction over `conn`, which must stay inside an open SQL
// transaction for as long as the returned object is used.
std::unique_ptr<Transaction> NewAccess(Connection& conn);

// The version recorded in schema_migrations (0 when the table is empty).
absl::StatusOr<int> SchemaVersion(Connection& conn);

// Brings the database to LatestSchemaVersion(), one migration per
// transaction, each opened with `begin` (which must serialise migrators, e.g.
// BEGIN IMMEDIATE or an advisory lock). With apply false, a database that is
// behind is FailedPrecondition ("run liaison migrate"). A database newer than
// this binary is FailedPrecondition either way.
absl::Status Migrate(Connection& conn, Dialect dialect, std::string_view begin, Clock& clock,
                     bool apply);

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_ACCESS_H_
