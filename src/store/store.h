// The storage interface. Everything the node keeps — records, links,
// tombstones, the audit log, settings — is read and written through it, so
// that SQLite (one file, the default) and PostgreSQL (issue 9) are
// interchangeable. Nothing above the access layer uses it directly.
//
// Reads run in a consistent snapshot (`Store::Read`); writes run in one
// transaction (`Store::Write`) that commits only when the callback returns OK
// and rolls back otherwise, so a data change and its audit entry are durable
// together or not at all.
//
// Thread-safety: Store is safe for concurrent use. Reader and Transaction
// objects belong to the callback that received them and must not escape it.
#ifndef LIAISON_STORE_STORE_H_
#define LIAISON_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "records/record.h"

namespace liaison::store {

// Filters for listing records; all set fields must match.
struct RecordFilter {
  std::optional<records::RecordType> type;
  std::optional<records::CrimeArea> crime_area;
  std::optional<records::AlertKind> alert;
  std::optional<std::string> owner;
  std::optional<std::string> review_before;  // review_date < this (YYYY-MM-DD)
  std::optional<std::string> review_after;   // review_date >= this
  std::string after_id;                      // keyset cursor: ids greater than this
  int limit = 100;                           // 1..1000
};

struct RecordPage {
  std::vector<records::Record> records;
  std::string next_cursor;  // empty on the last page
};

// What remains of an erased record: enough to prove it existed and why it is
// gone, nothing personal.
struct Tombstone {
  std::string id;
  records::RecordType type = records::RecordType::kPerson;
  std::string owner;
  std::string source_id;
  int64_t erased_ms = 0;
  std::string reason;  // deleted, retention, partner_erasure
};

// One stored audit entry. The chain logic lives in src/audit/; the store
// keeps the serialised entry and the columns auditors query on.
struct AuditRow {
  int64_t seq = 0;
  int64_t time_ms = 0;
  std::string actor;
  std::string action;
  std::string outcome;
  std::string entry_json;  // the canonical entry as sealed, including its hash
  std::string hash;
  std::vector<std::string> object_ids;  // records the entry concerns
};

// A user of the node (officer, analyst, system account). Secrets are stored
// only as hashes (password: Argon2id; TOTP secret: sealed with a node key).
struct UserRow {
  std::string id;
  std::string username;  // unique, lower case
  std::string display_name;
  std::string role;
  std::string max_handling_code;  // H0..H3
  std::string crime_areas;        // comma-separated; empty = all
  std::string password_hash;
  std::string totp_secret_sealed;  // empty: no second factor enrolled
  int64_t totp_last_step = 0;      // replay protection
  bool disabled = false;
  int failed_sign_ins = 0;
  int64_t last_failure_ms = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct SessionRow {
  std::string token_hash;
  std::string user_id;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
  int64_t expires_ms = 0;
  bool signed_out = false;
};

struct ApiTokenRow {
  std::string id;  // public part of the token, for lookup
  std::string token_hash;
  std::string user_id;
  std::string label;
  int64_t created_ms = 0;
  bool revoked = false;
};

// Counts for the joint-committee statistics.
struct CountRow {
  std::string key;  // e.g. "narcotics", or "2026-11|search"
  int64_t count = 0;
};

class Reader {
 public:
  virtual ~Reader() = default;

  // Returns NotFound when no live record has this id.
  virtual absl::StatusOr<records::Record> GetRecord(std::string_view id) = 0;
  // The id of the live record of `type` owned by `owner` with `source_id`.
  virtual absl::StatusOr<std::optional<std::string>> FindBySourceId(records::RecordType type,
                                                                    std::string_view owner,
                                                                    std::string_view source_id) = 0;
  virtual absl::StatusOr<RecordPage> ListRecords(const RecordFilter& filter) = 0;
  // Calls `fn` for every live record of `type` in id order; stops early and
  // returns fn's error when it fails.
  virtual absl::Status ScanRecords(records::RecordType type,
                                   const std::function<absl::Status(records::Record&&)>& fn) = 0;
  virtual absl::StatusOr<int64_t> CountRecords(std::optional<records::RecordType> type) = 0;
  virtual absl::StatusOr<std::vector<records::Link>> LinksOf(std::string_view id) = 0;
  virtual absl::StatusOr<std::optional<Tombstone>> GetTombstone(std::string_view id) = 0;

  // The newest audit row, if any.
  virtual absl::StatusOr<std::optional<AuditRow>> AuditHead() = 0;
  // Rows with from_seq <= seq <= to_seq in order (to_seq 0 = to the end).
  virtual absl::Status ScanAudit(int64_t from_seq, int64_t to_seq,
                                 const std::function<absl::Status(const AuditRow&)>& fn) = 0;
  // Rows that concern `object_id`, oldest first.
  virtual absl::StatusOr<std::vector<AuditRow>> AuditForObject(std::string_view object_id) = 0;

  virtual absl::StatusOr<std::optional<std::string>> GetSetting(std::string_view key) = 0;

  // Live records per crime area.
  virtual absl::StatusOr<std::vector<CountRow>> CountRecordsByCrimeArea() = 0;
  // Audit entries between the two times (inclusive), counted per UTC month
  // and action, keyed "YYYY-MM|action|outcome".
  virtual absl::StatusOr<std::vector<CountRow>> CountAuditByMonth(int64_t from_ms,
                                                                  int64_t to_ms) = 0;

  virtual absl::StatusOr<std::optional<UserRow>> GetUser(std::string_view id) = 0;
  virtual absl::StatusOr<std::optional<UserRow>> FindUserByName(std::string_view username) = 0;
  virtual absl::StatusOr<std::vector<UserRow>> ListUsers() = 0;
  virtual absl::StatusOr<std::optional<SessionRow>> GetSession(std::string_view token_hash) = 0;
  virtual absl::StatusOr<std::optional<ApiTokenRow>> GetApiToken(std::string_view id) = 0;
};

class Transaction : public Reader {
 public:
  // Returns AlreadyExists when the id is taken.
  virtual absl::Status InsertRecord(const records::Record& record) = 0;
  // Replaces the record with `record.meta.id` if its stored version equals
  // `expected_version`. Returns NotFound, or Aborted on a version conflict.
  virtual absl::Status UpdateRecord(const records::Record& record, int64_t expected_version) = 0;
  // Erases the record and its links, leaving `tombstone`. NotFound if absent.
  virtual absl::Status EraseRecord(std::string_view id, const Tombstone& tombstone) = 0;
  virtual absl::Status AddLink(const records::Link& link) = 0;
  // NotFound when there is no such link.
  virtual absl::Status RemoveLink(std::string_view from_id, std::string_view to_id,
                                  std::string_view kind) = 0;
  // Appends an audit row; its seq must be the head's seq + 1 (FailedPrecondition otherwise).
  virtual absl::Status AppendAudit(const AuditRow& row) = 0;
  virtual absl::Status PutSetting(std::string_view key, std::string_view value) = 0;

  // Inserts or replaces by id. AlreadyExists when another user has the name.
  virtual absl::Status PutUser(const UserRow& user) = 0;
  virtual absl::Status PutSession(const SessionRow& session) = 0;
  // Removes sessions that expired before `now_ms` or were signed out.
  virtual absl::Status PurgeSessions(int64_t now_ms) = 0;
  virtual absl::Status PutApiToken(const ApiTokenRow& token) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `fn` in a read snapshot.
  virtual absl::Status Read(const std::function<absl::Status(Reader&)>& fn) = 0;
  // Runs `fn` in a write transaction; commits when it returns OK. Returns
  // fn's error, or the commit's (Unavailable when the database is busy,
  // ResourceExhausted when the disk is full, DataLoss on corruption).
  virtual absl::Status Write(const std::function<absl::Status(Transaction&)>& fn) = 0;

  // The schema version the database is at.
  virtual absl::StatusOr<int> SchemaVersion() = 0;
};

}  // namespace liaison::store

#endif  // LIAISON_STORE_STORE_H_
