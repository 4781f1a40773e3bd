// The follow-up tables (migration 6): follow-up requests in both directions
// and the data partners released to this node, written once for both
// backends (store/sql/sql_db.h). The shared transaction object
// (sql_access.cc) forwards to these functions.
//
// Thread-safety: as Connection (one thread at a time, inside a transaction).
#ifndef LIAISON_STORE_SQL_SQL_FOLLOWUPS_H_
#define LIAISON_STORE_SQL_SQL_FOLLOWUPS_H_

#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace liaison::store::sql {

absl::StatusOr<std::optional<FollowupRow>> GetFollowup(Connection& conn, std::string_view id);
absl::StatusOr<std::vector<FollowupRow>> ListFollowups(Connection& conn,
                                                       const FollowupFilter& filter);
absl::StatusOr<std::optional<FollowupDataRow>> GetFollowupData(Connection& conn,
                                                               std::string_view followup_id);
absl::StatusOr<std::vector<FollowupDataRow>> FollowupDataDue(Connection& conn, int64_t now_ms,
                                                             int limit);
absl::Status PutFollowup(Connection& conn, const FollowupRow& f);
absl::Status PutFollowupData(Connection& conn, const FollowupDataRow& d);

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_FOLLOWUPS_H_
