// Reminders on the way in (NormalizeReminder) and in the store's meta
// family (ReminderStore): checked, normalised, bounded, kept across a
// reopen, removed by id prefix.
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

TEST_F(ReminderStoreTest, UnreadableStoredValueIsDataLoss) {
  ASSERT_TRUE(store_->Put(Family::kMeta, kRemindersKey, "\xff\xff\xff", true).ok());
  EXPECT_EQ(reminders_->List().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(reminders_->Add(At(1)).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace haven
