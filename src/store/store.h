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

// A registered partner node (from its bundle, docs/protocol.md section 3).
struct PartnerRow {
  std::string node_id;
  std::string agency;
  std::string country;
  std::string endpoint;            // "https://HOST[:PORT]"
  std::string tls_fingerprint;     // SHA-256 of the certificate's DER, lowercase hex
  std::string signing_public_key;  // Ed25519 public key, lowercase hex
  std::string bundle_json;         // the bundle as registered
  std::string status;              // "active" or "removed"
  int64_t added_ms = 0;
  int64_t updated_ms = 0;
};

// One version of the sharing agreement with a partner: what the partner may
// search and receive. Versions are never changed, only superseded.
struct AgreementRow {
  std::string partner;            // node id
  int64_t version = 0;            // 1, 2, ...
  std::string crime_areas;        // comma-separated; empty: nothing searchable
  std::string record_types;       // comma-separated ("person", ...)
  std::string max_handling_code;  // H0..H3
  std::string auto_approve;       // comma-separated follow-up categories
  int64_t retention_days = 0;     // how long the partner may keep released data
  int64_t daily_quota = 0;        // queries per UTC day; 0: none allowed
  std::string changed_by;         // actor id
  int64_t changed_ms = 0;
};

// An opaque reference this node gave a partner for a hit, mapped to the
// record it stands for (for a later follow-up request).
struct PartnerReferenceRow {
  std::string reference;
  std::string partner;
  std::string record_id;
  std::string query_id;
  std::string band;  // strong, possible
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
};

// One entry of the record change feed. Every InsertRecord, UpdateRecord
// and EraseRecord appends one in the same transaction, so in-memory indexes
// (src/screening) can follow the store whichever process wrote to it.
// Holds ids only, never personal data.
struct RecordChange {
  int64_t seq = 0;  // increasing, starting at 1
  std::string record_id;
  records::RecordType type = records::RecordType::kPerson;
  bool erased = false;  // false: inserted or updated
};

// A bulk screening job (access/screening_jobs.h): who submitted it, with
// what clearance and purpose, and how far it got. Scores in millionths.
struct ScreeningJobRow {
  std::string id;  // "scr_..."
  std::string submitter_id;
  std::string submitter_name;
  std::string submitter_role;
  std::string max_handling_code;  // the submitter's clearance at submission
  std::string crime_areas;        // comma-separated; empty = all
  std::string purpose;
  std::string case_ref;
  std::string file_name;
  std::string file_sha256;
  int64_t min_score_micros = 0;
  int64_t top_hits = 0;  // per candidate; 0: no limit
  std::string state;     // queued, running, done, failed
  int64_t total = 0;     // candidates in the list
  int64_t done = 0;      // candidates screened and committed
  int64_t hits = 0;
  std::string error;  // why it failed
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t finished_ms = 0;
};

struct ScreeningJobFilter {
  std::optional<std::string> submitter_id;
  std::vector<std::string> states;  // empty: any
  std::string before_id;            // keyset cursor, newest first: ids below this
  int limit = 100;                  // 1..1000
};

// One hit of a screening job and its review decision.
struct ScreeningHitRow {
  std::string job_id;
  int64_t hit = 0;             // 1, 2, ... in the order found
  int64_t candidate_line = 0;  // line of the candidate in the uploaded list
  std::string candidate_id;
  std::string candidate_name;
  std::string record_ref;  // screening::PersonIndex ref ("per_...")
  int64_t score_micros = 0;
  std::string reasons;           // Matcher summary
  std::string explanation_json;  // structured explanation
  std::string decision;          // "", confirmed, dismissed, needs_review
  std::string decision_reason;
  std::string reviewer_id;
  int64_t decided_ms = 0;
};

// A table of the schema as a whole-node transfer (`liaison export` /
// `liaison import node`, access/node_transfer.h) carries it: its columns in a
// fixed order, the first `key_columns` of them its primary key. A row
// travels as text, integers in decimal.
struct TransferColumn {
  std::string_view name;
  bool integer = false;
};
struct TransferTable {
  std::string_view name;
  std::vector<TransferColumn> columns;
  int key_columns = 1;
};
using TransferRow = std::vector<std::string>;

// Every table a node's data lives in, in an order that loads (store/migrations.cc).
const std::vector<TransferTable>& TransferTables();
// ---------------------------------------------------------------------------
// Cases and messages (issue 7): case threads with partner nodes, their
// messages, the outbox of items waiting for delivery, the ids of items
// received (idempotency), attachments, and the links and forwards of
// messages. Both backends: store/sql/sql_messaging.cc; migration 5.

// A case thread with one partner. The id is chosen by the node that opened
// it and is the same on both nodes.
struct CaseRow {
  std::string id;       // "cas_..."
  std::string partner;  // partner node id
  std::string origin;   // "local" (opened here) or "partner"
  std::string title;
  std::string crime_area;
  std::string handling_code;  // H0..H3
  std::string our_ref;
  std::string their_ref;
  std::string status;  // open, closed
  std::string opened_by_id;
  std::string opened_by_name;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct CaseFilter {
  std::optional<std::string> partner;
  std::string before_id;  // keyset cursor, newest first: ids below this
  int limit = 100;        // 1..1000
};

// One message of a case thread, sent ("out") or received ("in").
struct CaseMessageRow {
  std::string id;  // "cmsg_...", unique on both nodes
  std::string case_id;
  int64_t local_seq = 0;   // order in which this node committed it (set by InsertCaseMessage)
  std::string direction;   // out, in
  int64_t thread_seq = 0;  // the sender's sequence in the case
  std::string author_id;   // local user id for "out"; "partner:<node>" for "in"
  std::string author_name;
  std::string priority;       // routine, urgent, immediate
  std::string answer_by;      // YYYY-MM-DD or ""
  std::string handling_code;  // H0..H3
  std::string in_reply_to;
  std::string text;
  std::string entities_json;     // JSON array of {"type", "body"}
  std::string attachments_json;  // JSON array of attachment descriptions
  std::string content_sha256;    // lowercase hex
  int64_t sent_ms = 0;           // the sender's commit time
  int64_t received_ms = 0;       // "in": when this node committed it
  std::string delivery;          // out: pending, delivered, refused; in: received
  std::string delivery_error;    // out: the partner's refusal reason
  int64_t delivered_ms = 0;      // out: when the partner's ack came
  int64_t read_ms = 0;           // out: partner's read receipt; in: first read here
  std::string read_by;           // in: user id of the first reader
  int64_t answered_ms = 0;       // marked answered (in: here; out: partner's receipt)
};

struct CaseMessageFilter {
  std::optional<std::string> case_id;
  std::optional<std::string> direction;  // out, in
  bool unanswered_only = false;          // answered_ms = 0
  bool unread_only = false;              // read_ms = 0
  int64_t after_local_seq = 0;           // keyset cursor, oldest first
  int limit = 100;                       // 1..1000
};

// An item waiting in the outbox for delivery to `partner`, in seq order.
struct OutboxRow {
  int64_t seq = 0;  // set by EnqueueOutbox: increasing
  std::string partner;
  std::string item_id;  // unique
  std::string kind;     // case_open, case_message, receipt, attachment_part
  std::string case_id;  // "" when not about one case
  std::string body;     // the item as JSON (docs/protocol.md 8.2)
  int64_t created_ms = 0;
  int64_t attempts = 0;
  std::string last_error;
};

struct OutboxPartnerCount {
  std::string partner;
  int64_t pending = 0;
};

// An attachment of a message, and whether all of it is here.
struct AttachmentRow {
  std::string message_id;
  int64_t idx = 0;
  std::string name;
  std::string media_type;
  int64_t size = 0;
  std::string sha256;
  int64_t parts = 1;
  int64_t parts_received = 0;
  std::string state;    // complete, receiving, refused (scanner or hash)
  std::string content;  // the bytes, when complete (not filled by ListAttachments)
};

struct MessageLinkRow {
  std::string message_id;
  std::string record_id;
  std::string linked_by;
  int64_t linked_ms = 0;
};

struct MessageForwardRow {
  std::string message_id;
  std::string to_user_id;
  std::string by_user_id;
  std::string note;
  int64_t forwarded_ms = 0;
};

// ---------------------------------------------------------------------------
// Follow-up requests for a hit's data (issue 6): both directions of the
// request and its decision, and the data a partner released to this node,
// kept apart from the node's own records. Both backends:
// store/sql/sql_followups.cc; migration 6.

// A follow-up request: "out" when an officer of this node asked a partner,
// "in" when a partner asked this node. The id is the same on both nodes.
struct FollowupRow {
  std::string id;             // "fup_..."
  std::string direction;      // out, in
  std::string partner;        // the other node
  std::string reference;      // the owner's hit reference ("ref_...")
  std::string record_id;      // in: the record the reference stands for ("" when unknown)
  std::string crime_area;     // in: the record's; out: the release's ("" before one)
  std::string handling_code;  // in: the record's; out: the release's ("" before one)
  std::string purpose;
  std::string legal_basis;
  std::string urgency;  // urgent, urgent_indirect, normal
  std::string note;
  std::string requested_by_id;  // out: the officer's user id; in: "partner:<node>"
  std::string requested_by_name;
  int64_t requested_ms = 0;  // the requester's time
  int64_t received_ms = 0;   // in: when it arrived here
  int64_t deadline_ms = 0;   // in: from receipt; out: the requester's estimate
  std::string state;         // out: sent, approved, approved_partial, refused; in: pending, ...
  std::string decision_reason;
  std::string decided_by;  // a name, "agreement vN" or "node"
  int64_t decided_ms = 0;
  std::string released_fields;  // JSON array of field names
  int64_t erased_ms = 0;        // when the released data was erased (in: as the partner said)
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct FollowupFilter {
  std::optional<std::string> direction;  // out, in
  std::optional<std::string> state;
  std::string before_id;  // keyset cursor, newest first: ids below this
  int limit = 100;        // 1..1000
};

// Data a partner released to this node for an outgoing follow-up, marked
// with its handling code, owner and retention limit. Erasure empties `data`
// and sets erased_ms; the row stays as the trace.
struct FollowupDataRow {
  std::string followup_id;
  std::string owner;  // the owning node
  std::string record_type;
  std::string crime_area;
  std::string handling_code;
  std::string handling_note;
  std::string data;  // JSON object of released fields; "" once erased
  int64_t received_ms = 0;
  int64_t retain_until_ms = 0;
  int64_t erased_ms = 0;
};

// Shared watchlists (issue 6): what this node publishes to each partner, the
// lists partners publish to it, and the hits partners reported on its
// entries. Both backends: store/sql/sql_watchlists.cc; migration 7.

// One entry of the list this node publishes to `partner`, as last published.
// A removed entry stays as a removal so that deltas can name it.
struct PublishedEntryRow {
  std::string partner;
  std::string reference;   // "wle_..." random, per partner; stable across versions
  std::string record_id;   // the record it stands for (never sent)
  std::string entry_json;  // the entry as sent (docs/protocol.md 8.4); "" when removed
  int64_t version = 0;     // the list version in which it last changed
  bool removed = false;
};

// The list this node publishes to `partner`: its current version.
struct PublishedListRow {
  std::string partner;
  int64_t version = 0;
  int64_t entries = 0;  // live entries
  int64_t updated_ms = 0;
};

// An entry of a partner's list as this node received it. Never a record of
// this node: it lives apart, and only the screening index reads it.
struct SharedEntryRow {
  std::string owner;      // the partner that published it
  std::string reference;  // the owner's opaque reference
  int64_t version = 0;    // the owner's list version it came with
  std::string crime_area;
  std::string handling_code;
  std::string entry_json;  // the entry as received
  int64_t received_ms = 0;
  int64_t retain_until_ms = 0;  // the owner's retention limit
};

// A partner's list as this node holds it, and how pulling it went.
struct SharedListRow {
  std::string owner;
  int64_t version = 0;         // the owner's version this copy is complete at
  int64_t cursor_version = 0;  // position within the owner's changes (resume point)
  std::string cursor_reference;
  int64_t entries = 0;
  int64_t retention_days = 0;
  int64_t last_pull_ms = 0;  // last attempt
  int64_t last_success_ms = 0;
  std::string last_error;  // "" after a successful pull
};

// A hit a partner reported on an entry this node published to it.
struct WatchlistHitRow {
  std::string id;  // the item id ("wlh_..."), unique
  std::string partner;
  std::string reference;
  std::string record_id;  // what the reference stands for on this node
  int64_t list_version = 0;
  std::string source;  // search, screening
  std::string purpose;
  std::string band;  // strong, possible
  int64_t score_permille = 0;
  int64_t hit_ms = 0;
  int64_t received_ms = 0;
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

  // Record change feed entries with seq > after_seq, oldest first, at most
  // `limit` (1..100000).
  virtual absl::StatusOr<std::vector<RecordChange>> RecordChangesAfter(int64_t after_seq,
                                                                       int limit) = 0;
  // The newest change's seq, or 0.
  virtual absl::StatusOr<int64_t> LastRecordChange() = 0;

  // Screening jobs (store/sql/sql_screening.cc).
  virtual absl::StatusOr<std::optional<ScreeningJobRow>> GetScreeningJob(std::string_view id) = 0;
  // Jobs matching `filter`, newest first.
  virtual absl::StatusOr<std::vector<ScreeningJobRow>> ListScreeningJobs(
      const ScreeningJobFilter& filter) = 0;
  // The uploaded list of a job that has not ended.
  virtual absl::StatusOr<std::optional<std::string>> GetScreeningJobInput(
      std::string_view job_id) = 0;
  // Hits of a job with hit > after_hit, in order, at most `limit` (1..1000).
  virtual absl::StatusOr<std::vector<ScreeningHitRow>> ListScreeningHits(std::string_view job_id,
                                                                         int64_t after_hit,
                                                                         int limit) = 0;
  virtual absl::StatusOr<std::optional<ScreeningHitRow>> GetScreeningHit(std::string_view job_id,
                                                                         int64_t hit) = 0;

  // Partners (issue 6). GetPartner returns removed partners too.
  virtual absl::StatusOr<std::optional<PartnerRow>> GetPartner(std::string_view node_id) = 0;
  virtual absl::StatusOr<std::vector<PartnerRow>> ListPartners() = 0;
  // The newest agreement version with `partner`, if any.
  virtual absl::StatusOr<std::optional<AgreementRow>> GetAgreement(std::string_view partner) = 0;
  // Every version, oldest first.
  virtual absl::StatusOr<std::vector<AgreementRow>> AgreementHistory(std::string_view partner) = 0;
  // Queries answered for `partner` on UTC day `day` ("YYYY-MM-DD").
  virtual absl::StatusOr<int64_t> PartnerQueryCount(std::string_view partner,
                                                    std::string_view day) = 0;
  // The answer body given earlier to `partner`'s query `query_id`, if any.
  virtual absl::StatusOr<std::optional<std::string>> GetPartnerAnswer(
      std::string_view partner, std::string_view query_id) = 0;
  virtual absl::StatusOr<std::optional<PartnerReferenceRow>> GetPartnerReference(
      std::string_view reference) = 0;

  // Calls `fn` for every row of `table` in primary key order, in batches (so
  // fn may use this reader); stops early and returns fn's error.
  virtual absl::Status ScanTable(const TransferTable& table,
                                 const std::function<absl::Status(const TransferRow&)>& fn) = 0;
  // Cases and messages (store/sql/sql_messaging.cc).
  virtual absl::StatusOr<std::optional<CaseRow>> GetCase(std::string_view id) = 0;
  // Cases matching `filter`, newest first.
  virtual absl::StatusOr<std::vector<CaseRow>> ListCases(const CaseFilter& filter) = 0;
  virtual absl::StatusOr<std::optional<CaseMessageRow>> GetCaseMessage(std::string_view id) = 0;
  // Messages matching `filter`, in the order this node committed them.
  virtual absl::StatusOr<std::vector<CaseMessageRow>> ListCaseMessages(
      const CaseMessageFilter& filter) = 0;
  // The largest thread_seq of the messages this node sent in `case_id`, or 0.
  virtual absl::StatusOr<int64_t> LastThreadSeq(std::string_view case_id) = 0;
  // Outbox items for `partner` with seq > after_seq, in seq order, at most
  // `limit` (1..10000).
  virtual absl::StatusOr<std::vector<OutboxRow>> PendingOutbox(std::string_view partner,
                                                               int64_t after_seq, int limit) = 0;
  // Partners with items in the outbox, and how many.
  virtual absl::StatusOr<std::vector<OutboxPartnerCount>> OutboxPartners() = 0;
  // True when an item with this id was received before.
  virtual absl::StatusOr<bool> HasReceivedItem(std::string_view item_id) = 0;
  // A message's attachments in index order, without content.
  virtual absl::StatusOr<std::vector<AttachmentRow>> ListAttachments(
      std::string_view message_id) = 0;
  // One attachment with its content (empty unless complete).
  virtual absl::StatusOr<std::optional<AttachmentRow>> GetAttachment(std::string_view message_id,
                                                                     int64_t idx) = 0;
  // The received parts of an attachment, in part order.
  virtual absl::StatusOr<std::vector<std::string>> AttachmentParts(std::string_view message_id,
                                                                   int64_t idx) = 0;
  virtual absl::StatusOr<std::vector<MessageLinkRow>> MessageLinks(std::string_view message_id) = 0;
  virtual absl::StatusOr<std::vector<MessageForwardRow>> MessageForwards(
      std::string_view message_id) = 0;

  // Follow-ups (store/sql/sql_followups.cc).
  virtual absl::StatusOr<std::optional<FollowupRow>> GetFollowup(std::string_view id) = 0;
  // Follow-ups matching `filter`, newest first.
  virtual absl::StatusOr<std::vector<FollowupRow>> ListFollowups(const FollowupFilter& filter) = 0;
  virtual absl::StatusOr<std::optional<FollowupDataRow>> GetFollowupData(
      std::string_view followup_id) = 0;
  // Received data not yet erased whose retain_until_ms <= now_ms, soonest
  // first, at most `limit` (1..1000).
  virtual absl::StatusOr<std::vector<FollowupDataRow>> FollowupDataDue(int64_t now_ms,
                                                                       int limit) = 0;
  // Shared watchlists (store/sql/sql_watchlists.cc).
  virtual absl::StatusOr<std::optional<PublishedListRow>> GetPublishedList(
      std::string_view partner) = 0;
  // Every entry (removals included) published to `partner`, by reference.
  virtual absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntries(
      std::string_view partner) = 0;
  // Entries published to `partner` after (after_version, after_reference) in
  // (version, reference) order, at most `limit` (1..10000).
  virtual absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntriesAfter(
      std::string_view partner, int64_t after_version, std::string_view after_reference,
      int limit) = 0;
  virtual absl::StatusOr<std::optional<PublishedEntryRow>> GetPublishedEntry(
      std::string_view partner, std::string_view reference) = 0;
  virtual absl::StatusOr<std::optional<SharedListRow>> GetSharedList(std::string_view owner) = 0;
  virtual absl::StatusOr<std::vector<SharedListRow>> ListSharedLists() = 0;
  virtual absl::StatusOr<std::optional<SharedEntryRow>> GetSharedEntry(
      std::string_view owner, std::string_view reference) = 0;
  // Calls `fn` for every shared entry (of `owner`, or of every owner when
  // empty), in (owner, reference) order; stops at fn's error.
  virtual absl::Status ScanSharedEntries(
      std::string_view owner, const std::function<absl::Status(SharedEntryRow&&)>& fn) = 0;
  // Hits reported by partners, newest first, at most `limit` (1..1000).
  virtual absl::StatusOr<std::vector<WatchlistHitRow>> ListWatchlistHits(int limit) = 0;
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

  // Removes change feed entries with seq < before_seq (the newest entry is
  // always kept, so seqs never restart).
  virtual absl::Status PruneRecordChanges(int64_t before_seq) = 0;

  // Inserts or replaces a screening job by id.
  virtual absl::Status PutScreeningJob(const ScreeningJobRow& job) = 0;
  virtual absl::Status PutScreeningJobInput(std::string_view job_id, std::string_view csv) = 0;
  virtual absl::Status DeleteScreeningJobInput(std::string_view job_id) = 0;
  // AlreadyExists when the job already has this hit number.
  virtual absl::Status InsertScreeningHit(const ScreeningHitRow& hit) = 0;
  // Stores the decision fields of `hit` (decision, reason, reviewer, time).
  // NotFound when there is no such hit.
  virtual absl::Status DecideScreeningHit(const ScreeningHitRow& hit) = 0;

  // Inserts or replaces the partner with `partner.node_id`.
  virtual absl::Status PutPartner(const PartnerRow& partner) = 0;
  // Adds an agreement version; AlreadyExists when that version exists.
  virtual absl::Status AddAgreement(const AgreementRow& agreement) = 0;
  // Adds one to the count of (`partner`, `day`) and returns the new count.
  virtual absl::StatusOr<int64_t> IncrementPartnerQueryCount(std::string_view partner,
                                                             std::string_view day) = 0;
  // Remembers the answer to a partner's query; AlreadyExists when present.
  virtual absl::Status PutPartnerAnswer(std::string_view partner, std::string_view query_id,
                                        std::string_view answer, int64_t answered_ms) = 0;
  virtual absl::Status PutPartnerReference(const PartnerReferenceRow& reference) = 0;

  // Inserts one row of `table` as ScanTable gave it (a whole-node import
  // into an empty store). InvalidArgument when the row does not fit the
  // table; AlreadyExists when its key is taken.
  virtual absl::Status LoadRow(const TransferTable& table, const TransferRow& row) = 0;
  // Cases and messages (store/sql/sql_messaging.cc).
  // Inserts or replaces the case with `c.id`.
  virtual absl::Status PutCase(const CaseRow& c) = 0;
  // Inserts a message and sets its local_seq (returned). AlreadyExists when
  // the id is taken.
  virtual absl::StatusOr<int64_t> InsertCaseMessage(const CaseMessageRow& message) = 0;
  // Stores the delivery, read and answered fields of `message`. NotFound when
  // there is no such message.
  virtual absl::Status UpdateCaseMessageState(const CaseMessageRow& message) = 0;
  // Appends an item to the outbox; returns its seq. AlreadyExists when the
  // item id is already queued.
  virtual absl::StatusOr<int64_t> EnqueueOutbox(const OutboxRow& item) = 0;
  // Removes a delivered (or refused) item. NotFound when absent.
  virtual absl::Status DeleteOutbox(int64_t seq) = 0;
  // Notes a failed attempt on an item (attempts and last error).
  virtual absl::Status NoteOutboxAttempt(int64_t seq, int64_t attempts,
                                         std::string_view last_error) = 0;
  // Remembers that an item was received; AlreadyExists when it was before.
  virtual absl::Status InsertReceivedItem(std::string_view item_id, std::string_view partner,
                                          std::string_view kind, int64_t received_ms) = 0;
  // Inserts or replaces an attachment (with its content when complete).
  virtual absl::Status PutAttachment(const AttachmentRow& attachment) = 0;
  // Stores one received part; AlreadyExists when present.
  virtual absl::Status PutAttachmentPart(std::string_view message_id, int64_t idx, int64_t part,
                                         std::string_view data) = 0;
  virtual absl::Status DeleteAttachmentParts(std::string_view message_id, int64_t idx) = 0;
  // AlreadyExists when the link exists.
  virtual absl::Status AddMessageLink(const MessageLinkRow& link) = 0;
  virtual absl::Status AddMessageForward(const MessageForwardRow& forward) = 0;

  // Follow-ups: insert or replace by id.
  virtual absl::Status PutFollowup(const FollowupRow& followup) = 0;
  virtual absl::Status PutFollowupData(const FollowupDataRow& data) = 0;
  // Shared watchlists (store/sql/sql_watchlists.cc).
  virtual absl::Status PutPublishedList(const PublishedListRow& list) = 0;
  // Inserts or replaces by (partner, reference). AlreadyExists when another
  // reference of `partner` stands for the same record.
  virtual absl::Status PutPublishedEntry(const PublishedEntryRow& entry) = 0;
  virtual absl::Status PutSharedList(const SharedListRow& list) = 0;
  // Inserts or replaces by (owner, reference); appends a change feed entry
  // with the ref "partner:<owner>:<reference>" so screening indexes follow.
  virtual absl::Status PutSharedEntry(const SharedEntryRow& entry) = 0;
  // Removes one entry (and appends a change feed entry); false when absent.
  virtual absl::StatusOr<bool> DeleteSharedEntry(std::string_view owner,
                                                 std::string_view reference) = 0;
  // AlreadyExists when a hit with this id was stored before.
  virtual absl::Status InsertWatchlistHit(const WatchlistHitRow& hit) = 0;
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
