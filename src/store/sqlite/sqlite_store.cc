#include "store/sqlite/sqlite_store.h"

#include <filesystem>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/migrations.h"
#include "store/sql/sql_access.h"
#include "store/sqlite/sqlite_db.h"

namespace liaison::store {
namespace {

using sqlite::Connection;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  absl::Status Read(const std::function<absl::Status(Reader&)>& fn) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
    absl::Status s = conn->Exec("BEGIN");
    if (s.ok()) {
      s = fn(*sql::NewAccess(*conn));
      absl::Status end = conn->Exec("COMMIT");
      if (s.ok()) s = end;
    }
    ReleaseReader(std::move(conn));
    return s;
  }

  absl::Status Write(const std::function<absl::Status(Transaction&)>& fn) override {
    absl::MutexLock lock(&writer_mutex_);
    RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    absl::Status s = fn(*sql::NewAccess(*writer_));
    if (s.ok()) s = writer_->Exec("COMMIT");
    if (!s.ok()) {
      // ROLLBACK fails harmlessly when SQLite already rolled back on its own.
      (void)writer_->Exec("ROLLBACK");
    }
    return s;
  }

  absl::StatusOr<int> SchemaVersion() override {
    absl::MutexLock lock(&writer_mutex_);
    return sql::SchemaVersion(*writer_);
  }

 private:
  absl::StatusOr<std::unique_ptr<Connection>> AcquireReader() {
    {
      absl::MutexLock lock(&readers_mutex_);
      if (!readers_.empty()) {
        std::unique_ptr<Connection> c = std::move(readers_.back());
        readers_.pop_back();
        return c;
      }
    }
    return Connection::Open(path_, /*create=*/false, /*read_only=*/false);
  }

  void ReleaseReader(std::unique_ptr<Connection> conn) {
    absl::MutexLock lock(&readers_mutex_);
    if (readers_.size() < 16) readers_.push_back(std::move(conn));
  }

  const std::string path_;
  absl::Mutex writer_mutex_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(writer_mutex_);
  absl::Mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> readers_ ABSL_GUARDED_BY(readers_mutex_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Clock& clock,
                                                       const SqliteOptions& options) {
  std::error_code ec;
  if (!options.create && !std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(StrCat("no database at ", path));
  }
  bool is_new = options.create && !std::filesystem::exists(path, ec);
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                   Connection::Open(path, options.create, /*read_only=*/false));
  if (is_new) {
    // The database holds personal data: readable by the node's own user only.
    // SQLite gives its -wal and -shm files the same permissions.
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          StrCat("cannot restrict permissions of ", path, ": ", ec.message()));
    }
  }
  RETURN_IF_ERROR(
      sql::Migrate(*writer, Dialect::kSqlite, "BEGIN IMMEDIATE", clock, options.migrate));
  return std::unique_ptr<Store>(new SqliteStore(path, std::move(writer)));
}

}  // namespace liaison::store
