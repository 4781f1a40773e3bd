// The audit export: JSON lines an auditor can keep and verify offline.
//
//   line 1      header   {"agency":..,"exported_at":..,"format":"liaison-audit-export",
//                         "format_version":1,"from_time":..|null,"node_id":..,
//                         "public_key":..,"to_time":..|null}
//   lines 2..   one entry per line, CanonicalEntryText(entry, kWithHash)
//   last line   trailer  {"entries":..,"first_seq":..,"format":"liaison-audit-export-end",
//                         "header_sha256":..,"last_hash":..,"last_seq":..,"signature":..}
//
// Every line is canonical JSON (canonical_json.h) followed by "\n". The
// trailer is signed with the node key, so an export cut short at a line
// boundary is detected. docs/audit-format.md is the full specification.
//
// Thread-safety: ExportWriter and ExportReader are not thread-safe; use one
// per thread. The functions are pure apart from the stream or file they use.
#ifndef LIAISON_AUDIT_EXPORT_H_
#define LIAISON_AUDIT_EXPORT_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audit/checkpoint.h"
#include "audit/entry.h"

namespace liaison::audit {

inline constexpr char kExportFormat[] = "liaison-audit-export";
inline constexpr char kExportEndFormat[] = "liaison-audit-export-end";
inline constexpr int kExportFormatVersion = 1;

struct ExportHeader {
  int format_version = kExportFormatVersion;
  std::string node_id;
  std::string agency;
  std::string public_key;  // 64 lowercase hex digits, Ed25519
  // The requested time range (ms since the epoch, inclusive); nullopt = open.
  std::optional<int64_t> from_time;
  std::optional<int64_t> to_time;
  int64_t exported_at = 0;
};

struct ExportTrailer {
  uint64_t entries = 0;
  uint64_t first_seq = 0;  // 0 when entries == 0
  uint64_t last_seq = 0;   // 0 when entries == 0
  std::string last_hash;   // "" when entries == 0
  std::string header_sha256;
  std::string signature;  // 128 hex digits
};

// Canonical header line (no newline).
std::string HeaderLine(const ExportHeader& header);
// Canonical trailer line (no newline).
std::string TrailerLine(const ExportTrailer& trailer);
// The bytes the trailer signature covers:
// "liaison-audit-export-v1\n<header_sha256>\n<entries>\n<first_seq>\n<last_seq>\n<last_hash>".
std::string TrailerMessage(const ExportTrailer& trailer);

// Writes an export to a stream: Begin, Add for each entry in seq order,
// Finish. Entries are written as given; the writer does not judge the chain.
class ExportWriter {
 public:
  // `key` must outlive the writer; its public key must be header.public_key.
  ExportWriter(std::ostream& out, ExportHeader header, const Signer& key);

  // Writes the header line. Returns InvalidArgument when the header's public
  // key is not `key`'s or a field is not valid UTF-8; Unavailable when the
  // stream fails.
  absl::Status Begin();
  // Writes one entry line. Returns FailedPrecondition before Begin or after
  // Finish, InvalidArgument for an entry that fails ValidateEvent, and
  // Unavailable when the stream fails.
  absl::Status Add(const Entry& entry);
  // Writes the signed trailer and flushes. Returns Unavailable when the
  // stream fails.
  absl::Status Finish();

 private:
  std::ostream& out_;
  ExportHeader header_;
  const Signer& key_;
  std::string header_sha256_;
  ExportTrailer trailer_;
  bool begun_ = false;
  bool finished_ = false;
};

// Receives entries in seq order; returns an error to abort the export.
using EntrySink = std::function<absl::Status(const Entry& entry)>;
// Calls `sink` once per entry to export, in seq order (e.g. from inside a
// store read snapshot), and returns the first error.
using EntrySource = absl::FunctionRef<absl::Status(const EntrySink& sink)>;

// Writes a complete export to `out_path` (through "<out_path>.partial"
// renamed into place, so a failed export leaves no partial file). Returns the
// error from `source` or the sink, or Unavailable naming the path when
// writing fails.
absl::Status WriteExport(const ExportHeader& header, const Signer& key, EntrySource source,
                         const std::string& out_path);

// Limits on what the reader accepts from an untrusted file.
struct ExportLimits {
  size_t max_line_bytes = kMaxEntryLineBytes;
  int max_depth = kMaxDetailsDepth + 1;
};

// One line after the header.
struct ExportRecord {
  enum class Kind { kEntry, kTrailer };
  Kind kind = Kind::kEntry;
  uint64_t line = 0;      // 1-based line number in the file
  Entry entry;            // when kind == kEntry
  ExportTrailer trailer;  // when kind == kTrailer
  bool canonical = true;  // the line's bytes are exactly the canonical form
  // ComputeEntryHash(entry): what the entry's hash should be.
  std::string contents_hash;
};

// Streams an export file line by line with bounded memory. Every error names
// the line number (and the field when there is one):
// - DataLoss: the last line has no newline (the file was cut short);
// - ResourceExhausted: a line longer than max_line_bytes or nested deeper
//   than max_depth;
// - InvalidArgument: anything else malformed (bad JSON, invalid UTF-8, a
//   missing, unknown or mistyped field, an unsupported format version).
class ExportReader {
 public:
  explicit ExportReader(std::istream& in, ExportLimits limits = {});

  // Reads line 1. Call once, first.
  absl::StatusOr<ExportHeader> ReadHeader();
  // The exact bytes of the header line (no newline), after ReadHeader.
  const std::string& header_line() const { return header_line_; }
  // The next entry or trailer; nullopt at the end of the file.
  absl::StatusOr<std::optional<ExportRecord>> Next();
  // Number of the last line read (0 before any).
  uint64_t line_number() const { return line_number_; }

 private:
  // Reads the next line into `line_`. Returns false at a clean end of file.
  absl::StatusOr<bool> ReadLine();

  std::istream& in_;
  ExportLimits limits_;
  std::vector<char> buffer_;
  size_t buffer_begin_ = 0;
  size_t buffer_end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  std::string line_;
  std::string header_line_;
};

}  // namespace liaison::audit

#endif  // LIAISON_AUDIT_EXPORT_H_
