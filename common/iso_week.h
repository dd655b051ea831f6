// ISO weeks as `haven stats` counts and labels them ("2026-W47"); shared by
// the daemon's statistics and the CLI's rendering of them.
#ifndef HAVEN_COMMON_ISO_WEEK_H_
#define HAVEN_COMMON_ISO_WEEK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace haven {

// Monday-based week index of a local day number (day 0 is 1970-01-01, a
// Thursday); consecutive ISO weeks have consecutive indexes.
int64_t WeekIndexOfDay(int64_t day_number);
// "2026-W47" for a week index, and back (nullopt for anything else).
std::string WeekLabelOfIndex(int64_t week_index);
std::optional<int64_t> WeekIndexOfLabel(std::string_view label);

}  // namespace haven

#endif  // HAVEN_COMMON_ISO_WEEK_H_
