#include "common/time.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <string>

#include "tests/common/scoped_time_zone.h"

namespace haven {
namespace {

constexpr int64_t kSec = 1'000'000;
constexpr int64_t kHour = 3600 * kSec;
constexpr int64_t kDay = 24 * kHour;

// Every test runs in a named zone and restores the previous TZ afterwards.
class TimeTest : public ::testing::Test {
 protected:
  static void UseZone(const char* zone) { testing::ScopedTimeZone::Use(zone); }
  static int64_t Parse(const std::string& text, int64_t now = 0) {
    auto r = ParseTimeInput(text, now);
    EXPECT_TRUE(r.ok()) << text << ": " << r.status();
    return r.ok() ? *r : -1;
  }

 private:
  testing::ScopedTimeZone zone_{"Europe/Berlin"};
};

// 2026-11-20T07:30:00Z
constexpr int64_t kNov20 = 1'795'159'800 * kSec;

TEST_F(TimeTest, ParsesRfc3339WithOffsetsAndFractions) {
  EXPECT_EQ(Parse("2026-11-20T07:30:00Z"), kNov20);
  EXPECT_EQ(Parse("2026-11-20T08:30:00+01:00"), kNov20);
  EXPECT_EQ(Parse("2026-11-20T02:30:00-05:00"), kNov20);
  EXPECT_EQ(Parse("2026-11-20t07:30:00z"), kNov20);
  EXPECT_EQ(Parse("2026-11-20T07:30:00.25Z"), kNov20 + 250'000);
  EXPECT_EQ(Parse("2026-11-20T07:30:00.123456789Z"), kNov20 + 123'456);
  EXPECT_EQ(Parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Parse("1969-12-31T23:59:59Z"), -kSec);
}

TEST_F(TimeTest, ParsesLocalForms) {
  // Berlin is UTC+1 in November.
  EXPECT_EQ(Parse("2026-11-20 08:30"), kNov20);
  EXPECT_EQ(Parse("2026-11-20T08:30"), kNov20);
  EXPECT_EQ(Parse("2026-11-20 08:30:00"), kNov20);
  EXPECT_EQ(Parse("2026-11-20"), kNov20 - 8 * kHour - 30 * 60 * kSec);
  // Summer time: UTC+2.
  EXPECT_EQ(Parse("2026-07-01 12:00"), Parse("2026-07-01T10:00:00Z"));
  UseZone("America/New_York");
  EXPECT_EQ(Parse("2026-11-20 02:30"), kNov20);
}

TEST_F(TimeTest, ParsesWordsRelativeToNow) {
  const int64_t now = kNov20;  // 08:30 local
  EXPECT_EQ(Parse("now", now), now);
  EXPECT_EQ(Parse("today", now), Parse("2026-11-20"));
  EXPECT_EQ(Parse("yesterday", now), Parse("2026-11-19"));
  EXPECT_EQ(Parse(" now ", now), now);
  // Just after local midnight "today" is already the new local date, while
  // the UTC date is still the previous one.
  const int64_t after_midnight = Parse("2026-11-21T00:30:00+01:00");
  EXPECT_EQ(Parse("today", after_midnight), Parse("2026-11-21"));
}

TEST_F(TimeTest, ParsesRelativeOffsets) {
  const int64_t now = kNov20 + 123;
  EXPECT_EQ(Parse("-2h", now), now - 2 * kHour);
  EXPECT_EQ(Parse("-30m", now), now - 30 * 60 * kSec);
  EXPECT_EQ(Parse("-90s", now), now - 90 * kSec);
  EXPECT_EQ(Parse("-3d", now), now - 3 * kDay);
  EXPECT_EQ(Parse("-1w", now), now - 7 * kDay);
  EXPECT_EQ(Parse("-1h30m", now), now - 90 * 60 * kSec);
}

TEST_F(TimeTest, DayOffsetsKeepWallClockAcrossDst) {
  // Berlin left summer time on 2026-10-25; three days earlier was UTC+2.
  const int64_t now = Parse("2026-10-26 12:00");
  EXPECT_EQ(Parse("-3d", now), Parse("2026-10-23 12:00"));
  EXPECT_EQ(Parse("-3d", now), now - 3 * kDay - kHour);
  EXPECT_EQ(Parse("-2h", now), now - 2 * kHour);
}

TEST_F(TimeTest, RejectsNonsenseNamingTheForms) {
  for (const char* bad :
       {"", "tomorrowish", "2026-13-01", "2026-02-30", "2026-02-29", "2026-11-20T25:00",
        "2026-11-20T08:60", "2026-11-20T08:30:00+1:00", "2026-11-20T08:30:00Zjunk", "-2x", "-",
        "-h", "2026-11-2", "20261120", "2026-11-20T08:30:00.Z", "--2h"}) {
    auto r = ParseTimeInput(bad, kNov20);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("RFC 3339"), std::string::npos);
    }
  }
  EXPECT_TRUE(ParseTimeInput("2028-02-29", 0).ok());
}

TEST_F(TimeTest, SpringForwardGapMovesForward) {
  // 2026-03-29 02:30 does not exist in Berlin; it must still parse.
  const int64_t t = Parse("2026-03-29 02:30");
  EXPECT_EQ(LocalDate(t), "2026-03-29");
  EXPECT_GE(t, Parse("2026-03-29T01:00:00Z"));
}

TEST_F(TimeTest, FormatsLocalWithOffset) {
  EXPECT_EQ(FormatRfc3339(kNov20), "2026-11-20T08:30:00+01:00");
  EXPECT_EQ(FormatRfc3339(Parse("2026-07-01T10:00:00Z")), "2026-07-01T12:00:00+02:00");
  UseZone("America/St_Johns");
  EXPECT_EQ(FormatRfc3339(kNov20), "2026-11-20T04:00:00-03:30");
  UseZone("UTC");
  EXPECT_EQ(FormatRfc3339(kNov20 + 999'999), "2026-11-20T07:30:00+00:00");
}

TEST_F(TimeTest, FormatsUtcWithMicrosecondsOnlyWhenPresent) {
  EXPECT_EQ(FormatRfc3339Utc(kNov20), "2026-11-20T07:30:00Z");
  EXPECT_EQ(FormatRfc3339Utc(kNov20 + 5), "2026-11-20T07:30:00.000005Z");
  EXPECT_EQ(FormatRfc3339Utc(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatRfc3339Utc(0), "1970-01-01T00:00:00Z");
}

TEST_F(TimeTest, FormatAndParseRoundTrip) {
  for (int64_t us : {kNov20, kNov20 + 1, kNov20 + 654'321, int64_t{-1}, int64_t{0},
                     Parse("2026-10-25T00:30:00Z"), Parse("2026-10-25T01:30:00Z")}) {
    EXPECT_EQ(Parse(FormatRfc3339Utc(us)), us);
    const int64_t whole_seconds = us / kSec * kSec - (us % kSec < 0 ? kSec : 0);
    EXPECT_EQ(Parse(FormatRfc3339(us)), whole_seconds);
  }
}

TEST_F(TimeTest, LocalDaysSplitAtLocalMidnight) {
  // 23:30 and 00:30 Berlin time are two local days but one UTC day.
  const int64_t late = Parse("2026-11-20T23:30:00+01:00");
  const int64_t early = Parse("2026-11-21T00:30:00+01:00");
  EXPECT_EQ(LocalDayNumber(early) - LocalDayNumber(late), 1);
  EXPECT_EQ(LocalDate(late), "2026-11-20");
  EXPECT_EQ(LocalDate(early), "2026-11-21");
  UseZone("UTC");
  EXPECT_EQ(LocalDayNumber(early), LocalDayNumber(late));
  EXPECT_EQ(LocalDayNumber(0), 0);
  EXPECT_EQ(LocalDayNumber(-1), -1);
}

TEST_F(TimeTest, IsoWeeksUseTheThursdayRule) {
  EXPECT_EQ(IsoWeekLabel(Parse("2026-11-20 12:00")), "2026-W47");
  EXPECT_EQ(IsoWeekLabel(Parse("2026-12-31 12:00")), "2026-W53");
  EXPECT_EQ(IsoWeekLabel(Parse("2027-01-01 12:00")), "2026-W53");
  EXPECT_EQ(IsoWeekLabel(Parse("2027-01-03 12:00")), "2026-W53");
  EXPECT_EQ(IsoWeekLabel(Parse("2027-01-04 00:00")), "2027-W01");
  EXPECT_EQ(IsoWeekLabel(Parse("2024-12-30 12:00")), "2025-W01");
  EXPECT_EQ(IsoWeekLabel(Parse("2026-01-01 12:00")), "2026-W01");
  EXPECT_EQ(IsoWeekLabel(Parse("2021-01-03 12:00")), "2020-W53");
  EXPECT_EQ(IsoWeekLabel(Parse("1970-01-01 12:00")), "1970-W01");
  // Sunday 23:30 local is still the old week even though UTC says Monday in
  // zones west of UTC, and vice versa east of it.
  EXPECT_EQ(IsoWeekLabel(Parse("2026-11-23T00:30:00+01:00")), "2026-W48");
  EXPECT_EQ(IsoWeekLabel(Parse("2026-11-22T23:30:00+01:00")), "2026-W47");
}

TEST_F(TimeTest, DayHelpers) {
  const int64_t day = LocalDayNumber(kNov20);
  EXPECT_EQ(DateOfDay(day), "2026-11-20");
  EXPECT_EQ(IsoWeekLabelOfDay(day), "2026-W47");
  EXPECT_EQ(LocalMidnightOfDay(day), Parse("2026-11-20"));
  EXPECT_EQ(DateOfDay(0), "1970-01-01");
  EXPECT_EQ(DateOfDay(-1), "1969-12-31");
}

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("90s"), 90 * kSec);
  EXPECT_EQ(*ParseDuration("15m"), 900 * kSec);
  EXPECT_EQ(*ParseDuration("1h30m"), 5400 * kSec);
  EXPECT_EQ(*ParseDuration("2h"), 2 * kHour);
  EXPECT_EQ(*ParseDuration("1d"), kDay);
  EXPECT_EQ(*ParseDuration("1w"), 7 * kDay);
}

TEST(DurationTest, RejectsBadText) {
  for (const char* bad : {"", "15", "m", "1x", "30m1h", "1h1h", "-5m", "1.5h", "1h ",
                          "99999999999999999999s", "9999999999999w"}) {
    auto r = ParseDuration(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace haven

namespace haven {
namespace {

// The cached day numbers stats uses must equal localtime's in every zone,
// across DST changes and in zones whose offsets are not whole hours.
TEST_F(TimeTest, LocalDaysAgreesWithLocaltimeAcrossZonesAndDst) {
  // The last zone changes its clock 5 minutes after local midnight, inside
  // a quarter hour: days there must still come out right.
  for (const char* zone :
       {"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu",
        "Australia/Lord_Howe", "Pacific/Chatham", "XST-5:45XDT-6:15,M3.5.0/0:05,M10.5.0/0:05"}) {
    UseZone(zone);
    LocalDays days;
    // Every 7 minutes and 13 seconds through 2026, then again (cache hits).
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t s = 1767225600; s < 1767225600 + 366LL * 86400; s += 61) {
        const int64_t us = s * 1000000;
        ASSERT_EQ(days.DayNumber(us), LocalDayNumber(us)) << zone << " at " << s;
      }
    }
  }
}

}  // namespace
}  // namespace haven

namespace haven {
namespace {

TEST(RequestNowTest, ZeroMeansTheDaemonsClockAndOutOfRangeIsRefused) {
  EXPECT_EQ(*RequestNowMicros(0, 42), 42);
  EXPECT_EQ(*RequestNowMicros(1'700'000'000'000'000, 42), 1'700'000'000'000'000);
  EXPECT_EQ(*RequestNowMicros(253402300799LL * 1000000, 42), 253402300799LL * 1000000);
  for (int64_t bad :
       std::initializer_list<int64_t>{-1, INT64_MIN, INT64_MAX, 253402300800LL * 1000000}) {
    auto now = RequestNowMicros(bad, 42);
    ASSERT_FALSE(now.ok()) << bad;
    EXPECT_EQ(now.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(now.status().message().find("now_us"), std::string::npos);
  }
}

}  // namespace
}  // namespace haven
