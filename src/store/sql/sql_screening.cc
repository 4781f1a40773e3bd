#include "store/sql/sql_screening.h"

#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/sql/sql_query.h"

namespace liaison::store::sql {
namespace {

constexpr char kJobColumns[] =
    "id, submitter_id, submitter_name, submitter_role, max_handling_code, crime_areas, purpose, "
    "case_ref, file_name, file_sha256, min_score_micros, top_hits, state, total, done, hits, "
    "error, created_ms, updated_ms, finished_ms";

ScreeningJobRow JobFromRow(const Statement& st) {
  ScreeningJobRow j;
  j.id = st.String(0);
  j.submitter_id = st.String(1);
  j.submitter_name = st.String(2);
  j.submitter_role = st.String(3);
  j.max_handling_code = st.String(4);
  j.crime_areas = st.String(5);
  j.purpose = st.String(6);
  j.case_ref = st.String(7);
  j.file_name = st.String(8);
  j.file_sha256 = st.String(9);
  j.min_score_micros = st.Int(10);
  j.top_hits = st.Int(11);
  j.state = st.String(12);
  j.total = st.Int(13);
  j.done = st.Int(14);
  j.hits = st.Int(15);
  j.error = st.String(16);
  j.created_ms = st.Int(17);
  j.updated_ms = st.Int(18);
  j.finished_ms = st.Int(19);
  return j;
}

constexpr char kHitColumns[] =
    "job_id, hit, candidate_line, candidate_id, candidate_name, record_ref, score_micros, "
    "reasons, explanation, decision, decision_reason, reviewer_id, decided_ms";

ScreeningHitRow HitFromRow(const Statement& st) {
  ScreeningHitRow h;
  h.job_id = st.String(0);
  h.hit = st.Int(1);
  h.candidate_line = st.Int(2);
  h.candidate_id = st.String(3);
  h.candidate_name = st.String(4);
  h.record_ref = st.String(5);
  h.score_micros = st.Int(6);
  h.reasons = st.String(7);
  h.explanation_json = st.String(8);
  h.decision = st.String(9);
  h.decision_reason = st.String(10);
  h.reviewer_id = st.String(11);
  h.decided_ms = st.Int(12);
  return h;
}

}  // namespace

absl::Status AppendRecordChange(Connection& conn, std::string_view record_id,
                                records::RecordType type, bool erased) {
  // Writers are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: the writers' advisory
  // lock, held to commit), so max + 1 is unique and seqs commit in order.
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("INSERT INTO record_changes (seq, record_id, type, erased) "
                                "SELECT coalesce(max(seq), 0) + 1, ?, ?, ? FROM record_changes"));
  st->Bind(1, record_id).Bind(2, records::Name(type)).Bind(3, erased ? 1 : 0);
  return st->Run();
}

absl::StatusOr<std::vector<RecordChange>> RecordChangesAfter(Connection& conn, int64_t after_seq,
                                                             int limit) {
  if (limit < 1 || limit > 100000) return absl::InvalidArgumentError("limit: 1 to 100000");
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("SELECT seq, record_id, type, erased FROM record_changes "
                                "WHERE seq > ? ORDER BY seq LIMIT ?"));
  st->Bind(1, after_seq).Bind(2, limit);
  return ReadAll<RecordChange>(st, [](const Statement& s) {
    auto type = records::ParseRecordType(s.Text(2));
    return RecordChange{s.Int(0), s.String(1), type.ok() ? *type : records::RecordType::kPerson,
                        s.Int(3) != 0};
  });
}

absl::StatusOr<int64_t> LastRecordChange(Connection& conn) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("SELECT coalesce(max(seq), 0) FROM record_changes"));
  ASSIGN_OR_RETURN(bool row, st->Step());
  int64_t seq = row ? st->Int(0) : 0;
  st->Reset();
  return seq;
}

absl::Status PruneRecordChanges(Connection& conn, int64_t before_seq) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("DELETE FROM record_changes WHERE seq < ? AND seq < "
                                "(SELECT max(seq) FROM record_changes)"));
  st->Bind(1, before_seq);
  return st->Run();
}

absl::StatusOr<std::optional<ScreeningJobRow>> GetScreeningJob(Connection& conn,
                                                               std::string_view id) {
  ASSIGN_OR_RETURN(Statement * st, conn.Prepare(StrCat("SELECT ", kJobColumns,
                                                       " FROM screening_jobs WHERE id = ?")));
  st->Bind(1, id);
  ASSIGN_OR_RETURN(std::vector<ScreeningJobRow> rows, ReadAll<ScreeningJobRow>(st, JobFromRow));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

absl::StatusOr<std::vector<ScreeningJobRow>> ListScreeningJobs(Connection& conn,
                                                               const ScreeningJobFilter& f) {
  if (f.limit < 1 || f.limit > 1000) return absl::InvalidArgumentError("limit: expected 1 to 1000");
  std::string sql = StrCat("SELECT ", kJobColumns, " FROM screening_jobs WHERE 1 = 1");
  std::vector<std::string> args;
  if (f.submitter_id) {
    sql += " AND submitter_id = ?";
    args.push_back(*f.submitter_id);
  }
  if (!f.states.empty()) {
    sql += " AND state IN (";
    for (size_t i = 0; i < f.states.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      args.push_back(f.states[i]);
    }
    sql += ")";
  }
  if (!f.before_id.empty()) {
    sql += " AND id < ?";
    args.push_back(f.before_id);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  ASSIGN_OR_RETURN(Statement * st, conn.Prepare(sql));
  int i = 1;
  for (const std::string& a : args) st->Bind(i++, a);
  st->Bind(i, f.limit);
  return ReadAll<ScreeningJobRow>(st, JobFromRow);
}

absl::StatusOr<std::optional<std::string>> GetScreeningJobInput(Connection& conn,
                                                                std::string_view job_id) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("SELECT csv FROM screening_job_inputs WHERE job_id = ?"));
  st->Bind(1, job_id);
  ASSIGN_OR_RETURN(std::vector<std::string> rows,
                   ReadAll<std::string>(st, [](const Statement& s) { return s.String(0); }));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

absl::StatusOr<std::vector<ScreeningHitRow>> ListScreeningHits(Connection& conn,
                                                               std::string_view job_id,
                                                               int64_t after_hit, int limit) {
  if (limit < 1 || limit > 1000) return absl::InvalidArgumentError("limit: expected 1 to 1000");
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare(StrCat("SELECT ", kHitColumns,
                                       " FROM screening_hits WHERE job_id = ? AND hit > ? "
                                       "ORDER BY hit LIMIT ?")));
  st->Bind(1, job_id).Bind(2, after_hit).Bind(3, limit);
  return ReadAll<ScreeningHitRow>(st, HitFromRow);
}

absl::StatusOr<std::optional<ScreeningHitRow>> GetScreeningHit(Connection& conn,
                                                               std::string_view job_id,
                                                               int64_t hit) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare(StrCat("SELECT ", kHitColumns,
                                       " FROM screening_hits WHERE job_id = ? AND hit = ?")));
  st->Bind(1, job_id).Bind(2, hit);
  ASSIGN_OR_RETURN(std::vector<ScreeningHitRow> rows, ReadAll<ScreeningHitRow>(st, HitFromRow));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

absl::Status PutScreeningJob(Connection& conn, const ScreeningJobRow& j) {
  ASSIGN_OR_RETURN(
      Statement * st,
      conn.Prepare(StrCat("INSERT INTO screening_jobs (", kJobColumns,
                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (id) DO UPDATE SET state = excluded.state, "
                          "total = excluded.total, done = excluded.done, hits = excluded.hits, "
                          "error = excluded.error, updated_ms = excluded.updated_ms, "
                          "finished_ms = excluded.finished_ms")));
  st->Bind(1, j.id)
      .Bind(2, j.submitter_id)
      .Bind(3, j.submitter_name)
      .Bind(4, j.submitter_role)
      .Bind(5, j.max_handling_code)
      .Bind(6, j.crime_areas)
      .Bind(7, j.purpose)
      .Bind(8, j.case_ref)
      .Bind(9, j.file_name)
      .Bind(10, j.file_sha256)
      .Bind(11, j.min_score_micros)
      .Bind(12, j.top_hits)
      .Bind(13, j.state)
      .Bind(14, j.total)
      .Bind(15, j.done)
      .Bind(16, j.hits)
      .Bind(17, j.error)
      .Bind(18, j.created_ms)
      .Bind(19, j.updated_ms)
      .Bind(20, j.finished_ms);
  return st->Run();
}

absl::Status PutScreeningJobInput(Connection& conn, std::string_view job_id, std::string_view csv) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("INSERT INTO screening_job_inputs (job_id, csv) VALUES (?, ?) "
                                "ON CONFLICT (job_id) DO UPDATE SET csv = excluded.csv"));
  st->Bind(1, job_id).Bind(2, csv);
  return st->Run();
}

absl::Status DeleteScreeningJobInput(Connection& conn, std::string_view job_id) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("DELETE FROM screening_job_inputs WHERE job_id = ?"));
  st->Bind(1, job_id);
  return st->Run();
}

absl::Status InsertScreeningHit(Connection& conn, const ScreeningHitRow& h) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare(StrCat("INSERT INTO screening_hits (", kHitColumns,
                                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  st->Bind(1, h.job_id)
      .Bind(2, h.hit)
      .Bind(3, h.candidate_line)
      .Bind(4, h.candidate_id)
      .Bind(5, h.candidate_name)
      .Bind(6, h.record_ref)
      .Bind(7, h.score_micros)
      .Bind(8, h.reasons)
      .Bind(9, h.explanation_json)
      .Bind(10, h.decision)
      .Bind(11, h.decision_reason)
      .Bind(12, h.reviewer_id)
      .Bind(13, h.decided_ms);
  absl::Status s = st->Run();
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(StrCat("job ", h.job_id, " already has hit ", h.hit));
  }
  return s;
}

absl::Status DecideScreeningHit(Connection& conn, const ScreeningHitRow& h) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("UPDATE screening_hits SET decision = ?, decision_reason = ?, "
                                "reviewer_id = ?, decided_ms = ? WHERE job_id = ? AND hit = ?"));
  st->Bind(1, h.decision)
      .Bind(2, h.decision_reason)
      .Bind(3, h.reviewer_id)
      .Bind(4, h.decided_ms)
      .Bind(5, h.job_id)
      .Bind(6, h.hit);
  RETURN_IF_ERROR(st->Run());
  if (conn.Changes() != 1) {
    return absl::NotFoundError(StrCat("job ", h.job_id, " has no hit ", h.hit));
  }
  return absl::OkStatus();
}

}  // namespace liaison::store::sql
