#include "access/followups.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "access/partners.h"
#include "access/statistics.h"
#include "access/test_node.h"
#include "common/status_macros.h"
#include "federation/case_messages.h"

namespace liaison::access {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kLahore[] = "node_01J9ZQ4M7K3T8V2W6X5Y0A1B2C";  // asks
constexpr char kRome[] = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";    // owns the record
constexpr char kRef[] = "ref_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
constexpr char kRecord[] = "per_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;

// Two nodes in one test: Lahore (the TestNode store) asks, Rome owns the
// record; batches are carried between their outboxes by hand.
class FollowupsTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    trail_ = std::make_unique<AuditTrail>(kLahore, key_, std::string(32, 'k'),
                                          audit::CheckpointPolicy{}, clock_);
    lahore_ = std::make_unique<Followups>(*store_, *trail_, random_);
    lahore_messaging_ = std::make_unique<Messaging>(
        *store_, *trail_, random_,
        MessagingOptions{.node_id = kLahore, .followups = lahore_.get()});
    auto other = store::OpenSqliteStore((dir_ / "rome.db").string(), clock_, {.create = true});
    ASSERT_TRUE(other.ok()) << other.status();
    rome_store_ = *std::move(other);
    rome_trail_ = std::make_unique<AuditTrail>(kRome, key_, std::string(32, 'k'),
                                               audit::CheckpointPolicy{}, clock_);
    rome_ = std::make_unique<Followups>(*rome_store_, *rome_trail_, random_);
    rome_messaging_ =
        std::make_unique<Messaging>(*rome_store_, *rome_trail_, random_,
                                    MessagingOptions{.node_id = kRome, .followups = rome_.get()});
    AddPartner(*store_, kRome, "", 90);
    AddPartner(*rome_store_, kLahore, "", 30);
    officer_ = TestActor("usr_1", "Rana Tariq", Role::kLiaisonOfficer);
    officer_.clearance.max_handling_code = records::HandlingCode::kH3;
    giulia_ = TestActor("usr_2", "Giulia Conti", Role::kLiaisonOfficer);
    giulia_.clearance.max_handling_code = records::HandlingCode::kH3;
  }
  void TearDown() override {
    lahore_messaging_.reset();
    rome_messaging_.reset();
    rome_.reset();
    rome_trail_.reset();
    rome_store_.reset();
    TestNode::TearDown();
  }

  // A partner with an agreement (version `version`, max H2).
  static void AddPartner(store::Store& store, const std::string& id,
                         const std::string& auto_approve, int64_t retention_days,
                         int64_t version = 1) {
    ASSERT_TRUE(store
                    .Write([&](store::Transaction& tx) -> absl::Status {
                      store::PartnerRow p;
                      p.node_id = id;
                      p.status = "active";
                      RETURN_IF_ERROR(tx.PutPartner(p));
                      store::AgreementRow a;
                      a.partner = id;
                      a.version = version;
                      a.crime_areas = "narcotics,human_trafficking";
                      a.record_types = "person";
                      a.max_handling_code = "H2";
                      a.auto_approve = auto_approve;
                      a.retention_days = retention_days;
                      a.daily_quota = 100;
                      return tx.AddAgreement(a);
                    })
                    .ok());
  }

  // Rome's record behind kRef, given to Lahore in a hit answer.
  void RomeHolds(records::AlertKind alert, records::HandlingCode code,
                 int64_t reference_expires_ms = 0) {
    records::Record r;
    r.meta.id = kRecord;
    r.meta.owner = kRome;
    r.meta.crime_area = alert == records::AlertKind::kTraffickingVictim
                            ? records::CrimeArea::kHumanTrafficking
                            : records::CrimeArea::kNarcotics;
    r.meta.handling_code = code;
    r.meta.alert = alert;
    r.meta.review_date = "2029-01-01";
    records::Person p;
    p.name = "Muhammad Asif";
    p.father_name = "Bashir Ahmad";
    p.dob = {1985, 3, 12};
    p.address = "Via Roma 1, Roma";
    p.contact = "+393331234567";
    r.body = p;
    const int64_t now = clock_.NowMillis();
    ASSERT_TRUE(rome_store_
                    ->Write([&](store::Transaction& tx) -> absl::Status {
                      RETURN_IF_ERROR(tx.InsertRecord(r));
                      store::PartnerReferenceRow ref;
                      ref.reference = kRef;
                      ref.partner = kLahore;
                      ref.record_id = kRecord;
                      ref.query_id = "qry_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
                      ref.band = "strong";
                      ref.created_ms = now;
                      ref.expires_ms = reference_expires_ms != 0
                                           ? reference_expires_ms
                                           : now + Partners::kReferenceValidityMs;
                      return tx.PutPartnerReference(ref);
                    })
                    .ok());
  }

  // Carries what `from` has pending for `to_id` into `to`; returns the ack.
  federation::CaseBatchAck Carry(Messaging& from, Messaging& to, const char* from_id,
                                 const char* to_id) {
    absl::StatusOr<OutboxBatch> batch = from.PendingBatch(to_id, 500, 600 * 1024);
    EXPECT_TRUE(batch.ok()) << batch.status();
    if (!batch.ok() || batch->rows.empty()) return {};
    absl::StatusOr<federation::CaseBatch> parsed = federation::ParseCaseBatch(batch->body);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    absl::StatusOr<AcceptedBatch> accepted =
        to.Accept(from_id, "msg_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D", *parsed);
    EXPECT_TRUE(accepted.ok()) << accepted.status();
    EXPECT_TRUE(from.RecordAck(to_id, *batch, accepted->ack).ok());
    return accepted->ack;
  }
  federation::CaseBatchAck ToRome() {
    return Carry(*lahore_messaging_, *rome_messaging_, kLahore, kRome);
  }
  federation::CaseBatchAck ToLahore() {
    return Carry(*rome_messaging_, *lahore_messaging_, kRome, kLahore);
  }

  store::FollowupRow Ask(std::string urgency = "urgent", std::string reference = kRef) {
    NewFollowup f;
    f.partner = kRome;
    f.reference = std::move(reference);
    f.purpose = {"Operation Indus: the courier's identity", "LHR-7"};
    f.legal_basis = "Art. 4 of the Lahore–Rome cooperation agreement";
    f.urgency = std::move(urgency);
    absl::StatusOr<store::FollowupRow> row = lahore_->Request(officer_, f);
    EXPECT_TRUE(row.ok()) << row.status();
    return row.ok() ? *row : store::FollowupRow{};
  }

  int CountRomeAudit(std::string_view action) {
    int n = 0;
    EXPECT_TRUE(rome_store_
                    ->Read([&](store::Reader& r) {
                      return r.ScanAudit(1, 0, [&](const store::AuditRow& row) {
                        n += row.action == action;
                        return absl::OkStatus();
                      });
                    })
                    .ok());
    return n;
  }

  std::unique_ptr<Followups> lahore_;
  std::unique_ptr<Messaging> lahore_messaging_;
  std::unique_ptr<store::Store> rome_store_;
  std::unique_ptr<AuditTrail> rome_trail_;
  std::unique_ptr<Followups> rome_;
  std::unique_ptr<Messaging> rome_messaging_;
  Actor officer_;
  Actor giulia_;
};

TEST(FollowupDeadlineTest, FollowsDirective2023_977) {
  EXPECT_EQ(*FollowupDeadline("urgent", 1000), 1000 + 8 * 3600 * 1000);
  EXPECT_EQ(*FollowupDeadline("urgent_indirect", 1000), 1000 + 3 * kDayMs);
  EXPECT_EQ(*FollowupDeadline("normal", 1000), 1000 + 7 * kDayMs);
  EXPECT_EQ(FollowupDeadline("soon", 1000).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReleaseDataTest, ProtectedPersonsAndVictimsNeverReleaseAddressOrContact) {
  records::Record r;
  r.meta.id = kRecord;
  records::Person p;
  p.name = "Amina";
  p.address = "Street 4, Lahore";
  p.contact = "+923001234567";
  r.body = p;
  EXPECT_TRUE(WithheldFields(r).empty());
  EXPECT_EQ(ReleaseData(r, {"address"})->at("address"), "Street 4, Lahore");
  for (auto alert :
       {records::AlertKind::kProtectedPerson, records::AlertKind::kTraffickingVictim}) {
    r.meta.alert = alert;
    EXPECT_THAT(WithheldFields(r), ElementsAre("address", "contact"));
    absl::StatusOr<Json> all = ReleaseData(r, {});
    ASSERT_TRUE(all.ok());
    EXPECT_FALSE(all->contains("address"));
    EXPECT_FALSE(all->contains("contact"));
    EXPECT_EQ(all->at("name"), "Amina");
    EXPECT_THAT(ReleaseData(r, {"name", "contact"}).status().message(), HasSubstr("'contact'"));
  }
  r.meta.alert = records::AlertKind::kNone;
  r.meta.subject_category = records::SubjectCategory::kVictim;
  EXPECT_FALSE(ReleaseData(r, {})->contains("address"));
  EXPECT_EQ(ReleaseData(r, {"colour"}).status().code(), absl::StatusCode::kInvalidArgument);

  records::Record phone;
  phone.meta.alert = records::AlertKind::kProtectedPerson;
  phone.body = records::Phone{"+923001234567", "PK"};
  EXPECT_EQ(ReleaseData(phone, {"number"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(FollowupsTest, PartialApprovalReleasesOnlyTheChosenFieldsMarkedForTheRequester) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH1);
  store::FollowupRow sent = Ask("urgent");
  EXPECT_EQ(sent.state, "sent");
  EXPECT_EQ(CountAudit("followup_requested"), 1);
  federation::CaseBatchAck ack = ToRome();
  ASSERT_EQ(ack.results.size(), 1u);
  EXPECT_EQ(ack.results[0].status, federation::ItemStatus::kAccepted);

  // Rome's queue: pending, deadline 8 hours from receipt, overdue after.
  absl::StatusOr<std::vector<FollowupView>> queue = rome_->List(giulia_, "incoming", "pending");
  ASSERT_TRUE(queue.ok()) << queue.status();
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].followup.id, sent.id);
  EXPECT_EQ((*queue)[0].followup.deadline_ms, clock_.NowMillis() + 8 * 3600 * 1000);
  EXPECT_FALSE((*queue)[0].overdue);
  EXPECT_EQ(CountRomeAudit("followup_requested"), 1);
  clock_.Advance(absl::Hours(9));
  EXPECT_TRUE((*rome_->List(giulia_, "incoming", ""))[0].overdue);

  absl::StatusOr<FollowupView> detail = rome_->Show(giulia_, {}, sent.id);
  ASSERT_TRUE(detail.ok()) << detail.status();
  ASSERT_TRUE(detail->record.has_value());
  EXPECT_EQ(detail->record->meta.id, kRecord);
  EXPECT_TRUE(detail->withheld_fields.empty());

  FollowupDecision partial{"approve_partial", {"name", "dob"}, "the address is operational"};
  absl::StatusOr<store::FollowupRow> decided = rome_->Decide(giulia_, sent.id, partial);
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->state, "approved_partial");
  EXPECT_EQ(CountRomeAudit("followup_decided"), 1);
  EXPECT_EQ(CountRomeAudit("data_released"), 1);
  EXPECT_EQ(rome_->Decide(giulia_, sent.id, partial).status().code(),
            absl::StatusCode::kFailedPrecondition);

  const int64_t received = clock_.NowMillis();
  ToLahore();
  absl::StatusOr<FollowupView> mine = lahore_->Show(officer_, {}, sent.id);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->followup.state, "approved_partial");
  EXPECT_EQ(mine->followup.decision_reason, "the address is operational");
  ASSERT_TRUE(mine->received.has_value());
  EXPECT_EQ(mine->received->owner, kRome);
  EXPECT_EQ(mine->received->handling_code, "H1");
  EXPECT_EQ(mine->received->retain_until_ms, received + 30 * kDayMs);
  absl::StatusOr<Json> data = ParseJson(mine->received->data);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, (Json{{"name", "Muhammad Asif"}, {"dob", "1985-03-12"}}));
  EXPECT_EQ(CountAudit("data_received"), 1);
  EXPECT_EQ(CountAudit("followup_decided"), 1);
  Json shown = FollowupViewToJson(*mine);
  EXPECT_EQ(shown["released"]["owner"], kRome);
  EXPECT_EQ(shown["direction"], "outgoing");
}

TEST_F(FollowupsTest, AProtectedPersonsAddressIsNeverReleasedWhateverTheOfficerChooses) {
  RomeHolds(records::AlertKind::kProtectedPerson, records::HandlingCode::kH1);
  store::FollowupRow sent = Ask();
  ToRome();
  absl::StatusOr<FollowupView> detail = rome_->Show(giulia_, {}, sent.id);
  ASSERT_TRUE(detail.ok());
  EXPECT_THAT(detail->withheld_fields, ElementsAre("address", "contact"));
  absl::StatusOr<store::FollowupRow> leak =
      rome_->Decide(giulia_, sent.id, {"approve_partial", {"name", "address"}, "as asked"});
  EXPECT_EQ(leak.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(leak.status().message(), HasSubstr("'address'"));
  ASSERT_TRUE(rome_->Decide(giulia_, sent.id, {"approve", {}, ""}).ok());
  ToLahore();
  absl::StatusOr<FollowupView> mine = lahore_->Show(officer_, {}, sent.id);
  ASSERT_TRUE(mine.ok() && mine->received.has_value());
  absl::StatusOr<Json> data = ParseJson(mine->received->data);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->at("name"), "Muhammad Asif");
  EXPECT_FALSE(data->contains("address"));
  EXPECT_FALSE(data->contains("contact"));
}

TEST_F(FollowupsTest, AnUnknownOrExpiredReferenceIsRefusedWithTheReasonSentBack) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH1,
            /*reference_expires_ms=*/clock_.NowMillis() - 1);
  store::FollowupRow expired = Ask("normal");
  store::FollowupRow unknown = Ask("normal", "ref_01J9ZQ5N8P4V9W3X7Y6Z1B2C3E");
  ToRome();
  ToLahore();
  absl::StatusOr<FollowupView> a = lahore_->Show(officer_, {}, expired.id);
  absl::StatusOr<FollowupView> b = lahore_->Show(officer_, {}, unknown.id);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->followup.state, "refused");
  EXPECT_THAT(a->followup.decision_reason, HasSubstr("expired"));
  EXPECT_EQ(b->followup.state, "refused");
  EXPECT_THAT(b->followup.decision_reason, HasSubstr("unknown reference"));
  EXPECT_EQ(b->followup.decided_by, "node");
  EXPECT_FALSE(b->received.has_value());
  EXPECT_EQ(CountRomeAudit("data_released"), 0);
}

TEST_F(FollowupsTest, TheAgreementApprovesListedCrimeAreasOnArrival) {
  ASSERT_TRUE(rome_store_
                  ->Write([&](store::Transaction& tx) -> absl::Status {
                    store::AgreementRow a = **tx.GetAgreement(kLahore);
                    a.version = 2;
                    a.auto_approve = "narcotics";
                    return tx.AddAgreement(a);
                  })
                  .ok());
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH2);
  store::FollowupRow sent = Ask();
  ToRome();
  absl::StatusOr<FollowupView> there = rome_->Show(giulia_, {}, sent.id);
  ASSERT_TRUE(there.ok());
  EXPECT_EQ(there->followup.state, "approved");
  EXPECT_EQ(there->followup.decided_by, "agreement v2");
  EXPECT_EQ(CountRomeAudit("data_released"), 1);
  ToLahore();
  absl::StatusOr<FollowupView> mine = lahore_->Show(officer_, {}, sent.id);
  ASSERT_TRUE(mine.ok() && mine->received.has_value());
  EXPECT_EQ(mine->received->handling_code, "H2");
  EXPECT_THAT(mine->received->data, HasSubstr("Via Roma"));
}

TEST_F(FollowupsTest, ReleaseNeverExceedsTheAgreementsHighestHandlingCode) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH3);
  store::FollowupRow sent = Ask();
  ToRome();
  absl::StatusOr<store::FollowupRow> decided = rome_->Decide(giulia_, sent.id, {"approve", {}, ""});
  EXPECT_EQ(decided.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(decided.status().message(), HasSubstr("up to H2"));
  // It can still be refused, with a reason.
  EXPECT_EQ(rome_->Decide(giulia_, sent.id, {"refuse", {}, ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(rome_->Decide(giulia_, sent.id, {"refuse", {}, "H3 material"}).ok());
  ToLahore();
  EXPECT_EQ(lahore_->Show(officer_, {}, sent.id)->followup.decision_reason, "H3 material");
}

TEST_F(FollowupsTest, ReleaseFollowsTheAgreementAsItIsNowNotAsItWasAtTheHit) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH1);
  store::FollowupRow sent = Ask();
  ToRome();
  // Rome narrows the agreement to terrorism after the hit.
  ASSERT_TRUE(rome_store_
                  ->Write([&](store::Transaction& tx) -> absl::Status {
                    store::AgreementRow a = **tx.GetAgreement(kLahore);
                    a.version = 2;
                    a.crime_areas = "terrorism";
                    return tx.AddAgreement(a);
                  })
                  .ok());
  absl::StatusOr<store::FollowupRow> decided = rome_->Decide(giulia_, sent.id, {"approve", {}, ""});
  EXPECT_EQ(decided.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(decided.status().message(),
              HasSubstr("no longer covers person records of narcotics"));
  EXPECT_EQ(CountRomeAudit("data_released"), 0);
}

TEST_F(FollowupsTest, DecidingNeedsThePermissionAndAClearanceCoveringTheRecord) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH2);
  store::FollowupRow sent = Ask();
  ToRome();
  Actor analyst = TestActor("usr_3", "An Analyst", Role::kAnalyst);
  EXPECT_EQ(rome_->Decide(analyst, sent.id, {"approve", {}, ""}).status().code(),
            absl::StatusCode::kPermissionDenied);
  Actor junior = TestActor("usr_4", "Junior", Role::kLiaisonOfficer);
  junior.clearance.max_handling_code = records::HandlingCode::kH1;
  EXPECT_EQ(rome_->Decide(junior, sent.id, {"approve", {}, ""}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(rome_->List(junior, "incoming", "")->empty());
  EXPECT_EQ(CountRomeAudit("access_denied"), 2);
  EXPECT_EQ(rome_->Decide(giulia_, sent.id, {"maybe", {}, ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rome_->Decide(giulia_, sent.id, {"approve_partial", {}, "why"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FollowupsTest, RequestNeedsAPurposeALegalBasisAndAnActivePartner) {
  NewFollowup f;
  f.partner = kRome;
  f.reference = kRef;
  f.legal_basis = "Art. 4";
  EXPECT_EQ(lahore_->Request(officer_, f).status().code(), absl::StatusCode::kInvalidArgument);
  f.purpose = {"Operation Indus", ""};
  f.legal_basis = "";
  EXPECT_THAT(lahore_->Request(officer_, f).status().message(), HasSubstr("legal_basis"));
  f.legal_basis = "Art. 4";
  f.urgency = "whenever";
  EXPECT_THAT(lahore_->Request(officer_, f).status().message(), HasSubstr("urgency"));
  f.urgency = "normal";
  f.partner = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3E";
  EXPECT_EQ(lahore_->Request(officer_, f).status().code(), absl::StatusCode::kNotFound);
  Actor auditor = TestActor("usr_5", "Auditor", Role::kAuditor);
  f.partner = kRome;
  EXPECT_EQ(lahore_->Request(auditor, f).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("followup_requested"), 0);
}

TEST_F(FollowupsTest, PurgeErasesReceivedDataWhenItsRetentionEndsAndTellsTheOwner) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH1);
  store::FollowupRow sent = Ask();
  ToRome();
  ASSERT_TRUE(rome_->Decide(giulia_, sent.id, {"approve", {}, ""}).ok());
  ToLahore();
  // Nothing is due yet.
  absl::StatusOr<PurgeReport> early = lahore_->Purge(admin_);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_TRUE(early->erased.empty());
  clock_.Advance(absl::Hours(24 * 30));
  absl::StatusOr<PurgeReport> due = lahore_->Purge(admin_);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_THAT(due->erased, ElementsAre(sent.id));
  EXPECT_EQ(CountAudit("data_erased"), 1);
  absl::StatusOr<FollowupView> mine = lahore_->Show(officer_, {}, sent.id);
  ASSERT_TRUE(mine.ok() && mine->received.has_value());
  EXPECT_EQ(mine->received->data, "");
  EXPECT_EQ(mine->received->erased_ms, clock_.NowMillis());
  EXPECT_TRUE(FollowupViewToJson(*mine)["released"]["data"].is_null());
  EXPECT_TRUE(lahore_->Purge(admin_)->erased.empty());

  // The erasure notice reaches the owner, who audits it.
  federation::CaseBatchAck ack = ToRome();
  ASSERT_EQ(ack.results.size(), 1u);
  EXPECT_EQ(ack.results[0].status, federation::ItemStatus::kAccepted);
  EXPECT_EQ(CountRomeAudit("data_erased"), 1);
  EXPECT_EQ(rome_->Show(giulia_, {}, sent.id)->followup.erased_ms, clock_.NowMillis());
}

TEST_F(FollowupsTest, ReceivedDataNeedsAClearanceCoveringIt) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH2);
  store::FollowupRow sent = Ask();
  ToRome();
  ASSERT_TRUE(rome_->Decide(giulia_, sent.id, {"approve", {}, ""}).ok());
  ToLahore();
  Actor cleared_h1 = TestActor("usr_6", "Analyst", Role::kAnalyst);
  cleared_h1.clearance.max_handling_code = records::HandlingCode::kH1;
  absl::StatusOr<FollowupView> shown = lahore_->Show(cleared_h1, {}, sent.id);
  ASSERT_TRUE(shown.ok()) << shown.status();
  ASSERT_TRUE(shown->received.has_value());
  EXPECT_EQ(shown->received->data, "");
  EXPECT_EQ(shown->received->handling_code, "H2");
}

TEST_F(FollowupsTest, StatisticsCountFollowUpsAndTheOwnersTimeToDecide) {
  RomeHolds(records::AlertKind::kWanted, records::HandlingCode::kH1);
  store::FollowupRow sent = Ask();
  ToRome();
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(rome_->Decide(giulia_, sent.id, {"approve", {}, ""}).ok());
  absl::StatusOr<Json> stats =
      Statistics(*rome_store_, *rome_trail_, admin_, 0, clock_.NowMillis() + 1);
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Json& month = (*stats)["partners"][kLahore]["2027-01"];
  EXPECT_EQ(month["followup_requested"], 1) << stats->dump();
  EXPECT_EQ(month["followup_decided"], 1);
  EXPECT_EQ(month["data_released"], 1);
  EXPECT_EQ(month["followup_response_ms_median"], 2 * 3600 * 1000);
  // A follow-up's hours are not mixed into the hit/no-hit answers' times.
  EXPECT_FALSE(month.contains("response_ms_median"));
}

}  // namespace
}  // namespace liaison::access
