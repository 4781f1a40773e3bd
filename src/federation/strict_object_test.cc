#include "federation/strict_object.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;

TEST(StrictObjectTest, ReadsStringsIntegersHexAndBase64) {
  auto object =
      StrictObject::Parse(R"({"s":"text","n":42,"h":"00ff","b":"aGVsbG8="})", "thing", 1024);
  ASSERT_TRUE(object.ok()) << object.status();
  EXPECT_EQ(*object->String("s", 10), "text");
  EXPECT_EQ(*object->Integer("n", 0, 100), 42);
  EXPECT_EQ(*object->LowerHex("h", 2), std::string("\x00\xff", 2));
  EXPECT_EQ(*object->Base64("b", 10), "hello");
  EXPECT_TRUE(object->CheckNoOtherFields().ok());
}

TEST(StrictObjectTest, RefusesDuplicateKeysNamingThem) {
  std::string field;
  auto object = StrictObject::Parse(R"({"a":"1","a":"2"})", "thing", 1024, &field);
  ASSERT_FALSE(object.ok());
  EXPECT_THAT(object.status().message(), HasSubstr("'a' appears more than once"));
  EXPECT_EQ(field, "a");
}

TEST(StrictObjectTest, RefusesNestingFractionsAndNonObjects) {
  EXPECT_FALSE(StrictObject::Parse(R"({"a":{"b":1}})", "thing", 1024).ok());
  EXPECT_FALSE(StrictObject::Parse(R"({"a":[1]})", "thing", 1024).ok());
  EXPECT_FALSE(StrictObject::Parse(R"({"a":1.5})", "thing", 1024).ok());
  EXPECT_FALSE(StrictObject::Parse(R"({"a":null})", "thing", 1024).ok());
  EXPECT_FALSE(StrictObject::Parse(R"(["a"])", "thing", 1024).ok());
  EXPECT_FALSE(StrictObject::Parse(R"({"a":"1"} x)", "thing", 1024).ok());
  EXPECT_FALSE(StrictObject::Parse("{\"a\":\"\xff\"}", "thing", 1024).ok());
  EXPECT_EQ(StrictObject::Parse(R"({"a":"1"})", "thing", 4).status().code(),
            absl::StatusCode::kResourceExhausted);
  std::string deep(10000, '[');
  EXPECT_FALSE(StrictObject::Parse(deep, "thing", 1 << 20).ok());
}

TEST(StrictObjectTest, FieldErrorsSayWhatAndWhere) {
  auto object =
      StrictObject::Parse(R"({"n":"x","h":"00FF","b":"aGVsbG8","extra":1})", "thing", 1024);
  ASSERT_TRUE(object.ok());
  auto n = object->Integer("n", 0, 10);
  EXPECT_THAT(n.status().message(), HasSubstr("thing: field 'n': must be an integer"));
  EXPECT_EQ(object->bad_field(), "n");
  EXPECT_THAT(object->LowerHex("h", 2).status().message(), HasSubstr("lowercase hex"));
  EXPECT_THAT(object->Base64("b", 10).status().message(), HasSubstr("'b'"));
  EXPECT_THAT(object->String("missing", 10).status().message(),
              HasSubstr("field 'missing': missing"));
  absl::Status extra = object->CheckNoOtherFields();
  EXPECT_THAT(extra.message(), HasSubstr("'extra': is not part of this format"));
}

TEST(StrictObjectTest, IntegerRangeIsEnforced) {
  auto object = StrictObject::Parse(R"({"a":-1,"b":18446744073709551615})", "thing", 1024);
  ASSERT_TRUE(object.ok());
  EXPECT_FALSE(object->Integer("a", 0, 10).ok());
  EXPECT_FALSE(object->Integer("b", 0, 10).ok());
}

TEST(StrictObjectTest, Base64MustBeCanonical) {
  // "aGVsbG9=" has non-zero pad bits ("hello" is "aGVsbG8=").
  auto object = StrictObject::Parse(R"({"a":"aGVsbG9=","b":"aGVs\nbG8="})", "thing", 1024);
  ASSERT_TRUE(object.ok());
  EXPECT_FALSE(object->Base64("a", 10).ok());
  EXPECT_FALSE(object->Base64("b", 10).ok());
  EXPECT_EQ(EncodeBase64("hello"), "aGVsbG8=");
}

TEST(StrictObjectTest, LiaisonIdsAreCheckedByPrefixLengthAndAlphabet) {
  EXPECT_TRUE(IsLiaisonId("node_01J9ZQ4M7K3T8V2W6X5Y0A1B2C", "node_"));
  EXPECT_FALSE(IsLiaisonId("node_01J9ZQ4M7K3T8V2W6X5Y0A1B2", "node_"));
  EXPECT_FALSE(IsLiaisonId("node_01J9ZQ4M7K3T8V2W6X5Y0A1B2I", "node_"));  // I is not Crockford
  EXPECT_FALSE(IsLiaisonId("node_01j9zq4m7k3t8v2w6x5y0a1b2c", "node_"));
  EXPECT_FALSE(IsLiaisonId("msg_01J9ZQ4M7K3T8V2W6X5Y0A1B2C", "node_"));
}

}  // namespace
}  // namespace liaison::federation
