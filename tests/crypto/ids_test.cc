#include "server/crypto/ids.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(HexTest, EncodeDecodeRoundTrip) {
  std::string bytes("\x00\x01\x7f\x80\xfe\xff", 6);
  EXPECT_EQ(HexEncode(bytes), "00017f80feff");
  auto decoded = HexDecode("00017f80feff");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, bytes);
  EXPECT_EQ(HexDecode("00017F80FEFF"), bytes);
}

TEST(HexTest, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
  EXPECT_FALSE(HexDecode("0g").has_value());
  EXPECT_EQ(HexDecode(""), std::string());
}

TEST(IdsTest, EntryIdsAreRandomLowercaseHex) {
  std::string a = NewEntryId();
  std::string b = NewEntryId();
  EXPECT_EQ(a.size(), 2 * kEntryIdBytes);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(RandomBytes(kVaultIdBytes).size(), kVaultIdBytes);
}

}  // namespace
}  // namespace haven
