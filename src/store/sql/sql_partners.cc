#include "store/sql/sql_partners.h"

#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/sql/sql_query.h"

namespace liaison::store::sql {
namespace {

constexpr char kPartnerColumns[] =
    "node_id, agency, country, endpoint, tls_fingerprint, signing_public_key, bundle, status, "
    "added_ms, updated_ms";

PartnerRow PartnerFromRow(const Statement& st) {
  PartnerRow p;
  p.node_id = st.String(0);
  p.agency = st.String(1);
  p.country = st.String(2);
  p.endpoint = st.String(3);
  p.tls_fingerprint = st.String(4);
  p.signing_public_key = st.String(5);
  p.bundle_json = st.String(6);
  p.status = st.String(7);
  p.added_ms = st.Int(8);
  p.updated_ms = st.Int(9);
  return p;
}

constexpr char kAgreementColumns[] =
    "partner, version, crime_areas, record_types, max_handling_code, auto_approve, "
    "retention_days, daily_quota, changed_by, changed_ms";

AgreementRow AgreementFromRow(const Statement& st) {
  AgreementRow a;
  a.partner = st.String(0);
  a.version = st.Int(1);
  a.crime_areas = st.String(2);
  a.record_types = st.String(3);
  a.max_handling_code = st.String(4);
  a.auto_approve = st.String(5);
  a.retention_days = st.Int(6);
  a.daily_quota = st.Int(7);
  a.changed_by = st.String(8);
  a.changed_ms = st.Int(9);
  return a;
}

}  // namespace

absl::StatusOr<std::optional<PartnerRow>> GetPartner(Connection& conn, std::string_view node_id) {
  return One<PartnerRow>(
      conn, StrCat("SELECT ", kPartnerColumns, " FROM partners WHERE node_id = ?"),
      [&](Statement& st) { st.Bind(1, node_id); }, PartnerFromRow);
}

absl::StatusOr<std::vector<PartnerRow>> ListPartners(Connection& conn) {
  return All<PartnerRow>(
      conn, StrCat("SELECT ", kPartnerColumns, " FROM partners ORDER BY node_id"),
      [](Statement&) {}, PartnerFromRow);
}

absl::StatusOr<std::optional<AgreementRow>> GetAgreement(Connection& conn,
                                                         std::string_view partner) {
  return One<AgreementRow>(
      conn,
      StrCat("SELECT ", kAgreementColumns,
             " FROM sharing_agreements WHERE partner = ? ORDER BY version "
             "DESC LIMIT 1"),
      [&](Statement& st) { st.Bind(1, partner); }, AgreementFromRow);
}

absl::StatusOr<std::vector<AgreementRow>> AgreementHistory(Connection& conn,
                                                           std::string_view partner) {
  return All<AgreementRow>(
      conn,
      StrCat("SELECT ", kAgreementColumns,
             " FROM sharing_agreements WHERE partner = ? ORDER BY version"),
      [&](Statement& st) { st.Bind(1, partner); }, AgreementFromRow);
}

absl::StatusOr<int64_t> PartnerQueryCount(Connection& conn, std::string_view partner,
                                          std::string_view day) {
  ASSIGN_OR_RETURN(
      std::optional<int64_t> n,
      One<int64_t>(
          conn, "SELECT queries FROM partner_query_counts WHERE partner = ? AND day = ?",
          [&](Statement& st) { st.Bind(1, partner).Bind(2, day); },
          [](const Statement& st) { return st.Int(0); }));
  return n.value_or(0);
}

absl::StatusOr<std::optional<std::string>> GetPartnerAnswer(Connection& conn,
                                                            std::string_view partner,
                                                            std::string_view query_id) {
  return One<std::string>(
      conn, "SELECT answer FROM partner_answers WHERE partner = ? AND query_id = ?",
      [&](Statement& st) { st.Bind(1, partner).Bind(2, query_id); },
      [](const Statement& st) { return st.String(0); });
}

absl::StatusOr<std::optional<PartnerReferenceRow>> GetPartnerReference(Connection& conn,
                                                                       std::string_view reference) {
  return One<PartnerReferenceRow>(
      conn,
      "SELECT reference, partner, record_id, query_id, band, created_ms, expires_ms FROM "
      "partner_references WHERE reference = ?",
      [&](Statement& st) { st.Bind(1, reference); },
      [](const Statement& st) {
        return PartnerReferenceRow{st.String(0), st.String(1), st.String(2), st.String(3),
                                   st.String(4), st.Int(5),    st.Int(6)};
      });
}

absl::Status PutPartner(Connection& conn, const PartnerRow& p) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare(StrCat("INSERT INTO partners (", kPartnerColumns,
                                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                       "ON CONFLICT (node_id) DO UPDATE SET agency = "
                                       "excluded.agency, country = excluded.country, endpoint = "
                                       "excluded.endpoint, tls_fingerprint = "
                                       "excluded.tls_fingerprint, signing_public_key = "
                                       "excluded.signing_public_key, bundle = excluded.bundle, "
                                       "status = excluded.status, added_ms = excluded.added_ms, "
                                       "updated_ms = excluded.updated_ms")));
  st->Bind(1, p.node_id)
      .Bind(2, p.agency)
      .Bind(3, p.country)
      .Bind(4, p.endpoint)
      .Bind(5, p.tls_fingerprint)
      .Bind(6, p.signing_public_key)
      .Bind(7, p.bundle_json)
      .Bind(8, p.status)
      .Bind(9, p.added_ms)
      .Bind(10, p.updated_ms);
  return st->Run();
}

absl::Status AddAgreement(Connection& conn, const AgreementRow& a) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare(StrCat("INSERT INTO sharing_agreements (", kAgreementColumns,
                                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
  st->Bind(1, a.partner)
      .Bind(2, a.version)
      .Bind(3, a.crime_areas)
      .Bind(4, a.record_types)
      .Bind(5, a.max_handling_code)
      .Bind(6, a.auto_approve)
      .Bind(7, a.retention_days)
      .Bind(8, a.daily_quota)
      .Bind(9, a.changed_by)
      .Bind(10, a.changed_ms);
  absl::Status s = st->Run();
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(
        StrCat("agreement version ", a.version, " with ", a.partner, " exists"));
  }
  return s;
}

absl::StatusOr<int64_t> IncrementPartnerQueryCount(Connection& conn, std::string_view partner,
                                                   std::string_view day) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("INSERT INTO partner_query_counts (partner, day, queries) VALUES "
                                "(?, ?, 1) ON CONFLICT (partner, day) DO UPDATE SET queries = "
                                "partner_query_counts.queries + 1"));
  st->Bind(1, partner).Bind(2, day);
  RETURN_IF_ERROR(st->Run());
  return PartnerQueryCount(conn, partner, day);
}

absl::Status PutPartnerAnswer(Connection& conn, std::string_view partner, std::string_view query_id,
                              std::string_view answer, int64_t answered_ms) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("INSERT INTO partner_answers (partner, query_id, answer, "
                                "answered_ms) VALUES (?, ?, ?, ?)"));
  st->Bind(1, partner).Bind(2, query_id).Bind(3, answer).Bind(4, answered_ms);
  return st->Run();
}

absl::Status PutPartnerReference(Connection& conn, const PartnerReferenceRow& r) {
  ASSIGN_OR_RETURN(Statement * st,
                   conn.Prepare("INSERT INTO partner_references (reference, partner, record_id, "
                                "query_id, band, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, "
                                "?, ?)"));
  st->Bind(1, r.reference)
      .Bind(2, r.partner)
      .Bind(3, r.record_id)
      .Bind(4, r.query_id)
      .Bind(5, r.band)
      .Bind(6, r.created_ms)
      .Bind(7, r.expires_ms);
  return st->Run();
}

}  // namespace liaison::store::sql
