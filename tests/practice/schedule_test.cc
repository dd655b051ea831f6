// When a reminder is due: the next occurrence across days, the days
// filter, the latest occurrence in a window, and daylight-saving changes
// (Europe/Berlin: clocks go forward on 29 March 2026 at 02:00, back on 25
// October 2026 at 03:00).
#include "server/practice/schedule.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "common/time.h"
#include "tests/common/scoped_time_zone.h"

namespace haven {
namespace {

using testing::ScopedTimeZone;

int64_t Local(const std::string& text) { return *ParseTimeInput(text, 0); }

v1::Reminder At(uint32_t hour, uint32_t minute, std::initializer_list<const char*> days = {}) {
  v1::Reminder r;
  r.set_minute_of_day(hour * 60 + minute);
  for (const char* d : days) r.add_days(d);
  return r;
}

TEST(ScheduleTest, WeekdaysCountFromMonday) {
  EXPECT_EQ(WeekdayOfDay(0), 3);                              // 1970-01-01, a Thursday
  EXPECT_EQ(WeekdayOfDay(DayNumberOfDate(2026, 12, 7)), 0);   // a Monday
  EXPECT_EQ(WeekdayOfDay(DayNumberOfDate(2026, 12, 6)), 6);   // a Sunday
  EXPECT_EQ(WeekdayOfDay(DayNumberOfDate(1969, 12, 31)), 2);  // before the epoch
}

TEST(ScheduleTest, NextOccurrenceLaterTodayOrTomorrow) {
  ScopedTimeZone zone("Europe/Berlin");
  EXPECT_EQ(NextOccurrence(At(9, 0), Local("2026-06-02 08:00")), Local("2026-06-02 09:00"));
  EXPECT_EQ(NextOccurrence(At(9, 0), Local("2026-06-02 09:00")), Local("2026-06-03 09:00"));
  EXPECT_EQ(NextOccurrence(At(0, 0), Local("2026-12-31 23:59")), Local("2027-01-01 00:00"));
  EXPECT_EQ(NextOccurrence(At(23, 59), Local("2026-06-02 23:58")), Local("2026-06-02 23:59"));
}

TEST(ScheduleTest, DaysFilterSkipsToTheNextNamedDay) {
  ScopedTimeZone zone("Europe/Berlin");
  // 2026-06-01 is a Monday.
  const v1::Reminder mon_wed = At(9, 0, {"mon", "wed"});
  EXPECT_EQ(NextOccurrence(mon_wed, Local("2026-06-01 08:00")), Local("2026-06-01 09:00"));
  EXPECT_EQ(NextOccurrence(mon_wed, Local("2026-06-01 10:00")), Local("2026-06-03 09:00"));
  EXPECT_EQ(NextOccurrence(mon_wed, Local("2026-06-05 10:00")), Local("2026-06-08 09:00"));
  EXPECT_EQ(NextOccurrence(At(9, 0, {"sun"}), Local("2026-06-07 09:00")),
            Local("2026-06-14 09:00"));
}

TEST(ScheduleTest, WallClockTimeHoldsAcrossDaylightSaving) {
  ScopedTimeZone zone("Europe/Berlin");
  // 09:00 CET is 08:00 UTC; the next day 09:00 CEST is 07:00 UTC: 23 hours on.
  const int64_t before = NextOccurrence(At(9, 0), Local("2026-03-28 08:00"));
  const int64_t after = NextOccurrence(At(9, 0), before);
  EXPECT_EQ(before, Local("2026-03-28T08:00:00Z"));
  EXPECT_EQ(after, Local("2026-03-29T07:00:00Z"));
  // And back in October: 25 hours.
  EXPECT_EQ(NextOccurrence(At(9, 0), Local("2026-10-24 10:00")), Local("2026-10-25T08:00:00Z"));
}

TEST(ScheduleTest, SkippedMinuteIsDueAfterTheGapOnce) {
  ScopedTimeZone zone("Europe/Berlin");
  const int64_t due = NextOccurrence(At(2, 30), Local("2026-03-29 00:00"));
  EXPECT_EQ(LocalDate(due), "2026-03-29");
  EXPECT_GE(due, Local("2026-03-29T01:00:00Z"));  // the gap's end, 03:00 CEST
  EXPECT_LE(due, Local("2026-03-29T01:30:00Z"));
  EXPECT_EQ(NextOccurrence(At(2, 30), due), Local("2026-03-30 02:30"));
}

TEST(ScheduleTest, RepeatedMinuteIsDueOnce) {
  ScopedTimeZone zone("Europe/Berlin");
  const int64_t due = NextOccurrence(At(2, 30), Local("2026-10-25 00:00"));
  EXPECT_EQ(LocalDate(due), "2026-10-25");
  EXPECT_EQ(LocalDate(NextOccurrence(At(2, 30), due)), "2026-10-26");
}

TEST(ScheduleTest, LatestOccurrenceInAWindow) {
  ScopedTimeZone zone("Europe/Berlin");
  const int64_t nine = Local("2026-06-02 09:00");
  EXPECT_EQ(LatestOccurrenceIn(At(9, 0), nine - 60'000'000, nine), nine);  // (from, to]
  EXPECT_EQ(LatestOccurrenceIn(At(9, 0), nine, nine + 60'000'000), std::nullopt);
  EXPECT_EQ(LatestOccurrenceIn(At(9, 0), nine - 10, nine - 1), std::nullopt);
  // Two days in the window: the later one, once.
  EXPECT_EQ(LatestOccurrenceIn(At(9, 0), Local("2026-06-01 08:00"), Local("2026-06-02 10:00")),
            nine);
  // 2026-06-02 is a Tuesday: a Monday-only reminder is not due then.
  EXPECT_EQ(LatestOccurrenceIn(At(9, 0, {"mon"}), nine - 60'000'000, nine), std::nullopt);
  EXPECT_EQ(LatestOccurrenceIn(At(9, 0), nine, nine), std::nullopt);
}

TEST(ScheduleTest, IntervalStartStepsLocalDaysAcrossDst) {
  ScopedTimeZone zone("Europe/Berlin");
  constexpr int64_t kDay = 24LL * 3600 * 1000000;
  EXPECT_EQ(IntervalStart(Local("2026-06-15 09:00"), 14 * kDay), Local("2026-06-01 09:00"));
  EXPECT_EQ(IntervalStart(Local("2026-06-15 09:00"), kDay), Local("2026-06-14 09:00"));
  // 09:00 two weeks after a spring-forward night is 09:00 two weeks before,
  // 13 days and 23 hours earlier; after a fall-back night, 14 days and 1 hour.
  EXPECT_EQ(IntervalStart(Local("2026-04-05 09:00"), 14 * kDay), Local("2026-03-22 09:00"));
  EXPECT_EQ(Local("2026-04-05 09:00") - Local("2026-03-22 09:00"), 14 * kDay - 3600000000LL);
  EXPECT_EQ(IntervalStart(Local("2026-11-01 09:00"), 14 * kDay), Local("2026-10-18 09:00"));
  EXPECT_EQ(Local("2026-11-01 09:00") - Local("2026-10-18 09:00"), 14 * kDay + 3600000000LL);
  // A year back, across a leap day.
  EXPECT_EQ(IntervalStart(Local("2028-03-15 09:00"), 366 * kDay), Local("2027-03-15 09:00"));
}

}  // namespace
}  // namespace haven
