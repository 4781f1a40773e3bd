// Runs the curated hard cases of tests/data/match_hard_cases.tsv: each line
// states two persons and whether the matcher must call them the same person
// at the default threshold.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "match/matcher.h"

namespace liaison::match {
namespace {

struct HardCase {
  int line = 0;
  bool expect_match = false;
  PersonInput a, b;
  std::string phenomenon;
};

void ApplyFields(const std::string& fields, PersonInput* p) {
  for (absl::string_view kv : absl::StrSplit(fields, ';', absl::SkipEmpty())) {
    const size_t eq = kv.find('=');
    ASSERT_NE(eq, absl::string_view::npos) << kv;
    const std::string key(kv.substr(0, eq));
    const std::string value(kv.substr(eq + 1));
    if (key == "dob") {
      p->dob = value;
    } else if (key == "father") {
      p->father_name = value;
    } else if (key == "gender") {
      p->gender = value;
    } else if (key == "nat") {
      for (absl::string_view n : absl::StrSplit(value, '|')) p->nationalities.emplace_back(n);
    } else if (key == "id") {
      const size_t colon = value.find(':');
      ASSERT_NE(colon, std::string::npos) << value;
      p->id_numbers.push_back({value.substr(0, colon), value.substr(colon + 1)});
    } else if (key == "alias") {
      p->names.push_back(value);
    } else {
      FAIL() << "unknown field " << key;
    }
  }
}

std::vector<HardCase> ReadCases() {
  std::ifstream in(std::string(LIAISON_SOURCE_DIR) + "/tests/data/match_hard_cases.tsv");
  std::vector<HardCase> cases;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    EXPECT_EQ(f.size(), 6u) << "line " << line_no;
    if (f.size() != 6) continue;
    HardCase c;
    c.line = line_no;
    EXPECT_TRUE(f[0] == "match" || f[0] == "nomatch") << "line " << line_no;
    c.expect_match = f[0] == "match";
    c.a.names.push_back(f[1]);
    c.b.names.push_back(f[2]);
    ApplyFields(f[3], &c.a);
    ApplyFields(f[4], &c.b);
    c.phenomenon = f[5];
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(HardCasesTest, EveryCaseGetsItsExpectedDecisionInBothDirections) {
  const std::vector<HardCase> cases = ReadCases();
  ASSERT_GE(cases.size(), 40u);
  Matcher matcher;
  for (const HardCase& c : cases) {
    auto a = matcher.Prepare(c.a);
    auto b = matcher.Prepare(c.b);
    ASSERT_TRUE(a.ok()) << "line " << c.line << ": " << a.status();
    ASSERT_TRUE(b.ok()) << "line " << c.line << ": " << b.status();
    const MatchResult ab = matcher.Compare(*a, *b);
    const MatchResult ba = matcher.Compare(*b, *a);
    EXPECT_EQ(ab.match, c.expect_match) << "line " << c.line << " (" << c.phenomenon << "): score "
                                        << ab.score << "\n  " << ab.summary;
    EXPECT_NEAR(ab.score, ba.score, 1e-9) << "line " << c.line << " is not symmetric";
  }
}

}  // namespace
}  // namespace liaison::match
