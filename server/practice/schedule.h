// When a reminder is due (docs/design.md, "Practice: nudge, reminders,
// reread"). Pure functions of a reminder and an instant, in the process's
// local time zone (TZ), so that they follow its daylight-saving rules: a
// reminder at 09:00 is due at 09:00 on the clock on the wall, whatever the
// offset from UTC that day.
//
// A minute that a DST change skips (02:30 on the night clocks go forward)
// is due at the same distance past the gap (03:30), as mktime normalises
// it; a minute that happens twice (01:30 on the night clocks go back) is
// due once, at mktime's choice of the two.
#ifndef HAVEN_SERVER_PRACTICE_SCHEDULE_H_
#define HAVEN_SERVER_PRACTICE_SCHEDULE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "haven/v1/daemon.pb.h"

namespace haven {

// Days of the week as reminders name them, Monday first.
inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu",
                                                                  "fri", "sat", "sun"};
inline constexpr uint32_t kMinutesPerDay = 24 * 60;

// Monday = 0 .. Sunday = 6 of a local day number (common/time.h).
int WeekdayOfDay(int64_t day_number);
// Whether `reminder` is due on that weekday (no days: every day).
bool DueOnWeekday(const v1::Reminder& reminder, int weekday);
// The instant the local minute `minute_of_day` (0..1439) begins on local
// day `day_number`, by the rules above.
int64_t LocalMinuteOnDay(int64_t day_number, uint32_t minute_of_day);

// The first instant strictly after `after_us` at which `reminder` is due.
int64_t NextOccurrence(const v1::Reminder& reminder, int64_t after_us);
// The latest instant in (from_us, to_us] at which `reminder` is due, or
// nullopt. Looks back at most 8 days from `to_us`.
std::optional<int64_t> LatestOccurrenceIn(const v1::Reminder& reminder, int64_t from_us,
                                          int64_t to_us);

// Where an `--every` reminder's interval before `due_us` begins: `every_us`
// earlier, its whole days stepped as local calendar days, as the CLI's
// "-2w" is, so that the interval of a 09:00 reminder begins at 09:00
// across a DST change. The interval is (IntervalStart, due_us].
int64_t IntervalStart(int64_t due_us, int64_t every_us);

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_SCHEDULE_H_
