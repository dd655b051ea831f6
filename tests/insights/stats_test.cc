#include "server/insights/stats.h"

#include "tests/insights/test_support.h"

namespace haven {
namespace {

using nlohmann::json;

class StatsTest : public testing::LocalTimeTest {
 protected:
  json Stats(const StatsOptions& o = {}) { return ComputeStats(All(), o, T("2026-11-20 12:00")); }
  static StatsOptions CheckinFields() {
    StatsOptions o;
    o.numeric_fields["checkin"] = {{"mood", true, 0, 10}, {"resilience", true, 0, 10}};
    return o;
  }
};

TEST_F(StatsTest, EmptyHistory) {
  const json s = Stats();
  EXPECT_EQ(s["total"], 0);
  EXPECT_TRUE(s["first"].is_null());
  EXPECT_TRUE(s["last"].is_null());
  EXPECT_EQ(s["by_type"], json::object());
  EXPECT_EQ(s["by_week"], json::object());
  EXPECT_EQ(s["streak"]["current"], 0);
  EXPECT_EQ(s["streak"]["longest"], 0);
  EXPECT_TRUE(s["streak"]["last_active"].is_null());
  EXPECT_EQ(s["active_days_30"], 0);
  EXPECT_EQ(s["fields"], json::object());
  EXPECT_EQ(s["deltas"], json::object());
  EXPECT_EQ(s["scs_sf"]["n"], 0);
  EXPECT_TRUE(s["scs_sf"]["latest"].is_null());
  EXPECT_EQ(s["summaries"], json::object());
}

TEST_F(StatsTest, OneEntry) {
  Add("checkin", "2026-11-20 08:00", {{"mood", 7}});
  const json s = Stats(CheckinFields());
  EXPECT_EQ(s["total"], 1);
  EXPECT_EQ(s["first"], "2026-11-20");
  EXPECT_EQ(s["last"], "2026-11-20");
  EXPECT_EQ(s["by_type"], json({{"checkin", 1}}));
  EXPECT_EQ(s["by_week"], json({{"2026-W47", 1}}));
  EXPECT_EQ(s["streak"]["current"], 1);
  EXPECT_EQ(s["streak"]["longest"], 1);
  EXPECT_EQ(s["active_days_30"], 1);
  const json& mood = s["fields"]["checkin.mood"];
  EXPECT_EQ(mood["n"], 1);
  EXPECT_EQ(mood["mean"], 7.0);
  EXPECT_EQ(mood["min"], 7.0);
  EXPECT_EQ(mood["max"], 7.0);
  EXPECT_TRUE(mood["slope_per_week"].is_null());  // fewer than two weeks
  EXPECT_EQ(mood["scale"], true);
  EXPECT_FALSE(s["fields"].contains("checkin.resilience"));  // never given
}

TEST_F(StatsTest, StreakCountsFromYesterdayUntilTodayHasAnEntry) {
  for (const char* day : {"2026-11-08", "2026-11-09", "2026-11-10",  // 3 days
                          "2026-11-14", "2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18",
                          "2026-11-19"}) {  // 6 days up to yesterday
    Add("checkin", std::string(day) + " 09:00");
  }
  Add("checkin", "2026-11-19 21:00");  // a second entry the same day counts once
  json s = Stats();
  EXPECT_EQ(s["streak"]["current"], 6);
  EXPECT_EQ(s["streak"]["longest"], 6);
  EXPECT_EQ(s["streak"]["last_active"], "2026-11-19");
  Add("break", "2026-11-20 07:00");
  s = Stats();
  EXPECT_EQ(s["streak"]["current"], 7);
  EXPECT_EQ(s["streak"]["longest"], 7);
}

TEST_F(StatsTest, BrokenStreakIsZeroButLongestRemains) {
  for (const char* day : {"2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-18"}) {
    Add("checkin", std::string(day) + " 09:00");
  }
  const json s = Stats();
  EXPECT_EQ(s["streak"]["current"], 0);  // nothing yesterday or today
  EXPECT_EQ(s["streak"]["longest"], 4);
  EXPECT_EQ(s["streak"]["last_active"], "2026-11-18");
}

TEST_F(StatsTest, TodayAloneStartsAStreakOfOne) {
  Add("checkin", "2026-11-17 09:00");
  Add("checkin", "2026-11-20 09:00");
  EXPECT_EQ(Stats()["streak"]["current"], 1);
}

TEST_F(StatsTest, LocalMidnightSplitsDays) {
  // 23:30 and 00:30 in Berlin: two local days, one UTC day.
  Add("checkin", "2026-11-18T23:30:00+01:00");
  Add("checkin", "2026-11-19T00:30:00+01:00");
  json s = Stats();
  EXPECT_EQ(s["streak"]["longest"], 2);
  EXPECT_EQ(s["streak"]["current"], 2);
  EXPECT_EQ(s["active_days_30"], 2);
  UseZone("UTC");
  s = ComputeStats(All(), {}, T("2026-11-20T12:00:00Z"));
  EXPECT_EQ(s["streak"]["longest"], 1);
  EXPECT_EQ(s["active_days_30"], 1);
  EXPECT_EQ(s["first"], "2026-11-18");
  EXPECT_EQ(s["last"], "2026-11-18");
}

TEST_F(StatsTest, LocalMidnightDecidesTheWeek) {
  // Sunday 23:30 and Monday 00:30 Berlin: two ISO weeks; in UTC both Sunday.
  Add("checkin", "2026-11-15T23:30:00+01:00");
  Add("checkin", "2026-11-16T00:30:00+01:00");
  EXPECT_EQ(Stats()["by_week"], json({{"2026-W46", 1}, {"2026-W47", 1}}));
  UseZone("UTC");
  EXPECT_EQ(ComputeStats(All(), {}, 0)["by_week"], json({{"2026-W46", 2}}));
}

TEST_F(StatsTest, DaysAcrossDaylightSavingChangeStayConsecutive) {
  // 2026-10-25 has 25 hours in Berlin.
  Add("checkin", "2026-10-24 00:30");
  Add("checkin", "2026-10-25 00:30");
  Add("checkin", "2026-10-26 00:30");
  Add("checkin", "2026-03-28 23:30");  // and 23 hours on 2026-03-29
  Add("checkin", "2026-03-29 23:30");
  EXPECT_EQ(Stats()["streak"]["longest"], 3);
}

TEST_F(StatsTest, IsoWeek53) {
  Add("checkin", "2026-12-31 10:00");
  Add("checkin", "2027-01-01 10:00");
  Add("checkin", "2027-01-03 22:00");
  Add("checkin", "2027-01-04 08:00");
  const json s = ComputeStats(All(), {}, T("2027-01-04 12:00"));
  EXPECT_EQ(s["by_week"], json({{"2026-W53", 3}, {"2027-W01", 1}}));
  EXPECT_EQ(s["streak"]["current"], 2);  // Jan 3 and 4; Jan 2 is empty
  EXPECT_EQ(s["streak"]["longest"], 2);
}

TEST_F(StatsTest, ActiveDaysCountTheLastThirtyLocalDays) {
  Add("checkin", "2026-10-21 23:59");  // 30 days before today: outside
  Add("checkin", "2026-10-22 00:00");  // 29 days before: inside
  Add("checkin", "2026-11-20 11:00");
  Add("checkin", "2026-11-20 11:30");
  EXPECT_EQ(Stats()["active_days_30"], 2);
}

TEST_F(StatsTest, MeansIgnoreMissingAndNonNumericValues) {
  Add("checkin", "2026-11-16 09:00", {{"mood", 4}, {"resilience", 9}});
  Add("checkin", "2026-11-17 09:00", {{"mood", 6}});
  Add("checkin", "2026-11-18 09:00", json::object());
  Add("checkin", "2026-11-19 09:00", {{"mood", nullptr}, {"resilience", "high"}});
  Add("checkin", "2026-11-19 10:00", {{"mood", 5.5}, {"resilience", true}});
  const json s = Stats(CheckinFields());
  EXPECT_EQ(s["fields"]["checkin.mood"]["n"], 3);
  EXPECT_DOUBLE_EQ(s["fields"]["checkin.mood"]["mean"].get<double>(), 5.167);
  EXPECT_EQ(s["fields"]["checkin.mood"]["min"], 4.0);
  EXPECT_EQ(s["fields"]["checkin.mood"]["max"], 6.0);
  EXPECT_EQ(s["fields"]["checkin.resilience"]["n"], 1);
  EXPECT_EQ(s["fields"]["checkin.resilience"]["mean"], 9.0);
}

TEST_F(StatsTest, SlopeIsLeastSquaresOnWeeklyMeans) {
  // Weekly means 2, 4, 6 in W45..W47: +2 a week, however many entries a week holds.
  Add("checkin", "2026-11-02 09:00", {{"mood", 1}});
  Add("checkin", "2026-11-03 09:00", {{"mood", 3}});
  Add("checkin", "2026-11-10 09:00", {{"mood", 4}});
  Add("checkin", "2026-11-16 09:00", {{"mood", 6}});
  Add("checkin", "2026-11-17 09:00", {{"mood", 6}});
  Add("checkin", "2026-11-18 09:00", {{"mood", 6}});
  const json mood = Stats(CheckinFields())["fields"]["checkin.mood"];
  EXPECT_DOUBLE_EQ(mood["slope_per_week"].get<double>(), 2.0);
  EXPECT_EQ(mood["weekly"], json::parse(R"([{"week":"2026-W45","mean":2.0,"n":2},
      {"week":"2026-W46","mean":4.0,"n":1},{"week":"2026-W47","mean":6.0,"n":3}])"));
}

TEST_F(StatsTest, SlopeCountsWeeksWithoutValuesAsTimePassing) {
  Add("checkin", "2026-11-02 09:00", {{"mood", 2}});  // W45
  Add("checkin", "2026-11-16 09:00", {{"mood", 6}});  // W47
  EXPECT_DOUBLE_EQ(Stats(CheckinFields())["fields"]["checkin.mood"]["slope_per_week"].get<double>(),
                   2.0);
}

TEST_F(StatsTest, SlopeAcrossTheYearEnd) {
  Add("checkin", "2026-12-28 09:00", {{"mood", 3}});  // 2026-W53
  Add("checkin", "2027-01-04 09:00", {{"mood", 4}});  // 2027-W01
  const json mood = ComputeStats(All(), CheckinFields(), 0)["fields"]["checkin.mood"];
  EXPECT_DOUBLE_EQ(mood["slope_per_week"].get<double>(), 1.0);
}

TEST_F(StatsTest, UnknownTypesInferNumericFields) {
  Add("custom", "2026-11-19 09:00", {{"minutes", 10}, {"done", true}, {"note", "x"}});
  Add("custom", "2026-11-20 09:00", {{"minutes", 20}});
  const json s = Stats();
  EXPECT_EQ(s["fields"]["custom.minutes"]["mean"], 15.0);
  EXPECT_EQ(s["fields"]["custom.minutes"]["scale"], false);
  EXPECT_FALSE(s["fields"].contains("custom.done"));
  EXPECT_FALSE(s["fields"].contains("custom.note"));
}

TEST_F(StatsTest, DeltasFromDerivedAndFromBeforeAfterFields) {
  Add("break", "2026-11-18 09:00", {{"distress_before", 8}, {"distress_after", 5}},
      {{"distress_change", -3}});
  Add("break", "2026-11-19 09:00", {{"distress_before", 6}, {"distress_after", 5}});  // no plugin
  Add("self-talk", "2026-11-19 10:00", {{"belief_before", 80}, {"belief_after", 50}},
      {{"belief_shift", -30}});
  Add("self-talk", "2026-11-19 11:00", {{"belief_before", 70}, {"belief_after", 60}});
  Add("mindfulness", "2026-11-19 12:00", {{"judgment_before", 6}, {"judgment_after", 3}});
  Add("mindfulness", "2026-11-19 13:00", {{"judgment_before", 6}});  // no after: skipped
  Add("mindfulness", "2026-11-20 08:00", {{"judgment_before", 4}, {"judgment_after", 4}});
  const json d = Stats()["deltas"];
  EXPECT_EQ(d["break.distress_change"],
            json({{"n", 2}, {"mean", -2.0}, {"min", -3.0}, {"max", -1.0}}));
  EXPECT_EQ(d["self-talk.belief_shift"]["n"], 2);
  EXPECT_EQ(d["self-talk.belief_shift"]["mean"], -20.0);
  EXPECT_EQ(d["mindfulness.judgment_change"]["n"], 2);
  EXPECT_EQ(d["mindfulness.judgment_change"]["mean"], -1.5);
  EXPECT_EQ(d.size(), 3u);
}

TEST_F(StatsTest, ScsSfTotalsFromDerivedOrScoredHere) {
  json answers;
  for (int i = 1; i <= 12; ++i) answers["q" + std::to_string(i)] = 3;
  Add("scs-sf", "2026-11-01 09:00", answers);  // scored here: 3.0 moderate
  // Items 1, 4, 8, 9, 11, 12 are reversed: answering 5 elsewhere, 1 there is the top score.
  for (int i : {2, 3, 5, 6, 7, 10}) answers["q" + std::to_string(i)] = 5;
  for (int i : {1, 4, 8, 9, 11, 12}) answers["q" + std::to_string(i)] = 1;
  Add("scs-sf", "2026-11-15 09:00", answers);
  Add("scs-sf", "2026-11-08 09:00", answers, {{"total", 2.25}, {"band", "low"}});
  const json scs = Stats()["scs_sf"];
  EXPECT_EQ(scs["n"], 3);
  ASSERT_EQ(scs["series"].size(), 3u);  // oldest first
  EXPECT_EQ(scs["series"][0]["total"], 3.0);
  EXPECT_EQ(scs["series"][0]["band"], "moderate");
  EXPECT_EQ(scs["series"][1]["total"], 2.25);
  EXPECT_EQ(scs["series"][1]["band"], "low");
  EXPECT_EQ(scs["series"][2]["at"], "2026-11-15T09:00:00+01:00");
  EXPECT_EQ(scs["latest"]["total"], 5.0);
  EXPECT_EQ(scs["latest"]["band"], "high");
  EXPECT_EQ(scs["latest"]["subscales"]["self_kindness"], 5.0);
  EXPECT_EQ(scs["latest"]["subscales"]["self_judgment"], 1.0);
}

TEST_F(StatsTest, FiltersByTypeAndTime) {
  Add("checkin", "2026-11-10 09:00");
  Add("checkin", "2026-11-12 09:00");
  Add("break", "2026-11-12 10:00");
  Add("checkin", "2026-11-14 09:00");
  StatsOptions o;
  o.type = "checkin";
  o.since_us = T("2026-11-11");
  o.until_us = T("2026-11-14 09:00");  // exclusive
  const json s = Stats(o);
  EXPECT_EQ(s["total"], 1);
  EXPECT_EQ(s["by_type"], json({{"checkin", 1}}));
}

TEST_F(StatsTest, SummariesComeFromTheCallbackOldestFirst) {
  Add("mindfulness", "2026-11-19 09:00", {{"minutes", 20}});
  Add("mindfulness", "2026-11-18 09:00", {{"minutes", 10}});
  Add("checkin", "2026-11-18 09:00", {{"mood", 5}});
  StatsOptions o;
  o.summarize = [](const std::string& type, const std::vector<const Entry*>& entries) {
    if (type != "mindfulness") return std::vector<std::string>{};
    return std::vector<std::string>{"first " + entries.front()->fields["minutes"].dump() + " min",
                                    "count " + std::to_string(entries.size())};
  };
  const json s = Stats(o);
  EXPECT_EQ(s["summaries"], json({{"mindfulness", {"first 10 min", "count 2"}}}));
}

TEST_F(StatsTest, SummarizeSeesOnlyTheTypesItAsksFor) {
  Add("mindfulness", "2026-11-19 09:00", {{"minutes", 20}});
  Add("checkin", "2026-11-18 09:00", {{"mood", 5}});
  StatsOptions o;
  std::vector<std::string> called;
  o.summarize = [&](const std::string& type, const std::vector<const Entry*>& entries) {
    called.push_back(type);
    return std::vector<std::string>{std::to_string(entries.size())};
  };
  o.summarize_types = std::set<std::string>{"mindfulness"};
  const json s = Stats(o);
  EXPECT_EQ(called, std::vector<std::string>{"mindfulness"});
  EXPECT_EQ(s["summaries"], json({{"mindfulness", {"1"}}}));
  EXPECT_EQ(s["total"], 2);
}

// Stats over a big history are built on several threads, each over part of
// the entries; merging their builders must give exactly the one-pass answer.
TEST_F(StatsTest, MergedBuildersEqualOneBuilder) {
  Add("checkin", "2026-11-02 08:00", {{"mood", 3}, {"resilience", 4}});
  Add("checkin", "2026-11-03 23:30", {{"mood", 6}});
  Add("checkin", "2026-11-04 00:30", {{"mood", 8}, {"resilience", 7}});
  Add("break", "2026-11-10 12:00", {{"distress_before", 8}, {"distress_after", 5}});
  Add("break", "2026-11-18 12:00", {{"distress_before", 6}, {"distress_after", 2}});
  Add("mindfulness", "2026-11-19 09:00", {{"minutes", 20}});
  Add("checkin", "2026-11-20 07:00", {{"mood", 9}});
  StatsOptions o = CheckinFields();
  o.summarize = [](const std::string& type, const std::vector<const Entry*>& entries) {
    std::string order;
    for (const Entry* e : entries) order += std::to_string(e->at_us % 100000) + " ";
    return std::vector<std::string>{type + ": " + order};
  };
  const json whole = Stats(o);
  for (size_t split = 0; split <= All().size(); ++split) {
    StatsBuilder a(o, T("2026-11-20 12:00")), b(o, T("2026-11-20 12:00"));
    std::vector<const Entry*> all = All();
    for (size_t i = 0; i < all.size(); ++i) (i < split ? b : a).Add(*all[all.size() - 1 - i]);
    a.Merge(std::move(b));
    EXPECT_EQ(a.Finish(), whole) << "split at " << split;
  }
  EXPECT_EQ(whole["total"], 7);
  EXPECT_EQ(whole["fields"]["checkin.mood"]["n"], 4);
  EXPECT_EQ(whole["deltas"]["break.distress_change"]["mean"], -3.5);
}

}  // namespace
}  // namespace haven
