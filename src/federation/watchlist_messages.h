// The bodies of shared watchlists (docs/protocol.md section 8.4): a partner
// pulls, with `watchlist_pull`, the list its agreement with the owner allows;
// the owner answers with a page of a `watchlist_snapshot` (the whole list,
// when the puller has nothing yet or holds a version the owner does not
// know) or of a `watchlist_delta` (the entries changed or removed since the
// puller's position). Pages are ordered by (version, reference); the puller
// keeps the position of the last page it applied and asks again from there,
// so a pull interrupted by a failure resumes where it stopped.
//
// An entry carries only what matching needs (names in every script,
// father's name, date of birth, gender, nationalities, identity numbers),
// the crime area and handling code, and an opaque reference that is stable
// for that partner and means nothing to anyone else. Never a record id, a
// location, an address or a contact detail.
//
// Bodies come from another agency's node, so parsing is strict: every member
// required and of its documented form, no unknown members, limits on every
// size; errors name the member.
//
// Thread-safety: plain values and pure functions.
#ifndef LIAISON_FEDERATION_WATCHLIST_MESSAGES_H_
#define LIAISON_FEDERATION_WATCHLIST_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "federation/hit_messages.h"

namespace liaison::federation {

inline constexpr std::string_view kWatchlistPullType = "watchlist_pull";
inline constexpr std::string_view kWatchlistSnapshotType = "watchlist_snapshot";
inline constexpr std::string_view kWatchlistDeltaType = "watchlist_delta";

// A page's body stays under this (so that the envelope, in base64, stays
// under the 1 MiB request limit), and holds at most this many entries.
inline constexpr size_t kMaxWatchlistPageBytes = 640 * 1024;
inline constexpr size_t kMaxWatchlistPageEntries = 1000;
inline constexpr size_t kMaxWatchlistPullBytes = 1024;

struct WatchlistPull {
  std::string pull_id;  // "wlp_" + 26 Crockford base32, new for every page asked
  // The puller's position: every change up to and including the entry
  // (after_version, after_reference) is applied. (0, "") asks for the list
  // from the start, which is answered with a snapshot.
  int64_t after_version = 0;
  std::string after_reference;  // "" or "wle_..."
  // true for the second and later pages of one pass: the owner then serves
  // the list as it published it at the pass's first page instead of
  // recomputing it for every page.
  bool continuation = false;
};

struct WatchlistEntry {
  std::string reference;      // "wle_" + 26 Crockford base32
  std::string crime_area;     // a crime area name
  std::string handling_code;  // H0..H3
  // wanted, surveillance, missing_child, missing_adult, or "" (also for
  // protected persons and victims, whose alert kind is not shared).
  std::string alert;
  QueriedPerson person;  // the matching fields, with the hit_query limits
};

struct WatchlistPage {
  bool snapshot = false;  // watchlist_snapshot (true) or watchlist_delta
  std::string pull_id;
  std::string in_reply_to;              // message id of the pull's envelope
  int64_t list_version = 0;             // the owner's current version of the list
  int64_t retention_days = 0;           // how long the puller may keep the entries (agreement)
  std::vector<WatchlistEntry> upserts;  // added or changed entries
  std::vector<std::string> removals;    // references removed (delta only)
  int64_t next_version = 0;             // the position after this page
  std::string next_reference;
  bool complete = false;  // true: the puller now holds list_version
};

// Bodies as compact JSON, members in the documented order.
std::string WatchlistPullToJson(const WatchlistPull& pull);
std::string WatchlistEntryToJson(const WatchlistEntry& entry);
std::string WatchlistPageToJson(const WatchlistPage& page);

// Parse and check. InvalidArgument "<type>: member '<name>': <problem>" for
// anything outside the documented form, ResourceExhausted for a body over
// its limit. `message_type` says which of the two page types the envelope
// named.
absl::StatusOr<WatchlistPull> ParseWatchlistPull(std::string_view body);
absl::StatusOr<WatchlistPage> ParseWatchlistPage(std::string_view message_type,
                                                 std::string_view body);
// One entry as stored by the puller (the JSON WatchlistEntryToJson wrote).
absl::StatusOr<WatchlistEntry> ParseWatchlistEntry(std::string_view json);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_WATCHLIST_MESSAGES_H_
