#include "access/person_search.h"

#include <gtest/gtest.h>

#include "access/record_access.h"
#include "access/test_node.h"
#include "access/watchlists.h"
#include "common/absl_bridge.h"

namespace liaison::access {
namespace {

class PersonSearchTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    records_ = std::make_unique<RecordAccess>(*store_, *trail_,
                                              RecordPolicy{.node_id = "node_test"}, random_);
    screening_ = std::make_unique<screening::ScreeningService>(
        *store_, screening::ServiceOptions{.build_threads = 1});
    search_ = std::make_unique<PersonSearch>(*store_, *trail_, *screening_);
    analyst_ = TestActor("usr_analyst", "Ayesha Malik", Role::kAnalyst);
    analyst_.clearance.max_handling_code = records::HandlingCode::kH1;
  }
  void TearDown() override {
    search_.reset();
    screening_.reset();
    records_.reset();
    TestNode::TearDown();
  }

  std::string AddPerson(std::string name, std::string dob,
                        records::HandlingCode code = records::HandlingCode::kH1,
                        records::CrimeArea area = records::CrimeArea::kNarcotics) {
    records::Record r;
    r.meta.crime_area = area;
    r.meta.handling_code = code;
    if (code == records::HandlingCode::kH3) r.meta.handling_note = "owner's consent needed";
    records::Person p;
    p.name = std::move(name);
    p.dob = *records::ParsePartialDate(dob);
    r.body = p;
    auto stored = records_->Create(admin_, {"loading test data", ""}, std::move(r));
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? stored->meta.id : "";
  }

  PersonQuery Query(std::string name, std::string dob = "") {
    PersonQuery q;
    q.person.names = {std::move(name)};
    q.person.dob = std::move(dob);
    q.min_score = 0.5;
    return q;
  }

  std::unique_ptr<RecordAccess> records_;
  std::unique_ptr<screening::ScreeningService> screening_;
  std::unique_ptr<PersonSearch> search_;
  Actor analyst_;
  Purpose purpose_{"Operation Indus, checking a name", "CASE-7"};
};

TEST_F(PersonSearchTest, FindsAPersonAcrossScriptsExplainsAndAuditsTheSearch) {
  std::string asif = AddPerson("محمد آصف ولد بشیر احمد", "1985-03-12");
  AddPerson("Giulia Rossi", "1990-05-01");
  ASSERT_TRUE(screening_->Build().ok());
  auto hits = search_->Search(analyst_, purpose_, Query("Mohammed Aasif s/o Bashir", "1985-03-12"));
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].record_id, asif);
  EXPECT_FALSE((*hits)[0].result.summary.empty());
  Json j = SearchHitJson((*hits)[0]);
  EXPECT_EQ(j["record"]["dob"], "1985-03-12");
  EXPECT_TRUE(j["explanation"]["tokens"].is_array());
  EXPECT_FALSE(j["record"].contains("address"));

  std::vector<store::AuditRow> rows = AuditRows();
  ASSERT_FALSE(rows.empty());
  const store::AuditRow& last = rows.back();
  EXPECT_EQ(last.action, "search");
  EXPECT_EQ(last.actor, "usr_analyst");
  auto entry = ParseJson(last.entry_json);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ((*entry)["object_ids"], Json::array({asif}));
  EXPECT_EQ((*entry)["purpose"], purpose_.text);
  EXPECT_EQ((*entry)["case_ref"], "CASE-7");
  EXPECT_EQ((*entry)["query_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ((*entry)["details"]["returned"], 1);
  // The query itself is not in the log, only its keyed hash.
  EXPECT_EQ(last.entry_json.find("Aasif"), std::string::npos);
  // "Who saw this record" includes the search.
  auto history =
      records_->History(TestActor("usr_sup", "S", Role::kSupervisor), {"review", ""}, asif);
  ASSERT_TRUE(history.ok());
  bool found = false;
  for (const auto& row : *history) found |= row.action == "search";
  EXPECT_TRUE(found);
}

TEST_F(PersonSearchTest, RequiresAStatedPurpose) {
  AddPerson("Giulia Rossi", "1990-05-01");
  ASSERT_TRUE(screening_->Build().ok());
  auto hits = search_->Search(analyst_, {"", ""}, Query("Giulia Rossi"));
  EXPECT_EQ(hits.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(hits.status().message().find("purpose"), std::string::npos);
}

TEST_F(PersonSearchTest, AuditorsMayNotSearchAndTheRefusalIsAudited) {
  ASSERT_TRUE(screening_->Build().ok());
  auto hits =
      search_->Search(TestActor("usr_aud", "A", Role::kAuditor), purpose_, Query("Giulia Rossi"));
  EXPECT_EQ(hits.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("access_denied"), 1);
}

TEST_F(PersonSearchTest, HitsOutsideTheActorsClearanceAreDroppedAsIfAbsent) {
  std::string restricted = AddPerson("Giulia Rossi", "1990-05-01", records::HandlingCode::kH3);
  std::string other_area = AddPerson("Giulia Rossi", "1990-05-01", records::HandlingCode::kH0,
                                     records::CrimeArea::kTerrorism);
  std::string visible = AddPerson("Giulia Rossi", "1990-05-01", records::HandlingCode::kH0);
  ASSERT_TRUE(screening_->Build().ok());
  analyst_.clearance.crime_areas = {records::CrimeArea::kNarcotics};
  PersonQuery q = Query("Giulia Rossi", "1990-05-01");
  q.limit = 1;
  auto hits = search_->Search(analyst_, purpose_, q);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].record_id, visible);
  auto entry = ParseJson(AuditRows().back().entry_json);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ((*entry)["object_ids"], Json::array({visible}));
  // Asked for more, the analyst still sees only the one, and the log counts the others.
  q.limit = 10;
  auto more = search_->Search(analyst_, purpose_, q);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->size(), 1u);
  entry = ParseJson(AuditRows().back().entry_json);
  EXPECT_EQ((*entry)["details"]["withheld"], 2);
  // The administrator (H3, every area) sees all three.
  q.limit = 10;
  auto all = search_->Search(admin_, purpose_, q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST_F(PersonSearchTest, FollowsAnUpdateAndADeleteAtOnce) {
  std::string id = AddPerson("Giulia Rossi", "1990-05-01");
  ASSERT_TRUE(screening_->Build().ok());
  std::string added = AddPerson("Salvatore La Rosa", "1968-02-11");
  auto found = search_->Search(analyst_, purpose_, Query("Salvatore La Rosa", "1968-02-11"));
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].record_id, added);

  auto rec = records_->Get(admin_, purpose_, id);
  ASSERT_TRUE(rec.ok());
  std::get<records::Person>(rec->body).name = "Francesca Bianchi";
  ASSERT_TRUE(records_->Update(admin_, purpose_, id, *rec, rec->meta.version).ok());
  EXPECT_TRUE(search_->Search(analyst_, purpose_, Query("Giulia Rossi", "1990-05-01"))->empty());
  EXPECT_EQ(search_->Search(analyst_, purpose_, Query("Francesca Bianchi", "1990-05-01"))->size(),
            1u);
  ASSERT_TRUE(records_->Delete(admin_, purpose_, id, 0).ok());
  EXPECT_TRUE(
      search_->Search(analyst_, purpose_, Query("Francesca Bianchi", "1990-05-01"))->empty());
}

TEST_F(PersonSearchTest, IsUnavailableWhileTheIndexIsBeingBuilt) {
  auto hits = search_->Search(analyst_, purpose_, Query("Giulia Rossi"));
  EXPECT_EQ(hits.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(PersonSearchTest, RejectsABadQueryNamingTheField) {
  ASSERT_TRUE(screening_->Build().ok());
  PersonQuery q = Query("Giulia Rossi", "1990-13-01");
  auto bad_dob = search_->Search(analyst_, purpose_, q);
  EXPECT_EQ(bad_dob.status().code(), absl::StatusCode::kInvalidArgument);
  q = Query("Giulia Rossi");
  q.limit = 0;
  EXPECT_EQ(search_->Search(analyst_, purpose_, q).status().code(),
            absl::StatusCode::kInvalidArgument);
  q = Query("");
  EXPECT_EQ(search_->Search(analyst_, purpose_, q).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace liaison::access

namespace liaison::access {
namespace {

class SharedListSearchTest : public PersonSearchTest {
 protected:
  void PutShared(std::string reference, std::string name, std::string code) {
    store::SharedEntryRow e;
    e.owner = "node_lahore";
    e.reference = std::move(reference);
    e.version = 4;
    e.crime_area = "narcotics";
    e.handling_code = std::move(code);
    e.entry_json = "{\"alert\":\"wanted\",\"names\":[\"" + name +
                   "\"],\"father_name\":\"بشیر احمد\",\"dob\":\"1984-03-12\"}";
    e.retain_until_ms = clock_.NowMillis() + 1000;
    ASSERT_TRUE(store_->Write([&](store::Transaction& tx) { return tx.PutSharedEntry(e); }).ok());
  }
  std::vector<store::OutboxRow> Outbox() {
    std::vector<store::OutboxRow> rows;
    EXPECT_TRUE(store_
                    ->Read([&](store::Reader& r) -> absl::Status {
                      auto got = r.PendingOutbox("node_lahore", 0, 100);
                      if (got.ok()) rows = *got;
                      return got.status();
                    })
                    .ok());
    return rows;
  }
};

TEST_F(SharedListSearchTest, SharedEntriesAreShownAsSuchAndStrongHitsNotifyTheOwner) {
  PutShared("wle_01KDVDNA00Q3JZXA1R2YB3KX7A", "محمد آصف", "H1");
  ASSERT_TRUE(screening_->Build().ok());
  PersonQuery q = Query("Muhammad Asif", "1984-03-12");
  q.person.father_name = "Bashir Ahmed";
  auto hits = search_->Search(analyst_, purpose_, q);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->size(), 1u);
  const PersonSearchHit& h = (*hits)[0];
  ASSERT_TRUE(h.shared.has_value());
  EXPECT_EQ(h.record_id, "");
  EXPECT_EQ(h.shared->owner, "node_lahore");
  EXPECT_EQ(h.shared->reference, "wle_01KDVDNA00Q3JZXA1R2YB3KX7A");
  EXPECT_EQ(h.shared->alert, "wanted");
  EXPECT_EQ(h.shared->list_version, 4);
  ASSERT_GE(h.score, kWatchlistNotifyScore);
  EXPECT_TRUE(h.shared->notified);
  Json j = SearchHitJson(h);
  EXPECT_EQ(j["source"], "shared_watchlist");
  EXPECT_FALSE(j.contains("record_id"));
  EXPECT_EQ(j["shared"]["reference"], "wle_01KDVDNA00Q3JZXA1R2YB3KX7A");
  std::vector<store::OutboxRow> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].kind, "watchlist_hit");
  // The searched person's features never travel in the notification.
  EXPECT_EQ(outbox[0].body.find("Muhammad"), std::string::npos);
  EXPECT_EQ(CountAudit("watchlist_hit_notified"), 1);
}

TEST_F(SharedListSearchTest, SharedEntriesAboveTheOfficersClearanceAreWithheld) {
  PutShared("wle_01KDVDNA00Q3JZXA1R2YB3KX7A", "محمد آصف", "H2");  // analyst_ holds H1
  ASSERT_TRUE(screening_->Build().ok());
  auto hits = search_->Search(analyst_, purpose_, Query("Muhammad Asif", "1984-03-12"));
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_TRUE(hits->empty());
  EXPECT_TRUE(Outbox().empty());
}

}  // namespace
}  // namespace liaison::access
