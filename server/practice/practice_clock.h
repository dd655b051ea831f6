// The clock the practice companions read (reminders, the nudge's "today"):
// the wall clock, unless a test moves it.
//
// Test-only fault hook (docs/design.md, "Practice: nudge, reminders,
// reread"): when havend starts with HAVEN_FAULT_PRACTICE_CLOCK_FILE=PATH,
// every reading adds the whole number of seconds PATH holds (negative:
// behind; missing or not a number: 0), read again at each reading, so a
// test moves the daemon's practice clock while it runs by rewriting the
// file and then changing a reminder (which makes the scheduler look at
// the clock again). Unset, as in every real deployment, it is the wall
// clock. Entry stamps never read it (server/journal/hlc.h has its own hook).
#ifndef HAVEN_SERVER_PRACTICE_PRACTICE_CLOCK_H_
#define HAVEN_SERVER_PRACTICE_PRACTICE_CLOCK_H_

#include <cstdint>

namespace haven {

// Reads the hook's variable; call once when havend starts, before any
// thread runs (server/daemon/main.cc).
void ReadPracticeClockFromEnvironment();

// Unix microseconds: NowMicros(), plus the test offset when the hook is set.
int64_t PracticeNowMicros();

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_PRACTICE_CLOCK_H_
