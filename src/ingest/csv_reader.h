// A streaming RFC 4180 CSV reader for person lists and pair files: header
// row, quoted fields with embedded separators, quotes and newlines, CRLF or
// LF line ends, an optional UTF-8 byte-order mark.
//
// We keep our own reader (rather than a general CSV library) because import
// errors must name the exact line and column, each field must be checked as
// UTF-8, and every limit must be explicit.
//
// Thread-safety: a CsvReader is used by one thread.
#ifndef LIAISON_INGEST_CSV_READER_H_
#define LIAISON_INGEST_CSV_READER_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace liaison::ingest {

struct CsvLimits {
  size_t max_field_bytes = 64 * 1024;
  size_t max_fields = 256;
};

// One record of a CSV file.
struct CsvRow {
  int64_t line = 0;  // physical line (1-based) where the record starts
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  // Opens `path` and reads its header. Returns NotFound for a missing file
  // and InvalidArgument ("FILE:LINE:COL: ...") for a malformed header.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                         const CsvLimits& limits = {});
  // Reads from `in` (kept by the caller); `name` is used in messages.
  static absl::StatusOr<std::unique_ptr<CsvReader>> FromStream(std::istream& in, std::string name,
                                                               const CsvLimits& limits = {});

  const std::vector<std::string>& header() const { return header_; }
  const std::string& name() const { return name_; }
  // Index of a header column, or nullopt.
  std::optional<int> Column(std::string_view column_name) const;

  // Reads the next record into `row`. Returns false at end of file, and
  // InvalidArgument "FILE:LINE:COL: what" for broken quoting, invalid
  // UTF-8, a field count different from the header, or a limit exceeded.
  // After an error the reader resynchronises at the next line, so callers
  // that skip bad rows may go on reading.
  absl::StatusOr<bool> Next(CsvRow& row);

  // Bytes consumed so far (for progress).
  int64_t bytes_read() const { return bytes_read_; }

  // "FILE:LINE:COL: message" for errors found by callers in a field.
  absl::Status FieldError(const CsvRow& row, int column, std::string_view message) const;

 private:
  CsvReader(std::unique_ptr<std::istream> owned, std::istream& in, std::string name,
            const CsvLimits& limits);
  absl::Status ReadHeader();
  int Get();  // next byte or -1
  int Peek();
  absl::StatusOr<bool> ReadRecord(CsvRow& row);
  void SkipRestOfLine();

  std::unique_ptr<std::istream> owned_;
  std::istream& in_;
  std::string name_;
  CsvLimits limits_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  int64_t line_ = 1;
  int64_t bytes_read_ = 0;
  bool at_line_start_ = true;
  std::vector<std::string> header_;
  absl::flat_hash_map<std::string, int> columns_;
};

}  // namespace liaison::ingest

#endif  // LIAISON_INGEST_CSV_READER_H_
