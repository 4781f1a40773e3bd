// The node's configuration file, DIR/liaison.toml: who this node is (id,
// agency, country), where it listens, where it stores data, and the defaults
// and limits that the rest of the node reads at start-up.
//
// The file is written once by `liaison init` (FormatNodeConfig) and edited by
// the node administrator afterwards, so parsing is strict about values (a bad
// value is an error naming the key and the line) and lenient about unknown
// keys (a warning, so a newer file still loads in an older binary).
//
// Thread-safety: NodeConfig is a plain value; the functions are pure.
#ifndef LIAISON_NODE_NODE_CONFIG_H_
#define LIAISON_NODE_NODE_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace liaison::node {

// The name of the configuration file inside a node directory.
inline constexpr std::string_view kConfigFileName = "liaison.toml";

// Where the node keeps its records.
enum class StorageEngine {
  kSqlite,    // one file in the node directory (the default)
  kPostgres,  // a PostgreSQL database, shared by every process of the node
};

// HOST:PORT the HTTPS API binds to. `host` is an IPv4 address, a bracketed
// IPv6 address without brackets, or a host name; `port` 0 asks the operating
// system for a free port.
struct ListenAddress {
  std::string host = "127.0.0.1";
  int port = 8443;

  std::string ToString() const;  // "127.0.0.1:8443", "[::1]:8443"
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

// Parses "HOST:PORT" or "[IPV6]:PORT". Returns InvalidArgument saying what is
// wrong (missing port, port out of 0..65535, empty host).
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text);

struct NodeConfig {
  // [node]
  std::string node_id;  // "node_" + 26 Crockford base32 characters
  std::string agency;   // e.g. "Punjab Police"
  std::string country;  // ISO 3166-1 alpha-2, upper case, e.g. "PK"

  // [server]
  ListenAddress listen;
  int64_t max_body_bytes = 8 << 20;     // JSON request bodies
  int64_t max_upload_bytes = 64 << 20;  // routes that accept files
  int read_timeout_seconds = 30;
  int write_timeout_seconds = 30;
  int worker_threads = 8;

  // [storage]
  StorageEngine storage = StorageEngine::kSqlite;
  std::string database_file = "liaison.db";  // SQLite; relative to the node directory
  // PostgreSQL: a libpq connection URL, "postgresql://USER@HOST:PORT/DB?...".
  // Passwords belong in ~/.pgpass or PGPASSFILE, not here.
  std::string storage_url;

  // [defaults]: values `liaison import` uses when a file has no such column.
  std::string default_crime_area = "other";
  std::string default_handling_code = "H2";

  // [review]: how long a record may be kept before someone must review it.
  int review_period_days = 3 * 365;
  int protected_review_period_days = 365;  // protected persons, missing persons

  // [sessions]
  int session_idle_minutes = 30;
  int session_max_hours = 12;
  int max_failed_logins = 5;
  int lockout_minutes = 15;

  // [federation]: the partner endpoint (mutual TLS with registered partners
  // only, docs/protocol.md). Empty `federation_listen`: no partner listener.
  // `federation_endpoint` is the URL partners reach it at ("https://HOST:PORT"),
  // written into `liaison partner export`; empty: derived from the listen
  // address when that names a host.
  std::string federation_listen;
  std::string federation_endpoint;

  // [messaging]: case messaging with partners. Attachments larger than
  // this are refused, when attached here and when received.
  int64_t max_attachment_bytes = int64_t{20} << 20;
};

// Parses the text of a liaison.toml. `source_name` (usually the file path)
// prefixes every message. Unknown tables and keys are appended to `warnings`
// (may be null) as "liaison.toml:12: unknown key 'foo' in [server]".
// Returns InvalidArgument naming the file, line and key for a syntax error, a
// missing required key ([node] id, agency, country) or a bad value.
absl::StatusOr<NodeConfig> ParseNodeConfig(std::string_view text, std::string_view source_name,
                                           std::vector<std::string>* warnings);

// Reads and parses `path`. Returns NotFound when the file does not exist,
// otherwise as ParseNodeConfig.
absl::StatusOr<NodeConfig> LoadNodeConfig(const std::string& path,
                                          std::vector<std::string>* warnings);

// Renders `config` as a commented liaison.toml that ParseNodeConfig reads back
// to an equal config.
std::string FormatNodeConfig(const NodeConfig& config);

// Checks what ParseNodeConfig checks, for configs built in code. Returns
// InvalidArgument naming the first bad field.
absl::Status ValidateNodeConfig(const NodeConfig& config);

// True for officially assigned ISO 3166-1 alpha-2 codes (upper case only).
bool IsCountryCode(std::string_view code);

// True for the crime areas of CONTRACTS.md ("terrorism", ..., "other").
bool IsCrimeArea(std::string_view area);

// True for a PostgreSQL connection URL ("postgresql://..." or "postgres://...").
bool IsPostgresUrl(std::string_view url);

// True for "H0".."H3".
bool IsHandlingCode(std::string_view code);

}  // namespace liaison::node

#endif  // LIAISON_NODE_NODE_CONFIG_H_
