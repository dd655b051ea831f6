// The view's two indexes as one: a search names current entries only,
// newest first, filtered like list; edits replace an entry's words, a
// removal forgets them, and many edits renumber both indexes together.
#include "server/journal/view_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/journal/view_index_test_support.h"

namespace haven {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using testing_support::Id;
using testing_support::Words;

std::vector<std::string> Find(const ViewIndex& index, std::vector<std::string> words,
                              std::vector<std::string> excluded = {}, SearchFilter filter = {}) {
  std::vector<std::string> ids;
  for (const auto& m : index.Search(words, excluded, filter, SIZE_MAX)) ids.push_back(m.id());
  return ids;
}

class ViewIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Upsert(Id(1), 100, "letter", false, Words({"Dear me, be gentle today"}));
    index_.Upsert(Id(2), 300, "walk", false, Words({"A gentle walk", "calm"}, {"outdoors"}));
    index_.Upsert(Id(3), 200, "letter", false, Words({"Kind words; gentle voice"}, {"self-care"}));
  }
  ViewIndex index_;
};

TEST_F(ViewIndexTest, FindsEntriesHoldingEveryWordNewestFirst) {
  EXPECT_THAT(Find(index_, {"gentle"}), ElementsAre(Id(2), Id(3), Id(1)));
  EXPECT_THAT(Find(index_, {"gentle", "kind"}), ElementsAre(Id(3)));
  EXPECT_THAT(Find(index_, {"gentle"}, {"walk"}), ElementsAre(Id(3), Id(1)));
  EXPECT_THAT(Find(index_, {"gentle", "absent"}), IsEmpty());
}

TEST_F(ViewIndexTest, FiltersByTagTypeAndTime) {
  SearchFilter tagged;
  tagged.tags = {"outdoors"};
  EXPECT_THAT(Find(index_, {"gentle"}, {}, tagged), ElementsAre(Id(2)));
  SearchFilter letters;
  letters.type = "letter";
  EXPECT_THAT(Find(index_, {"gentle"}, {}, letters), ElementsAre(Id(3), Id(1)));
  SearchFilter window;
  window.since_us = 150;
  window.until_us = 300;
  EXPECT_THAT(Find(index_, {"gentle"}, {}, window), ElementsAre(Id(3)));
  SearchFilter unknown;
  unknown.type = "nothing";
  EXPECT_THAT(Find(index_, {"gentle"}, {}, unknown), IsEmpty());
}

TEST_F(ViewIndexTest, AnEditReplacesTheOldWordsTimeAndType) {
  index_.Upsert(Id(1), 400, "walk", false, Words({"Dear me, rest now"}));
  EXPECT_THAT(Find(index_, {"gentle"}), ElementsAre(Id(2), Id(3)));
  EXPECT_THAT(Find(index_, {"rest"}), ElementsAre(Id(1)));
  SearchFilter walks;
  walks.type = "walk";
  EXPECT_THAT(Find(index_, {"dear"}, {}, walks), ElementsAre(Id(1)));
  EXPECT_EQ(index_.entries().size(), 3u);
  EXPECT_EQ(index_.entries().Count({.type = "letter"}), 1u);
}

TEST_F(ViewIndexTest, DeletedEntriesOnlyOnRequest) {
  index_.Upsert(Id(3), 200, "letter", true, Words({"Kind words; gentle voice"}));
  EXPECT_THAT(Find(index_, {"kind"}), IsEmpty());
  SearchFilter with_deleted;
  with_deleted.include_deleted = true;
  EXPECT_THAT(Find(index_, {"kind"}, {}, with_deleted), ElementsAre(Id(3)));
}

TEST_F(ViewIndexTest, RemoveForgetsAnEntryAndItsWords) {
  index_.Remove(Id(2));
  index_.Remove(Id(99));  // not indexed: nothing
  EXPECT_THAT(Find(index_, {"gentle"}), ElementsAre(Id(3), Id(1)));
  EXPECT_EQ(index_.entries().size(), 2u);
  index_.Upsert(Id(2), 300, "walk", false, Words({"back again"}));
  EXPECT_THAT(Find(index_, {"again"}), ElementsAre(Id(2)));
  EXPECT_THAT(Find(index_, {"calm"}), IsEmpty());
}

TEST(ViewIndex, BatchesBuiltApartJoinAsOne) {
  std::vector<ViewIndex::Batch> batches(3);
  for (int i = 0; i < 300; ++i) {
    batches[i % 3].Add(Id(i), i, "letter", false, Words({i % 2 == 0 ? "even kind" : "odd kind"}));
  }
  batches[1].Add("type:walk", 5, "letter", false, Words({"even"}));  // not an entry: ignored
  ViewIndex index;
  index.AddAll(std::move(batches));
  EXPECT_EQ(index.entries().size(), 300u);
  auto even = Find(index, {"even", "kind"});
  ASSERT_EQ(even.size(), 150u);
  EXPECT_EQ(even.front(), Id(298));
  EXPECT_EQ(even.back(), Id(0));
  index.Upsert(Id(298), 1, "letter", false, Words({"odd"}));  // after the join
  EXPECT_EQ(Find(index, {"even", "kind"}).front(), Id(296));
}

TEST(ViewIndex, ManyEditsCompactAndStayCorrect) {
  ViewIndex index;
  for (int round = 0; round < 5; ++round) {
    const std::string word = "round" + std::to_string(round);
    for (int i = 0; i < 1000; ++i) {
      index.Upsert(Id(i), i, i % 2 ? "walk" : "letter", false,
                   Words({word, i % 10 == 0 ? "tenth" : "other"}));
    }
  }
  EXPECT_EQ(index.entries().size(), 1000u);
  EXPECT_THAT(Find(index, {"round3"}), IsEmpty());
  EXPECT_EQ(Find(index, {"round4"}).size(), 1000u);
  EXPECT_EQ(Find(index, {"round4", "tenth"}).size(), 100u);
  EXPECT_EQ(Find(index, {"round4"}).front(), Id(999));
  EXPECT_EQ(index.entries().Count({.type = "walk"}), 500u);
}

TEST(ViewIndex, SortsOnlyThePrefixAsked) {
  ViewIndex index;
  for (int i = 0; i < 50; ++i) index.Upsert(Id(i), i * 7 % 50, "letter", false, Words({"same"}));
  auto matches = index.Search({"same"}, {}, {}, 3);
  ASSERT_EQ(matches.size(), 50u);
  EXPECT_EQ(matches[0].at_us, 49);
  EXPECT_EQ(matches[1].at_us, 48);
  EXPECT_EQ(matches[2].at_us, 47);
}

TEST(ViewIndex, IgnoresIdsThatAreNotEntryIds) {
  ViewIndex index;
  index.Upsert("type:walk", 1, "letter", false, Words({"hidden"}));
  index.Upsert("zz", 1, "letter", false, Words({"hidden"}));
  EXPECT_THAT(Find(index, {"hidden"}), IsEmpty());
  EXPECT_EQ(index.entries().size(), 0u);
}

}  // namespace
}  // namespace haven
