// Migration 3's tables, for both backends: the record change feed (appended
// by every record write) and the screening job tables. The store's
// transaction object (sql_access.cc) forwards to these functions.
//
// Thread-safety: as Connection (one thread at a time, inside a transaction).
#ifndef LIAISON_STORE_SQL_SQL_SCREENING_H_
#define LIAISON_STORE_SQL_SQL_SCREENING_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace liaison::store::sql {

// Appends one change feed entry (called by the record writes).
absl::Status AppendRecordChange(Connection& conn, std::string_view record_id,
                                records::RecordType type, bool erased);
absl::StatusOr<std::vector<RecordChange>> RecordChangesAfter(Connection& conn, int64_t after_seq,
                                                             int limit);
absl::StatusOr<int64_t> LastRecordChange(Connection& conn);
absl::Status PruneRecordChanges(Connection& conn, int64_t before_seq);

absl::StatusOr<std::optional<ScreeningJobRow>> GetScreeningJob(Connection& conn,
                                                               std::string_view id);
absl::StatusOr<std::vector<ScreeningJobRow>> ListScreeningJobs(Connection& conn,
                                                               const ScreeningJobFilter& filter);
absl::StatusOr<std::optional<std::string>> GetScreeningJobInput(Connection& conn,
                                                                std::string_view job_id);
absl::StatusOr<std::vector<ScreeningHitRow>> ListScreeningHits(Connection& conn,
                                                               std::string_view job_id,
                                                               int64_t after_hit, int limit);
absl::StatusOr<std::optional<ScreeningHitRow>> GetScreeningHit(Connection& conn,
                                                               std::string_view job_id,
                                                               int64_t hit);

absl::Status PutScreeningJob(Connection& conn, const ScreeningJobRow& job);
absl::Status PutScreeningJobInput(Connection& conn, std::string_view job_id, std::string_view csv);
absl::Status DeleteScreeningJobInput(Connection& conn, std::string_view job_id);
absl::Status InsertScreeningHit(Connection& conn, const ScreeningHitRow& hit);
absl::Status DecideScreeningHit(Connection& conn, const ScreeningHitRow& hit);

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_SCREENING_H_
