// The built-in `brs` through the real plugin: the score (mean of the six
// after reversing items 2, 4 and 6 as 6 - x), stored exact, and its band,
// decided on the whole-number sum (low under 18, high from 26).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "measure_test_util.h"

namespace haven::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class BrsTest : public MeasureTest {};

struct BrsCase {
  std::vector<int> answers;
  int sum;  // after reversing
  const char* band;
};

TEST_F(BrsTest, ScoreAndBandOnBothSidesOfEachBoundary) {
  const std::vector<BrsCase> cases = {
      {{3, 3, 3, 3, 3, 3}, 18, "normal"},  // score 3.00 exactly
      {{2, 3, 3, 3, 3, 3}, 17, "low"},     // one plain item lower
      {{3, 4, 3, 3, 3, 3}, 17, "low"},     // one reversed item higher
      {{4, 1, 4, 2, 4, 2}, 25, "normal"},  // 12 + 5 + 4 + 4: 4.17
      {{4, 1, 4, 1, 4, 2}, 26, "high"},    // 4.33, the first score above 4.30
      {{5, 1, 5, 1, 5, 1}, 30, "high"},   {{1, 5, 1, 5, 1, 5}, 6, "low"},
  };
  for (const BrsCase& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.answers));
    json d = Derive("brs", Answers(c.answers));
    ASSERT_TRUE(d.is_object()) << d.dump();
    EXPECT_EQ(d["score"].get<double>(), c.sum / 6.0);
    EXPECT_EQ(d["band"], c.band);
    EXPECT_EQ(d.size(), 2u) << d.dump();
  }
  // Stored unrounded: 25/6, not 4.17.
  EXPECT_EQ(Derive("brs", Answers({4, 1, 4, 2, 4, 2}))["score"].get<double>(), 25.0 / 6);
}

TEST_F(BrsTest, ReversedItemsMoveTheScoreTheOtherWay) {
  // From all 3s (sum 18), one answer raised to 4.
  for (int item = 1; item <= 6; ++item) {
    std::vector<int> q(6, 3);
    q[item - 1] = 4;
    json d = Derive("brs", Answers(q));
    bool reversed = item % 2 == 0;
    EXPECT_EQ(d["score"].get<double>(), (reversed ? 17 : 19) / 6.0) << "item " << item;
    EXPECT_EQ(d["band"], reversed ? "low" : "normal") << "item " << item;
  }
}

TEST_F(BrsTest, RefusesWhatDoesNotFit) {
  for (int bad : {0, 6}) {
    EXPECT_THAT(Refusal("brs", Answers({3, 3, 3, 3, bad, 3})),
                HasSubstr("field \"q5\": must be a whole number from 1 to 5"))
        << bad;
  }
  EXPECT_EQ(Refusal("brs", Answers({3, 3, 3, 3, 3})), "field \"q6\": is required");
}

TEST_F(BrsTest, SummaryGivesTwoDecimals) {
  EXPECT_THAT(Summarize("brs", {Answers({4, 1, 4, 2, 4, 2})}),
              ElementsAre("Resilience (BRS): 4.17 (normal) from your first taking"));
  EXPECT_THAT(Summarize("brs", {Answers({3, 4, 3, 3, 3, 3}), Answers({4, 1, 4, 1, 4, 2})}),
              ElementsAre("Resilience (BRS): 4.33 (high) in the latest of 2 takings; the first "
                          "was 2.83"));
}

TEST_F(BrsTest, ItemWordingIsNotShipped) {
  const ExerciseType& t = Type("brs");
  ASSERT_EQ(t.fields.size(), 6u);
  EXPECT_EQ(t.fields[1].prompt, "Item 2 (1 = strongly disagree ... 5 = strongly agree)");
  EXPECT_THAT(t.fields[1].help, HasSubstr("Answer item 2 of the published questionnaire"));
}

// The five questionnaires carry their full published source.
TEST_F(BrsTest, EveryQuestionnaireHasItsCitation) {
  EXPECT_EQ(Type("brs").citation,
            "Smith, B. W., Dalen, J., Wiggins, K., Tooley, E., Christopher, P., & Bernard, J. "
            "(2008). The Brief Resilience Scale: Assessing the ability to bounce back. "
            "International Journal of Behavioral Medicine, 15(3), 194\u2013200.");
  EXPECT_EQ(Type("swls").citation,
            "Diener, E., Emmons, R. A., Larsen, R. J., & Griffin, S. (1985). The Satisfaction "
            "With Life Scale. Journal of Personality Assessment, 49(1), 71\u201375.");
  EXPECT_EQ(Type("scs-sf").citation,
            "Raes, F., Pommier, E., Neff, K. D., & Van Gucht, D. (2011). Construction and "
            "factorial validation of a short form of the Self-Compassion Scale. Clinical "
            "Psychology & Psychotherapy, 18(3), 250\u2013255.");
  EXPECT_EQ(Type("ecr-rs").citation,
            "Fraley, R. C., Heffernan, M. E., Vicary, A. M., & Brumbaugh, C. C. (2011). The "
            "Experiences in Close Relationships\u2013Relationship Structures questionnaire: A "
            "method for assessing attachment orientations across relationships. Psychological "
            "Assessment, 23(3), 615\u2013625.");
  EXPECT_EQ(Type("who-5").citation,
            "World Health Organization Regional Office for Europe (1998). Wellbeing measures in "
            "primary health care: the DepCare project. Copenhagen: WHO. Review: Topp, C. W., "
            "\u00d8stergaard, S. D., S\u00f8ndergaard, S., & Bech, P. (2015). The WHO-5 "
            "Well-Being Index: A systematic review of the literature. Psychotherapy and "
            "Psychosomatics, 84(3), 167\u2013176.");
  for (const char* plain : {"checkin", "break", "mindfulness"}) {
    EXPECT_TRUE(Type(plain).citation.empty()) << plain;
  }
}

}  // namespace
}  // namespace haven::testing
