// The in-memory index: counts per type and state without a walk, time
// ranges walked in both orders, replacement keeping every count right;
// rows numbered per version, renumbered without stale ones, picked.
#include "server/journal/entry_index.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace haven {
namespace {

std::string Id(int n) {
  char buf[25];
  snprintf(buf, sizeof buf, "%024x", n);
  return buf;
}

std::vector<std::string> Ids(const EntryIndex& index, const IndexQuery& q) {
  std::vector<std::string> out;
  index.Visit(q, [&](const IndexedEntry& e) {
    out.push_back(e.id);
    return true;
  });
  return out;
}

class EntryIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // ids 1..6 at times 10..60; 2 and 5 are breaks, 4 is deleted.
    for (int i = 1; i <= 6; ++i) {
      index_.Upsert(Id(i), i * 10, i == 2 || i == 5 ? "break" : "checkin", i == 4);
    }
  }
  EntryIndex index_;
};

TEST_F(EntryIndexTest, CountsWithoutRangeUseTypeTotals) {
  EXPECT_EQ(index_.size(), 6u);
  EXPECT_EQ(index_.live(), 5u);
  EXPECT_EQ(index_.Count({}), 5u);
  EXPECT_EQ(index_.Count({.include_deleted = true}), 6u);
  EXPECT_EQ(index_.Count({.type = "checkin"}), 3u);
  EXPECT_EQ(index_.Count({.type = "checkin", .include_deleted = true}), 4u);
  EXPECT_EQ(index_.Count({.type = "break"}), 2u);
  EXPECT_EQ(index_.Count({.type = "letter"}), 0u);
}

TEST_F(EntryIndexTest, CountsInsideATimeRange) {
  // [20, 50): ids 2, 3, (4 deleted)
  EXPECT_EQ(index_.Count({.since_us = 20, .until_us = 50}), 2u);
  EXPECT_EQ(index_.Count({.since_us = 20, .until_us = 50, .include_deleted = true}), 3u);
  EXPECT_EQ(index_.Count({.type = "break", .since_us = 20}), 2u);
  EXPECT_EQ(index_.Count({.until_us = 10}), 0u);
  EXPECT_EQ(index_.Count({.since_us = 50, .until_us = 20}), 0u);
}

TEST_F(EntryIndexTest, VisitsNewestFirstOrOldestFirstInsideTheRange) {
  EXPECT_EQ(Ids(index_, {}), (std::vector<std::string>{Id(6), Id(5), Id(3), Id(2), Id(1)}));
  EXPECT_EQ(Ids(index_, {.since_us = 20, .until_us = 60, .oldest_first = true}),
            (std::vector<std::string>{Id(2), Id(3), Id(5)}));
  EXPECT_EQ(Ids(index_, {.type = "break", .include_deleted = true}),
            (std::vector<std::string>{Id(5), Id(2)}));
}

TEST_F(EntryIndexTest, VisitStopsWhenAsked) {
  int seen = 0;
  index_.Visit({}, [&](const IndexedEntry&) { return ++seen < 2; });
  EXPECT_EQ(seen, 2);
}

TEST_F(EntryIndexTest, ReplacingMovesTimeTypeAndCounts) {
  index_.Upsert(Id(1), 100, "break", false);   // checkin at 10 -> break at 100
  index_.Upsert(Id(4), 40, "checkin", false);  // restored
  index_.Upsert(Id(6), 60, "checkin", true);   // deleted
  EXPECT_EQ(index_.size(), 6u);
  EXPECT_EQ(index_.live(), 5u);
  EXPECT_EQ(index_.Count({.type = "break"}), 3u);
  EXPECT_EQ(index_.Count({.type = "checkin"}), 2u);
  EXPECT_EQ(index_.Count({.type = "checkin", .include_deleted = true}), 3u);
  EXPECT_EQ(Ids(index_, {}).front(), Id(1));
  EXPECT_EQ(Ids(index_, {.until_us = 15}).size(), 0u);
}

TEST_F(EntryIndexTest, ResolvesUniquePrefixesOnly) {
  EXPECT_TRUE(index_.Contains(Id(3)));
  EXPECT_FALSE(index_.Contains(Id(9)));
  EXPECT_FALSE(index_.Contains("not hex"));
  EXPECT_EQ(index_.Resolve(Id(3)).value(), Id(3));
  EXPECT_EQ(index_.Resolve("000000").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(index_.Resolve("00000").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(index_.Resolve("ffffff").status().code(), absl::StatusCode::kNotFound);
  index_.Upsert("zz", 1, "checkin", false);  // not an id: ignored
  EXPECT_EQ(index_.size(), 6u);
}

// Building the index from per-thread batches (unlock) must give exactly
// the index that one Upsert per entry gives, whatever the batch split.
TEST(EntryIndexAddAllTest, GivesTheSameIndexAsUpsertingEachEntry) {
  const char* types[] = {"checkin", "break", "letter"};
  EntryIndex one_by_one;
  std::vector<EntryIndex::Batch> batches(3);
  for (int i = 1; i <= 500; ++i) {
    const int n = (i * 7919) % 1000 + 1;   // ids in no order
    const int64_t at = (i * 104729) % 97;  // many entries share a time
    const char* type = types[i % 3];
    const bool deleted = i % 11 == 0;
    one_by_one.Upsert(Id(n), at, type, deleted);
    batches[(i * 31) % 3].Add(Id(n), at, type, deleted);
  }
  batches[1].Add("not-an-id", 5, "checkin", false);  // ignored, as Upsert ignores it
  EntryIndex built;
  built.AddAll(std::move(batches));

  EXPECT_EQ(built.size(), one_by_one.size());
  EXPECT_EQ(built.live(), one_by_one.live());
  for (const IndexQuery& q :
       {IndexQuery{}, IndexQuery{.include_deleted = true}, IndexQuery{.type = "break"},
        IndexQuery{.type = "letter", .include_deleted = true},
        IndexQuery{.since_us = 20, .until_us = 60},
        IndexQuery{.since_us = 20, .until_us = 60, .oldest_first = true}}) {
    EXPECT_EQ(built.Count(q), one_by_one.Count(q));
    EXPECT_EQ(Ids(built, q), Ids(one_by_one, q));
  }
  EXPECT_EQ(built.Resolve(Id(920)).value_or(""), Id(920));  // the first entry added
}

TEST(EntryIndexAddAllTest, IntoAFilledIndexReplacesLikeUpsert) {
  EntryIndex index;
  index.Upsert(Id(1), 10, "checkin", false);
  index.Upsert(Id(2), 20, "checkin", false);
  std::vector<EntryIndex::Batch> batches(1);
  batches[0].Add(Id(2), 5, "break", true);
  batches[0].Add(Id(3), 30, "break", false);
  index.AddAll(std::move(batches));
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.Count({.type = "checkin"}), 1u);
  EXPECT_EQ(index.Count({.type = "break"}), 1u);
  EXPECT_EQ(index.Count({.type = "break", .include_deleted = true}), 2u);
  EXPECT_EQ(Ids(index, {.include_deleted = true, .oldest_first = true}),
            (std::vector<std::string>{Id(2), Id(1), Id(3)}));
}

std::vector<std::string> Picked(const EntryIndex& index, std::vector<uint32_t> rows,
                                const IndexQuery& q = {}) {
  std::vector<std::string> out;
  for (const IndexMatch& m : index.Pick(std::move(rows), q, SIZE_MAX)) out.push_back(m.id());
  return out;
}

TEST(EntryIndexRowsTest, EachVersionGetsTheNextRowAndTheOldOneGoesStale) {
  EntryIndex index;
  EXPECT_EQ(index.Upsert(Id(1), 10, "checkin", false), 0u);
  EXPECT_EQ(index.Upsert(Id(2), 20, "checkin", false), 1u);
  EXPECT_EQ(index.Upsert(Id(1), 30, "break", false), 2u);
  EXPECT_EQ(index.Upsert("not-an-id", 40, "break", false), std::nullopt);
  EXPECT_EQ(Picked(index, {0, 1, 2, 7}), (std::vector<std::string>{Id(1), Id(2)}));
  index.Remove(Id(2));
  EXPECT_EQ(Picked(index, {0, 1, 2}), (std::vector<std::string>{Id(1)}));
  EXPECT_EQ(index.Upsert(Id(2), 5, "checkin", false), 3u);
}

TEST(EntryIndexRowsTest, PickFiltersLikeAQueryAndSortsNewestFirst) {
  EntryIndex index;
  for (int i = 1; i <= 6; ++i) {
    index.Upsert(Id(i), (i % 3) * 10, i % 2 ? "checkin" : "break", i == 4);
  }
  const std::vector<uint32_t> all{0, 1, 2, 3, 4, 5};
  // Times: 1->10, 2->20, 3->0, 4->10 (deleted), 5->20, 6->0; ties newest id first.
  EXPECT_EQ(Picked(index, all), (std::vector<std::string>{Id(5), Id(2), Id(1), Id(6), Id(3)}));
  EXPECT_EQ(Picked(index, all, {.include_deleted = true}),
            (std::vector<std::string>{Id(5), Id(2), Id(4), Id(1), Id(6), Id(3)}));
  EXPECT_EQ(Picked(index, all, {.type = "break"}), (std::vector<std::string>{Id(2), Id(6)}));
  EXPECT_EQ(Picked(index, all, {.since_us = 10, .until_us = 20}),
            (std::vector<std::string>{Id(1)}));
  EXPECT_TRUE(Picked(index, all, {.type = "nothing"}).empty());
}

TEST(EntryIndexRowsTest, CompactRenumbersInOrderWithoutStaleRows) {
  EntryIndex index;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) index.Upsert(Id(i), 1000 - i + round, "checkin", i == 7);
  }
  ASSERT_TRUE(index.NeedsCompaction());  // 2000 of 3000 rows are stale
  const std::vector<uint32_t> renumber = index.Compact();
  ASSERT_EQ(renumber.size(), 3000u);
  EXPECT_EQ(renumber[0], EntryIndex::kDropped);
  EXPECT_EQ(renumber[1999], EntryIndex::kDropped);
  EXPECT_EQ(renumber[2000], 0u);
  EXPECT_EQ(renumber[2999], 999u);
  EXPECT_FALSE(index.NeedsCompaction());
  EXPECT_EQ(index.size(), 1000u);
  EXPECT_EQ(index.Count({.since_us = 500}), 502u);  // ids 0..502 but 7 (deleted)
  EXPECT_EQ(Ids(index, {.since_us = 1000}), (std::vector<std::string>{Id(0), Id(1), Id(2)}));
  EXPECT_EQ(Picked(index, {0, 999}), (std::vector<std::string>{Id(0), Id(999)}));
  EXPECT_EQ(index.Upsert(Id(0), 1, "checkin", false), 1000u);
  EXPECT_EQ(Ids(index, {.since_us = 1000}), (std::vector<std::string>{Id(1), Id(2)}));
}

}  // namespace
}  // namespace haven
