// A real PostgreSQL server for tests. CTest starts one per build with
// tests/postgres/test_server.sh (fixture `postgres`) and passes the file
// holding its connection string in LIAISON_TEST_PG; a test binary run by
// hand, without that variable, starts its own server on first use and stops
// it at exit.
//
// Thread-safety: call from the test's main thread.
#ifndef LIAISON_TESTS_POSTGRES_TEST_POSTGRES_H_
#define LIAISON_TESTS_POSTGRES_TEST_POSTGRES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace liaison::testing {

// The libpq connection string of the test server's `postgres` database.
absl::StatusOr<std::string> TestPostgresConninfo();

// Creates a new empty schema named after `prefix` on the test server and
// returns a connection string whose search_path is that schema, so each test
// gets its own tables without the cost of a database.
absl::StatusOr<std::string> FreshPostgresSchema(std::string_view prefix);

// As FreshPostgresSchema, as the postgresql:// URL that liaison.toml and
// `liaison init --storage` take.
absl::StatusOr<std::string> FreshPostgresSchemaUrl(std::string_view prefix);

}  // namespace liaison::testing

#endif  // LIAISON_TESTS_POSTGRES_TEST_POSTGRES_H_
