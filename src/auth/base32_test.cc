#include "auth/base32.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace liaison::auth {
namespace {

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base32Test, MatchesRfc4648Vectors) {
  // RFC 4648 section 10, without padding.
  EXPECT_EQ(Base32Encode(Bytes("")), "");
  EXPECT_EQ(Base32Encode(Bytes("f")), "MY");
  EXPECT_EQ(Base32Encode(Bytes("fo")), "MZXQ");
  EXPECT_EQ(Base32Encode(Bytes("foo")), "MZXW6");
  EXPECT_EQ(Base32Encode(Bytes("foob")), "MZXW6YQ");
  EXPECT_EQ(Base32Encode(Bytes("fooba")), "MZXW6YTB");
  EXPECT_EQ(Base32Encode(Bytes("foobar")), "MZXW6YTBOI");
}

TEST(Base32Test, DecodesWhatPeopleType) {
  EXPECT_EQ(*Base32Decode("MZXW6YTBOI======"), Bytes("foobar"));
  EXPECT_EQ(*Base32Decode("mzxw 6ytb-oi"), Bytes("foobar"));
  EXPECT_EQ(*Base32Decode(""), Bytes(""));
}

TEST(Base32Test, RejectsBadCharactersAndLengths) {
  EXPECT_FALSE(Base32Decode("MZXW1").ok());  // '1' is not in the alphabet
  EXPECT_FALSE(Base32Decode("M").ok());
  EXPECT_FALSE(Base32Decode("MZX").ok());
}

TEST(Base32Test, RoundTrips) {
  for (size_t n = 0; n < 40; ++n) {
    std::vector<uint8_t> bytes(n);
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(i * 37 + n);
    EXPECT_EQ(*Base32Decode(Base32Encode(bytes)), bytes) << n;
  }
}

}  // namespace
}  // namespace liaison::auth
