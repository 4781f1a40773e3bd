#include "store/sql/sql_access.h"

#include <charconv>
#include <ctime>
#include <map>
#include <vector>

#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "records/record_json.h"
#include "store/migrations.h"
#include "store/sql/sql_followups.h"
#include "store/sql/sql_messaging.h"
#include "store/sql/sql_partners.h"
#include "store/sql/sql_query.h"
#include "store/sql/sql_screening.h"
#include "store/sql/sql_watchlists.h"

namespace liaison::store::sql {
namespace {

using records::Record;
using records::RecordType;

// Binds a transfer value: integer columns as integers (InvalidArgument for
// text that is not one), the rest as text.
absl::Status BindValue(Statement& st, int i, const TransferColumn& column,
                       const std::string& value) {
  if (!column.integer) {
    st.Bind(i, value);
    return absl::OkStatus();
  }
  int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
    return absl::InvalidArgumentError(
        StrCat("column ", column.name, ": '", value.substr(0, 40), "' is not an integer"));
  }
  st.Bind(i, n);
  return absl::OkStatus();
}

// Rows a scan reads at a time.
constexpr int kScanBatch = 2000;

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
class Access final : public Transaction {
 public:
  explicit Access(Connection& conn) : conn_(conn) {}

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
    return One<std::string>(
        conn_, "SELECT id FROM records WHERE type = ? AND owner = ? AND source_id = ? LIMIT 1",
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
    // In batches by key, each read whole before `fn` runs, so that fn may use
    // this reader and no backend holds a large result in memory.
    std::string sql =
        StrCat("SELECT ", kRecordColumns,
               " FROM records WHERE id > ? AND id < ? AND type = ? ORDER BY id LIMIT ?");
    auto [lo, hi] = IdRangeOf(type);
    std::string after = lo;
    after.pop_back();  // below every id of the type
    std::vector<Record> batch;
    while (true) {
      batch.clear();
      ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(sql));
      st->Bind(1, after).Bind(2, hi).Bind(3, records::Name(type)).Bind(4, kScanBatch);
      while (true) {
        absl::StatusOr<bool> row = st->Step();
        if (row.ok() && !*row) break;
        absl::StatusOr<Record> r = row.ok() ? RecordFromRow(*st) : row.status();
        if (!r.ok()) {
          st->Reset();
          return r.status();
        }
        batch.push_back(*std::move(r));
      }
      st->Reset();
      if (batch.empty()) return absl::OkStatus();
      after = batch.back().meta.id;
      bool last = batch.size() < static_cast<size_t>(kScanBatch);
      for (Record& r : batch) RETURN_IF_ERROR(fn(std::move(r)));
      if (last) return absl::OkStatus();
    }
  }

  absl::Status ScanTable(const TransferTable& table,
                         const std::function<absl::Status(const TransferRow&)>& fn) override {
    std::string columns, keys, params;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      columns += StrCat(i == 0 ? "" : ", ", table.columns[i].name);
      if (static_cast<int>(i) < table.key_columns) {
        keys += StrCat(i == 0 ? "" : ", ", table.columns[i].name);
        params += StrCat(i == 0 ? "?" : ", ?");
      }
    }
    const std::string first =
        StrCat("SELECT ", columns, " FROM ", table.name, " ORDER BY ", keys, " LIMIT ?");
    const std::string next = StrCat("SELECT ", columns, " FROM ", table.name, " WHERE (", keys,
                                    ") > (", params, ") ORDER BY ", keys, " LIMIT ?");
    std::vector<TransferRow> batch;
    TransferRow last;
    while (true) {
      batch.clear();
      ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(last.empty() ? first : next));
      int p = 1;
      for (int k = 0; k < table.key_columns && !last.empty(); ++k) {
        RETURN_IF_ERROR(BindValue(*st, p++, table.columns[k], last[k]));
      }
      st->Bind(p, kScanBatch);
      while (true) {
        absl::StatusOr<bool> row = st->Step();
        if (!row.ok()) {
          st->Reset();
          return row.status();
        }
        if (!*row) break;
        TransferRow out(table.columns.size());
        for (size_t i = 0; i < out.size(); ++i) out[i] = st->String(static_cast<int>(i));
        batch.push_back(std::move(out));
      }
      st->Reset();
      if (batch.empty()) return absl::OkStatus();
      last = batch.back();
      bool done = batch.size() < static_cast<size_t>(kScanBatch);
      for (const TransferRow& row : batch) RETURN_IF_ERROR(fn(row));
      if (done) return absl::OkStatus();
    }
  }

  absl::Status LoadRow(const TransferTable& table, const TransferRow& row) override {
    if (row.size() != table.columns.size()) {
      return absl::InvalidArgumentError(StrCat("a row of ", table.name, " has ", row.size(),
                                               " values; expected ", table.columns.size()));
    }
    std::string columns, params;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      columns += StrCat(i == 0 ? "" : ", ", table.columns[i].name);
      params += StrCat(i == 0 ? "?" : ", ?");
    }
    ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(StrCat("INSERT INTO ", table.name, " (", columns,
                                                          ") VALUES (", params, ")")));
    for (size_t i = 0; i < row.size(); ++i) {
      absl::Status bound = BindValue(*st, static_cast<int>(i + 1), table.columns[i], row[i]);
      if (!bound.ok()) {
        st->Reset();
        return absl::InvalidArgumentError(StrCat(table.name, ": ", StdView(bound.message())));
      }
    }
    absl::Status s = st->Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(
          StrCat(table.name, " already has a row with key '", row[0], "'"));
    }
    return s;
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
    return One<Tombstone>(
        conn_, "SELECT id, type, owner, source_id, erased_ms, reason FROM tombstones WHERE id = ?",
        [&](Statement& st) { st.Bind(1, id); },
        [](const Statement& st) {
          auto type = records::ParseRecordType(st.Text(1));
          return Tombstone{st.String(0), type.ok() ? *type : RecordType::kPerson,
                           st.String(2), st.String(3),
                           st.Int(4),    st.String(5)};
        });
  }

  absl::StatusOr<std::optional<AuditRow>> AuditHead() override {
    return One<AuditRow>(
        conn_, StrCat("SELECT ", kAuditColumns, " FROM audit ORDER BY seq DESC LIMIT 1"),
        [](Statement&) {}, AuditFromRow);
  }

  absl::Status ScanAudit(int64_t from_seq, int64_t to_seq,
                         const std::function<absl::Status(const AuditRow&)>& fn) override {
    // In batches by seq, as ScanRecords.
    std::string sql = StrCat("SELECT ", kAuditColumns,
                             " FROM audit WHERE seq >= ? AND (? = 0 OR seq <= ?) ORDER BY seq "
                             "LIMIT ?");
    int64_t from = from_seq;
    std::vector<AuditRow> batch;
    while (true) {
      batch.clear();
      ASSIGN_OR_RETURN(Statement * st, conn_.Prepare(sql));
      st->Bind(1, from).Bind(2, to_seq).Bind(3, to_seq).Bind(4, kScanBatch);
      while (true) {
        ASSIGN_OR_RETURN(bool row, st->Step());
        if (!row) break;
        batch.push_back(AuditFromRow(*st));
      }
      st->Reset();
      if (batch.empty()) return absl::OkStatus();
      from = batch.back().seq + 1;
      bool last = batch.size() < static_cast<size_t>(kScanBatch);
      for (const AuditRow& row : batch) RETURN_IF_ERROR(fn(row));
      if (last) return absl::OkStatus();
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
    return One<std::string>(
        conn_, "SELECT value FROM settings WHERE key = ?", [&](Statement& st) { st.Bind(1, key); },
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
    return One<SessionRow>(
        conn_,
        "SELECT token_hash, user_id, created_ms, last_seen_ms, expires_ms, signed_out FROM "
        "sessions WHERE token_hash = ?",
        [&](Statement& st) { st.Bind(1, token_hash); },
        [](const Statement& st) {
          return SessionRow{st.String(0), st.String(1), st.Int(2),
                            st.Int(3),    st.Int(4),    st.Int(5) != 0};
        });
  }

  absl::StatusOr<std::optional<ApiTokenRow>> GetApiToken(std::string_view id) override {
    return One<ApiTokenRow>(
        conn_,
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
    return sql::AppendRecordChange(conn_, record.meta.id, record.type(), /*erased=*/false);
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
    if (conn_.Changes() == 1) {
      return sql::AppendRecordChange(conn_, record.meta.id, record.type(), /*erased=*/false);
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
    if (conn_.Changes() != 1) {
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
    return sql::AppendRecordChange(conn_, id, t.type, /*erased=*/true);
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
    if (conn_.Changes() != 1) return absl::NotFoundError("no such link");
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
      ASSIGN_OR_RETURN(Statement * o, conn_.Prepare("INSERT INTO audit_objects (object_id, seq) "
                                                    "VALUES (?, ?) ON CONFLICT DO NOTHING"));
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

  // Shared watchlists: store/sql/sql_watchlists.cc.
  absl::StatusOr<std::optional<PublishedListRow>> GetPublishedList(
      std::string_view partner) override {
    return sql::GetPublishedList(conn_, partner);
  }
  absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntries(
      std::string_view partner) override {
    return sql::PublishedEntries(conn_, partner);
  }
  absl::StatusOr<std::vector<PublishedEntryRow>> PublishedEntriesAfter(
      std::string_view partner, int64_t after_version, std::string_view after_reference,
      int limit) override {
    return sql::PublishedEntriesAfter(conn_, partner, after_version, after_reference, limit);
  }
  absl::StatusOr<std::optional<PublishedEntryRow>> GetPublishedEntry(
      std::string_view partner, std::string_view reference) override {
    return sql::GetPublishedEntry(conn_, partner, reference);
  }
  absl::StatusOr<std::optional<SharedListRow>> GetSharedList(std::string_view owner) override {
    return sql::GetSharedList(conn_, owner);
  }
  absl::StatusOr<std::vector<SharedListRow>> ListSharedLists() override {
    return sql::ListSharedLists(conn_);
  }
  absl::StatusOr<std::optional<SharedEntryRow>> GetSharedEntry(
      std::string_view owner, std::string_view reference) override {
    return sql::GetSharedEntry(conn_, owner, reference);
  }
  absl::Status ScanSharedEntries(std::string_view owner,
                                 const std::function<absl::Status(SharedEntryRow&&)>& fn) override {
    return sql::ScanSharedEntries(conn_, owner, fn);
  }
  absl::StatusOr<std::vector<WatchlistHitRow>> ListWatchlistHits(int limit) override {
    return sql::ListWatchlistHits(conn_, limit);
  }
  absl::Status PutPublishedList(const PublishedListRow& list) override {
    return sql::PutPublishedList(conn_, list);
  }
  absl::Status PutPublishedEntry(const PublishedEntryRow& entry) override {
    return sql::PutPublishedEntry(conn_, entry);
  }
  absl::Status PutSharedList(const SharedListRow& list) override {
    return sql::PutSharedList(conn_, list);
  }
  absl::Status PutSharedEntry(const SharedEntryRow& entry) override {
    return sql::PutSharedEntry(conn_, entry);
  }
  absl::StatusOr<bool> DeleteSharedEntry(std::string_view owner,
                                         std::string_view reference) override {
    return sql::DeleteSharedEntry(conn_, owner, reference);
  }
  absl::Status InsertWatchlistHit(const WatchlistHitRow& hit) override {
    return sql::InsertWatchlistHit(conn_, hit);
  }

  // Partners: store/sql/sql_partners.cc.
  absl::StatusOr<std::optional<PartnerRow>> GetPartner(std::string_view node_id) override {
    return sql::GetPartner(conn_, node_id);
  }
  absl::StatusOr<std::vector<PartnerRow>> ListPartners() override {
    return sql::ListPartners(conn_);
  }
  absl::StatusOr<std::optional<AgreementRow>> GetAgreement(std::string_view partner) override {
    return sql::GetAgreement(conn_, partner);
  }
  absl::StatusOr<std::vector<AgreementRow>> AgreementHistory(std::string_view partner) override {
    return sql::AgreementHistory(conn_, partner);
  }
  absl::StatusOr<int64_t> PartnerQueryCount(std::string_view partner,
                                            std::string_view day) override {
    return sql::PartnerQueryCount(conn_, partner, day);
  }
  absl::StatusOr<std::optional<std::string>> GetPartnerAnswer(std::string_view partner,
                                                              std::string_view query_id) override {
    return sql::GetPartnerAnswer(conn_, partner, query_id);
  }
  absl::StatusOr<std::optional<PartnerReferenceRow>> GetPartnerReference(
      std::string_view reference) override {
    return sql::GetPartnerReference(conn_, reference);
  }
  absl::Status PutPartner(const PartnerRow& partner) override {
    return sql::PutPartner(conn_, partner);
  }
  absl::Status AddAgreement(const AgreementRow& agreement) override {
    return sql::AddAgreement(conn_, agreement);
  }
  absl::StatusOr<int64_t> IncrementPartnerQueryCount(std::string_view partner,
                                                     std::string_view day) override {
    return sql::IncrementPartnerQueryCount(conn_, partner, day);
  }
  absl::Status PutPartnerAnswer(std::string_view partner, std::string_view query_id,
                                std::string_view answer, int64_t answered_ms) override {
    return sql::PutPartnerAnswer(conn_, partner, query_id, answer, answered_ms);
  }
  absl::Status PutPartnerReference(const PartnerReferenceRow& reference) override {
    return sql::PutPartnerReference(conn_, reference);
  }

  // Record change feed and screening jobs: store/sql/sql_screening.cc.
  absl::StatusOr<std::vector<RecordChange>> RecordChangesAfter(int64_t after_seq,
                                                               int limit) override {
    return sql::RecordChangesAfter(conn_, after_seq, limit);
  }
  absl::StatusOr<int64_t> LastRecordChange() override { return sql::LastRecordChange(conn_); }
  // Cases and messages: store/sql/sql_messaging.cc.
  absl::StatusOr<std::optional<CaseRow>> GetCase(std::string_view id) override {
    return sql::GetCase(conn_, id);
  }
  absl::StatusOr<std::vector<CaseRow>> ListCases(const CaseFilter& filter) override {
    return sql::ListCases(conn_, filter);
  }
  absl::StatusOr<std::optional<CaseMessageRow>> GetCaseMessage(std::string_view id) override {
    return sql::GetCaseMessage(conn_, id);
  }
  absl::StatusOr<std::vector<CaseMessageRow>> ListCaseMessages(
      const CaseMessageFilter& filter) override {
    return sql::ListCaseMessages(conn_, filter);
  }
  absl::StatusOr<int64_t> LastThreadSeq(std::string_view case_id) override {
    return sql::LastThreadSeq(conn_, case_id);
  }
  absl::StatusOr<std::vector<OutboxRow>> PendingOutbox(std::string_view partner, int64_t after_seq,
                                                       int limit) override {
    return sql::PendingOutbox(conn_, partner, after_seq, limit);
  }
  absl::StatusOr<std::vector<OutboxPartnerCount>> OutboxPartners() override {
    return sql::OutboxPartners(conn_);
  }
  absl::StatusOr<bool> HasReceivedItem(std::string_view item_id) override {
    return sql::HasReceivedItem(conn_, item_id);
  }
  absl::StatusOr<std::vector<AttachmentRow>> ListAttachments(std::string_view message_id) override {
    return sql::ListAttachments(conn_, message_id);
  }
  absl::StatusOr<std::optional<AttachmentRow>> GetAttachment(std::string_view message_id,
                                                             int64_t idx) override {
    return sql::GetAttachment(conn_, message_id, idx);
  }
  absl::StatusOr<std::vector<std::string>> AttachmentParts(std::string_view message_id,
                                                           int64_t idx) override {
    return sql::AttachmentParts(conn_, message_id, idx);
  }
  absl::StatusOr<std::vector<MessageLinkRow>> MessageLinks(std::string_view message_id) override {
    return sql::MessageLinks(conn_, message_id);
  }
  absl::StatusOr<std::vector<MessageForwardRow>> MessageForwards(
      std::string_view message_id) override {
    return sql::MessageForwards(conn_, message_id);
  }
  absl::Status PutCase(const CaseRow& c) override { return sql::PutCase(conn_, c); }
  absl::StatusOr<int64_t> InsertCaseMessage(const CaseMessageRow& message) override {
    return sql::InsertCaseMessage(conn_, message);
  }
  absl::Status UpdateCaseMessageState(const CaseMessageRow& message) override {
    return sql::UpdateCaseMessageState(conn_, message);
  }
  absl::StatusOr<int64_t> EnqueueOutbox(const OutboxRow& item) override {
    return sql::EnqueueOutbox(conn_, item);
  }
  absl::Status DeleteOutbox(int64_t seq) override { return sql::DeleteOutbox(conn_, seq); }
  absl::Status NoteOutboxAttempt(int64_t seq, int64_t attempts,
                                 std::string_view last_error) override {
    return sql::NoteOutboxAttempt(conn_, seq, attempts, last_error);
  }
  absl::Status InsertReceivedItem(std::string_view item_id, std::string_view partner,
                                  std::string_view kind, int64_t received_ms) override {
    return sql::InsertReceivedItem(conn_, item_id, partner, kind, received_ms);
  }
  absl::Status PutAttachment(const AttachmentRow& attachment) override {
    return sql::PutAttachment(conn_, attachment);
  }
  absl::Status PutAttachmentPart(std::string_view message_id, int64_t idx, int64_t part,
                                 std::string_view data) override {
    return sql::PutAttachmentPart(conn_, message_id, idx, part, data);
  }
  absl::Status DeleteAttachmentParts(std::string_view message_id, int64_t idx) override {
    return sql::DeleteAttachmentParts(conn_, message_id, idx);
  }
  absl::Status AddMessageLink(const MessageLinkRow& link) override {
    return sql::AddMessageLink(conn_, link);
  }
  absl::Status AddMessageForward(const MessageForwardRow& forward) override {
    return sql::AddMessageForward(conn_, forward);
  }
  // Follow-ups: store/sql/sql_followups.cc.
  absl::StatusOr<std::optional<FollowupRow>> GetFollowup(std::string_view id) override {
    return sql::GetFollowup(conn_, id);
  }
  absl::StatusOr<std::vector<FollowupRow>> ListFollowups(const FollowupFilter& filter) override {
    return sql::ListFollowups(conn_, filter);
  }
  absl::StatusOr<std::optional<FollowupDataRow>> GetFollowupData(
      std::string_view followup_id) override {
    return sql::GetFollowupData(conn_, followup_id);
  }
  absl::StatusOr<std::vector<FollowupDataRow>> FollowupDataDue(int64_t now_ms, int limit) override {
    return sql::FollowupDataDue(conn_, now_ms, limit);
  }
  absl::Status PutFollowup(const FollowupRow& followup) override {
    return sql::PutFollowup(conn_, followup);
  }
  absl::Status PutFollowupData(const FollowupDataRow& data) override {
    return sql::PutFollowupData(conn_, data);
  }

  absl::StatusOr<std::optional<ScreeningJobRow>> GetScreeningJob(std::string_view id) override {
    return sql::GetScreeningJob(conn_, id);
  }
  absl::StatusOr<std::vector<ScreeningJobRow>> ListScreeningJobs(
      const ScreeningJobFilter& filter) override {
    return sql::ListScreeningJobs(conn_, filter);
  }
  absl::StatusOr<std::optional<std::string>> GetScreeningJobInput(
      std::string_view job_id) override {
    return sql::GetScreeningJobInput(conn_, job_id);
  }
  absl::StatusOr<std::vector<ScreeningHitRow>> ListScreeningHits(std::string_view job_id,
                                                                 int64_t after_hit,
                                                                 int limit) override {
    return sql::ListScreeningHits(conn_, job_id, after_hit, limit);
  }
  absl::StatusOr<std::optional<ScreeningHitRow>> GetScreeningHit(std::string_view job_id,
                                                                 int64_t hit) override {
    return sql::GetScreeningHit(conn_, job_id, hit);
  }
  absl::Status PruneRecordChanges(int64_t before_seq) override {
    return sql::PruneRecordChanges(conn_, before_seq);
  }
  absl::Status PutScreeningJob(const ScreeningJobRow& job) override {
    return sql::PutScreeningJob(conn_, job);
  }
  absl::Status PutScreeningJobInput(std::string_view job_id, std::string_view csv) override {
    return sql::PutScreeningJobInput(conn_, job_id, csv);
  }
  absl::Status DeleteScreeningJobInput(std::string_view job_id) override {
    return sql::DeleteScreeningJobInput(conn_, job_id);
  }
  absl::Status InsertScreeningHit(const ScreeningHitRow& hit) override {
    return sql::InsertScreeningHit(conn_, hit);
  }
  absl::Status DecideScreeningHit(const ScreeningHitRow& hit) override {
    return sql::DecideScreeningHit(conn_, hit);
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
    return One<UserRow>(
        conn_, sql, [&](Statement& st) { st.Bind(1, key); }, UserFromRow);
  }

  Connection& conn_;
};

}  // namespace

std::unique_ptr<Transaction> NewAccess(Connection& conn) { return std::make_unique<Access>(conn); }

absl::StatusOr<int> SchemaVersion(Connection& conn) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  ASSIGN_OR_RETURN(bool row, st->Step());
  int v = row ? static_cast<int>(st->Int(0)) : 0;
  st->Reset();
  return v;
}

absl::Status Migrate(Connection& conn, Dialect dialect, std::string_view begin, Clock& clock,
                     bool apply) {
  RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "description TEXT NOT NULL, applied_ms BIGINT NOT NULL)"));
  ASSIGN_OR_RETURN(int current, SchemaVersion(conn));
  auto too_new = [&] {
    return absl::FailedPreconditionError(StrCat("the database is at schema version ", current,
                                                " but this liaison knows only up to ",
                                                LatestSchemaVersion(), "; upgrade liaison"));
  };
  if (current > LatestSchemaVersion()) return too_new();
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    if (!apply) {
      return absl::FailedPreconditionError(
          StrCat("the database is at schema version ", current, "; run 'liaison migrate'"));
    }
    RETURN_IF_ERROR(conn.Exec(begin));
    // Another process may have migrated while this one waited for the lock.
    absl::StatusOr<int> now = SchemaVersion(conn);
    absl::Status s = now.status();
    if (s.ok() && *now >= m.version) {
      RETURN_IF_ERROR(conn.Exec("COMMIT"));
      current = *now;
      if (current > LatestSchemaVersion()) return too_new();
      continue;
    }
    if (s.ok()) s = conn.Exec(m.SqlFor(dialect));
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
    current = m.version;
  }
  return absl::OkStatus();
}

}  // namespace liaison::store::sql
