// What `haven remind`, `nudge` and `reread` read and say: times of day,
// day lists, --every intervals, the nudge's line and when an entry was
// written.
#include "cli/practice_text.h"

#include <gtest/gtest.h>

#include "common/time.h"
#include "tests/common/scoped_time_zone.h"

namespace haven::cli {
namespace {

TEST(PracticeTextTest, TimeOfDay) {
  EXPECT_EQ(*ParseTimeOfDay("00:00"), 0u);
  EXPECT_EQ(*ParseTimeOfDay("9:05"), 545u);
  EXPECT_EQ(*ParseTimeOfDay("23:59"), 1439u);
  for (const char* bad : {"24:00", "25:00", "12:60", "12", "12:5", ":30", "123:00", "-1:00",
                          "09:00x", "", "ab:cd", "1:2:3"}) {
    auto parsed = ParseTimeOfDay(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseTimeOfDay("25:00").status().message(),
            "time \"25:00\": expected HH:MM from 00:00 to 23:59");
}

TEST(PracticeTextTest, DayLists) {
  EXPECT_EQ(*ParseDayList("mon,Wed, FRIDAY"), (std::vector<std::string>{"mon", "wed", "fri"}));
  EXPECT_EQ(ParseDayList("mon,funday").status().message(),
            "--days \"funday\": expected day names like mon,wed,fri (mon tue wed thu fri sat sun)");
  EXPECT_FALSE(ParseDayList("").ok());
  EXPECT_FALSE(ParseDayList("mon,").ok());
  EXPECT_FALSE(ParseDayList("mo").ok());
}

TEST(PracticeTextTest, EveryTakesWholeDaysFromOneTo366) {
  constexpr int64_t kDay = 24LL * 3600 * 1000000;
  EXPECT_EQ(*ParseEvery("1d"), kDay);
  EXPECT_EQ(*ParseEvery("14d"), 14 * kDay);
  EXPECT_EQ(*ParseEvery("2w"), 14 * kDay);
  EXPECT_EQ(*ParseEvery("4w"), 28 * kDay);
  EXPECT_EQ(*ParseEvery("1w3d"), 10 * kDay);
  EXPECT_EQ(*ParseEvery("366d"), 366 * kDay);
  for (const char* bad :
       {"0d", "0", "367d", "400d", "53w", "3h", "1d12h", "24h", "x", "", "-2w", "2", "2W"}) {
    auto parsed = ParseEvery(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseEvery("3h").status().message(),
            "--every \"3h\": expected whole days from 1d to 366d, like 14d, 2w or 4w");
}

TEST(PracticeTextTest, EveryTextPrefersWeeks) {
  constexpr int64_t kDay = 24LL * 3600 * 1000000;
  v1::Reminder r;
  EXPECT_EQ(EveryText(r), "");
  r.set_every_us(14 * kDay);
  EXPECT_EQ(EveryText(r), "2w");
  r.set_every_us(7 * kDay);
  EXPECT_EQ(EveryText(r), "1w");
  r.set_every_us(10 * kDay);
  EXPECT_EQ(EveryText(r), "10d");
  r.set_every_us(kDay);
  EXPECT_EQ(EveryText(r), "1d");
}

TEST(PracticeTextTest, NudgeLineNamesStreakAndPracticeWithoutPressure) {
  v1::NudgeReply reply;
  reply.set_entries(12);
  reply.set_top_type("break");
  reply.set_top_title("Self-Compassion Break");
  reply.set_streak_days(4);
  const std::string line = NudgeLine(reply);
  EXPECT_NE(line.find("4 days in a row"), std::string::npos) << line;
  EXPECT_NE(line.find("Self-Compassion Break (haven log break)"), std::string::npos) << line;
  EXPECT_EQ(line.find('!'), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  reply.set_streak_days(1);
  EXPECT_NE(NudgeLine(reply).find("1 day in a row"), std::string::npos);
  reply.set_streak_days(0);
  EXPECT_EQ(NudgeLine(reply).find("in a row"), std::string::npos);
  EXPECT_NE(NudgeLine(reply).find("haven log break"), std::string::npos);
  reply.Clear();
  EXPECT_NE(NudgeLine(reply).find("haven log"), std::string::npos);
}

TEST(PracticeTextTest, WrittenWhen) {
  haven::testing::ScopedTimeZone zone("Europe/Berlin");
  const int64_t now = *ParseTimeInput("2026-09-02 10:00", 0);
  EXPECT_EQ(WrittenWhen(*ParseTimeInput("2026-06-02 23:30", 0), now),
            "Written 3 months ago, on Tuesday 2 June 2026");
  EXPECT_EQ(WrittenWhen(*ParseTimeInput("2026-09-02 08:00", 0), now),
            "Written today, on Wednesday 2 September 2026");
  EXPECT_EQ(WrittenWhen(*ParseTimeInput("2026-09-01 23:59", 0), now),
            "Written yesterday, on Tuesday 1 September 2026");
  EXPECT_EQ(WrittenWhen(*ParseTimeInput("2026-08-26 12:00", 0), now),
            "Written 7 days ago, on Wednesday 26 August 2026");
  EXPECT_EQ(WrittenWhen(*ParseTimeInput("2026-08-12 12:00", 0), now),
            "Written 3 weeks ago, on Wednesday 12 August 2026");
  EXPECT_EQ(WrittenWhen(*ParseTimeInput("2023-09-01 12:00", 0), now),
            "Written 3 years ago, on Friday 1 September 2023");
}

}  // namespace
}  // namespace haven::cli
