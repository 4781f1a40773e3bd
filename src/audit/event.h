// What a caller records in the audit log: who did what to which records, why,
// from where, and with what outcome. An Event becomes an Entry of the chain
// when it is sealed (entry.h).
//
// Personal data never goes into an event in clear: query terms are recorded
// as a keyed hash (HashQueryTerms), records by their ids.
//
// Thread-safety: plain data and pure functions.
#ifndef LIAISON_AUDIT_EVENT_H_
#define LIAISON_AUDIT_EVENT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/json_text.h"

namespace liaison::audit {

// The closed set of audited actions. Each has a stable name (ActionName) that
// is what the log stores; add new actions at the end, never rename one.
enum class Action {
  kSignIn,
  kSignInFailed,
  kSignOut,
  kSearch,
  kView,
  kCreate,
  kUpdate,
  kDelete,
  kImport,
  kExport,
  kScreening,
  kPartnerQuerySent,
  kPartnerQueryAnswered,
  kDisclosure,
  kRefusal,
  kAccessDenied,
  kConfigChange,
  kUserChange,
  kRetentionErase,
  kCheckpoint,
  kRetentionReview,
  kKeyChange,
  kAuditExport,
  kAuditVerify,
  kCaseOpened,
  kMessageSent,
  kMessageDelivered,
  kMessageReceived,
  kMessageRead,
  kMessageForwarded,
  // Follow-up requests for a hit's data (issue 6).
  kFollowupRequested,
  kFollowupDecided,
  kDataReleased,
  kDataReceived,
  kDataErased,
  // Shared watchlists (issue 6).
  kWatchlistPublished,
  kWatchlistPulled,
  kWatchlistHitNotified,
  kWatchlistHitReceived,
};

// Stable lowercase name, e.g. "partner_query_sent".
std::string_view ActionName(Action action);
// The action named `name`, or nullopt when the name is unknown.
std::optional<Action> ActionFromName(std::string_view name);
// Every action, in declaration order (for tests and documentation).
std::span<const Action> AllActions();

enum class Outcome { kOk, kDenied, kError };

// "ok", "denied" or "error".
std::string_view OutcomeName(Outcome outcome);
std::optional<Outcome> OutcomeFromName(std::string_view name);

// Limits Seal enforces on an event, so every entry fits an export line.
inline constexpr size_t kMaxTextBytes = 4096;      // each text field
inline constexpr size_t kMaxObjectIds = 1000;      // ids per entry
inline constexpr size_t kMaxObjectIdBytes = 128;   // each id
inline constexpr size_t kMaxDetailsBytes = 16384;  // canonical details text
inline constexpr int kMaxDetailsDepth = 4;         // {} is depth 1

struct Event {
  // Who: the user id (e.g. "usr_01J..."; "node" for the node itself), the
  // display name at the time, and the role they acted in.
  std::string actor_id;
  std::string actor_name;
  std::string actor_role;

  Action action = Action::kView;

  // Which records the action touched, by id.
  std::vector<std::string> object_ids;

  // Keyed hash of the query terms (HashQueryTerms), or empty.
  std::string query_hash;

  // Why: the stated purpose and the case reference, if any.
  std::string purpose;
  std::string case_ref;

  Outcome outcome = Outcome::kOk;
  std::string outcome_text;

  // Small JSON object with action-specific facts (counts, field names,
  // partner ids...). Integers, strings, booleans, null, arrays and objects;
  // no floating point. Never personal data in clear.
  Json details = Json::object();

  // Where the request came from: "cli", "api", "partner:<node-id>", "node".
  std::string origin;
};

// Checks `event` against the limits above and that every text is valid
// UTF-8. Returns InvalidArgument naming the first offending field.
absl::Status ValidateEvent(const Event& event);

// Size of the node secret that keys query hashes.
inline constexpr size_t kQueryKeyBytes = 32;

// Keyed hash of personal-data query terms: BLAKE2b-256 (libsodium
// crypto_generichash) keyed with the node's 32-byte query key, over each term
// as an 8-byte little-endian length followed by its bytes, so that ["ab","c"]
// and ["a","bc"] differ. Returns 64 lowercase hex characters. The caller
// normalises the terms first (the same query must hash the same way).
// Returns InvalidArgument when `key` is not kQueryKeyBytes long.
absl::StatusOr<std::string> HashQueryTerms(std::span<const uint8_t> key,
                                           std::span<const std::string> terms);

}  // namespace liaison::audit

#endif  // LIAISON_AUDIT_EVENT_H_
