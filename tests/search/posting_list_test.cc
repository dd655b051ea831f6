#include "server/search/posting_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace haven {
namespace {

using ::testing::ElementsAre;

TEST(PostingList, KeepsAscendingNumbersOfAnySize) {
  PostingList list;
  for (uint32_t n : {0u, 1u, 127u, 128u, 16384u, 4000000000u}) list.Append(n);
  EXPECT_EQ(list.size(), 6u);
  EXPECT_THAT(list.Decode(), ElementsAre(0u, 1u, 127u, 128u, 16384u, 4000000000u));
}

TEST(PostingList, AppendShiftedJoinsListsBuiltApart) {
  PostingList a, b, empty;
  a.Append(3);
  a.Append(9);
  b.Append(0);
  b.Append(200);
  b.Append(201);
  a.AppendShifted(b, 10);
  a.AppendShifted(empty, 500);
  a.Append(300);
  EXPECT_THAT(a.Decode(), ElementsAre(3u, 9u, 10u, 210u, 211u, 300u));
}

TEST(PostingList, RenumberDropsAndShifts) {
  PostingList list;
  for (uint32_t n : {1u, 2u, 5u, 7u}) list.Append(n);
  std::vector<uint32_t> renumber(8, PostingList::kDropped);
  renumber[1] = 0;
  renumber[5] = 1;
  renumber[7] = 2;
  list.Renumber(renumber);
  EXPECT_THAT(list.Decode(), ElementsAre(0u, 1u, 2u));
}

TEST(PostingList, CursorSeeks) {
  PostingList list;
  for (uint32_t n : {2u, 4u, 8u, 16u}) list.Append(n);
  PostingList::Cursor c(list);
  c.SeekAtLeast(5);
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.doc(), 8u);
  c.SeekAtLeast(17);
  EXPECT_FALSE(c.valid());
  PostingList none;
  EXPECT_FALSE(PostingList::Cursor(none).valid());
}

}  // namespace
}  // namespace haven
