#include "server/store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <thread>
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

// Many view rows of sealed-record size, so reads load several blocks.
void FillView(Store* store, int rows) {
  WriteBatch batch = store->NewBatch();
  for (int i = 0; i < rows; ++i) {
    batch.Put(Family::kView, EncodeU64(i), std::string(600, 'a' + i % 26));
  }
  ASSERT_TRUE(store->Write(&batch, /*sync=*/true).ok());
}

size_t ReadAll(Store* store, CacheUse cache) {
  size_t n = 0;
  Cursor it = store->NewCursor(Family::kView, cache);
  for (it.SeekToFirst(); it.Valid(); it.Next()) ++n;
  return n;
}

TEST(StoreTest, ReleaseMemoryEmptiesMemtablesAndCacheAndKeepsEveryRow) {
  testing::TempDir dir;
  {
    auto store = Store::Open(dir.Join("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    FillView(store->get(), 2000);
    uint64_t in_memtables = (*store)->MemoryHeld();
    EXPECT_GT(in_memtables, 2000u * 600);
    EXPECT_GE((*store)->ReleaseMemory(), 2000u * 600);
    EXPECT_LT((*store)->MemoryHeld(), in_memtables / 10);

    EXPECT_EQ(ReadAll(store->get(), CacheUse::kKeep), 2000u);  // now from a table
    uint64_t cached = (*store)->MemoryHeld();
    EXPECT_GT(cached, 2000u * 600 / 2);
    EXPECT_GT((*store)->ReleaseMemory(), cached / 2);
    EXPECT_EQ((*store)->Get(Family::kView, EncodeU64(1234))->value_or(""),
              std::string(600, 'a' + 1234 % 26));
  }
  auto reopened = Store::Open(dir.Join("db"));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(ReadAll(reopened->get(), CacheUse::kKeep), 2000u);
}

TEST(StoreTest, ReadsThatSkipTheCacheLeaveItAsItWas) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  FillView(store->get(), 2000);
  (*store)->ReleaseMemory();
  uint64_t before = (*store)->MemoryHeld();

  EXPECT_EQ(ReadAll(store->get(), CacheUse::kSkip), 2000u);
  EXPECT_EQ((*store)->Get(Family::kView, EncodeU64(7), CacheUse::kSkip)->value_or(""),
            std::string(600, 'h'));
  EXPECT_LT((*store)->MemoryHeld(), before + 64 * 1024);  // at most an index or filter block

  EXPECT_EQ(ReadAll(store->get(), CacheUse::kKeep), 2000u);
  EXPECT_GT((*store)->MemoryHeld(), before + 2000u * 600 / 2);
}

uint64_t ViewTablesInLevel0(Store* store) { return store->TablesInLevel0(Family::kView); }

bool AutoCompactionOff(Store* store) { return store->AutoCompactionOff(Family::kView); }

// Six flushed tables of overlapping keys: compaction would merge them
// (its level-0 trigger is four).
void WriteSixTables(Store* store) {
  for (int table = 0; table < 6; ++table) {
    for (uint64_t i = 0; i < 50; ++i) {
      ASSERT_TRUE(store->Put(Family::kView, EncodeU64(i * 7 + table), "v", false).ok());
    }
    store->ReleaseMemory();  // flushes the memtables to a table
  }
}

TEST(StoreTest, BulkLoadPausesCompactionUntilTheLastOneEnds) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  {
    Store::BulkLoad outer = (*store)->StartBulkLoad();
    {
      Store::BulkLoad inner = (*store)->StartBulkLoad();
      WriteSixTables(store->get());
    }
    // The inner load ended, the outer has not: compaction stays off (its
    // setting, not a wait that hopes to see a compaction that must not come).
    EXPECT_TRUE(AutoCompactionOff(store->get()));
    EXPECT_EQ(ViewTablesInLevel0(store->get()), 6u);
  }
  // Compaction resumed in the background; wait for it (generously: a
  // condition, not a time).
  EXPECT_FALSE(AutoCompactionOff(store->get()));
  for (int i = 0; i < 600 && ViewTablesInLevel0(store->get()) >= 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_LT(ViewTablesInLevel0(store->get()), 4u);
  EXPECT_EQ((*store)->Get(Family::kView, EncodeU64(49 * 7 + 5))->value_or(""), "v");
}

TEST(StoreTest, WithoutABulkLoadCompactionMergesTheSameTables) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  WriteSixTables(store->get());
  for (int i = 0; i < 600 && ViewTablesInLevel0(store->get()) >= 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_LT(ViewTablesInLevel0(store->get()), 4u);
}

TEST(StoreTest, ABatchAppliesItsPutsAndDeletesAcrossFamiliesAtOnce) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put(Family::kMeta, "gone", "x", false).ok());
  WriteBatch batch = (*store)->NewBatch(1 << 10);
  EXPECT_EQ(batch.Count(), 0u);
  const size_t empty_bytes = batch.ByteSize();
  batch.Put(Family::kRecords, "r", "record");
  batch.Put(Family::kView, "v", "row");
  batch.Delete(Family::kMeta, "gone");
  EXPECT_EQ(batch.Count(), 3u);
  EXPECT_GT(batch.ByteSize(), empty_bytes + 12);
  EXPECT_FALSE((*store)->Get(Family::kRecords, "r")->has_value()) << "not before Write";
  ASSERT_TRUE((*store)->Write(&batch, /*sync=*/false).ok());
  ASSERT_TRUE((*store)->Sync().ok());
  EXPECT_EQ((*store)->Get(Family::kRecords, "r")->value_or(""), "record");
  EXPECT_EQ((*store)->Get(Family::kView, "v")->value_or(""), "row");
  EXPECT_FALSE((*store)->Get(Family::kMeta, "gone")->has_value());
  EXPECT_FALSE((*store)->Get(Family::kView, "r")->has_value()) << "families are apart";
}

TEST(StoreTest, ACursorSeeksAndWalksInByteOrder) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  for (const char* key : {"b/2", "a/1", "b/1", "c"}) {
    ASSERT_TRUE((*store)->Put(Family::kMeta, key, std::string("v") + key, false).ok());
  }
  std::vector<std::string> seen;
  Cursor it = (*store)->NewCursor(Family::kMeta);
  for (it.Seek("b/"); it.Valid() && it.key().starts_with("b/"); it.Next()) {
    seen.push_back(std::string(it.key()) + "=" + std::string(it.value()));
  }
  EXPECT_TRUE(it.status().ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"b/1=vb/1", "b/2=vb/2"}));
}

TEST(StoreTest, ASplitScanVisitsEveryKeyOnceAsOfItsStart) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  WriteBatch batch = (*store)->NewBatch();
  for (int i = 0; i < 256; ++i) batch.Put(Family::kView, std::string(1, char(i)) + "k", "v");
  ASSERT_TRUE((*store)->Write(&batch, false).ok());
  for (int workers : {1, 3, 4}) {
    std::vector<std::vector<std::string>> keys(workers);
    auto scanned = (*store)->ScanSplit(Family::kView, workers, [&](int worker, Cursor& it) {
      for (it.SeekToFirst(); it.Valid(); it.Next()) keys[worker].emplace_back(it.key());
      return absl::OkStatus();
    });
    ASSERT_TRUE(scanned.ok()) << scanned;
    std::vector<std::string> all;
    for (const auto& part : keys) all.insert(all.end(), part.begin(), part.end());
    EXPECT_EQ(all.size(), 256u) << workers << " workers";
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end())) << "ranges in worker order";
  }
}

}  // namespace
}  // namespace haven
