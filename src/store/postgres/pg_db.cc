#include "store/postgres/pg_db.h"

#include <charconv>

#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::store::pg {
namespace {

constexpr Oid kInt8Oid = 20;  // pg_type.oid of bigint

// Libpq prints server notices ("relation already exists, skipping") to
// stderr by default; the store reports what matters through Status.
void IgnoreNotice(void*, const char*) {}

int64_t AffectedRows(PGresult* result) {
  const char* n = PQcmdTuples(result);
  int64_t v = 0;
  if (n != nullptr) std::from_chars(n, n + strlen(n), v);
  return v;
}

}  // namespace

absl::Status PgError(PGconn* conn, const PGresult* result, std::string_view context) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = result != nullptr ? PQresultErrorMessage(result) : "";
  if (text.empty() && conn != nullptr) text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string msg = StrCat(context, ": ", text);
  std::string_view code = state != nullptr ? state : "";
  if (code.empty()) {
    // No SQLSTATE: libpq itself failed, almost always a lost connection.
    return absl::UnavailableError(StrCat(msg, " (the database server is unreachable)"));
  }
  if (code == "23505") return absl::AlreadyExistsError(msg);
  if (code == "40001" || code == "40P01" || code == "55P03") {
    return absl::UnavailableError(StrCat(msg, " (the database is busy; try again)"));
  }
  if (code.starts_with("08") || code.starts_with("57P")) {
    return absl::UnavailableError(StrCat(msg, " (the database server is unreachable)"));
  }
  if (code == "53100") return absl::ResourceExhaustedError(StrCat(msg, " (disk full)"));
  if (code.starts_with("53")) return absl::ResourceExhaustedError(msg);
  if (code == "XX001" || code == "XX002") return absl::DataLossError(msg);
  if (code.starts_with("22")) return absl::InvalidArgumentError(msg);
  if (code.starts_with("23")) return absl::FailedPreconditionError(msg);
  if (code == "25006") return absl::FailedPreconditionError(msg);  // read-only transaction
  return absl::InternalError(StrCat(msg, " (SQLSTATE ", code, ")"));
}

std::string NumberPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  *count = n;
  return out;
}

Statement::Statement(Connection& conn, std::string sql, int params)
    : conn_(conn), sql_(std::move(sql)), values_(params), types_(params, 0) {}

Statement::~Statement() {
  if (result_ != nullptr) PQclear(result_);
  // The server forgets prepared statements with the session; a statement
  // dropped before that (a cache cleared on reconnect) needs nothing either.
}

void Statement::BindText(int i, std::string_view v) {
  if (i < 1 || i > static_cast<int>(values_.size())) {
    bind_error_ = StrCat("parameter ", i, " out of range");
    return;
  }
  // Libpq passes text values as C strings, so a NUL would silently cut the
  // value short; refuse it instead.
  if (v.find('\0') != std::string_view::npos) {
    bind_error_ =
        StrCat("parameter ", i, " contains a NUL byte, which PostgreSQL text cannot hold");
  }
  values_[i - 1].assign(v.data(), v.size());
  types_[i - 1] = 0;
}

void Statement::BindInt(int i, int64_t v) {
  if (i < 1 || i > static_cast<int>(values_.size())) {
    bind_error_ = StrCat("parameter ", i, " out of range");
    return;
  }
  values_[i - 1] = std::to_string(v);
  types_[i - 1] = kInt8Oid;
}

absl::Status Statement::Execute() {
  if (!bind_error_.empty()) {
    return absl::InvalidArgumentError(StrCat(bind_error_, " (", sql_.substr(0, 60), ")"));
  }
  PGconn* pg = conn_.raw();
  if (name_.empty() || types_ != prepared_types_) {
    std::string name = conn_.NextStatementName();
    PGresult* prepared =
        PQprepare(pg, name.c_str(), sql_.c_str(), static_cast<int>(types_.size()), types_.data());
    bool ok = prepared != nullptr && PQresultStatus(prepared) == PGRES_COMMAND_OK;
    absl::Status s = ok ? absl::OkStatus() : PgError(pg, prepared, StrCat("preparing ", sql_));
    PQclear(prepared);
    RETURN_IF_ERROR(s);
    name_ = std::move(name);
    prepared_types_ = types_;
  }
  std::vector<const char*> values(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) values[i] = values_[i].c_str();
  result_ = PQexecPrepared(pg, name_.c_str(), static_cast<int>(values.size()), values.data(),
                           nullptr, nullptr, /*resultFormat=*/0);
  ExecStatusType status = result_ != nullptr ? PQresultStatus(result_) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    absl::Status s = PgError(pg, result_, StrCat("running ", sql_));
    if (result_ != nullptr) PQclear(result_);
    result_ = nullptr;
    return s;
  }
  conn_.set_changes(AffectedRows(result_));
  rows_ = PQntuples(result_);
  row_ = -1;
  return absl::OkStatus();
}

absl::StatusOr<bool> Statement::Step() {
  if (result_ == nullptr) RETURN_IF_ERROR(Execute());
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

void Statement::Reset() {
  if (result_ != nullptr) PQclear(result_);
  result_ = nullptr;
  rows_ = 0;
  row_ = -1;
  bind_error_.clear();
  for (std::string& v : values_) v.clear();
}

int64_t Statement::Int(int col) const {
  if (result_ == nullptr || row_ < 0 || row_ >= rows_) return 0;
  const char* p = PQgetvalue(result_, row_, col);
  int64_t v = 0;
  if (p != nullptr) std::from_chars(p, p + PQgetlength(result_, row_, col), v);
  return v;
}

std::string_view Statement::Text(int col) const {
  if (result_ == nullptr || row_ < 0 || row_ >= rows_) return {};
  const char* p = PQgetvalue(result_, row_, col);
  if (p == nullptr) return {};
  return std::string_view(p, static_cast<size_t>(PQgetlength(result_, row_, col)));
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo) {
  PGconn* pg = PQconnectdb(conninfo.c_str());
  if (pg == nullptr) return absl::ResourceExhaustedError("libpq could not allocate a connection");
  std::unique_ptr<Connection> conn(new Connection(pg));
  if (PQstatus(pg) != CONNECTION_OK) {
    std::string why = PQerrorMessage(pg);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return absl::UnavailableError(StrCat("cannot connect to PostgreSQL: ", why));
  }
  RETURN_IF_ERROR(conn->Configure());
  return conn;
}

absl::Status Connection::Configure() {
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  // Text in and out is UTF-8 whatever the server's default; times are the
  // store's own milliseconds, so no time zone matters.
  return Exec("SET client_encoding TO 'UTF8'");
}

Connection::~Connection() {
  cache_.clear();
  PQfinish(conn_);
}

absl::Status Connection::Reconnect() {
  cache_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return absl::UnavailableError(
        StrCat("cannot reconnect to PostgreSQL: ", PQerrorMessage(conn_)));
  }
  return Configure();
}

absl::Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  PGresult* result = PQexec(conn_, text.c_str());
  ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  absl::Status s = absl::OkStatus();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    s = PgError(conn_, result, StrCat("executing ", text.substr(0, 60)));
  } else {
    changes_ = AffectedRows(result);
  }
  PQclear(result);
  return s;
}

absl::StatusOr<sql::Statement*> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  int params = 0;
  std::string numbered = NumberPlaceholders(sql, &params);
  auto [pos, inserted] =
      cache_.emplace(sql, std::make_unique<Statement>(*this, std::move(numbered), params));
  return pos->second.get();
}

}  // namespace liaison::store::pg
