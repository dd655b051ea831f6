#include "server/practice/reminder_scheduler.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "common/time.h"
#include "server/practice/practice_days.h"
#include "server/practice/schedule.h"
#include "server/util/log.h"

namespace haven {
namespace {

constexpr char kTitle[] = "haven";

// "every 2 weeks", "every 10 days", "every day".
std::string EveryPhrase(const v1::Reminder& reminder) {
  const int64_t days = reminder.every_us() / kReminderDayUs;
  if (days == 1) return "every day";
  if (days == 7) return "every week";
  if (days % 7 == 0) return "every " + std::to_string(days / 7) + " weeks";
  return "every " + std::to_string(days) + " days";
}

}  // namespace

ReminderScheduler::ReminderScheduler(ReminderStore* reminders, Vault* vault, TypeRegistry* types,
                                     Notifier* notifier, std::function<int64_t()> now)
    : reminders_(reminders),
      vault_(vault),
      types_(types),
      notifier_(notifier),
      now_(std::move(now)) {}

ReminderScheduler::~ReminderScheduler() { Stop(); }

void ReminderScheduler::Start() {
  absl::MutexLock lock(&mu_);
  if (loop_.joinable() || stopping_) return;
  running_ = true;
  loop_ = std::thread([this] { Loop(); });
}

void ReminderScheduler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.SignalAll();
    looked_.SignalAll();
  }
  if (loop_.joinable()) loop_.join();
}

void ReminderScheduler::Replan() {
  absl::MutexLock lock(&mu_);
  replan_ = true;
  const uint64_t mine = ++replans_asked_;
  wake_.SignalAll();
  const absl::Time until = absl::Now() + absl::Microseconds(kReplanWaitUs);
  while (running_ && !stopping_ && replans_seen_ < mine) {
    if (looked_.WaitWithDeadline(&mu_, until)) return;  // the loop is busy sending: go on
  }
}

std::string ReminderScheduler::BodyFor(const v1::Reminder& reminder, const TypeRegistry& types) {
  std::string practice = "your practice";
  if (!reminder.type().empty()) {
    auto type = types.Find(reminder.type());
    const std::string title = type && !type->title.empty() ? type->title : reminder.type();
    practice = title + " (haven log " + reminder.type() + ")";
  }
  if (reminder.every_us() <= 0) return "A moment for " + practice + ", if it suits you today.";
  return "A moment for " + practice + ", which you come back to " + EveryPhrase(reminder) +
         ", if it suits you today.";
}

const char* ReminderScheduler::SkipReason(const v1::Reminder& reminder, int64_t due_us,
                                          const Journal* journal) {
  if (reminder.every_us() <= 0) {
    // Locked: cannot know, so it reminds (header).
    if (journal != nullptr && PractisedOnDay(*journal, LocalDayNumber(due_us), reminder.type())) {
      return "reminder skipped: practised today";
    }
    return nullptr;
  }
  const int64_t since = IntervalStart(due_us, reminder.every_us());
  if (journal != nullptr) {
    if (PractisedInRange(*journal, since, due_us, reminder.type())) {
      return "reminder skipped: practised within its interval";
    }
    return nullptr;
  }
  const int64_t shown = reminder.last_shown_us();
  const bool shown_in_interval = shown > since && shown <= due_us;
  return shown_in_interval ? "reminder skipped: locked, shown within its interval" : nullptr;
}

void ReminderScheduler::Show(const v1::Reminder& reminder, int64_t due_us, bool locked) {
  Log(LogLevel::kDebug, "reminder due", {{"id", reminder.id()}});
  notifier_->Notify(kTitle, BodyFor(reminder, *types_));
  if (reminder.every_us() <= 0 || !locked) return;
  if (absl::Status kept = reminders_->MarkShown(reminder.id(), due_us); !kept.ok()) {
    Log(LogLevel::kWarn, "reminder shown time not kept",
        {{"id", reminder.id()}, {"error", std::string(kept.message())}});
  }
}

int64_t ReminderScheduler::SendDue(int64_t from_us, int64_t to_us) {
  auto held = reminders_->List();
  if (!held.ok()) {
    Log(LogLevel::kWarn, "reminders unreadable", {{"error", std::string(held.status().message())}});
    return 0;
  }
  std::vector<std::pair<int64_t, const v1::Reminder*>> due;
  int64_t next = 0;
  for (const v1::Reminder& r : *held) {
    if (auto at = LatestOccurrenceIn(r, from_us, to_us)) due.emplace_back(*at, &r);
    const int64_t after = NextOccurrence(r, to_us);
    next = next == 0 ? after : std::min(next, after);
  }
  std::sort(due.begin(), due.end());
  for (const auto& [at, reminder] : due) {
    if (!vault_->exists()) continue;  // nothing to practise into yet
    // One look at the lock decides both the rule and what is kept.
    const std::shared_ptr<Journal> journal = vault_->PeekJournal();
    if (const char* why = SkipReason(*reminder, at, journal.get())) {
      // Debug only: at the default level the plain-text log must not tell
      // which days something was practised (header).
      Log(LogLevel::kDebug, why, {{"id", reminder->id()}});
      continue;
    }
    Show(*reminder, at, journal == nullptr);
  }
  return next;
}

void ReminderScheduler::Loop() {
  int64_t checked_us = now_();
  mu_.Lock();
  while (!stopping_) {
    replan_ = false;
    // The clock is read under mu_, so that a Replan that returns knows it
    // was read after its change.
    const int64_t now = now_();
    replans_seen_ = replans_asked_;
    looked_.SignalAll();
    mu_.Unlock();
    // A clock moved back starts again from where it now stands.
    const int64_t from = std::max(std::min(checked_us, now), now - kLateUs);
    const int64_t next = SendDue(from, now);
    checked_us = now;
    mu_.Lock();
    if (stopping_ || replan_) continue;
    const int64_t wait_us =
        next == 0 ? kMaxSleepUs : std::clamp<int64_t>(next - now, 1000, kMaxSleepUs);
    wake_.WaitWithTimeout(&mu_, absl::Microseconds(wait_us));
  }
  mu_.Unlock();
}

}  // namespace haven
