#include "audit/verify.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "audit/test_chain.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liaison::audit {
namespace {

using ::liaison::audit::testing::ChainBuilder;
using ::liaison::audit::testing::JoinLines;
using ::liaison::audit::testing::TestKey;
using ::testing::HasSubstr;

VerifyReport VerifyText(const std::string& text, const VerifyOptions& options = {}) {
  std::istringstream in(text);
  return VerifyExport(in, options);
}

VerifyReport VerifyLines(const std::vector<std::string>& lines, const VerifyOptions& options = {}) {
  return VerifyText(JoinLines(lines), options);
}

// In a full export, line 1 is the header and entry seq k is on line k + 1.
constexpr size_t LineIndexOfSeq(uint64_t seq) { return seq; }

// Re-links and re-hashes entries from index `from` on, as someone rewriting
// the log without the node key would. When `update_heads`, checkpoint details
// are pointed at the new heads too (their signatures cannot be redone).
void Rechain(std::vector<Entry>& entries, size_t from, bool update_heads) {
  for (size_t i = from; i < entries.size(); ++i) {
    if (i > 0) entries[i].prev_hash = entries[i - 1].hash;
    if (i > 0 && update_heads && entries[i].event.action == Action::kCheckpoint) {
      entries[i].event.details["head_hash"] = entries[i - 1].hash;
    }
    entries[i].hash = ComputeEntryHash(entries[i]);
  }
}

class VerifyExportTest : public ::testing::Test {
 protected:
  void SetUp() override { chain_.AppendSamples(20); }
  ChainBuilder chain_{/*checkpoint_every=*/5};
};

TEST_F(VerifyExportTest, IntactExportVerifies) {
  VerifyReport report = VerifyLines(chain_.ExportLines());
  EXPECT_TRUE(report.ok()) << report.ToText();
  EXPECT_EQ(report.entries, 20u);
  EXPECT_EQ(report.first_seq, 1u);
  EXPECT_EQ(report.last_seq, 20u);
  EXPECT_EQ(report.checkpoints, 4u);
  EXPECT_EQ(report.last_checkpoint_seq, 20u);
  EXPECT_TRUE(report.starts_at_genesis);
  EXPECT_THAT(report.ToText(), HasSubstr("result: intact"));
}

TEST_F(VerifyExportTest, ReportAsJson) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.erase(lines.begin() + LineIndexOfSeq(7));
  Json json = VerifyLines(lines).ToJson();
  EXPECT_EQ(json["finding"], "removed");
  EXPECT_EQ(json["line"], 8);
  EXPECT_EQ(json["seq"], 7);
  EXPECT_EQ(json["node_id"], testing::kTestNodeId);
  EXPECT_TRUE(json["notes"].is_array());
  EXPECT_EQ(VerifyLines(chain_.ExportLines()).ToJson()["finding"], "intact");
}

TEST_F(VerifyExportTest, IntactWithTheRightOutOfBandKey) {
  VerifyOptions options;
  options.expected_key = TestKey().public_key();
  EXPECT_TRUE(VerifyLines(chain_.ExportLines(), options).ok());
}

TEST_F(VerifyExportTest, EmptyLogVerifies) {
  ChainBuilder empty;
  VerifyReport report = VerifyLines(empty.ExportLines());
  EXPECT_TRUE(report.ok()) << report.ToText();
  EXPECT_EQ(report.entries, 0u);
}

TEST_F(VerifyExportTest, DetectsChangedFieldAtThatEntry) {
  std::vector<std::string> lines = chain_.ExportLines();
  std::string& line = lines[LineIndexOfSeq(7)];
  line = absl::StrReplaceAll(line, {{"narcotics", "terrorism"}});
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kChanged) << report.ToText();
  EXPECT_EQ(report.line, 8u);
  EXPECT_EQ(report.seq, 7u);
  EXPECT_THAT(report.reason, HasSubstr("recorded hash"));
}

TEST_F(VerifyExportTest, DetectsChangedAndRehashedEntryAtThatEntry) {
  chain_.entries()[6].event.purpose = "routine check";
  chain_.entries()[6].hash = ComputeEntryHash(chain_.entries()[6]);
  VerifyReport report = VerifyLines(chain_.ExportLines());
  EXPECT_EQ(report.finding, Finding::kChanged) << report.ToText();
  EXPECT_EQ(report.line, 8u);
  EXPECT_EQ(report.seq, 7u);
}

TEST_F(VerifyExportTest, DetectsReformattedLine) {
  std::vector<std::string> lines = chain_.ExportLines();
  std::string& line = lines[LineIndexOfSeq(4)];
  line = absl::StrReplaceAll(line, {{",\"origin\"", ", \"origin\""}});
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kChanged) << report.ToText();
  EXPECT_EQ(report.seq, 4u);
  EXPECT_THAT(report.reason, HasSubstr("canonical"));
}

TEST_F(VerifyExportTest, DetectsRemovedEntry) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.erase(lines.begin() + LineIndexOfSeq(7));
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kRemoved) << report.ToText();
  EXPECT_EQ(report.line, 8u);  // where seq 8 now is
  EXPECT_EQ(report.seq, 7u);   // the missing one
}

TEST_F(VerifyExportTest, DetectsRemovedRun) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.erase(lines.begin() + LineIndexOfSeq(7), lines.begin() + LineIndexOfSeq(10));
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kRemoved) << report.ToText();
  EXPECT_EQ(report.seq, 7u);
  EXPECT_THAT(report.reason, HasSubstr("7..9"));
}

TEST_F(VerifyExportTest, DetectsRemovedFirstEntriesOfFullExport) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.erase(lines.begin() + 1, lines.begin() + 3);
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kRemoved) << report.ToText();
  EXPECT_EQ(report.line, 2u);
  EXPECT_EQ(report.seq, 1u);
}

TEST_F(VerifyExportTest, DetectsRemovedTailAgainstSignedTrailer) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.erase(lines.end() - 3, lines.end() - 1);  // seq 19 and 20, keep the trailer
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kRemoved) << report.ToText();
  EXPECT_EQ(report.seq, 19u);
  EXPECT_EQ(report.line, 20u);  // the trailer
}

TEST_F(VerifyExportTest, DetectsInsertedForgedEntryThatLinks) {
  std::vector<std::string> lines = chain_.ExportLines();
  const Entry& six = chain_.entries()[5];
  Event forged = testing::SampleEvent(99);
  forged.purpose = "cover story";
  Entry x = *Seal(HeadOf(six), 7, six.time_ms + 1, forged);
  lines.insert(lines.begin() + LineIndexOfSeq(7), CanonicalEntryText(x, HashField::kWithHash));
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kInserted) << report.ToText();
  EXPECT_EQ(report.line, 8u);
  EXPECT_EQ(report.seq, 7u);
}

TEST_F(VerifyExportTest, DetectsInsertedEntryWithBadHash) {
  std::vector<std::string> lines = chain_.ExportLines();
  std::string copy = absl::StrReplaceAll(lines[LineIndexOfSeq(3)], {{"analyst", "admin"}});
  lines.insert(lines.begin() + LineIndexOfSeq(7), copy);
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kInserted) << report.ToText();
  EXPECT_EQ(report.line, 8u);
}

TEST_F(VerifyExportTest, DetectsDuplicatedLine) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.insert(lines.begin() + LineIndexOfSeq(7), lines[LineIndexOfSeq(7)]);
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kInserted) << report.ToText();
  EXPECT_EQ(report.line, 9u);
  EXPECT_EQ(report.seq, 7u);
}

TEST_F(VerifyExportTest, DetectsOldEntryReplayedLater) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.insert(lines.begin() + LineIndexOfSeq(13), lines[LineIndexOfSeq(2)]);
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kInserted) << report.ToText();
  EXPECT_EQ(report.line, 14u);
  EXPECT_EQ(report.seq, 2u);
}

TEST_F(VerifyExportTest, DetectsSwappedEntries) {
  std::vector<std::string> lines = chain_.ExportLines();
  std::swap(lines[LineIndexOfSeq(7)], lines[LineIndexOfSeq(8)]);
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kReordered) << report.ToText();
  EXPECT_EQ(report.line, 8u);
  EXPECT_EQ(report.seq, 8u);
}

TEST_F(VerifyExportTest, DetectsEntryMovedEarlier) {
  std::vector<std::string> lines = chain_.ExportLines();
  std::string moved = lines[LineIndexOfSeq(12)];
  lines.erase(lines.begin() + LineIndexOfSeq(12));
  lines.insert(lines.begin() + LineIndexOfSeq(3), moved);
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kReordered) << report.ToText();
  EXPECT_EQ(report.line, 4u);
  EXPECT_EQ(report.seq, 12u);
}

TEST_F(VerifyExportTest, DetectsRewrittenChainAtNextCheckpoint) {
  // Someone with write access but not the key changes seq 7 and re-links
  // everything after it: every link holds, but checkpoint 10 signed the old
  // head.
  chain_.entries()[6].event.purpose = "nothing to see";
  Rechain(chain_.entries(), 6, /*update_heads=*/false);
  VerifyReport report = VerifyLines(chain_.ExportLines());
  EXPECT_EQ(report.finding, Finding::kBadSignature) << report.ToText();
  EXPECT_EQ(report.line, 11u);
  EXPECT_EQ(report.seq, 10u);
  EXPECT_THAT(report.reason, HasSubstr("last good checkpoint (seq 5)"));
}

TEST_F(VerifyExportTest, DetectsForgedCheckpointSignature) {
  chain_.entries()[6].event.purpose = "nothing to see";
  Rechain(chain_.entries(), 6, /*update_heads=*/true);
  VerifyReport report = VerifyLines(chain_.ExportLines());
  EXPECT_EQ(report.finding, Finding::kBadSignature) << report.ToText();
  EXPECT_EQ(report.seq, 10u);
  EXPECT_THAT(report.reason, HasSubstr("signature does not verify"));
}

TEST_F(VerifyExportTest, DetectsCheckpointSignedByAnotherKey) {
  Entry& cp = chain_.entries()[9];
  SigningKey other = TestKey(9);
  cp.event = MakeCheckpointEvent(other, chain_.node_id(), ChainHead{9, cp.prev_hash}, cp.time_ms);
  Rechain(chain_.entries(), 9, false);
  VerifyReport report = VerifyLines(chain_.ExportLines());
  EXPECT_EQ(report.finding, Finding::kBadSignature) << report.ToText();
  EXPECT_EQ(report.seq, 10u);
}

TEST_F(VerifyExportTest, DetectsWrongPublicKey) {
  VerifyOptions options;
  options.expected_key = TestKey(9).public_key();
  VerifyReport report = VerifyLines(chain_.ExportLines(), options);
  EXPECT_EQ(report.finding, Finding::kWrongKey) << report.ToText();
  EXPECT_EQ(report.line, 1u);
}

TEST_F(VerifyExportTest, KeySwapIsCaughtOnlyByTheOutOfBandKey) {
  // A forger who re-signs everything with a key of their own produces a
  // self-consistent export; only the key obtained out of band exposes it.
  ChainBuilder forged(/*checkpoint_every=*/5, TestKey(9));
  forged.AppendSamples(20);
  EXPECT_TRUE(VerifyLines(forged.ExportLines()).ok());
  VerifyOptions options;
  options.expected_key = TestKey().public_key();
  EXPECT_EQ(VerifyLines(forged.ExportLines(), options).finding, Finding::kWrongKey);
}

TEST_F(VerifyExportTest, DetectsTruncatedLine) {
  std::vector<std::string> lines = chain_.ExportLines();
  std::string text = JoinLines({lines.begin(), lines.begin() + 8});
  text += lines[8].substr(0, 40);
  VerifyReport report = VerifyText(text);
  EXPECT_EQ(report.finding, Finding::kTruncated) << report.ToText();
  EXPECT_EQ(report.line, 9u);
  EXPECT_EQ(report.seq, 8u);
}

TEST_F(VerifyExportTest, DetectsCompleteLineWithoutNewlineAsTruncated) {
  std::string text = JoinLines(chain_.ExportLines());
  text.pop_back();
  VerifyReport report = VerifyText(text);
  EXPECT_EQ(report.finding, Finding::kTruncated) << report.ToText();
  EXPECT_EQ(report.line, 22u);
}

TEST_F(VerifyExportTest, DetectsMissingTrailer) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.resize(8);  // header and seq 1..7
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kTruncated) << report.ToText();
  EXPECT_EQ(report.line, 9u);
  EXPECT_EQ(report.seq, 8u);
}

TEST_F(VerifyExportTest, DetectsForgedTrailer) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.erase(lines.end() - 3, lines.end() - 1);
  // Rewrite the trailer to match the shortened file; the signature is stale.
  lines.back() = absl::StrReplaceAll(
      lines.back(), {{"\"entries\":20", "\"entries\":18"}, {"\"last_seq\":20", "\"last_seq\":18"}});
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kBadSignature) << report.ToText();
}

TEST_F(VerifyExportTest, DetectsChangedHeader) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines[0] = absl::StrReplaceAll(lines[0], {{"Punjab Police", "Punjab Polise"}});
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kChanged) << report.ToText();
  EXPECT_EQ(report.line, 1u);
}

TEST_F(VerifyExportTest, DetectsLinesAfterTrailer) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines.push_back(lines[LineIndexOfSeq(3)]);
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kInserted) << report.ToText();
  EXPECT_EQ(report.line, 23u);
}

TEST_F(VerifyExportTest, RejectsInvalidUtf8WithLineNumber) {
  std::vector<std::string> lines = chain_.ExportLines();
  std::string& line = lines[LineIndexOfSeq(7)];
  line = absl::StrReplaceAll(line, {{"Niccolò", "Niccol\xff"}});
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kMalformed) << report.ToText();
  EXPECT_EQ(report.line, 8u);
  EXPECT_THAT(report.reason, HasSubstr("line 8"));
  EXPECT_TRUE(IsValidUtf8(report.reason));
  EXPECT_EQ(report.reason.find('\xff'), std::string::npos);
}

TEST_F(VerifyExportTest, RejectsOverlongLine) {
  std::vector<std::string> lines = chain_.ExportLines();
  VerifyOptions options;
  options.limits.max_line_bytes = 600;
  lines[LineIndexOfSeq(4)] += std::string(1000, ' ');
  VerifyReport report = VerifyLines(lines, options);
  EXPECT_EQ(report.finding, Finding::kMalformed) << report.ToText();
  EXPECT_EQ(report.line, 5u);
  EXPECT_THAT(report.reason, HasSubstr("longer than 600 bytes"));
}

TEST_F(VerifyExportTest, RejectsDeepNesting) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines[LineIndexOfSeq(4)] = absl::StrReplaceAll(
      lines[LineIndexOfSeq(4)], {{"\"details\":{", "\"details\":{\"x\":[[[[[[[[[[]]]]]]]]]],"}});
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kMalformed) << report.ToText();
  EXPECT_EQ(report.line, 5u);
}

TEST_F(VerifyExportTest, NamesMistypedField) {
  std::vector<std::string> lines = chain_.ExportLines();
  lines[LineIndexOfSeq(4)] =
      absl::StrReplaceAll(lines[LineIndexOfSeq(4)], {{"\"seq\":4", "\"seq\":\"4\""}});
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kMalformed) << report.ToText();
  EXPECT_THAT(report.reason, HasSubstr("line 5: field 'seq': expected an integer"));
}

TEST_F(VerifyExportTest, RejectsNonExport) {
  VerifyReport report = VerifyText("{\"hello\":1}\n");
  EXPECT_EQ(report.finding, Finding::kMalformed);
  EXPECT_EQ(report.line, 1u);
  EXPECT_EQ(VerifyText("").finding, Finding::kMalformed);
}

TEST_F(VerifyExportTest, RangeExportTakesItsStartOnTrustAndSaysSo) {
  VerifyReport report = VerifyLines(chain_.ExportLines(/*first=*/10, /*last=*/17));
  EXPECT_TRUE(report.ok()) << report.ToText();
  EXPECT_FALSE(report.starts_at_genesis);
  EXPECT_EQ(report.first_seq, 11u);
  EXPECT_EQ(report.last_seq, 17u);
  EXPECT_THAT(report.ToText(), HasSubstr("taken on trust"));
  EXPECT_THAT(report.ToText(), HasSubstr("covered only by this export's signed trailer"));
}

TEST_F(VerifyExportTest, RangeExportStillDetectsChangesAfterItsStart) {
  std::vector<std::string> lines = chain_.ExportLines(10);
  lines.erase(lines.begin() + 3);  // seq 13
  VerifyReport report = VerifyLines(lines);
  EXPECT_EQ(report.finding, Finding::kRemoved) << report.ToText();
  EXPECT_EQ(report.seq, 13u);
}

TEST_F(VerifyExportTest, KnownHeadFromAnEarlierExportMatches) {
  VerifyOptions options;
  options.known_head = HeadOf(chain_.entries()[14]);
  VerifyReport report = VerifyLines(chain_.ExportLines(), options);
  EXPECT_TRUE(report.ok()) << report.ToText();
  EXPECT_TRUE(report.known_head_matched);
  EXPECT_EQ(report.last_hash, chain_.entries().back().hash);
}

TEST_F(VerifyExportTest, KnownHeadCatchesEntriesCutFromTheEndOfTheLog) {
  // The node's log lost seq 18..20 before this export was taken: the export
  // is consistent and signed, but an earlier export ended at seq 19.
  VerifyOptions options;
  options.known_head = HeadOf(chain_.entries()[18]);
  VerifyReport report = VerifyLines(chain_.ExportLines(0, 17), options);
  EXPECT_EQ(report.finding, Finding::kRemoved) << report.ToText();
  EXPECT_EQ(report.seq, 18u);
  EXPECT_EQ(report.line, 0u);
  EXPECT_THAT(report.ToText(), HasSubstr("after the last line"));
}

TEST_F(VerifyExportTest, KnownHeadCatchesARewrittenHistory) {
  // A forger with the key rebuilds the chain from seq 7; the head an auditor
  // kept from before no longer matches.
  VerifyOptions options;
  options.known_head = HeadOf(chain_.entries()[11]);
  std::vector<Entry>& entries = chain_.entries();
  entries[6].event.purpose = "rewritten";
  for (size_t i = 6; i < entries.size(); ++i) {
    Entry& e = entries[i];
    e.prev_hash = entries[i - 1].hash;
    if (e.event.action == Action::kCheckpoint) {
      e.event = MakeCheckpointEvent(chain_.key(), chain_.node_id(),
                                    ChainHead{e.seq - 1, e.prev_hash}, e.time_ms);
    }
    e.hash = ComputeEntryHash(e);
  }
  EXPECT_TRUE(VerifyLines(chain_.ExportLines()).ok());  // consistent and signed
  VerifyReport report = VerifyLines(chain_.ExportLines(), options);
  EXPECT_EQ(report.finding, Finding::kChanged) << report.ToText();
  EXPECT_EQ(report.seq, 12u);
}

TEST_F(VerifyExportTest, KnownHeadOutsideARangeIsNotedNotFailed) {
  VerifyOptions options;
  options.known_head = HeadOf(chain_.entries()[2]);
  VerifyReport report = VerifyLines(chain_.ExportLines(10), options);
  EXPECT_TRUE(report.ok()) << report.ToText();
  EXPECT_THAT(report.ToText(), HasSubstr("not compared"));
}

TEST_F(VerifyExportTest, VerifyExportFileReportsMissingFile) {
  EXPECT_FALSE(VerifyExportFile("/nonexistent/audit.jsonl").ok());
}

}  // namespace
}  // namespace liaison::audit
