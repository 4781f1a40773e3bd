#include "store/sql/sql_followups.h"

#include <algorithm>

#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/sql/sql_query.h"

namespace liaison::store::sql {
namespace {

constexpr char kFollowupColumns[] =
    "id, direction, partner, reference, record_id, crime_area, handling_code, purpose, "
    "legal_basis, urgency, note, requested_by_id, requested_by_name, requested_ms, received_ms, "
    "deadline_ms, state, decision_reason, decided_by, decided_ms, released_fields, erased_ms, "
    "created_ms, updated_ms";

FollowupRow FollowupFromRow(const Statement& st) {
  FollowupRow f;
  f.id = st.String(0);
  f.direction = st.String(1);
  f.partner = st.String(2);
  f.reference = st.String(3);
  f.record_id = st.String(4);
  f.crime_area = st.String(5);
  f.handling_code = st.String(6);
  f.purpose = st.String(7);
  f.legal_basis = st.String(8);
  f.urgency = st.String(9);
  f.note = st.String(10);
  f.requested_by_id = st.String(11);
  f.requested_by_name = st.String(12);
  f.requested_ms = st.Int(13);
  f.received_ms = st.Int(14);
  f.deadline_ms = st.Int(15);
  f.state = st.String(16);
  f.decision_reason = st.String(17);
  f.decided_by = st.String(18);
  f.decided_ms = st.Int(19);
  f.released_fields = st.String(20);
  f.erased_ms = st.Int(21);
  f.created_ms = st.Int(22);
  f.updated_ms = st.Int(23);
  return f;
}

constexpr char kDataColumns[] =
    "followup_id, owner, record_type, crime_area, handling_code, handling_note, data, "
    "received_ms, retain_until_ms, erased_ms";

FollowupDataRow DataFromRow(const Statement& st) {
  FollowupDataRow d;
  d.followup_id = st.String(0);
  d.owner = st.String(1);
  d.record_type = st.String(2);
  d.crime_area = st.String(3);
  d.handling_code = st.String(4);
  d.handling_note = st.String(5);
  d.data = st.String(6);
  d.received_ms = st.Int(7);
  d.retain_until_ms = st.Int(8);
  d.erased_ms = st.Int(9);
  return d;
}

}  // namespace

absl::StatusOr<std::optional<FollowupRow>> GetFollowup(Connection& conn, std::string_view id) {
  return One<FollowupRow>(
      conn, StrCat("SELECT ", kFollowupColumns, " FROM followups WHERE id = ?"),
      [&](Statement& st) { st.Bind(1, id); }, FollowupFromRow);
}

absl::StatusOr<std::vector<FollowupRow>> ListFollowups(Connection& conn, const FollowupFilter& f) {
  std::string sql = StrCat("SELECT ", kFollowupColumns, " FROM followups WHERE 1 = 1");
  if (f.direction) sql += " AND direction = ?";
  if (f.state) sql += " AND state = ?";
  if (!f.before_id.empty()) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  return All<FollowupRow>(
      conn, sql,
      [&](Statement& st) {
        int i = 1;
        if (f.direction) st.Bind(i++, *f.direction);
        if (f.state) st.Bind(i++, *f.state);
        if (!f.before_id.empty()) st.Bind(i++, f.before_id);
        st.Bind(i, std::clamp(f.limit, 1, 1000));
      },
      FollowupFromRow);
}

absl::StatusOr<std::optional<FollowupDataRow>> GetFollowupData(Connection& conn,
                                                               std::string_view followup_id) {
  return One<FollowupDataRow>(
      conn, StrCat("SELECT ", kDataColumns, " FROM followup_data WHERE followup_id = ?"),
      [&](Statement& st) { st.Bind(1, followup_id); }, DataFromRow);
}

absl::StatusOr<std::vector<FollowupDataRow>> FollowupDataDue(Connection& conn, int64_t now_ms,
                                                             int limit) {
  return All<FollowupDataRow>(
      conn,
      StrCat("SELECT ", kDataColumns,
             " FROM followup_data WHERE erased_ms = 0 AND retain_until_ms <= ? ORDER BY "
             "retain_until_ms, followup_id LIMIT ?"),
      [&](Statement& st) { st.Bind(1, now_ms).Bind(2, std::clamp(limit, 1, 1000)); }, DataFromRow);
}

absl::Status PutFollowup(Connection& conn, const FollowupRow& f) {
  return Run(
      conn,
      StrCat("INSERT INTO followups (", kFollowupColumns,
             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
             "?) ON CONFLICT (id) DO UPDATE SET record_id = excluded.record_id, "
             "crime_area = excluded.crime_area, handling_code = excluded.handling_code, "
             "deadline_ms = excluded.deadline_ms, state = excluded.state, "
             "decision_reason = excluded.decision_reason, decided_by = "
             "excluded.decided_by, decided_ms = excluded.decided_ms, released_fields = "
             "excluded.released_fields, erased_ms = excluded.erased_ms, updated_ms = "
             "excluded.updated_ms"),
      [&](Statement& st) {
        st.Bind(1, f.id)
            .Bind(2, f.direction)
            .Bind(3, f.partner)
            .Bind(4, f.reference)
            .Bind(5, f.record_id)
            .Bind(6, f.crime_area)
            .Bind(7, f.handling_code)
            .Bind(8, f.purpose)
            .Bind(9, f.legal_basis)
            .Bind(10, f.urgency)
            .Bind(11, f.note)
            .Bind(12, f.requested_by_id)
            .Bind(13, f.requested_by_name)
            .Bind(14, f.requested_ms)
            .Bind(15, f.received_ms)
            .Bind(16, f.deadline_ms)
            .Bind(17, f.state)
            .Bind(18, f.decision_reason)
            .Bind(19, f.decided_by)
            .Bind(20, f.decided_ms)
            .Bind(21, f.released_fields)
            .Bind(22, f.erased_ms)
            .Bind(23, f.created_ms)
            .Bind(24, f.updated_ms);
      });
}

absl::Status PutFollowupData(Connection& conn, const FollowupDataRow& d) {
  return Run(conn,
             StrCat("INSERT INTO followup_data (", kDataColumns,
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (followup_id) DO UPDATE "
                    "SET data = excluded.data, erased_ms = excluded.erased_ms"),
             [&](Statement& st) {
               st.Bind(1, d.followup_id)
                   .Bind(2, d.owner)
                   .Bind(3, d.record_type)
                   .Bind(4, d.crime_area)
                   .Bind(5, d.handling_code)
                   .Bind(6, d.handling_note)
                   .Bind(7, d.data)
                   .Bind(8, d.received_ms)
                   .Bind(9, d.retain_until_ms)
                   .Bind(10, d.erased_ms);
             });
}

}  // namespace liaison::store::sql
