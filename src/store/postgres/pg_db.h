// A thin layer over libpq implementing store/sql/sql_db.h, so that the
// store's queries (store/sql/sql_access.cc) run on PostgreSQL unchanged:
// `?` placeholders are numbered ($1, $2, ...), statements are prepared once
// per connection on first use, values travel as text, and SQLSTATE codes map
// to absl::Status.
//
// Thread-safety: a Connection and its statements belong to one thread at a
// time; PostgresStore hands connections out under its own locks.
#ifndef LIAISON_STORE_POSTGRES_PG_DB_H_
#define LIAISON_STORE_POSTGRES_PG_DB_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/sql_db.h"

namespace liaison::store::pg {

// Maps a failed result to a Status by its SQLSTATE: unique violation →
// AlreadyExists; serialisation failure, deadlock, lost connection, server
// shutting down → Unavailable; disk full or out of resources →
// ResourceExhausted; data corrupted → DataLoss; invalid text (bad UTF-8) →
// InvalidArgument; others → Internal. `context` says what was being done.
absl::Status PgError(PGconn* conn, const PGresult* result, std::string_view context);

// `sql` with each `?` outside quotes replaced by $1, $2, ...; `count` is set
// to the number of placeholders.
std::string NumberPlaceholders(std::string_view sql, int* count);

class Connection;

class Statement final : public sql::Statement {
 public:
  Statement(Connection& conn, std::string sql, int params);
  ~Statement() override;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  absl::StatusOr<bool> Step() override;
  void Reset() override;
  int64_t Int(int col) const override;
  std::string_view Text(int col) const override;

 protected:
  void BindText(int i, std::string_view v) override;
  void BindInt(int i, int64_t v) override;

 private:
  absl::Status Execute();

  Connection& conn_;
  const std::string sql_;  // with $n placeholders
  std::vector<std::string> values_;
  std::vector<Oid> types_;           // 0: let the server infer (text), or int8
  std::vector<Oid> prepared_types_;  // the types the statement was prepared with
  std::string name_;                 // empty until prepared
  std::string bind_error_;
  PGresult* result_ = nullptr;
  int rows_ = 0;
  int row_ = -1;
};

class Connection final : public sql::Connection {
 public:
  // Connects with a libpq connection string ("postgresql://..." or
  // "host=... dbname=..."). Returns Unavailable when the server cannot be
  // reached or refuses the connection, with libpq's reason.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& conninfo);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::Status Exec(std::string_view sql) override;
  absl::StatusOr<sql::Statement*> Prepare(const std::string& sql) override;
  int64_t Changes() override { return changes_; }

  // True while the connection to the server is up.
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Reconnects a broken connection (forgetting its prepared statements).
  // Returns Unavailable when the server is still unreachable.
  absl::Status Reconnect();
  // A new name for a server-side prepared statement.
  std::string NextStatementName() { return "liaison_" + std::to_string(++statements_); }
  PGconn* raw() { return conn_; }
  void set_changes(int64_t n) { changes_ = n; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  absl::Status Configure();

  PGconn* conn_;
  int64_t changes_ = 0;
  int64_t statements_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace liaison::store::pg

#endif  // LIAISON_STORE_POSTGRES_PG_DB_H_
