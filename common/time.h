// Time as people type it and read it. All instants are unix microseconds;
// "local" means the process's time zone (TZ), which is the person's.
#ifndef HAVEN_COMMON_TIME_H_
#define HAVEN_COMMON_TIME_H_

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace haven {

int64_t NowMicros();
// The clock a request names (`now_us` of list --on-this-day, stats, nudge:
// tests and scripts pin it), or `now_us` itself when the request names
// none (0). INVALID_ARGUMENT outside 1970-01-01 .. 9999-12-31 UTC, which
// no local-day arithmetic downstream has to survive.
absl::StatusOr<int64_t> RequestNowMicros(int64_t requested_us, int64_t now_us);

// Accepts RFC 3339 ("2026-11-20T08:30:00+01:00", "...Z", fractional seconds),
// "YYYY-MM-DD" (local midnight), "YYYY-MM-DD HH:MM[:SS]" and "YYYY-MM-DDTHH:MM"
// in local time, "now", "today", "yesterday" (local midnight), and relative
// offsets "-2h", "-30m", "-3d", "-1w", "-90s" (also "+", and compounds like
// "-1h30m"). Days and weeks step local calendar days, keeping the wall-clock
// time across a DST change; h/m/s are exact. A local time skipped by DST
// moves forward past the gap. InvalidArgument otherwise, with a message
// naming the accepted forms.
absl::StatusOr<int64_t> ParseTimeInput(std::string_view text, int64_t now_us);

// RFC 3339 in local time with its offset, second precision:
// "2026-11-20T08:30:00+01:00".
std::string FormatRfc3339(int64_t us);
// RFC 3339 in UTC ("2026-11-20T07:30:00Z"), microsecond precision when the
// instant has a fraction.
std::string FormatRfc3339Utc(int64_t us);

// Days since 1970-01-01 of the local calendar date containing `us`.
int64_t LocalDayNumber(int64_t us);
// Local calendar date "YYYY-MM-DD".
std::string LocalDate(int64_t us);

// LocalDayNumber for many instants. localtime_r takes a process-wide lock
// on every call, which serialises threads that bucket a million entries;
// this asks it about each three hours of UTC once and remembers the offset
// when it holds for the whole slot (it does, but for the rare slot holding
// a change, whose instants are asked about every time). Zones change their
// offset months apart, never twice in three hours. Not thread-safe: one per
// thread.
class LocalDays {
 public:
  int64_t DayNumber(int64_t us);

 private:
  absl::flat_hash_map<int64_t, int32_t> offset_by_slot_;  // seconds east of UTC
  int64_t last_slot_ = INT64_MIN;                         // entries often come in time order
  int32_t last_offset_ = 0;
};
// ISO 8601 week of the local date, e.g. "2026-W47" (week-year, not calendar year).
std::string IsoWeekLabel(int64_t us);

// Helpers over local day numbers (as LocalDayNumber returns), so callers that
// bucket many instants convert each one only once.
int64_t DayNumberOfDate(int64_t year, int month, int day);  // proleptic Gregorian
struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};
CivilDate CivilDateOfDay(int64_t day_number);  // the inverse of DayNumberOfDate
std::string DateOfDay(int64_t day_number);     // "YYYY-MM-DD"
// The day number of the date a text starts with ("2026-11-20", or an RFC
// 3339 time: its own date, whatever the offset); nullopt when it starts
// with none.
std::optional<int64_t> DayOfDateText(std::string_view text);
std::string IsoWeekLabelOfDay(int64_t day_number);  // "2026-W53"
// The first instant of that local date (mktime's choice when midnight is
// skipped by a DST change).
int64_t LocalMidnightOfDay(int64_t day_number);

// "90s", "15m", "1h30m", "2h", "1d", "0" -> microseconds.
absl::StatusOr<int64_t> ParseDuration(std::string_view text);

}  // namespace haven

#endif  // HAVEN_COMMON_TIME_H_
