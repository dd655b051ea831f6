#include "server/search/search_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Id(int n) {
  char buf[25];
  std::snprintf(buf, sizeof buf, "%024x", n);
  return buf;
}

SearchDoc Doc(const std::string& id, int64_t at, std::vector<std::string_view> texts,
              std::string_view type = "letter", std::vector<std::string_view> tags = {},
              bool deleted = false) {
  return SearchDoc{id, at, type, deleted, std::move(texts), std::move(tags)};
}

std::vector<std::string> Ids(const std::vector<SearchMatch>& matches) {
  std::vector<std::string> out;
  for (const auto& m : matches) out.push_back(m.id());
  return out;
}

std::vector<std::string> Find(const SearchIndex& index, std::vector<std::string> words,
                              std::vector<std::string> excluded = {}, SearchFilter filter = {}) {
  return Ids(index.Find(words, excluded, filter, SIZE_MAX));
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Upsert(Doc(Id(1), 100, {"Dear me, be gentle today"}));
    index_.Upsert(Doc(Id(2), 300, {"A gentle walk", "calm"}, "walk", {"outdoors"}));
    index_.Upsert(Doc(Id(3), 200, {"Kind words; gentle voice"}, "letter", {"self-care"}));
  }
  SearchIndex index_;
};

TEST_F(SearchIndexTest, FindsEntriesHoldingEveryWordNewestFirst) {
  EXPECT_THAT(Find(index_, {"gentle"}), ElementsAre(Id(2), Id(3), Id(1)));
  EXPECT_THAT(Find(index_, {"gentle", "kind"}), ElementsAre(Id(3)));
  EXPECT_THAT(Find(index_, {"gentle", "absent"}), IsEmpty());
}

TEST_F(SearchIndexTest, ExcludesWords) {
  EXPECT_THAT(Find(index_, {"gentle"}, {"walk"}), ElementsAre(Id(3), Id(1)));
  EXPECT_THAT(Find(index_, {"gentle"}, {"nowhere"}), ElementsAre(Id(2), Id(3), Id(1)));
}

TEST_F(SearchIndexTest, TagsAreWordsAndFilters) {
  EXPECT_THAT(Find(index_, {"care"}), ElementsAre(Id(3)));
  SearchFilter tagged;
  tagged.tags = {"outdoors"};
  EXPECT_THAT(Find(index_, {"gentle"}, {}, tagged), ElementsAre(Id(2)));
}

TEST_F(SearchIndexTest, FiltersByTypeAndTime) {
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

TEST_F(SearchIndexTest, AnEditReplacesTheOldWords) {
  index_.Upsert(Doc(Id(1), 100, {"Dear me, rest now"}));
  EXPECT_THAT(Find(index_, {"gentle"}), ElementsAre(Id(2), Id(3)));
  EXPECT_THAT(Find(index_, {"rest"}), ElementsAre(Id(1)));
  EXPECT_EQ(index_.entries(), 3u);
}

TEST_F(SearchIndexTest, DeletedEntriesOnlyOnRequest) {
  index_.Upsert(Doc(Id(3), 200, {"Kind words; gentle voice"}, "letter", {}, /*deleted=*/true));
  EXPECT_THAT(Find(index_, {"kind"}), IsEmpty());
  SearchFilter with_deleted;
  with_deleted.include_deleted = true;
  EXPECT_THAT(Find(index_, {"kind"}, {}, with_deleted), ElementsAre(Id(3)));
}

TEST_F(SearchIndexTest, RemoveForgetsAnEntry) {
  index_.Remove(Id(2));
  index_.Remove(Id(99));  // not indexed: nothing
  EXPECT_THAT(Find(index_, {"gentle"}), ElementsAre(Id(3), Id(1)));
  EXPECT_EQ(index_.entries(), 2u);
}

TEST(SearchIndex, ShardsBuiltApartJoinAsOne) {
  std::vector<SearchIndex::Shard> shards(3);
  for (int i = 0; i < 300; ++i) {
    const std::string id = Id(i);
    shards[i % 3].Add(Doc(id, i, {i % 2 == 0 ? "even kind" : "odd kind"}));
  }
  SearchIndex index;
  index.AddAll(std::move(shards));
  EXPECT_EQ(index.entries(), 300u);
  auto even = Find(index, {"even", "kind"});
  ASSERT_EQ(even.size(), 150u);
  EXPECT_EQ(even.front(), Id(298));
  EXPECT_EQ(even.back(), Id(0));
}

TEST(SearchIndex, ManyEditsCompactAndStayCorrect) {
  SearchIndex index;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 1000; ++i) {
      const std::string word = "round" + std::to_string(round);
      index.Upsert(Doc(Id(i), i, {word, i % 10 == 0 ? "tenth" : "other"}));
    }
  }
  EXPECT_EQ(index.entries(), 1000u);
  EXPECT_THAT(Find(index, {"round3"}), IsEmpty());
  EXPECT_EQ(Find(index, {"round4"}).size(), 1000u);
  EXPECT_EQ(Find(index, {"round4", "tenth"}).size(), 100u);
}

TEST(SearchIndex, SortsOnlyThePrefixAsked) {
  SearchIndex index;
  for (int i = 0; i < 50; ++i) index.Upsert(Doc(Id(i), i * 7 % 50, {"same"}));
  auto matches = index.Find({"same"}, {}, {}, 3);
  ASSERT_EQ(matches.size(), 50u);
  EXPECT_EQ(matches[0].at_us, 49);
  EXPECT_EQ(matches[1].at_us, 48);
  EXPECT_EQ(matches[2].at_us, 47);
}

TEST(SearchIndex, IgnoresIdsThatAreNotEntryIds) {
  SearchIndex index;
  index.Upsert(Doc("type:walk", 1, {"hidden"}));
  index.Upsert(Doc("zz", 1, {"hidden"}));
  EXPECT_THAT(Find(index, {"hidden"}), IsEmpty());
  EXPECT_EQ(index.entries(), 0u);
}

}  // namespace
}  // namespace haven
