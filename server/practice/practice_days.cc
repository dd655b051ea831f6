#include "server/practice/practice_days.h"

#include <cstdint>

#include "common/time.h"

namespace haven {
namespace {

IndexQuery DayQuery(int64_t first_day, int64_t end_day, std::string_view type) {
  IndexQuery query;
  query.type = type;
  query.since_us = LocalMidnightOfDay(first_day);
  query.until_us = LocalMidnightOfDay(end_day);
  return query;
}

}  // namespace

bool PractisedOnDay(const Journal& journal, int64_t day, std::string_view type) {
  bool found = false;
  journal.VisitIndexed(DayQuery(day, day + 1, type), [&](const IndexedEntry&) {
    found = true;
    return false;
  });
  return found;
}

bool PractisedInRange(const Journal& journal, int64_t after_us, int64_t until_us,
                      std::string_view type) {
  if (until_us <= after_us) return false;
  IndexQuery query;
  query.type = type;
  query.since_us = after_us + 1;  // the index's ranges are [since, until)
  query.until_us = until_us == INT64_MAX ? until_us : until_us + 1;
  bool found = false;
  journal.VisitIndexed(query, [&](const IndexedEntry&) {
    found = true;
    return false;
  });
  return found;
}

uint32_t CurrentStreak(const Journal& journal, int64_t today) {
  // Newest first from the end of today: each visited entry either falls on
  // the day counted last, on the day before it (the streak grows), or
  // further back (a gap: the walk stops there).
  IndexQuery query;
  query.until_us = LocalMidnightOfDay(today + 1);
  LocalDays days;
  uint32_t streak = 0;
  int64_t wanted = today;
  journal.VisitIndexed(query, [&](const IndexedEntry& e) {
    const int64_t day = days.DayNumber(e.at_us);
    if (day > wanted) return true;  // on the day counted last
    if (day == wanted || (streak == 0 && day == today - 1)) {
      ++streak;
      wanted = day - 1;
      return true;
    }
    return false;
  });
  return streak;
}

NudgeFacts ComputeNudge(const Journal& journal, int64_t now_us) {
  const int64_t today = LocalDayNumber(now_us);
  NudgeFacts facts;
  facts.practised_today = PractisedOnDay(journal, today, "");
  facts.streak_days = CurrentStreak(journal, today);
  size_t top = 0;
  for (const auto& [type, live] : journal.LiveByType()) {
    facts.entries += live;
    if (live > top || (live == top && type < facts.top_type)) {
      top = live;
      facts.top_type = type;
    }
  }
  return facts;
}

}  // namespace haven
