#include "audit/verify.h"

#include <openssl/sha.h>

#include <deque>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "audit/hex.h"
#include "common/time_format.h"

namespace liaison::audit {
namespace {

std::string Sha256Hex(std::string_view bytes) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), digest);
  return HexEncode(digest, sizeof digest);
}

Finding FindingForReadError(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDataLoss ? Finding::kTruncated : Finding::kMalformed;
}

// The reader plus a queue of records read ahead, for telling a removed entry
// from a reordered one and an inserted entry from a changed one.
class Lookahead {
 public:
  struct Item {
    absl::StatusOr<std::optional<ExportRecord>> record;
    uint64_t line;
  };

  explicit Lookahead(ExportReader& reader) : reader_(reader) {}

  Item Take() {
    if (queue_.empty()) Fill();
    Item item = std::move(queue_.front());
    queue_.pop_front();
    return item;
  }

  // The next entry, if the next line is a readable entry.
  const Entry* PeekEntry() {
    if (queue_.empty()) Fill();
    const Item& item = queue_.front();
    if (!item.record.ok() || !item.record->has_value()) return nullptr;
    const ExportRecord& r = **item.record;
    return r.kind == ExportRecord::Kind::kEntry ? &r.entry : nullptr;
  }

  // Whether anything (even an unreadable line) follows.
  bool AtEnd() {
    if (queue_.empty()) Fill();
    const Item& item = queue_.front();
    return item.record.ok() && !item.record->has_value();
  }

  // Reads on to find an entry with `seq`; returns its line, or 0. Consumes
  // the rest of the file, so call it only once the verdict is being decided.
  uint64_t FindSeqAhead(uint64_t seq) {
    while (true) {
      if (queue_.empty()) Fill();
      Item item = std::move(queue_.front());
      queue_.pop_front();
      if (!item.record.ok() || !item.record->has_value()) return 0;
      const ExportRecord& r = **item.record;
      if (r.kind == ExportRecord::Kind::kEntry && r.entry.seq == seq) return r.line;
    }
  }

 private:
  void Fill() {
    auto record = reader_.Next();
    queue_.push_back(Item{std::move(record), reader_.line_number()});
  }

  ExportReader& reader_;
  std::deque<Item> queue_;
};

// Messages may quote bytes from the file (e.g. the JSON parser's "last
// read"); keep the report printable whatever the file held.
std::string Printable(std::string text) {
  const bool utf8 = IsValidUtf8(text);
  for (char& c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || (!utf8 && u >= 0x80)) c = '?';
  }
  return text;
}

struct Seen {
  uint64_t line = 0;
  uint64_t seq = 0;
  std::string hash;
  std::string prev_hash;
  int64_t time_ms = 0;
};

}  // namespace

std::string_view FindingName(Finding finding) {
  switch (finding) {
    case Finding::kIntact:
      return "intact";
    case Finding::kChanged:
      return "changed";
    case Finding::kRemoved:
      return "removed";
    case Finding::kInserted:
      return "inserted";
    case Finding::kReordered:
      return "reordered";
    case Finding::kBadSignature:
      return "bad_signature";
    case Finding::kWrongKey:
      return "wrong_key";
    case Finding::kTruncated:
      return "truncated";
    case Finding::kMalformed:
      return "malformed";
  }
  return "malformed";
}

VerifyReport VerifyExport(std::istream& in, const VerifyOptions& options) {
  VerifyReport report;
  auto fail = [&report](Finding finding, uint64_t line, uint64_t seq,
                        std::string reason) -> VerifyReport {
    report.finding = finding;
    report.line = line;
    report.seq = seq;
    report.reason = Printable(std::move(reason));
    return report;
  };

  ExportReader reader(in, options.limits);
  absl::StatusOr<ExportHeader> header = reader.ReadHeader();
  if (!header.ok()) {
    return fail(FindingForReadError(header.status()), 1, 0, std::string(header.status().message()));
  }
  report.header = *header;
  // ReadHeader has checked the key is 64 hex digits.
  const PublicKey key = *ParsePublicKey(header->public_key);
  if (options.expected_key && *options.expected_key != key) {
    return fail(Finding::kWrongKey, 1, 0,
                absl::StrCat("the export is signed with key ", header->public_key,
                             ", not the expected key ", PublicKeyHex(*options.expected_key)));
  }
  const std::string header_sha256 = Sha256Hex(reader.header_line());
  const std::string genesis = GenesisHash(header->node_id);

  std::optional<Seen> prev;
  std::string prevprev_hash;  // hash of the entry before `prev`, when known
  bool noted_time_backwards = false;
  Lookahead ahead(reader);

  while (true) {
    Lookahead::Item item = ahead.Take();
    const uint64_t expected_seq = prev ? prev->seq + 1 : 0;
    if (!item.record.ok()) {
      return fail(FindingForReadError(item.record.status()), item.line, expected_seq,
                  std::string(item.record.status().message()));
    }
    if (!item.record->has_value()) {
      return fail(Finding::kTruncated, item.line + 1, expected_seq,
                  absl::StrCat("the file ends after line ", item.line,
                               " without the signed export trailer: its end is missing"));
    }
    ExportRecord& r = **item.record;

    if (r.kind == ExportRecord::Kind::kTrailer) {
      const ExportTrailer& t = r.trailer;
      if (!r.canonical) {
        return fail(Finding::kMalformed, r.line, 0, "the trailer is not in canonical form");
      }
      if (!VerifySignatureHex(key, TrailerMessage(t), t.signature)) {
        return fail(Finding::kBadSignature, r.line, 0,
                    "the export trailer's signature does not verify with the header key");
      }
      if (t.header_sha256 != header_sha256) {
        return fail(Finding::kChanged, 1, 0,
                    "the header is not the one the signed trailer commits to");
      }
      const uint64_t last_seq = prev ? prev->seq : 0;
      const std::string last_hash = prev ? prev->hash : "";
      if (t.entries != report.entries || t.last_seq != last_seq || t.last_hash != last_hash ||
          t.first_seq != report.first_seq) {
        if (t.last_seq > last_seq || t.entries > report.entries) {
          return fail(Finding::kRemoved, r.line, last_seq + 1,
                      absl::StrCat("the signed trailer accounts for ", t.entries,
                                   " entries up to seq ", t.last_seq, "; the file holds ",
                                   report.entries, " up to seq ", last_seq));
        }
        return fail(Finding::kInserted, r.line, last_seq,
                    absl::StrCat("the signed trailer accounts for ", t.entries,
                                 " entries up to seq ", t.last_seq, " (hash ", t.last_hash,
                                 "); the file holds ", report.entries, " up to seq ", last_seq));
      }
      if (!ahead.AtEnd()) {
        return fail(Finding::kInserted, r.line + 1, 0, "there are lines after the export trailer");
      }
      break;
    }

    const Entry& e = r.entry;
    if (!r.canonical) {
      return fail(Finding::kChanged, r.line, e.seq,
                  "the line is not in canonical form (it was edited or reformatted)");
    }
    if (r.contents_hash != e.hash) {
      const Entry* next = ahead.PeekEntry();
      if (prev && next != nullptr && next->seq == prev->seq + 1 && next->prev_hash == prev->hash) {
        return fail(Finding::kInserted, r.line, e.seq,
                    absl::StrCat("this line is not part of the chain: the next entry links to seq ",
                                 prev->seq, " on line ", prev->line));
      }
      return fail(Finding::kChanged, r.line, e.seq,
                  "the entry's contents do not match its recorded hash");
    }

    if (!prev) {
      if (e.seq == 1) {
        if (e.prev_hash != genesis) {
          return fail(Finding::kChanged, r.line, e.seq,
                      absl::StrCat("entry 1 does not start from the genesis hash of node '",
                                   header->node_id, "'"));
        }
        report.starts_at_genesis = true;
      } else if (!header->from_time) {
        return fail(Finding::kRemoved, r.line, 1,
                    absl::StrCat("the export covers the whole log but starts at seq ", e.seq,
                                 ": entries 1..", e.seq - 1, " are missing"));
      } else {
        report.notes.push_back(absl::StrCat(
            "range export: the chain before seq ", e.seq, " is not in this file, so its prev_hash ",
            e.prev_hash, " is taken on trust; every entry after it is checked against it"));
      }
      report.first_seq = e.seq;
    } else if (e.seq == prev->seq + 1) {
      if (e.prev_hash != prev->hash) {
        if (!prevprev_hash.empty() && e.prev_hash == prevprev_hash) {
          return fail(
              Finding::kInserted, prev->line, prev->seq,
              absl::StrCat("the entry on line ", prev->line, " is not part of the chain: seq ",
                           e.seq, " on line ", r.line, " links to the entry before it"));
        }
        return fail(Finding::kChanged, prev->line, prev->seq,
                    absl::StrCat("seq ", e.seq, " on line ", r.line,
                                 " commits to a different hash for seq ", prev->seq,
                                 ": that entry was altered and re-hashed (or this entry's "
                                 "prev_hash was)"));
      }
    } else if (e.seq > prev->seq + 1) {
      const uint64_t missing = prev->seq + 1;
      if (e.prev_hash == prev->hash) {
        return fail(Finding::kChanged, r.line, e.seq,
                    absl::StrCat("the entry links to seq ", prev->seq, " but is numbered ", e.seq,
                                 ": its seq was altered"));
      }
      const uint64_t line_found = ahead.FindSeqAhead(missing);
      if (line_found != 0) {
        return fail(Finding::kReordered, r.line, e.seq,
                    absl::StrCat("seq ", e.seq, " appears before seq ", missing, " (line ",
                                 line_found, ")"));
      }
      return fail(Finding::kRemoved, r.line, missing,
                  e.seq - 1 == missing ? absl::StrCat("seq ", missing, " is missing between line ",
                                                      prev->line, " and line ", r.line)
                                       : absl::StrCat("seqs ", missing, "..", e.seq - 1,
                                                      " are missing between line ", prev->line,
                                                      " and line ", r.line));
    } else if (e.seq == prev->seq) {
      if (e.hash == prev->hash) {
        return fail(Finding::kInserted, r.line, e.seq,
                    absl::StrCat("a copy of the entry on line ", prev->line));
      }
      const Entry* next = ahead.PeekEntry();
      if (next != nullptr && next->prev_hash == e.hash && e.prev_hash == prev->prev_hash) {
        return fail(
            Finding::kInserted, prev->line, prev->seq,
            absl::StrCat("two entries claim seq ", e.seq, "; the chain continues from line ",
                         r.line, ", so the one on line ", prev->line, " was inserted"));
      }
      return fail(Finding::kInserted, r.line, e.seq,
                  absl::StrCat("a second entry with seq ", e.seq, " (the first is on line ",
                               prev->line, ")"));
    } else {
      const Entry* next = ahead.PeekEntry();
      if (next != nullptr && next->seq == prev->seq + 1 && next->prev_hash == prev->hash) {
        return fail(Finding::kInserted, r.line, e.seq,
                    absl::StrCat("seq ", e.seq, " does not belong after seq ", prev->seq,
                                 " and the chain continues past it: it was inserted"));
      }
      return fail(Finding::kReordered, r.line, e.seq,
                  absl::StrCat("seq ", e.seq, " appears after seq ", prev->seq));
    }

    if (e.event.action == Action::kCheckpoint) {
      absl::Status s = VerifyCheckpoint(e, header->node_id, key);
      if (!s.ok()) {
        std::string since =
            report.last_checkpoint_seq > 0
                ? absl::StrCat("; entries after the last good checkpoint (seq ",
                               report.last_checkpoint_seq, ") cannot be trusted")
                : absl::StrCat("; no entry before it is covered by a good checkpoint");
        return fail(Finding::kBadSignature, r.line, e.seq, absl::StrCat(s.message(), since));
      }
      ++report.checkpoints;
      report.last_checkpoint_seq = e.seq;
    }
    if (prev && e.time_ms < prev->time_ms && !noted_time_backwards) {
      noted_time_backwards = true;
      report.notes.push_back(absl::StrCat("time goes backwards at seq ", e.seq, " (line ", r.line,
                                          "): the node's clock was set back"));
    }

    if (options.known_head && e.seq == options.known_head->seq) {
      if (e.hash != options.known_head->hash) {
        return fail(Finding::kChanged, r.line, e.seq,
                    absl::StrCat("entry seq ", e.seq, " is not the one known from elsewhere (hash ",
                                 options.known_head->hash, "): the log was rewritten up to here"));
      }
      report.known_head_matched = true;
    }

    ++report.entries;
    report.last_seq = e.seq;
    report.last_hash = e.hash;
    prevprev_hash = prev ? prev->hash : std::string();
    prev = Seen{r.line, e.seq, e.hash, e.prev_hash, e.time_ms};
  }

  if (options.known_head && !report.known_head_matched) {
    const ChainHead& known = *options.known_head;
    if (report.entries > 0 && known.seq < report.first_seq) {
      report.notes.push_back(absl::StrCat("the known head (seq ", known.seq,
                                          ") is before this export's range; not compared"));
    } else if (report.header->to_time) {
      report.notes.push_back(absl::StrCat("the known head (seq ", known.seq,
                                          ") is after this export's range; not compared"));
    } else {
      // A whole-log (or --from) export runs to the end of the log, so it must
      // reach the known head.
      return fail(Finding::kRemoved, 0, report.last_seq + 1,
                  absl::StrCat("the log ends at seq ", report.last_seq, ", but seq ", known.seq,
                               " is known from elsewhere: entries ", report.last_seq + 1, "..",
                               known.seq, " (at least) were cut from its end"));
    }
  }
  if (report.known_head_matched) {
    report.notes.push_back(
        absl::StrCat("seq ", options.known_head->seq, " matches the head known from elsewhere"));
  }
  if (report.entries > report.checkpoints && report.last_checkpoint_seq < report.last_seq) {
    report.notes.push_back(absl::StrCat(
        report.last_seq - report.last_checkpoint_seq, " entries after the last checkpoint (seq ",
        report.last_checkpoint_seq, ") are covered only by this export's signed trailer"));
  }
  report.notes.push_back(
      "entries cut from the end of the node's log before this export was taken cannot be seen "
      "here; compare with an earlier export or a checkpoint held elsewhere");
  return report;
}

absl::StatusOr<VerifyReport> VerifyExportFile(const std::string& path,
                                              const VerifyOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  return VerifyExport(in, options);
}

Json VerifyReport::ToJson() const {
  Json out = Json::object();
  out["finding"] = std::string(FindingName(finding));
  out["line"] = line;
  out["seq"] = seq;
  out["reason"] = reason;
  out["node_id"] = header ? Json(header->node_id) : Json(nullptr);
  out["agency"] = header ? Json(header->agency) : Json(nullptr);
  out["public_key"] = header ? Json(header->public_key) : Json(nullptr);
  out["exported_at"] = header ? Json(header->exported_at) : Json(nullptr);
  out["entries"] = entries;
  out["first_seq"] = first_seq;
  out["last_seq"] = last_seq;
  out["last_hash"] = last_hash;
  out["checkpoints"] = checkpoints;
  out["last_checkpoint_seq"] = last_checkpoint_seq;
  out["starts_at_genesis"] = starts_at_genesis;
  out["known_head_matched"] = known_head_matched;
  out["notes"] = notes;
  return out;
}

std::string VerifyReport::ToText() const {
  std::string out;
  if (header) {
    absl::StrAppend(&out, "node: ", header->node_id, " (", header->agency, ")\n",
                    "public key: ", header->public_key, "\n",
                    "exported at: ", FormatMillis(header->exported_at), "\n");
  }
  absl::StrAppend(&out, "entries: ", entries);
  if (entries > 0) absl::StrAppend(&out, " (seq ", first_seq, "..", last_seq, ")");
  absl::StrAppend(&out, "\ncheckpoints: ", checkpoints);
  if (checkpoints > 0) absl::StrAppend(&out, " (last at seq ", last_checkpoint_seq, ")");
  out.push_back('\n');
  if (ok()) {
    absl::StrAppend(&out, "result: intact\n");
  } else {
    absl::StrAppend(&out, "result: FIRST BAD ENTRY ");
    if (line > 0) {
      absl::StrAppend(&out, "at line ", line);
    } else {
      absl::StrAppend(&out, "after the last line");
    }
    if (seq > 0) absl::StrAppend(&out, ", seq ", seq);
    absl::StrAppend(&out, ": ", std::string(FindingName(finding)), ": ", reason, "\n");
  }
  for (const std::string& note : notes) absl::StrAppend(&out, "note: ", note, "\n");
  return out;
}

}  // namespace liaison::audit
