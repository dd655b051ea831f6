#include "server/search/search_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace haven {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Words = std::vector<std::string>;

TEST(SearchQuery, WordsPhrasesAndExclusions) {
  auto q = ParseSearchQuery({"Kind", "gentle voice", "-Harsh", "-\"inner critic\""});
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->wanted, ElementsAre(Words{"kind"}, Words{"gentle", "voice"}));
  EXPECT_THAT(q->excluded, ElementsAre(Words{"harsh"}, Words{"inner", "critic"}));
  EXPECT_THAT(q->RequiredWords(), ElementsAre("gentle", "kind", "voice"));
  EXPECT_THAT(q->ExcludedWords(), ElementsAre("harsh"));
  EXPECT_TRUE(q->NeedsReading());
}

TEST(SearchQuery, QuotesInsideOneArgument) {
  auto q = ParseSearchQuery({"kind \"gentle voice\" -harsh"});
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->wanted, ElementsAre(Words{"kind"}, Words{"gentle", "voice"}));
  EXPECT_THAT(q->excluded, ElementsAre(Words{"harsh"}));
}

TEST(SearchQuery, AHyphenatedWordIsAPhrase) {
  auto q = ParseSearchQuery({"self-compassion", "Été"});
  ASSERT_TRUE(q.ok());
  EXPECT_THAT(q->wanted, ElementsAre(Words{"self", "compassion"}, Words{"ete"}));
  EXPECT_TRUE(q->NeedsReading());
  auto single = ParseSearchQuery({"kind", "calm"});
  ASSERT_TRUE(single.ok());
  EXPECT_FALSE(single->NeedsReading());
}

TEST(SearchQuery, RefusesWhatCannotBeSearched) {
  EXPECT_THAT(ParseSearchQuery({"-harsh"}).status().message(), HasSubstr("at least one word"));
  EXPECT_THAT(ParseSearchQuery({"!!!"}).status().message(), HasSubstr("no letter or digit"));
  EXPECT_THAT(ParseSearchQuery({"\"open"}).status().message(), HasSubstr("closing quote"));
  EXPECT_THAT(ParseSearchQuery({"-"}).status().message(), HasSubstr("no letter or digit"));
  EXPECT_THAT(ParseSearchQuery(std::vector<std::string>(33, "w")).status().message(),
              HasSubstr("more than 32"));
  EXPECT_THAT(ParseSearchQuery({std::string(1025, 'a')}).status().message(),
              HasSubstr("1024 bytes"));
  EXPECT_EQ(ParseSearchQuery({}).status().code(), absl::StatusCode::kInvalidArgument);
  std::string long_phrase;
  for (int i = 0; i < 40; ++i) long_phrase += "a ";
  EXPECT_THAT(ParseSearchQuery({long_phrase}).status().message(), HasSubstr("words in all"));
}

}  // namespace
}  // namespace haven
