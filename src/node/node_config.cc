#include "node/node_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "toml++/toml.h"

namespace liaison::node {
namespace {

// Officially assigned ISO 3166-1 alpha-2 codes, sorted, two letters each.
constexpr std::string_view kCountryCodes =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZ"
    "BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
    "CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ"
    "DEDJDKDMDODZ"
    "ECEEEGEHERESET"
    "FIFJFKFMFOFR"
    "GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY"
    "HKHMHNHRHTHU"
    "IDIEILIMINIOIQIRISIT"
    "JEJMJOJP"
    "KEKGKHKIKMKNKPKRKWKYKZ"
    "LALBLCLILKLRLSLTLULVLY"
    "MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ"
    "NANCNENFNGNINLNONPNRNUNZ"
    "OM"
    "PAPEPFPGPHPKPLPMPNPRPSPTPWPY"
    "QA"
    "RERORSRURW"
    "SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ"
    "TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ"
    "UAUGUMUSUYUZ"
    "VAVCVEVGVIVNVU"
    "WFWS"
    "YEYT"
    "ZAZMZW";

constexpr std::array<std::string_view, 8> kCrimeAreas = {
    "terrorism",       "narcotics",       "migrant_smuggling", "human_trafficking",
    "organised_crime", "missing_persons", "vehicle_crime",     "other"};

constexpr size_t kMaxAgencyBytes = 200;

// Reads the keys of one TOML table, remembering which ones it was asked for so
// the rest can be reported as unknown.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string section, std::string_view source)
      : table_(table), section_(std::move(section)), source_(source) {}

  // Sets `*out` when `key` is present. Returns InvalidArgument when the value
  // is not a string, or when `required` and the key is missing.
  absl::Status String(std::string_view key, bool required, std::string* out) {
    known_.insert(std::string(key));
    const toml::node* value = table_.get(key);
    if (value == nullptr) {
      if (required) {
        return absl::InvalidArgumentError(absl::StrCat(Where(table_.source()),
                                                       "missing required key '", std::string(key),
                                                       "' in [", section_, "]"));
      }
      return absl::OkStatus();
    }
    const auto* text = value->as_string();
    if (text == nullptr) return Bad(*value, key, "must be a string");
    *out = text->get();
    return absl::OkStatus();
  }

  // Sets `*out` when `key` is present. Returns InvalidArgument when the value
  // is not an integer within [min, max].
  template <typename Int>
  absl::Status Integer(std::string_view key, int64_t min, int64_t max, Int* out) {
    known_.insert(std::string(key));
    const toml::node* value = table_.get(key);
    if (value == nullptr) return absl::OkStatus();
    const auto* number = value->as_integer();
    if (number == nullptr || number->get() < min || number->get() > max) {
      return Bad(*value, key, absl::StrCat("must be an integer from ", min, " to ", max));
    }
    *out = static_cast<Int>(number->get());
    return absl::OkStatus();
  }

  // An InvalidArgument error pointing at `value`.
  absl::Status Bad(const toml::node& value, std::string_view key, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(Where(value.source()), "[", section_, "] ",
                                                   std::string(key), " ", std::string(what)));
  }

  void WarnUnknown(std::vector<std::string>* warnings) const {
    if (warnings == nullptr) return;
    for (const auto& [key, value] : table_) {
      if (known_.count(std::string(key.str())) == 0) {
        warnings->push_back(absl::StrCat(Where(key.source()), "unknown key '",
                                         std::string(key.str()), "' in [", section_, "] ignored"));
      }
    }
  }

  std::string Where(const toml::source_region& region) const {
    return absl::StrCat(source_, ":", static_cast<int64_t>(region.begin.line), ": ");
  }

 private:
  const toml::table& table_;
  std::string section_;
  std::string source_;
  std::set<std::string> known_;
};

// Escapes `text` as a TOML basic string, quotes included.
std::string QuoteToml(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(&out, "\\u%04X", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

bool IsNodeId(std::string_view id) {
  constexpr std::string_view kPrefix = "node_";
  if (id.size() != kPrefix.size() + 26 || id.substr(0, kPrefix.size()) != kPrefix) return false;
  return std::all_of(id.begin() + kPrefix.size(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') ||
           (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
  });
}

absl::Status CheckAgency(std::string_view agency) {
  if (agency.empty() || agency.size() > kMaxAgencyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("agency name must be 1 to ", kMaxAgencyBytes, " bytes"));
  }
  if (!IsValidUtf8(agency)) return absl::InvalidArgumentError("agency name is not valid UTF-8");
  for (unsigned char c : agency) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("agency name contains a control character");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCountry(std::string_view country) {
  if (!IsCountryCode(country)) {
    return absl::InvalidArgumentError(
        absl::StrCat("country '", std::string(country),
                     "' is not an ISO 3166-1 alpha-2 code (two upper-case letters, e.g. PK, IT)"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ListenAddress::ToString() const {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view input) {
  const std::string text(input);
  ListenAddress address;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat("listen address '", text, "' is not [IPV6]:PORT"));
    }
    host = std::string_view(text).substr(1, close - 1);
    port = std::string_view(text).substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("listen address '", text, "' has no port; use HOST:PORT"));
    }
    host = std::string_view(text).substr(0, colon);
    port = std::string_view(text).substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("listen address '", text, "': write IPv6 hosts in brackets, [::1]:PORT"));
    }
  }
  if (host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("listen address '", text, "' has no host"));
  }
  for (char c : host) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != ':' && c != '%' && c != '_') {
      return absl::InvalidArgumentError(
          absl::StrCat("listen address '", text, "' has an invalid character in the host"));
    }
  }
  int port_number = -1;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || port_number < 0 ||
      port_number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address '", text, "': port must be a number from 0 to 65535"));
  }
  address.host = std::string(host);
  address.port = port_number;
  return address;
}

bool IsCountryCode(std::string_view code) {
  if (code.size() != 2) return false;
  for (size_t i = 0; i < kCountryCodes.size(); i += 2) {
    if (kCountryCodes.substr(i, 2) == code) return true;
  }
  return false;
}

bool IsCrimeArea(std::string_view area) {
  return std::find(kCrimeAreas.begin(), kCrimeAreas.end(), area) != kCrimeAreas.end();
}

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

bool IsHandlingCode(std::string_view code) {
  return code.size() == 2 && code[0] == 'H' && code[1] >= '0' && code[1] <= '3';
}

absl::Status ValidateNodeConfig(const NodeConfig& config) {
  if (!IsNodeId(config.node_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("node id '", config.node_id, "' is not node_ + 26 base32 characters"));
  }
  RETURN_IF_ERROR(CheckAgency(config.agency));
  RETURN_IF_ERROR(CheckCountry(config.country));
  if (config.listen.host.empty() || config.listen.port < 0 || config.listen.port > 65535) {
    return absl::InvalidArgumentError("listen address needs a host and a port from 0 to 65535");
  }
  if (config.max_body_bytes < 1024 || config.max_upload_bytes < config.max_body_bytes) {
    return absl::InvalidArgumentError(
        "max_body_bytes must be at least 1024 and max_upload_bytes at least max_body_bytes");
  }
  if (config.database_file.empty()) return absl::InvalidArgumentError("database file is empty");
  if (config.storage == StorageEngine::kPostgres && !IsPostgresUrl(config.storage_url)) {
    return absl::InvalidArgumentError(
        "storage url: expected postgresql://USER@HOST:PORT/DATABASE for engine postgresql");
  }
  if (!IsCrimeArea(config.default_crime_area)) {
    return absl::InvalidArgumentError(
        absl::StrCat("default crime area '", config.default_crime_area, "' is unknown"));
  }
  if (!IsHandlingCode(config.default_handling_code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("default handling code '", config.default_handling_code, "' is not H0..H3"));
  }
  return absl::OkStatus();
}

absl::StatusOr<NodeConfig> ParseNodeConfig(std::string_view text, std::string_view source,
                                           std::vector<std::string>* warnings) {
  const std::string source_name(source);
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": not valid UTF-8"));
  }
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ":", e.source().begin.line, ":",
                                                   e.source().begin.column, ": ",
                                                   std::string(e.description())));
  }

  NodeConfig config;
  static const toml::table kEmpty;
  std::set<std::string> known_tables;
  // Returns the table `name` (empty when absent) or an error when `name` is
  // not a table.
  auto table = [&](std::string_view name) -> absl::StatusOr<const toml::table*> {
    known_tables.insert(std::string(name));
    const toml::node* node = root.get(name);
    if (node == nullptr) return &kEmpty;
    if (!node->is_table()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", node->source().begin.line, ": '", std::string(name),
                       "' must be a table [", std::string(name), "]"));
    }
    return node->as_table();
  };

  {
    const toml::node* node_table = root.get("node");
    if (node_table == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ": missing [node] table with id, agency and country"));
    }
    ASSIGN_OR_RETURN(const toml::table* t, table("node"));
    TableReader r(*t, "node", source_name);
    RETURN_IF_ERROR(r.String("id", true, &config.node_id));
    if (!IsNodeId(config.node_id)) {
      return r.Bad(*t->get("id"), "id", "must be node_ followed by 26 base32 characters");
    }
    RETURN_IF_ERROR(r.String("agency", true, &config.agency));
    if (absl::Status s = CheckAgency(config.agency); !s.ok()) {
      return r.Bad(*t->get("agency"), "agency", std::string(s.message()));
    }
    RETURN_IF_ERROR(r.String("country", true, &config.country));
    if (absl::Status s = CheckCountry(config.country); !s.ok()) {
      return r.Bad(*t->get("country"), "country", std::string(s.message()));
    }
    r.WarnUnknown(warnings);
  }
  {
    ASSIGN_OR_RETURN(const toml::table* t, table("server"));
    TableReader r(*t, "server", source_name);
    std::string listen;
    RETURN_IF_ERROR(r.String("listen", false, &listen));
    if (!listen.empty() || t->get("listen") != nullptr) {
      auto parsed = ParseListenAddress(listen);
      if (!parsed.ok())
        return r.Bad(*t->get("listen"), "listen", std::string(parsed.status().message()));
      config.listen = *parsed;
    }
    RETURN_IF_ERROR(r.Integer("max_body_bytes", 1024, int64_t{1} << 32, &config.max_body_bytes));
    RETURN_IF_ERROR(
        r.Integer("max_upload_bytes", 1024, int64_t{1} << 36, &config.max_upload_bytes));
    if (config.max_upload_bytes < config.max_body_bytes) {
      return r.Bad(*t->get("max_upload_bytes"), "max_upload_bytes",
                   "must not be smaller than max_body_bytes");
    }
    RETURN_IF_ERROR(r.Integer("read_timeout_seconds", 1, 3600, &config.read_timeout_seconds));
    RETURN_IF_ERROR(r.Integer("write_timeout_seconds", 1, 3600, &config.write_timeout_seconds));
    RETURN_IF_ERROR(r.Integer("worker_threads", 1, 1024, &config.worker_threads));
    r.WarnUnknown(warnings);
  }
  if (const toml::node* n = root.get("storage"); n != nullptr && n->is_string()) {
    // The short form: storage = "sqlite" or storage = "postgresql://...".
    known_tables.insert("storage");
    const std::string value(*n->value<std::string_view>());
    if (value == "sqlite") {
      config.storage = StorageEngine::kSqlite;
    } else if (IsPostgresUrl(value)) {
      config.storage = StorageEngine::kPostgres;
      config.storage_url = value;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", n->source().begin.line,
                       ": storage: expected \"sqlite\" or a PostgreSQL URL "
                       "(postgresql://USER@HOST:PORT/DATABASE), or a [storage] table"));
    }
  } else {
    ASSIGN_OR_RETURN(const toml::table* t, table("storage"));
    TableReader r(*t, "storage", source_name);
    std::string engine = "sqlite";
    RETURN_IF_ERROR(r.String("engine", false, &engine));
    if (engine == "sqlite") {
      config.storage = StorageEngine::kSqlite;
    } else if (engine == "postgresql") {
      config.storage = StorageEngine::kPostgres;
    } else {
      return r.Bad(
          *t->get("engine"), "engine",
          absl::StrCat("'", engine, "' is not supported; use \"sqlite\" or \"postgresql\""));
    }
    RETURN_IF_ERROR(r.String("database", false, &config.database_file));
    if (config.database_file.empty()) {
      return r.Bad(*t->get("database"), "database", "must name a file");
    }
    RETURN_IF_ERROR(r.String("url", false, &config.storage_url));
    if (config.storage == StorageEngine::kPostgres && !IsPostgresUrl(config.storage_url)) {
      return r.Bad(t->get("url") != nullptr ? *t->get("url") : *t->get("engine"), "url",
                   "engine = \"postgresql\" needs url = \"postgresql://USER@HOST:PORT/DATABASE\"");
    }
    if (config.storage == StorageEngine::kSqlite && !config.storage_url.empty()) {
      return r.Bad(*t->get("url"), "url", "is for engine = \"postgresql\" only");
    }
    r.WarnUnknown(warnings);
  }
  {
    ASSIGN_OR_RETURN(const toml::table* t, table("defaults"));
    TableReader r(*t, "defaults", source_name);
    RETURN_IF_ERROR(r.String("crime_area", false, &config.default_crime_area));
    if (!IsCrimeArea(config.default_crime_area)) {
      return r.Bad(*t->get("crime_area"), "crime_area",
                   "must be one of terrorism, narcotics, migrant_smuggling, human_trafficking, "
                   "organised_crime, missing_persons, vehicle_crime, other");
    }
    RETURN_IF_ERROR(r.String("handling_code", false, &config.default_handling_code));
    if (!IsHandlingCode(config.default_handling_code)) {
      return r.Bad(*t->get("handling_code"), "handling_code", "must be H0, H1, H2 or H3");
    }
    r.WarnUnknown(warnings);
  }
  {
    ASSIGN_OR_RETURN(const toml::table* t, table("review"));
    TableReader r(*t, "review", source_name);
    RETURN_IF_ERROR(r.Integer("period_days", 1, 36500, &config.review_period_days));
    RETURN_IF_ERROR(
        r.Integer("protected_period_days", 1, 36500, &config.protected_review_period_days));
    r.WarnUnknown(warnings);
  }
  {
    ASSIGN_OR_RETURN(const toml::table* t, table("sessions"));
    TableReader r(*t, "sessions", source_name);
    RETURN_IF_ERROR(r.Integer("idle_minutes", 1, 24 * 60, &config.session_idle_minutes));
    RETURN_IF_ERROR(r.Integer("max_hours", 1, 24 * 7, &config.session_max_hours));
    RETURN_IF_ERROR(r.Integer("max_failed_logins", 1, 100, &config.max_failed_logins));
    RETURN_IF_ERROR(r.Integer("lockout_minutes", 1, 24 * 60, &config.lockout_minutes));
    r.WarnUnknown(warnings);
  }
  {
    ASSIGN_OR_RETURN(const toml::table* t, table("federation"));
    TableReader r(*t, "federation", source_name);
    RETURN_IF_ERROR(r.String("listen", false, &config.federation_listen));
    if (!config.federation_listen.empty()) {
      auto parsed = ParseListenAddress(config.federation_listen);
      if (!parsed.ok()) {
        return r.Bad(*t->get("listen"), "listen", std::string(parsed.status().message()));
      }
    }
    RETURN_IF_ERROR(r.String("endpoint", false, &config.federation_endpoint));
    if (!config.federation_endpoint.empty() &&
        !absl::StartsWith(config.federation_endpoint, "https://")) {
      return r.Bad(*t->get("endpoint"), "endpoint", "must be https://HOST:PORT");
    }
    r.WarnUnknown(warnings);
  }
  {
    ASSIGN_OR_RETURN(const toml::table* t, table("messaging"));
    TableReader r(*t, "messaging", source_name);
    RETURN_IF_ERROR(
        r.Integer("max_attachment_bytes", 0, int64_t{1} << 30, &config.max_attachment_bytes));
    r.WarnUnknown(warnings);
  }
  if (warnings != nullptr) {
    for (const auto& [key, value] : root) {
      if (known_tables.count(std::string(key.str())) == 0) {
        warnings->push_back(absl::StrCat(source_name, ":", key.source().begin.line,
                                         ": unknown table or key '", std::string(key.str()),
                                         "' ignored"));
      }
    }
  }
  return config;
}

absl::StatusOr<NodeConfig> LoadNodeConfig(const std::string& path,
                                          std::vector<std::string>* warnings) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  constexpr std::streamsize kMaxConfigBytes = 1 << 20;
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), kMaxConfigBytes + 1);
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > static_cast<size_t>(kMaxConfigBytes)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": larger than 1 MiB"));
  }
  return ParseNodeConfig(text, path, warnings);
}

std::string FormatNodeConfig(const NodeConfig& c) {
  std::string out;
  absl::StrAppend(&out,
                  "# liaison node configuration. Written by `liaison init`; edit with care.\n"
                  "# Unknown keys are ignored with a warning; bad values stop the node.\n\n");
  absl::StrAppend(&out, "[node]\n",
                  "# This node's identity; partners know it by this id. Never change it.\n",
                  "id = ", QuoteToml(c.node_id), "\n", "agency = ", QuoteToml(c.agency), "\n",
                  "# ISO 3166-1 alpha-2\n", "country = ", QuoteToml(c.country), "\n\n");
  absl::StrAppend(&out, "[server]\n", "# HOST:PORT of the HTTPS API; port 0 picks a free port.\n",
                  "listen = ", QuoteToml(c.listen.ToString()), "\n",
                  "max_body_bytes = ", c.max_body_bytes, "\n",
                  "max_upload_bytes = ", c.max_upload_bytes, "\n",
                  "read_timeout_seconds = ", c.read_timeout_seconds, "\n",
                  "write_timeout_seconds = ", c.write_timeout_seconds, "\n",
                  "worker_threads = ", c.worker_threads, "\n\n");
  absl::StrAppend(
      &out, "[storage]\n", "# \"sqlite\" (one file, below) or \"postgresql\" (url below; see\n",
      "# docs/operations.md).\n",
      "engine = ", c.storage == StorageEngine::kPostgres ? "\"postgresql\"" : "\"sqlite\"", "\n",
      "# SQLite: relative to the node directory.\n", "database = ", QuoteToml(c.database_file),
      "\n");
  if (c.storage == StorageEngine::kPostgres) {
    absl::StrAppend(&out, "# PostgreSQL: keep passwords in ~/.pgpass, not here.\n",
                    "url = ", QuoteToml(c.storage_url), "\n");
  }
  absl::StrAppend(&out, "\n");
  absl::StrAppend(&out, "[defaults]\n",
                  "# Used by `liaison import` when a file has no such column.\n",
                  "crime_area = ", QuoteToml(c.default_crime_area), "\n",
                  "handling_code = ", QuoteToml(c.default_handling_code), "\n\n");
  absl::StrAppend(&out, "[review]\n", "# Days until a new record is due for review.\n",
                  "period_days = ", c.review_period_days, "\n",
                  "protected_period_days = ", c.protected_review_period_days, "\n\n");
  absl::StrAppend(&out, "[sessions]\n", "idle_minutes = ", c.session_idle_minutes, "\n",
                  "max_hours = ", c.session_max_hours, "\n",
                  "max_failed_logins = ", c.max_failed_logins, "\n",
                  "lockout_minutes = ", c.lockout_minutes, "\n");
  absl::StrAppend(&out, "\n[federation]\n",
                  "# HOST:PORT of the partner endpoint (pinned mutual TLS); empty: off.\n",
                  "listen = ", QuoteToml(c.federation_listen), "\n",
                  "# URL partners reach this node at, for `liaison partner export`.\n",
                  "endpoint = ", QuoteToml(c.federation_endpoint), "\n");
  absl::StrAppend(&out, "\n[messaging]\n", "# Largest attachment accepted, in bytes.\n",
                  "max_attachment_bytes = ", c.max_attachment_bytes, "\n");
  return out;
}

}  // namespace liaison::node
