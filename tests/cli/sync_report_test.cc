// What `haven sync` says (cli/sync_report.h): this sync first, then what
// background syncs moved since the last `haven sync`, in changes.
#include "cli/sync_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace haven::cli {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t k1402 = 1796479350 * kSecond;           // 2026-12-05 14:02:30 UTC
constexpr int64_t kEvening = 1796500800 * kSecond;        // 2026-12-05 20:00 UTC
constexpr int64_t kTwoDaysBefore = 1796289300 * kSecond;  // 2026-12-03 09:15 UTC

class SyncReportText_ : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

v1::SyncReply Reply(uint64_t pushed, uint64_t pulled, uint64_t bg_pushed, uint64_t bg_pulled,
                    int64_t last_us) {
  v1::SyncReply r;
  r.set_pushed(pushed);
  r.set_pulled(pulled);
  r.set_background_pushed(bg_pushed);
  r.set_background_pulled(bg_pulled);
  r.set_background_last_us(last_us);
  return r;
}

TEST_F(SyncReportText_, NothingAnywhereIsOneLine) {
  EXPECT_EQ(SyncReportText(Reply(0, 0, 0, 0, 0), kEvening),
            "Up to date: nothing was left to send or receive.\n");
}

TEST_F(SyncReportText_, UpToDateSaysWhatBackgroundSyncDidAndWhenToday) {
  EXPECT_EQ(SyncReportText(Reply(0, 0, 3, 5, k1402), kEvening),
            "Up to date: nothing was left to send or receive.\n"
            "Since your last `haven sync`, background sync sent 3 changes and received 5 (the "
            "last at 14:02).\n");
}

TEST_F(SyncReportText_, AnEarlierDayIsNamed) {
  EXPECT_EQ(SyncReportText(Reply(0, 0, 1, 0, kTwoDaysBefore), kEvening),
            "Up to date: nothing was left to send or receive.\n"
            "Since your last `haven sync`, background sync sent 1 change and received 0 (the "
            "last at 2026-12-03 09:15).\n");
}

TEST_F(SyncReportText_, WhatThisSyncMovedComesFirst) {
  EXPECT_EQ(SyncReportText(Reply(1, 4, 0, 0, 0), kEvening), "Sent 1 change and received 4.\n");
  EXPECT_EQ(SyncReportText(Reply(2, 0, 0, 2, k1402), kEvening),
            "Sent 2 changes and received 0.\n"
            "Since your last `haven sync`, background sync sent 0 changes and received 2 (the "
            "last at 14:02).\n");
}

TEST_F(SyncReportText_, JsonCarriesTheTallyAndWhen) {
  nlohmann::json j = SyncReportJson(Reply(0, 1, 3, 5, k1402));
  EXPECT_EQ(j["pushed"], 0);
  EXPECT_EQ(j["pulled"], 1);
  EXPECT_EQ(j["background"]["pushed"], 3);
  EXPECT_EQ(j["background"]["pulled"], 5);
  EXPECT_EQ(j["background"]["last"], "2026-12-05T14:02:30+00:00") << j.dump();
  EXPECT_TRUE(SyncReportJson(Reply(0, 0, 0, 0, 0))["background"]["last"].is_null());
}

}  // namespace
}  // namespace haven::cli
