// What the nudge and the reminders ask of the journal: was anything
// practised on a day or in an interval, the current streak, the practice
// done most often.
// Answered from the unlocked journal's in-memory index alone
// (Journal::CountIndexed, VisitIndexed, LiveByType): no entry is opened
// and no history is scanned, so each costs about as much at a million
// entries as at ten.
//
// Days are local calendar days, as `haven stats` counts them
// (server/insights/stats.h): a day is active when it holds the time of at
// least one live entry; the current streak counts back from today when
// today is active, else from yesterday.
#ifndef HAVEN_SERVER_PRACTICE_PRACTICE_DAYS_H_
#define HAVEN_SERVER_PRACTICE_PRACTICE_DAYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "server/journal/journal.h"

namespace haven {

struct NudgeFacts {
  bool practised_today = false;
  uint32_t streak_days = 0;  // stats' streak.current
  std::string top_type;      // the type with the most live entries; empty: none
  uint64_t entries = 0;      // live entries in all
};

// Whether a live entry of `type` (empty: any) is timed on local day `day`.
bool PractisedOnDay(const Journal& journal, int64_t day, std::string_view type);
// Whether a live entry of `type` (empty: any) is timed in (after_us,
// until_us]: an `--every` reminder's interval (schedule.h, IntervalStart).
// One index range, stopped at its first match.
bool PractisedInRange(const Journal& journal, int64_t after_us, int64_t until_us,
                      std::string_view type);
// The current streak as of local day `today`.
uint32_t CurrentStreak(const Journal& journal, int64_t today);
// Everything `haven nudge` says, as of `now_us`. The most practised type's
// ties go to the type id first in alphabetical order.
NudgeFacts ComputeNudge(const Journal& journal, int64_t now_us);

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_PRACTICE_DAYS_H_
