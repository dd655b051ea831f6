// This device's reminders (`haven remind`): checked on the way in, kept in
// the store's meta family under one key as a serialized ListRemindersReply.
// Meta rows are local to the home: never a record, never synced, readable
// while the vault is locked (the scheduler needs them then), and they hold
// no entry text, only times, weekdays, a type id, an interval and when an
// `--every` reminder was last shown: never an entry's time or type
// (docs/design.md, "Practice: nudge, reminders, reread").
//
// Thread safety: all methods may be called from any thread.
#ifndef HAVEN_SERVER_PRACTICE_REMINDER_STORE_H_
#define HAVEN_SERVER_PRACTICE_REMINDER_STORE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "haven/v1/daemon.pb.h"
#include "server/plugins/type_registry.h"
#include "server/store/store.h"

namespace haven {

// The meta key holding them.
inline constexpr std::string_view kRemindersKey = "practice/reminders";
// The most reminders a device keeps.
inline constexpr size_t kMaxReminders = 20;
// Reminder ids: this many hex characters, random.
inline constexpr size_t kReminderIdChars = 8;
// `--every`: whole days, from one to this many.
inline constexpr int64_t kMaxEveryDays = 366;
inline constexpr int64_t kReminderDayUs = 24LL * 3600 * 1000000;

// Checks a reminder from outside and returns it normalised: days in week
// order, once each (none: every day); the id and last_shown_us cleared
// (the daemon keeps that one). InvalidArgument naming what is wrong:
// "time" (minute_of_day beyond 23:59), "--days" (a name other than
// mon..sun), "--type" (a type this device does not know), "--every" (not
// whole days from 1 to kMaxEveryDays).
absl::StatusOr<v1::Reminder> NormalizeReminder(const v1::Reminder& reminder,
                                               const TypeRegistry& types);

class ReminderStore {
 public:
  // `store` must outlive this object.
  explicit ReminderStore(Store* store) : store_(store) {}

  // In the order they were added. DataLoss when the stored value does not
  // parse.
  absl::StatusOr<std::vector<v1::Reminder>> List() const ABSL_LOCKS_EXCLUDED(mu_);
  // Adds a normalised reminder under a fresh id and returns it; one with
  // the same time, days, type and every_us as a held one returns that one
  // and adds nothing. InvalidArgument when kMaxReminders are held.
  absl::StatusOr<v1::Reminder> Add(v1::Reminder reminder) ABSL_LOCKS_EXCLUDED(mu_);
  // Removes the reminder whose id is `id` or starts with it; returns it.
  // InvalidArgument for an empty or non-hex id or an ambiguous prefix,
  // NotFound when none matches.
  absl::StatusOr<v1::Reminder> Remove(std::string_view id) ABSL_LOCKS_EXCLUDED(mu_);
  // Keeps `at_us` as the last_shown_us of the reminder whose id is `id`
  // (the scheduler, when it shows an `--every` reminder). A reminder
  // removed meanwhile is no error: nothing changes.
  absl::Status MarkShown(std::string_view id, int64_t at_us) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::StatusOr<v1::ListRemindersReply> Read() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status Write(const v1::ListRemindersReply& all) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store* store_;
  mutable absl::Mutex mu_;  // serialises read-modify-writes
};

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_REMINDER_STORE_H_
