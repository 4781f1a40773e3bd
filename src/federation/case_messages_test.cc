#include "federation/case_messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;

CaseMessageItem Message() {
  CaseMessageItem m;
  m.id = "cmsg_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  m.case_id = "cas_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  m.thread_seq = 1;
  m.author = "Rana Tariq";
  m.priority = "urgent";
  m.answer_by = "2026-12-01";
  m.handling_code = "H2";
  m.text = "Please confirm the courier's travel on 3 March.\nThanks";
  m.entities.push_back({"person", Json{{"names", Json::array({{{"full", "Muhammad Asif"}}})}}});
  m.attachments.push_back({0, "photo.jpg", "image/jpeg", 3, std::string(64, 'a')});
  m.sent_at_ms = 1764400000000;
  m.content_sha256 = CaseMessageContentHash(m);
  return m;
}

TEST(CaseMessagesTest, BatchRoundTrips) {
  CaseBatch batch;
  batch.batch_id = "bat_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  CaseOpenItem c{"cas_01HZZZZZZZZZZZZZZZZZZZZZZZ",
                 "Courier network",
                 "narcotics",
                 "H2",
                 "LHR-1",
                 "",
                 "Rana Tariq",
                 1764400000000};
  batch.items.push_back(c);
  batch.items.push_back(Message());
  batch.items.push_back(
      ReceiptItem{"rcp_01HZZZZZZZZZZZZZZZZZZZZZZZ", "cmsg_01HZZZZZZZZZZZZZZZZZZZZZZZ", "read", 5});
  batch.items.push_back(AttachmentPartItem{"apt_01HZZZZZZZZZZZZZZZZZZZZZZZ",
                                           "cmsg_01HZZZZZZZZZZZZZZZZZZZZZZZ", 0, 0, 1, "abc"});
  absl::StatusOr<CaseBatch> parsed = ParseCaseBatch(CaseBatchToJson(batch));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->items.size(), 4u);
  EXPECT_EQ(std::get<CaseOpenItem>(parsed->items[0]).title, "Courier network");
  const auto& m = std::get<CaseMessageItem>(parsed->items[1]);
  EXPECT_EQ(m.text, Message().text);
  EXPECT_EQ(m.content_sha256, Message().content_sha256);
  EXPECT_EQ(std::get<AttachmentPartItem>(parsed->items[3]).data, "abc");
  EXPECT_EQ(BatchItemKind(parsed->items[2]), "receipt");
}

TEST(CaseMessagesTest, RefusesAMessageWhoseHashIsNotItsContent) {
  CaseBatch batch;
  batch.batch_id = "bat_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  CaseMessageItem m = Message();
  m.text += "!";
  batch.items.push_back(m);
  absl::StatusOr<CaseBatch> parsed = ParseCaseBatch(CaseBatchToJson(batch));
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("content_sha256"));
}

TEST(CaseMessagesTest, RefusesUnknownMembersAndKinds) {
  std::string body = CaseBatchToJson({"bat_01HZZZZZZZZZZZZZZZZZZZZZZZ", {Message()}});
  std::string extra = body;
  extra.insert(extra.find("\"kind\""), "\"colour\":\"red\",");
  EXPECT_THAT(ParseCaseBatch(extra).status().message(), HasSubstr("'colour': unknown member"));
  std::string kind = body;
  kind.replace(kind.find("case_message"), 12, "case_shout");
  EXPECT_THAT(ParseCaseBatch(kind).status().message(), HasSubstr("'kind'"));
  EXPECT_FALSE(
      ParseCaseBatch("{\"batch_id\":\"bat_01HZZZZZZZZZZZZZZZZZZZZZZZ\",\"items\":[]}").ok());
  EXPECT_FALSE(ParseCaseBatch("garbage").ok());
  EXPECT_FALSE(ParseCaseBatch(body.substr(0, body.size() / 2)).ok());
}

TEST(CaseMessagesTest, RefusesARepeatedItemId) {
  CaseBatch batch{"bat_01HZZZZZZZZZZZZZZZZZZZZZZZ", {Message(), Message()}};
  EXPECT_THAT(ParseCaseBatch(CaseBatchToJson(batch)).status().message(), HasSubstr("repeats"));
}

TEST(CaseMessagesTest, AckRoundTrips) {
  CaseBatchAck ack{"bat_01HZZZZZZZZZZZZZZZZZZZZZZZ",
                   "msg_01HZZZZZZZZZZZZZZZZZZZZZZZ",
                   {{"cmsg_1", ItemStatus::kAccepted, ""},
                    {"cmsg_2", ItemStatus::kDuplicate, ""},
                    {"cmsg_3", ItemStatus::kRefused, "unknown case"}}};
  absl::StatusOr<CaseBatchAck> parsed = ParseCaseBatchAck(CaseBatchAckToJson(ack));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->results.size(), 3u);
  EXPECT_EQ(parsed->results[2].status, ItemStatus::kRefused);
  EXPECT_EQ(parsed->results[2].reason, "unknown case");
}

}  // namespace
}  // namespace liaison::federation

namespace liaison::federation {
namespace {

// The seed corpus's batch was written by hand, its content hash computed
// with Python from docs/protocol.md 8.2 alone: the rule as documented is the
// rule as implemented.
TEST(CaseMessagesTest, TheDocumentedContentHashMatchesAnIndependentComputation) {
  std::ifstream in(std::string(LIAISON_SOURCE_DIR) + "/fuzz/case_batch/corpus/batch_full.json");
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<CaseBatch> batch = ParseCaseBatch(text.str());
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->items.size(), 4u);
  EXPECT_EQ(std::get<CaseMessageItem>(batch->items[1]).text, "Please confirm.");
}

}  // namespace
}  // namespace liaison::federation

// --- Follow-up items (docs/protocol.md 8.3) ---

namespace liaison::federation {
namespace {

FollowupRequestItem Request() {
  return {"fup_01HZZZZZZZZZZZZZZZZZZZZZZZ",
          "ref_01HZZZZZZZZZZZZZZZZZZZZZZZ",
          "Operation Indus: the courier's identity",
          "Art. 4 of the cooperation agreement",
          "urgent_indirect",
          "Needed before\nthe hearing",
          "Rana Tariq",
          1764400000000};
}

FollowupDecisionItem Approval() {
  FollowupDecisionItem d;
  d.id = "fdc_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  d.followup_id = "fup_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  d.decision = "approved_partial";
  d.reason = "address withheld: ongoing operation";
  d.decided_by = "Giulia Conti";
  d.decided_at_ms = 1764400001000;
  d.record_type = "person";
  d.crime_area = "narcotics";
  d.handling_code = "H2";
  d.owner = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
  d.retention_days = 90;
  d.data = {{"name", "Muhammad Asif"}, {"dob", "1985-03-12"}};
  return d;
}

std::string Batch(const BatchItem& item) {
  return CaseBatchToJson({"bat_01HZZZZZZZZZZZZZZZZZZZZZZZ", {item}});
}

std::string ParseError(const std::string& body) {
  absl::StatusOr<CaseBatch> parsed = ParseCaseBatch(body);
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

TEST(FollowupItemsTest, RequestDecisionAndErasureNoticeRoundTrip) {
  CaseBatch batch;
  batch.batch_id = "bat_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  batch.items.push_back(Request());
  batch.items.push_back(Approval());
  batch.items.push_back(ErasureNoticeItem{"ern_01HZZZZZZZZZZZZZZZZZZZZZZZ",
                                          "fup_01HZZZZZZZZZZZZZZZZZZZZZZZ", "retention_ended", 7});
  absl::StatusOr<CaseBatch> parsed = ParseCaseBatch(CaseBatchToJson(batch));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->items.size(), 3u);
  const auto& request = std::get<FollowupRequestItem>(parsed->items[0]);
  EXPECT_EQ(request.note, "Needed before\nthe hearing");
  EXPECT_EQ(request.urgency, "urgent_indirect");
  const auto& decision = std::get<FollowupDecisionItem>(parsed->items[1]);
  EXPECT_EQ(decision.data, Approval().data);
  EXPECT_EQ(decision.retention_days, 90);
  EXPECT_EQ(decision.owner, "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D");
  EXPECT_EQ(BatchItemKind(parsed->items[0]), "followup_request");
  EXPECT_EQ(BatchItemKind(parsed->items[1]), "followup_decision");
  EXPECT_EQ(BatchItemKind(parsed->items[2]), "erasure_notice");
  EXPECT_EQ(BatchItemId(parsed->items[2]), "ern_01HZZZZZZZZZZZZZZZZZZZZZZZ");
}

TEST(FollowupItemsTest, RequestNeedsPurposeLegalBasisAndAKnownUrgency) {
  FollowupRequestItem r = Request();
  r.purpose = "";
  EXPECT_THAT(ParseError(Batch(r)), HasSubstr("'purpose'"));
  r = Request();
  r.legal_basis = "";
  EXPECT_THAT(ParseError(Batch(r)), HasSubstr("'legal_basis'"));
  r = Request();
  r.urgency = "whenever";
  EXPECT_THAT(ParseError(Batch(r)), HasSubstr("'urgency': must be one of"));
  r = Request();
  r.reference = "per_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  EXPECT_THAT(ParseError(Batch(r)), HasSubstr("'reference'"));
  r = Request();
  r.note = std::string(kMaxFollowupNoteBytes + 1, 'x');
  EXPECT_THAT(ParseError(Batch(r)), HasSubstr("'note'"));
  r = Request();
  r.purpose = "tab\there";
  EXPECT_THAT(ParseError(Batch(r)), HasSubstr("control characters"));
}

TEST(FollowupItemsTest, ARefusalReleasesNothingAndStatesWhy) {
  FollowupDecisionItem d;
  d.id = "fdc_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  d.followup_id = "fup_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  d.decision = "refused";
  d.reason = "not within the agreement";
  d.decided_by = "Giulia Conti";
  EXPECT_EQ(ParseError(Batch(d)), "");
  FollowupDecisionItem no_reason = d;
  no_reason.reason = "";
  EXPECT_THAT(ParseError(Batch(no_reason)), HasSubstr("'reason': must not be empty"));
  FollowupDecisionItem leaking = d;
  leaking.data = {{"address", "Via Roma 1"}};
  EXPECT_THAT(ParseError(Batch(leaking)), HasSubstr("'data': must be empty"));
  FollowupDecisionItem coded = d;
  coded.handling_code = "H1";
  EXPECT_THAT(ParseError(Batch(coded)), HasSubstr("'handling_code'"));
}

TEST(FollowupItemsTest, AReleaseIsMarkedAndLimited) {
  FollowupDecisionItem d = Approval();
  d.handling_code = "";
  EXPECT_THAT(ParseError(Batch(d)), HasSubstr("'handling_code'"));
  d = Approval();
  d.owner = "rome";
  EXPECT_THAT(ParseError(Batch(d)), HasSubstr("'owner'"));
  d = Approval();
  d.retention_days = 0;
  EXPECT_THAT(ParseError(Batch(d)), HasSubstr("'retention_days'"));
  d = Approval();
  d.retention_days = kMaxRetentionDays + 1;
  EXPECT_THAT(ParseError(Batch(d)), HasSubstr("'retention_days'"));
  d = Approval();
  d.data = Json::object();
  EXPECT_THAT(ParseError(Batch(d)), HasSubstr("at least one field"));
  d = Approval();
  d.data = {{"notes", std::string(kMaxReleasedDataBytes, 'x')}};
  EXPECT_THAT(ParseError(Batch(d)), HasSubstr("'data': is over"));
  d = Approval();
  d.reason = "";
  EXPECT_THAT(ParseError(Batch(d)), HasSubstr("'reason'"));
  d.decision = "approved";  // a full approval needs no reason
  EXPECT_EQ(ParseError(Batch(d)), "");
  std::string body = Batch(Approval());
  body.replace(body.find("\"data\":{"), 8, "\"data\":[");
  body.replace(body.find("}", body.find("\"data\":[")), 1, "]");
  EXPECT_FALSE(ParseError(body).empty());
}

TEST(FollowupItemsTest, ErasureNoticeNamesAKnownReason) {
  ErasureNoticeItem e{"ern_01HZZZZZZZZZZZZZZZZZZZZZZZ", "fup_01HZZZZZZZZZZZZZZZZZZZZZZZ",
                      "lost_interest", 7};
  EXPECT_THAT(ParseError(Batch(e)), HasSubstr("'reason'"));
  e.reason = "retention_ended";
  e.followup_id = "cmsg_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  EXPECT_THAT(ParseError(Batch(e)), HasSubstr("'followup_id'"));
}

}  // namespace
}  // namespace liaison::federation
