#include "audit/event.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace liaison::audit {
namespace {

TEST(EventTest, ActionNamesAreUniqueAndRoundTrip) {
  std::set<std::string_view> names;
  for (Action a : AllActions()) {
    std::string_view name = ActionName(a);
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(ActionFromName(name), a);
  }
  EXPECT_EQ(ActionName(Action::kPartnerQuerySent), "partner_query_sent");
  EXPECT_EQ(ActionName(Action::kSignInFailed), "sign_in_failed");
  EXPECT_FALSE(ActionFromName("Sign_In").has_value());
}

TEST(EventTest, OutcomeNamesRoundTrip) {
  for (Outcome o : {Outcome::kOk, Outcome::kDenied, Outcome::kError}) {
    EXPECT_EQ(OutcomeFromName(OutcomeName(o)), o);
  }
  EXPECT_FALSE(OutcomeFromName("OK").has_value());
}

TEST(EventTest, ValidateRejectsInvalidUtf8NamingTheField) {
  Event e;
  e.purpose = "ok";
  e.case_ref = "bad\xc0\xaf";
  absl::Status s = ValidateEvent(e);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("case_ref"), std::string_view::npos);
}

TEST(EventTest, ValidateEnforcesLimits) {
  Event e;
  e.purpose = std::string(kMaxTextBytes + 1, 'x');
  EXPECT_FALSE(ValidateEvent(e).ok());
  e.purpose.clear();
  e.object_ids.assign(kMaxObjectIds + 1, "per_1");
  EXPECT_FALSE(ValidateEvent(e).ok());
  e.object_ids.clear();
  e.details = Json::array();
  EXPECT_FALSE(ValidateEvent(e).ok());
  e.details = Json::parse(R"({"ratio": 0.5})");
  EXPECT_FALSE(ValidateEvent(e).ok());
  e.details = Json::parse(R"({"a":{"b":{"c":{"d":{}}}}})");
  EXPECT_FALSE(ValidateEvent(e).ok());
  e.details = Json::parse(R"({"a":{"b":{"c":1}}})");
  EXPECT_TRUE(ValidateEvent(e).ok());
}

TEST(EventTest, QueryHashIsKeyedAndUnambiguous) {
  std::vector<uint8_t> key(kQueryKeyBytes, 1);
  std::vector<uint8_t> other_key(kQueryKeyBytes, 2);
  std::vector<std::string> q1 = {"muhammad asif", "1985"};
  std::vector<std::string> q2 = {"muhammad asif1", "985"};
  auto h1 = HashQueryTerms(key, q1);
  ASSERT_TRUE(h1.ok());
  EXPECT_EQ(h1->size(), 64u);
  EXPECT_EQ(*h1, *HashQueryTerms(key, q1));
  EXPECT_NE(*h1, *HashQueryTerms(key, q2));
  EXPECT_NE(*h1, *HashQueryTerms(other_key, q1));
  EXPECT_EQ(h1->find("asif"), std::string::npos);
  EXPECT_FALSE(HashQueryTerms(std::vector<uint8_t>(16, 1), q1).ok());
}

}  // namespace
}  // namespace liaison::audit
