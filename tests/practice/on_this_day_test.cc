// The days `haven list --on-this-day` walks: this calendar day in each
// earlier year, and the leap day's rule.
#include "server/practice/on_this_day.h"

#include <gtest/gtest.h>

#include <string>

#include "common/time.h"
#include "tests/common/scoped_time_zone.h"

namespace haven {
namespace {

using testing::ScopedTimeZone;

int64_t Local(const std::string& text) { return *ParseTimeInput(text, 0); }

std::string Show(const DayRange& r) { return LocalDate(r.since_us) + ".." + LocalDate(r.until_us); }

TEST(OnThisDayTest, SameDayInEachEarlierYearNewestFirst) {
  ScopedTimeZone zone("Europe/Berlin");
  auto ranges = OnThisDayRanges(Local("2026-06-02 12:00"), 2023);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[0].since_us, Local("2025-06-02 00:00"));
  EXPECT_EQ(ranges[0].until_us, Local("2025-06-03 00:00"));
  EXPECT_EQ(Show(ranges[1]), "2024-06-02..2024-06-03");
  EXPECT_EQ(Show(ranges[2]), "2023-06-02..2023-06-03");
  EXPECT_TRUE(OnThisDayRanges(Local("2026-06-02 12:00"), 2026).empty());
}

TEST(OnThisDayTest, TwentyEighthOfFebruaryInACommonYearTakesTheLeapDay) {
  ScopedTimeZone zone("Europe/Berlin");
  auto ranges = OnThisDayRanges(Local("2027-02-28 08:00"), 2024);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(Show(ranges[0]), "2026-02-28..2026-03-01");
  EXPECT_EQ(Show(ranges[2]), "2024-02-28..2024-03-01");  // two days: 28 and 29
  EXPECT_EQ(ranges[2].until_us - ranges[2].since_us, 2LL * 24 * 3600 * 1000000);
}

TEST(OnThisDayTest, LeapDayFindsOnlyLeapDays) {
  ScopedTimeZone zone("Europe/Berlin");
  auto ranges = OnThisDayRanges(Local("2028-02-29 08:00"), 2019);
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(Show(ranges[0]), "2024-02-29..2024-03-01");
  EXPECT_EQ(Show(ranges[1]), "2020-02-29..2020-03-01");
  // The 28th of a leap year is that day alone; the 29th comes tomorrow.
  EXPECT_EQ(Show(OnThisDayRanges(Local("2028-02-28 08:00"), 2027)[0]), "2027-02-28..2027-03-01");
  EXPECT_EQ(Show(OnThisDayRanges(Local("2028-02-28 08:00"), 2024)[3]), "2024-02-28..2024-02-29");
}

TEST(OnThisDayTest, FirstOfMarchIsOnlyTheFirst) {
  ScopedTimeZone zone("Europe/Berlin");
  auto ranges = OnThisDayRanges(Local("2025-03-01 08:00"), 2024);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(Show(ranges[0]), "2024-03-01..2024-03-02");
}

TEST(OnThisDayTest, YearsBackAreBounded) {
  ScopedTimeZone zone("UTC");
  EXPECT_EQ(OnThisDayRanges(Local("2026-06-02 12:00"), -100000).size(), 400u);
}

}  // namespace
}  // namespace haven
