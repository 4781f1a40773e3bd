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
  const std::string text = CanonicalEntryText(entry, HashField::kWithoutHash);
  // The export line adds `,"hash":"<64 hex>"`.
  constexpr size_t kHashMemberBytes = 74;
  if (text.size() + kHashMemberBytes > kMaxEntryLineBytes) {
    return absl::InvalidArgumentError(absl::StrCat("audit entry would be ",
                                                   text.size() + kHashMemberBytes,
                                                   " bytes; the limit is ", kMaxEntryLineBytes));
  }
  entry.hash = Sha256Hex(text);
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

namespace liaison::audit {
namespace {

// Reads the canonical form and nothing else; any deviation ends the fast
// path (ParseEntryLine then reports it properly).
class CanonicalCursor {
 public:
  explicit CanonicalCursor(std::string_view text) : text_(text) {}

  bool Literal(std::string_view lit) {
    if (text_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  bool String(std::string* out) {
    out->clear();
    if (!Literal("\"")) return false;
    size_t run = pos_;
    while (pos_ < text_.size()) {
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        out->append(text_.data() + run, pos_ - run);
        ++pos_;
        // Escapes only ever produce ASCII, so checking the result is the same
        // as checking the raw bytes.
        return IsValidUtf8(*out);
      }
      if (c < 0x20) return false;
      if (c != '\\') {
        ++pos_;
        continue;
      }
      out->append(text_.data() + run, pos_ - run);
      if (pos_ + 1 >= text_.size()) return false;
      const char e = text_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case '"':
          out->push_back('"');
          break;
        case '\\':
          out->push_back('\\');
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          // Canonical \u escapes are \u00xx (lowercase) for controls that
          // have no short form.
          if (pos_ + 4 > text_.size() || text_[pos_] != '0' || text_[pos_ + 1] != '0') {
            return false;
          }
          const int hi = LowerHexDigit(text_[pos_ + 2]);
          const int lo = LowerHexDigit(text_[pos_ + 3]);
          if (hi < 0 || hi > 1 || lo < 0) return false;
          const char v = static_cast<char>(hi * 16 + lo);
          if (v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t') return false;
          out->push_back(v);
          pos_ += 4;
          break;
        }
        default:
          return false;
      }
      run = pos_;
    }
    return false;
  }

  // A canonical non-negative integer within +/-(2^53 - 1).
  bool Integer(int64_t* out) {
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    const size_t n = pos_ - start;
    if (n == 0 || n > 16 || (n > 1 && text_[start] == '0')) return false;
    int64_t v = 0;
    for (size_t i = start; i < pos_; ++i) v = v * 10 + (text_[i] - '0');
    if (v > kMaxCanonicalInteger) return false;
    *out = v;
    return true;
  }

  // The extent of the JSON object starting here, found by matching braces
  // outside strings; its contents are checked by the caller.
  bool ObjectExtent(std::string_view* out) {
    if (pos_ >= text_.size() || text_[pos_] != '{') return false;
    const size_t start = pos_;
    int depth = 0;
    bool in_string = false;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (in_string) {
        if (c == '\\') {
          ++pos_;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        if (++depth > kMaxDetailsDepth) return false;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++pos_;
          *out = text_.substr(start, pos_ - start);
          return true;
        }
      }
    }
    return false;
  }

  bool AtEnd() const { return pos_ == text_.size(); }
  size_t pos() const { return pos_; }

 private:
  static int LowerHexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<Entry> ParseCanonicalEntryLine(std::string_view line, std::string* contents_hash) {
  CanonicalCursor in(line);
  Entry entry;
  Event& e = entry.event;
  std::string text;
  if (!in.Literal("{\"action\":") || !in.String(&text)) return std::nullopt;
  std::optional<Action> action = ActionFromName(text);
  if (!action) return std::nullopt;
  e.action = *action;
  if (!in.Literal(",\"actor_id\":") || !in.String(&e.actor_id)) return std::nullopt;
  if (!in.Literal(",\"actor_name\":") || !in.String(&e.actor_name)) return std::nullopt;
  if (!in.Literal(",\"actor_role\":") || !in.String(&e.actor_role)) return std::nullopt;
  if (!in.Literal(",\"case_ref\":") || !in.String(&e.case_ref)) return std::nullopt;
  std::string_view details;
  if (!in.Literal(",\"details\":") || !in.ObjectExtent(&details)) return std::nullopt;
  const size_t hash_begin = in.pos();
  if (!in.Literal(",\"hash\":") || !in.String(&entry.hash) || !IsLowerHex(entry.hash, 32)) {
    return std::nullopt;
  }
  const size_t hash_end = in.pos();
  if (!in.Literal(",\"object_ids\":[")) return std::nullopt;
  if (!in.Literal("]")) {
    do {
      if (!in.String(&text)) return std::nullopt;
      e.object_ids.push_back(text);
    } while (in.Literal(","));
    if (!in.Literal("]")) return std::nullopt;
  }
  if (!in.Literal(",\"origin\":") || !in.String(&e.origin)) return std::nullopt;
  if (!in.Literal(",\"outcome\":") || !in.String(&text)) return std::nullopt;
  std::optional<Outcome> outcome = OutcomeFromName(text);
  if (!outcome) return std::nullopt;
  e.outcome = *outcome;
  if (!in.Literal(",\"outcome_text\":") || !in.String(&e.outcome_text)) return std::nullopt;
  if (!in.Literal(",\"prev_hash\":") || !in.String(&entry.prev_hash) ||
      !IsLowerHex(entry.prev_hash, 32)) {
    return std::nullopt;
  }
  if (!in.Literal(",\"purpose\":") || !in.String(&e.purpose)) return std::nullopt;
  if (!in.Literal(",\"query_hash\":") || !in.String(&e.query_hash)) return std::nullopt;
  int64_t seq = 0;
  if (!in.Literal(",\"seq\":") || !in.Integer(&seq) || seq < 1) return std::nullopt;
  entry.seq = static_cast<uint64_t>(seq);
  if (!in.Literal(",\"time\":") || !in.Integer(&entry.time_ms)) return std::nullopt;
  if (!in.Literal("}") || !in.AtEnd()) return std::nullopt;

  // The details are small: parse them properly and insist they were written
  // canonically.
  absl::StatusOr<Json> parsed = ParseJson(details, JsonLimits{details.size(), kMaxDetailsDepth});
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  std::string canonical;
  if (!AppendCanonicalJson(*parsed, kMaxDetailsDepth, &canonical).ok() || canonical != details) {
    return std::nullopt;
  }
  e.details = *std::move(parsed);
  // ValidateEvent's limits, checked here without serialising the details a
  // second time (String has already checked UTF-8, AppendCanonicalJson the
  // depth and number ranges).
  if (details.size() > kMaxDetailsBytes || e.object_ids.size() > kMaxObjectIds) return std::nullopt;
  for (const std::string* field : {&e.actor_id, &e.actor_name, &e.actor_role, &e.query_hash,
                                   &e.purpose, &e.case_ref, &e.outcome_text, &e.origin}) {
    if (field->size() > kMaxTextBytes) return std::nullopt;
  }
  for (const std::string& id : e.object_ids) {
    if (id.size() > kMaxObjectIdBytes) return std::nullopt;
  }
  // The hashed text is the line without its hash member.
  std::string contents;
  contents.reserve(line.size());
  contents.append(line.substr(0, hash_begin));
  contents.append(line.substr(hash_end));
  *contents_hash = Sha256Hex(contents);
  return entry;
}

}  // namespace liaison::audit
