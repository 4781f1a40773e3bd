#include "federation/canonical_bytes.h"

#include <gtest/gtest.h>

#include "audit/hex.h"

namespace liaison::federation {
namespace {

TEST(CanonicalBytesTest, ItemsAreLengthPrefixedBigEndian) {
  CanonicalBytes bytes("ab");
  bytes.AddU32(0x01020304);
  bytes.AddI64(-2);
  bytes.AddBytes("");
  EXPECT_EQ(audit::HexEncode(bytes.bytes()),
            "000000026162"
            "01020304"
            "fffffffffffffffe"
            "00000000");
}

TEST(CanonicalBytesTest, MovingABoundaryChangesTheBytes) {
  CanonicalBytes a("t");
  a.AddBytes("ab");
  a.AddBytes("c");
  CanonicalBytes b("t");
  b.AddBytes("a");
  b.AddBytes("bc");
  EXPECT_NE(a.bytes(), b.bytes());
}

TEST(CanonicalBytesTest, Sha256OfEmptyInputIsTheKnownValue) {
  EXPECT_EQ(audit::HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace liaison::federation
