#include "screening/person_index.h"

#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace liaison::screening {
namespace {

using match::PersonInput;
using match::PreparedPerson;

class PersonIndexTest : public ::testing::Test {
 protected:
  PreparedPerson P(const PersonInput& in) {
    auto p = matcher_.Prepare(in);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *std::move(p) : PreparedPerson();
  }
  std::vector<std::string> Refs(const std::vector<SearchHit>& hits) {
    std::vector<std::string> r;
    for (const auto& h : hits) r.push_back(h.ref);
    return r;
  }
  // Prepares `listed` and adds them to `index` in one batch, as "w0000",
  // "w0001", ... (the refs ExpectSameAsExhaustive reports).
  std::vector<PreparedPerson> LoadAsBatch(const std::vector<PersonInput>& listed,
                                          PersonIndex* index) {
    std::vector<std::pair<std::string, PreparedPerson>> batch;
    std::vector<PreparedPerson> prepared;
    for (size_t i = 0; i < listed.size(); ++i) {
      prepared.push_back(P(listed[i]));
      batch.push_back({absl::StrFormat("w%04d", i), prepared.back()});
    }
    index->AddBatch(std::move(batch), 2);
    return prepared;
  }
  // Searches `queries` with pairwise scores and no limit and expects
  // exactly the listed persons that scoring every one of them finds at the
  // default threshold; each miss is reported with its explanation.
  void ExpectSameAsExhaustive(const PersonIndex& index, const std::vector<PersonInput>& listed,
                              const std::vector<PreparedPerson>& prepared,
                              const std::vector<PersonInput>& queries, size_t min_expected) {
    size_t expected = 0, found = 0, extra = 0;
    for (const PersonInput& in : queries) {
      const PreparedPerson q = P(in);
      std::set<std::string> truth;
      for (size_t i = 0; i < prepared.size(); ++i) {
        if (matcher_.Score(q, prepared[i]) >= match::kDefaultThreshold) {
          truth.insert(absl::StrFormat("w%04d", i));
        }
      }
      const auto hits = index.Search(q, {.limit = 0, .list_aware = false});
      std::set<std::string> got;
      for (const auto& h : hits) {
        got.insert(h.ref);
        EXPECT_GE(h.score, match::kDefaultThreshold);
      }
      expected += truth.size();
      for (const auto& t : truth) {
        found += got.count(t);
        if (!got.count(t)) {
          const int i = std::stoi(t.substr(1));
          ADD_FAILURE() << "missed: {" << in.names[0] << "|" << in.father_name << "|" << in.dob
                        << "} ~ {" << listed[i].names[0] << "|" << listed[i].father_name << "|"
                        << listed[i].dob << "} " << matcher_.Compare(q, prepared[i]).summary;
        }
      }
      for (const auto& g : got) extra += truth.count(g) == 0;
    }
    ASSERT_GT(expected, min_expected);
    EXPECT_EQ(extra, 0u);        // every hit is one exhaustive scoring finds
    EXPECT_EQ(found, expected);  // each miss is reported above
  }
  match::Matcher matcher_;
};

TEST_F(PersonIndexTest, FindsAListedPersonAcrossScriptsAndSpelling) {
  PersonIndex index(matcher_);
  index.Upsert("w1", P({.names = {"Muhammad Asif"},
                        .father_name = "Bashir Ahmad",
                        .dob = "1985-03-07",
                        .gender = "M"}));
  index.Upsert("w2", P({.names = {"Giuseppe Rossi"}, .dob = "1950-11-02"}));
  index.Upsert("w3", P({.names = {"Imran Khan"}, .dob = "1972-01-15"}));
  const auto hits =
      index.Search(P({.names = {"محمد آصف"}, .father_name = "بشیر احمد", .dob = "1985-03-07"}), {});
  ASSERT_EQ(Refs(hits), std::vector<std::string>{"w1"});
  EXPECT_GE(hits[0].score, match::kDefaultThreshold);
  EXPECT_EQ(index.Search(P({.names = {"Mohammed Aasif"}, .dob = "1985-07-03"}), {}).size(), 1u);
}

TEST_F(PersonIndexTest, HitsAreBestFirstAndLimited) {
  PersonIndex index(matcher_);
  index.Upsert("exact", P({.names = {"Tariq Mehmood"}, .dob = "1980-05-05"}));
  index.Upsert("year", P({.names = {"Tariq Mahmood"}, .dob = "1980"}));
  index.Upsert("other", P({.names = {"Tariq Mehmood"}, .dob = "1961-09-30"}));
  const PreparedPerson q = P({.names = {"Tariq Mehmood"}, .dob = "1980-05-05"});
  auto hits = index.Search(q, {.min_score = 0.0, .limit = 0});
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].ref, "exact");
  EXPECT_GE(hits[0].score, hits[1].score);
  EXPECT_GE(hits[1].score, hits[2].score);
  EXPECT_GE(hits[0].pair_score, hits[1].pair_score);
  EXPECT_EQ(index.Search(q, {.min_score = 0.0, .limit = 1}).size(), 1u);
  // Pairwise, above the default threshold, the conflicting date drops out.
  auto strong = Refs(index.Search(q, {.list_aware = false}));
  EXPECT_EQ(std::set<std::string>(strong.begin(), strong.end()),
            (std::set<std::string>{"exact", "year"}));
}

TEST_F(PersonIndexTest, NamesakesTheEvidenceCannotTellApartShareTheirScore) {
  PersonIndex index(matcher_);
  index.Upsert("a",
               P({.names = {"Tariq Mehmood"}, .father_name = "Bashir Ahmed", .dob = "1980-05-05"}));
  index.Upsert("b",
               P({.names = {"Tariq Mehmood"}, .father_name = "Bashir Ahmed", .dob = "1961-09-30"}));
  index.Upsert("c", P({.names = {"Giulia Rossi"}, .dob = "1990-05-01"}));
  const PreparedPerson q = P({.names = {"Tariq Mehmood"}, .father_name = "Bashir Ahmed"});
  // Pairwise, each namesake is a match on its own.
  const auto pairwise = index.Search(q, {.list_aware = false});
  ASSERT_EQ(pairwise.size(), 2u);
  EXPECT_GE(pairwise[1].score, match::kDefaultThreshold);
  // Against the list, neither is more likely the person than the other: each
  // gets under half, and neither is reported at the default threshold.
  const auto shared = index.Search(q, {.min_score = 0.0});
  ASSERT_EQ(shared.size(), 2u);
  EXPECT_LT(shared[0].score, 0.5);
  EXPECT_DOUBLE_EQ(shared[0].score, shared[1].score);
  EXPECT_DOUBLE_EQ(shared[0].pair_score, pairwise[0].score);
  EXPECT_TRUE(index.Search(q, {}).empty());
  // A date of birth tells them apart.
  const PreparedPerson dated =
      P({.names = {"Tariq Mehmood"}, .father_name = "Bashir Ahmed", .dob = "1980-05-05"});
  EXPECT_EQ(Refs(index.Search(dated, {})), std::vector<std::string>{"a"});
}

TEST_F(PersonIndexTest, RecordsOfOneIdentityDoNotDiluteEachOther) {
  PersonIndex index(matcher_);
  // The same person in two records (two cases, say): same name, father and date.
  for (const char* ref : {"case1", "case2"}) {
    index.Upsert(
        ref, P({.names = {"Tariq Mehmood"}, .father_name = "Bashir Ahmed", .dob = "1980-05-05"}));
  }
  const auto hits = index.Search(
      P({.names = {"Tariq Mehmood"}, .father_name = "Bashir Ahmed", .dob = "1980-05-05"}), {});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_GE(hits[1].score, match::kDefaultThreshold);
  EXPECT_GT(hits[1].score, 0.9 * hits[1].pair_score);
}

TEST_F(PersonIndexTest, ASingleClearHitKeepsItsPairwiseScoreOnASmallList) {
  PersonIndex index(matcher_);
  index.Upsert("exact", P({.names = {"Salvatore Esposito"}, .dob = "1977-04-04"}));
  index.Upsert("other", P({.names = {"Gennaro Russo"}, .dob = "1950-01-01"}));
  const auto hits = index.Search(P({.names = {"Salvatore Esposito"}, .dob = "1977-04-04"}), {});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_DOUBLE_EQ(hits[0].score, hits[0].pair_score);
}

TEST(NullLogOddsTest, GrowsWithTheListFromTwentyThousandPersons) {
  EXPECT_EQ(NullLogOdds(0), 0.0);
  EXPECT_EQ(NullLogOdds(20'000), 0.0);
  EXPECT_GT(NullLogOdds(30'000), 0.0);
  EXPECT_NEAR(NullLogOdds(100'000), 1.0, 1e-9);
  EXPECT_NEAR(NullLogOdds(1'000'000), 2.5, 1e-9);
  EXPECT_NEAR(NullLogOdds(10'000'000), 4.0, 1e-9);
}

TEST(ListAwareScoresTest, AreSharesOfTheOddsWithTheNull) {
  const std::vector<double> s = ListAwareScores({0.75, 0.75, 0.5}, 0.0);
  // Odds 3, 3 and 1, plus the null's 1: 3/8, 3/8, 1/8.
  ASSERT_EQ(s.size(), 3u);
  EXPECT_NEAR(s[0], 3.0 / 8, 1e-12);
  EXPECT_NEAR(s[1], 3.0 / 8, 1e-12);
  EXPECT_NEAR(s[2], 1.0 / 8, 1e-12);
  EXPECT_NEAR(ListAwareScores({0.9}, 0.0)[0], 0.9, 1e-12);
  EXPECT_LT(ListAwareScores({0.9}, 2.0)[0], 0.9);
}

// A batch's tokens are numbered in the batch's order whatever the threads
// filing it do, so that one list gives one index (the numbers choose the
// hot records' hashes, and so which persons a search reaches).
TEST_F(PersonIndexTest, BatchNumbersTokensInTheBatchOrder) {
  constexpr int kPersons = 4000;
  auto token = [](int i) {
    std::string t = "zq";
    for (int k = 0; k < 3; ++k, i /= 26) t.push_back(static_cast<char>('a' + i % 26));
    return t;
  };
  std::vector<PersonInput> listed(kPersons);
  for (int i = 0; i < kPersons; ++i) listed[i].names = {token(i) + " Khan"};
  PersonIndex index(matcher_);
  LoadAsBatch(listed, &index);
  uint32_t last = 0;
  for (int i = 0; i < kPersons; ++i) {
    const std::optional<PreparedPerson> p = index.Get(absl::StrFormat("w%04d", i));
    ASSERT_TRUE(p.has_value());
    ASSERT_FALSE(p->names.empty());
    ASSERT_EQ(p->names[0].tokens.size(), 2u) << listed[i].names[0];
    const uint32_t id = p->names[0].tokens[0]->pool_id;
    ASSERT_EQ(p->names[0].tokens[0]->text, token(i));
    if (i > 0) {
      ASSERT_GT(id, last) << "person " << i << " (" << token(i) << ")";
    }
    last = id;
  }
}

// The expansions of held spellings are made when a batch is added and kept
// across searches; a spelling first held later must join the expansions of
// those it pairs with.
TEST_F(PersonIndexTest, ASpellingHeldLaterJoinsTheExpansionsMadeBefore) {
  PersonIndex index(matcher_);
  LoadAsBatch({{.names = {"Asif"}, .dob = "1984-03-12"},
               {.names = {"Tariq"}, .dob = "1984-03-12"},
               {.names = {"Kamran"}, .dob = "1971-06-30"}},
              &index);
  const PreparedPerson query = P({.names = {"Asif"}, .dob = "1984-03-12"});
  const SearchOptions options{.min_score = 0.5, .limit = 0, .list_aware = false};
  EXPECT_EQ(Refs(index.Search(query, options)), std::vector<std::string>{"w0000"});
  const PreparedPerson later = P({.names = {"Aasif"}, .dob = "1984-03-12"});
  ASSERT_GE(matcher_.Score(query, later), 0.5);
  index.Upsert("later", later);
  const std::vector<std::string> refs = Refs(index.Search(query, options));
  EXPECT_EQ(std::set<std::string>(refs.begin(), refs.end()),
            (std::set<std::string>{"w0000", "later"}));
}

TEST_F(PersonIndexTest, UpsertReplacesAndRemoveForgets) {
  PersonIndex index(matcher_);
  index.Upsert("r1", P({.names = {"Salvatore Esposito"}, .dob = "1977-04-04"}));
  EXPECT_EQ(index.size(), 1u);
  index.Upsert("r1", P({.names = {"Gennaro Russo"}, .dob = "1977-04-04"}));
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.Search(P({.names = {"Salvatore Esposito"}, .dob = "1977-04-04"}), {}).empty());
  EXPECT_EQ(index.Search(P({.names = {"Gennaro Russo"}, .dob = "1977-04-04"}), {}).size(), 1u);
  EXPECT_TRUE(index.Remove("r1"));
  EXPECT_FALSE(index.Remove("r1"));
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.Search(P({.names = {"Gennaro Russo"}, .dob = "1977-04-04"}), {}).empty());
  EXPECT_FALSE(index.Get("r1").has_value());
}

TEST_F(PersonIndexTest, IdentityNumberAloneRetrievesACandidate) {
  PersonIndex index(matcher_);
  index.Upsert(
      "w",
      P({.names = {"Ali Raza"}, .dob = "1990-02-02", .id_numbers = {{"cnic", "35202-1234567-1"}}}));
  // Different date bucket, common names: only the CNIC can reach it.
  const auto hits = index.Search(
      P({.names = {"Ali Raza"}, .dob = "1970-08-08", .id_numbers = {{"cnic", "3520212345671"}}}),
      {.min_score = 0.0});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].ref, "w");
}

// A population built from few names, so that every name key is common and
// the date-bucket path, the bounds and the no-date path are all exercised;
// the index must find what scoring every person finds.
TEST_F(PersonIndexTest, FindsEveryoneExhaustiveScoringFindsAmongCommonNames) {
  const std::vector<std::string> given = {"Muhammad", "Ali",   "Ahmed", "Imran", "Bilal",
                                          "Usman",    "Tariq", "Asif",  "Kamran"};
  const std::vector<std::string> family = {"Khan", "Butt", "Malik", "Qureshi", "Shah", ""};
  std::mt19937_64 rng(42);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto person = [&](int year, int month, int day) {
    PersonInput in;
    std::string name = pick(given) + " " + pick(given) + " " + pick(family);
    in.names = {name};
    if (rng() % 2) in.father_name = pick(given) + " " + pick(family);
    if (rng() % 10 != 0) in.dob = absl::StrFormat("%04d-%02d-%02d", year, month, day);
    return in;
  };
  std::vector<PersonInput> listed;
  for (int i = 0; i < 3000; ++i) {
    listed.push_back(person(1960 + rng() % 30, 1 + rng() % 12, 1 + rng() % 28));
  }
  PersonIndex index(matcher_);
  const std::vector<PreparedPerson> prepared = LoadAsBatch(listed, &index);
  ASSERT_EQ(index.size(), listed.size());

  std::vector<PersonInput> queries;
  for (int qi = 0; qi < 300; ++qi) {
    // Variants of listed persons: dates shifted, swapped, dropped; names cut.
    PersonInput in = listed[rng() % listed.size()];
    switch (rng() % 5) {
      case 0:
        in.dob = "";
        break;
      case 1:
        if (!in.dob.empty()) in.dob = in.dob.substr(0, 4);
        break;
      case 2:
        if (!in.dob.empty())
          in.dob = absl::StrFormat("%04d%s", std::stoi(in.dob.substr(0, 4)) + 1, in.dob.substr(4));
        break;
      case 3:
        in.names[0] = in.names[0].substr(in.names[0].find(' ') + 1);
        break;
      default:
        break;
    }
    queries.push_back(std::move(in));
  }
  ExpectSameAsExhaustive(index, listed, prepared, queries, 300);
}

// Persons whose hot records (the first, coarse bound of a search) are least
// exact: titles and initials (tokens without blocking keys), aliases beyond
// the hot record's seven tokens, fathers' names beyond its three, a gender
// other than M and F, identity numbers with typos.
TEST_F(PersonIndexTest, FindsEveryoneExhaustiveScoringFindsAmongTitlesInitialsAndAliases) {
  const std::vector<std::string> given = {"Muhammad", "Ali",   "Ahmed", "Imran", "M.",
                                          "Bilal",    "Usman", "Tariq", "Dr.",   "Ch."};
  const std::vector<std::string> names_only = {"Muhammad", "Ali", "Imran", "Tariq"};
  const std::vector<std::string> family = {"Khan", "Butt", "Malik", "Qureshi", "Shah"};
  const std::vector<std::string> genders = {"M", "F", "X", ""};
  std::mt19937_64 rng(7);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto cnic = [&] { return absl::StrFormat("35202-%07d-%d", rng() % 10'000'000, rng() % 10); };
  std::vector<PersonInput> listed;
  for (int i = 0; i < 2000; ++i) {
    PersonInput in;
    in.names = {pick(given) + " " + pick(given) + " " + pick(family)};
    for (size_t a = rng() % 4; a > 0; --a) {
      in.names.push_back(pick(given) + " " + pick(given) + " " + pick(given) + " " + pick(family));
    }
    if (rng() % 2) {
      // (A father's name of titles alone, "Dr. Dr.", is left out: the
      // scorer pairs such titles with the query's as a father's name written
      // in the name, which the bounds do not model.)
      in.father_name = pick(names_only) + " " + pick(given);
      if (rng() % 2) in.father_name += " " + pick(given) + " " + pick(family);
    }
    if (rng() % 3 != 0) {
      in.dob = absl::StrFormat("%04d-%02d-%02d", 1960 + rng() % 30, 1 + rng() % 12, 1 + rng() % 28);
    }
    in.gender = pick(genders);
    if (rng() % 3 == 0) in.id_numbers = {{"cnic", cnic()}};
    listed.push_back(std::move(in));
  }
  PersonIndex index(matcher_);
  const std::vector<PreparedPerson> prepared = LoadAsBatch(listed, &index);

  std::vector<PersonInput> queries;
  for (int qi = 0; qi < 200; ++qi) {
    PersonInput in = listed[rng() % listed.size()];
    switch (rng() % 4) {
      case 0:
        in.dob = "";
        in.names.resize(1);
        break;
      case 1:
        // An identity number with one digit changed (a typo: +2 points).
        if (!in.id_numbers.empty()) {
          std::string& v = in.id_numbers[0].value;
          v[6] = v[6] == '9' ? '0' : static_cast<char>(v[6] + 1);
        }
        break;
      case 2:
        in.gender = pick(genders);
        in.names = {in.names.back()};
        break;
      default:
        in.father_name = "";
        break;
    }
    queries.push_back(std::move(in));
  }
  ExpectSameAsExhaustive(index, listed, prepared, queries, 200);
}

TEST_F(PersonIndexTest, SearchesRunWhileRecordsChange) {
  PersonIndex index(matcher_);
  for (int i = 0; i < 200; ++i) {
    index.Upsert(absl::StrFormat("w%d", i),
                 P({.names = {absl::StrFormat("Person%c%c Rossi", 'a' + i % 26, 'a' + i / 26)},
                    .dob = "1970-01-02"}));
  }
  const PreparedPerson q = P({.names = {"Personaa Rossi"}, .dob = "1970-01-02"});
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0};
  std::thread reader([&] {
    while (!stop) {
      const auto hits = index.Search(q, {.list_aware = false});
      EXPECT_FALSE(hits.empty());
      ++searches;
    }
  });
  while (searches.load() == 0) std::this_thread::yield();
  for (int round = 0; round < 50 || searches.load() < 20; ++round) {
    for (int i = 1; i < 200; i += 7) {
      index.Upsert(absl::StrFormat("w%d", i), P({.names = {"Ugo Bianchi"}, .dob = "1971"}));
      index.Remove(absl::StrFormat("w%d", i));
    }
  }
  stop = true;
  reader.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_TRUE(index.Get("w0").has_value());
}

}  // namespace
}  // namespace liaison::screening
