// The search index alone: documents are the numbers the caller gives; it
// answers which of them hold the words, tags and exclusions asked.
#include "server/search/search_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

SearchDoc Doc(std::vector<std::string_view> texts, std::vector<std::string_view> tags = {}) {
  return SearchDoc{std::move(texts), std::move(tags)};
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Add(1, Doc({"Dear me, be gentle today"}));
    index_.Add(2, Doc({"A gentle walk", "calm"}, {"outdoors"}));
    index_.Add(3, Doc({"Kind words; gentle voice"}, {"self-care"}));
  }
  std::vector<uint32_t> Find(std::vector<std::string> words, std::vector<std::string> excluded = {},
                             std::vector<std::string> tags = {}) const {
    return index_.Find(words, excluded, tags);
  }
  SearchIndex index_;
};

TEST_F(SearchIndexTest, FindsDocumentsHoldingEveryWordInOrder) {
  EXPECT_THAT(Find({"gentle"}), ElementsAre(1, 2, 3));
  EXPECT_THAT(Find({"gentle", "kind"}), ElementsAre(3));
  EXPECT_THAT(Find({"gentle", "absent"}), IsEmpty());
  EXPECT_THAT(Find({}), IsEmpty());
}

TEST_F(SearchIndexTest, ExcludesWords) {
  EXPECT_THAT(Find({"gentle"}, {"walk"}), ElementsAre(1, 3));
  EXPECT_THAT(Find({"gentle"}, {"nowhere"}), ElementsAre(1, 2, 3));
}

TEST_F(SearchIndexTest, TagsAreWordsAndExactFilters) {
  EXPECT_THAT(Find({"care"}), ElementsAre(3));
  EXPECT_THAT(Find({"gentle"}, {}, {"outdoors"}), ElementsAre(2));
  EXPECT_THAT(Find({}, {}, {"self-care"}), ElementsAre(3));
  EXPECT_THAT(Find({"gentle"}, {}, {"self"}), IsEmpty());
}

TEST_F(SearchIndexTest, IgnoresADocumentNumberNotAboveTheLast) {
  index_.Add(2, Doc({"late"}));
  index_.Add(3, Doc({"late"}));
  EXPECT_THAT(Find({"late"}), IsEmpty());
  index_.Add(4, Doc({"late"}));
  EXPECT_THAT(Find({"late"}), ElementsAre(4));
}

TEST(SearchIndex, ShardsJoinNumberedFromFirst) {
  std::vector<SearchIndex::Shard> shards(3);
  for (int i = 0; i < 300; ++i) shards[i / 100].Add(Doc({i % 2 == 0 ? "even kind" : "odd kind"}));
  EXPECT_EQ(shards[1].size(), 100u);
  SearchIndex index;
  index.AddAll(std::move(shards), 10);
  auto even = index.Find({"even", "kind"}, {}, {});
  ASSERT_EQ(even.size(), 150u);
  EXPECT_EQ(even.front(), 10u);
  EXPECT_EQ(even.back(), 308u);
  index.Add(309, Doc({"even"}));  // taken by the last of the shards: ignored
  index.Add(310, Doc({"even"}));
  EXPECT_EQ(index.Find({"even"}, {}, {}).back(), 310u);
  EXPECT_EQ(index.Find({"even"}, {}, {}).size(), 151u);
}

TEST(SearchIndex, RenumberKeepsOnlyTheMappedDocuments) {
  SearchIndex index;
  for (uint32_t d = 0; d < 6; ++d) index.Add(d, Doc({d % 2 == 0 ? "even" : "odd"}));
  constexpr uint32_t kDrop = PostingList::kDropped;
  index.Renumber({kDrop, 0, 1, kDrop, 2, 3});
  EXPECT_THAT(index.Find({"even"}, {}, {}), ElementsAre(1, 2));
  EXPECT_THAT(index.Find({"odd"}, {}, {}), ElementsAre(0, 3));
  index.Add(4, Doc({"even"}));
  EXPECT_THAT(index.Find({"even"}, {}, {}), ElementsAre(1, 2, 4));
}

}  // namespace
}  // namespace haven
