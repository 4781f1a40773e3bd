// The schema, as an ordered list of migrations written in SQL that both
// SQLite and PostgreSQL accept (TEXT, BIGINT, INTEGER; no AUTOINCREMENT, no
// backend-specific types). Where the two cannot share a text, a migration
// carries a PostgreSQL one too. A backend applies, in one transaction each,
// every migration whose version is above the one recorded in
// schema_migrations (store/sql/sql_access.h).
//
// A migration, once released, never changes: fix mistakes with a new one.
#ifndef LIAISON_STORE_MIGRATIONS_H_
#define LIAISON_STORE_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace liaison::store {

enum class Dialect { kSqlite, kPostgres };

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;           // statements separated by ';'
  std::string_view postgres_sql;  // when set, PostgreSQL runs this instead of `sql`

  std::string_view SqlFor(Dialect d) const {
    return d == Dialect::kPostgres && !postgres_sql.empty() ? postgres_sql : sql;
  }
};

// All migrations in version order, starting at 1.
std::span<const Migration> Migrations();

// The version the newest migration brings a database to.
int LatestSchemaVersion();

}  // namespace liaison::store

#endif  // LIAISON_STORE_MIGRATIONS_H_
