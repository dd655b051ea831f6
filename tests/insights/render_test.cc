#include <regex>
#include <sstream>

#include "common/stats_render.h"
#include "server/insights/stats.h"
#include "tests/insights/test_support.h"

namespace haven {
namespace {

using nlohmann::json;

std::string StripAnsi(const std::string& s) {
  return std::regex_replace(s, std::regex("\x1b\\[[0-9;]*m"), "");
}

int Columns(const std::string& s) {
  int n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class RenderTest : public testing::LocalTimeTest {
 protected:
  json History() {
    for (int week = 0; week < 12; ++week) {
      const int64_t at = T("2026-09-01 09:00") + week * 7 * 86400LL * 1'000'000;
      Entry& e = Add("checkin", FormatRfc3339(at), {{"mood", 3 + week % 5}});
      (void)e;
      Add("break", FormatRfc3339(at + 3600LL * 1'000'000),
          {{"distress_before", 7}, {"distress_after", 4}}, {{"distress_change", -3}});
    }
    json answers;
    for (int i = 1; i <= 12; ++i) answers["q" + std::to_string(i)] = 3;
    Add("scs-sf", "2026-11-01 09:00", answers);
    StatsOptions o;
    o.numeric_fields["checkin"] = {{"mood", true, 0, 10}};
    o.summarize = [](const std::string& type, const std::vector<const Entry*>&) {
      return type == "break" ? std::vector<std::string>{"Most breaks were in the morning."}
                             : std::vector<std::string>{};
    };
    return ComputeStats(All(), o, T("2026-11-25 12:00"));
  }
};

TEST(SparklineTest, ScalesIntoEightBars) {
  EXPECT_EQ(Sparkline({0, 1, 2, 3, 4, 5, 6, 7}, 0, 7), "▁▂▃▄▅▆▇█");
  EXPECT_EQ(Sparkline({-5, 50}, 0, 10), "▁█");  // clamped
  EXPECT_EQ(Sparkline({2, 2}, 2, 2), "▄▄");     // flat
  EXPECT_EQ(Sparkline({}, 0, 1), "");
}

TEST_F(RenderTest, EmptyHistorySaysSoKindly) {
  const std::string out = RenderStatsTable(ComputeStats({}, {}, 0), {});
  EXPECT_NE(out.find("No entries yet."), std::string::npos);
  EXPECT_EQ(out.find("streak"), std::string::npos);
}

TEST_F(RenderTest, ShowsEverySectionWithoutColourByDefault) {
  const std::string out = RenderStatsTable(History(), {false, 100});
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  for (const char* part :
       {"Practice", "checkin", "Current streak", "0 days", "Longest streak", "1 day", "Active days",
        "Entries per week", "Fields", "checkin.mood", "Before and after", "break.distress_change",
        "-3", "Self-Compassion Scale", "3.00 (moderate)", "From plugins",
        "Most breaks were in the morning."}) {
    EXPECT_NE(out.find(part), std::string::npos) << part << "\n" << out;
  }
  EXPECT_NE(out.find("▃▄▅▅▆"), std::string::npos);      // weekly mood means
  EXPECT_EQ(out.find("scs-sf.q1"), std::string::npos);  // items stay in the JSON
}

TEST_F(RenderTest, BrokenStreakIsStatedPlainly) {
  const std::string out = RenderStatsTable(History(), {false, 80});
  for (const char* shaming : {"broke", "lost", "missed", "fail", "only", "!"}) {
    EXPECT_EQ(out.find(shaming), std::string::npos) << shaming;
  }
}

TEST_F(RenderTest, ScsSfTotalComesBeforeSubscales) {
  const std::string out = RenderStatsTable(History(), {false, 80});
  const size_t total = out.find("Latest total");
  const size_t subscales = out.find("Subscales");
  ASSERT_NE(total, std::string::npos);
  ASSERT_NE(subscales, std::string::npos);
  EXPECT_LT(total, subscales);
}

TEST_F(RenderTest, ColourOnlyWhenAsked) {
  const json stats = History();
  const std::string out = RenderStatsTable(stats, {true, 80});
  EXPECT_NE(out.find("\x1b[1m"), std::string::npos);
  EXPECT_EQ(StripAnsi(out), RenderStatsTable(stats, {false, 80}));
}

TEST_F(RenderTest, FitsTheTerminalWidth) {
  const json stats = History();
  for (int width : {40, 60, 80, 120}) {
    std::istringstream lines(StripAnsi(RenderStatsTable(stats, {true, width})));
    for (std::string line; std::getline(lines, line);) {
      EXPECT_LE(Columns(line), width) << width << ": " << line;
    }
  }
}

TEST_F(RenderTest, MissingWeeksShowAsGapsInFieldSparklines) {
  Add("checkin", "2026-11-02 09:00", {{"mood", 0}});
  Add("checkin", "2026-11-16 09:00", {{"mood", 10}});
  StatsOptions o;
  o.numeric_fields["checkin"] = {{"mood", true, 0, 10}};
  const std::string out = RenderStatsTable(ComputeStats(All(), o, T("2026-11-20 12:00")), {});
  EXPECT_NE(out.find("▁ █"), std::string::npos) << out;
}

}  // namespace
}  // namespace haven
