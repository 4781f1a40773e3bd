// Writes the seed corpus of the audit_export fuzz target: small intact
// exports and one of each kind of damage the verifier must name. Rerun it
// when the export format changes:
//   make_audit_export_corpus fuzz/audit_export/corpus
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "audit/test_chain.h"

namespace {

using liaison::audit::testing::ChainBuilder;
using liaison::audit::testing::JoinLines;

void Write(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_audit_export_corpus DIR\n";
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);

  ChainBuilder chain(/*checkpoint_every=*/4);
  chain.AppendSamples(9);
  const std::vector<std::string> lines = chain.ExportLines();
  Write(dir, "intact.jsonl", JoinLines(lines));
  Write(dir, "range.jsonl", JoinLines(chain.ExportLines(3, 7)));
  ChainBuilder empty;
  Write(dir, "empty_log.jsonl", JoinLines(empty.ExportLines()));

  std::vector<std::string> swapped = lines;
  std::swap(swapped[3], swapped[4]);
  Write(dir, "reordered.jsonl", JoinLines(swapped));

  std::vector<std::string> removed = lines;
  removed.erase(removed.begin() + 5);
  Write(dir, "removed.jsonl", JoinLines(removed));

  std::vector<std::string> duplicated = lines;
  duplicated.insert(duplicated.begin() + 2, lines[2]);
  Write(dir, "duplicated.jsonl", JoinLines(duplicated));

  std::vector<std::string> changed = lines;
  changed[6] = absl::StrReplaceAll(changed[6], {{"narcotics", "terrorism"}});
  Write(dir, "changed.jsonl", JoinLines(changed));

  std::string truncated = JoinLines({lines.begin(), lines.begin() + 5});
  truncated += lines[5].substr(0, lines[5].size() / 2);
  Write(dir, "truncated.jsonl", truncated);

  std::vector<std::string> bad_utf8 = lines;
  bad_utf8[1] = absl::StrReplaceAll(bad_utf8[1], {{"ò", "\xc3\x28"}});
  Write(dir, "invalid_utf8.jsonl", JoinLines(bad_utf8));

  Write(dir, "single_entry_line.jsonl", lines[1] + "\n");
  Write(dir, "header_only.jsonl", lines[0] + "\n");
  std::cout << "wrote the audit_export corpus to " << dir << "\n";
  return 0;
}
