#include "access/watchlists.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "access/partners.h"
#include "access/test_node.h"
#include "common/status_macros.h"

namespace liaison::access {
namespace {

using records::AlertKind;
using records::CrimeArea;
using records::HandlingCode;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRome[] = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
constexpr char kParis[] = "node_01J9ZQ6P9Q5W0X4Y8Z7A2C3D4E";
constexpr char kMessageId[] = "msg_01KDVDNA00Q3JZXA1R2YB3KX7M";

class WatchlistsTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    partners_ = std::make_unique<Partners>(*store_, *trail_, random_);
    watchlists_ = std::make_unique<Watchlists>(*store_, *trail_, random_);
  }

  void AddPartner(const char* node_id, std::set<CrimeArea> areas,
                  HandlingCode max = HandlingCode::kH2) {
    store::PartnerRow p;
    p.node_id = node_id;
    p.agency = "Polizia di Stato";
    p.country = "IT";
    p.endpoint = "https://127.0.0.1:9444";
    p.tls_fingerprint = std::string(63, 'a') + (node_id == std::string(kRome) ? "1" : "2");
    p.signing_public_key = std::string(64, 'b');
    p.bundle_json = "{}";
    ASSERT_TRUE(partners_->Register(admin_, p).ok());
    SetAgreement(node_id, std::move(areas), max);
  }

  void SetAgreement(const char* node_id, std::set<CrimeArea> areas, HandlingCode max) {
    Agreement a;
    a.crime_areas = std::move(areas);
    a.max_handling_code = max;
    a.retention_days = 30;
    ASSERT_TRUE(partners_->SetAgreement(admin_, node_id, a).ok());
  }

  records::Record Person(std::string id, std::string name, AlertKind alert,
                         CrimeArea area = CrimeArea::kNarcotics,
                         HandlingCode code = HandlingCode::kH1, std::string owner = "node_test") {
    records::Record r;
    r.meta.id = std::move(id);
    r.meta.owner = std::move(owner);
    r.meta.alert = alert;
    r.meta.crime_area = area;
    r.meta.handling_code = code;
    r.meta.version = 1;
    records::Person p;
    p.name = std::move(name);
    p.father_name = "Bashir Ahmed";
    p.dob = {1984, 3, 12};
    p.gender = "M";
    p.nationalities = {"PK"};
    p.id_numbers = {{"cnic", "3520212345671", "PK"}};
    p.place_of_birth = "Kasur";
    p.address = "House 12, Street 4, Gulberg, Lahore";
    p.contact = "+923001234567";
    r.body = p;
    return r;
  }

  void Insert(const records::Record& r) {
    ASSERT_TRUE(store_->Write([&](store::Transaction& tx) { return tx.InsertRecord(r); }).ok());
  }

  federation::WatchlistPage Pull(const char* partner, int64_t after_version = 0,
                                 std::string after_reference = "", bool continuation = false) {
    federation::WatchlistPull pull{random_.NewId("wlp_"), after_version, std::move(after_reference),
                                   continuation};
    auto page = watchlists_->AnswerPull(partner, kMessageId, pull);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : federation::WatchlistPage{};
  }

  std::unique_ptr<Partners> partners_;
  std::unique_ptr<Watchlists> watchlists_;
};

TEST_F(WatchlistsTest, PublishesOnlyOwnAlertPersonsWithinTheAgreement) {
  AddPartner(kRome, {CrimeArea::kNarcotics});
  Insert(Person("per_in", "Muhammad Asif", AlertKind::kWanted));
  Insert(Person("per_no_alert", "Imran Khan", AlertKind::kNone));
  Insert(
      Person("per_h3", "Tariq Aziz", AlertKind::kWanted, CrimeArea::kNarcotics, HandlingCode::kH3));
  Insert(Person("per_area", "Nadeem Akhtar", AlertKind::kWanted, CrimeArea::kOrganisedCrime));
  Insert(Person("per_theirs", "Sajid Mir", AlertKind::kWanted, CrimeArea::kNarcotics,
                HandlingCode::kH0, kParis));
  federation::WatchlistPage page = Pull(kRome);
  EXPECT_TRUE(page.snapshot);
  EXPECT_TRUE(page.complete);
  EXPECT_EQ(page.list_version, 1);
  EXPECT_EQ(page.retention_days, 30);
  ASSERT_EQ(page.upserts.size(), 1u);
  EXPECT_EQ(page.upserts[0].person.names, std::vector<std::string>{"Muhammad Asif"});
  EXPECT_EQ(page.upserts[0].person.id_numbers, std::vector<std::string>{"cnic:3520212345671"});
  EXPECT_EQ(page.upserts[0].alert, "wanted");
  EXPECT_EQ(page.upserts[0].handling_code, "H1");
  const std::string wire = federation::WatchlistPageToJson(page);
  EXPECT_THAT(wire, Not(HasSubstr("per_in")));
  EXPECT_EQ(CountAudit("watchlist_published"), 1);
}

TEST_F(WatchlistsTest, ProtectedPersonsAndVictimsShareOnlyMatchingFields) {
  AddPartner(kRome, {CrimeArea::kNarcotics, CrimeArea::kHumanTrafficking});
  Insert(Person("per_protected", "Ayesha Bibi", AlertKind::kProtectedPerson));
  Insert(Person("per_victim", "Fatima Noor", AlertKind::kTraffickingVictim,
                CrimeArea::kHumanTrafficking));
  federation::WatchlistPage page = Pull(kRome);
  ASSERT_EQ(page.upserts.size(), 2u);
  for (const federation::WatchlistEntry& e : page.upserts) EXPECT_EQ(e.alert, "");
  const std::string wire = federation::WatchlistPageToJson(page);
  EXPECT_THAT(wire, Not(HasSubstr("Gulberg")));
  EXPECT_THAT(wire, Not(HasSubstr("+923001234567")));
  EXPECT_THAT(wire, Not(HasSubstr("Kasur")));
  EXPECT_THAT(wire, Not(HasSubstr("protected_person")));
  EXPECT_THAT(wire, Not(HasSubstr("trafficking_victim")));
}

TEST_F(WatchlistsTest, VersionGrowsOnlyWhenTheContentsChangeAndDeltasCarryTheChanges) {
  AddPartner(kRome, {CrimeArea::kNarcotics, CrimeArea::kTerrorism});
  Insert(Person("per_a", "Muhammad Asif", AlertKind::kWanted));
  Insert(Person("per_b", "Tariq Aziz", AlertKind::kSurveillance, CrimeArea::kTerrorism));
  federation::WatchlistPage first = Pull(kRome);
  ASSERT_EQ(first.upserts.size(), 2u);
  std::string ref_a;
  for (const auto& e : first.upserts) {
    if (e.person.names[0] == "Muhammad Asif") ref_a = e.reference;
  }
  // Nothing changed: same version, an empty delta.
  federation::WatchlistPage again = Pull(kRome, first.next_version, first.next_reference);
  EXPECT_FALSE(again.snapshot);
  EXPECT_EQ(again.list_version, 1);
  EXPECT_TRUE(again.upserts.empty());
  EXPECT_TRUE(again.complete);

  // A record update: version 2, the same reference.
  records::Record a = Person("per_a", "Muhammad Asif Bashir", AlertKind::kWanted);
  ASSERT_TRUE(store_->Write([&](store::Transaction& tx) { return tx.UpdateRecord(a, 1); }).ok());
  federation::WatchlistPage delta = Pull(kRome, again.next_version, again.next_reference);
  EXPECT_EQ(delta.list_version, 2);
  ASSERT_EQ(delta.upserts.size(), 1u);
  EXPECT_EQ(delta.upserts[0].reference, ref_a);
  EXPECT_EQ(delta.upserts[0].person.names[0], "Muhammad Asif Bashir");

  // The agreement narrowed: terrorism leaves, as a removal.
  SetAgreement(kRome, {CrimeArea::kNarcotics}, HandlingCode::kH2);
  federation::WatchlistPage narrowed = Pull(kRome, delta.next_version, delta.next_reference);
  EXPECT_EQ(narrowed.list_version, 3);
  EXPECT_TRUE(narrowed.upserts.empty());
  ASSERT_EQ(narrowed.removals.size(), 1u);
  EXPECT_NE(narrowed.removals[0], ref_a);

  // An erasure: a removal of ref_a.
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) {
                    return tx.EraseRecord("per_a", {"per_a", records::RecordType::kPerson,
                                                    "node_test", "", 1, "deleted"});
                  })
                  .ok());
  federation::WatchlistPage erased = Pull(kRome, narrowed.next_version, narrowed.next_reference);
  EXPECT_EQ(erased.list_version, 4);
  EXPECT_EQ(erased.removals, std::vector<std::string>{ref_a});
  // A puller starting afresh gets a snapshot of what is left: nothing.
  federation::WatchlistPage fresh = Pull(kRome);
  EXPECT_TRUE(fresh.snapshot);
  EXPECT_TRUE(fresh.upserts.empty());
  EXPECT_TRUE(fresh.removals.empty());
}

TEST_F(WatchlistsTest, ReferencesAreStablePerPartnerAndUnrelatedAcrossPartners) {
  AddPartner(kRome, {CrimeArea::kNarcotics});
  AddPartner(kParis, {CrimeArea::kNarcotics});
  Insert(Person("per_a", "Muhammad Asif", AlertKind::kWanted));
  federation::WatchlistPage rome = Pull(kRome);
  federation::WatchlistPage paris = Pull(kParis);
  ASSERT_EQ(rome.upserts.size(), 1u);
  ASSERT_EQ(paris.upserts.size(), 1u);
  EXPECT_NE(rome.upserts[0].reference, paris.upserts[0].reference);
  EXPECT_EQ(Pull(kRome).upserts[0].reference, rome.upserts[0].reference);
}

TEST_F(WatchlistsTest, WithoutAnAgreementTheListIsEmpty) {
  Insert(Person("per_a", "Muhammad Asif", AlertKind::kWanted));
  federation::WatchlistPage page = Pull(kRome);
  EXPECT_TRUE(page.upserts.empty());
  EXPECT_TRUE(page.complete);
  EXPECT_EQ(page.list_version, 0);
}

TEST_F(WatchlistsTest, LargeListsComeInPagesThatResume) {
  AddPartner(kRome, {CrimeArea::kNarcotics});
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) -> absl::Status {
                    for (int i = 0; i < 1500; ++i) {
                      RETURN_IF_ERROR(tx.InsertRecord(Person("per_" + std::to_string(10000 + i),
                                                             "Person Number " + std::to_string(i),
                                                             AlertKind::kWanted)));
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  federation::WatchlistPage first = Pull(kRome);
  EXPECT_TRUE(first.snapshot);
  EXPECT_FALSE(first.complete);
  EXPECT_LT(federation::WatchlistPageToJson(first).size(), federation::kMaxWatchlistPageBytes);
  std::set<std::string> refs;
  for (const auto& e : first.upserts) refs.insert(e.reference);
  federation::WatchlistPage next = first;
  int pages = 1;
  while (!next.complete && pages < 10) {
    next = Pull(kRome, next.next_version, next.next_reference, /*continuation=*/true);
    for (const auto& e : next.upserts) refs.insert(e.reference);
    ++pages;
  }
  EXPECT_TRUE(next.complete);
  EXPECT_EQ(refs.size(), 1500u);
}

TEST_F(WatchlistsTest, ContinuationPagesServeThePassAsPublishedAndTheNextPassCatchesUp) {
  AddPartner(kRome, {CrimeArea::kNarcotics});
  Insert(Person("per_a", "Muhammad Asif", AlertKind::kWanted));
  federation::WatchlistPage first = Pull(kRome);
  ASSERT_EQ(first.list_version, 1);
  Insert(Person("per_b", "Tariq Aziz", AlertKind::kWanted));
  federation::WatchlistPage cont =
      Pull(kRome, first.next_version, first.next_reference, /*continuation=*/true);
  EXPECT_EQ(cont.list_version, 1);
  EXPECT_TRUE(cont.upserts.empty());
  federation::WatchlistPage next = Pull(kRome, cont.next_version, cont.next_reference);
  EXPECT_EQ(next.list_version, 2);
  ASSERT_EQ(next.upserts.size(), 1u);
  EXPECT_EQ(next.upserts[0].person.names[0], "Tariq Aziz");
}

TEST_F(WatchlistsTest, SubscriberAppliesPagesAndRemembersWhereItStopped) {
  const char* lahore = kParis;  // this node subscribing to a partner's list
  federation::WatchlistEntry e;
  e.reference = "wle_01KDVDNA00Q3JZXA1R2YB3KX7A";
  e.crime_area = "narcotics";
  e.handling_code = "H1";
  e.person.names = {"محمد آصف"};
  auto pull = watchlists_->NextPull(lahore);
  ASSERT_TRUE(pull.ok());
  EXPECT_EQ(pull->after_version, 0);
  federation::WatchlistPage page;
  page.snapshot = true;
  page.pull_id = pull->pull_id;
  page.in_reply_to = kMessageId;
  page.list_version = 2;
  page.retention_days = 30;
  page.upserts = {e};
  page.next_version = 2;
  page.next_reference = e.reference;
  page.complete = true;
  // A page for another pull is refused and changes nothing.
  federation::WatchlistPull other = *pull;
  other.pull_id = "wlp_01KDVDNA00Q3JZXA1R2YB3KX7M";
  EXPECT_EQ(watchlists_->ApplyPage(lahore, other, page).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(watchlists_->ApplyPage(lahore, *pull, page).ok());
  auto lists = watchlists_->ListShared(admin_);
  ASSERT_TRUE(lists.ok());
  ASSERT_EQ(lists->size(), 1u);
  EXPECT_EQ((*lists)[0].version, 2);
  EXPECT_EQ((*lists)[0].entries, 1);
  auto resume = watchlists_->NextPull(lahore);
  EXPECT_EQ(resume->after_version, 2);
  EXPECT_EQ(resume->after_reference, e.reference);
  // A failed pull keeps what is held and says why.
  ASSERT_TRUE(watchlists_->RecordPullFailure(lahore, "partner unreachable").ok());
  lists = watchlists_->ListShared(admin_);
  EXPECT_EQ((*lists)[0].entries, 1);
  EXPECT_EQ((*lists)[0].last_error, "partner unreachable");
  // A removal in a delta.
  federation::WatchlistPage delta;
  delta.pull_id = resume->pull_id;
  delta.in_reply_to = kMessageId;
  delta.list_version = 3;
  delta.retention_days = 30;
  delta.removals = {e.reference};
  delta.next_version = 3;
  delta.next_reference = e.reference;
  delta.complete = true;
  ASSERT_TRUE(watchlists_->ApplyPage(lahore, *resume, delta).ok());
  lists = watchlists_->ListShared(admin_);
  EXPECT_EQ((*lists)[0].entries, 0);
  EXPECT_EQ((*lists)[0].version, 3);
  EXPECT_EQ((*lists)[0].last_error, "");
  EXPECT_EQ(CountAudit("watchlist_pulled"), 2);
}

TEST_F(WatchlistsTest, HeldEntriesPastTheOwnersRetentionAreErased) {
  federation::WatchlistEntry e;
  e.reference = "wle_01KDVDNA00Q3JZXA1R2YB3KX7A";
  e.crime_area = "narcotics";
  e.handling_code = "H1";
  e.person.names = {"Muhammad Asif"};
  auto pull = watchlists_->NextPull(kParis);
  federation::WatchlistPage page;
  page.snapshot = true;
  page.pull_id = pull->pull_id;
  page.in_reply_to = kMessageId;
  page.list_version = 1;
  page.retention_days = 1;
  page.upserts = {e};
  page.next_version = 1;
  page.next_reference = e.reference;
  page.complete = true;
  ASSERT_TRUE(watchlists_->ApplyPage(kParis, *pull, page).ok());
  EXPECT_EQ(*watchlists_->PurgeExpired(), 0);
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(*watchlists_->PurgeExpired(), 1);
  EXPECT_EQ((*watchlists_->ListShared(admin_))[0].entries, 0);
  // The next pull starts from the beginning, so the list comes back whole.
  EXPECT_EQ(watchlists_->NextPull(kParis)->after_version, 0);
}

TEST_F(WatchlistsTest, StrongHitsNotifyTheOwnerOncePerSearchOrJob) {
  Actor analyst = TestActor("usr_1", "Analyst", Role::kAnalyst);
  WatchlistHitNotice n;
  n.owner = kRome;
  n.reference = "wle_01KDVDNA00Q3JZXA1R2YB3KX7A";
  n.list_version = 3;
  n.source = "screening";
  n.source_id = "scr_1";
  n.purpose = "Hotel guest screening";
  auto notify = [&](double score) {
    n.score = score;
    absl::StatusOr<bool> queued;
    EXPECT_TRUE(store_
                    ->Write([&](store::Transaction& tx) {
                      queued = Watchlists::NotifyHit(tx, *trail_, analyst, n);
                      return queued.status();
                    })
                    .ok());
    return *queued;
  };
  EXPECT_FALSE(notify(0.80));  // below the strong band
  EXPECT_TRUE(notify(0.91));
  EXPECT_FALSE(notify(0.95));  // the same entry in the same job
  n.source_id = "scr_2";
  EXPECT_TRUE(notify(0.91));  // another job
  std::vector<store::OutboxRow> outbox;
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) -> absl::Status {
                    ASSIGN_OR_RETURN(outbox, r.PendingOutbox(kRome, 0, 10));
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].kind, "watchlist_hit");
  EXPECT_THAT(outbox[0].body, HasSubstr("\"band\":\"strong\""));
  EXPECT_THAT(outbox[0].body, HasSubstr("Hotel guest screening"));
  EXPECT_EQ(CountAudit("watchlist_hit_notified"), 2);
}

TEST_F(WatchlistsTest, OwnerMapsAHitToItsRecordAndRefusesUnknownReferences) {
  AddPartner(kRome, {CrimeArea::kNarcotics});
  Insert(Person("per_a", "Muhammad Asif", AlertKind::kWanted));
  federation::WatchlistPage page = Pull(kRome);
  ASSERT_EQ(page.upserts.size(), 1u);
  federation::WatchlistHitItem hit;
  hit.id = "wlh_01KDVDNA00Q3JZXA1R2YB3KX7M";
  hit.reference = page.upserts[0].reference;
  hit.list_version = 1;
  hit.source = "search";
  hit.purpose = "Operation Indus";
  hit.band = "strong";
  hit.score_permille = 930;
  hit.hit_at_ms = clock_.NowMillis();
  absl::StatusOr<std::string> refusal;
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) {
                    refusal = Watchlists::AcceptHit(tx, *trail_, kRome, hit, clock_.NowMillis());
                    return refusal.status();
                  })
                  .ok());
  EXPECT_EQ(*refusal, "");
  auto hits = watchlists_->ListHitsReceived(admin_, 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].record_id, "per_a");
  EXPECT_EQ((*hits)[0].purpose, "Operation Indus");
  EXPECT_EQ(CountAudit("watchlist_hit_received"), 1);
  // Reading the hits shows record ids: audited as a view of those records.
  std::vector<store::AuditRow> rows;
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) -> absl::Status {
                    ASSIGN_OR_RETURN(rows, r.AuditForObject("per_a"));
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().action, "view");
  // Paris never received that reference.
  hit.id = "wlh_01KDVDNA00Q3JZXA1R2YB3KX7N";
  ASSERT_TRUE(store_
                  ->Write([&](store::Transaction& tx) {
                    refusal = Watchlists::AcceptHit(tx, *trail_, kParis, hit, clock_.NowMillis());
                    return refusal.status();
                  })
                  .ok());
  EXPECT_THAT(*refusal, HasSubstr("no entry"));
  Actor auditor = TestActor("usr_2", "Auditor", Role::kAuditor);
  EXPECT_EQ(watchlists_->ListHitsReceived(auditor, 10).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace liaison::access
