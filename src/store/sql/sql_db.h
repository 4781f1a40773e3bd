// The small SQL surface the store's queries are written against, so that one
// implementation of store::Transaction (store/sql/sql_access.h) serves both
// backends: SQLite (store/sqlite/sqlite_db.h) and PostgreSQL
// (store/postgres/pg_db.h). Queries use `?` placeholders and the SQL both
// databases accept (INSERT ... ON CONFLICT, coalesce, LIMIT); the PostgreSQL
// connection numbers the placeholders itself.
//
// Thread-safety: a Connection and its statements belong to one thread at a
// time; the stores hand connections out under their own locks.
#ifndef LIAISON_STORE_SQL_SQL_DB_H_
#define LIAISON_STORE_SQL_SQL_DB_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace liaison::store::sql {

// A prepared statement. Bind parameters (1-based), then Step through the
// rows; Reset before binding again.
class Statement {
 public:
  virtual ~Statement() = default;

  Statement& Bind(int i, std::string_view v) {
    BindText(i, v);
    return *this;
  }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, int64_t v) {
    BindInt(i, v);
    return *this;
  }
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }

  // Advances: true when a row is available, false when done. Errors map to
  // Status as the backend documents (unique violation: AlreadyExists; busy or
  // serialisation failure: Unavailable; disk full: ResourceExhausted).
  virtual absl::StatusOr<bool> Step() = 0;
  // Runs a statement that returns no rows.
  absl::Status Run() {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    Reset();
    return absl::OkStatus();
  }
  // Forgets the current rows and the bindings.
  virtual void Reset() = 0;

  // Columns of the current row (0-based). NULL reads as 0 or empty.
  virtual int64_t Int(int col) const = 0;
  virtual std::string_view Text(int col) const = 0;
  std::string String(int col) const { return std::string(Text(col)); }

 protected:
  virtual void BindText(int i, std::string_view v) = 0;
  virtual void BindInt(int i, int64_t v) = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs one or more statements separated by ';', without parameters.
  virtual absl::Status Exec(std::string_view sql) = 0;
  // A cached prepared statement, reset and ready to bind. The statement stays
  // owned by the connection; preparing the same text again returns it reset.
  virtual absl::StatusOr<Statement*> Prepare(const std::string& sql) = 0;
  // Rows inserted, updated or deleted by the last statement that ran.
  virtual int64_t Changes() = 0;
};

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_DB_H_
