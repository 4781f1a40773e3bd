#include "ingest/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/match.h"

namespace liaison::ingest {
namespace {

std::unique_ptr<CsvReader> Reader(std::istringstream& in) {
  auto r = CsvReader::FromStream(in, "list.csv");
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : nullptr;
}

TEST(CsvReaderTest, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  std::istringstream in(
      "id,name,aliases\n"
      "1,\"Asif, Muhammad\",\"M. \"\"Asif\"\"\"\n"
      "2,\"Niccolò\nD'Angelo\",\n");
  auto r = Reader(in);
  CsvRow row;
  ASSERT_TRUE(*r->Next(row));
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.fields, (std::vector<std::string>{"1", "Asif, Muhammad", "M. \"Asif\""}));
  ASSERT_TRUE(*r->Next(row));
  EXPECT_EQ(row.line, 3);
  EXPECT_EQ(row.fields[1], "Niccolò\nD'Angelo");
  EXPECT_EQ(row.fields[2], "");
  EXPECT_FALSE(*r->Next(row));
}

TEST(CsvReaderTest, HandlesCrlfBomAndMissingFinalNewline) {
  std::istringstream in("\xEF\xBB\xBFid,name\r\n1,A\r\n2,B");
  auto r = Reader(in);
  EXPECT_EQ(r->header()[0], "id");
  EXPECT_EQ(*r->Column("name"), 1);
  CsvRow row;
  ASSERT_TRUE(*r->Next(row));
  EXPECT_EQ(row.fields[1], "A");
  ASSERT_TRUE(*r->Next(row));
  EXPECT_EQ(row.fields[1], "B");
  EXPECT_FALSE(*r->Next(row));
}

TEST(CsvReaderTest, UnclosedQuoteNamesLineAndColumn) {
  std::istringstream in("id,name\n1,A\n2,\"B\n3,C\n");
  auto r = Reader(in);
  CsvRow row;
  ASSERT_TRUE(*r->Next(row));
  auto bad = r->Next(row);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "list.csv:3:2 (column 'name')"))
      << bad.status();
}

TEST(CsvReaderTest, StrayQuoteIsAnErrorAndReaderResynchronises) {
  std::istringstream in("id,name\n1,As\"if\n2,B\n");
  auto r = Reader(in);
  CsvRow row;
  auto bad = r->Next(row);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "list.csv:2:2")) << bad.status();
  ASSERT_TRUE(*r->Next(row));
  EXPECT_EQ(row.line, 3);
  EXPECT_EQ(row.fields[1], "B");
}

TEST(CsvReaderTest, WrongFieldCountIsAnError) {
  std::istringstream in("id,name\n1,A,extra\n");
  auto r = Reader(in);
  CsvRow row;
  auto bad = r->Next(row);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "3 fields but the header has 2"));
}

TEST(CsvReaderTest, InvalidUtf8IsAnErrorWithColumn) {
  std::istringstream in("id,name\n1,A\xff\n2,B\n");
  auto r = Reader(in);
  CsvRow row;
  auto bad = r->Next(row);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(
      absl::StartsWith(bad.status().message(), "list.csv:2:2 (column 'name'): invalid UTF-8"))
      << bad.status();
  ASSERT_TRUE(*r->Next(row));
  EXPECT_EQ(row.fields[0], "2");
}

TEST(CsvReaderTest, OversizedFieldIsRefused) {
  std::istringstream in("id,name\n1," + std::string(100, 'x') + "\n");
  auto r = CsvReader::FromStream(in, "big.csv", {.max_field_bytes = 50, .max_fields = 10});
  ASSERT_TRUE(r.ok());
  CsvRow row;
  EXPECT_FALSE((*r)->Next(row).ok());
}

TEST(CsvReaderTest, DuplicateHeaderColumnIsRefused) {
  std::istringstream in("id,name,id\n");
  auto r = CsvReader::FromStream(in, "dup.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StrContains(r.status().message(), "dup.csv:1:3"));
}

TEST(CsvReaderTest, EmptyFileHasNoHeader) {
  std::istringstream in("");
  EXPECT_FALSE(CsvReader::FromStream(in, "empty.csv").ok());
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  EXPECT_EQ(CsvReader::Open("/nonexistent/x.csv").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace liaison::ingest
