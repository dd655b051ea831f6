// The built-in `ecr-rs` through the real plugin: avoidance (items 1-6, items
// 1-4 reversed as 8 - x) and anxiety (items 7-9), kept exact; one series per
// relationship in its summary; no attachment label anywhere.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "measure_test_util.h"

namespace haven::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

json Ecr(const std::string& relationship, const std::vector<int>& q) {
  return Answers(q, {{"relationship", relationship}});
}

class EcrRsTest : public MeasureTest {};

TEST_F(EcrRsTest, ScoresHandComputed) {
  // Avoidance: reversed 1-4 give 7, 6, 5, 3; then 6 and 7: 34 / 6.
  // Anxiety: 2 + 4 + 6 = 12 / 3 = 4. A wrong reversal set (none, all six,
  // 1-3, 3-6, 1-2 and 5-6) gives 24, 24, 36, 14 or 24 instead of 34, and
  // anxiety over items 6-8 would be 13 / 3.
  json d = Derive("ecr-rs", Ecr("partner", {1, 2, 3, 5, 6, 7, 2, 4, 6}));
  ASSERT_TRUE(d.is_object()) << d.dump();
  EXPECT_EQ(d["avoidance"].get<double>(), 34.0 / 6);  // stored exact, not 5.67
  EXPECT_EQ(d["anxiety"].get<double>(), 4.0);
  EXPECT_EQ(d.size(), 2u) << d.dump();  // two scores, no label

  // The most secure answers: 1.0 on both.
  d = Derive("ecr-rs", Ecr("mother", {7, 7, 7, 7, 1, 1, 1, 1, 1}));
  EXPECT_EQ(d, (json{{"avoidance", 1.0}, {"anxiety", 1.0}}));
  d = Derive("ecr-rs", Ecr("friend", {1, 1, 1, 1, 7, 7, 7, 7, 7}));
  EXPECT_EQ(d, (json{{"avoidance", 7.0}, {"anxiety", 7.0}}));
  // 11 / 3 for anxiety, kept unrounded.
  EXPECT_EQ(Derive("ecr-rs", Ecr("father", {4, 4, 4, 4, 4, 4, 3, 4, 4}))["anxiety"].get<double>(),
            11.0 / 3);
}

TEST_F(EcrRsTest, EachItemMovesItsOwnScoreInItsOwnDirection) {
  // From all 4s (avoidance 4, anxiety 4), one answer raised to 5.
  for (int item = 1; item <= 9; ++item) {
    SCOPED_TRACE("item " + std::to_string(item));
    std::vector<int> q(9, 4);
    q[item - 1] = 5;
    json d = Derive("ecr-rs", Ecr("partner", q));
    if (item <= 4) {  // reversed: agreeing more means less avoidance
      EXPECT_EQ(d["avoidance"].get<double>(), 23.0 / 6);
      EXPECT_EQ(d["anxiety"].get<double>(), 4.0);
    } else if (item <= 6) {
      EXPECT_EQ(d["avoidance"].get<double>(), 25.0 / 6);
      EXPECT_EQ(d["anxiety"].get<double>(), 4.0);
    } else {
      EXPECT_EQ(d["avoidance"].get<double>(), 4.0);
      EXPECT_EQ(d["anxiety"].get<double>(), 13.0 / 3);
    }
  }
}

TEST_F(EcrRsTest, RefusesWhatDoesNotFit) {
  const std::vector<int> ok(9, 4);
  for (int bad : {0, 8}) {
    json fields = Ecr("partner", ok);
    fields["q1"] = bad;
    EXPECT_THAT(Refusal("ecr-rs", fields), HasSubstr("field \"q1\": must be a whole number from 1 "
                                                     "to 7"))
        << bad;
  }
  json missing = Ecr("partner", ok);
  missing.erase("q9");
  EXPECT_EQ(Refusal("ecr-rs", missing), "field \"q9\": is required");
  json no_relationship = Answers(ok);
  EXPECT_EQ(Refusal("ecr-rs", no_relationship), "field \"relationship\": is required");
  EXPECT_THAT(Refusal("ecr-rs", Ecr("sister", ok)), HasSubstr("field \"relationship\""));
  EXPECT_EQ(Refusal("ecr-rs", Ecr("father", ok)), "");
}

TEST_F(EcrRsTest, EachRelationshipIsItsOwnSeries) {
  std::vector<json> takings = {
      Ecr("partner", {6, 6, 6, 6, 3, 4, 3, 4, 4}),  // 15/6 = 2.50, 11/3 = 3.67
      Ecr("mother", {4, 4, 4, 4, 4, 4, 4, 4, 4}),   // 4.00, 4.00
      Ecr("partner", {4, 4, 4, 4, 4, 4, 4, 4, 4}),
      Ecr("friend", {7, 7, 7, 7, 1, 1, 1, 1, 1}),   // 1.00, 1.00
      Ecr("partner", {6, 6, 6, 6, 2, 3, 3, 3, 3}),  // 13/6 = 2.17, 3.00
      Ecr("friend", {6, 6, 6, 6, 2, 2, 2, 3, 4}),   // 12/6 = 2.00, 9/3 = 3.00
  };
  EXPECT_THAT(Summarize("ecr-rs", takings),
              ElementsAre("Mother: avoidance 4.00, anxiety 4.00 from your first taking",
                          "Partner: avoidance 2.17, anxiety 3.00 in the latest of 3 takings; "
                          "the first was 2.50 and 3.67",
                          "Friend: avoidance 2.00, anxiety 3.00 in the latest of 2 takings; "
                          "the first was 1.00 and 1.00"));
  EXPECT_TRUE(Summarize("ecr-rs", {}).empty());
}

TEST_F(EcrRsTest, ShowsScoresNeverALabel) {
  const ExerciseType& t = Type("ecr-rs");
  EXPECT_THAT(t.description, HasSubstr("Lower on both is more secure"));
  EXPECT_EQ(t.fields.front().name, "relationship");
  std::string all = t.title + " " + t.description;
  for (const FieldSpec& f : t.fields) all += " " + f.prompt + " " + f.help;
  for (const char* label :
       {"style", "avoidant", "anxious", "preoccupied", "dismissing", "fearful"}) {
    EXPECT_THAT(all, Not(HasSubstr(label))) << label;
  }
  // The item wording is not shipped: each prompt names its item number.
  EXPECT_EQ(t.fields[3].prompt, "Item 3 (1 = strongly disagree ... 7 = strongly agree)");
  EXPECT_THAT(t.fields[3].help, HasSubstr("Answer item 3 of the published questionnaire"));
}

}  // namespace
}  // namespace haven::testing
