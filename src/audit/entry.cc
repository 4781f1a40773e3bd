#include "audit/entry.h"

#include <openssl/sha.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "audit/canonical_json.h"
#include "audit/hex.h"
#include "common/status_macros.h"

namespace liaison::audit {
namespace {

constexpr char kGenesisPrefix[] = "liaison-audit-genesis-v1\n";

std::string Sha256Hex(std::string_view bytes) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), digest);
  return HexEncode(digest, sizeof digest);
}

void AppendKey(std::string_view key, std::string* out) {
  out->push_back('"');
  out->append(key);
  out->append("\":");
}

void AppendStringField(std::string_view key, std::string_view value, std::string* out) {
  AppendKey(key, out);
  AppendCanonicalString(value, out);
  out->push_back(',');
}

absl::Status FieldError(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", std::string(field), "': ", std::string(what)));
}

absl::Status GetString(const Json& obj, std::string_view field, std::string* out) {
  auto it = obj.find(field);
  if (it == obj.end()) return FieldError(field, "missing");
  if (!it->is_string()) return FieldError(field, "expected a string");
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status GetInteger(const Json& obj, std::string_view field, int64_t min, int64_t* out) {
  auto it = obj.find(field);
  if (it == obj.end()) return FieldError(field, "missing");
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(kMaxCanonicalInteger)) return FieldError(field, "out of range");
    *out = static_cast<int64_t>(v);
  } else if (it->is_number_integer()) {
    *out = it->get<int64_t>();
  } else {
    return FieldError(field, "expected an integer");
  }
  if (*out < min || *out > kMaxCanonicalInteger) return FieldError(field, "out of range");
  return absl::OkStatus();
}

constexpr std::string_view kEntryFields[] = {"action",   "actor_id",   "actor_name",   "actor_role",
                                             "case_ref", "details",    "hash",         "object_ids",
                                             "origin",   "outcome",    "outcome_text", "prev_hash",
                                             "purpose",  "query_hash", "seq",          "time"};

}  // namespace

std::string GenesisHash(std::string_view node_id) {
  return Sha256Hex(absl::StrCat(kGenesisPrefix, std::string(node_id)));
}

ChainHead GenesisHead(std::string_view node_id) { return ChainHead{0, GenesisHash(node_id)}; }

ChainHead HeadOf(const Entry& entry) { return ChainHead{entry.seq, entry.hash}; }

std::string CanonicalEntryText(const Entry& entry, HashField field) {
  const Event& e = entry.event;
  std::string out;
  out.reserve(512);
  out.push_back('{');
  // Keys in byte order; the order is part of the format.
  AppendStringField("action", ActionName(e.action), &out);
  AppendStringField("actor_id", e.actor_id, &out);
  AppendStringField("actor_name", e.actor_name, &out);
  AppendStringField("actor_role", e.actor_role, &out);
  AppendStringField("case_ref", e.case_ref, &out);
  AppendKey("details", &out);
  // ValidateEvent has accepted the details, so this cannot fail.
  absl::Status s = AppendCanonicalJson(e.details, kMaxDetailsDepth, &out);
  (void)s;
  out.push_back(',');
  if (field == HashField::kWithHash) AppendStringField("hash", entry.hash, &out);
  AppendKey("object_ids", &out);
  out.push_back('[');
  for (size_t i = 0; i < e.object_ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendCanonicalString(e.object_ids[i], &out);
  }
  out.append("],");
  AppendStringField("origin", e.origin, &out);
  AppendStringField("outcome", OutcomeName(e.outcome), &out);
  AppendStringField("outcome_text", e.outcome_text, &out);
  AppendStringField("prev_hash", entry.prev_hash, &out);
  AppendStringField("purpose", e.purpose, &out);
  AppendStringField("query_hash", e.query_hash, &out);
  AppendKey("seq", &out);
  absl::StrAppend(&out, entry.seq, ",");
  AppendKey("time", &out);
  absl::StrAppend(&out, entry.time_ms, "}");
  return out;
}

std::string ComputeEntryHash(const Entry& entry) {
  return Sha256Hex(CanonicalEntryText(entry, HashField::kWithoutHash));
}

absl::StatusOr<Entry> Seal(const ChainHead& prev, uint64_t seq, int64_t time_ms, Event event) {
  if (seq != prev.seq + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit seq ", seq, " does not follow the chain head ", prev.seq));
  }
  if (seq > static_cast<uint64_t>(kMaxCanonicalInteger)) {
    return absl::InvalidArgumentError("audit seq is out of range");
  }
  if (time_ms < 0 || time_ms > kMaxCanonicalInteger) {
    return absl::InvalidArgumentError(absl::StrCat("audit time ", time_ms, " is out of range"));
  }
  if (!IsLowerHex(prev.hash, 32)) {
    return absl::InvalidArgumentError("chain head hash is not 64 lowercase hex characters");
  }
  RETURN_IF_ERROR(ValidateEvent(event));
  Entry entry;
  entry.seq = seq;
  entry.time_ms = time_ms;
  entry.event = std::move(event);
  entry.prev_hash = prev.hash;
  entry.hash = ComputeEntryHash(entry);
  return entry;
}

absl::Status VerifyLink(const ChainHead& prev, const Entry& entry) {
  if (entry.seq != prev.seq + 1) {
    return absl::DataLossError(
        absl::StrCat("entry seq ", entry.seq, " does not follow seq ", prev.seq));
  }
  if (entry.prev_hash != prev.hash) {
    return absl::DataLossError(
        absl::StrCat("entry seq ", entry.seq, " does not link to the hash of seq ", prev.seq));
  }
  if (ComputeEntryHash(entry) != entry.hash) {
    return absl::DataLossError(
        absl::StrCat("entry seq ", entry.seq, " does not match its recorded hash"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Entry> EntryFromJson(const Json& value) {
  if (!value.is_object()) return absl::InvalidArgumentError("entry is not a JSON object");
  for (auto it = value.begin(); it != value.end(); ++it) {
    bool known = false;
    for (std::string_view f : kEntryFields) known = known || it.key() == f;
    if (!known) return FieldError(it.key(), "unknown field");
  }
  Entry entry;
  Event& e = entry.event;
  std::string action;
  RETURN_IF_ERROR(GetString(value, "action", &action));
  std::optional<Action> parsed_action = ActionFromName(action);
  if (!parsed_action) return FieldError("action", absl::StrCat("unknown action '", action, "'"));
  e.action = *parsed_action;
  RETURN_IF_ERROR(GetString(value, "actor_id", &e.actor_id));
  RETURN_IF_ERROR(GetString(value, "actor_name", &e.actor_name));
  RETURN_IF_ERROR(GetString(value, "actor_role", &e.actor_role));
  RETURN_IF_ERROR(GetString(value, "case_ref", &e.case_ref));
  auto details = value.find("details");
  if (details == value.end()) return FieldError("details", "missing");
  if (!details->is_object()) return FieldError("details", "expected an object");
  e.details = *details;
  RETURN_IF_ERROR(GetString(value, "hash", &entry.hash));
  if (!IsLowerHex(entry.hash, 32)) return FieldError("hash", "expected 64 lowercase hex digits");
  auto ids = value.find("object_ids");
  if (ids == value.end()) return FieldError("object_ids", "missing");
  if (!ids->is_array()) return FieldError("object_ids", "expected an array");
  for (const Json& id : *ids) {
    if (!id.is_string()) return FieldError("object_ids", "expected an array of strings");
    e.object_ids.push_back(id.get<std::string>());
  }
  RETURN_IF_ERROR(GetString(value, "origin", &e.origin));
  std::string outcome;
  RETURN_IF_ERROR(GetString(value, "outcome", &outcome));
  std::optional<Outcome> parsed_outcome = OutcomeFromName(outcome);
  if (!parsed_outcome) return FieldError("outcome", "expected ok, denied or error");
  e.outcome = *parsed_outcome;
  RETURN_IF_ERROR(GetString(value, "outcome_text", &e.outcome_text));
  RETURN_IF_ERROR(GetString(value, "prev_hash", &entry.prev_hash));
  if (!IsLowerHex(entry.prev_hash, 32)) {
    return FieldError("prev_hash", "expected 64 lowercase hex digits");
  }
  RETURN_IF_ERROR(GetString(value, "purpose", &e.purpose));
  RETURN_IF_ERROR(GetString(value, "query_hash", &e.query_hash));
  int64_t seq = 0;
  RETURN_IF_ERROR(GetInteger(value, "seq", 1, &seq));
  entry.seq = static_cast<uint64_t>(seq);
  RETURN_IF_ERROR(GetInteger(value, "time", 0, &entry.time_ms));
  absl::Status valid = ValidateEvent(e);
  if (!valid.ok()) return absl::InvalidArgumentError(valid.message());
  return entry;
}

absl::StatusOr<Entry> ParseEntryLine(std::string_view line, const EntryLineLimits& limits) {
  if (line.size() > limits.max_line_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("line is ", line.size(), " bytes; the limit is ", limits.max_line_bytes));
  }
  ASSIGN_OR_RETURN(Json value,
                   ParseJson(line, JsonLimits{limits.max_line_bytes, limits.max_depth}));
  return EntryFromJson(value);
}

}  // namespace liaison::audit
