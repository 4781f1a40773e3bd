#include "screening/screening_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "absl/time/clock.h"
#include "common/clock.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::screening {
namespace {

records::Record PersonRecord(std::string id, std::string name, std::string dob = "") {
  records::Record r;
  r.meta.id = std::move(id);
  r.meta.owner = "node_test";
  r.meta.version = 1;
  r.meta.review_date = "2030-01-01";
  records::Person p;
  p.name = std::move(name);
  if (!dob.empty()) p.dob = *records::ParsePartialDate(dob);
  r.body = p;
  return r;
}

class ScreeningServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison_screening_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = *store::OpenSqliteStore(Path(), clock_, {.create = true});
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string Path() const { return (dir_ / "node.db").string(); }

  // The query of the visibility tests ("Mohammad Asif Khan", born 1984),
  // prepared by `service`.
  static std::optional<match::PreparedPerson> AsifKhanBorn1984(const ScreeningService& service) {
    match::PersonInput in;
    in.names = {"Mohammad Asif Khan"};
    in.dob = "1984";
    auto q = service.Prepare(in);
    EXPECT_TRUE(q.ok()) << q.status();
    if (!q.ok()) return std::nullopt;
    return *std::move(q);
  }
  // Low enough that every namesake of the visibility tests is a hit.
  static constexpr SearchOptions kVisibilityOptions{.min_score = 0.1, .limit = 10};
  void Insert(const records::Record& r) {
    ASSERT_TRUE(store_->Write([&](store::Transaction& tx) { return tx.InsertRecord(r); }).ok());
  }

  std::vector<std::string> Refs(ScreeningService& s, const std::string& name,
                                const std::string& dob = "") {
    match::PersonInput in;
    in.names = {name};
    in.dob = dob;
    auto q = s.Prepare(in);
    EXPECT_TRUE(q.ok()) << q.status();
    auto hits = s.Search(*q, {.min_score = 0.5, .limit = 10});
    EXPECT_TRUE(hits.ok()) << hits.status();
    std::vector<std::string> refs;
    for (const auto& h : *hits) refs.push_back(h.ref);
    return refs;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ScreeningServiceTest, BuildsFromTheStoreAndFindsAPersonAcrossScripts) {
  Insert(PersonRecord("per_01", "محمد آصف ولد بشیر احمد", "1985-03-12"));
  Insert(PersonRecord("per_02", "Giulia Rossi", "1990-05-01"));
  ScreeningService service(*store_, {.build_threads = 1});
  ASSERT_TRUE(service.Build().ok());
  EXPECT_TRUE(service.ready());
  EXPECT_EQ(service.size(), 2u);
  EXPECT_EQ(Refs(service, "Mohammed Aasif s/o Bashir Ahmed", "1985-03-12"),
            std::vector<std::string>{"per_01"});
}

TEST_F(ScreeningServiceTest, ExplainsTheScoreItReturns) {
  Insert(PersonRecord("per_01", "Muhammad Asif", "1985-03-12"));
  ScreeningService service(*store_, {.build_threads = 1});
  ASSERT_TRUE(service.Build().ok());
  match::PersonInput in;
  in.names = {"Mohammad Asif"};
  in.dob = "1985-03-12";
  auto hits = service.Search(*service.Prepare(in), {.min_score = 0.5});
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_NEAR((*hits)[0].result.score, (*hits)[0].score, 1e-9);
  EXPECT_FALSE((*hits)[0].result.summary.empty());
}

TEST_F(ScreeningServiceTest, SearchBeforeTheIndexIsBuiltIsUnavailable) {
  ScreeningService service(*store_);
  match::PersonInput in;
  in.names = {"Ali Khan"};
  auto hits = service.Search(*service.Prepare(in), {});
  EXPECT_EQ(hits.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(service.ready());
  EXPECT_EQ(service.CatchUp().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ScreeningServiceTest, FollowsCreatesUpdatesAndErasuresThroughTheChangeFeed) {
  Insert(PersonRecord("per_01", "Giulia Rossi", "1990-05-01"));
  ScreeningService service(*store_, {.build_threads = 1});
  ASSERT_TRUE(service.Build().ok());
  Insert(PersonRecord("per_02", "Niccolò D'Angelo", "1978-11-02"));
  records::Record renamed = PersonRecord("per_01", "Francesca Bianchi", "1990-05-01");
  renamed.meta.version = 2;
  ASSERT_TRUE(
      store_->Write([&](store::Transaction& tx) { return tx.UpdateRecord(renamed, 1); }).ok());
  ASSERT_TRUE(service.CatchUp().ok());
  EXPECT_EQ(Refs(service, "Niccolo D'Angelo"), std::vector<std::string>{"per_02"});
  EXPECT_TRUE(Refs(service, "Giulia Rossi", "1990-05-01").empty());
  EXPECT_EQ(Refs(service, "Francesca Bianchi", "1990-05-01"), std::vector<std::string>{"per_01"});

  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) {
                    return tx.EraseRecord("per_02", {"per_02", records::RecordType::kPerson,
                                                     "node_test", "", 1, "retention"});
                  })
                  .ok());
  ASSERT_TRUE(service.CatchUp().ok());
  EXPECT_TRUE(Refs(service, "Niccolo D'Angelo").empty());
  EXPECT_EQ(service.size(), 1u);
}

TEST_F(ScreeningServiceTest, FollowsWritesMadeThroughAnotherConnection) {
  // Another process (liaison import) writing the same database file.
  ScreeningService service(*store_, {.build_threads = 1});
  ASSERT_TRUE(service.Build().ok());
  auto other = store::OpenSqliteStore(Path(), clock_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)
                  ->Write([&](store::Transaction& tx) {
                    return tx.InsertRecord(PersonRecord("per_09", "Imran Qureshi", "1970"));
                  })
                  .ok());
  ASSERT_TRUE(service.CatchUp().ok());
  EXPECT_EQ(Refs(service, "Imran Qureshi", "1970"), std::vector<std::string>{"per_09"});
}

TEST_F(ScreeningServiceTest, RebuildsWhenAnotherProcessPrunedChangesItHadNotApplied) {
  // Two node processes on one database: `ahead` prunes everything it has
  // applied, including entries `behind` has not seen yet.
  auto other = store::OpenSqliteStore(Path(), clock_);
  ASSERT_TRUE(other.ok());
  ScreeningService behind(*store_, {.build_threads = 1});
  ScreeningService ahead(
      **other, {.build_threads = 1, .prune_interval = absl::ZeroDuration(), .prune_keep = 0});
  ASSERT_TRUE(behind.Build().ok());
  ASSERT_TRUE(ahead.Build().ok());
  Insert(PersonRecord("per_01", "Giulia Rossi"));
  Insert(PersonRecord("per_02", "Salvatore La Rosa"));
  Insert(PersonRecord("per_03", "Imran Qureshi", "1970"));
  ASSERT_TRUE(ahead.CatchUp().ok());  // applies 1..3, prunes 1..2
  ASSERT_TRUE(behind.CatchUp().ok());
  EXPECT_EQ(behind.size(), 3u);
  EXPECT_EQ(behind.applied_seq(), 3);
  EXPECT_EQ(Refs(behind, "Giulia Rossi"), std::vector<std::string>{"per_01"});
}

TEST_F(ScreeningServiceTest, PruningKeepsEntriesForProcessesALittleBehind) {
  ScreeningService service(
      *store_, {.build_threads = 1, .prune_interval = absl::ZeroDuration(), .prune_keep = 2});
  ASSERT_TRUE(service.Build().ok());
  for (int i = 1; i <= 5; ++i) Insert(PersonRecord("per_0" + std::to_string(i), "Giulia Rossi"));
  ASSERT_TRUE(service.CatchUp().ok());
  ASSERT_TRUE(store_
                  ->Read([](store::Reader& r) {
                    auto feed = r.RecordChangesAfter(0, 100);
                    EXPECT_EQ(feed->size(), 3u);  // 3, 4, 5: two behind the position 5
                    EXPECT_EQ(feed->front().seq, 3);
                    return feed.status();
                  })
                  .ok());
}

TEST_F(ScreeningServiceTest, StartBuildsInTheBackgroundThenFollowsByItself) {
  Insert(PersonRecord("per_01", "Giulia Rossi"));
  ScreeningService service(*store_, {.build_threads = 1, .follow_interval = absl::Milliseconds(5)});
  service.Start();
  for (int i = 0; i < 2000 && !service.ready(); ++i) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(service.ready());
  Insert(PersonRecord("per_02", "Salvatore La Rosa"));
  for (int i = 0; i < 2000 && service.size() < 2; ++i) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(service.size(), 2u);
}

TEST_F(ScreeningServiceTest, ConsumedChangesArePrunedButTheFeedNeverRestarts) {
  ScreeningService service(
      *store_, {.build_threads = 1, .prune_interval = absl::ZeroDuration(), .prune_keep = 0});
  ASSERT_TRUE(service.Build().ok());
  Insert(PersonRecord("per_01", "Giulia Rossi"));
  Insert(PersonRecord("per_02", "Salvatore La Rosa"));
  ASSERT_TRUE(service.CatchUp().ok());
  EXPECT_EQ(service.applied_seq(), 2);
  int64_t last = 0;
  size_t left = 0;
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) -> absl::Status {
                    last = *r.LastRecordChange();
                    left = r.RecordChangesAfter(0, 100)->size();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(last, 2);
  EXPECT_EQ(left, 1u);
  Insert(PersonRecord("per_03", "Imran Khan"));
  ASSERT_TRUE(service.CatchUp().ok());
  EXPECT_EQ(service.applied_seq(), 3);
}

TEST(ScreeningRefTest, PartnerRefsAreNotOwnRecords) {
  EXPECT_TRUE(IsOwnRecordRef(OwnRecordRef("per_01ABC")));
  EXPECT_EQ(PartnerRef("node_it", "w123"), "partner:node_it:w123");
  EXPECT_FALSE(IsOwnRecordRef(PartnerRef("node_it", "per_01")));
}

}  // namespace
}  // namespace liaison::screening

namespace liaison::screening {
namespace {

// Persons the caller may not see change nothing: a visible person's score
// is what it would be if the invisible namesake were not held at all, while
// an unfiltered search shares the evidence between the two.
TEST_F(ScreeningServiceTest, SearchVisibleScoresAsIfInvisiblePersonsWereNotHeld) {
  Insert(PersonRecord("per_01", "Muhammad Asif Khan", "1984"));
  ScreeningService alone(*store_, {.build_threads = 1});
  ASSERT_TRUE(alone.Build().ok());
  Insert(PersonRecord("per_02", "Muhammad Asif Khan", "1984"));
  ScreeningService both(*store_, {.build_threads = 1});
  ASSERT_TRUE(both.Build().ok());

  const std::optional<match::PreparedPerson> q = AsifKhanBorn1984(both);
  ASSERT_TRUE(q.has_value());
  auto reference = alone.Search(*q, kVisibilityOptions);
  ASSERT_TRUE(reference.ok());
  ASSERT_EQ(reference->size(), 1u);

  auto shared = both.Search(*q, kVisibilityOptions);
  ASSERT_TRUE(shared.ok());
  ASSERT_EQ(shared->size(), 2u);
  EXPECT_LT((*shared)[0].score, (*reference)[0].score);

  std::vector<std::string> asked;
  auto visible = both.SearchVisible(
      *q, kVisibilityOptions,
      [&](const std::vector<std::string>& refs) -> absl::StatusOr<std::vector<bool>> {
        asked = refs;
        std::vector<bool> keep;
        for (const std::string& r : refs) keep.push_back(r == "per_01");
        return keep;
      });
  ASSERT_TRUE(visible.ok()) << visible.status();
  EXPECT_EQ(asked.size(), 2u);
  ASSERT_EQ(visible->size(), 1u);
  EXPECT_EQ((*visible)[0].ref, "per_01");
  EXPECT_DOUBLE_EQ((*visible)[0].score, (*reference)[0].score);

  // A failing visibility check fails the search.
  auto failed =
      both.SearchVisible(*q, kVisibilityOptions,
                         [](const std::vector<std::string>&) -> absl::StatusOr<std::vector<bool>> {
                           return absl::UnavailableError("store down");
                         });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
}

// Without explanations (a hit/no-hit answer needs none) the same persons are
// found with the same scores; only the explanation is left out.
TEST_F(ScreeningServiceTest, SearchVisibleWithoutExplanationFindsTheSamePersonsAndScores) {
  Insert(PersonRecord("per_01", "Muhammad Asif Khan", "1984"));
  Insert(PersonRecord("per_02", "Muhammad Asif Khan", "1984"));
  Insert(PersonRecord("per_03", "Mohammad Asif Khan", "1985"));
  Insert(PersonRecord("per_04", "Ayesha Bibi", "1990"));
  ScreeningService service(*store_, {.build_threads = 1});
  ASSERT_TRUE(service.Build().ok());
  const std::optional<match::PreparedPerson> q = AsifKhanBorn1984(service);
  ASSERT_TRUE(q.has_value());
  auto all_but_02 = [](const std::vector<std::string>& refs) -> absl::StatusOr<std::vector<bool>> {
    std::vector<bool> keep;
    for (const std::string& r : refs) keep.push_back(r != "per_02");
    return keep;
  };
  auto explained = service.SearchVisible(*q, kVisibilityOptions, all_but_02);
  auto bare =
      service.SearchVisible(*q, kVisibilityOptions, all_but_02, ScreeningService::Explain::kNo);
  ASSERT_TRUE(explained.ok()) << explained.status();
  ASSERT_TRUE(bare.ok()) << bare.status();
  ASSERT_EQ(explained->size(), 2u);
  ASSERT_EQ(bare->size(), explained->size());
  for (size_t i = 0; i < bare->size(); ++i) {
    EXPECT_EQ((*bare)[i].ref, (*explained)[i].ref);
    EXPECT_DOUBLE_EQ((*bare)[i].score, (*explained)[i].score);
    EXPECT_FALSE((*explained)[i].result.summary.empty());
    EXPECT_TRUE((*bare)[i].result.summary.empty());
  }
}

store::SharedEntryRow SharedEntry(std::string reference, std::string names_json) {
  store::SharedEntryRow e;
  e.owner = "node_lahore";
  e.reference = std::move(reference);
  e.version = 1;
  e.crime_area = "narcotics";
  e.handling_code = "H1";
  e.entry_json = "{\"names\":" + names_json + ",\"dob\":\"1985-03-12\"}";
  e.retain_until_ms = 1;
  return e;
}

TEST_F(ScreeningServiceTest, SharedWatchlistEntriesAreIndexedUnderPartnerRefsAndFollowed) {
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) {
                    return tx.PutSharedEntry(SharedEntry("wle_1", "[\"محمد آصف\"]"));
                  })
                  .ok());
  ScreeningService service(*store_, {.build_threads = 1});
  ASSERT_TRUE(service.Build().ok());
  EXPECT_EQ(Refs(service, "Mohammed Aasif", "1985-03-12"),
            std::vector<std::string>{"partner:node_lahore:wle_1"});
  // A change and a removal arrive through the change feed.
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) -> absl::Status {
                    absl::Status s = tx.PutSharedEntry(SharedEntry("wle_2", "[\"Giulia Rossi\"]"));
                    if (!s.ok()) return s;
                    return tx.DeleteSharedEntry("node_lahore", "wle_1").status();
                  })
                  .ok());
  ASSERT_TRUE(service.CatchUp().ok());
  EXPECT_TRUE(Refs(service, "Mohammed Aasif", "1985-03-12").empty());
  EXPECT_EQ(Refs(service, "Giulia Rossi", "1985-03-12"),
            std::vector<std::string>{"partner:node_lahore:wle_2"});
}

TEST(SharedEntryInputTest, ReadsTheMatchingFieldsAndRefusesEntriesWithoutNames) {
  auto in = PersonInputFromSharedEntry(
      R"({"names":["Muhammad Asif","محمد آصف"],"father_name":"Bashir","dob":"1984",)"
      R"("gender":"M","nationalities":["PK"],"id_numbers":["cnic:35202-1234567-1"]})");
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->names.size(), 2u);
  EXPECT_EQ(in->father_name, "Bashir");
  ASSERT_EQ(in->id_numbers.size(), 1u);
  EXPECT_EQ(in->id_numbers[0].scheme, "cnic");
  EXPECT_FALSE(PersonInputFromSharedEntry(R"({"names":[]})").has_value());
  EXPECT_FALSE(PersonInputFromSharedEntry("not json").has_value());
}

}  // namespace
}  // namespace liaison::screening
