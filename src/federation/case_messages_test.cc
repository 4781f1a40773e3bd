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
