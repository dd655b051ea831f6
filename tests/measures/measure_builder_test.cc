#include "server/measures/measure_builder.h"

#include <gtest/gtest.h>

#include "server/measures/measure_table.h"
#include "tests/insights/test_support.h"

namespace haven {
namespace {

using nlohmann::json;

class MeasureBuilderTest : public testing::LocalTimeTest {
 protected:
  Entry& Who5(const std::string& at, double percent, const std::string& flag = "none") {
    return Add("who-5", at, {{"q1", 3}},
               {{"raw", percent / 4}, {"percent", percent}, {"flag", flag}});
  }
  Entry& EcrRs(const std::string& at, const std::string& relationship, double avoidance,
               double anxiety) {
    return Add("ecr-rs", at, {{"relationship", relationship}},
               {{"avoidance", avoidance}, {"anxiety", anxiety}});
  }
  json Finish(const std::string& today = "2026-12-01 12:00") {
    MeasureBuilder b;
    for (const Entry* e : All()) b.Add(*e, LocalDayNumber(e->at_us));
    return b.Finish(LocalDayNumber(T(today)));
  }
};

TEST_F(MeasureBuilderTest, NothingWithoutTakings) {
  Add("mindfulness", "2026-11-01 09:00", {{"minutes", 10}});
  EXPECT_EQ(Finish(), json::object());
}

TEST_F(MeasureBuilderTest, SeriesHasFirstLatestChangeInTimeOrder) {
  Who5("2026-11-15 09:00", 64);
  Who5("2026-11-01 09:00", 48, "low");
  Who5("2026-11-29 09:00", 56);
  const json m = Finish()["who-5"];
  EXPECT_EQ(m["n"], 3);
  EXPECT_EQ(m["title"], "Well-being (WHO-5)");
  EXPECT_EQ(m["score"], "percent");
  EXPECT_EQ(m["unit"], "%");
  EXPECT_EQ(m["first"]["value"], 48);
  EXPECT_EQ(m["first"]["flag"], "low");
  EXPECT_EQ(m["first"]["at"], "2026-11-01T09:00:00+01:00");
  EXPECT_EQ(m["latest"]["value"], 56);
  EXPECT_EQ(m["change"], 8);
  EXPECT_EQ(m["meaningful_change"], false);  // under 10 points
  EXPECT_EQ(m["change_since_previous"], -8);
  EXPECT_EQ(m["meaningful_change_since_previous"], false);
  ASSERT_EQ(m["series"].size(), 3u);
  EXPECT_EQ(m["series"][1]["value"], 64);
  EXPECT_EQ(m["retake_days"], 14);
  EXPECT_EQ(m["next_due"], "2026-12-13");   // 29 November + 14 days
  EXPECT_TRUE(m["association"].is_null());  // fewer than four takings
}

TEST_F(MeasureBuilderTest, TenPointsEitherWayIsAMeaningfulChange) {
  Who5("2026-11-01 09:00", 60);
  Who5("2026-11-15 09:00", 50, "low");
  EXPECT_EQ(Finish()["who-5"]["meaningful_change"], true);
  entries_.clear();
  Who5("2026-11-01 09:00", 60);
  Who5("2026-11-15 09:00", 72);
  EXPECT_EQ(Finish()["who-5"]["change"], 12);
  EXPECT_EQ(Finish()["who-5"]["meaningful_change"], true);
  entries_.clear();
  Add("swls", "2026-11-01 09:00", {}, {{"total", 10}, {"band", "dissatisfied"}});
  Add("swls", "2026-11-20 09:00", {}, {{"total", 30}, {"band", "satisfied"}});
  EXPECT_TRUE(Finish()["swls"]["meaningful_change"].is_null());  // not defined for SWLS
  EXPECT_EQ(Finish()["swls"]["latest"]["band"], "satisfied");
}

TEST_F(MeasureBuilderTest, TenPointsSinceTheTakingBeforeIsMeaningfulToo) {
  Who5("2026-11-01 09:00", 60);
  Who5("2026-11-15 09:00", 48, "low");
  Who5("2026-11-29 09:00", 64);
  const json m = Finish()["who-5"];
  EXPECT_EQ(m["change"], 4);
  EXPECT_EQ(m["meaningful_change"], false);
  EXPECT_EQ(m["change_since_previous"], 16);
  EXPECT_EQ(m["meaningful_change_since_previous"], true);
  entries_.clear();
  Who5("2026-11-01 09:00", 60);
  const json one = Finish()["who-5"];
  EXPECT_TRUE(one["change_since_previous"].is_null());
  EXPECT_TRUE(one["meaningful_change_since_previous"].is_null());
}

TEST_F(MeasureBuilderTest, NextDueIsTodayWhenOverdue) {
  Add("brs", "2026-09-01 09:00", {}, {{"score", 3.5}, {"band", "normal"}});
  const json m = Finish("2026-12-01 12:00")["brs"];
  EXPECT_EQ(m["next_due"], "2026-12-01");
  // One taking has no change yet.
  EXPECT_TRUE(m["change"].is_null());
  EXPECT_TRUE(m["meaningful_change"].is_null());
}

TEST_F(MeasureBuilderTest, EachMeasureFollowsItsOwnScore) {
  Add("scs-sf", "2026-11-01 09:00", {},
      {{"total", 3.25}, {"self_kindness", 4}, {"band", "moderate"}});
  Add("swls", "2026-11-01 09:00", {}, {{"total", 26}, {"band", "satisfied"}});
  Add("brs", "2026-11-01 09:00", {}, {{"score", 25.0 / 6}, {"band", "normal"}});
  Who5("2026-11-01 09:00", 64);
  const json m = Finish();
  EXPECT_EQ(m["scs-sf"]["latest"]["value"], 3.25);
  EXPECT_EQ(m["scs-sf"]["latest"]["band"], "moderate");
  EXPECT_EQ(m["swls"]["latest"]["value"], 26);
  EXPECT_EQ(m["brs"]["latest"]["value"], 4.167);  // stats round to 3 decimals
  EXPECT_EQ(m["who-5"]["latest"]["value"], 64);
  EXPECT_EQ(m["who-5"]["score"], "percent");
}

TEST_F(MeasureBuilderTest, OnlyTheTypesOwnRelationshipsNameASeries) {
  EcrRs("2026-11-01 09:00", "partner", 2.5, 3.0);
  EcrRs("2026-11-02 09:00", "series", 4.0, 1.5);
  EcrRs("2026-11-03 09:00", "\x1b[2Jboss", 4.0, 1.5);
  const json m = Finish()["ecr-rs"];
  ASSERT_EQ(m.size(), 1u) << m.dump();
  EXPECT_TRUE(m.contains("partner"));
}

TEST_F(MeasureBuilderTest, TakingsWhosePracticeWasCutBySinceStayOutOfTheLink) {
  // Stats from 1 October: the 14 days before takings up to 15 October
  // reach back before it.
  for (const char* at : {"2026-10-10 09:00", "2026-10-16 09:00", "2026-10-30 09:00",
                         "2026-11-13 09:00", "2026-11-27 09:00"}) {
    Who5(at, 60);
  }
  Add("letter", "2026-10-05 09:00", {});
  MeasureBuilder b(/*sees_practice=*/true, LocalDayNumber(T("2026-10-01 00:00")));
  for (const Entry* e : All()) b.Add(*e, LocalDayNumber(e->at_us));
  const json m = b.Finish(LocalDayNumber(T("2026-12-01 12:00")))["who-5"];
  EXPECT_FALSE(m["series"][0].contains("practice_14d"));
  EXPECT_EQ(m["series"][1]["practice_14d"], 1);  // 2 to 15 October, all inside the range
  EXPECT_EQ(m["n"], 5);
  EXPECT_EQ(m["association"]["n"], 4);
}

TEST_F(MeasureBuilderTest, EcrRsKeepsEachRelationshipAndScoreApart) {
  EcrRs("2026-11-01 09:00", "partner", 2.5, 3.0);
  EcrRs("2026-11-02 09:00", "mother", 4.0, 1.5);
  EcrRs("2026-11-20 09:00", "partner", 2.0, 3.5);
  Add("ecr-rs", "2026-11-21 09:00", {{"q1", 2}},
      {{"avoidance", 1}, {"anxiety", 1}});  // no relationship
  const json m = Finish()["ecr-rs"];
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m["partner"]["avoidance"]["n"], 2);
  EXPECT_EQ(m["partner"]["avoidance"]["change"], -0.5);
  EXPECT_EQ(m["partner"]["anxiety"]["change"], 0.5);
  EXPECT_EQ(m["partner"]["anxiety"]["relationship"], "partner");
  EXPECT_EQ(m["partner"]["anxiety"]["better"], "lower");
  EXPECT_EQ(m["mother"]["anxiety"]["n"], 1);
  EXPECT_EQ(m["mother"]["anxiety"]["latest"]["value"], 1.5);
  EXPECT_FALSE(m["mother"]["anxiety"]["latest"].contains("band"));  // dimensional: no label
}

TEST_F(MeasureBuilderTest, TakingsWithoutTheirScoreAreLeftOut) {
  Add("who-5", "2026-11-01 09:00", {{"q1", 3}}, json::object());
  Add("who-5", "2026-11-02 09:00", {{"q1", 3}}, {{"percent", "high"}});
  EXPECT_EQ(Finish(), json::object());
}

TEST_F(MeasureBuilderTest, PracticeIsCountedOnTheFourteenDaysBeforeTheTakingsDay) {
  Add("mindfulness", "2026-11-01 23:30", {});  // 15 days before: outside
  Add("mindfulness", "2026-11-02 00:30", {});  // 14 days before: inside
  Add("letter", "2026-11-10 12:00", {});
  Add("letter", "2026-11-15 23:59", {});   // the day before
  Add("checkin", "2026-11-16 08:00", {});  // the taking's own day: outside
  Add("swls", "2026-11-10 13:00", {},
      {{"total", 20}, {"band", "neutral"}});  // a measure is not practice
  Who5("2026-11-16 09:00", 60);
  const json who5 = Finish()["who-5"];
  EXPECT_EQ(who5["series"][0]["practice_14d"], 3);
  // The SWLS taking on 10 November sees the first two, not the letter that day.
  EXPECT_EQ(Finish()["swls"]["series"][0]["practice_14d"], 2);
}

TEST_F(MeasureBuilderTest, FourTakingsRankPracticeAgainstTheMeasure) {
  // Practice before each taking: 0, 2, 1, 3; values 40, 60, 52, 72: same order.
  Who5("2026-10-01 09:00", 40);
  Add("mindfulness", "2026-10-10 09:00", {});
  Add("mindfulness", "2026-10-11 09:00", {});
  Who5("2026-10-15 09:00", 60);
  Add("mindfulness", "2026-10-25 09:00", {});
  Who5("2026-11-01 09:00", 52);
  for (int d = 10; d <= 12; ++d) Add("letter", "2026-11-" + std::to_string(d) + " 09:00", {});
  Who5("2026-11-15 09:00", 72);
  const json m = Finish()["who-5"];
  ASSERT_TRUE(m["association"].is_object());
  EXPECT_EQ(m["association"]["n"], 4);
  EXPECT_EQ(m["association"]["window_days"], 14);
  EXPECT_EQ(m["association"]["spearman"], 1.0);
  EXPECT_EQ(m["series"][2]["practice_14d"], 1);
}

TEST_F(MeasureBuilderTest, NoPracticeVariationGivesNoCorrelation) {
  for (const char* at :
       {"2026-10-01 09:00", "2026-10-15 09:00", "2026-11-01 09:00", "2026-11-15 09:00"}) {
    Who5(at, 60);
  }
  const json a = Finish()["who-5"]["association"];
  ASSERT_TRUE(a.is_object());
  EXPECT_TRUE(a["spearman"].is_null());
}

TEST_F(MeasureBuilderTest, WithoutSightOfPracticeThereIsNoPracticeColumnOrLink) {
  for (const char* at :
       {"2026-10-01 09:00", "2026-10-15 09:00", "2026-11-01 09:00", "2026-11-15 09:00"}) {
    Who5(at, 60);
  }
  MeasureBuilder b(/*sees_practice=*/false);
  for (const Entry* e : All()) b.Add(*e, LocalDayNumber(e->at_us));
  const json m = b.Finish(LocalDayNumber(T("2026-12-01 12:00")))["who-5"];
  EXPECT_EQ(m["n"], 4);
  EXPECT_FALSE(m["series"][0].contains("practice_14d"));
  EXPECT_TRUE(m["association"].is_null());
}

TEST_F(MeasureBuilderTest, MergedBuildersEqualOne) {
  Who5("2026-10-01 09:00", 40);
  Add("mindfulness", "2026-10-10 09:00", {});
  Who5("2026-10-15 09:00", 60);
  EcrRs("2026-10-20 09:00", "friend", 3, 2);
  Add("letter", "2026-10-25 09:00", {});
  Who5("2026-11-01 09:00", 52);
  Who5("2026-11-15 09:00", 72);
  MeasureBuilder a, b;
  int i = 0;
  for (const Entry* e : All()) (i++ % 2 ? a : b).Add(*e, LocalDayNumber(e->at_us));
  a.Merge(std::move(b));
  EXPECT_EQ(a.Finish(LocalDayNumber(T("2026-12-01 12:00"))), Finish());
}

TEST(MeasureTableTest, TheContractsMeasures) {
  ASSERT_EQ(Measures().size(), 5u);
  EXPECT_EQ(FindMeasure("who-5")->retake_days, 14);
  for (const char* type : {"ecr-rs", "swls", "brs", "scs-sf"}) {
    EXPECT_EQ(FindMeasure(type)->retake_days, 28) << type;
  }
  EXPECT_EQ(FindMeasure("ecr-rs")->split_by, "relationship");
  EXPECT_EQ(FindMeasure("who-5")->meaningful_change, 10);
  EXPECT_FALSE(IsMeasureType("checkin"));
}

}  // namespace
}  // namespace haven
