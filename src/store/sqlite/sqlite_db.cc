#include "store/sqlite/sqlite_db.h"

#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::store::sqlite {

absl::Status SqliteError(int rc, sqlite3* db, std::string_view context) {
  std::string msg = StrCat(context, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(StrCat(msg, " (the database is busy; try again)"));
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(StrCat(msg, " (disk full)"));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(msg);
    case SQLITE_CONSTRAINT:
      return absl::AlreadyExistsError(msg);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return absl::FailedPreconditionError(msg);
    case SQLITE_IOERR:
      return absl::UnavailableError(StrCat(msg, " (I/O error)"));
    default:
      return absl::InternalError(msg);
  }
}

absl::StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  absl::Status s = SqliteError(rc, db_, StrCat("running ", sqlite3_sql(stmt_)));
  sqlite3_reset(stmt_);
  return s;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool create,
                                                             bool read_only) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = SqliteError(rc, db, StrCat("opening ", path));
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 10'000);
  absl::Status s = conn->Exec(read_only ? "PRAGMA foreign_keys=ON;"
                                        : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                          "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                                          // A large page cache keeps a big import's pages in
                                          // memory until commit instead of spilling them.
                                          "PRAGMA cache_size=-131072;");
  if (!s.ok()) return s;
  // Reading the schema makes a file that is not a database fail here, at
  // open, rather than at the first query.
  s = conn->Exec("SELECT count(*) FROM sqlite_master;");
  if (!s.ok()) return s;
  return conn;
}

Connection::~Connection() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

absl::Status Connection::Exec(std::string_view sql) {
  // Every transaction begins and ends with one of these: a statement kept
  // prepared saves parsing it again each time.
  if (sql == "BEGIN" || sql == "BEGIN IMMEDIATE" || sql == "COMMIT" || sql == "ROLLBACK") {
    ASSIGN_OR_RETURN(sql::Statement * statement, Prepare(std::string(sql)));
    absl::StatusOr<bool> stepped = statement->Step();
    statement->Reset();
    return stepped.status();
  }
  char* err = nullptr;
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return SqliteError(rc, db_, StrCat("executing ", text.substr(0, 60)));
  return absl::OkStatus();
}

absl::StatusOr<sql::Statement*> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, db_, StrCat("preparing ", sql));
  auto [pos, inserted] = cache_.emplace(sql, std::make_unique<Statement>(db_, stmt));
  return pos->second.get();
}

}  // namespace liaison::store::sqlite
