// Sends this device's reminders at their times (schedule.h) from a thread
// of its own, which sleeps on a condition variable until the next one is
// due (at most kMaxSleepUs, so that a clock moved or a machine woken from
// suspend is noticed: the timed wait runs on a clock that stops while the
// machine sleeps).
//
// A reminder due in the last kLateUs is still sent, once (a machine that
// woke at 09:10 shows the 09:00 one); older ones are not. A reminder is
// skipped, with a line in the log at debug level only (the log is plain
// text: at the default level it must not tell which days something was
// practised), when the practice of its day is already logged: any live
// entry that day, or one of its type when it names one. While the vault is
// locked the daemon cannot know, so it reminds anyway, with the same
// neutral text, which never says that nothing was logged.
//
// An `--every` reminder (every_us > 0) asks instead about its interval
// (IntervalStart(due, every_us), due]: while unlocked it is skipped when a
// live entry of its type (any type without one) is timed in it. While
// locked the entries cannot be seen, and reminding anyway would turn a
// fortnightly nudge into a daily one; so each showing of an `--every`
// reminder while locked keeps the instant it was due as the reminder's
// last_shown_us (ReminderStore::MarkShown), and while locked it is shown
// only when that lies outside the interval (or is unset, or after `due`:
// a clock moved back). Only locked showings are kept: they happen whatever
// the journal holds, so the time says nothing about any entry, while an
// unlocked showing would tell that nothing was logged in the interval
// before it. Nothing of an entry is kept outside the journal; the price is
// at most one reminder too many after an unlocked one.
//
// Thread safety: all public methods may be called from any thread.
#ifndef HAVEN_SERVER_PRACTICE_REMINDER_SCHEDULER_H_
#define HAVEN_SERVER_PRACTICE_REMINDER_SCHEDULER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "haven/v1/daemon.pb.h"
#include "server/plugins/type_registry.h"
#include "server/practice/notifier.h"
#include "server/practice/reminder_store.h"
#include "server/vault/vault.h"

namespace haven {

class ReminderScheduler {
 public:
  static constexpr int64_t kLateUs = 15LL * 60 * 1000000;
  static constexpr int64_t kMaxSleepUs = 10LL * 60 * 1000000;
  static constexpr int64_t kReplanWaitUs = 5LL * 1000000;

  // Everything must outlive the scheduler. `now` is the practice clock
  // (practice_clock.h).
  ReminderScheduler(ReminderStore* reminders, Vault* vault, TypeRegistry* types, Notifier* notifier,
                    std::function<int64_t()> now);
  ~ReminderScheduler();

  void Start() ABSL_LOCKS_EXCLUDED(mu_);
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);
  // The reminders changed: look at them and the clock again now. Returns
  // once the scheduler has read the clock for this change (at most
  // kReplanWaitUs; at once when it is not running), so that a reminder
  // set by a command is planned from the time the command ran.
  void Replan() ABSL_LOCKS_EXCLUDED(mu_);

  // The body of a reminder's notification: the practice type's title (its
  // id when this device does not know it) and, for an `--every` one, its
  // interval; never anything written, and never a claim about what was or
  // was not logged (locked, the daemon cannot know).
  static std::string BodyFor(const v1::Reminder& reminder, const TypeRegistry& types);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mu_);
  // Sends or skips each reminder due in (from_us, to_us], in time order;
  // returns when the next one is due after `to_us` (0: none held).
  int64_t SendDue(int64_t from_us, int64_t to_us);
  // Why `reminder`, due at `due_us`, is not to be shown (the log line's
  // message), or nullptr when it is (the rules above).
  // `journal` is the unlocked journal, or null while locked.
  static const char* SkipReason(const v1::Reminder& reminder, int64_t due_us,
                                const Journal* journal);
  // Shows it, and keeps when for an `--every` one shown while locked.
  void Show(const v1::Reminder& reminder, int64_t due_us, bool locked);

  ReminderStore* reminders_;
  Vault* vault_;
  TypeRegistry* types_;
  Notifier* notifier_;
  std::function<int64_t()> now_;

  absl::Mutex mu_;
  absl::CondVar wake_;    // signalled by Replan and Stop
  absl::CondVar looked_;  // signalled by the loop when it has read the clock
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool replan_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t replans_asked_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t replans_seen_ ABSL_GUARDED_BY(mu_) = 0;  // asked before the last read of the clock
  std::thread loop_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_REMINDER_SCHEDULER_H_
