#include "server/search/snippet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace haven {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;
using ::testing::StartsWith;

TEST(FindPhrase, FindsConsecutiveFoldedWords) {
  EXPECT_THAT(FindPhrase("I heard a Gentle, voice.", {"gentle", "voice"}), Optional(Pair(10, 23)));
  EXPECT_EQ(FindPhrase("gentle then voice", {"gentle", "voice"}), std::nullopt);
  EXPECT_THAT(FindPhrase("Été", {"ete"}), Optional(Pair(0, 5)));
  EXPECT_EQ(FindPhrase("anything", {}), std::nullopt);
}

TEST(Excerpt, ShortTextIsWholeOnOneLine) {
  EXPECT_EQ(Excerpt("Dear me,\nbe gentle.", 12, 18), "Dear me, be gentle.");
  // A hit near the end of a short text still shows all of it.
  EXPECT_EQ(Excerpt("Dear me, I hear a Gentle Voice today.", 25, 30),
            "Dear me, I hear a Gentle Voice today.");
}

TEST(Excerpt, LongTextIsCutAroundTheHitAtSpaces) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "word" + std::to_string(i) + " ";
  const size_t at = text.find("word20");
  std::string out = Excerpt(text, at, at + 6);
  EXPECT_THAT(out, StartsWith("…word"));
  EXPECT_THAT(out, HasSubstr("word20"));
  EXPECT_EQ(out.substr(out.size() - 3), "…");
  EXPECT_LT(out.size(), 100u);
}

TEST(Excerpt, ControlCharactersBecomeSpaces) {
  EXPECT_EQ(Excerpt("calm \x1b[31mred\x1b[0m now", 0, 4), "calm [31mred [0m now");
}

TEST(Excerpt, StartsAtACharacterWhenNoSpaceIsNear) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += (i % 2 == 0) ? "\xC3\xA9" : "\xE5\xBF\x83";
  text += " hit";
  const size_t at = text.find("hit");
  std::string out = Excerpt(text, at, at + 3, 24);
  ASSERT_GT(out.size(), 3u);
  EXPECT_EQ(out.substr(0, 3), "…");
  EXPECT_NE(static_cast<unsigned char>(out[3]) & 0xC0, 0x80) << out;
}

TEST(Excerpt, NeverCutsInsideACharacter) {
  std::string text(100, 'x');
  text += " é";
  for (int i = 0; i < 60; ++i) text += "ü";
  const size_t at = text.find("é");
  std::string out = Excerpt(text, at, at + 2, 20);
  // Every byte sequence is whole UTF-8: no lone continuation byte at the ends.
  ASSERT_FALSE(out.empty());
  EXPECT_NE(static_cast<unsigned char>(out[0]) & 0xC0, 0x80);
  EXPECT_THAT(out, HasSubstr("é"));
}

}  // namespace
}  // namespace haven
