// Offline verification of an audit export: what `liaison audit verify` runs.
//
// VerifyExport checks, from the file alone (and optionally a public key
// obtained out of band), that every line is well formed and canonical, every
// entry's hash matches its contents, every entry links to the one before it,
// seq numbers are contiguous, every checkpoint is signed by the node key over
// the entry before it, and the signed trailer accounts for every entry. It
// stops at the first problem and reports the line and seq of the first bad
// entry and why.
//
// What it cannot see: an export is a snapshot. Entries cut from the end of the
// node's log after its last checkpoint, before the export was taken, leave a
// shorter but consistent chain; that is only detectable against an earlier
// export or a checkpoint held elsewhere (e.g. one sent to a partner). A range
// export (--from) starts from a prev_hash taken on trust; the report says so.
//
// Thread-safety: pure functions apart from the stream or file they read.
#ifndef LIAISON_AUDIT_VERIFY_H_
#define LIAISON_AUDIT_VERIFY_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "audit/checkpoint.h"
#include "audit/export.h"

namespace liaison::audit {

// What was wrong with the first bad entry.
enum class Finding {
  kIntact,        // nothing: the export verifies
  kChanged,       // an entry's contents differ from what the chain committed to
  kRemoved,       // one or more entries are missing (a gap in seq)
  kInserted,      // an entry that is not part of the chain
  kReordered,     // entries out of order
  kBadSignature,  // a checkpoint or the trailer does not verify with the node key
  kWrongKey,      // the header key is not the key given out of band
  kTruncated,     // the file was cut short (mid-line, or without its trailer)
  kMalformed,     // a line is not a well-formed export line
};

// "intact", "changed", "removed", "inserted", "reordered", "bad_signature",
// "wrong_key", "truncated", "malformed".
std::string_view FindingName(Finding finding);

struct VerifyOptions {
  // The node's public key from a trusted source; when set, the header key
  // must equal it.
  std::optional<PublicKey> expected_key;
  // A chain head known from elsewhere: the last entry of an earlier export
  // the auditor kept, or a checkpoint held by a partner. The export must hold
  // the same entry at that seq, and (when it runs to the end of the log) must
  // not end before it: this is what catches entries cut from the end of the
  // log, which the export alone cannot show.
  std::optional<ChainHead> known_head;
  ExportLimits limits;
};

struct VerifyReport {
  Finding finding = Finding::kIntact;
  bool ok() const { return finding == Finding::kIntact; }

  // The first bad entry: its line in the file (0 when entries are missing
  // after the last line) and its seq (for kRemoved, the first missing seq; 0
  // when the problem is not in an entry).
  uint64_t line = 0;
  uint64_t seq = 0;
  std::string reason;

  // What was read up to the problem (or the whole file when intact).
  std::optional<ExportHeader> header;
  uint64_t entries = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  std::string last_hash;
  // Whether options.known_head was found in the export and matched.
  bool known_head_matched = false;
  uint64_t checkpoints = 0;
  uint64_t last_checkpoint_seq = 0;
  // True when the export starts at seq 1 from the genesis hash; false for a
  // range export whose first prev_hash is taken on trust.
  bool starts_at_genesis = false;
  // Facts an auditor should know that are not failures.
  std::vector<std::string> notes;

  // A human-readable report, one fact per line.
  std::string ToText() const;
  // The same as a JSON object (for the API and scripts):
  // {"finding","line","seq","reason","node_id","agency","public_key",
  //  "exported_at","entries","first_seq","last_seq","last_hash",
  //  "checkpoints","last_checkpoint_seq","starts_at_genesis",
  //  "known_head_matched","notes"}.
  Json ToJson() const;
};

// Verifies the export read from `in`. Never fails: problems with the file
// are findings in the report.
VerifyReport VerifyExport(std::istream& in, const VerifyOptions& options = {});

// Verifies the export at `path`. Returns NotFound/Unavailable only when the
// file cannot be opened.
absl::StatusOr<VerifyReport> VerifyExportFile(const std::string& path,
                                              const VerifyOptions& options = {});

}  // namespace liaison::audit

#endif  // LIAISON_AUDIT_VERIFY_H_
