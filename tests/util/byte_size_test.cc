#include "server/util/byte_size.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(ByteSizeTest, ParsesPlainNumbersAndBinaryUnits) {
  EXPECT_EQ(*ParseByteSize("1048576", "--max-vault-bytes"), 1048576u);
  EXPECT_EQ(*ParseByteSize("1", "--max-vault-bytes"), 1u);
  EXPECT_EQ(*ParseByteSize("64K", "x"), 64u << 10);
  EXPECT_EQ(*ParseByteSize("512M", "x"), 512u << 20);
  EXPECT_EQ(*ParseByteSize("512m", "x"), 512u << 20);
  EXPECT_EQ(*ParseByteSize("2G", "x"), uint64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("2GiB", "x"), uint64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("2gb", "x"), uint64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("3T", "x"), uint64_t{3} << 40);
  EXPECT_EQ(*ParseByteSize("100B", "x"), 100u);
  EXPECT_EQ(*ParseByteSize("1048576T", "x"), uint64_t{1} << 60);
}

TEST(ByteSizeTest, RefusesWhatIsNotASizeNamingTheField) {
  for (const char* bad : {"", "0", "0G", "-1", "1.5G", "G", "12Q", "1 G", " 1G", "1GG", "1KiBB",
                          "99999999999999999999", "1048577T", "18446744073709551616"}) {
    auto parsed = ParseByteSize(bad, "--max-vault-bytes");
    ASSERT_FALSE(parsed.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("--max-vault-bytes"), std::string_view::npos)
        << parsed.status();
  }
}

TEST(ByteSizeTest, FormatsWithTheLargestUnitThatFits) {
  EXPECT_EQ(FormatByteSize(1), "1 byte");
  EXPECT_EQ(FormatByteSize(100), "100 bytes");
  EXPECT_EQ(FormatByteSize(1024), "1.0 KiB");
  EXPECT_EQ(FormatByteSize(64 << 10), "64.0 KiB");
  EXPECT_EQ(FormatByteSize(uint64_t{1} << 30), "1.0 GiB");
  EXPECT_EQ(FormatByteSize(uint64_t{3} << 29), "1.5 GiB");
  EXPECT_EQ(FormatByteSize(512u << 20), "512.0 MiB");
}

}  // namespace
}  // namespace haven
