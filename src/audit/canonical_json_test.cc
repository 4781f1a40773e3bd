#include "audit/canonical_json.h"

#include <string>

#include "gtest/gtest.h"

namespace liaison::audit {
namespace {

std::string Canonical(const Json& value, int max_depth = 8) {
  std::string out;
  absl::Status s = AppendCanonicalJson(value, max_depth, &out);
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

TEST(CanonicalJsonTest, SortsKeysByBytesWithoutWhitespace) {
  Json v = Json::parse(R"({"b": 1, "a": [true, false, null], "B": "x", "é": 2, "aa": {}})");
  EXPECT_EQ(Canonical(v), R"({"B":"x","a":[true,false,null],"aa":{},"b":1,"é":2})");
}

TEST(CanonicalJsonTest, EscapesOnlyQuoteBackslashAndControls) {
  std::string s = "q\"b\\/\b\f\n\r\t\x01\x1f\x7f é ؁";
  std::string out;
  AppendCanonicalString(s, &out);
  EXPECT_EQ(out, "\"q\\\"b\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f é ؁\"");
}

TEST(CanonicalJsonTest, AgreesWithNlohmannDumpOnOrdinaryValues) {
  Json v = Json::parse(R"({"z":[1,-2,"ü\n"],"k":{"y":"\u0003","x":9007199254740991}})");
  EXPECT_EQ(Canonical(v), v.dump());
}

TEST(CanonicalJsonTest, RejectsFloats) {
  std::string out;
  EXPECT_FALSE(AppendCanonicalJson(Json::parse("{\"x\":1.5}"), 4, &out).ok());
}

TEST(CanonicalJsonTest, RejectsIntegersBeyondTwoToTheFiftyThree) {
  std::string out;
  EXPECT_FALSE(AppendCanonicalJson(Json(int64_t{1} << 53), 4, &out).ok());
  EXPECT_FALSE(AppendCanonicalJson(Json(-(int64_t{1} << 53)), 4, &out).ok());
  EXPECT_FALSE(AppendCanonicalJson(Json(uint64_t{1} << 63), 4, &out).ok());
  out.clear();
  EXPECT_TRUE(AppendCanonicalJson(Json(kMaxCanonicalInteger), 4, &out).ok());
  EXPECT_EQ(out, "9007199254740991");
}

TEST(CanonicalJsonTest, RejectsInvalidUtf8InValuesAndKeys) {
  std::string out;
  EXPECT_FALSE(AppendCanonicalJson(Json(std::string("a\xc3")), 4, &out).ok());
  Json obj = Json::object();
  obj[std::string("\xff")] = 1;
  EXPECT_FALSE(AppendCanonicalJson(obj, 4, &out).ok());
}

TEST(CanonicalJsonTest, EnforcesDepth) {
  std::string out;
  EXPECT_TRUE(AppendCanonicalJson(Json::parse("{\"a\":[{}]}"), 3, &out).ok());
  EXPECT_FALSE(AppendCanonicalJson(Json::parse("{\"a\":[{}]}"), 2, &out).ok());
}

}  // namespace
}  // namespace liaison::audit
