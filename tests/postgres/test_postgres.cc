#include "tests/postgres/test_postgres.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "common/absl_bridge.h"

namespace liaison::testing {
namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string ServerScript() {
  return std::string(LIAISON_SOURCE_DIR) + "/tests/postgres/test_server.sh";
}

// The server this process started itself, stopped at exit.
std::string& OwnServerDir() {
  static std::string dir;
  return dir;
}

void StopOwnServer() {
  if (OwnServerDir().empty()) return;
  std::string cmd = StrCat("'", ServerScript(), "' stop '", OwnServerDir(), "' >/dev/null 2>&1");
  (void)std::system(cmd.c_str());
}

absl::StatusOr<std::string> StartOwnServer() {
  std::string dir =
      StrCat(std::filesystem::temp_directory_path().string(), "/liaison-pg-", ::getpid());
  std::string cmd = StrCat("'", ServerScript(), "' start '", dir, "' >/dev/null");
  if (std::system(cmd.c_str()) != 0) {
    return absl::FailedPreconditionError(StrCat("could not start PostgreSQL with ", cmd));
  }
  OwnServerDir() = dir;
  std::atexit(StopOwnServer);
  return ReadFirstLine(dir + "/conninfo");
}

}  // namespace

absl::StatusOr<std::string> TestPostgresConninfo() {
  static absl::StatusOr<std::string> conninfo = []() -> absl::StatusOr<std::string> {
    // LIAISON_TEST_PG overrides the file the build's fixture writes.
    const char* file = std::getenv("LIAISON_TEST_PG");
    if (file == nullptr || *file == '\0') {
      std::error_code ec;
      if (std::filesystem::exists(LIAISON_TEST_PG_FILE, ec)) file = LIAISON_TEST_PG_FILE;
    }
    if (file != nullptr && *file != '\0') {
      std::string line = ReadFirstLine(file);
      if (line.empty()) {
        return absl::FailedPreconditionError(
            StrCat("LIAISON_TEST_PG names ", file,
                   ", which holds no connection string: did the postgres fixture start?"));
      }
      return line;
    }
    return StartOwnServer();
  }();
  return conninfo;
}

namespace {

// Creates the schema and returns its name.
absl::StatusOr<std::string> CreateSchema(std::string_view prefix) {
  absl::StatusOr<std::string> base = TestPostgresConninfo();
  if (!base.ok()) return base.status();
  static std::mt19937_64 rng(std::random_device{}());
  // PostgreSQL cuts identifiers at 63 bytes; keep the unique tail.
  std::string schema = StrCat(prefix.substr(0, 32), "_", ::getpid(), "_", rng() % 1'000'000'000);
  for (char& c : schema) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  PGconn* conn = PQconnectdb(base->c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError(StrCat("cannot connect to the test server: ", why));
  }
  PGresult* r = PQexec(conn, StrCat("CREATE SCHEMA ", schema).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string why = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  if (!ok) return absl::InternalError(StrCat("CREATE SCHEMA ", schema, ": ", why));
  return schema;
}

}  // namespace

absl::StatusOr<std::string> FreshPostgresSchema(std::string_view prefix) {
  absl::StatusOr<std::string> schema = CreateSchema(prefix);
  if (!schema.ok()) return schema.status();
  return StrCat(*TestPostgresConninfo(), " options='-c search_path=", *schema, "'");
}

absl::StatusOr<std::string> FreshPostgresSchemaUrl(std::string_view prefix) {
  absl::StatusOr<std::string> schema = CreateSchema(prefix);
  if (!schema.ok()) return schema.status();
  // The server script writes "host=H port=P user=U dbname=D".
  std::map<std::string, std::string> keys;
  std::istringstream in(*TestPostgresConninfo());
  std::string word;
  while (in >> word) {
    size_t eq = word.find('=');
    if (eq != std::string::npos) keys[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return StrCat("postgresql://", keys["user"], "@", keys["host"], ":", keys["port"], "/",
                keys["dbname"], "?options=-c%20search_path%3D", *schema);
}

}  // namespace liaison::testing
