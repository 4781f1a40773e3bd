#include "federation/hit_messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;

HitQuery SampleQuery() {
  HitQuery q;
  q.query_id = "qry_01KDVDNA00Q3JZXA1R2YB3KX7M";
  q.purpose = "Operation Indus: checking a courier";
  q.case_ref = "LHR-2026-17";
  q.crime_area = "narcotics";
  q.person.names = {"Muhammad Asif s/o Bashir Ahmed", "محمد آصف"};
  q.person.dob = "1984-03";
  q.person.gender = "M";
  q.person.nationalities = {"PK"};
  q.person.id_numbers = {"cnic:35202-1234567-1"};
  return q;
}

TEST(HitMessagesTest, QueryRoundTrips) {
  HitQuery q = SampleQuery();
  auto parsed = ParseHitQuery(HitQueryToJson(q));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->query_id, q.query_id);
  EXPECT_EQ(parsed->person.names, q.person.names);
  EXPECT_EQ(parsed->person.id_numbers, q.person.id_numbers);
  EXPECT_EQ(parsed->crime_area, "narcotics");
}

TEST(HitMessagesTest, QueryRefusesUnknownMembersAndBadForms) {
  std::string json = HitQueryToJson(SampleQuery());
  std::string extra = json.substr(0, json.size() - 1) + R"(,"address":"x"})";
  EXPECT_THAT(ParseHitQuery(extra).status().message(), HasSubstr("'address': unknown member"));
  HitQuery q = SampleQuery();
  q.person.names.clear();
  EXPECT_THAT(ParseHitQuery(HitQueryToJson(q)).status().message(), HasSubstr("'names'"));
  q = SampleQuery();
  q.crime_area = "jaywalking";
  EXPECT_THAT(ParseHitQuery(HitQueryToJson(q)).status().message(), HasSubstr("'crime_area'"));
  q = SampleQuery();
  q.person.dob = "03/1984";
  EXPECT_THAT(ParseHitQuery(HitQueryToJson(q)).status().message(), HasSubstr("'dob'"));
  q = SampleQuery();
  q.purpose = "";
  EXPECT_FALSE(ValidateHitQuery(q).ok());
  EXPECT_FALSE(ParseHitQuery("[]").ok());
  EXPECT_FALSE(ParseHitQuery("{").ok());
  EXPECT_EQ(ParseHitQuery(std::string(kMaxQueryBodyBytes + 1, ' ')).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(HitMessagesTest, AnswerRoundTripsAndIsConsistent) {
  HitAnswer a;
  a.query_id = "qry_01KDVDNA00Q3JZXA1R2YB3KX7M";
  a.in_reply_to = "msg_01KDVDNA00Q3JZXA1R2YB3KX7M";
  a.hit = true;
  a.results = {{"ref_01KDVDNA00Q3JZXA1R2YB3KX7M", MatchBand::kStrong}};
  auto parsed = ParseHitAnswer(HitAnswerToJson(a));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->hit);
  ASSERT_EQ(parsed->results.size(), 1u);
  EXPECT_EQ(parsed->results[0].band, MatchBand::kStrong);

  a.hit = false;  // results without a hit
  EXPECT_FALSE(ParseHitAnswer(HitAnswerToJson(a)).ok());
  a.results.clear();
  a.status = "refused";
  EXPECT_FALSE(ParseHitAnswer(HitAnswerToJson(a)).ok());  // refusal without a reason
  a.refusal = "quota_exceeded";
  EXPECT_TRUE(ParseHitAnswer(HitAnswerToJson(a)).ok());
}

TEST(HitMessagesTest, AnswerCarriesNoOtherMembers) {
  std::string text =
      R"({"query_id":"qry_01KDVDNA00Q3JZXA1R2YB3KX7M","in_reply_to":"msg_01KDVDNA00Q3JZXA1R2YB3KX7M",)"
      R"("status":"answered","refusal":"","hit":true,"results":[{"reference":"ref_01KDVDNA00Q3JZXA1R2YB3KX7M",)"
      R"("band":"strong","name":"Asif"}]})";
  EXPECT_THAT(ParseHitAnswer(text).status().message(), HasSubstr("'name': unknown member"));
}

}  // namespace
}  // namespace liaison::federation
