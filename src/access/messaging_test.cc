#include "access/messaging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "access/test_node.h"
#include "common/status_macros.h"
#include "federation/case_messages.h"

namespace liaison::access {
namespace {

using ::testing::HasSubstr;

constexpr char kRome[] = "node_01J0ROME00000000000000000";
constexpr char kLahore[] = "node_test";

// One node's messaging over a TestNode store; the "partner" is a second
// store in the same test, so a batch can be carried from one to the other.
class MessagingTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    RegisterPartner(*store_, *trail_, kRome, "H2");
    messaging_ = std::make_unique<Messaging>(*store_, *trail_, random_,
                                             MessagingOptions{.node_id = kLahore});
    // The receiving node.
    auto other = store::OpenSqliteStore((dir_ / "rome.db").string(), clock_, {.create = true});
    ASSERT_TRUE(other.ok()) << other.status();
    rome_store_ = *std::move(other);
    rome_trail_ = std::make_unique<AuditTrail>(kRome, key_, std::string(32, 'k'),
                                               audit::CheckpointPolicy{}, clock_);
    rome_ = std::make_unique<Messaging>(*rome_store_, *rome_trail_, random_,
                                        MessagingOptions{.node_id = kRome});
    RegisterPartner(*rome_store_, *rome_trail_, kLahore, "H2");
    officer_ = TestActor("usr_1", "Rana Tariq", Role::kLiaisonOfficer);
    officer_.clearance.max_handling_code = records::HandlingCode::kH3;
  }
  void TearDown() override {
    messaging_.reset();
    rome_.reset();
    rome_trail_.reset();
    rome_store_.reset();
    TestNode::TearDown();
  }

  static void RegisterPartner(store::Store& store, AuditTrail&, const std::string& id,
                              const std::string& max_code) {
    ASSERT_TRUE(store
                    .Write([&](store::Transaction& tx) -> absl::Status {
                      store::PartnerRow p;
                      p.node_id = id;
                      p.status = "active";
                      RETURN_IF_ERROR(tx.PutPartner(p));
                      store::AgreementRow a;
                      a.partner = id;
                      a.version = 1;
                      a.crime_areas = "narcotics";
                      a.record_types = "person";
                      a.max_handling_code = max_code;
                      return tx.AddAgreement(a);
                    })
                    .ok());
  }

  store::CaseRow Open(records::HandlingCode code = records::HandlingCode::kH1) {
    NewCase c;
    c.partner = kRome;
    c.title = "Courier network";
    c.crime_area = records::CrimeArea::kNarcotics;
    c.handling_code = code;
    c.our_ref = "LHR-7";
    absl::StatusOr<store::CaseRow> row = messaging_->OpenCase(officer_, c);
    EXPECT_TRUE(row.ok()) << row.status();
    return row.ok() ? *row : store::CaseRow{};
  }

  // Carries everything pending from Lahore to Rome; returns the ack.
  federation::CaseBatchAck Carry() {
    absl::StatusOr<OutboxBatch> batch = messaging_->PendingBatch(kRome, 500, 600 * 1024);
    EXPECT_TRUE(batch.ok()) << batch.status();
    absl::StatusOr<federation::CaseBatch> parsed = federation::ParseCaseBatch(batch->body);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    absl::StatusOr<AcceptedBatch> accepted =
        rome_->Accept(kLahore, "msg_01J0000000000000000000000", *parsed);
    EXPECT_TRUE(accepted.ok()) << accepted.status();
    EXPECT_TRUE(messaging_->RecordAck(kRome, *batch, accepted->ack).ok());
    last_batch_ = *batch;
    return accepted->ack;
  }

  std::unique_ptr<Messaging> messaging_;
  std::unique_ptr<store::Store> rome_store_;
  std::unique_ptr<AuditTrail> rome_trail_;
  std::unique_ptr<Messaging> rome_;
  Actor officer_;
  OutboxBatch last_batch_;
};

TEST_F(MessagingTest, SendQueuesInOneTransactionAndTheAckMarksDelivered) {
  store::CaseRow c = Open();
  NewMessage m;
  m.case_id = c.id;
  m.text = "Please confirm the travel of the courier.";
  m.priority = "urgent";
  m.answer_by = "2027-01-10";
  absl::StatusOr<store::CaseMessageRow> sent = messaging_->Send(officer_, m);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->delivery, "pending");
  EXPECT_EQ(sent->thread_seq, 1);
  EXPECT_EQ(CountAudit("message_sent"), 1);
  EXPECT_EQ(CountAudit("case_opened"), 1);

  federation::CaseBatchAck ack = Carry();
  ASSERT_EQ(ack.results.size(), 2u);
  EXPECT_EQ(ack.results[0].status, federation::ItemStatus::kAccepted);
  EXPECT_EQ(ack.results[1].status, federation::ItemStatus::kAccepted);
  absl::StatusOr<CaseView> ours = messaging_->ShowCase(officer_, {}, c.id);
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(ours->messages[0].message.delivery, "delivered");
  EXPECT_EQ(ours->pending, 0);
  EXPECT_TRUE(messaging_->OutboxPartners()->empty());

  // Rome holds the case and the message with the same content hash; it is
  // overdue there (answer by 2027-01-10, today 2027-01-15).
  absl::StatusOr<std::vector<InboxEntry>> inbox = rome_->Inbox(officer_, {});
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ(inbox->size(), 1u);
  EXPECT_EQ((*inbox)[0].message.content_sha256, sent->content_sha256);
  EXPECT_EQ((*inbox)[0].case_row.their_ref, "LHR-7");
  EXPECT_TRUE((*inbox)[0].overdue);
}

TEST_F(MessagingTest, ABatchSentTwiceIsCommittedOnce) {
  store::CaseRow c = Open();
  NewMessage m;
  m.case_id = c.id;
  m.text = "once";
  ASSERT_TRUE(messaging_->Send(officer_, m).ok());
  absl::StatusOr<OutboxBatch> batch = messaging_->PendingBatch(kRome, 500, 600 * 1024);
  ASSERT_TRUE(batch.ok());
  absl::StatusOr<federation::CaseBatch> parsed = federation::ParseCaseBatch(batch->body);
  ASSERT_TRUE(parsed.ok());
  // The ack is lost: the same items go again.
  ASSERT_TRUE(rome_->Accept(kLahore, "msg_01J0000000000000000000001", *parsed).ok());
  absl::StatusOr<AcceptedBatch> again =
      rome_->Accept(kLahore, "msg_01J0000000000000000000002", *parsed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->duplicates, 2);
  EXPECT_EQ(again->accepted, 0);
  ASSERT_TRUE(messaging_->RecordAck(kRome, *batch, again->ack).ok());
  EXPECT_EQ(rome_->Inbox(officer_, {})->size(), 1u);
  EXPECT_EQ(messaging_->ShowCase(officer_, {}, c.id)->messages[0].message.delivery, "delivered");
}

TEST_F(MessagingTest, ReadAndAnsweredReceiptsTravelBack) {
  store::CaseRow c = Open();
  NewMessage m;
  m.case_id = c.id;
  m.text = "read me";
  absl::StatusOr<store::CaseMessageRow> sent = messaging_->Send(officer_, m);
  ASSERT_TRUE(sent.ok());
  Carry();
  ASSERT_TRUE(rome_->MarkRead(officer_, sent->id).ok());
  ASSERT_TRUE(rome_->MarkAnswered(officer_, sent->id).ok());
  // Rome's outbox now carries the receipts back to Lahore.
  absl::StatusOr<OutboxBatch> back = rome_->PendingBatch(kLahore, 500, 600 * 1024);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->rows.size(), 2u);
  absl::StatusOr<AcceptedBatch> accepted = messaging_->Accept(
      kRome, "msg_01J0000000000000000000003", *federation::ParseCaseBatch(back->body));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->accepted, 2);
  absl::StatusOr<CaseView> ours = messaging_->ShowCase(officer_, {}, c.id);
  EXPECT_GT(ours->messages[0].message.read_ms, 0);
  EXPECT_GT(ours->messages[0].message.answered_ms, 0);
}

TEST_F(MessagingTest, AnH2MessageIsNotForwardedToAThirdPartner) {
  RegisterPartner(*rome_store_, *rome_trail_, "node_01J0THIRD0000000000000000", "H3");
  store::CaseRow c = Open(records::HandlingCode::kH2);
  NewMessage m;
  m.case_id = c.id;
  m.text = "no onward sharing";
  absl::StatusOr<store::CaseMessageRow> sent = messaging_->Send(officer_, m);
  ASSERT_TRUE(sent.ok());
  Carry();
  NewCase third;
  third.partner = "node_01J0THIRD0000000000000000";
  third.title = "Another thread";
  third.crime_area = records::CrimeArea::kNarcotics;
  third.handling_code = records::HandlingCode::kH2;
  absl::StatusOr<store::CaseRow> other = rome_->OpenCase(officer_, third);
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<store::CaseMessageRow> fwd = rome_->ForwardToCase(officer_, sent->id, other->id);
  ASSERT_FALSE(fwd.ok());
  EXPECT_EQ(fwd.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(fwd.status().message(), HasSubstr("may not be forwarded to another partner"));
}

TEST_F(MessagingTest, ClearanceBelowTheHandlingCodeIsDenied) {
  store::CaseRow c = Open(records::HandlingCode::kH2);
  Actor analyst = TestActor("usr_2", "Analyst", Role::kAnalyst);
  analyst.clearance.max_handling_code = records::HandlingCode::kH1;
  absl::StatusOr<CaseView> view = messaging_->ShowCase(analyst, {}, c.id);
  EXPECT_EQ(view.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("access_denied"), 1);
  Actor auditor = TestActor("usr_3", "Auditor", Role::kAuditor);
  EXPECT_EQ(messaging_->ListCases(auditor, {}).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(MessagingTest, AttachmentsArriveInPartsWithTheirHash) {
  store::CaseRow c = Open();
  NewMessage m;
  m.case_id = c.id;
  m.text = "photo attached";
  std::string photo(federation::kAttachmentPartBytes * 2 + 100, '\0');
  for (size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<char>(i * 7);
  m.attachments.push_back({"photo.jpg", "image/jpeg", photo});
  absl::StatusOr<store::CaseMessageRow> sent = messaging_->Send(officer_, m);
  ASSERT_TRUE(sent.ok()) << sent.status();
  // One part per batch: 600 KiB of item JSON holds one 256 KiB part.
  for (int i = 0; i < 5 && !messaging_->OutboxPartners()->empty(); ++i) Carry();
  EXPECT_TRUE(messaging_->OutboxPartners()->empty());
  absl::StatusOr<store::AttachmentRow> got = rome_->GetAttachment(officer_, sent->id, 0);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->content, photo);
  EXPECT_EQ(got->state, "complete");
}

TEST_F(MessagingTest, AnAttachmentOverTheLimitIsRefused) {
  Messaging small(*store_, *trail_, random_,
                  MessagingOptions{.node_id = kLahore, .max_attachment_bytes = 10});
  store::CaseRow c = Open();
  NewMessage m;
  m.case_id = c.id;
  m.attachments.push_back({"big.pdf", "application/pdf", std::string(11, 'x')});
  EXPECT_THAT(small.Send(officer_, m).status().message(), HasSubstr("the limit is 10"));
}

}  // namespace
}  // namespace liaison::access
