// The nudge's facts, an --every reminder's interval, reread's choice and
// on-this-day over a real journal: answered from the index, deleted
// entries left out, days local.
#include "server/practice/practice_days.h"

#include <gtest/gtest.h>

#include <set>

#include "common/time.h"
#include "server/practice/on_this_day.h"
#include "server/practice/reread.h"
#include "tests/common/scoped_time_zone.h"
#include "tests/journal/journal_test_support.h"

namespace haven {
namespace {

class PracticeDaysTest : public testing::JournalTestBase {
 protected:
  int64_t Local(const std::string& text) { return *ParseTimeInput(text, 0); }
  std::string Checkin(const std::string& at) {
    return MustLog("checkin", {{"mood", 5}}, Local(at)).id;
  }
  std::string Minutes(const std::string& at) {
    return MustLog("mindfulness", {{"minutes", 10}}, Local(at)).id;
  }
  testing::ScopedTimeZone zone_{"Europe/Berlin"};
};

TEST_F(PracticeDaysTest, StreakCountsFromYesterdayUntilTodayIsActive) {
  const int64_t now = Local("2026-06-10 12:00");
  EXPECT_EQ(CurrentStreak(*journal_, LocalDayNumber(now)), 0u);
  Minutes("2026-06-09 23:30");  // late yesterday, local time
  Checkin("2026-06-08 00:10");
  Checkin("2026-06-08 08:00");
  Minutes("2026-06-07 09:00");
  Minutes("2026-06-05 09:00");  // after a gap: not counted
  EXPECT_EQ(CurrentStreak(*journal_, LocalDayNumber(now)), 3u);
  EXPECT_FALSE(PractisedOnDay(*journal_, LocalDayNumber(now), ""));
  Checkin("2026-06-10 07:00");
  EXPECT_EQ(CurrentStreak(*journal_, LocalDayNumber(now)), 4u);
  EXPECT_TRUE(PractisedOnDay(*journal_, LocalDayNumber(now), ""));
  EXPECT_TRUE(PractisedOnDay(*journal_, LocalDayNumber(now), "checkin"));
  EXPECT_FALSE(PractisedOnDay(*journal_, LocalDayNumber(now), "mindfulness"));
  // An entry tomorrow does not count for today.
  Minutes("2026-06-11 07:00");
  EXPECT_EQ(CurrentStreak(*journal_, LocalDayNumber(now)), 4u);
}

TEST_F(PracticeDaysTest, RangeHoldsItsEndNotItsStart) {
  constexpr int64_t kSecond = 1000000;  // entries are timed to the second
  const int64_t after = Local("2026-06-01 09:00");
  const int64_t until = Local("2026-06-15 09:00");
  EXPECT_FALSE(PractisedInRange(*journal_, after, until, ""));
  MustLog("checkin", {{"mood", 5}}, after);  // on the open edge: outside
  MustLog("checkin", {{"mood", 5}}, until + kSecond);
  EXPECT_FALSE(PractisedInRange(*journal_, after, until, ""));
  EXPECT_FALSE(PractisedInRange(*journal_, after, until, "checkin"));
  MustLog("checkin", {{"mood", 5}}, after + kSecond);  // just inside
  EXPECT_TRUE(PractisedInRange(*journal_, after, until, "checkin"));
  EXPECT_TRUE(PractisedInRange(*journal_, after, until, ""));
  EXPECT_FALSE(PractisedInRange(*journal_, after + kSecond, until, "checkin"));
  MustLog("checkin", {{"mood", 5}}, until);  // on the closed edge: inside
  EXPECT_TRUE(PractisedInRange(*journal_, after + kSecond, until, "checkin"));
  EXPECT_FALSE(PractisedInRange(*journal_, until, until, "checkin"));  // empty
}

TEST_F(PracticeDaysTest, RangeIgnoresOtherTypesAndDeletedEntries) {
  const int64_t after = Local("2026-06-01 09:00");
  const int64_t until = Local("2026-06-15 09:00");
  Minutes("2026-06-10 08:00");
  EXPECT_FALSE(PractisedInRange(*journal_, after, until, "checkin"));
  EXPECT_TRUE(PractisedInRange(*journal_, after, until, "mindfulness"));
  EXPECT_TRUE(PractisedInRange(*journal_, after, until, ""));
  const std::string taken = Checkin("2026-06-10 08:30");
  EXPECT_TRUE(PractisedInRange(*journal_, after, until, "checkin"));
  ASSERT_TRUE(journal_->Remove(taken).ok());
  EXPECT_FALSE(PractisedInRange(*journal_, after, until, "checkin"));
}

TEST_F(PracticeDaysTest, NudgeFactsLeaveDeletedEntriesOut) {
  const int64_t now = Local("2026-06-10 12:00");
  Minutes("2026-06-09 09:00");
  Minutes("2026-06-08 09:00");
  Checkin("2026-06-09 10:00");
  const std::string today = Checkin("2026-06-10 08:00");
  Checkin("2026-06-01 10:00");
  NudgeFacts facts = ComputeNudge(*journal_, now);
  EXPECT_TRUE(facts.practised_today);
  EXPECT_EQ(facts.streak_days, 3u);
  EXPECT_EQ(facts.top_type, "checkin");
  EXPECT_EQ(facts.entries, 5u);
  ASSERT_TRUE(journal_->Remove(today).ok());
  facts = ComputeNudge(*journal_, now);
  EXPECT_FALSE(facts.practised_today);
  EXPECT_EQ(facts.streak_days, 2u);
  EXPECT_EQ(facts.top_type, "checkin");  // a tie of two: the first by name
  EXPECT_EQ(facts.entries, 4u);
}

TEST_F(PracticeDaysTest, RereadChoosesOnlyLiveOlderEntriesOfTheType) {
  const std::string old_one = Checkin("2026-05-01 09:00");
  const std::string older = Checkin("2026-04-01 09:00");
  const std::string deleted = Checkin("2026-03-01 09:00");
  Checkin("2026-06-09 09:00");
  Minutes("2026-04-15 09:00");
  ASSERT_TRUE(journal_->Remove(deleted).ok());
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) {
    auto picked = PickToReread(*journal_, "checkin", Local("2026-06-01 00:00"));
    ASSERT_TRUE(picked.ok()) << picked.status();
    seen.insert(picked->id);
  }
  // Both candidates come up (each is missed 64 times in a row with
  // probability 2^-64), nothing else does.
  EXPECT_EQ(seen, (std::set<std::string>{old_one, older}));
  EXPECT_EQ(PickToReread(*journal_, "letter", Local("2026-06-01 00:00")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(PickToReread(*journal_, "checkin", Local("2026-03-01 00:00")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PracticeDaysTest, OnThisDayListsEarlierYearsNewestFirst) {
  const std::string y1 = Checkin("2025-06-10 23:30");
  const std::string y3 = Minutes("2023-06-10 00:05");
  Checkin("2025-06-11 00:30");  // the next day
  Checkin("2024-06-09 23:59");  // the day before
  Checkin("2026-06-10 08:00");  // this year
  size_t total = 0;
  auto listed = ListOnThisDay(*journal_, ListFilter{}, Local("2026-06-10 12:00"), &total);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, y1);
  EXPECT_EQ((*listed)[1].id, y3);
  EXPECT_EQ(total, 2u);
  ListFilter limited;
  limited.limit = 1;
  listed = ListOnThisDay(*journal_, limited, Local("2026-06-10 12:00"), &total);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, y1);
  EXPECT_EQ(total, 2u);
  ListFilter typed;
  typed.type = "mindfulness";
  listed = ListOnThisDay(*journal_, typed, Local("2026-06-10 12:00"), &total);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, y3);
}

}  // namespace
}  // namespace haven
