// The access gate for shared watchlists (issue 6, docs/protocol.md 8.4).
//
// Publishing. What a partner may see is computed on every pull from the
// node's own alert persons (records with an alert: wanted, surveillance,
// missing, trafficking victim, protected person) within the partner's newest
// agreement (crime areas, record types, handling codes up to its highest),
// reduced to the matching fields (watchlist_messages.h). The result is
// compared with what was last published to that partner: a new entry gets a
// new random reference (stable for that partner, unrelated to the
// references other partners get), a changed one keeps it, one that left the
// scope (record erased, alert cleared, agreement narrowed) becomes a removal;
// any difference makes a new list version. So the version grows exactly when
// the contents change, whether a record or the agreement changed, and a
// partner without an agreement sees an empty list. A page that discloses
// entries is audited as watchlist_published, with the record ids.
//
// Subscribing. A partner's pages are stored apart from the node's records
// (shared_watchlist_entries), each entry with its owner, the owner's list
// version and the owner's retention limit, in one transaction with the
// list's new position and the watchlist_pulled audit entry; the record change
// feed carries each change under "partner:<owner>:<reference>" so the
// screening index follows. A failed pull is remembered (last error) and
// nothing already held is lost.
//
// Hits. A search or screening hit on a shared entry at or above the strong
// band queues a watchlist_hit item for the owner in the caller's
// transaction, audited watchlist_hit_notified; its id is derived from the
// entry and the search or job, so a job hitting one entry many times
// notifies once. The owner maps the reference back to its record, stores
// the hit and audits watchlist_hit_received.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_WATCHLISTS_H_
#define LIAISON_ACCESS_WATCHLISTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "common/random.h"
#include "federation/case_messages.h"
#include "federation/watchlist_messages.h"
#include "records/record.h"
#include "store/store.h"

namespace liaison::access {

// A hit at or above this score on a shared entry notifies its owner (the
// "strong" band of hit/no-hit answers).
inline constexpr double kWatchlistNotifyScore = 0.85;

// The entry a record becomes on a partner's list (without its reference),
// or nullopt when the record is not an alert person. Only matching fields;
// protected persons and victims also lose their alert kind.
std::optional<federation::WatchlistEntry> WatchlistEntryOf(const records::Record& record);

// A shared entry as the screening index and the access gate see it.
struct SharedHitSource {
  std::string owner;
  std::string reference;
};
// Splits "partner:<owner>:<reference>"; nullopt for other refs.
std::optional<SharedHitSource> ParseSharedRef(std::string_view ref);

// What a hit on a shared entry tells the owner.
struct WatchlistHitNotice {
  std::string owner;
  std::string reference;
  int64_t list_version = 0;
  std::string source;     // search, screening
  std::string source_id;  // the search's audit query hash or the job id (deduplication)
  std::string purpose;
  double score = 0;
};

class Watchlists {
 public:
  // Everything must outlive this object.
  Watchlists(store::Store& store, AuditTrail& trail, Random& random);

  // --- Publishing (the partner listener; the partner is authenticated).
  // Brings the list published to `partner` up to date (unless the pull
  // continues a pass) and answers one page of `pull`. Errors only when the
  // store fails.
  absl::StatusOr<federation::WatchlistPage> AnswerPull(std::string_view partner,
                                                       std::string_view envelope_message_id,
                                                       const federation::WatchlistPull& pull);

  // --- Subscribing (the node's pull worker).
  // The position to pull `owner`'s list from (0, "" when nothing is held).
  absl::StatusOr<federation::WatchlistPull> NextPull(std::string_view owner);
  // Applies one page received from `owner` in one transaction (see the
  // file comment). InvalidArgument when the page does not continue from
  // `asked` (a snapshot restarts the list; a delta must be in order).
  absl::Status ApplyPage(std::string_view owner, const federation::WatchlistPull& asked,
                         const federation::WatchlistPage& page);
  // Remembers a failed pull (the list and its entries stay as they were).
  absl::Status RecordPullFailure(std::string_view owner, std::string_view error);
  // Removes held entries past their owner's retention limit (a partner
  // unreachable for longer than it allows). Returns how many.
  absl::StatusOr<int64_t> PurgeExpired();

  // --- Views (partners.query). Reading the hits is audited as a view of
  // the records they name.
  absl::StatusOr<std::vector<store::SharedListRow>> ListShared(const Actor& actor);
  absl::StatusOr<std::vector<store::WatchlistHitRow>> ListHitsReceived(const Actor& actor,
                                                                       int limit);

  // --- Hits, inside the caller's transaction.
  // Queues a watchlist_hit for the owner (when the score reaches
  // kWatchlistNotifyScore) and audits watchlist_hit_notified for `actor`.
  // Returns true when queued now, false when below the band or already
  // queued for this source.
  static absl::StatusOr<bool> NotifyHit(store::Transaction& tx, AuditTrail& trail,
                                        const Actor& actor, const WatchlistHitNotice& notice);
  // The owner's side: maps the item's reference to the record it stands
  // for, stores the hit and audits watchlist_hit_received. Returns "" when
  // accepted, otherwise why it was refused (an unknown reference).
  static absl::StatusOr<std::string> AcceptHit(store::Transaction& tx, AuditTrail& trail,
                                               std::string_view partner,
                                               const federation::WatchlistHitItem& hit,
                                               int64_t now);

  // JSON views for the REST API and the CLI.
  static Json SharedListJson(const store::SharedListRow& list);
  static Json HitReceivedJson(const store::WatchlistHitRow& hit);

 private:
  absl::Status Require(const Actor& actor, std::string_view permission);
  // Recomputes the list for `partner` inside `tx`; returns its version.
  absl::StatusOr<store::PublishedListRow> RefreshPublished(store::Transaction& tx,
                                                           std::string_view partner,
                                                           int64_t* retention_days);

  store::Store& store_;
  AuditTrail& trail_;
  Random& random_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_WATCHLISTS_H_
