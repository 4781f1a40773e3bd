#include "store/postgres/postgres_store.h"

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/migrations.h"
#include "store/postgres/pg_db.h"
#include "store/sql/sql_access.h"

namespace liaison::store {
namespace {

using pg::Connection;

// Advisory lock keys ("liaison" in ASCII, then 1 and 2): the writer lock held
// for each write transaction, and the session lock held while migrating.
constexpr char kLockWriters[] = "SELECT pg_advisory_xact_lock(7451052935856499)";
constexpr char kLockMigration[] = "SELECT pg_advisory_lock(7451052935856500)";
constexpr char kUnlockMigration[] = "SELECT pg_advisory_unlock(7451052935856500)";

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string conninfo, std::unique_ptr<Connection> writer, int max_idle_readers)
      : conninfo_(std::move(conninfo)),
        max_idle_readers_(max_idle_readers),
        writer_(std::move(writer)) {}

  absl::Status Read(const std::function<absl::Status(Reader&)>& fn) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
    absl::Status s = conn->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (s.ok()) {
      s = fn(*sql::NewAccess(*conn));
      absl::Status end = conn->Exec(s.ok() ? "COMMIT" : "ROLLBACK");
      if (s.ok()) s = end;
    }
    ReleaseReader(std::move(conn));
    return s;
  }

  absl::Status Write(const std::function<absl::Status(Transaction&)>& fn) override {
    absl::MutexLock lock(&writer_mutex_);
    if (!writer_->Healthy()) RETURN_IF_ERROR(writer_->Reconnect());
    RETURN_IF_ERROR(writer_->Exec("BEGIN"));
    // READ COMMITTED after the lock: every statement sees all that earlier
    // writers committed, so the transaction behaves as if run alone.
    absl::Status s = writer_->Exec(kLockWriters);
    if (s.ok()) s = fn(*sql::NewAccess(*writer_));
    if (s.ok()) s = writer_->Exec("COMMIT");
    if (!s.ok() && writer_->Healthy()) (void)writer_->Exec("ROLLBACK");
    return s;
  }

  absl::StatusOr<int> SchemaVersion() override {
    absl::MutexLock lock(&writer_mutex_);
    if (!writer_->Healthy()) RETURN_IF_ERROR(writer_->Reconnect());
    return sql::SchemaVersion(*writer_);
  }

 private:
  absl::StatusOr<std::unique_ptr<Connection>> AcquireReader() {
    {
      absl::MutexLock lock(&readers_mutex_);
      while (!readers_.empty()) {
        std::unique_ptr<Connection> c = std::move(readers_.back());
        readers_.pop_back();
        if (c->Healthy()) return c;
      }
    }
    return Connection::Open(conninfo_);
  }

  void ReleaseReader(std::unique_ptr<Connection> conn) {
    if (!conn->Healthy()) return;
    absl::MutexLock lock(&readers_mutex_);
    if (static_cast<int>(readers_.size()) < max_idle_readers_) readers_.push_back(std::move(conn));
  }

  const std::string conninfo_;
  const int max_idle_readers_;
  absl::Mutex writer_mutex_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(writer_mutex_);
  absl::Mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> readers_ ABSL_GUARDED_BY(readers_mutex_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo, Clock& clock,
                                                         const PostgresOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer, Connection::Open(conninfo));
  // One migrator at a time across processes; the session lock also covers
  // creating schema_migrations itself.
  RETURN_IF_ERROR(writer->Exec(kLockMigration));
  absl::Status migrated =
      sql::Migrate(*writer, Dialect::kPostgres, "BEGIN", clock, options.migrate);
  absl::Status unlocked = writer->Exec(kUnlockMigration);
  RETURN_IF_ERROR(migrated);
  RETURN_IF_ERROR(unlocked);
  return std::unique_ptr<Store>(
      new PostgresStore(conninfo, std::move(writer), options.max_idle_readers));
}

}  // namespace liaison::store
