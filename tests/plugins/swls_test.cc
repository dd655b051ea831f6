// The built-in `swls` through the real plugin: the total (5-35) and its band
// on both sides of every boundary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "measure_test_util.h"

namespace haven::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SwlsTest : public MeasureTest {};

struct SwlsCase {
  std::vector<int> answers;
  int total;
  const char* band;
};

TEST_F(SwlsTest, TotalAndBandOnBothSidesOfEveryBoundary) {
  const std::vector<SwlsCase> cases = {
      {{1, 1, 1, 1, 1}, 5, "extremely-dissatisfied"},
      {{1, 2, 2, 2, 2}, 9, "extremely-dissatisfied"},
      {{2, 2, 2, 2, 2}, 10, "dissatisfied"},
      {{2, 3, 3, 3, 3}, 14, "dissatisfied"},
      {{3, 3, 3, 3, 3}, 15, "slightly-dissatisfied"},
      {{3, 4, 4, 4, 4}, 19, "slightly-dissatisfied"},
      {{4, 4, 4, 4, 4}, 20, "neutral"},
      {{4, 4, 4, 4, 5}, 21, "slightly-satisfied"},
      {{5, 5, 5, 5, 5}, 25, "slightly-satisfied"},
      {{5, 5, 6, 5, 5}, 26, "satisfied"},
      {{6, 6, 6, 6, 6}, 30, "satisfied"},
      {{6, 7, 6, 6, 6}, 31, "extremely-satisfied"},
      {{7, 7, 7, 7, 7}, 35, "extremely-satisfied"},
  };
  for (const SwlsCase& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.answers));
    json d = Derive("swls", Answers(c.answers));
    EXPECT_EQ(d, (json{{"total", c.total}, {"band", c.band}}));
    EXPECT_TRUE(d["total"].is_number_integer()) << d.dump();
  }
}

TEST_F(SwlsTest, NoItemIsReversed) {
  for (int item = 1; item <= 5; ++item) {
    std::vector<int> q(5, 4);
    q[item - 1] = 5;
    EXPECT_EQ(Derive("swls", Answers(q))["total"], 21) << "item " << item;
  }
}

TEST_F(SwlsTest, RefusesWhatDoesNotFit) {
  for (int bad : {0, 8}) {
    EXPECT_THAT(Refusal("swls", Answers({4, bad, 4, 4, 4})),
                HasSubstr("field \"q2\": must be a whole number from 1 to 7"))
        << bad;
  }
  EXPECT_EQ(Refusal("swls", Answers({4, 4, 4, 4})), "field \"q5\": is required");
}

TEST_F(SwlsTest, SummaryGivesTheLatestTotalAndTheFirst) {
  EXPECT_THAT(Summarize("swls", {Answers({4, 4, 4, 4, 4})}),
              ElementsAre("Life satisfaction (SWLS): 20 of 35 (neutral) from your first taking"));
  EXPECT_THAT(Summarize("swls", {Answers({4, 4, 4, 4, 4}), Answers({1, 1, 1, 1, 1}),
                                 Answers({5, 5, 6, 5, 5})}),
              ElementsAre("Life satisfaction (SWLS): 26 of 35 (satisfied) in the latest of 3 "
                          "takings; the first was 20"));
}

TEST_F(SwlsTest, ShipsTheWordingAndTheScale) {
  const ExerciseType& t = Type("swls");
  ASSERT_EQ(t.fields.size(), 5u);
  EXPECT_EQ(t.fields[0].prompt,
            "In most ways my life is close to my ideal (1 = strongly disagree ... 7 = strongly "
            "agree)");
  EXPECT_THAT(t.fields[4].prompt,
              HasSubstr("If I could live my life over, I would change almost nothing"));
  EXPECT_THAT(t.fields[2].help, HasSubstr("4 Neither agree nor disagree"));
}

}  // namespace
}  // namespace haven::testing
