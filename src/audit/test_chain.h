// Test-only: builds small, deterministic audit chains and exports for the
// audit tests, the fuzz seed corpus generator and the benchmarks.
//
// Thread-safety: none; use one ChainBuilder per thread.
#ifndef LIAISON_AUDIT_TEST_CHAIN_H_
#define LIAISON_AUDIT_TEST_CHAIN_H_

#include <array>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "audit/export.h"
#include "common/random.h"

namespace liaison::audit::testing {

inline constexpr char kTestNodeId[] = "node-lhr-01";
inline constexpr int64_t kTestStartMs = 1795000000000;  // late November 2026

inline SigningKey TestKey(uint8_t fill = 7) {
  std::array<uint8_t, kSeedBytes> seed;
  seed.fill(fill);
  return *SigningKey::FromSeed(seed);
}

// A plausible event, varied by `i`.
inline Event SampleEvent(uint64_t i) {
  static constexpr Action kActions[] = {Action::kSearch, Action::kView, Action::kCreate,
                                        Action::kPartnerQuerySent, Action::kDisclosure};
  Event e;
  e.actor_id = absl::StrCat("usr_", i % 7);
  e.actor_name = (i % 2 == 0) ? "Ayesha Khan" : "Niccolò D'Angelo";
  e.actor_role = "analyst";
  e.action = kActions[i % 5];
  e.object_ids = {absl::StrCat("per_", i), absl::StrCat("case_", i / 10)};
  e.query_hash = std::string(64, 'a' + static_cast<char>(i % 6));
  e.purpose = "narcotics investigation, shipment via Karachi";
  e.case_ref = absl::StrCat("LHR-2026-", i % 100);
  e.outcome = (i % 11 == 0) ? Outcome::kDenied : Outcome::kOk;
  e.outcome_text = (i % 11 == 0) ? "clearance H1 below record H2" : "";
  e.details = Json::object();
  e.details["hits"] = static_cast<int64_t>(i % 4);
  e.details["partner"] = "node-rom-01";
  e.origin = (i % 3 == 0) ? "cli" : "api";
  return e;
}

// Appends sample events to a chain, with a checkpoint every
// `checkpoint_every` entries (0 = none).
class ChainBuilder {
 public:
  explicit ChainBuilder(uint64_t checkpoint_every = 5, const SigningKey& key = TestKey(),
                        std::string node_id = kTestNodeId)
      : key_(key),
        node_id_(std::move(node_id)),
        checkpoint_every_(checkpoint_every),
        head_(GenesisHead(node_id_)) {}

  const Entry& Append(const Event& event) {
    const int64_t t = kTestStartMs + static_cast<int64_t>(head_.seq) * 1000;
    entries_.push_back(*Seal(head_, head_.seq + 1, t, event));
    head_ = HeadOf(entries_.back());
    return entries_.back();
  }

  void AppendSamples(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      if (checkpoint_every_ > 0 && (head_.seq + 1) % checkpoint_every_ == 0) {
        const int64_t t = kTestStartMs + static_cast<int64_t>(head_.seq) * 1000;
        Append(MakeCheckpointEvent(key_, node_id_, head_, t));
      } else {
        Append(SampleEvent(head_.seq + 1));
      }
    }
  }

  ExportHeader Header() const {
    ExportHeader h;
    h.node_id = node_id_;
    h.agency = "Punjab Police";
    h.public_key = key_.PublicKeyHex();
    h.exported_at = kTestStartMs + 86400000;
    return h;
  }

  // The export of entries_[first..last) as lines (no newlines).
  std::vector<std::string> ExportLines(size_t first = 0, size_t last = SIZE_MAX) const {
    ExportHeader h = Header();
    if (first > 0) h.from_time = entries_[first].time_ms;
    std::ostringstream out;
    ExportWriter writer(out, h, key_);
    (void)writer.Begin();
    for (size_t i = first; i < std::min(last, entries_.size()); ++i) (void)writer.Add(entries_[i]);
    (void)writer.Finish();
    std::vector<std::string> lines = absl::StrSplit(out.str(), '\n');
    lines.pop_back();  // after the final newline
    return lines;
  }

  std::vector<Entry>& entries() { return entries_; }
  const SigningKey& key() const { return key_; }
  const std::string& node_id() const { return node_id_; }

 private:
  SigningKey key_;
  std::string node_id_;
  uint64_t checkpoint_every_;
  ChainHead head_;
  std::vector<Entry> entries_;
};

inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) absl::StrAppend(&out, line, "\n");
  return out;
}

}  // namespace liaison::audit::testing

#endif  // LIAISON_AUDIT_TEST_CHAIN_H_
