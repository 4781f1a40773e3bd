#include "ingest/person_import.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "absl/container/flat_hash_set.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::ingest {
namespace {

using records::Record;

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot open ", path));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : digest) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

// Stores one parsed row: insert, or update the record imported earlier
// from the same source id.
class RowWriter {
 public:
  RowWriter(store::Transaction& tx, const ImportOptions& options, ImportReport& report)
      : tx_(tx),
        options_(options),
        report_(report),
        random_(options.random != nullptr ? *options.random : SystemRandom()) {}

  // Returns InvalidArgument (for the caller to locate) on a duplicate id.
  absl::Status Write(Record rec) {
    const std::string& source_id = rec.meta.source_id;
    if (source_id.empty()) return absl::InvalidArgumentError("id: required");
    if (!seen_.insert(source_id).second) {
      return absl::InvalidArgumentError(
          StrCat("id: '", source_id, "' appears earlier in the file; ids must be unique"));
    }
    rec.meta.owner = options_.owner;
    rec.meta.updated_ms = options_.now_ms;
    ASSIGN_OR_RETURN(std::optional<std::string> existing,
                     tx_.FindBySourceId(records::RecordType::kPerson, options_.owner, source_id));
    if (!existing) {
      rec.meta.id = random_.NewTimeOrderedId(records::IdPrefix(records::RecordType::kPerson),
                                             options_.now_ms);
      rec.meta.created_ms = options_.now_ms;
      rec.meta.version = 1;
      if (rec.meta.review_date.empty()) rec.meta.review_date = options_.review_date;
      RETURN_IF_ERROR(tx_.InsertRecord(rec));
      ++report_.created;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Record old, tx_.GetRecord(*existing));
    rec.meta.id = old.meta.id;
    rec.meta.created_ms = old.meta.created_ms;
    rec.meta.review_date = old.meta.review_date;
    rec.meta.source_reliability = old.meta.source_reliability;
    rec.meta.information_accuracy = old.meta.information_accuracy;
    rec.meta.handling_note = old.meta.handling_note;
    if (rec.meta.subject_category == records::SubjectCategory::kUnknown) {
      rec.meta.subject_category = old.meta.subject_category;
    }
    rec.meta.version = old.meta.version;
    rec.meta.updated_ms = old.meta.updated_ms;
    if (rec == old) {
      ++report_.unchanged;
      return absl::OkStatus();
    }
    rec.meta.version = old.meta.version + 1;
    rec.meta.updated_ms = options_.now_ms;
    RETURN_IF_ERROR(tx_.UpdateRecord(rec, old.meta.version));
    ++report_.updated;
    return absl::OkStatus();
  }

 private:
  store::Transaction& tx_;
  const ImportOptions& options_;
  ImportReport& report_;
  Random& random_;
  absl::flat_hash_set<std::string> seen_;
};

bool IsJsonLinesPath(const std::string& path) {
  return path.ends_with(".jsonl") || path.ends_with(".ndjson") || path.ends_with(".json");
}

}  // namespace

absl::StatusOr<ImportReport> ImportPersons(
    store::Store& store, const std::string& path, const ImportOptions& options,
    const std::function<absl::Status(store::Transaction&, const ImportReport&)>& before_commit) {
  ImportReport report;
  report.file = path;
  ASSIGN_OR_RETURN(report.file_sha256, Sha256OfFile(path));
  std::error_code ec;
  int64_t total_bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  bool jsonl = options.format == ImportFormat::kJsonLines ||
               (options.format == ImportFormat::kAuto && IsJsonLinesPath(path));

  // A row error either aborts (returned) or is recorded and skipped.
  auto row_error = [&](absl::Status s) -> absl::Status {
    if (!options.skip_bad_rows) return s;
    report.skipped.emplace_back(StdView(s.message()));
    return absl::OkStatus();
  };
  auto progress = [&](int64_t bytes, bool force) {
    if (options.progress && (force || report.rows % 8192 == 0)) {
      options.progress(report.rows, bytes, total_bytes);
    }
  };

  absl::Status status = store.Write([&](store::Transaction& tx) -> absl::Status {
    RowWriter writer(tx, options, report);
    if (!jsonl) {
      ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(path));
      ASSIGN_OR_RETURN(PersonColumns columns,
                       PersonColumns::Resolve(*reader, "", /*require_id=*/true));
      CsvRow row;
      int id_col = *reader->Column("id");
      while (true) {
        absl::StatusOr<bool> got = reader->Next(row);
        if (!got.ok()) {
          RETURN_IF_ERROR(row_error(got.status()));
          ++report.rows;
          continue;
        }
        if (!*got) break;
        ++report.rows;
        absl::StatusOr<Record> rec = columns.Parse(*reader, row, options.defaults);
        if (!rec.ok()) {
          RETURN_IF_ERROR(row_error(rec.status()));
          continue;
        }
        absl::Status s = writer.Write(*std::move(rec));
        if (absl::IsInvalidArgument(s)) {
          s = reader->FieldError(row, id_col, StdView(s.message()));
          RETURN_IF_ERROR(row_error(s));
        } else if (!s.ok()) {
          return s;
        }
        progress(reader->bytes_read(), false);
      }
      progress(reader->bytes_read(), true);
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) return absl::NotFoundError(StrCat("cannot open ", path));
      std::string line;
      int64_t line_no = 0;
      int64_t bytes = 0;
      while (std::getline(in, line)) {
        ++line_no;
        bytes += static_cast<int64_t>(line.size()) + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (StripAscii(line).empty()) continue;
        ++report.rows;
        auto locate = [&](const absl::Status& s) {
          return absl::InvalidArgumentError(StrCat(path, ":", line_no, ": ", StdView(s.message())));
        };
        absl::StatusOr<Json> json = ParseJson(line, {.max_bytes = 256 * 1024, .max_depth = 8});
        if (!json.ok()) {
          RETURN_IF_ERROR(row_error(locate(json.status())));
          continue;
        }
        absl::StatusOr<Record> rec = PersonFromFlatJson(*json, options.defaults);
        if (!rec.ok()) {
          RETURN_IF_ERROR(row_error(locate(rec.status())));
          continue;
        }
        absl::Status s = writer.Write(*std::move(rec));
        if (absl::IsInvalidArgument(s)) {
          RETURN_IF_ERROR(row_error(locate(s)));
        } else if (!s.ok()) {
          return s;
        }
        progress(bytes, false);
      }
      progress(bytes, true);
    }
    if (before_commit) RETURN_IF_ERROR(before_commit(tx, report));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return report;
}

}  // namespace liaison::ingest
