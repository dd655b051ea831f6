#include "common/iso_week.h"

#include "common/time.h"

namespace haven {

int64_t WeekIndexOfDay(int64_t day_number) {
  const int64_t d = day_number + 3;  // day -3 (1969-12-29) is a Monday
  return d / 7 - (d % 7 < 0 ? 1 : 0);
}

std::string WeekLabelOfIndex(int64_t week_index) { return IsoWeekLabelOfDay(week_index * 7 - 3); }

std::optional<int64_t> WeekIndexOfLabel(std::string_view label) {
  if (label.size() != 8 || label[4] != '-' || label[5] != 'W') return std::nullopt;
  int64_t year = 0, week = 0;
  for (int i : {0, 1, 2, 3, 6, 7}) {
    if (label[i] < '0' || label[i] > '9') return std::nullopt;
    (i < 4 ? year : week) = (i < 4 ? year : week) * 10 + (label[i] - '0');
  }
  // January 4th is always in week 1.
  const int64_t index = WeekIndexOfDay(DayNumberOfDate(year, 1, 4)) + week - 1;
  if (week < 1 || WeekLabelOfIndex(index) != label) return std::nullopt;
  return index;
}

}  // namespace haven
