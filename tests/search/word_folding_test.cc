#include "server/search/word_folding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  ForEachWord(text, [&](std::string_view w, size_t, size_t) {
    out.emplace_back(w);
    return true;
  });
  return out;
}

TEST(WordFolding, SplitsAtPunctuationAndLowercasesAscii) {
  EXPECT_THAT(Words("May I be KIND to myself, today? (yes)"),
              ElementsAre("may", "i", "be", "kind", "to", "myself", "today", "yes"));
  EXPECT_THAT(Words("self-compassion: 10/10"), ElementsAre("self", "compassion", "10", "10"));
}

TEST(WordFolding, FoldsAccentsAndCaseBeyondAscii) {
  EXPECT_THAT(Words("Été À Noël"), ElementsAre("ete", "a", "noel"));
  EXPECT_THAT(Words("Straße ΚΑΛΗΜΈΡΑ Ñandú"), ElementsAre("strasse", "καλημερα", "nandu"));
  // Combining marks written apart fold like the composed letters.
  EXPECT_EQ(FoldWord("e\xCC\x81te\xCC\x81"), FoldWord("été"));
  EXPECT_EQ(FoldWord("ÉTÉ"), "ete");
}

TEST(WordFolding, ReportsWhereEachWordIs) {
  std::vector<std::pair<size_t, size_t>> ranges;
  ForEachWord("  hé, you", [&](std::string_view, size_t begin, size_t end) {
    ranges.emplace_back(begin, end);
    return true;
  });
  EXPECT_THAT(ranges, ElementsAre(std::make_pair(2u, 5u), std::make_pair(7u, 10u)));
}

TEST(WordFolding, InvalidUtf8EndsWordsAndNeverFails) {
  EXPECT_THAT(Words("ab\xFF"
                    "cd \xC3"),
              ElementsAre("ab", "cd"));
  EXPECT_THAT(Words("\xE2\x82"), ElementsAre());
}

TEST(WordFolding, CutsVeryLongWords) {
  const std::string word(200, 'a');
  auto words = Words(word + " b");
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].size(), kMaxWordBytes);
  EXPECT_EQ(words[1], "b");
}

TEST(WordFolding, CutsLongRunsOfWideCharactersAtACharacter) {
  std::string run;
  for (int i = 0; i < 30; ++i) run += "\xE5\xBF\x83";  // 心, three bytes each
  auto words = Words(run);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0].size(), 63u);  // 21 whole characters
}

TEST(WordFolding, StopsWhenTheVisitorDoes) {
  int seen = 0;
  EXPECT_FALSE(
      ForEachWord("one two three", [&](std::string_view, size_t, size_t) { return ++seen < 2; }));
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace haven
