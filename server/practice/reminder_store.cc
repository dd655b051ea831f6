#include "server/practice/reminder_store.h"

#include <algorithm>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/public_random.h"
#include "server/practice/schedule.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr size_t kMaxTypeChars = 64;

bool SameSchedule(const v1::Reminder& a, const v1::Reminder& b) {
  return a.minute_of_day() == b.minute_of_day() && a.type() == b.type() &&
         a.every_us() == b.every_us() &&
         std::equal(a.days().begin(), a.days().end(), b.days().begin(), b.days().end());
}

std::string NewId() {
  unsigned char bytes[kReminderIdChars / 2];
  PublicRandom(bytes, sizeof(bytes));
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

bool IsHexId(std::string_view id) {
  if (id.empty() || id.size() > kReminderIdChars) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

absl::StatusOr<std::vector<std::string>> NormalizeDays(const v1::Reminder& reminder) {
  bool wanted[kWeekdayNames.size()] = {};
  if (reminder.days_size() > 7 * 4) return absl::InvalidArgumentError("--days: too many days");
  for (const std::string& name : reminder.days()) {
    auto it = std::find(kWeekdayNames.begin(), kWeekdayNames.end(), name);
    if (it == kWeekdayNames.end()) {
      return absl::InvalidArgumentError("--days: \"" + name.substr(0, 16) +
                                        "\" is not a day; use mon, tue, wed, thu, fri, sat, sun");
    }
    wanted[it - kWeekdayNames.begin()] = true;
  }
  std::vector<std::string> days;
  for (size_t i = 0; i < kWeekdayNames.size(); ++i) {
    if (wanted[i]) days.emplace_back(kWeekdayNames[i]);
  }
  if (days.size() == kWeekdayNames.size()) days.clear();  // every day
  return days;
}

}  // namespace

absl::StatusOr<v1::Reminder> NormalizeReminder(const v1::Reminder& reminder,
                                               const TypeRegistry& types) {
  if (reminder.minute_of_day() >= kMinutesPerDay) {
    return absl::InvalidArgumentError("time: expected HH:MM from 00:00 to 23:59");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> days, NormalizeDays(reminder));
  if (!reminder.type().empty() &&
      (reminder.type().size() > kMaxTypeChars || types.Find(reminder.type()) == nullptr)) {
    return absl::InvalidArgumentError("--type: no exercise type \"" +
                                      reminder.type().substr(0, kMaxTypeChars) +
                                      "\" on this device (see `haven types`)");
  }
  const int64_t every = reminder.every_us();
  if (every != 0 && (every % kReminderDayUs != 0 || every < kReminderDayUs ||
                     every > kMaxEveryDays * kReminderDayUs)) {
    return absl::InvalidArgumentError("--every: expected whole days from 1d to " +
                                      std::to_string(kMaxEveryDays) + "d, like 14d, 2w or 4w");
  }
  v1::Reminder out;
  out.set_minute_of_day(reminder.minute_of_day());
  for (auto& day : days) out.add_days(std::move(day));
  out.set_type(reminder.type());
  out.set_every_us(every);
  return out;
}

absl::StatusOr<v1::ListRemindersReply> ReminderStore::Read() const {
  ASSIGN_OR_RETURN(auto value, store_->Get(Family::kMeta, kRemindersKey));
  v1::ListRemindersReply all;
  if (value && !all.ParseFromString(*value)) {
    return absl::DataLossError("the stored reminders do not parse");
  }
  return all;
}

absl::Status ReminderStore::Write(const v1::ListRemindersReply& all) {
  return store_->Put(Family::kMeta, kRemindersKey, all.SerializeAsString(), /*sync=*/true);
}

absl::StatusOr<std::vector<v1::Reminder>> ReminderStore::List() const {
  absl::ReaderMutexLock lock(&mu_);
  ASSIGN_OR_RETURN(v1::ListRemindersReply all, Read());
  return std::vector<v1::Reminder>(all.reminders().begin(), all.reminders().end());
}

absl::StatusOr<v1::Reminder> ReminderStore::Add(v1::Reminder reminder) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(v1::ListRemindersReply all, Read());
  for (const auto& held : all.reminders()) {
    if (SameSchedule(held, reminder)) return held;
  }
  if (static_cast<size_t>(all.reminders_size()) >= kMaxReminders) {
    return absl::InvalidArgumentError("at most " + std::to_string(kMaxReminders) +
                                      " reminders; remove one with `haven remind rm ID`");
  }
  std::string id;
  do {
    id = NewId();
  } while (std::any_of(all.reminders().begin(), all.reminders().end(),
                       [&](const v1::Reminder& r) { return r.id() == id; }));
  reminder.set_id(id);
  *all.add_reminders() = reminder;
  RETURN_IF_ERROR(Write(all));
  return reminder;
}

absl::StatusOr<v1::Reminder> ReminderStore::Remove(std::string_view id) {
  if (!IsHexId(id)) {
    return absl::InvalidArgumentError("ID: expected a reminder id (see `haven remind list`)");
  }
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(v1::ListRemindersReply all, Read());
  int found = -1;
  for (int i = 0; i < all.reminders_size(); ++i) {
    if (all.reminders(i).id().compare(0, id.size(), id) != 0) continue;
    if (found >= 0) {
      return absl::InvalidArgumentError("ID \"" + std::string(id) +
                                        "\" names more than one reminder: give more characters");
    }
    found = i;
  }
  if (found < 0) return absl::NotFoundError("no reminder with id " + std::string(id));
  v1::Reminder removed = all.reminders(found);
  all.mutable_reminders()->DeleteSubrange(found, 1);
  RETURN_IF_ERROR(Write(all));
  return removed;
}

absl::Status ReminderStore::MarkShown(std::string_view id, int64_t at_us) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(v1::ListRemindersReply all, Read());
  for (v1::Reminder& r : *all.mutable_reminders()) {
    if (r.id() != id) continue;
    r.set_last_shown_us(at_us);
    return Write(all);
  }
  return absl::OkStatus();  // removed since it was due
}

}  // namespace haven
