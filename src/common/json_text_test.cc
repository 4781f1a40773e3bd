#include "common/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace liaison {
namespace {

TEST(JsonTextTest, ParsesValidObject) {
  auto v = ParseJson(R"({"name":"محمد آصف","n":3})");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*v)["n"], 3);
}

TEST(JsonTextTest, RejectsSyntaxErrorWithOffset) {
  auto v = ParseJson(R"({"a":1,})");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("byte"), std::string::npos);
}

TEST(JsonTextTest, RejectsInvalidUtf8InsideString) {
  std::string text = "{\"name\":\"a\xff\xfe\"}";
  auto v = ParseJson(text);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonTextTest, RejectsTooDeepNesting) {
  std::string text(100, '[');
  text += std::string(100, ']');
  auto v = ParseJson(text, {.max_bytes = 1000, .max_depth = 32});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(JsonTextTest, RejectsOversizedText) {
  std::string text = "\"" + std::string(2000, 'x') + "\"";
  auto v = ParseJson(text, {.max_bytes = 1000, .max_depth = 32});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(JsonTextTest, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  Json v = std::string("ok\xff");
  EXPECT_EQ(DumpJson(v), "\"ok\xEF\xBF\xBD\"");
}

TEST(Utf8Test, AcceptsUrduItalianAndAscii) {
  EXPECT_TRUE(IsValidUtf8("Niccolò D'Angelo"));
  EXPECT_TRUE(IsValidUtf8("محمد آصف ولد بشیر احمد"));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8Test, RejectsOverlongSurrogateAndTruncated) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
}

}  // namespace
}  // namespace liaison
