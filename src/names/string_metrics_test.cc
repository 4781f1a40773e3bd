#include "names/string_metrics.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>
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

// The Jaro and Jaro-Winkler definitions as the functions apply them, written
// plainly as the reference the optimised matching is checked against: a[i]
// matches the first b[j] not matched yet with b[j] == a[i] and
// |i - j| <= max(la, lb) / 2 - 1; transpositions are the matched characters
// that differ when both strings' matches are read in order, halved; Winkler
// adds 0.1 per common leading character (at most 4) when Jaro > 0.7; the long
// tolerance adds the agreement beyond the prefix for strings longer than 4.
// The floating-point expressions are those of the definition, in its order.
template <typename Char>
double ReferenceJaro(std::basic_string<Char> a, std::basic_string<Char> b, bool winklerize,
                     bool long_tolerance) {
  a = a.substr(0, kMaxMetricLength);
  b = b.substr(0, kMaxMetricLength);
  const size_t la = a.size();
  const size_t lb = b.size();
  if (la == 0 || lb == 0) return 0.0;
  const long range = std::max<long>(static_cast<long>(std::max(la, lb)) / 2 - 1, 0);
  std::vector<bool> a_matched(la, false);
  std::vector<bool> b_matched(lb, false);
  size_t common = 0;
  for (long i = 0; i < static_cast<long>(la); ++i) {
    const long first = std::max<long>(i - range, 0);
    const long last = std::min<long>(i + range, static_cast<long>(lb) - 1);
    for (long j = first; j <= last; ++j) {
      if (!b_matched[j] && a[i] == b[j]) {
        a_matched[i] = true;
        b_matched[j] = true;
        ++common;
        break;
      }
    }
  }
  if (common == 0) return 0.0;
  std::basic_string<Char> a_order;
  std::basic_string<Char> b_order;
  for (size_t i = 0; i < la; ++i) {
    if (a_matched[i]) a_order.push_back(a[i]);
  }
  for (size_t j = 0; j < lb; ++j) {
    if (b_matched[j]) b_order.push_back(b[j]);
  }
  size_t half_trans = 0;
  for (size_t k = 0; k < common; ++k) half_trans += a_order[k] != b_order[k];
  const size_t trans = half_trans / 2;
  const double c = static_cast<double>(common);
  double w = (c / la + c / lb + (c - trans) / c) / 3.0;
  if (!winklerize || w <= 0.7) return w;
  const size_t min_len = std::min(la, lb);
  size_t p = 0;
  while (p < std::min<size_t>(min_len, 4) && a[p] == b[p]) ++p;
  if (p > 0) w += p * 0.1 * (1.0 - w);
  if (long_tolerance && min_len > 4 && common > p + 1 && 2 * common >= min_len + p) {
    w += (1.0 - w) * ((c - p - 1) / (static_cast<double>(la + lb) - 2.0 * p + 2.0));
  }
  return w;
}

std::string Printable(const std::string& s) {
  std::ostringstream out;
  out << '"';
  for (const char ch : s) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x20 && byte < 0x7f) {
      out << ch;
    } else {
      out << "\\x" << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(byte)
          << std::dec;
    }
  }
  return out.str() + '"';
}

std::string Printable(const std::u32string& s) {
  std::ostringstream out;
  for (const char32_t ch : s) out << "U+" << std::hex << static_cast<uint32_t>(ch) << ' ';
  return out.str();
}

// Random pairs meant to hit the matching step's edges: small alphabets (many
// repeats, so the first-unmatched rule decides), lengths 0-70 on both sides
// of the 64-element fast path, and `b` often an edited copy of `a`, so that
// matches at the window's edges and transpositions are frequent.
class PairGenerator {
 public:
  explicit PairGenerator(uint64_t seed) : rng_(seed) {}

  // Bytes: alphabets of 2, 4 and 26 lowercase letters, or letters mixed
  // with non-ASCII bytes (UTF-8 lead and continuation bytes, 0xff).
  std::pair<std::string, std::string> NextBytes() {
    static constexpr char kNonAscii[] = {'\xc3', '\xa9', '\xd8', '\xa8', '\xff', '\x80'};
    const int alphabet = Pick(4);
    auto draw = [&]() -> char {
      switch (alphabet) {
        case 0:
          return static_cast<char>('a' + Pick(2));
        case 1:
          return static_cast<char>('a' + Pick(4));
        case 2:
          return static_cast<char>('a' + Pick(26));
        default:
          return Pick(3) == 0 ? kNonAscii[Pick(sizeof(kNonAscii))]
                              : static_cast<char>('a' + Pick(4));
      }
    };
    return MakePair<std::string>(draw);
  }

  // Code points: the same shapes over letters, Arabic and Urdu letters and
  // code points beyond the Basic Multilingual Plane.
  std::pair<std::u32string, std::u32string> NextCodePoints() {
    static constexpr char32_t kWide[] = {U'\u0628',     U'\u06cc',     U'\u0627', U'\u00e9',
                                         U'\U0001f600', U'\U0010ffff', U'\u4e00', U'\u0000'};
    const int alphabet = Pick(4);
    auto draw = [&]() -> char32_t {
      switch (alphabet) {
        case 0:
          return static_cast<char32_t>('a' + Pick(2));
        case 1:
          return kWide[Pick(4)];
        case 2:
          return static_cast<char32_t>('a' + Pick(26));
        default:
          return Pick(2) == 0 ? kWide[Pick(sizeof(kWide) / sizeof(kWide[0]))]
                              : static_cast<char32_t>(0x600 + Pick(64));
      }
    };
    return MakePair<std::u32string>(draw);
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  int PickLength() { return Pick(2) == 0 ? Pick(13) : Pick(71); }

  template <typename String, typename Draw>
  std::pair<String, String> MakePair(Draw& draw) {
    String a;
    const int la = PickLength();
    for (int i = 0; i < la; ++i) a.push_back(draw());
    String b;
    if (Pick(2) == 0 || a.empty()) {
      const int lb = Pick(3) == 0 ? la : PickLength();
      for (int i = 0; i < lb; ++i) b.push_back(draw());
      return {a, b};
    }
    // An edited copy: substitutions, adjacent swaps, insertions, deletions.
    b = a;
    const int edits = 1 + Pick(4);
    for (int e = 0; e < edits && !b.empty(); ++e) {
      const size_t at = static_cast<size_t>(Pick(static_cast<int>(b.size())));
      switch (Pick(4)) {
        case 0:
          b[at] = draw();
          break;
        case 1:
          if (at + 1 < b.size()) std::swap(b[at], b[at + 1]);
          break;
        case 2:
          b.insert(b.begin() + at, draw());
          break;
        default:
          b.erase(b.begin() + at);
          break;
      }
    }
    return {a, b};
  }

  std::mt19937_64 rng_;
};

// Exact equality, down to the last bit of the double.
#define EXPECT_SAME_DOUBLE(got, want, pair_text)                         \
  EXPECT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want)) \
      << std::setprecision(17) << "got " << (got) << ", want " << (want) << " for " << (pair_text)

template <typename String>
void ExpectAllJaroVariantsEqualReference(const String& a, const String& b) {
  using View = std::basic_string_view<typename String::value_type>;
  const std::string text = Printable(a) + " | " + Printable(b);
  EXPECT_SAME_DOUBLE(JaroSimilarity(View(a), View(b)), ReferenceJaro(a, b, false, false), text);
  EXPECT_SAME_DOUBLE(JaroWinklerSimilarity(View(a), View(b)), ReferenceJaro(a, b, true, false),
                     text);
  EXPECT_SAME_DOUBLE(JaroWinklerSimilarity(View(a), View(b), /*long_tolerance=*/true),
                     ReferenceJaro(a, b, true, true), text);
}

constexpr int kRandomPairs = 300000;

TEST(StringMetricsTest, JaroOnBytesEqualsReferenceBitForBitOnRandomPairs) {
  PairGenerator gen(20261129);
  for (int n = 0; n < kRandomPairs && !::testing::Test::HasFailure(); ++n) {
    const auto [a, b] = gen.NextBytes();
    ExpectAllJaroVariantsEqualReference(a, b);
  }
}

TEST(StringMetricsTest, JaroOnCodePointsEqualsReferenceBitForBitOnRandomPairs) {
  PairGenerator gen(6);
  for (int n = 0; n < kRandomPairs && !::testing::Test::HasFailure(); ++n) {
    const auto [a, b] = gen.NextCodePoints();
    ExpectAllJaroVariantsEqualReference(a, b);
  }
}

// Both sides of the 64-element fast path, with every pair of lengths near
// it, and a string against itself and its reversal.
TEST(StringMetricsTest, JaroEqualsReferenceAroundSixtyFourElements) {
  std::mt19937_64 rng(64);
  for (size_t la = 60; la <= 68; ++la) {
    for (size_t lb = 1; lb <= 68; ++lb) {
      for (int round = 0; round < 20; ++round) {
        std::string a;
        std::string b;
        for (size_t i = 0; i < la; ++i) a.push_back(static_cast<char>('a' + rng() % 3));
        for (size_t j = 0; j < lb; ++j) b.push_back(static_cast<char>('a' + rng() % 3));
        ExpectAllJaroVariantsEqualReference(a, b);
        ExpectAllJaroVariantsEqualReference(a, std::string(a.rbegin(), a.rend()));
        ExpectAllJaroVariantsEqualReference(a, a);
        const std::u32string wide_a(a.begin(), a.end());
        const std::u32string wide_b(b.begin(), b.end());
        ExpectAllJaroVariantsEqualReference(wide_a, wide_b);
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
}

// The reference itself against values worked by hand: "martha"/"marhta" has
// 6 matches and one transposition (t/h), so Jaro = (1 + 1 + 5/6) / 3 and
// Winkler adds 3 * 0.1 of the rest for the prefix "mar".
TEST(StringMetricsTest, ReferenceJaroAgreesWithHandWorkedValues) {
  const double jaro = (1.0 + 1.0 + 5.0 / 6.0) / 3.0;
  EXPECT_DOUBLE_EQ(ReferenceJaro<char>("martha", "marhta", false, false), jaro);
  EXPECT_DOUBLE_EQ(ReferenceJaro<char>("martha", "marhta", true, false),
                   jaro + 3 * 0.1 * (1.0 - jaro));
  // "abc"/"cab": window 0, so only position-for-position equal letters match.
  EXPECT_EQ(ReferenceJaro<char>("abc", "cab", false, false), 0.0);
  EXPECT_EQ(ReferenceJaro<char>("", "a", true, true), 0.0);
}

}  // namespace
}  // namespace liaison::names
