// Small helpers that run a prepared statement on a Connection and map its
// rows, shared by the store's query files (sql_access.cc, sql_partners.cc,
// sql_messaging.cc, sql_screening.cc). Each leaves the statement reset, also
// on error, so the next use can bind afresh.
//
// Thread-safety: as for the Connection they are given.
#ifndef LIAISON_STORE_SQL_SQL_QUERY_H_
#define LIAISON_STORE_SQL_SQL_QUERY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"
#include "store/sql/sql_db.h"

namespace liaison::store::sql {

// Steps `st` (already bound) through every row, mapping each with `read`.
template <typename T, typename Read>
absl::StatusOr<std::vector<T>> ReadAll(Statement* st, const Read& read) {
  std::vector<T> out;
  while (true) {
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) {
      st->Reset();
      return row.status();
    }
    if (!*row) break;
    out.push_back(read(*st));
  }
  st->Reset();
  return out;
}

// Prepares `sql`, binds it with `bind(Statement&)` and maps every row.
template <typename T, typename Bind, typename Read>
absl::StatusOr<std::vector<T>> All(Connection& conn, const std::string& sql, const Bind& bind,
                                   const Read& read) {
  ASSIGN_OR_RETURN(Statement * st, conn.Prepare(sql));
  bind(*st);
  return ReadAll<T>(st, read);
}

// As All, for a query returning at most one row.
template <typename T, typename Bind, typename Read>
absl::StatusOr<std::optional<T>> One(Connection& conn, const std::string& sql, const Bind& bind,
                                     const Read& read) {
  ASSIGN_OR_RETURN(Statement * st, conn.Prepare(sql));
  bind(*st);
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) {
    st->Reset();
    return row.status();
  }
  std::optional<T> out;
  if (*row) out = read(*st);
  st->Reset();
  return out;
}

// Runs a statement that returns no rows.
template <typename Bind>
absl::Status Run(Connection& conn, const std::string& sql, const Bind& bind) {
  ASSIGN_OR_RETURN(Statement * st, conn.Prepare(sql));
  bind(*st);
  absl::Status s = st->Run();
  st->Reset();
  return s;
}

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_QUERY_H_
