#include "server/practice/schedule.h"

#include <time.h>

#include <algorithm>

#include "common/time.h"

namespace haven {
namespace {

constexpr int kDaysToLook = 8;  // every allowed weekday comes round within a week
constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 24 * 3600 * kMicrosPerSecond;

}  // namespace

int WeekdayOfDay(int64_t day_number) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int>(((day_number % 7) + 7 + 3) % 7);
}

bool DueOnWeekday(const v1::Reminder& reminder, int weekday) {
  if (reminder.days().empty()) return true;
  return std::find(reminder.days().begin(), reminder.days().end(), kWeekdayNames[weekday]) !=
         reminder.days().end();
}

int64_t LocalMinuteOnDay(int64_t day_number, uint32_t minute_of_day) {
  const CivilDate date = CivilDateOfDay(day_number);
  minute_of_day = std::min(minute_of_day, kMinutesPerDay - 1);
  struct tm local = {};
  local.tm_year = static_cast<int>(date.year - 1900);
  local.tm_mon = date.month - 1;
  local.tm_mday = date.day;
  local.tm_hour = static_cast<int>(minute_of_day / 60);
  local.tm_min = static_cast<int>(minute_of_day % 60);
  local.tm_isdst = -1;  // let the zone's rules decide
  return static_cast<int64_t>(mktime(&local)) * 1000000;
}

int64_t NextOccurrence(const v1::Reminder& reminder, int64_t after_us) {
  const int64_t first = LocalDayNumber(after_us);
  for (int64_t day = first; day <= first + kDaysToLook; ++day) {
    if (!DueOnWeekday(reminder, WeekdayOfDay(day))) continue;
    const int64_t at = LocalMinuteOnDay(day, reminder.minute_of_day());
    if (at > after_us) return at;
  }
  // Only days no weekday names (refused when stored): a week on, never sooner.
  return after_us + int64_t{kDaysToLook} * kMicrosPerDay;
}

std::optional<int64_t> LatestOccurrenceIn(const v1::Reminder& reminder, int64_t from_us,
                                          int64_t to_us) {
  if (to_us <= from_us) return std::nullopt;
  const int64_t last = LocalDayNumber(to_us);
  const int64_t first = std::max(LocalDayNumber(from_us) - 1, last - kDaysToLook);
  for (int64_t day = last; day >= first; --day) {
    if (!DueOnWeekday(reminder, WeekdayOfDay(day))) continue;
    const int64_t at = LocalMinuteOnDay(day, reminder.minute_of_day());
    if (at > from_us && at <= to_us) return at;
    if (at <= from_us) return std::nullopt;
  }
  return std::nullopt;
}

int64_t IntervalStart(int64_t due_us, int64_t every_us) {
  const int64_t days = every_us / kMicrosPerDay;
  const int64_t rest_us = every_us % kMicrosPerDay;  // none once normalised
  const time_t seconds = static_cast<time_t>(due_us / kMicrosPerSecond);
  struct tm local = {};
  if (localtime_r(&seconds, &local) == nullptr) return due_us - every_us;
  local.tm_mday -= static_cast<int>(days);  // days are at most 366 (NormalizeReminder)
  local.tm_isdst = -1;
  const time_t start = mktime(&local);
  if (start == static_cast<time_t>(-1)) return due_us - every_us;
  return static_cast<int64_t>(start) * kMicrosPerSecond + due_us % kMicrosPerSecond - rest_us;
}

}  // namespace haven
