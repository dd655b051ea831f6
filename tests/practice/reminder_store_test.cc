// Reminders on the way in (NormalizeReminder) and in the store's meta
// family (ReminderStore): checked, normalised, bounded, kept across a
// reopen, removed by id prefix; --every and the last shown time; values
// stored before them.
#include "server/practice/reminder_store.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>

#include "server/plugins/type_registry.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

v1::Reminder At(uint32_t minute, std::initializer_list<const char*> days = {},
                const char* type = "") {
  v1::Reminder r;
  r.set_minute_of_day(minute);
  for (const char* d : days) r.add_days(d);
  r.set_type(type);
  return r;
}

class ReminderStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    types_ = TypeRegistry::Create(
        RegistryOptions{{HAVEN_BUILTIN_NATIVE_DIR}, {HAVEN_BUILTIN_MANIFEST_DIR}});
    Reopen();
  }
  void Reopen() {
    reminders_.reset();
    store_.reset();
    store_ = *Store::Open(dir_.Join("store"));
    reminders_ = std::make_unique<ReminderStore>(store_.get());
  }

  testing::TempDir dir_;
  std::unique_ptr<TypeRegistry> types_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ReminderStore> reminders_;
};

TEST_F(ReminderStoreTest, NormalizesDaysAndChecksEveryField) {
  auto r = NormalizeReminder(At(540, {"fri", "mon", "fri"}, "letter"), *types_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->days_size(), 2);
  EXPECT_EQ(r->days(0), "mon");
  EXPECT_EQ(r->days(1), "fri");
  auto every = NormalizeReminder(At(0, {"sun", "sat", "fri", "thu", "wed", "tue", "mon"}), *types_);
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(every->days_size(), 0);  // every day

  auto late = NormalizeReminder(At(1440), *types_);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(late.status().message(), "time: expected HH:MM from 00:00 to 23:59");
  auto funday = NormalizeReminder(At(60, {"funday"}), *types_);
  EXPECT_EQ(funday.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(funday.status().message().find("--days: \"funday\""), std::string::npos);
  auto type = NormalizeReminder(At(60, {}, "no-such-type"), *types_);
  EXPECT_EQ(type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(type.status().message().find("--type"), std::string::npos);
}

TEST_F(ReminderStoreTest, AddsListsAndKeepsAcrossReopen) {
  auto a = reminders_->Add(At(540));
  auto b = reminders_->Add(At(1260, {"mon"}, "break"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id().size(), kReminderIdChars);
  EXPECT_NE(a->id(), b->id());
  // The same schedule again is the same reminder.
  EXPECT_EQ(reminders_->Add(At(540))->id(), a->id());
  Reopen();
  auto held = reminders_->List();
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].id(), a->id());
  EXPECT_EQ((*held)[1].type(), "break");
  EXPECT_EQ((*held)[1].minute_of_day(), 1260u);
}

TEST_F(ReminderStoreTest, RefusesBeyondTheBoundAndChangesNothing) {
  for (uint32_t i = 0; i < kMaxReminders; ++i) ASSERT_TRUE(reminders_->Add(At(i)).ok());
  auto one_more = reminders_->Add(At(999));
  EXPECT_EQ(one_more.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reminders_->List()->size(), kMaxReminders);
}

TEST_F(ReminderStoreTest, RemovesByIdOrUniquePrefix) {
  auto a = *reminders_->Add(At(540));
  auto b = *reminders_->Add(At(600));
  EXPECT_EQ(reminders_->Remove("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reminders_->Remove("zz").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reminders_->Remove("123456789").status().code(), absl::StatusCode::kInvalidArgument);
  size_t unique = 1;  // the shortest prefix of a's id that b's does not share
  while (b.id().compare(0, unique, a.id(), 0, unique) == 0) ++unique;
  auto removed = reminders_->Remove(a.id().substr(0, unique));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->minute_of_day(), 540u);
  auto held = reminders_->List();
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].id(), b.id());
  EXPECT_EQ(reminders_->Remove(a.id()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ReminderStoreTest, AmbiguousPrefixIsRefused) {
  // Ids are random: add until two share a first character (17 always do).
  std::vector<v1::Reminder> added;
  for (uint32_t i = 0; i < 17; ++i) added.push_back(*reminders_->Add(At(i)));
  char shared = 0;
  for (size_t i = 0; i < added.size() && !shared; ++i) {
    for (size_t j = i + 1; j < added.size(); ++j) {
      if (added[i].id()[0] == added[j].id()[0]) shared = added[i].id()[0];
    }
  }
  ASSERT_NE(shared, 0);
  EXPECT_EQ(reminders_->Remove(std::string(1, shared)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reminders_->List()->size(), 17u);
}

constexpr int64_t kDay = 24LL * 3600 * 1000000;

v1::Reminder Every(uint32_t minute, const char* type, int64_t every_us) {
  v1::Reminder r = At(minute, {}, type);
  r.set_every_us(every_us);
  return r;
}

TEST_F(ReminderStoreTest, EveryIsWholeDaysFromOneTo366) {
  for (int64_t every : {kDay, 14 * kDay, 366 * kDay}) {
    auto r = NormalizeReminder(Every(540, "checkin", every), *types_);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->every_us(), every);
  }
  const int64_t three_hours = 3 * 3600 * int64_t{1000000};
  for (int64_t every : {-kDay, kDay - 1, three_hours, kDay + 1, 367 * kDay, int64_t{INT64_MAX}}) {
    auto r = NormalizeReminder(Every(540, "", every), *types_);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << every;
    EXPECT_EQ(r.status().message(),
              "--every: expected whole days from 1d to 366d, like 14d, 2w or 4w");
  }
}

TEST_F(ReminderStoreTest, TheClientsLastShownIsIgnoredAndEveryIsPartOfTheIdentity) {
  v1::Reminder asked = Every(540, "checkin", 14 * kDay);
  asked.set_last_shown_us(123456789);
  auto fortnightly = reminders_->Add(*NormalizeReminder(asked, *types_));
  ASSERT_TRUE(fortnightly.ok()) << fortnightly.status();
  EXPECT_EQ(fortnightly->last_shown_us(), 0);
  auto daily = reminders_->Add(*NormalizeReminder(At(540, {}, "checkin"), *types_));
  auto monthly = reminders_->Add(*NormalizeReminder(Every(540, "checkin", 28 * kDay), *types_));
  ASSERT_TRUE(daily.ok() && monthly.ok());
  EXPECT_NE(daily->id(), fortnightly->id());
  EXPECT_NE(monthly->id(), fortnightly->id());
  EXPECT_EQ(reminders_->Add(*NormalizeReminder(asked, *types_))->id(), fortnightly->id());
  EXPECT_EQ(reminders_->List()->size(), 3u);
}

TEST_F(ReminderStoreTest, MarkShownKeepsTheTimeAcrossReopen) {
  auto a = *reminders_->Add(Every(540, "checkin", 14 * kDay));
  auto b = *reminders_->Add(Every(600, "", 7 * kDay));
  ASSERT_TRUE(reminders_->MarkShown(a.id(), 1'790'000'000'000'000).ok());
  ASSERT_TRUE(reminders_->MarkShown("0123abcd", 5).ok());  // gone meanwhile: nothing changes
  Reopen();
  auto held = reminders_->List();
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].last_shown_us(), 1'790'000'000'000'000);
  EXPECT_EQ((*held)[0].every_us(), 14 * kDay);
  EXPECT_EQ((*held)[1].id(), b.id());
  EXPECT_EQ((*held)[1].last_shown_us(), 0);
  // Setting it again returns it as held, its shown time too.
  EXPECT_EQ(reminders_->Add(Every(540, "checkin", 14 * kDay))->last_shown_us(),
            1'790'000'000'000'000);
}

TEST_F(ReminderStoreTest, RemindersStoredBeforeEveryLoadUnchanged) {
  // A ListRemindersReply as the daemon wrote it before fields 5 and 6:
  // {id "0a1b2c3d", minute_of_day 540, days ["mon"], type "checkin"}.
  const std::string old_value(
      "\x0a\x1b\x0a\x08"
      "0a1b2c3d"
      "\x10\x9c\x04\x1a\x03"
      "mon"
      "\x22\x07"
      "checkin",
      29);
  ASSERT_TRUE(store_->Put(Family::kMeta, kRemindersKey, old_value, true).ok());
  Reopen();
  auto held = reminders_->List();
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_EQ(held->size(), 1u);
  const v1::Reminder& r = (*held)[0];
  EXPECT_EQ(r.id(), "0a1b2c3d");
  EXPECT_EQ(r.minute_of_day(), 540u);
  ASSERT_EQ(r.days_size(), 1);
  EXPECT_EQ(r.days(0), "mon");
  EXPECT_EQ(r.type(), "checkin");
  EXPECT_EQ(r.every_us(), 0);
  EXPECT_EQ(r.last_shown_us(), 0);
  // The same schedule set now is that reminder; with --every it is another.
  v1::Reminder same = At(540, {"mon"}, "checkin");
  EXPECT_EQ(reminders_->Add(same)->id(), "0a1b2c3d");
  same.set_every_us(14 * kDay);
  EXPECT_NE(reminders_->Add(same)->id(), "0a1b2c3d");
}

TEST_F(ReminderStoreTest, UnreadableStoredValueIsDataLoss) {
  ASSERT_TRUE(store_->Put(Family::kMeta, kRemindersKey, "\xff\xff\xff", true).ok());
  EXPECT_EQ(reminders_->List().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(reminders_->Add(At(1)).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace haven
