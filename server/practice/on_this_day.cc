#include "server/practice/on_this_day.h"

#include <algorithm>
#include <string>

#include "common/time.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr int64_t kMaxYearsBack = 400;

struct MonthDay {
  int64_t year;
  int month;
  int day;
};

MonthDay LocalMonthDay(int64_t us) {
  const CivilDate date = CivilDateOfDay(LocalDayNumber(us));
  return {date.year, date.month, date.day};
}

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// The local year of the oldest entry `filter` could select, or nullopt.
std::optional<int64_t> OldestYear(const Journal& journal, const ListFilter& filter) {
  IndexQuery query{filter.type, std::nullopt, std::nullopt, filter.include_deleted, true};
  std::optional<int64_t> oldest;
  journal.VisitIndexed(query, [&](const IndexedEntry& e) {
    oldest = e.at_us;
    return false;
  });
  if (!oldest) return std::nullopt;
  return LocalMonthDay(*oldest).year;
}

}  // namespace

std::vector<DayRange> OnThisDayRanges(int64_t now_us, int64_t oldest_year) {
  const MonthDay today = LocalMonthDay(now_us);
  const bool leap_day_too = today.month == 2 && today.day == 28 && !IsLeap(today.year);
  std::vector<DayRange> ranges;
  oldest_year = std::max(oldest_year, today.year - kMaxYearsBack);
  for (int64_t year = today.year - 1; year >= oldest_year; --year) {
    if (today.month == 2 && today.day == 29 && !IsLeap(year)) continue;
    const int64_t first = DayNumberOfDate(year, today.month, today.day);
    const int64_t end = leap_day_too ? DayNumberOfDate(year, 3, 1) : first + 1;
    ranges.push_back({LocalMidnightOfDay(first), LocalMidnightOfDay(end)});
  }
  return ranges;
}

absl::StatusOr<std::vector<Entry>> ListOnThisDay(const Journal& journal, const ListFilter& filter,
                                                 int64_t now_us, size_t* total) {
  std::vector<Entry> out;
  size_t matches = 0;
  const std::optional<int64_t> oldest_year = OldestYear(journal, filter);
  if (!oldest_year) {
    if (total != nullptr) *total = 0;
    return out;
  }
  for (const DayRange& range : OnThisDayRanges(now_us, *oldest_year)) {
    ListFilter year = filter;
    year.oldest_first = false;
    year.since_us = std::max(range.since_us, filter.since_us.value_or(range.since_us));
    year.until_us = std::min(range.until_us, filter.until_us.value_or(range.until_us));
    if (*year.until_us <= *year.since_us) continue;
    const size_t room = filter.limit == 0 ? 0 : filter.limit - std::min(filter.limit, out.size());
    // With the limit reached, one entry is listed only to learn the count.
    year.limit = filter.limit == 0 ? 0 : std::max<size_t>(room, 1);
    size_t found = 0;
    ASSIGN_OR_RETURN(std::vector<Entry> entries, journal.List(year, &found));
    matches += found;
    for (auto& e : entries) {
      if (filter.limit == 0 || out.size() < filter.limit) out.push_back(std::move(e));
    }
  }
  if (total != nullptr) *total = matches;
  return out;
}

}  // namespace haven
