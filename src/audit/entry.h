// One link of the tamper-evident audit chain, and the pure functions that
// make (Seal) and check (VerifyLink) links.
//
// An Entry is an Event plus its position (seq, 1-based and contiguous), its
// time (milliseconds since the Unix epoch, UTC, passed in by the caller), the
// hash of the entry before it (prev_hash) and its own hash:
//
//   hash = lowercase hex SHA-256 of CanonicalEntryText(entry, kWithoutHash)
//
// Entry 1's prev_hash is GenesisHash(node_id). docs/audit-format.md gives the
// canonical text precisely.
//
// Thread-safety: plain data and pure functions.
#ifndef LIAISON_AUDIT_ENTRY_H_
#define LIAISON_AUDIT_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audit/event.h"
#include "common/json_text.h"

namespace liaison::audit {

struct Entry {
  uint64_t seq = 0;
  int64_t time_ms = 0;
  Event event;
  std::string prev_hash;  // 64 lowercase hex characters
  std::string hash;       // 64 lowercase hex characters
};

// The end of a chain: the seq and hash of its last entry, or seq 0 and the
// genesis hash for an empty chain.
struct ChainHead {
  uint64_t seq = 0;
  std::string hash;
};

// The longest export line an entry may take. Seal refuses events that would
// exceed it, so every sealed entry can be read back by the default limits.
inline constexpr size_t kMaxEntryLineBytes = 64 * 1024;

// Hex SHA-256 of "liaison-audit-genesis-v1\n" followed by `node_id`.
std::string GenesisHash(std::string_view node_id);
// {0, GenesisHash(node_id)}.
ChainHead GenesisHead(std::string_view node_id);
// {entry.seq, entry.hash}.
ChainHead HeadOf(const Entry& entry);

enum class HashField { kWithoutHash, kWithHash };

// The canonical JSON text of `entry` (one line, no newline): the bytes hashed
// (kWithoutHash) and the bytes of an export line (kWithHash). The event must
// have passed ValidateEvent; Seal and ParseEntryLine guarantee it.
std::string CanonicalEntryText(const Entry& entry, HashField field);

// Hex SHA-256 of CanonicalEntryText(entry, kWithoutHash).
std::string ComputeEntryHash(const Entry& entry);

// Seals `event` as entry `seq` after `prev`. Returns InvalidArgument when
// `seq` is not prev.seq + 1, `time_ms` is negative, the event fails
// ValidateEvent, or its export line would be longer than kMaxEntryLineBytes
// (e.g. very many object ids: record such actions in several entries). No
// clock is read: the caller passes the time.
absl::StatusOr<Entry> Seal(const ChainHead& prev, uint64_t seq, int64_t time_ms, Event event);

// Checks that `entry` follows `prev`: seq is prev.seq + 1, prev_hash is
// prev.hash, and hash matches the contents. Returns DataLoss saying which of
// the three fails.
absl::Status VerifyLink(const ChainHead& prev, const Entry& entry);

// Limits on reading an entry line.
struct EntryLineLimits {
  size_t max_line_bytes = kMaxEntryLineBytes;
  int max_depth = kMaxDetailsDepth + 1;
};

// Parses one export line (CanonicalEntryText kWithHash form) into an Entry.
// Does not check the hash. Returns InvalidArgument naming the field that is
// missing, unknown, of the wrong type or out of range, or the byte offset of
// invalid JSON or UTF-8; ResourceExhausted past `limits`.
absl::StatusOr<Entry> ParseEntryLine(std::string_view line, const EntryLineLimits& limits = {});

// As ParseEntryLine, from an already parsed JSON value.
absl::StatusOr<Entry> EntryFromJson(const Json& value);

// The fast path of reading an export: parses `line` only if it is exactly
// CanonicalEntryText(entry, kWithHash) of a valid entry, in one pass without
// building a JSON tree for anything but the details, and sets
// `*contents_hash` to ComputeEntryHash of the result (the SHA-256 of the line
// without its hash member, with no re-serialising). Returns nullopt for any
// other line (the caller then uses ParseEntryLine, which explains what is
// wrong). Whatever it accepts, ParseEntryLine accepts with the same result.
std::optional<Entry> ParseCanonicalEntryLine(std::string_view line, std::string* contents_hash);

}  // namespace liaison::audit

#endif  // LIAISON_AUDIT_ENTRY_H_
