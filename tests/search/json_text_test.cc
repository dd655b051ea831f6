#include "server/search/json_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace haven {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Strings(std::string_view json) {
  std::vector<std::string> out;
  std::string scratch;
  ForEachJsonString(json, &scratch, [&](std::string_view s) { out.emplace_back(s); });
  return out;
}

TEST(JsonText, DecodesStringsWithEscapes) {
  EXPECT_THAT(Strings(R"("a \"kind\" word\\ok")"), ElementsAre(R"(a "kind" word\ok)"));
  EXPECT_THAT(Strings(R"("line\nnext")"), ElementsAre("line next"));
  EXPECT_THAT(Strings(R"("caf\u00e9 \ud83d\ude00")"), ElementsAre("café 😀"));
  EXPECT_THAT(Strings(R"("lone \ud83d end")"), ElementsAre("lone \xEF\xBF\xBD end"));
}

TEST(JsonText, ArraysOfStringsAndNothingElse) {
  EXPECT_THAT(Strings(R"(["calm", "self-care"])"), ElementsAre("calm", "self-care"));
  EXPECT_THAT(Strings("7"), ElementsAre());
  EXPECT_THAT(Strings("true"), ElementsAre());
  EXPECT_THAT(Strings(R"({"a":"b"})"), ElementsAre());
  EXPECT_THAT(Strings(R"([1, "x"])"), ElementsAre());
}

TEST(JsonText, MalformedYieldsNoText) {
  EXPECT_THAT(Strings(R"("unterminated)"), ElementsAre());
  EXPECT_THAT(Strings(R"("bad \q escape")"), ElementsAre());
  EXPECT_THAT(Strings(R"("short \u12")"), ElementsAre());
  EXPECT_THAT(Strings(R"(["ok", "broken)"), ElementsAre("ok"));
  EXPECT_THAT(Strings(""), ElementsAre());
}

}  // namespace
}  // namespace haven
