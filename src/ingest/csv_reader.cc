#include "ingest/csv_reader.h"

#include <fstream>

#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"

namespace liaison::ingest {

CsvReader::CsvReader(std::unique_ptr<std::istream> owned, std::istream& in, std::string name,
                     const CsvLimits& limits)
    : owned_(std::move(owned)),
      in_(in),
      name_(std::move(name)),
      limits_(limits),
      buffer_(1 << 16) {}

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                           const CsvLimits& limits) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) return absl::NotFoundError(StrCat("cannot open ", path));
  std::istream& in = *file;
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(file), in, path, limits));
  RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::FromStream(std::istream& in, std::string name,
                                                                 const CsvLimits& limits) {
  std::unique_ptr<CsvReader> reader(new CsvReader(nullptr, in, std::move(name), limits));
  RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

absl::Status CsvReader::ReadHeader() {
  CsvRow header;
  ASSIGN_OR_RETURN(bool got, ReadRecord(header));
  if (!got) return absl::InvalidArgumentError(StrCat(name_, ":1:1: the file is empty (no header)"));
  header_ = std::move(header.fields);
  for (size_t i = 0; i < header_.size(); ++i) {
    std::string& h = header_[i];
    if (i == 0 && h.starts_with("\xEF\xBB\xBF")) h.erase(0, 3);
    h = std::string(StripAscii(h));
    if (!columns_.emplace(h, static_cast<int>(i)).second) {
      return absl::InvalidArgumentError(
          StrCat(name_, ":1:", i + 1, ": column '", h, "' appears twice in the header"));
    }
  }
  return absl::OkStatus();
}

std::optional<int> CsvReader::Column(std::string_view column_name) const {
  auto it = columns_.find(AbslView(column_name));
  if (it == columns_.end()) return std::nullopt;
  return it->second;
}

int CsvReader::Get() {
  if (pos_ == end_) {
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    end_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    if (end_ == 0) return -1;
  }
  ++bytes_read_;
  return static_cast<unsigned char>(buffer_[pos_++]);
}

int CsvReader::Peek() {
  if (pos_ == end_) {
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    end_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    if (end_ == 0) return -1;
  }
  return static_cast<unsigned char>(buffer_[pos_]);
}

void CsvReader::SkipRestOfLine() {
  for (int c = Get(); c != -1; c = Get()) {
    if (c == '\n') {
      ++line_;
      return;
    }
  }
}

absl::Status CsvReader::FieldError(const CsvRow& row, int column, std::string_view message) const {
  std::string col_name = column >= 0 && column < static_cast<int>(header_.size())
                             ? StrCat(" (column '", header_[column], "')")
                             : std::string();
  return absl::InvalidArgumentError(
      StrCat(name_, ":", row.line, ":", column + 1, col_name, ": ", message));
}

absl::StatusOr<bool> CsvReader::Next(CsvRow& row) {
  ASSIGN_OR_RETURN(bool got, ReadRecord(row));
  if (!got) return false;
  if (row.fields.size() != header_.size()) {
    // A lone empty line is not a record.
    if (row.fields.size() == 1 && row.fields[0].empty()) return Next(row);
    return absl::InvalidArgumentError(StrCat(name_, ":", row.line, ":", 1, ": the row has ",
                                             row.fields.size(), " fields but the header has ",
                                             header_.size()));
  }
  return true;
}

absl::StatusOr<bool> CsvReader::ReadRecord(CsvRow& row) {
  row.fields.clear();
  row.line = line_;
  if (Peek() == -1) return false;
  std::string field;
  auto fail = [&](std::string_view what) -> absl::Status {
    absl::Status s = absl::InvalidArgumentError(StrCat(
        name_, ":", line_, ":", row.fields.size() + 1,
        row.fields.size() < header_.size() ? StrCat(" (column '", header_[row.fields.size()], "')")
                                           : std::string(),
        ": ", what));
    return s;
  };
  auto finish_field = [&]() -> absl::Status {
    if (!IsValidUtf8(field)) return fail("invalid UTF-8");
    if (row.fields.size() >= limits_.max_fields) {
      return fail(StrCat("more than ", limits_.max_fields, " fields"));
    }
    row.fields.push_back(std::move(field));
    field.clear();
    return absl::OkStatus();
  };
  while (true) {
    int c = Get();
    if (c == '"' && field.empty()) {
      // Quoted field: runs to the closing quote; "" is a literal quote.
      int64_t start_line = line_;
      while (true) {
        int q = Get();
        if (q == -1) {
          line_ = start_line;
          return fail("a quoted field is not closed before the end of the file");
        }
        if (q == '"') {
          if (Peek() == '"') {
            Get();
            field.push_back('"');
            continue;
          }
          break;
        }
        if (q == '\n') ++line_;
        field.push_back(static_cast<char>(q));
        if (field.size() > limits_.max_field_bytes) {
          absl::Status s =
              fail(StrCat("a field is longer than ", limits_.max_field_bytes, " bytes"));
          SkipRestOfLine();
          return s;
        }
      }
      int after = Peek();
      if (after != ',' && after != '\n' && after != '\r' && after != -1) {
        absl::Status s = fail("unexpected text after a closing quote (write \"\" for a quote)");
        SkipRestOfLine();
        return s;
      }
      continue;
    }
    if (c == ',') {
      absl::Status s = finish_field();
      if (!s.ok()) {
        SkipRestOfLine();
        return s;
      }
      continue;
    }
    if (c == '\r' && Peek() == '\n') continue;
    if (c == '\n' || c == -1) {
      absl::Status s = finish_field();
      if (c == '\n') ++line_;
      if (!s.ok()) return s;
      return true;
    }
    if (c == '"') {
      absl::Status s = fail("a quote inside an unquoted field (quote the whole field)");
      SkipRestOfLine();
      return s;
    }
    field.push_back(static_cast<char>(c));
    if (field.size() > limits_.max_field_bytes) {
      absl::Status s = fail(StrCat("a field is longer than ", limits_.max_field_bytes, " bytes"));
      SkipRestOfLine();
      return s;
    }
  }
}

}  // namespace liaison::ingest
