// A thin RAII layer over the SQLite C API: connections with a statement
// cache, statements with typed bind/column calls, and SQLite result codes
// mapped to absl::Status.
//
// Thread-safety: a Connection and its statements belong to one thread at a
// time; the store hands connections out under its own locks.
#ifndef LIAISON_STORE_SQLITE_SQLITE_DB_H_
#define LIAISON_STORE_SQLITE_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace liaison::store::sqlite {

// Maps an SQLite result code to a Status: BUSY/LOCKED → Unavailable,
// FULL → ResourceExhausted, CORRUPT/NOTADB → DataLoss, CONSTRAINT →
// AlreadyExists, others → Internal. `context` says what was being done.
absl::Status SqliteError(int rc, sqlite3* db, std::string_view context);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binding is 1-based, as in SQLite.
  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  // Binds bytes as a BLOB (attachments).
  Statement& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }

  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Runs a statement that returns no rows.
  absl::Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string_view Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string_view()
                        : std::string_view(p, sqlite3_column_bytes(stmt_, col));
  }
  std::string String(int col) const { return std::string(Text(col)); }
  // A BLOB (or NULL: empty) column's bytes.
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p == nullptr ? std::string()
                        : std::string(static_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens (creating if `create`) the database file, in WAL mode with foreign
  // keys on, a busy timeout, and synchronous=FULL so a commit is on disk
  // before it returns.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool create,
                                                          bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  absl::Status Exec(std::string_view sql);
  // A cached prepared statement, reset and ready to bind.
  absl::StatusOr<Statement*> Prepare(const std::string& sql);
  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace liaison::store::sqlite

#endif  // LIAISON_STORE_SQLITE_SQLITE_DB_H_
