// The reminder scheduler over a real vault and store, driven by its
// injected clock (a change of the clock, then Replan, as `remind set`
// does): an `--every` reminder stays quiet while an entry of its type lies
// in its interval and is shown once none does; locked, it is shown once
// and then not again until its interval has passed, a rule that outlives a
// restart. Each pass also sends a sentinel reminder due a minute after the
// one under test, so a test waits for the sentinel (no sleep, no time
// bound) and then knows whether the earlier one was shown.
#include "server/practice/reminder_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/time.h"
#include "tests/common/scoped_time_zone.h"
#include "tests/store/temp_store.h"

namespace haven {
namespace {

constexpr char kPassphrase[] = "quiet-lantern-marble-orbit-7";
constexpr int64_t kDay = 24LL * 3600 * 1000000;
constexpr char kSentinel[] =
    "A moment for Letter to yourself (haven log letter), if it suits you today.";
constexpr char kFortnightly[] =
    "A moment for Check-in (haven log checkin), which you come back to every 2 weeks, if it "
    "suits you today.";

int64_t Local(const std::string& text) { return *ParseTimeInput(text, 0); }

// Keeps what it was asked to show; a test waits for a count of sentinels.
class RecordingNotifier final : public Notifier {
 public:
  void Notify(const std::string&, const std::string& body) override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    bodies_.push_back(body);
    if (body == kSentinel) ++sentinels_;
  }
  // Every body shown, once `n` of them are the sentinel's. A scheduler
  // that never shows it fails the test (after a minute) rather than hang.
  std::vector<std::string> WaitForSentinels(size_t n) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    const auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return sentinels_ >= n; };
    EXPECT_TRUE(mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Minutes(1)))
        << "the scheduler never showed the marker reminder";
    return bodies_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> bodies_ ABSL_GUARDED_BY(mu_);
  size_t sentinels_ ABSL_GUARDED_BY(mu_) = 0;
};

class ReminderSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    types_ = TypeRegistry::Create(
        RegistryOptions{{HAVEN_BUILTIN_NATIVE_DIR}, {HAVEN_BUILTIN_MANIFEST_DIR}});
    ASSERT_NE(types_->Find("checkin"), nullptr) << "built-in manifests not staged";
    now_ = Local("2026-06-01 00:00");
    Open();
    auto init = vault_->Init(kPassphrase, "interactive");
    ASSERT_TRUE(init.ok()) << init.status();
    v1::Reminder fortnightly;
    fortnightly.set_minute_of_day(9 * 60);
    fortnightly.set_type("checkin");
    fortnightly.set_every_us(14 * kDay);
    auto added = reminders_->Add(*NormalizeReminder(fortnightly, *types_));
    ASSERT_TRUE(added.ok()) << added.status();
    id_ = added->id();
    v1::Reminder sentinel;
    sentinel.set_minute_of_day(9 * 60 + 1);
    sentinel.set_type("letter");  // never logged here: always shown
    ASSERT_TRUE(reminders_->Add(sentinel).ok());
  }
  void TearDown() override { Close(); }

  // Everything over the store at dir_, as havend opens it at a start.
  void Open() {
    absl::Status opened = testing::OpenStoreAndLog(dir_.Join("store"), &store_, &log_);
    ASSERT_TRUE(opened.ok()) << opened;
    vault_ = std::make_unique<Vault>(store_.get(), log_.get(), types_.get(), 0);
    reminders_ = std::make_unique<ReminderStore>(store_.get());
    scheduler_ = std::make_unique<ReminderScheduler>(reminders_.get(), vault_.get(), types_.get(),
                                                     &notifier_, [this] { return now_.load(); });
    scheduler_->Start();
    scheduler_->Replan();  // returns once the loop has read the clock it starts from
  }
  void Close() {
    scheduler_.reset();
    reminders_.reset();
    vault_.reset();
    log_.reset();
    store_.reset();
  }

  void Checkin(const std::string& at) {
    LogInput in;
    in.type = "checkin";
    in.fields_json = {{"mood", 5}};
    in.at_us = Local(at);
    auto journal = vault_->journal();
    ASSERT_TRUE(journal.ok()) << journal.status();
    ASSERT_TRUE((*journal)->Log(in).ok());
  }
  // Moves the clock to 09:02 on `date` (both reminders due in the last
  // minutes) and returns whether the fortnightly one was shown.
  bool ShownOn(const std::string& date) {
    now_ = Local(date + " 09:02");
    scheduler_->Replan();
    const std::vector<std::string> bodies = notifier_.WaitForSentinels(++sentinels_);
    EXPECT_EQ(bodies.back(), kSentinel);  // the later one, sent last
    const size_t shown = bodies.size() - sentinels_;
    EXPECT_LE(shown, shown_ + 1);
    const bool now_shown = shown > shown_;
    if (now_shown) EXPECT_EQ(bodies[bodies.size() - 2], kFortnightly);
    shown_ = shown;
    return now_shown;
  }
  // Moves the clock without anything falling due.
  void ClockTo(const std::string& at) {
    now_ = Local(at);
    scheduler_->Replan();
  }
  int64_t LastShown() {
    auto held = reminders_->List();
    EXPECT_TRUE(held.ok()) << held.status();
    for (const v1::Reminder& r : held.value_or(std::vector<v1::Reminder>{})) {
      if (r.id() == id_) return r.last_shown_us();
    }
    return -1;
  }

  testing::ScopedTimeZone zone_{"Europe/Berlin"};
  testing::TempDir dir_;
  std::unique_ptr<TypeRegistry> types_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<ReminderStore> reminders_;
  RecordingNotifier notifier_;
  std::unique_ptr<ReminderScheduler> scheduler_;
  std::atomic<int64_t> now_{0};
  std::string id_;
  size_t sentinels_ = 0;
  size_t shown_ = 0;
};

TEST_F(ReminderSchedulerTest, UnlockedAnEntryInTheIntervalKeepsItQuiet) {
  Checkin("2026-06-01 10:00");
  EXPECT_FALSE(ShownOn("2026-06-02"));
  EXPECT_FALSE(ShownOn("2026-06-15"));  // 14 days from 09:00: the 10:00 one is inside
  EXPECT_EQ(LastShown(), 0);
  EXPECT_TRUE(ShownOn("2026-06-16"));  // the last is older than two weeks
  // Unlocked, the entries decide: not yet taken, it is shown again...
  EXPECT_TRUE(ShownOn("2026-06-17"));
  // ...until one is logged.
  Checkin("2026-06-17 12:00");
  EXPECT_FALSE(ShownOn("2026-06-18"));
  // An unlocked showing would tell that nothing was logged before it: not kept.
  EXPECT_EQ(LastShown(), 0);
}

TEST_F(ReminderSchedulerTest, LockedItIsShownOnceAnIntervalAcrossARestart) {
  Checkin("2026-06-09 10:00");  // locked, the daemon cannot see it
  vault_->Lock();
  EXPECT_TRUE(ShownOn("2026-06-10"));
  EXPECT_EQ(LastShown(), Local("2026-06-10 09:00"));
  EXPECT_FALSE(ShownOn("2026-06-11"));
  Close();  // a daemon restart: the shown time is kept with the reminder
  Open();
  EXPECT_FALSE(ShownOn("2026-06-23"));
  EXPECT_TRUE(ShownOn("2026-06-24"));  // two weeks after it was last shown
  EXPECT_FALSE(ShownOn("2026-06-25"));
}

TEST_F(ReminderSchedulerTest, OnlyALockedShowingIsKept) {
  EXPECT_TRUE(ShownOn("2026-06-02"));  // unlocked, nothing logged yet
  EXPECT_EQ(LastShown(), 0);
  vault_->Lock();
  EXPECT_TRUE(ShownOn("2026-06-03"));  // one too many, rather than a kept trace
  EXPECT_EQ(LastShown(), Local("2026-06-03 09:00"));
  EXPECT_FALSE(ShownOn("2026-06-04"));
  ASSERT_TRUE(vault_->Unlock(kPassphrase, 0).ok());
  EXPECT_TRUE(ShownOn("2026-06-05"));  // unlocked, the entries decide again
  EXPECT_EQ(LastShown(), Local("2026-06-03 09:00"));
  vault_->Lock();
  EXPECT_FALSE(ShownOn("2026-06-16"));
  EXPECT_TRUE(ShownOn("2026-06-17"));
}

TEST_F(ReminderSchedulerTest, ALastShownTimeAfterTheDueTimeIsNotTrusted) {
  vault_->Lock();
  EXPECT_TRUE(ShownOn("2026-06-20"));
  EXPECT_FALSE(ShownOn("2026-06-21"));
  // The clock set back a month: the kept time lies ahead of it.
  ClockTo("2026-05-20 08:50");
  EXPECT_TRUE(ShownOn("2026-05-20"));
  EXPECT_EQ(LastShown(), Local("2026-05-20 09:00"));
}

}  // namespace
}  // namespace haven
