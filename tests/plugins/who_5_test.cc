// The built-in `who-5` through the real plugin: raw sum, percent (raw x 4)
// and the `low` flag (percent 50 or less, or any answer 0 or 1); its summary
// names meaningful changes (10 points or more) and never carries the flag's
// note.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/care_note.h"
#include "measure_test_util.h"

namespace haven::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Who5Test : public MeasureTest {};

struct Who5Case {
  std::vector<int> answers;
  int raw, percent;
  const char* flag;
};

TEST_F(Who5Test, PercentAndFlagAtEveryBoundary) {
  // The percent is always a multiple of 4, so 48 and 52 are the neighbours of
  // the boundary at 50 (which no set of answers gives).
  const std::vector<Who5Case> cases = {
      {{2, 2, 2, 3, 3}, 12, 48, "low"},   // at most 50, every answer 2 or more
      {{2, 2, 3, 3, 3}, 13, 52, "none"},  // above 50, every answer 2 or more
      {{1, 3, 3, 3, 3}, 13, 52, "low"},   // above 50, but one answer is 1
      {{3, 3, 3, 3, 1}, 13, 52, "low"},   // ... whichever item it is
      {{0, 5, 5, 5, 5}, 20, 80, "low"},   // high, but one answer is 0
      {{5, 5, 5, 5, 5}, 25, 100, "none"}, {{0, 0, 0, 0, 0}, 0, 0, "low"},
      {{2, 2, 2, 2, 2}, 10, 40, "low"},   {{4, 3, 5, 2, 2}, 16, 64, "none"},
  };
  for (const Who5Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.answers));
    json d = Derive("who-5", Answers(c.answers));
    ASSERT_TRUE(d.is_object()) << d.dump();
    EXPECT_EQ(d, (json{{"raw", c.raw}, {"percent", c.percent}, {"flag", c.flag}}));
    EXPECT_TRUE(d["raw"].is_number_integer() && d["percent"].is_number_integer()) << d.dump();
  }
}

TEST_F(Who5Test, EveryItemCountsTheSame) {
  for (int item = 1; item <= 5; ++item) {
    std::vector<int> q(5, 3);
    q[item - 1] = 4;
    EXPECT_EQ(Derive("who-5", Answers(q))["percent"], 64) << "item " << item;
  }
}

TEST_F(Who5Test, RefusesWhatDoesNotFit) {
  for (int bad : {6, -1}) {
    EXPECT_THAT(Refusal("who-5", Answers({3, 3, bad, 3, 3})),
                HasSubstr("field \"q3\": must be a whole number from 0 to 5"))
        << bad;
  }
  EXPECT_EQ(Refusal("who-5", Answers({3, 3, 3, 3})), "field \"q5\": is required");
  EXPECT_EQ(Refusal("who-5", Answers({3, 3, 3, 3, 3})), "");
}

TEST_F(Who5Test, SummaryNamesMeaningfulChanges) {
  EXPECT_THAT(Summarize("who-5", {Answers({2, 2, 2, 3, 3})}),
              ElementsAre("Well-being (WHO-5): 48% from your first taking"));
  EXPECT_THAT(Summarize("who-5", {Answers({2, 2, 2, 3, 3}), Answers({4, 3, 5, 2, 2})}),
              ElementsAre("Well-being (WHO-5): 64% in the latest of 2 takings, up 16 points "
                          "since the one before: a meaningful change"));
  // 60 -> 48 -> 64: up 16 since the one before, up 4 since the first.
  std::vector<json> three = {Answers({3, 3, 3, 3, 3}), Answers({2, 2, 2, 3, 3}),
                             Answers({4, 3, 5, 2, 2})};
  EXPECT_THAT(Summarize("who-5", three),
              ElementsAre("Well-being (WHO-5): 64% in the latest of 3 takings, up 16 points "
                          "since the one before: a meaningful change; up 4 points since the "
                          "first"));
  // 64 -> 56 (8 points: not yet meaningful) -> 44 (12 points down).
  std::vector<json> falling = {Answers({4, 3, 5, 2, 2}), Answers({3, 3, 3, 3, 2}),
                               Answers({2, 2, 2, 3, 2})};
  EXPECT_THAT(Summarize("who-5", falling),
              ElementsAre("Well-being (WHO-5): 44% in the latest of 3 takings, down 12 points "
                          "since the one before: a meaningful change; down 20 points since the "
                          "first: a meaningful change"));
  EXPECT_THAT(Summarize("who-5", {falling[0], falling[1]}),
              ElementsAre("Well-being (WHO-5): 56% in the latest of 2 takings, down 8 points "
                          "since the one before"));
  EXPECT_THAT(Summarize("who-5", {falling[1], Answers({3, 3, 3, 3, 3}), falling[1]}),
              ElementsAre("Well-being (WHO-5): 56% in the latest of 3 takings, down 4 points "
                          "since the one before; no change since the first"));
  EXPECT_TRUE(Summarize("who-5", {}).empty());
}

TEST_F(Who5Test, TheSummaryNeverCarriesTheLowNote) {
  // Low and falling: still only the numbers.
  for (const std::string& line :
       Summarize("who-5", {Answers({3, 3, 3, 3, 3}), Answers({1, 1, 1, 1, 1})})) {
    EXPECT_EQ(line.find(kLowWellBeingNote), std::string::npos) << line;
    EXPECT_EQ(line.find("doctor"), std::string::npos) << line;
  }
}

TEST_F(Who5Test, ShipsTheWordingAndTheScale) {
  const ExerciseType& t = Type("who-5");
  ASSERT_EQ(t.fields.size(), 5u);
  EXPECT_EQ(t.fields[0].prompt,
            "Over the last two weeks: I have felt cheerful and in good spirits (5 = all of the "
            "time ... 0 = at no time)");
  EXPECT_THAT(t.fields[4].prompt,
              HasSubstr("My daily life has been filled with things that interest me"));
  for (const FieldSpec& f : t.fields) {
    EXPECT_EQ(f.help,
              "5 All of the time, 4 Most of the time, 3 More than half of the time, 2 Less than "
              "half of the time, 1 Some of the time, 0 At no time.");
  }
}

}  // namespace
}  // namespace haven::testing
