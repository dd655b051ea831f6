#include "server/store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "tests/store/temp_dir.h"

namespace haven {
namespace {

TEST(EncodeU64Test, ByteOrderEqualsNumericOrder) {
  std::vector<uint64_t> values = {0,
                                  1,
                                  2,
                                  9,
                                  10,
                                  255,
                                  256,
                                  257,
                                  65535,
                                  65536,
                                  uint64_t{1} << 32,
                                  (uint64_t{1} << 32) + 1,
                                  uint64_t{1} << 56,
                                  uint64_t{1} << 63,
                                  std::numeric_limits<uint64_t>::max() - 1,
                                  std::numeric_limits<uint64_t>::max()};
  for (size_t i = 0; i < values.size(); ++i) {
    std::string a = EncodeU64(values[i]);
    ASSERT_EQ(a.size(), 8u);
    EXPECT_EQ(DecodeU64(a), values[i]);
    for (size_t j = 0; j < values.size(); ++j) {
      std::string b = EncodeU64(values[j]);
      EXPECT_EQ(a < b, values[i] < values[j]) << values[i] << " vs " << values[j];
    }
  }
}

TEST(EncodeU64Test, BigEndianLayout) {
  EXPECT_EQ(EncodeU64(0x0102030405060708), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(DecodeU64(std::string("\0\0\0\0\0\0\x01\x00trailing", 16)), 256u);
}

TEST(StoreTest, PutGetAcrossFamiliesAndReopen) {
  testing::TempDir dir;
  {
    auto store = Store::Open(dir.Join("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put(Family::kMeta, "k", "meta value", /*sync=*/true).ok());
    ASSERT_TRUE((*store)->Put(Family::kView, "k", "view value", /*sync=*/false).ok());
    auto missing = (*store)->Get(Family::kRecords, "k");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
  }
  auto store = Store::Open(dir.Join("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get(Family::kMeta, "k")->value_or(""), "meta value");
  EXPECT_EQ((*store)->Get(Family::kView, "k")->value_or(""), "view value");
  EXPECT_FALSE((*store)->Get(Family::kRecords, "k")->has_value());
}

TEST(StoreTest, SecondOpenOfTheSameDatabaseFailsCleanly) {
  testing::TempDir dir;
  auto first = Store::Open(dir.Join("db"));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Store::Open(dir.Join("db"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
}

}  // namespace
}  // namespace haven
