// The partner tables (migration 4), for both backends: registered partners,
// versioned sharing agreements, daily query counts, answers given and opaque
// references. The store's transaction object (sql_access.cc) forwards to
// these functions so that the federation tables live in one file.
//
// Thread-safety: as Connection (one thread at a time, inside a transaction).
#ifndef LIAISON_STORE_SQL_SQL_PARTNERS_H_
#define LIAISON_STORE_SQL_SQL_PARTNERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace liaison::store::sql {

absl::StatusOr<std::optional<PartnerRow>> GetPartner(Connection& conn, std::string_view node_id);
absl::StatusOr<std::vector<PartnerRow>> ListPartners(Connection& conn);
absl::StatusOr<std::optional<AgreementRow>> GetAgreement(Connection& conn,
                                                         std::string_view partner);
absl::StatusOr<std::vector<AgreementRow>> AgreementHistory(Connection& conn,
                                                           std::string_view partner);
absl::StatusOr<int64_t> PartnerQueryCount(Connection& conn, std::string_view partner,
                                          std::string_view day);
absl::StatusOr<std::optional<std::string>> GetPartnerAnswer(Connection& conn,
                                                            std::string_view partner,
                                                            std::string_view query_id);
absl::StatusOr<std::optional<PartnerReferenceRow>> GetPartnerReference(Connection& conn,
                                                                       std::string_view reference);

absl::Status PutPartner(Connection& conn, const PartnerRow& partner);
absl::Status AddAgreement(Connection& conn, const AgreementRow& agreement);
absl::StatusOr<int64_t> IncrementPartnerQueryCount(Connection& conn, std::string_view partner,
                                                   std::string_view day);
absl::Status PutPartnerAnswer(Connection& conn, std::string_view partner, std::string_view query_id,
                              std::string_view answer, int64_t answered_ms);
absl::Status PutPartnerReference(Connection& conn, const PartnerReferenceRow& reference);

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_PARTNERS_H_
