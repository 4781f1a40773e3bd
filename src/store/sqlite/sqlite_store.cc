#include "store/sqlite/sqlite_store.h"

#include <ctime>
#include <filesystem>
#include <map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "records/record_json.h"
#include "store/migrations.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_messaging.h"
#include "store/sqlite/sqlite_partners.h"
#include "store/sqlite/sqlite_screening.h"

namespace liaison::store {
namespace {

using records::Record;
using records::RecordType;
using sqlite::Connection;
using sqlite::Statement;

// Ids start with their type's prefix ("per_", ...), so a range on the primary
// key selects a type: [prefix, prefix with its last character incremented).
std::pair<std::string, std::string> IdRangeOf(RecordType type) {
  std::string lo(records::IdPrefix(type));
  std::string hi = lo;
  hi.back() = static_cast<char>(hi.back() + 1);
  return {lo, hi};
}

constexpr char kRecordColumns[] =
    "id, type, source_id, owner, crime_area, handling_code, handling_note, source_reliability, "
    "information_accuracy, alert, subject_category, review_date, created_ms, updated_ms, version, "
    "body";

absl::StatusOr<Record> RecordFromRow(const Statement& st) {
  Record r;
  records::RecordMeta& m = r.meta;
  m.id = st.String(0);
  auto corrupt = [&](std::string_view field, const absl::Status& s) {
    return absl::DataLossError(
        StrCat("record ", m.id, ": stored ", field, " is invalid: ", StdView(s.message())));
  };
  auto type = records::ParseRecordType(st.Text(1));
  if (!type.ok()) return corrupt("type", type.status());
  m.source_id = st.String(2);
  m.owner = st.String(3);
  auto area = records::ParseCrimeArea(st.Text(4));
  if (!area.ok()) return corrupt("crime_area", area.status());
  m.crime_area = *area;
  auto code = records::ParseHandlingCode(st.Text(5));
  if (!code.ok()) return corrupt("handling_code", code.status());
  m.handling_code = *code;
  m.handling_note = st.String(6);
  std::string_view rel = st.Text(7);
  m.source_reliability = rel.empty() ? 'X' : rel[0];
  m.information_accuracy = static_cast<int>(st.Int(8));
  auto alert = records::ParseAlertKind(st.Text(9));
  if (!alert.ok()) return corrupt("alert", alert.status());
  m.alert = *alert;
  auto category = records::ParseSubjectCategory(st.Text(10));
  if (!category.ok()) return corrupt("subject_category", category.status());
  m.subject_category = *category;
  m.review_date = st.String(11);
  m.created_ms = st.Int(12);
  m.updated_ms = st.Int(13);
  m.version = st.Int(14);
  auto json = ParseJson(st.Text(15), {.max_bytes = 16 << 20, .max_depth = 16});
  if (!json.ok()) return corrupt("body", json.status());
  auto body = records::BodyFromJson(*type, *json);
  if (!body.ok()) return corrupt("body", body.status());
  r.body = *std::move(body);
  return r;
}

void BindRecord(Statement& st, const Record& r) {
  const records::RecordMeta& m = r.meta;
  st.Bind(1, m.id)
      .Bind(2, records::Name(r.type()))
      .Bind(3, m.source_id)
      .Bind(4, m.owner)
      .Bind(5, records::Name(m.crime_area))
      .Bind(6, records::Name(m.handling_code))
      .Bind(7, m.handling_note)
      .Bind(8, std::string(1, m.source_reliability))
      .Bind(9, m.information_accuracy)
      .Bind(10, records::Name(m.alert))
      .Bind(11, records::Name(m.subject_category))
      .Bind(12, m.review_date)
      .Bind(13, m.created_ms)
      .Bind(14, m.updated_ms)
      .Bind(15, m.version)
      .Bind(16, DumpJson(records::BodyToJson(r.body, /*omit_empty=*/true)));
}

AuditRow AuditFromRow(const Statement& st) {
  AuditRow row;
  row.seq = st.Int(0);
  row.time_ms = st.Int(1);
  row.actor = st.String(2);
  row.action = st.String(3);
  row.outcome = st.String(4);
  row.entry_json = st.String(5);
  row.hash = st.String(6);
  return row;
}

constexpr char kAuditColumns[] = "seq, time_ms, actor, action, outcome, entry, hash";

constexpr char kUserColumns[] =
    "id, username, display_name, role, max_handling_code, crime_areas, password_hash, "
    "totp_secret_sealed, totp_last_step, disabled, failed_sign_ins, last_failure_ms, created_ms, "
    "updated_ms";

UserRow UserFromRow(const Statement& st) {
  UserRow u;
  u.id = st.String(0);
  u.username = st.String(1);
  u.display_name = st.String(2);
  u.role = st.String(3);
  u.max_handling_code = st.String(4);
  u.crime_areas = st.String(5);
  u.password_hash = st.String(6);
  u.totp_secret_sealed = st.String(7);
  u.totp_last_step = st.Int(8);
  u.disabled = st.Int(9) != 0;
  u.failed_sign_ins = static_cast<int>(st.Int(10));
  u.last_failure_ms = st.Int(11);
  u.created_ms = st.Int(12);
  u.updated_ms = st.Int(13);
  return u;
}

// Reader and Transaction over one connection inside an open SQL transaction.
class SqliteAccess final : public Transaction {
 public:
  explicit SqliteAccess(Connection& conn) : conn_(conn) {}

  absl::StatusOr<Record> GetRecord(std::string_view id) override {
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(StrCat("SELECT ", kRecordColumns,
                                                          " FROM records WHERE id = ?")));
    st->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return absl::NotFoundError(StrCat("no record with id '", id, "'"));
    auto r = RecordFromRow(*st);
    st->Reset();
    return r;
  }

  absl::StatusOr<std::optional<std::string>> FindBySourceId(RecordType type, std::string_view owner,
                                                            std::string_view source_id) override {
    return QueryOne<std::string>(
        "SELECT id FROM records WHERE type = ? AND owner = ? AND source_id = ? LIMIT 1",
        [&](Statement& st) { st.Bind(1, records::Name(type)).Bind(2, owner).Bind(3, source_id); },
        [](const Statement& st) { return st.String(0); });
  }

  absl::StatusOr<RecordPage> ListRecords(const RecordFilter& f) override {
    if (f.limit < 1 || f.limit > 1000) {
      return absl::InvalidArgumentError("limit: expected 1 to 1000");
    }
    std::string sql = StrCat("SELECT ", kRecordColumns, " FROM records WHERE id > ?");
    std::vector<std::string> args = {f.after_id};
    if (f.type) {
      auto [lo, hi] = IdRangeOf(*f.type);
      sql += " AND id >= ? AND id < ? AND type = ?";
      args.push_back(lo);
      args.push_back(hi);
      args.emplace_back(records::Name(*f.type));
    }
    if (f.crime_area) {
      sql += " AND crime_area = ?";
      args.emplace_back(records::Name(*f.crime_area));
    }
    if (f.alert) {
      sql += " AND alert = ?";
      args.emplace_back(records::Name(*f.alert));
    }
    if (f.owner) {
      sql += " AND owner = ?";
      args.push_back(*f.owner);
    }
    if (f.review_before) {
      sql += " AND review_date <> '' AND review_date < ?";
      args.push_back(*f.review_before);
    }
    if (f.review_after) {
      sql += " AND review_date >= ?";
      args.push_back(*f.review_after);
    }
    sql += " ORDER BY id LIMIT ?";
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(sql));
    int i = 1;
    for (const std::string& a : args) st->Bind(i++, a);
    st->Bind(i, f.limit + 1);
    RecordPage page;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      if (static_cast<int>(page.records.size()) == f.limit) {
        page.next_cursor = page.records.back().meta.id;
        break;
      }
      auto r = RecordFromRow(*st);
      if (!r.ok()) {
        st->Reset();
        return r.status();
      }
      page.records.push_back(*std::move(r));
    }
    st->Reset();
    return page;
  }

  absl::Status ScanRecords(RecordType type,
                           const std::function<absl::Status(Record&&)>& fn) override {
    // A dedicated statement (not the cache) so that fn may use this reader.
    std::string sql = StrCat("SELECT ", kRecordColumns,
                             " FROM records WHERE id >= ? AND id < ? AND type = ? ORDER BY id");
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(conn_.raw(), sql.c_str(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) return sqlite::SqliteError(rc, conn_.raw(), "preparing scan");
    Statement st(conn_.raw(), raw);
    auto [lo, hi] = IdRangeOf(type);
    st.Bind(1, lo).Bind(2, hi).Bind(3, records::Name(type));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return absl::OkStatus();
      ASSIGN_OR_RETURN(Record r, RecordFromRow(st));
      RETURN_IF_ERROR(fn(std::move(r)));
    }
  }

  absl::StatusOr<int64_t> CountRecords(std::optional<RecordType> type) override {
    ASSIGN_OR_RETURN(Statement * st,
                     conn_.Prepare(type ? "SELECT count(*) FROM records WHERE id >= ? AND id < ? "
                                          "AND type = ?"
                                        : "SELECT count(*) FROM records"));
    if (type) {
      auto [lo, hi] = IdRangeOf(*type);
      st->Bind(1, lo).Bind(2, hi).Bind(3, records::Name(*type));
    }
    ASSIGN_OR_RETURN(bool row, st->Step());
    int64_t n = row ? st->Int(0) : 0;
    st->Reset();
    return n;
  }

  absl::StatusOr<std::vector<records::Link>> LinksOf(std::string_view id) override {
    ASSIGN_OR_RETURN(Statement * st,
                     conn_.Prepare("SELECT from_id, to_id, kind, note, created_ms FROM links "
                                   "WHERE from_id = ? OR to_id = ? ORDER BY created_ms, kind"));
    st->Bind(1, id).Bind(2, id);
    std::vector<records::Link> links;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      links.push_back({st->String(0), st->String(1), st->String(2), st->String(3), st->Int(4)});
    }
    st->Reset();
    return links;
  }

  absl::StatusOr<std::optional<Tombstone>> GetTombstone(std::string_view id) override {
    return QueryOne<Tombstone>(
        "SELECT id, type, owner, source_id, erased_ms, reason FROM tombstones WHERE id = ?",
        [&](Statement& st) { st.Bind(1, id); },
        [](const Statement& st) {
          auto type = records::ParseRecordType(st.Text(1));
          return Tombstone{st.String(0), type.ok() ? *type : RecordType::kPerson,
                           st.String(2), st.String(3),
                           st.Int(4),    st.String(5)};
        });
  }

  absl::StatusOr<std::optional<AuditRow>> AuditHead() override {
    return QueryOne<AuditRow>(
        StrCat("SELECT ", kAuditColumns, " FROM audit ORDER BY seq DESC LIMIT 1"),
        [](Statement&) {}, AuditFromRow);
  }

  absl::Status ScanAudit(int64_t from_seq, int64_t to_seq,
                         const std::function<absl::Status(const AuditRow&)>& fn) override {
    std::string sql = StrCat("SELECT ", kAuditColumns,
                             " FROM audit WHERE seq >= ? AND (? = 0 OR seq <= ?) ORDER BY seq");
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(conn_.raw(), sql.c_str(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) return sqlite::SqliteError(rc, conn_.raw(), "preparing audit scan");
    Statement st(conn_.raw(), raw);
    st.Bind(1, from_seq).Bind(2, to_seq).Bind(3, to_seq);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return absl::OkStatus();
      RETURN_IF_ERROR(fn(AuditFromRow(st)));
    }
  }

  absl::StatusOr<std::vector<AuditRow>> AuditForObject(std::string_view object_id) override {
    ASSIGN_OR_RETURN(
        Statement * st,
        conn_.Prepare(StrCat("SELECT a.seq, a.time_ms, a.actor, a.action, a.outcome, a.entry, "
                             "a.hash FROM audit_objects o JOIN audit a ON a.seq = o.seq "
                             "WHERE o.object_id = ? ORDER BY a.seq")));
    st->Bind(1, object_id);
    std::vector<AuditRow> rows;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      rows.push_back(AuditFromRow(*st));
      rows.back().object_ids = {std::string(object_id)};
    }
    st->Reset();
    return rows;
  }

  absl::StatusOr<std::optional<std::string>> GetSetting(std::string_view key) override {
    return QueryOne<std::string>(
        "SELECT value FROM settings WHERE key = ?", [&](Statement& st) { st.Bind(1, key); },
        [](const Statement& st) { return st.String(0); });
  }

  absl::StatusOr<std::vector<CountRow>> CountRecordsByCrimeArea() override {
    return Counts("SELECT crime_area, count(*) FROM records GROUP BY crime_area ORDER BY 1", {});
  }

  absl::StatusOr<std::vector<CountRow>> CountAuditByMonth(int64_t from_ms, int64_t to_ms) override {
    // Months are computed in C++ from time_ms so the SQL stays portable.
    ASSIGN_OR_RETURN(Statement * st,
                     conn_.Prepare("SELECT time_ms, action, outcome FROM audit "
                                   "WHERE time_ms >= ? AND time_ms <= ? ORDER BY seq"));
    st->Bind(1, from_ms).Bind(2, to_ms);
    std::map<std::string, int64_t> counts;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      time_t secs = static_cast<time_t>(st->Int(0) / 1000);
      tm utc{};
      gmtime_r(&secs, &utc);
      char month[32];
      snprintf(month, sizeof month, "%04d-%02d", utc.tm_year + 1900, utc.tm_mon + 1);
      ++counts[StrCat(month, "|", st->Text(1), "|", st->Text(2))];
    }
    st->Reset();
    std::vector<CountRow> out;
    for (auto& [k, v] : counts) out.push_back({k, v});
    return out;
  }

  absl::StatusOr<std::optional<UserRow>> GetUser(std::string_view id) override {
    return OneUser(StrCat("SELECT ", kUserColumns, " FROM users WHERE id = ?"), id);
  }

  absl::StatusOr<std::optional<UserRow>> FindUserByName(std::string_view username) override {
    return OneUser(StrCat("SELECT ", kUserColumns, " FROM users WHERE username = ?"), username);
  }

  absl::StatusOr<std::vector<UserRow>> ListUsers() override {
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(StrCat("SELECT ", kUserColumns,
                                                          " FROM users ORDER BY username")));
    std::vector<UserRow> users;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      users.push_back(UserFromRow(*st));
    }
    st->Reset();
    return users;
  }

  absl::StatusOr<std::optional<SessionRow>> GetSession(std::string_view token_hash) override {
    return QueryOne<SessionRow>(
        "SELECT token_hash, user_id, created_ms, last_seen_ms, expires_ms, signed_out FROM "
        "sessions WHERE token_hash = ?",
        [&](Statement& st) { st.Bind(1, token_hash); },
        [](const Statement& st) {
          return SessionRow{st.String(0), st.String(1), st.Int(2),
                            st.Int(3),    st.Int(4),    st.Int(5) != 0};
        });
  }

  absl::StatusOr<std::optional<ApiTokenRow>> GetApiToken(std::string_view id) override {
    return QueryOne<ApiTokenRow>(
        "SELECT id, token_hash, user_id, label, created_ms, revoked FROM api_tokens WHERE id = ?",
        [&](Statement& st) { st.Bind(1, id); },
        [](const Statement& st) {
          return ApiTokenRow{st.String(0), st.String(1), st.String(2),
                             st.String(3), st.Int(4),    st.Int(5) != 0};
        });
  }

  absl::Status PutUser(const UserRow& u) override {
    ASSIGN_OR_RETURN(
        Statement * st,
        conn_.Prepare(StrCat("INSERT INTO users (", kUserColumns,
                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (id) DO UPDATE SET username = excluded.username, "
                             "display_name = excluded.display_name, role = excluded.role, "
                             "max_handling_code = excluded.max_handling_code, "
                             "crime_areas = excluded.crime_areas, "
                             "password_hash = excluded.password_hash, "
                             "totp_secret_sealed = excluded.totp_secret_sealed, "
                             "totp_last_step = excluded.totp_last_step, "
                             "disabled = excluded.disabled, "
                             "failed_sign_ins = excluded.failed_sign_ins, "
                             "last_failure_ms = excluded.last_failure_ms, "
                             "updated_ms = excluded.updated_ms")));
    st->Bind(1, u.id)
        .Bind(2, u.username)
        .Bind(3, u.display_name)
        .Bind(4, u.role)
        .Bind(5, u.max_handling_code)
        .Bind(6, u.crime_areas)
        .Bind(7, u.password_hash)
        .Bind(8, u.totp_secret_sealed)
        .Bind(9, u.totp_last_step)
        .Bind(10, u.disabled ? 1 : 0)
        .Bind(11, u.failed_sign_ins)
        .Bind(12, u.last_failure_ms)
        .Bind(13, u.created_ms)
        .Bind(14, u.updated_ms);
    absl::Status s = st->Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(StrCat("a user named '", u.username, "' exists"));
    }
    return s;
  }

  absl::Status PutSession(const SessionRow& r) override {
    ASSIGN_OR_RETURN(
        Statement * st,
        conn_.Prepare("INSERT INTO sessions (token_hash, user_id, created_ms, "
                      "last_seen_ms, expires_ms, signed_out) VALUES (?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (token_hash) DO UPDATE SET "
                      "last_seen_ms = excluded.last_seen_ms, "
                      "expires_ms = excluded.expires_ms, "
                      "signed_out = excluded.signed_out"));
    st->Bind(1, r.token_hash)
        .Bind(2, r.user_id)
        .Bind(3, r.created_ms)
        .Bind(4, r.last_seen_ms)
        .Bind(5, r.expires_ms)
        .Bind(6, r.signed_out ? 1 : 0);
    return st->Run();
  }

  absl::Status PurgeSessions(int64_t now_ms) override {
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare("DELETE FROM sessions WHERE expires_ms < ? OR "
                                                   "signed_out <> 0"));
    st->Bind(1, now_ms);
    return st->Run();
  }

  absl::Status PutApiToken(const ApiTokenRow& t) override {
    ASSIGN_OR_RETURN(Statement * st,
                     conn_.Prepare("INSERT INTO api_tokens (id, token_hash, user_id, label, "
                                   "created_ms, revoked) VALUES (?, ?, ?, ?, ?, ?) "
                                   "ON CONFLICT (id) DO UPDATE SET revoked = excluded.revoked"));
    st->Bind(1, t.id)
        .Bind(2, t.token_hash)
        .Bind(3, t.user_id)
        .Bind(4, t.label)
        .Bind(5, t.created_ms)
        .Bind(6, t.revoked ? 1 : 0);
    return st->Run();
  }

  absl::Status InsertRecord(const Record& record) override {
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(StrCat("INSERT INTO records (", kRecordColumns,
                                                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                                          "?, ?, ?, ?, ?, ?, ?)")));
    BindRecord(*st, record);
    absl::Status s = st->Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(StrCat("a record with id '", record.meta.id, "' exists"));
    }
    RETURN_IF_ERROR(s);
    return sqlite::AppendRecordChange(conn_, record.meta.id, record.type(), /*erased=*/false);
  }

  absl::Status UpdateRecord(const Record& record, int64_t expected_version) override {
    ASSIGN_OR_RETURN(
        Statement * st,
        conn_.Prepare("UPDATE records SET id = ?, type = ?, source_id = ?, owner = ?, "
                      "crime_area = ?, handling_code = ?, handling_note = ?, "
                      "source_reliability = ?, information_accuracy = ?, alert = ?, "
                      "subject_category = ?, review_date = ?, created_ms = ?, updated_ms = ?, "
                      "version = ?, body = ? WHERE id = ? AND version = ?"));
    BindRecord(*st, record);
    st->Bind(17, record.meta.id).Bind(18, expected_version);
    RETURN_IF_ERROR(st->Run());
    if (sqlite3_changes(conn_.raw()) == 1) {
      return sqlite::AppendRecordChange(conn_, record.meta.id, record.type(), /*erased=*/false);
    }
    auto current = GetRecord(record.meta.id);
    if (!current.ok()) return current.status();
    return absl::AbortedError(StrCat("record '", record.meta.id, "' is at version ",
                                     current->meta.version, ", not ", expected_version,
                                     "; reload it and apply the change again"));
  }

  absl::Status EraseRecord(std::string_view id, const Tombstone& t) override {
    ASSIGN_OR_RETURN(Statement * del, conn_.Prepare("DELETE FROM records WHERE id = ?"));
    del->Bind(1, id);
    RETURN_IF_ERROR(del->Run());
    if (sqlite3_changes(conn_.raw()) != 1) {
      return absl::NotFoundError(StrCat("no record with id '", id, "'"));
    }
    ASSIGN_OR_RETURN(Statement * links,
                     conn_.Prepare("DELETE FROM links WHERE from_id = ? OR to_id = ?"));
    links->Bind(1, id).Bind(2, id);
    RETURN_IF_ERROR(links->Run());
    ASSIGN_OR_RETURN(Statement * ins,
                     conn_.Prepare("INSERT INTO tombstones (id, type, owner, source_id, "
                                   "erased_ms, reason) VALUES (?, ?, ?, ?, ?, ?)"));
    ins->Bind(1, id)
        .Bind(2, records::Name(t.type))
        .Bind(3, t.owner)
        .Bind(4, t.source_id)
        .Bind(5, t.erased_ms)
        .Bind(6, t.reason);
    RETURN_IF_ERROR(ins->Run());
    return sqlite::AppendRecordChange(conn_, id, t.type, /*erased=*/true);
  }

  absl::Status AddLink(const records::Link& l) override {
    ASSIGN_OR_RETURN(Statement * st,
                     conn_.Prepare("INSERT INTO links (from_id, to_id, kind, note, created_ms) "
                                   "VALUES (?, ?, ?, ?, ?)"));
    st->Bind(1, l.from_id).Bind(2, l.to_id).Bind(3, l.kind).Bind(4, l.note).Bind(5, l.created_ms);
    absl::Status s = st->Run();
    if (absl::IsAlreadyExists(s)) return absl::AlreadyExistsError("that link exists");
    return s;
  }

  absl::Status RemoveLink(std::string_view from_id, std::string_view to_id,
                          std::string_view kind) override {
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare("DELETE FROM links WHERE from_id = ? AND "
                                                   "to_id = ? AND kind = ?"));
    st->Bind(1, from_id).Bind(2, to_id).Bind(3, kind);
    RETURN_IF_ERROR(st->Run());
    if (sqlite3_changes(conn_.raw()) != 1) return absl::NotFoundError("no such link");
    return absl::OkStatus();
  }

  absl::Status AppendAudit(const AuditRow& row) override {
    ASSIGN_OR_RETURN(std::optional<AuditRow> head, AuditHead());
    int64_t expected = head ? head->seq + 1 : 1;
    if (row.seq != expected) {
      return absl::FailedPreconditionError(
          StrCat("audit entry ", row.seq, " does not follow the head (expected ", expected, ")"));
    }
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(StrCat("INSERT INTO audit (", kAuditColumns,
                                                          ") VALUES (?, ?, ?, ?, ?, ?, ?)")));
    st->Bind(1, row.seq)
        .Bind(2, row.time_ms)
        .Bind(3, row.actor)
        .Bind(4, row.action)
        .Bind(5, row.outcome)
        .Bind(6, row.entry_json)
        .Bind(7, row.hash);
    RETURN_IF_ERROR(st->Run());
    for (const std::string& object : row.object_ids) {
      ASSIGN_OR_RETURN(Statement * o, conn_.Prepare("INSERT OR IGNORE INTO audit_objects "
                                                    "(object_id, seq) VALUES (?, ?)"));
      o->Bind(1, object).Bind(2, row.seq);
      RETURN_IF_ERROR(o->Run());
    }
    return absl::OkStatus();
  }

  absl::Status PutSetting(std::string_view key, std::string_view value) override {
    ASSIGN_OR_RETURN(Statement * st,
                     conn_.Prepare("INSERT INTO settings (key, value) VALUES (?, ?) "
                                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    st->Bind(1, key).Bind(2, value);
    return st->Run();
  }

  // Partners: store/sqlite/sqlite_partners.cc.
  absl::StatusOr<std::optional<PartnerRow>> GetPartner(std::string_view node_id) override {
    return sqlite::GetPartner(conn_, node_id);
  }
  absl::StatusOr<std::vector<PartnerRow>> ListPartners() override {
    return sqlite::ListPartners(conn_);
  }
  absl::StatusOr<std::optional<AgreementRow>> GetAgreement(std::string_view partner) override {
    return sqlite::GetAgreement(conn_, partner);
  }
  absl::StatusOr<std::vector<AgreementRow>> AgreementHistory(std::string_view partner) override {
    return sqlite::AgreementHistory(conn_, partner);
  }
  absl::StatusOr<int64_t> PartnerQueryCount(std::string_view partner,
                                            std::string_view day) override {
    return sqlite::PartnerQueryCount(conn_, partner, day);
  }
  absl::StatusOr<std::optional<std::string>> GetPartnerAnswer(std::string_view partner,
                                                              std::string_view query_id) override {
    return sqlite::GetPartnerAnswer(conn_, partner, query_id);
  }
  absl::StatusOr<std::optional<PartnerReferenceRow>> GetPartnerReference(
      std::string_view reference) override {
    return sqlite::GetPartnerReference(conn_, reference);
  }
  absl::Status PutPartner(const PartnerRow& partner) override {
    return sqlite::PutPartner(conn_, partner);
  }
  absl::Status AddAgreement(const AgreementRow& agreement) override {
    return sqlite::AddAgreement(conn_, agreement);
  }
  absl::StatusOr<int64_t> IncrementPartnerQueryCount(std::string_view partner,
                                                     std::string_view day) override {
    return sqlite::IncrementPartnerQueryCount(conn_, partner, day);
  }
  absl::Status PutPartnerAnswer(std::string_view partner, std::string_view query_id,
                                std::string_view answer, int64_t answered_ms) override {
    return sqlite::PutPartnerAnswer(conn_, partner, query_id, answer, answered_ms);
  }
  absl::Status PutPartnerReference(const PartnerReferenceRow& reference) override {
    return sqlite::PutPartnerReference(conn_, reference);
  }

  // Cases and messages: store/sqlite/sqlite_messaging.cc.
  absl::StatusOr<std::optional<CaseRow>> GetCase(std::string_view id) override {
    return sqlite::GetCase(conn_, id);
  }
  absl::StatusOr<std::vector<CaseRow>> ListCases(const CaseFilter& filter) override {
    return sqlite::ListCases(conn_, filter);
  }
  absl::StatusOr<std::optional<CaseMessageRow>> GetCaseMessage(std::string_view id) override {
    return sqlite::GetCaseMessage(conn_, id);
  }
  absl::StatusOr<std::vector<CaseMessageRow>> ListCaseMessages(
      const CaseMessageFilter& filter) override {
    return sqlite::ListCaseMessages(conn_, filter);
  }
  absl::StatusOr<int64_t> LastThreadSeq(std::string_view case_id) override {
    return sqlite::LastThreadSeq(conn_, case_id);
  }
  absl::StatusOr<std::vector<OutboxRow>> PendingOutbox(std::string_view partner, int64_t after_seq,
                                                       int limit) override {
    return sqlite::PendingOutbox(conn_, partner, after_seq, limit);
  }
  absl::StatusOr<std::vector<OutboxPartnerCount>> OutboxPartners() override {
    return sqlite::OutboxPartners(conn_);
  }
  absl::StatusOr<bool> HasReceivedItem(std::string_view item_id) override {
    return sqlite::HasReceivedItem(conn_, item_id);
  }
  absl::StatusOr<std::vector<AttachmentRow>> ListAttachments(std::string_view message_id) override {
    return sqlite::ListAttachments(conn_, message_id);
  }
  absl::StatusOr<std::optional<AttachmentRow>> GetAttachment(std::string_view message_id,
                                                             int64_t idx) override {
    return sqlite::GetAttachment(conn_, message_id, idx);
  }
  absl::StatusOr<std::vector<std::string>> AttachmentParts(std::string_view message_id,
                                                           int64_t idx) override {
    return sqlite::AttachmentParts(conn_, message_id, idx);
  }
  absl::StatusOr<std::vector<MessageLinkRow>> MessageLinks(std::string_view message_id) override {
    return sqlite::MessageLinks(conn_, message_id);
  }
  absl::StatusOr<std::vector<MessageForwardRow>> MessageForwards(
      std::string_view message_id) override {
    return sqlite::MessageForwards(conn_, message_id);
  }
  absl::Status PutCase(const CaseRow& c) override { return sqlite::PutCase(conn_, c); }
  absl::StatusOr<int64_t> InsertCaseMessage(const CaseMessageRow& message) override {
    return sqlite::InsertCaseMessage(conn_, message);
  }
  absl::Status UpdateCaseMessageState(const CaseMessageRow& message) override {
    return sqlite::UpdateCaseMessageState(conn_, message);
  }
  absl::StatusOr<int64_t> EnqueueOutbox(const OutboxRow& item) override {
    return sqlite::EnqueueOutbox(conn_, item);
  }
  absl::Status DeleteOutbox(int64_t seq) override { return sqlite::DeleteOutbox(conn_, seq); }
  absl::Status NoteOutboxAttempt(int64_t seq, int64_t attempts,
                                 std::string_view last_error) override {
    return sqlite::NoteOutboxAttempt(conn_, seq, attempts, last_error);
  }
  absl::Status InsertReceivedItem(std::string_view item_id, std::string_view partner,
                                  std::string_view kind, int64_t received_ms) override {
    return sqlite::InsertReceivedItem(conn_, item_id, partner, kind, received_ms);
  }
  absl::Status PutAttachment(const AttachmentRow& attachment) override {
    return sqlite::PutAttachment(conn_, attachment);
  }
  absl::Status PutAttachmentPart(std::string_view message_id, int64_t idx, int64_t part,
                                 std::string_view data) override {
    return sqlite::PutAttachmentPart(conn_, message_id, idx, part, data);
  }
  absl::Status DeleteAttachmentParts(std::string_view message_id, int64_t idx) override {
    return sqlite::DeleteAttachmentParts(conn_, message_id, idx);
  }
  absl::Status AddMessageLink(const MessageLinkRow& link) override {
    return sqlite::AddMessageLink(conn_, link);
  }
  absl::Status AddMessageForward(const MessageForwardRow& forward) override {
    return sqlite::AddMessageForward(conn_, forward);
  }

  // Record change feed and screening jobs: store/sqlite/sqlite_screening.cc.
  absl::StatusOr<std::vector<RecordChange>> RecordChangesAfter(int64_t after_seq,
                                                               int limit) override {
    return sqlite::RecordChangesAfter(conn_, after_seq, limit);
  }
  absl::StatusOr<int64_t> LastRecordChange() override { return sqlite::LastRecordChange(conn_); }
  absl::StatusOr<std::optional<ScreeningJobRow>> GetScreeningJob(std::string_view id) override {
    return sqlite::GetScreeningJob(conn_, id);
  }
  absl::StatusOr<std::vector<ScreeningJobRow>> ListScreeningJobs(
      const ScreeningJobFilter& filter) override {
    return sqlite::ListScreeningJobs(conn_, filter);
  }
  absl::StatusOr<std::optional<std::string>> GetScreeningJobInput(
      std::string_view job_id) override {
    return sqlite::GetScreeningJobInput(conn_, job_id);
  }
  absl::StatusOr<std::vector<ScreeningHitRow>> ListScreeningHits(std::string_view job_id,
                                                                 int64_t after_hit,
                                                                 int limit) override {
    return sqlite::ListScreeningHits(conn_, job_id, after_hit, limit);
  }
  absl::StatusOr<std::optional<ScreeningHitRow>> GetScreeningHit(std::string_view job_id,
                                                                 int64_t hit) override {
    return sqlite::GetScreeningHit(conn_, job_id, hit);
  }
  absl::Status PruneRecordChanges(int64_t before_seq) override {
    return sqlite::PruneRecordChanges(conn_, before_seq);
  }
  absl::Status PutScreeningJob(const ScreeningJobRow& job) override {
    return sqlite::PutScreeningJob(conn_, job);
  }
  absl::Status PutScreeningJobInput(std::string_view job_id, std::string_view csv) override {
    return sqlite::PutScreeningJobInput(conn_, job_id, csv);
  }
  absl::Status DeleteScreeningJobInput(std::string_view job_id) override {
    return sqlite::DeleteScreeningJobInput(conn_, job_id);
  }
  absl::Status InsertScreeningHit(const ScreeningHitRow& hit) override {
    return sqlite::InsertScreeningHit(conn_, hit);
  }
  absl::Status DecideScreeningHit(const ScreeningHitRow& hit) override {
    return sqlite::DecideScreeningHit(conn_, hit);
  }

 private:
  absl::StatusOr<std::vector<CountRow>> Counts(const std::string& sql,
                                               const std::vector<std::string>& args) {
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(sql));
    for (size_t i = 0; i < args.size(); ++i) st->Bind(static_cast<int>(i + 1), args[i]);
    std::vector<CountRow> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back({st->String(0), st->Int(1)});
    }
    st->Reset();
    return out;
  }

  absl::StatusOr<std::optional<UserRow>> OneUser(const std::string& sql, std::string_view key) {
    return QueryOne<UserRow>(
        sql, [&](Statement& st) { st.Bind(1, key); }, UserFromRow);
  }

  // Runs a query that returns at most one row: `bind` sets its parameters,
  // `read` maps the row. Empty when there is no row.
  template <typename T, typename Bind, typename Read>
  absl::StatusOr<std::optional<T>> QueryOne(const std::string& sql, const Bind& bind,
                                            const Read& read) {
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(sql));
    bind(*st);
    ASSIGN_OR_RETURN(bool row, st->Step());
    std::optional<T> out;
    if (row) out = read(*st);
    st->Reset();
    return out;
  }

  Connection& conn_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  absl::Status Read(const std::function<absl::Status(Reader&)>& fn) override {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, AcquireReader());
    absl::Status s = conn->Exec("BEGIN");
    if (s.ok()) {
      SqliteAccess access(*conn);
      s = fn(access);
      absl::Status end = conn->Exec("COMMIT");
      if (s.ok()) s = end;
    }
    ReleaseReader(std::move(conn));
    return s;
  }

  absl::Status Write(const std::function<absl::Status(Transaction&)>& fn) override {
    absl::MutexLock lock(&writer_mutex_);
    RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    SqliteAccess access(*writer_);
    absl::Status s = fn(access);
    if (s.ok()) s = writer_->Exec("COMMIT");
    if (!s.ok()) {
      // ROLLBACK fails harmlessly when SQLite already rolled back on its own.
      (void)writer_->Exec("ROLLBACK");
    }
    return s;
  }

  absl::StatusOr<int> SchemaVersion() override {
    absl::MutexLock lock(&writer_mutex_);
    return CurrentVersion(*writer_);
  }

  static absl::StatusOr<int> CurrentVersion(Connection& conn) {
    ASSIGN_OR_RETURN(Statement * st,
                     conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    ASSIGN_OR_RETURN(bool row, st->Step());
    int v = row ? static_cast<int>(st->Int(0)) : 0;
    st->Reset();
    return v;
  }

 private:
  absl::StatusOr<std::unique_ptr<Connection>> AcquireReader() {
    {
      absl::MutexLock lock(&readers_mutex_);
      if (!readers_.empty()) {
        std::unique_ptr<Connection> c = std::move(readers_.back());
        readers_.pop_back();
        return c;
      }
    }
    return Connection::Open(path_, /*create=*/false, /*read_only=*/false);
  }

  void ReleaseReader(std::unique_ptr<Connection> conn) {
    absl::MutexLock lock(&readers_mutex_);
    if (readers_.size() < 16) readers_.push_back(std::move(conn));
  }

  const std::string path_;
  absl::Mutex writer_mutex_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(writer_mutex_);
  absl::Mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> readers_ ABSL_GUARDED_BY(readers_mutex_);
};

absl::Status Migrate(Connection& conn, Clock& clock, bool apply) {
  RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "description TEXT NOT NULL, applied_ms BIGINT NOT NULL)"));
  ASSIGN_OR_RETURN(int current, SqliteStore::CurrentVersion(conn));
  if (current > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(StrCat("the database is at schema version ", current,
                                                " but this liaison knows only up to ",
                                                LatestSchemaVersion(), "; upgrade liaison"));
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    if (!apply) {
      return absl::FailedPreconditionError(
          StrCat("the database is at schema version ", current, "; run 'liaison migrate'"));
    }
    RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    absl::Status s = conn.Exec(m.sql);
    if (s.ok()) {
      auto st = conn.Prepare(
          "INSERT INTO schema_migrations (version, description, applied_ms) VALUES (?, ?, ?)");
      s = st.status();
      if (s.ok())
        s = (*st)->Bind(1, m.version).Bind(2, m.description).Bind(3, clock.NowMillis()).Run();
    }
    if (s.ok()) s = conn.Exec("COMMIT");
    if (!s.ok()) {
      (void)conn.Exec("ROLLBACK");
      return absl::Status(s.code(), StrCat("migration ", m.version, " (", m.description,
                                           ") failed: ", StdView(s.message())));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, Clock& clock,
                                                       const SqliteOptions& options) {
  std::error_code ec;
  if (!options.create && !std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(StrCat("no database at ", path));
  }
  bool is_new = options.create && !std::filesystem::exists(path, ec);
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                   Connection::Open(path, options.create, /*read_only=*/false));
  if (is_new) {
    // The database holds personal data: readable by the node's own user only.
    // SQLite gives its -wal and -shm files the same permissions.
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          StrCat("cannot restrict permissions of ", path, ": ", ec.message()));
    }
  }
  RETURN_IF_ERROR(Migrate(*writer, clock, options.migrate));
  return std::unique_ptr<Store>(new SqliteStore(path, std::move(writer)));
}

}  // namespace liaison::store
