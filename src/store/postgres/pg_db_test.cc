#include "store/postgres/pg_db.h"

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.h"

namespace liaison::store {
namespace {

TEST(PgDbTest, NumbersPlaceholdersOutsideQuotes) {
  int n = 0;
  EXPECT_EQ(pg::NumberPlaceholders("SELECT a FROM t WHERE b = ? AND c = '?' AND d < ?", &n),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d < $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(pg::NumberPlaceholders("SELECT 1", &n), "SELECT 1");
  EXPECT_EQ(n, 0);
}

TEST(PgDbTest, UnreachableServerIsUnavailableWithTheReason) {
  // Port 1 on loopback: nothing listens there.
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  auto s = OpenPostgresStore("postgresql://liaison@127.0.0.1:1/liaison?connect_timeout=2", clock);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable) << s.status();
  EXPECT_NE(s.status().message().find("cannot connect to PostgreSQL"), std::string::npos);
}

}  // namespace
}  // namespace liaison::store
