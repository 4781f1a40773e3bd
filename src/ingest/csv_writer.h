// Writing CSV fields (RFC 4180) for the files liaison produces: screening
// results, comparison results, benchmark inputs.
//
// Thread-safety: pure function.
#ifndef LIAISON_INGEST_CSV_WRITER_H_
#define LIAISON_INGEST_CSV_WRITER_H_

#include <string>
#include <string_view>

namespace liaison::ingest {

// `s` as one CSV field: unchanged when it holds no comma, quote, CR or LF;
// otherwise quoted, with quotes doubled.
inline std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace liaison::ingest

#endif  // LIAISON_INGEST_CSV_WRITER_H_
