#include "names/string_metrics.h"

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "names/utf8.h"

namespace liaison::names {
namespace {

// Splits one line of a headerless CSV file (RFC 4180 quoting).
// The reference vectors hold three decimals; jellyfish checks |diff| < 0.001.
constexpr double kTolerance = 0.001;

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

std::vector<std::vector<std::string>> ReadVectors(const std::string& name) {
  std::ifstream in(std::string(LIAISON_SHARED_DATA_DIR) + "/jellyfish_testdata/" + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    rows.push_back(SplitCsv(line));
  }
  return rows;
}

std::u32string U32(const std::string& s) {
  std::u32string out;
  EXPECT_TRUE(DecodeUtf8(s, &out).ok()) << s;
  return out;
}

TEST(StringMetricsTest, JaroMatchesJellyfishVectors) {
  const auto rows = ReadVectors("jaro_distance.csv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_NEAR(JaroSimilarity(U32(r[0]), U32(r[1])), std::stod(r[2]), kTolerance)
        << r[0] << "|" << r[1];
  }
}

TEST(StringMetricsTest, JaroWinklerMatchesJellyfishVectors) {
  const auto rows = ReadVectors("jaro_winkler.csv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_NEAR(JaroWinklerSimilarity(U32(r[0]), U32(r[1])), std::stod(r[2]), kTolerance)
        << r[0] << "|" << r[1];
  }
}

TEST(StringMetricsTest, JaroWinklerLongToleranceMatchesJellyfishVectors) {
  const auto rows = ReadVectors("jaro_winkler_longtol.csv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_NEAR(JaroWinklerSimilarity(U32(r[0]), U32(r[1]), /*long_tolerance=*/true),
                std::stod(r[2]), kTolerance)
        << r[0] << "|" << r[1];
  }
}

TEST(StringMetricsTest, LevenshteinMatchesJellyfishVectors) {
  const auto rows = ReadVectors("levenshtein.csv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(LevenshteinDistance(U32(r[0]), U32(r[1])), std::stoul(r[2])) << r[0] << "|" << r[1];
  }
}

TEST(StringMetricsTest, DamerauLevenshteinMatchesJellyfishVectors) {
  const auto rows = ReadVectors("damerau_levenshtein.csv");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(DamerauLevenshteinDistance(U32(r[0]), U32(r[1])), std::stoul(r[2]))
        << r[0] << "|" << r[1];
  }
}

TEST(StringMetricsTest, ByteAndCodePointVersionsAgreeOnAscii) {
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("martha", "marhta"),
                   JaroWinklerSimilarity(U32("martha"), U32("marhta")));
  EXPECT_EQ(DamerauLevenshteinDistance("ca", "abc"), 2u);
  EXPECT_EQ(LevenshteinDistance("kitten", "sitting"), 3u);
}

TEST(StringMetricsTest, HugeInputsAreBoundedNotFatal) {
  const std::string a(100000, 'a');
  const std::string b(100000, 'b');
  EXPECT_EQ(LevenshteinDistance(a, b), kMaxMetricLength);
  EXPECT_EQ(JaroSimilarity(a, b), 0.0);
  EXPECT_EQ(DamerauLevenshteinDistance(a, a), 0u);
}

}  // namespace
}  // namespace liaison::names
