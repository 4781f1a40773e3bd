#include "audit/export.h"

#include <openssl/sha.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "audit/canonical_json.h"
#include "audit/hex.h"
#include "common/status_macros.h"

namespace liaison::audit {
namespace {

constexpr char kTrailerDomain[] = "liaison-audit-export-v1\n";
constexpr size_t kReadChunk = 256 * 1024;

std::string Sha256Hex(std::string_view bytes) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), digest);
  return HexEncode(digest, sizeof digest);
}

void AppendOptionalTime(const std::optional<int64_t>& t, std::string* out) {
  if (t) {
    absl::StrAppend(out, *t);
  } else {
    out->append("null");
  }
}

absl::Status LineError(uint64_t line, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("line ", line, ": ", status.message()));
}

absl::Status FieldError(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", std::string(field), "': ", std::string(what)));
}

absl::Status CheckKeys(const Json& obj, std::initializer_list<std::string_view> fields) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (std::string_view f : fields) known = known || it.key() == f;
    if (!known) return FieldError(it.key(), "unknown field");
  }
  for (std::string_view f : fields) {
    if (!obj.contains(f)) return FieldError(f, "missing");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> StringField(const Json& obj, std::string_view field) {
  const Json& v = obj.at(field);
  if (!v.is_string()) return FieldError(field, "expected a string");
  return v.get<std::string>();
}

absl::StatusOr<int64_t> IntField(const Json& obj, std::string_view field) {
  const Json& v = obj.at(field);
  if (!v.is_number_unsigned() || v.get<uint64_t>() > static_cast<uint64_t>(kMaxCanonicalInteger)) {
    return FieldError(field, "expected a non-negative integer");
  }
  return static_cast<int64_t>(v.get<uint64_t>());
}

absl::StatusOr<std::optional<int64_t>> OptionalTimeField(const Json& obj, std::string_view field) {
  if (obj.at(field).is_null()) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(int64_t v, IntField(obj, field));
  return std::optional<int64_t>(v);
}

absl::StatusOr<ExportHeader> HeaderFromJson(const Json& obj) {
  if (!obj.is_object()) return absl::InvalidArgumentError("header is not a JSON object");
  auto format = obj.find("format");
  if (format == obj.end() || *format != kExportFormat) {
    return FieldError("format", absl::StrCat("expected \"", kExportFormat,
                                             "\": this is not a liaison audit export"));
  }
  RETURN_IF_ERROR(CheckKeys(obj, {"agency", "exported_at", "format", "format_version", "from_time",
                                  "node_id", "public_key", "to_time"}));
  ExportHeader h;
  ASSIGN_OR_RETURN(int64_t version, IntField(obj, "format_version"));
  if (version != kExportFormatVersion) {
    return FieldError("format_version",
                      absl::StrCat("version ", version, " is not supported (this verifier reads ",
                                   kExportFormatVersion, ")"));
  }
  h.format_version = static_cast<int>(version);
  ASSIGN_OR_RETURN(h.node_id, StringField(obj, "node_id"));
  ASSIGN_OR_RETURN(h.agency, StringField(obj, "agency"));
  ASSIGN_OR_RETURN(h.public_key, StringField(obj, "public_key"));
  if (!IsLowerHex(h.public_key, kPublicKeyBytes)) {
    return FieldError("public_key", "expected 64 lowercase hex digits");
  }
  ASSIGN_OR_RETURN(h.from_time, OptionalTimeField(obj, "from_time"));
  ASSIGN_OR_RETURN(h.to_time, OptionalTimeField(obj, "to_time"));
  ASSIGN_OR_RETURN(h.exported_at, IntField(obj, "exported_at"));
  return h;
}

absl::StatusOr<ExportTrailer> TrailerFromJson(const Json& obj) {
  RETURN_IF_ERROR(CheckKeys(obj, {"entries", "first_seq", "format", "header_sha256", "last_hash",
                                  "last_seq", "signature"}));
  ExportTrailer t;
  ASSIGN_OR_RETURN(int64_t entries, IntField(obj, "entries"));
  ASSIGN_OR_RETURN(int64_t first_seq, IntField(obj, "first_seq"));
  ASSIGN_OR_RETURN(int64_t last_seq, IntField(obj, "last_seq"));
  t.entries = static_cast<uint64_t>(entries);
  t.first_seq = static_cast<uint64_t>(first_seq);
  t.last_seq = static_cast<uint64_t>(last_seq);
  ASSIGN_OR_RETURN(t.last_hash, StringField(obj, "last_hash"));
  if (!t.last_hash.empty() && !IsLowerHex(t.last_hash, 32)) {
    return FieldError("last_hash", "expected 64 lowercase hex digits or empty");
  }
  ASSIGN_OR_RETURN(t.header_sha256, StringField(obj, "header_sha256"));
  if (!IsLowerHex(t.header_sha256, 32)) {
    return FieldError("header_sha256", "expected 64 lowercase hex digits");
  }
  ASSIGN_OR_RETURN(t.signature, StringField(obj, "signature"));
  if (!IsLowerHex(t.signature, kSignatureBytes)) {
    return FieldError("signature", "expected 128 lowercase hex digits");
  }
  return t;
}

}  // namespace

std::string HeaderLine(const ExportHeader& h) {
  std::string out = "{\"agency\":";
  AppendCanonicalString(h.agency, &out);
  absl::StrAppend(&out, ",\"exported_at\":", h.exported_at, ",\"format\":\"", kExportFormat,
                  "\",\"format_version\":", h.format_version, ",\"from_time\":");
  AppendOptionalTime(h.from_time, &out);
  out.append(",\"node_id\":");
  AppendCanonicalString(h.node_id, &out);
  out.append(",\"public_key\":");
  AppendCanonicalString(h.public_key, &out);
  out.append(",\"to_time\":");
  AppendOptionalTime(h.to_time, &out);
  out.push_back('}');
  return out;
}

std::string TrailerLine(const ExportTrailer& t) {
  return absl::StrCat("{\"entries\":", t.entries, ",\"first_seq\":", t.first_seq, ",\"format\":\"",
                      kExportEndFormat, "\",\"header_sha256\":\"", t.header_sha256,
                      "\",\"last_hash\":\"", t.last_hash, "\",\"last_seq\":", t.last_seq,
                      ",\"signature\":\"", t.signature, "\"}");
}

std::string TrailerMessage(const ExportTrailer& t) {
  return absl::StrCat(kTrailerDomain, t.header_sha256, "\n", t.entries, "\n", t.first_seq, "\n",
                      t.last_seq, "\n", t.last_hash);
}

ExportWriter::ExportWriter(std::ostream& out, ExportHeader header, const Signer& key)
    : out_(out), header_(std::move(header)), key_(key) {}

absl::Status ExportWriter::Begin() {
  if (begun_) return absl::FailedPreconditionError("export already begun");
  if (header_.public_key != key_.PublicKeyHex()) {
    return absl::InvalidArgumentError("export header public key is not the signing key's");
  }
  if (!IsValidUtf8(header_.node_id) || !IsValidUtf8(header_.agency)) {
    return absl::InvalidArgumentError("export header node id or agency is not valid UTF-8");
  }
  std::string line = HeaderLine(header_);
  header_sha256_ = Sha256Hex(line);
  out_ << line << '\n';
  begun_ = true;
  if (!out_) return absl::UnavailableError("writing the export header failed");
  return absl::OkStatus();
}

absl::Status ExportWriter::Add(const Entry& entry) {
  if (!begun_ || finished_) return absl::FailedPreconditionError("export is not open");
  RETURN_IF_ERROR(ValidateEvent(entry.event));
  out_ << CanonicalEntryText(entry, HashField::kWithHash) << '\n';
  if (trailer_.entries == 0) trailer_.first_seq = entry.seq;
  ++trailer_.entries;
  trailer_.last_seq = entry.seq;
  trailer_.last_hash = entry.hash;
  if (!out_) return absl::UnavailableError("writing an export entry failed");
  return absl::OkStatus();
}

absl::Status ExportWriter::Finish() {
  if (!begun_ || finished_) return absl::FailedPreconditionError("export is not open");
  trailer_.header_sha256 = header_sha256_;
  trailer_.signature = key_.SignHex(TrailerMessage(trailer_));
  out_ << TrailerLine(trailer_) << '\n';
  out_.flush();
  finished_ = true;
  if (!out_) return absl::UnavailableError("writing the export trailer failed");
  return absl::OkStatus();
}

absl::Status WriteExport(const ExportHeader& header, const Signer& key, EntrySource source,
                         const std::string& out_path) {
  const std::string tmp_path = out_path + ".partial";
  absl::Status status;
  {
    std::ofstream out(tmp_path, std::ios::binary | std::ios::trunc);
    if (!out) return absl::UnavailableError(absl::StrCat("cannot create ", tmp_path));
    ExportWriter writer(out, header, key);
    status = writer.Begin();
    if (status.ok()) {
      status = source([&writer](const Entry& entry) { return writer.Add(entry); });
    }
    if (status.ok()) status = writer.Finish();
    out.close();
    if (status.ok() && !out)
      status = absl::UnavailableError(absl::StrCat("cannot write ", tmp_path));
  }
  std::error_code ec;
  if (!status.ok()) {
    std::filesystem::remove(tmp_path, ec);
    return status;
  }
  std::filesystem::rename(tmp_path, out_path, ec);
  if (ec) {
    std::filesystem::remove(tmp_path, ec);
    return absl::UnavailableError(absl::StrCat("cannot rename the export into ", out_path));
  }
  return absl::OkStatus();
}

ExportReader::ExportReader(std::istream& in, ExportLimits limits)
    : in_(in), limits_(limits), buffer_(std::max(kReadChunk, 2 * limits.max_line_bytes + 2)) {}

absl::StatusOr<bool> ExportReader::ReadLine() {
  while (true) {
    const char* begin = buffer_.data() + buffer_begin_;
    size_t available = buffer_end_ - buffer_begin_;
    const void* nl = std::memchr(begin, '\n', available);
    if (nl != nullptr) {
      size_t len = static_cast<const char*>(nl) - begin;
      ++line_number_;
      if (len > limits_.max_line_bytes) {
        return absl::ResourceExhaustedError(absl::StrCat("line ", line_number_, ": longer than ",
                                                         limits_.max_line_bytes, " bytes"));
      }
      line_.assign(begin, len);
      buffer_begin_ += len + 1;
      return true;
    }
    if (available > limits_.max_line_bytes) {
      ++line_number_;
      return absl::ResourceExhaustedError(
          absl::StrCat("line ", line_number_, ": longer than ", limits_.max_line_bytes, " bytes"));
    }
    if (eof_) {
      if (available == 0) return false;
      ++line_number_;
      line_.assign(begin, available);
      buffer_begin_ = buffer_end_;
      return absl::DataLossError(absl::StrCat(
          "line ", line_number_, ": truncated (the file ends in the middle of a line)"));
    }
    // Move the partial line to the front and read more.
    std::memmove(buffer_.data(), begin, available);
    buffer_begin_ = 0;
    buffer_end_ = available;
    in_.read(buffer_.data() + buffer_end_,
             static_cast<std::streamsize>(buffer_.size() - buffer_end_));
    std::streamsize got = in_.gcount();
    buffer_end_ += static_cast<size_t>(got);
    if (got == 0 || !in_) eof_ = in_.eof() || got == 0;
    if (in_.bad()) return absl::UnavailableError("reading the export failed");
  }
}

absl::StatusOr<ExportHeader> ExportReader::ReadHeader() {
  if (line_number_ != 0) return absl::FailedPreconditionError("header already read");
  ASSIGN_OR_RETURN(bool got, ReadLine());
  if (!got) return absl::InvalidArgumentError("line 1: the file is empty");
  header_line_ = line_;
  absl::StatusOr<Json> json = ParseJson(line_, JsonLimits{limits_.max_line_bytes, 2});
  if (!json.ok()) return LineError(1, json.status());
  absl::StatusOr<ExportHeader> header = HeaderFromJson(*json);
  if (!header.ok()) return LineError(1, header.status());
  if (HeaderLine(*header) != line_) {
    return absl::InvalidArgumentError("line 1: the header is not in canonical form");
  }
  return header;
}

absl::StatusOr<std::optional<ExportRecord>> ExportReader::Next() {
  if (line_number_ == 0) return absl::FailedPreconditionError("read the header first");
  ASSIGN_OR_RETURN(bool got, ReadLine());
  if (!got) return std::optional<ExportRecord>();
  ExportRecord record;
  record.line = line_number_;
  // Almost every line of a good export takes the fast path.
  if (std::optional<Entry> entry = ParseCanonicalEntryLine(line_, &record.contents_hash)) {
    record.kind = ExportRecord::Kind::kEntry;
    record.entry = *std::move(entry);
    record.canonical = true;
    return std::optional<ExportRecord>(std::move(record));
  }
  absl::StatusOr<Json> json =
      ParseJson(line_, JsonLimits{limits_.max_line_bytes, limits_.max_depth});
  if (!json.ok()) return LineError(line_number_, json.status());
  if (!json->is_object()) {
    return LineError(line_number_, absl::InvalidArgumentError("expected a JSON object"));
  }
  auto format = json->find("format");
  if (format != json->end()) {
    if (*format != kExportEndFormat) {
      return LineError(line_number_, FieldError("format", "expected the export trailer"));
    }
    absl::StatusOr<ExportTrailer> trailer = TrailerFromJson(*json);
    if (!trailer.ok()) return LineError(line_number_, trailer.status());
    record.kind = ExportRecord::Kind::kTrailer;
    record.trailer = *std::move(trailer);
    record.canonical = TrailerLine(record.trailer) == line_;
    return std::optional<ExportRecord>(std::move(record));
  }
  absl::StatusOr<Entry> entry = EntryFromJson(*json);
  if (!entry.ok()) return LineError(line_number_, entry.status());
  record.kind = ExportRecord::Kind::kEntry;
  record.entry = *std::move(entry);
  record.canonical = CanonicalEntryText(record.entry, HashField::kWithHash) == line_;
  record.contents_hash = ComputeEntryHash(record.entry);
  return std::optional<ExportRecord>(std::move(record));
}

}  // namespace liaison::audit
