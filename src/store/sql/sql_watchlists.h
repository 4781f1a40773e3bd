// The shared-watchlist tables (migration 7), for both backends: the lists
// this node publishes to each partner (current version and every entry as
// last published, removals included), the partners' lists this node holds,
// and the hits partners reported on this node's entries. The store's
// transaction object (sql_access.cc) forwards to these functions.
//
// Thread-safety: as Connection (one thread at a time, inside a transaction).
#ifndef LIAISON_STORE_SQL_SQL_WATCHLISTS_H_
#define LIAISON_STORE_SQL_SQL_WATCHLISTS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace liaison::store::sql {

absl::StatusOr<std::optional<PublishedListRow>> GetPublishedList(Connection& conn,
                                                                 std::string_view partner);
absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntries(Connection& conn,
                                                                std::string_view partner);
absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntriesAfter(
    Connection& conn, std::string_view partner, int64_t after_version,
    std::string_view after_reference, int limit);
absl::StatusOr<std::optional<PublishedEntryRow>> GetPublishedEntry(Connection& conn,
                                                                   std::string_view partner,
                                                                   std::string_view reference);
absl::StatusOr<std::optional<SharedListRow>> GetSharedList(Connection& conn,
                                                           std::string_view owner);
absl::StatusOr<std::vector<SharedListRow>> ListSharedLists(Connection& conn);
absl::StatusOr<std::optional<SharedEntryRow>> GetSharedEntry(Connection& conn,
                                                             std::string_view owner,
                                                             std::string_view reference);
absl::Status ScanSharedEntries(Connection& conn, std::string_view owner,
                               const std::function<absl::Status(SharedEntryRow&&)>& fn);
absl::StatusOr<std::vector<WatchlistHitRow>> ListWatchlistHits(Connection& conn, int limit);

absl::Status PutPublishedList(Connection& conn, const PublishedListRow& list);
absl::Status PutPublishedEntry(Connection& conn, const PublishedEntryRow& entry);
absl::Status PutSharedList(Connection& conn, const SharedListRow& list);
absl::Status PutSharedEntry(Connection& conn, const SharedEntryRow& entry);
absl::StatusOr<bool> DeleteSharedEntry(Connection& conn, std::string_view owner,
                                       std::string_view reference);
absl::Status InsertWatchlistHit(Connection& conn, const WatchlistHitRow& hit);

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_WATCHLISTS_H_
