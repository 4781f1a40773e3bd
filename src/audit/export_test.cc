#include "audit/export.h"

#include <filesystem>
#include <sstream>
#include <string>

#include "audit/test_chain.h"
#include "audit/verify.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liaison::audit {
namespace {

using ::liaison::audit::testing::ChainBuilder;
using ::liaison::audit::testing::JoinLines;
using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  std::string dir = ::testing::TempDir();
  return (std::filesystem::path(dir) / name).string();
}

TEST(ExportTest, WriteExportProducesAVerifiableFile) {
  ChainBuilder chain(4);
  chain.AppendSamples(30);
  const std::string path = TempPath("export_ok.jsonl");
  absl::Status s = WriteExport(
      chain.Header(), chain.key(),
      [&](const EntrySink& sink) -> absl::Status {
        for (const Entry& e : chain.entries()) {
          absl::Status added = sink(e);
          if (!added.ok()) return added;
        }
        return absl::OkStatus();
      },
      path);
  ASSERT_TRUE(s.ok()) << s;
  auto report = VerifyExportFile(path);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->ToText();
  EXPECT_EQ(report->entries, 30u);
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  std::filesystem::remove(path);
}

TEST(ExportTest, FailedSourceLeavesNoFile) {
  const std::string path = TempPath("export_failed.jsonl");
  ChainBuilder chain;
  absl::Status s = WriteExport(
      chain.Header(), chain.key(),
      [](const EntrySink&) { return absl::DataLossError("database is corrupt"); }, path);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST(ExportTest, WriterRefusesAHeaderKeyThatIsNotTheSigners) {
  ChainBuilder chain;
  ExportHeader header = chain.Header();
  header.public_key = std::string(64, '0');
  std::ostringstream out;
  ExportWriter writer(out, header, chain.key());
  EXPECT_EQ(writer.Begin().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(writer.Add(Entry{}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ExportTest, HeaderAndTrailerLinesAreCanonical) {
  ChainBuilder chain;
  chain.AppendSamples(2);
  std::vector<std::string> lines = chain.ExportLines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[0], HasSubstr("\"format\":\"liaison-audit-export\",\"format_version\":1,"));
  EXPECT_THAT(lines[0], HasSubstr("\"from_time\":null"));
  EXPECT_THAT(lines[3], HasSubstr("{\"entries\":2,\"first_seq\":1,"));
  std::istringstream in(JoinLines(lines));
  ExportReader reader(in);
  auto header = reader.ReadHeader();
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(HeaderLine(*header), lines[0]);
  int entries = 0;
  while (true) {
    auto record = reader.Next();
    ASSERT_TRUE(record.ok()) << record.status();
    if (!record->has_value()) break;
    EXPECT_TRUE((*record)->canonical);
    if ((*record)->kind == ExportRecord::Kind::kEntry) ++entries;
  }
  EXPECT_EQ(entries, 2);
}

TEST(ExportTest, ReaderNamesLineAndFieldOfHeaderErrors) {
  ChainBuilder chain;
  std::string header = chain.ExportLines()[0];
  auto read = [](const std::string& text) {
    std::istringstream in(text);
    ExportReader reader(in);
    return reader.ReadHeader().status();
  };
  std::string v2 = header;
  v2.replace(v2.find("\"format_version\":1"), 18, "\"format_version\":2");
  EXPECT_THAT(std::string(read(v2 + "\n").message()),
              HasSubstr("line 1: field 'format_version': version 2 is not supported"));
  std::string bad_key = header;
  bad_key.replace(bad_key.find("\"public_key\":\"") + 14, 2, "ZZ");
  EXPECT_THAT(std::string(read(bad_key + "\n").message()), HasSubstr("line 1: field 'public_key'"));
  EXPECT_EQ(read(header).code(), absl::StatusCode::kDataLoss);  // no newline
  EXPECT_THAT(std::string(read("[1,2]\n").message()), HasSubstr("line 1"));
}

TEST(ExportTest, ReaderHandlesLinesAcrossBufferBoundaries) {
  ChainBuilder chain(7);
  chain.AppendSamples(3000);  // several read chunks
  std::istringstream in(JoinLines(chain.ExportLines()));
  VerifyReport report = VerifyExport(in);
  EXPECT_TRUE(report.ok()) << report.ToText();
  EXPECT_EQ(report.entries, 3000u);
}

}  // namespace
}  // namespace liaison::audit
