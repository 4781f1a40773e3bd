#include "store/migrations.h"

#include <array>

#include "store/store.h"

namespace liaison::store {
namespace {

constexpr std::string_view kRecords = R"sql(
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  source_id TEXT NOT NULL,
  owner TEXT NOT NULL,
  crime_area TEXT NOT NULL,
  handling_code TEXT NOT NULL,
  handling_note TEXT NOT NULL,
  source_reliability TEXT NOT NULL,
  information_accuracy INTEGER NOT NULL,
  alert TEXT NOT NULL,
  subject_category TEXT NOT NULL,
  review_date TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  version BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX records_by_source ON records (source_id, owner, type);
CREATE INDEX records_by_crime_area ON records (crime_area, id);
CREATE INDEX records_by_alert ON records (alert, id);
CREATE INDEX records_by_review ON records (review_date);
CREATE TABLE links (
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  note TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (from_id, to_id, kind)
);
CREATE INDEX links_by_to ON links (to_id);
CREATE TABLE tombstones (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  owner TEXT NOT NULL,
  source_id TEXT NOT NULL,
  erased_ms BIGINT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TABLE audit (
  seq BIGINT PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  entry TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit (time_ms);
CREATE TABLE audit_objects (
  object_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (object_id, seq)
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
)
)sql";

constexpr std::string_view kUsers = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  max_handling_code TEXT NOT NULL,
  crime_areas TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_secret_sealed TEXT NOT NULL,
  totp_last_step BIGINT NOT NULL,
  disabled INTEGER NOT NULL,
  failed_sign_ins INTEGER NOT NULL,
  last_failure_ms BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  signed_out INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_ms);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  user_id TEXT NOT NULL,
  label TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  revoked INTEGER NOT NULL
)
)sql";

constexpr std::string_view kPartners = R"sql(
CREATE TABLE partners (
  node_id TEXT PRIMARY KEY,
  agency TEXT NOT NULL,
  country TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  tls_fingerprint TEXT NOT NULL,
  signing_public_key TEXT NOT NULL,
  bundle TEXT NOT NULL,
  status TEXT NOT NULL,
  added_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE sharing_agreements (
  partner TEXT NOT NULL,
  version BIGINT NOT NULL,
  crime_areas TEXT NOT NULL,
  record_types TEXT NOT NULL,
  max_handling_code TEXT NOT NULL,
  auto_approve TEXT NOT NULL,
  retention_days BIGINT NOT NULL,
  daily_quota BIGINT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_ms BIGINT NOT NULL,
  PRIMARY KEY (partner, version)
);
CREATE TABLE partner_query_counts (
  partner TEXT NOT NULL,
  day TEXT NOT NULL,
  queries BIGINT NOT NULL,
  PRIMARY KEY (partner, day)
);
CREATE TABLE partner_answers (
  partner TEXT NOT NULL,
  query_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  answered_ms BIGINT NOT NULL,
  PRIMARY KEY (partner, query_id)
);
CREATE TABLE partner_references (
  reference TEXT PRIMARY KEY,
  partner TEXT NOT NULL,
  record_id TEXT NOT NULL,
  query_id TEXT NOT NULL,
  band TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX partner_references_by_expiry ON partner_references (expires_ms)
)sql";

// The record change feed (every insert, update and erasure of a record, by
// id only) that in-memory indexes follow, and bulk screening jobs: their
// state and progress, the uploaded list until the job ends, and the hits
// with their review decisions. Scores are in millionths.
constexpr std::string_view kScreening = R"sql(
CREATE TABLE record_changes (
  seq BIGINT PRIMARY KEY,
  record_id TEXT NOT NULL,
  type TEXT NOT NULL,
  erased INTEGER NOT NULL
);
CREATE TABLE screening_jobs (
  id TEXT PRIMARY KEY,
  submitter_id TEXT NOT NULL,
  submitter_name TEXT NOT NULL,
  submitter_role TEXT NOT NULL,
  max_handling_code TEXT NOT NULL,
  crime_areas TEXT NOT NULL,
  purpose TEXT NOT NULL,
  case_ref TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  min_score_micros BIGINT NOT NULL,
  top_hits BIGINT NOT NULL,
  state TEXT NOT NULL,
  total BIGINT NOT NULL,
  done BIGINT NOT NULL,
  hits BIGINT NOT NULL,
  error TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  finished_ms BIGINT NOT NULL
);
CREATE INDEX screening_jobs_by_state ON screening_jobs (state, id);
CREATE TABLE screening_job_inputs (
  job_id TEXT PRIMARY KEY,
  csv TEXT NOT NULL
);
CREATE TABLE screening_hits (
  job_id TEXT NOT NULL,
  hit BIGINT NOT NULL,
  candidate_line BIGINT NOT NULL,
  candidate_id TEXT NOT NULL,
  candidate_name TEXT NOT NULL,
  record_ref TEXT NOT NULL,
  score_micros BIGINT NOT NULL,
  reasons TEXT NOT NULL,
  explanation TEXT NOT NULL,
  decision TEXT NOT NULL,
  decision_reason TEXT NOT NULL,
  reviewer_id TEXT NOT NULL,
  decided_ms BIGINT NOT NULL,
  PRIMARY KEY (job_id, hit)
)
)sql";

// Case messaging (issue 7): case threads with partners, their messages (one
// row per message on each node, idempotent on the message id), the outbox
// of items waiting for delivery (written in the same transaction as the
// message), the ids of every item received (so a retried item is committed
// once), attachments with their parts while they arrive, and the links and
// internal forwards of messages.
constexpr std::string_view kMessaging = R"sql(
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  partner TEXT NOT NULL,
  origin TEXT NOT NULL,
  title TEXT NOT NULL,
  crime_area TEXT NOT NULL,
  handling_code TEXT NOT NULL,
  our_ref TEXT NOT NULL,
  their_ref TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_by_id TEXT NOT NULL,
  opened_by_name TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX cases_by_partner ON cases (partner, id);
CREATE TABLE case_messages (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  local_seq BIGINT NOT NULL UNIQUE,
  direction TEXT NOT NULL,
  thread_seq BIGINT NOT NULL,
  author_id TEXT NOT NULL,
  author_name TEXT NOT NULL,
  priority TEXT NOT NULL,
  answer_by TEXT NOT NULL,
  handling_code TEXT NOT NULL,
  in_reply_to TEXT NOT NULL,
  body_text TEXT NOT NULL,
  entities TEXT NOT NULL,
  attachments TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  sent_ms BIGINT NOT NULL,
  received_ms BIGINT NOT NULL,
  delivery TEXT NOT NULL,
  delivery_error TEXT NOT NULL,
  delivered_ms BIGINT NOT NULL,
  read_ms BIGINT NOT NULL,
  read_by TEXT NOT NULL,
  answered_ms BIGINT NOT NULL
);
CREATE INDEX case_messages_by_case ON case_messages (case_id, local_seq);
CREATE INDEX case_messages_by_direction ON case_messages (direction, local_seq);
CREATE INDEX case_messages_by_thread ON case_messages (case_id, direction, thread_seq);
CREATE TABLE outbox (
  seq BIGINT PRIMARY KEY,
  partner TEXT NOT NULL,
  item_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  case_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX outbox_by_partner ON outbox (partner, seq);
CREATE TABLE received_items (
  item_id TEXT PRIMARY KEY,
  partner TEXT NOT NULL,
  kind TEXT NOT NULL,
  received_ms BIGINT NOT NULL
);
CREATE TABLE case_attachments (
  message_id TEXT NOT NULL,
  idx BIGINT NOT NULL,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  parts BIGINT NOT NULL,
  parts_received BIGINT NOT NULL,
  state TEXT NOT NULL,
  content TEXT,  -- base64
  PRIMARY KEY (message_id, idx)
);
CREATE TABLE case_attachment_parts (
  message_id TEXT NOT NULL,
  idx BIGINT NOT NULL,
  part BIGINT NOT NULL,
  data TEXT NOT NULL,  -- base64
  PRIMARY KEY (message_id, idx, part)
);
CREATE TABLE case_message_links (
  message_id TEXT NOT NULL,
  record_id TEXT NOT NULL,
  linked_by TEXT NOT NULL,
  linked_ms BIGINT NOT NULL,
  PRIMARY KEY (message_id, record_id)
);
CREATE TABLE case_message_forwards (
  message_id TEXT NOT NULL,
  to_user_id TEXT NOT NULL,
  by_user_id TEXT NOT NULL,
  note TEXT NOT NULL,
  forwarded_ms BIGINT NOT NULL
);
CREATE INDEX case_message_forwards_by_user ON case_message_forwards (to_user_id)
)sql";

// Follow-up requests for a hit's data, in both directions, and the data
// partners released to this node (kept apart from the node's own records).
constexpr std::string_view kFollowups = R"sql(
CREATE TABLE followups (
  id TEXT PRIMARY KEY,
  direction TEXT NOT NULL,
  partner TEXT NOT NULL,
  reference TEXT NOT NULL,
  record_id TEXT NOT NULL,
  crime_area TEXT NOT NULL,
  handling_code TEXT NOT NULL,
  purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  urgency TEXT NOT NULL,
  note TEXT NOT NULL,
  requested_by_id TEXT NOT NULL,
  requested_by_name TEXT NOT NULL,
  requested_ms BIGINT NOT NULL,
  received_ms BIGINT NOT NULL,
  deadline_ms BIGINT NOT NULL,
  state TEXT NOT NULL,
  decision_reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_ms BIGINT NOT NULL,
  released_fields TEXT NOT NULL,
  erased_ms BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE INDEX followups_by_direction ON followups (direction, state, id);
CREATE TABLE followup_data (
  followup_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  record_type TEXT NOT NULL,
  crime_area TEXT NOT NULL,
  handling_code TEXT NOT NULL,
  handling_note TEXT NOT NULL,
  data TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  retain_until_ms BIGINT NOT NULL,
  erased_ms BIGINT NOT NULL
);
CREATE INDEX followup_data_by_retention ON followup_data (erased_ms, retain_until_ms)
)sql";

// Shared watchlists (issue 6): the list this node publishes to each partner
// (its version, and every entry as last published, removals kept so deltas
// can name them; the record id never leaves the node), the partners' lists
// this node holds (apart from its own records, with the owner's version and
// retention limit, and how the last pull went), and the hits partners
// reported on this node's entries.
constexpr std::string_view kWatchlists = R"sql(
CREATE TABLE watchlist_published_lists (
  partner TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL
);
CREATE TABLE watchlist_published_entries (
  partner TEXT NOT NULL,
  reference TEXT NOT NULL,
  record_id TEXT NOT NULL,
  entry TEXT NOT NULL,
  version BIGINT NOT NULL,
  removed INTEGER NOT NULL,
  PRIMARY KEY (partner, reference),
  UNIQUE (partner, record_id)
);
CREATE INDEX watchlist_published_by_version ON watchlist_published_entries (partner, version, reference);
CREATE TABLE shared_watchlists (
  owner TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  cursor_version BIGINT NOT NULL,
  cursor_reference TEXT NOT NULL,
  entries BIGINT NOT NULL,
  retention_days BIGINT NOT NULL,
  last_pull_ms BIGINT NOT NULL,
  last_success_ms BIGINT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE TABLE shared_watchlist_entries (
  owner TEXT NOT NULL,
  reference TEXT NOT NULL,
  version BIGINT NOT NULL,
  crime_area TEXT NOT NULL,
  handling_code TEXT NOT NULL,
  entry TEXT NOT NULL,
  received_ms BIGINT NOT NULL,
  retain_until_ms BIGINT NOT NULL,
  PRIMARY KEY (owner, reference)
);
CREATE INDEX shared_watchlist_entries_by_retention ON shared_watchlist_entries (retain_until_ms);
CREATE TABLE watchlist_hits_received (
  id TEXT PRIMARY KEY,
  partner TEXT NOT NULL,
  reference TEXT NOT NULL,
  record_id TEXT NOT NULL,
  list_version BIGINT NOT NULL,
  source TEXT NOT NULL,
  purpose TEXT NOT NULL,
  band TEXT NOT NULL,
  score_permille BIGINT NOT NULL,
  hit_ms BIGINT NOT NULL,
  received_ms BIGINT NOT NULL
);
CREATE INDEX watchlist_hits_by_time ON watchlist_hits_received (received_ms)
)sql";

constexpr std::array<Migration, 7> kMigrations = {{
    {1, "records, links, tombstones, audit log, settings", kRecords},
    {2, "users, sessions, API tokens", kUsers},
    {3, "record change feed, screening jobs and hits", kScreening},
    {4, "partners, sharing agreements, partner query quotas, answers and references", kPartners},
    {5, "cases, case messages, outbox, received items, attachments, message links and forwards",
     kMessaging},
    {6, "follow-up requests and the data partners released", kFollowups},
    {7, "shared watchlists: published lists and entries, partners' lists held, hits received",
     kWatchlists},
}};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

const std::vector<TransferTable>& TransferTables() {
  // Sessions are left out on purpose: a moved node asks users to sign in
  // again. A new migration that adds a table adds it here too.
  static const std::vector<TransferTable>* const kTables = new std::vector<TransferTable>{
      {"settings", {{"key"}, {"value"}}},
      {"records",
       {{"id"},
        {"type"},
        {"source_id"},
        {"owner"},
        {"crime_area"},
        {"handling_code"},
        {"handling_note"},
        {"source_reliability"},
        {"information_accuracy", true},
        {"alert"},
        {"subject_category"},
        {"review_date"},
        {"created_ms", true},
        {"updated_ms", true},
        {"version", true},
        {"body"}}},
      {"links", {{"from_id"}, {"to_id"}, {"kind"}, {"note"}, {"created_ms", true}}, 3},
      {"tombstones", {{"id"}, {"type"}, {"owner"}, {"source_id"}, {"erased_ms", true}, {"reason"}}},
      {"audit",
       {{"seq", true}, {"time_ms", true}, {"actor"}, {"action"}, {"outcome"}, {"entry"}, {"hash"}}},
      {"audit_objects", {{"object_id"}, {"seq", true}}, 2},
      {"record_changes", {{"seq", true}, {"record_id"}, {"type"}, {"erased", true}}},
      {"users",
       {{"id"},
        {"username"},
        {"display_name"},
        {"role"},
        {"max_handling_code"},
        {"crime_areas"},
        {"password_hash"},
        {"totp_secret_sealed"},
        {"totp_last_step", true},
        {"disabled", true},
        {"failed_sign_ins", true},
        {"last_failure_ms", true},
        {"created_ms", true},
        {"updated_ms", true}}},
      {"api_tokens",
       {{"id"}, {"token_hash"}, {"user_id"}, {"label"}, {"created_ms", true}, {"revoked", true}}},
      {"screening_jobs",
       {{"id"},
        {"submitter_id"},
        {"submitter_name"},
        {"submitter_role"},
        {"max_handling_code"},
        {"crime_areas"},
        {"purpose"},
        {"case_ref"},
        {"file_name"},
        {"file_sha256"},
        {"min_score_micros", true},
        {"top_hits", true},
        {"state"},
        {"total", true},
        {"done", true},
        {"hits", true},
        {"error"},
        {"created_ms", true},
        {"updated_ms", true},
        {"finished_ms", true}}},
      {"screening_job_inputs", {{"job_id"}, {"csv"}}},
      {"screening_hits",
       {{"job_id"},
        {"hit", true},
        {"candidate_line", true},
        {"candidate_id"},
        {"candidate_name"},
        {"record_ref"},
        {"score_micros", true},
        {"reasons"},
        {"explanation"},
        {"decision"},
        {"decision_reason"},
        {"reviewer_id"},
        {"decided_ms", true}},
       2},
      {"partners",
       {{"node_id"},
        {"agency"},
        {"country"},
        {"endpoint"},
        {"tls_fingerprint"},
        {"signing_public_key"},
        {"bundle"},
        {"status"},
        {"added_ms", true},
        {"updated_ms", true}}},
      {"sharing_agreements",
       {{"partner"},
        {"version", true},
        {"crime_areas"},
        {"record_types"},
        {"max_handling_code"},
        {"auto_approve"},
        {"retention_days", true},
        {"daily_quota", true},
        {"changed_by"},
        {"changed_ms", true}},
       2},
      {"partner_query_counts", {{"partner"}, {"day"}, {"queries", true}}, 2},
      {"partner_answers", {{"partner"}, {"query_id"}, {"answer"}, {"answered_ms", true}}, 2},
      {"partner_references",
       {{"reference"},
        {"partner"},
        {"record_id"},
        {"query_id"},
        {"band"},
        {"created_ms", true},
        {"expires_ms", true}}},
      {"cases",
       {{"id"},
        {"partner"},
        {"origin"},
        {"title"},
        {"crime_area"},
        {"handling_code"},
        {"our_ref"},
        {"their_ref"},
        {"status"},
        {"opened_by_id"},
        {"opened_by_name"},
        {"created_ms", true},
        {"updated_ms", true}}},
      {"case_messages",
       {{"id"},
        {"case_id"},
        {"local_seq", true},
        {"direction"},
        {"thread_seq", true},
        {"author_id"},
        {"author_name"},
        {"priority"},
        {"answer_by"},
        {"handling_code"},
        {"in_reply_to"},
        {"body_text"},
        {"entities"},
        {"attachments"},
        {"content_sha256"},
        {"sent_ms", true},
        {"received_ms", true},
        {"delivery"},
        {"delivery_error"},
        {"delivered_ms", true},
        {"read_ms", true},
        {"read_by"},
        {"answered_ms", true}}},
      {"outbox",
       {{"seq", true},
        {"partner"},
        {"item_id"},
        {"kind"},
        {"case_id"},
        {"body"},
        {"created_ms", true},
        {"attempts", true},
        {"last_error"}}},
      {"received_items", {{"item_id"}, {"partner"}, {"kind"}, {"received_ms", true}}},
      {"case_attachments",
       {{"message_id"},
        {"idx", true},
        {"name"},
        {"media_type"},
        {"size", true},
        {"sha256"},
        {"parts", true},
        {"parts_received", true},
        {"state"},
        {"content"}},
       2},
      {"case_attachment_parts", {{"message_id"}, {"idx", true}, {"part", true}, {"data"}}, 3},
      {"case_message_links",
       {{"message_id"}, {"record_id"}, {"linked_by"}, {"linked_ms", true}},
       2},
      // No primary key: ordered by every column.
      {"case_message_forwards",
       {{"message_id"}, {"to_user_id"}, {"by_user_id"}, {"note"}, {"forwarded_ms", true}},
       5},
      {"followups",
       {{"id"},
        {"direction"},
        {"partner"},
        {"reference"},
        {"record_id"},
        {"crime_area"},
        {"handling_code"},
        {"purpose"},
        {"legal_basis"},
        {"urgency"},
        {"note"},
        {"requested_by_id"},
        {"requested_by_name"},
        {"requested_ms", true},
        {"received_ms", true},
        {"deadline_ms", true},
        {"state"},
        {"decision_reason"},
        {"decided_by"},
        {"decided_ms", true},
        {"released_fields"},
        {"erased_ms", true},
        {"created_ms", true},
        {"updated_ms", true}}},
      {"followup_data",
       {{"followup_id"},
        {"owner"},
        {"record_type"},
        {"crime_area"},
        {"handling_code"},
        {"handling_note"},
        {"data"},
        {"received_ms", true},
        {"retain_until_ms", true},
        {"erased_ms", true}}},
      {"watchlist_published_lists",
       {{"partner"}, {"version", true}, {"entries", true}, {"updated_ms", true}}},
      {"watchlist_published_entries",
       {{"partner"}, {"reference"}, {"record_id"}, {"entry"}, {"version", true}, {"removed", true}},
       2},
      {"shared_watchlists",
       {{"owner"},
        {"version", true},
        {"cursor_version", true},
        {"cursor_reference"},
        {"entries", true},
        {"retention_days", true},
        {"last_pull_ms", true},
        {"last_success_ms", true},
        {"last_error"}}},
      {"shared_watchlist_entries",
       {{"owner"},
        {"reference"},
        {"version", true},
        {"crime_area"},
        {"handling_code"},
        {"entry"},
        {"received_ms", true},
        {"retain_until_ms", true}},
       2},
      {"watchlist_hits_received",
       {{"id"},
        {"partner"},
        {"reference"},
        {"record_id"},
        {"list_version", true},
        {"source"},
        {"purpose"},
        {"band"},
        {"score_permille", true},
        {"hit_ms", true},
        {"received_ms", true}}},
  };
  return *kTables;
}

int LatestSchemaVersion() { return kMigrations.back().version; }

}  // namespace liaison::store
