#include "store/sql/sql_watchlists.h"

#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/sql/sql_query.h"
#include "store/sql/sql_screening.h"

namespace liaison::store::sql {
namespace {

constexpr char kPublishedColumns[] = "partner, reference, record_id, entry, version, removed";

PublishedEntryRow PublishedFromRow(const Statement& st) {
  PublishedEntryRow e;
  e.partner = st.String(0);
  e.reference = st.String(1);
  e.record_id = st.String(2);
  e.entry_json = st.String(3);
  e.version = st.Int(4);
  e.removed = st.Int(5) != 0;
  return e;
}

constexpr char kSharedListColumns[] =
    "owner, version, cursor_version, cursor_reference, entries, retention_days, last_pull_ms, "
    "last_success_ms, last_error";

SharedListRow SharedListFromRow(const Statement& st) {
  SharedListRow l;
  l.owner = st.String(0);
  l.version = st.Int(1);
  l.cursor_version = st.Int(2);
  l.cursor_reference = st.String(3);
  l.entries = st.Int(4);
  l.retention_days = st.Int(5);
  l.last_pull_ms = st.Int(6);
  l.last_success_ms = st.Int(7);
  l.last_error = st.String(8);
  return l;
}

constexpr char kSharedEntryColumns[] =
    "owner, reference, version, crime_area, handling_code, entry, received_ms, retain_until_ms";

SharedEntryRow SharedEntryFromRow(const Statement& st) {
  SharedEntryRow e;
  e.owner = st.String(0);
  e.reference = st.String(1);
  e.version = st.Int(2);
  e.crime_area = st.String(3);
  e.handling_code = st.String(4);
  e.entry_json = st.String(5);
  e.received_ms = st.Int(6);
  e.retain_until_ms = st.Int(7);
  return e;
}

constexpr char kHitColumns[] =
    "id, partner, reference, record_id, list_version, source, purpose, band, score_permille, "
    "hit_ms, received_ms";

WatchlistHitRow HitFromRow(const Statement& st) {
  WatchlistHitRow h;
  h.id = st.String(0);
  h.partner = st.String(1);
  h.reference = st.String(2);
  h.record_id = st.String(3);
  h.list_version = st.Int(4);
  h.source = st.String(5);
  h.purpose = st.String(6);
  h.band = st.String(7);
  h.score_permille = st.Int(8);
  h.hit_ms = st.Int(9);
  h.received_ms = st.Int(10);
  return h;
}

// The change feed ref of a shared entry (screening::PartnerRef).
std::string FeedRef(std::string_view owner, std::string_view reference) {
  return StrCat("partner:", owner, ":", reference);
}

}  // namespace

absl::StatusOr<std::optional<PublishedListRow>> GetPublishedList(Connection& conn,
                                                                 std::string_view partner) {
  return One<PublishedListRow>(
      conn,
      "SELECT partner, version, entries, updated_ms FROM watchlist_published_lists WHERE "
      "partner = ?",
      [&](Statement& st) { st.Bind(1, partner); },
      [](const Statement& st) {
        return PublishedListRow{st.String(0), st.Int(1), st.Int(2), st.Int(3)};
      });
}

absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntries(Connection& conn,
                                                                std::string_view partner) {
  return All<PublishedEntryRow>(
      conn,
      StrCat("SELECT ", kPublishedColumns,
             " FROM watchlist_published_entries WHERE partner = ? ORDER BY reference"),
      [&](Statement& st) { st.Bind(1, partner); }, PublishedFromRow);
}

absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntriesAfter(
    Connection& conn, std::string_view partner, int64_t after_version,
    std::string_view after_reference, int limit) {
  if (limit < 1 || limit > 10000) return absl::InvalidArgumentError("limit: 1 to 10000");
  return All<PublishedEntryRow>(
      conn,
      StrCat("SELECT ", kPublishedColumns,
             " FROM watchlist_published_entries WHERE partner = ? AND (version > ? OR (version = "
             "? AND reference > ?)) ORDER BY version, reference LIMIT ?"),
      [&](Statement& st) {
        st.Bind(1, partner)
            .Bind(2, after_version)
            .Bind(3, after_version)
            .Bind(4, after_reference)
            .Bind(5, limit);
      },
      PublishedFromRow);
}

absl::StatusOr<std::optional<PublishedEntryRow>> GetPublishedEntry(Connection& conn,
                                                                   std::string_view partner,
                                                                   std::string_view reference) {
  return One<PublishedEntryRow>(
      conn,
      StrCat("SELECT ", kPublishedColumns,
             " FROM watchlist_published_entries WHERE partner = ? AND reference = ?"),
      [&](Statement& st) { st.Bind(1, partner).Bind(2, reference); }, PublishedFromRow);
}

absl::StatusOr<std::optional<SharedListRow>> GetSharedList(Connection& conn,
                                                           std::string_view owner) {
  return One<SharedListRow>(
      conn, StrCat("SELECT ", kSharedListColumns, " FROM shared_watchlists WHERE owner = ?"),
      [&](Statement& st) { st.Bind(1, owner); }, SharedListFromRow);
}

absl::StatusOr<std::vector<SharedListRow>> ListSharedLists(Connection& conn) {
  return All<SharedListRow>(
      conn, StrCat("SELECT ", kSharedListColumns, " FROM shared_watchlists ORDER BY owner"),
      [](Statement&) {}, SharedListFromRow);
}

absl::StatusOr<std::optional<SharedEntryRow>> GetSharedEntry(Connection& conn,
                                                             std::string_view owner,
                                                             std::string_view reference) {
  return One<SharedEntryRow>(
      conn,
      StrCat("SELECT ", kSharedEntryColumns,
             " FROM shared_watchlist_entries WHERE owner = ? AND reference = ?"),
      [&](Statement& st) { st.Bind(1, owner).Bind(2, reference); }, SharedEntryFromRow);
}

absl::Status ScanSharedEntries(Connection& conn, std::string_view owner,
                               const std::function<absl::Status(SharedEntryRow&&)>& fn) {
  // Keyset batches, so that `fn` may use the connection meanwhile.
  std::string after_owner;
  std::string after_reference;
  while (true) {
    ASSIGN_OR_RETURN(
        std::vector<SharedEntryRow> batch,
        All<SharedEntryRow>(
            conn,
            StrCat("SELECT ", kSharedEntryColumns,
                   " FROM shared_watchlist_entries WHERE (? = '' OR owner = ?) AND (owner > ? OR "
                   "(owner = ? AND reference > ?)) ORDER BY owner, reference LIMIT 1000"),
            [&](Statement& st) {
              st.Bind(1, owner)
                  .Bind(2, owner)
                  .Bind(3, after_owner)
                  .Bind(4, after_owner)
                  .Bind(5, after_reference);
            },
            SharedEntryFromRow));
    if (batch.empty()) return absl::OkStatus();
    after_owner = batch.back().owner;
    after_reference = batch.back().reference;
    const bool last = batch.size() < 1000;
    for (SharedEntryRow& e : batch) RETURN_IF_ERROR(fn(std::move(e)));
    if (last) return absl::OkStatus();
  }
}

absl::StatusOr<std::vector<WatchlistHitRow>> ListWatchlistHits(Connection& conn, int limit) {
  if (limit < 1 || limit > 1000) return absl::InvalidArgumentError("limit: 1 to 1000");
  return All<WatchlistHitRow>(
      conn,
      StrCat("SELECT ", kHitColumns,
             " FROM watchlist_hits_received ORDER BY received_ms DESC, id DESC LIMIT ?"),
      [&](Statement& st) { st.Bind(1, limit); }, HitFromRow);
}

absl::Status PutPublishedList(Connection& conn, const PublishedListRow& l) {
  return Run(conn,
             "INSERT INTO watchlist_published_lists (partner, version, entries, updated_ms) "
             "VALUES (?, ?, ?, ?) ON CONFLICT (partner) DO UPDATE SET version = "
             "excluded.version, entries = excluded.entries, updated_ms = excluded.updated_ms",
             [&](Statement& st) {
               st.Bind(1, l.partner).Bind(2, l.version).Bind(3, l.entries).Bind(4, l.updated_ms);
             });
}

absl::Status PutPublishedEntry(Connection& conn, const PublishedEntryRow& e) {
  absl::Status s =
      Run(conn,
          StrCat("INSERT INTO watchlist_published_entries (", kPublishedColumns,
                 ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partner, reference) DO UPDATE SET "
                 "record_id = excluded.record_id, entry = excluded.entry, version = "
                 "excluded.version, removed = excluded.removed"),
          [&](Statement& st) {
            st.Bind(1, e.partner)
                .Bind(2, e.reference)
                .Bind(3, e.record_id)
                .Bind(4, e.entry_json)
                .Bind(5, e.version)
                .Bind(6, e.removed ? 1 : 0);
          });
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(
        StrCat("record ", e.record_id, " already has a watchlist reference for ", e.partner));
  }
  return s;
}

absl::Status PutSharedList(Connection& conn, const SharedListRow& l) {
  return Run(conn,
             StrCat("INSERT INTO shared_watchlists (", kSharedListColumns,
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner) DO UPDATE SET "
                    "version = excluded.version, cursor_version = excluded.cursor_version, "
                    "cursor_reference = excluded.cursor_reference, entries = excluded.entries, "
                    "retention_days = excluded.retention_days, last_pull_ms = "
                    "excluded.last_pull_ms, last_success_ms = excluded.last_success_ms, "
                    "last_error = excluded.last_error"),
             [&](Statement& st) {
               st.Bind(1, l.owner)
                   .Bind(2, l.version)
                   .Bind(3, l.cursor_version)
                   .Bind(4, l.cursor_reference)
                   .Bind(5, l.entries)
                   .Bind(6, l.retention_days)
                   .Bind(7, l.last_pull_ms)
                   .Bind(8, l.last_success_ms)
                   .Bind(9, l.last_error);
             });
}

absl::Status PutSharedEntry(Connection& conn, const SharedEntryRow& e) {
  RETURN_IF_ERROR(Run(conn,
                      StrCat("INSERT INTO shared_watchlist_entries (", kSharedEntryColumns,
                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner, reference) DO "
                             "UPDATE SET version = excluded.version, crime_area = "
                             "excluded.crime_area, handling_code = excluded.handling_code, entry "
                             "= excluded.entry, received_ms = excluded.received_ms, "
                             "retain_until_ms = excluded.retain_until_ms"),
                      [&](Statement& st) {
                        st.Bind(1, e.owner)
                            .Bind(2, e.reference)
                            .Bind(3, e.version)
                            .Bind(4, e.crime_area)
                            .Bind(5, e.handling_code)
                            .Bind(6, e.entry_json)
                            .Bind(7, e.received_ms)
                            .Bind(8, e.retain_until_ms);
                      }));
  return AppendRecordChange(conn, FeedRef(e.owner, e.reference), records::RecordType::kPerson,
                            /*erased=*/false);
}

absl::StatusOr<bool> DeleteSharedEntry(Connection& conn, std::string_view owner,
                                       std::string_view reference) {
  RETURN_IF_ERROR(Run(conn,
                      "DELETE FROM shared_watchlist_entries WHERE owner = ? AND reference = ?",
                      [&](Statement& st) { st.Bind(1, owner).Bind(2, reference); }));
  if (conn.Changes() == 0) return false;
  RETURN_IF_ERROR(AppendRecordChange(conn, FeedRef(owner, reference), records::RecordType::kPerson,
                                     /*erased=*/true));
  return true;
}

absl::Status InsertWatchlistHit(Connection& conn, const WatchlistHitRow& h) {
  absl::Status s = Run(conn,
                       StrCat("INSERT INTO watchlist_hits_received (", kHitColumns,
                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       [&](Statement& st) {
                         st.Bind(1, h.id)
                             .Bind(2, h.partner)
                             .Bind(3, h.reference)
                             .Bind(4, h.record_id)
                             .Bind(5, h.list_version)
                             .Bind(6, h.source)
                             .Bind(7, h.purpose)
                             .Bind(8, h.band)
                             .Bind(9, h.score_permille)
                             .Bind(10, h.hit_ms)
                             .Bind(11, h.received_ms);
                       });
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(StrCat("watchlist hit ", h.id, " was stored before"));
  }
  return s;
}

}  // namespace liaison::store::sql
