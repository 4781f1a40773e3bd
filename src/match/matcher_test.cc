#include "match/matcher.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

// Tests build persons with designated initializers and leave the other
// fields at their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace liaison::match {
namespace {

class MatcherTest : public ::testing::Test {
 protected:
  PreparedPerson P(PersonInput in) {
    auto p = matcher_.Prepare(in);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : PreparedPerson();
  }
  Matcher matcher_;
};

TEST_F(MatcherTest, ScoresAreInUnitIntervalAndSymmetric) {
  const PreparedPerson a = P({.names = {"Muhammad Asif"}, .dob = "1985-03-07"});
  const PreparedPerson b = P({.names = {"محمد آصف"}, .dob = "1985-03"});
  const PreparedPerson c = P({.names = {"Giuseppe Rossi"}, .dob = "1950"});
  for (const auto* x : {&a, &b, &c}) {
    for (const auto* y : {&a, &b, &c}) {
      const double s = matcher_.Score(*x, *y);
      EXPECT_GE(s, 0.0);
      EXPECT_LE(s, 1.0);
      EXPECT_NEAR(s, matcher_.Score(*y, *x), 1e-12);
    }
  }
}

TEST_F(MatcherTest, CompareAgreesWithScore) {
  const PreparedPerson a = P({.names = {"Muhammad Asif s/o Bashir"}, .dob = "1985-03-07"});
  const PreparedPerson b =
      P({.names = {"Mohammed Aasif"}, .father_name = "Basheer", .dob = "1985"});
  const MatchResult r = matcher_.Compare(a, b);
  EXPECT_DOUBLE_EQ(r.score, matcher_.Score(a, b));
  EXPECT_EQ(r.match, r.score >= kDefaultThreshold);
}

TEST_F(MatcherTest, ExplanationListsTokensAndFeaturesThatAddUp) {
  const PreparedPerson a =
      P({.names = {"محمد آصف"}, .father_name = "بشیر احمد", .dob = "1985-03-07", .gender = "M"});
  const PreparedPerson b = P({.names = {"Muhammad Asif"},
                              .father_name = "Bashir Ahmed",
                              .dob = "1985-07-03",
                              .gender = "M"});
  const MatchResult r = matcher_.Compare(a, b);
  const MatchExplanation& ex = r.explanation;
  ASSERT_EQ(ex.tokens.size(), 2u);
  for (const auto& t : ex.tokens) EXPECT_EQ(t.how, "transliteration");
  double sum = ex.bias + ex.name_points;
  bool saw_dob = false, saw_father = false;
  for (const auto& f : ex.features) {
    sum += f.points;
    saw_dob |= f.feature == "dob" && f.detail.find("swapped") != std::string::npos;
    saw_father |= f.feature == "father" && f.points > 0;
  }
  EXPECT_TRUE(saw_dob);
  EXPECT_TRUE(saw_father);
  EXPECT_NEAR(sum, ex.total_points, 1e-9);
  EXPECT_NE(r.summary.find("dob"), std::string::npos);
  EXPECT_EQ(r.summary.find('\n'), std::string::npos);
}

TEST_F(MatcherTest, CommonNamesWeighLessThanRareOnes) {
  const double common =
      matcher_.Score(P({.names = {"Muhammad Ali Khan"}}), P({.names = {"Muhammad Ali Khan"}}));
  const double rare =
      matcher_.Score(P({.names = {"Zarghoon Gondal"}}), P({.names = {"Zarghoon Gondal"}}));
  EXPECT_LT(common, rare);
  EXPECT_LT(matcher_.frequencies().Weight("muhamad"), matcher_.frequencies().Weight("zarghun"));
}

TEST_F(MatcherTest, ConflictingEvidenceLowersTheScore) {
  const PersonInput base{.names = {"Muhammad Imran Akhtar"}, .dob = "1980-05-05", .gender = "M"};
  const PreparedPerson a = P(base);
  const double same = matcher_.Score(a, P(base));
  PersonInput other_dob = base;
  other_dob.dob = "1961-11-30";
  PersonInput other_sex = base;
  other_sex.gender = "F";
  PersonInput other_cnic = base;
  other_cnic.id_numbers = {{"cnic", "35202-1234567-1"}};
  PersonInput a_cnic = base;
  a_cnic.id_numbers = {{"cnic", "61101-7654321-3"}};
  EXPECT_LT(matcher_.Score(a, P(other_dob)), same);
  EXPECT_LT(matcher_.Score(a, P(other_sex)), same);
  EXPECT_LT(matcher_.Score(P(a_cnic), P(other_cnic)), kDefaultThreshold);
}

TEST_F(MatcherTest, SameIdentityNumberIsStrongEvidence) {
  const PreparedPerson a =
      P({.names = {"Farooq Ahmed"}, .id_numbers = {{"cnic", "35202-1234567-1"}}});
  const PreparedPerson b = P({.names = {"F. Ahmad"}, .id_numbers = {{"nicop", "3520212345671"}}});
  EXPECT_TRUE(matcher_.Compare(a, b).match);
}

TEST_F(MatcherTest, AliasesAreCompared) {
  const PreparedPerson a = P({.names = {"Abu Hamza", "Khalid Mehmood Awan"}, .dob = "1970"});
  const PreparedPerson b = P({.names = {"Khalid Mahmood Awan"}, .dob = "1970-02-02"});
  const MatchResult r = matcher_.Compare(a, b);
  EXPECT_EQ(r.explanation.name_a, 1u);
  EXPECT_TRUE(r.match);
}

TEST_F(MatcherTest, RejectsBadInputWithTheField) {
  auto no_name = matcher_.Prepare({.names = {" ,. "}});
  EXPECT_FALSE(no_name.ok());
  auto bad_dob = matcher_.Prepare({.names = {"Ali"}, .dob = "1985-02-30"});
  ASSERT_FALSE(bad_dob.ok());
  EXPECT_NE(bad_dob.status().message().find("dob"), absl::string_view::npos);
  auto bad_utf8 = matcher_.Prepare({.names = {"Ali"}, .father_name = "\xff"});
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_NE(bad_utf8.status().message().find("father_name"), absl::string_view::npos);
}

TEST_F(MatcherTest, BlockingKeysOfVariantsIntersect) {
  const std::vector<std::pair<const char*, const char*>> variants = {
      {"Muhammad Asif", "محمد آصف"},    {"Hussain Shah", "Hossain Shah"},
      {"Abdul Rehman", "Abdur Rahman"}, {"Niccolò D'Angelo", "Niccolo Dangelo"},
      {"Chaudhry Akram", "Ch. Akram"},  {"Rasool Bakhsh", "Rasul Baksh"}};
  for (const auto& [x, y] : variants) {
    const auto kx = matcher_.BlockingKeys(P({.names = {x}}));
    const auto ky = matcher_.BlockingKeys(P({.names = {y}}));
    bool shared = false;
    for (const auto& a : kx) {
      for (const auto& b : ky) shared |= a.key == b.key;
    }
    EXPECT_TRUE(shared) << x << " / " << y;
  }
}

// Single tokens the scorer pairs but the skeleton and prefix keys once kept
// apart (found by the screening bench's lost hits): an aspiration the
// skeleton keeps, and a name spelt with an initial vowel.
TEST_F(MatcherTest, BlockingKeysOfAspiratedAndVowelInitialVariantsIntersect) {
  const std::vector<std::pair<const char*, const char*>> variants = {
      {"Gulam", "Ghulam"}, {"Ashref", "شریف"}, {"Afzal", "Fazal"}};
  for (const auto& [x, y] : variants) {
    const PreparedPerson px = P({.names = {x}}), py = P({.names = {y}});
    ASSERT_GE(matcher_.TokenSimilarity(px.names[0].tokens[0], py.names[0].tokens[0]), 0.80)
        << x << " / " << y << ": the scorer pairs them";
    bool shared = false;
    for (const auto& a : matcher_.BlockingKeys(px)) {
      for (const auto& b : matcher_.BlockingKeys(py)) shared |= a.key == b.key;
    }
    EXPECT_TRUE(shared) << x << " / " << y;
  }
}

TEST_F(MatcherTest, BlockingKeysIncludeIdentityNumbers) {
  const auto keys =
      matcher_.BlockingKeys(P({.names = {"Ali"}, .id_numbers = {{"cnic", "35202-1234567-1"}}}));
  bool found = false;
  for (const auto& k : keys) found |= k.key == "id:cnic:3520212345671";
  EXPECT_TRUE(found);
}

TEST_F(MatcherTest, ConcurrentComparisonsGiveTheSameResults) {
  std::vector<PreparedPerson> people;
  for (const char* n : {"Muhammad Asif", "محمد آصف", "Mario Rossi", "Giuseppe La Rosa",
                        "فاطمہ بی بی", "Ch. Akram s/o Bashir"}) {
    people.push_back(P({.names = {n}, .dob = "1980"}));
  }
  std::vector<double> expected;
  for (const auto& a : people) {
    for (const auto& b : people) expected.push_back(matcher_.Score(a, b));
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        size_t k = 0;
        for (const auto& a : people) {
          for (const auto& b : people) mismatches[t] += matcher_.Score(a, b) != expected[k++];
        }
        // Preparing concurrently exercises the shared token cache.
        mismatches[t] += !matcher_.Prepare({.names = {"محمد آصف ولد بشیر"}}).ok();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST_F(MatcherTest, PrepareNeverCrashesOnArbitraryBytes) {
  // A small deterministic fuzz: random bytes, random mixes of Urdu and Latin
  // fragments and separators. Prepare may reject input, never crash.
  const char* fragments[] = {
      "محمد",  "s/o", "ولد", "D'",   "-ud-",         " ", ".",     "/", "ـ", "\xd9",
      "Abdul", "bin", "ch.", "\xff", "\xe2\x80\x8c", "ُ",  "Dott.", "La"};
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  size_t accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string name;
    const int parts = static_cast<int>(next() % 12);
    for (int k = 0; k < parts; ++k) {
      if (next() % 3 == 0) {
        name.push_back(static_cast<char>(next() % 256));
      } else {
        name += fragments[next() % std::size(fragments)];
      }
    }
    auto p = matcher_.Prepare({.names = {name}, .father_name = name, .dob = i % 2 ? "" : "1985"});
    if (p.ok()) {
      ++accepted;
      EXPECT_GE(matcher_.Score(*p, *p), 0.0);
      (void)matcher_.Compare(*p, *p);
      (void)matcher_.BlockingKeys(*p);
    }
  }
  EXPECT_GT(accepted, 0u);
}

}  // namespace
}  // namespace liaison::match
