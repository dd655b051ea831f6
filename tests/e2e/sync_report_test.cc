// `haven sync` after background sync did the work (docs/commands.md,
// `haven sync`): it says it is up to date and what background sync sent and
// received since the last `haven sync`, then starts that tally again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SyncReport : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hub_.Start());
    init_ = d1_.Init();
    ASSERT_TRUE(init_.is_object());
    AddRemote(d1_, hub_);
    ASSERT_TRUE(SyncOk(d1_).is_object());
    RunResult join = Join(d2_, hub_, init_["vault_id"], init_["secret_key"]);
    ASSERT_EQ(join.exit_code, 0) << join << "\nhub:\n" << hub_.Output();
    // What the devices did until now is not what this test looks at.
    ASSERT_TRUE(SyncOk(d1_).is_object());
    ASSERT_TRUE(SyncOk(d2_).is_object());
  }

  Hub hub_;
  TestHome d1_, d2_;
  nlohmann::json init_;
};

TEST_F(SyncReport, SaysWhatBackgroundSyncMovedSinceTheLastSync) {
  // Three entries on device 1: its background sync pushes them (about a
  // second after each write) and device 2 pulls them when the hub's watch
  // tells it, with no `haven sync` anywhere.
  for (int mood : {3, 5, 7}) d1_.Log({"checkin", "-f", "mood=" + std::to_string(mood)});
  ASSERT_TRUE(WaitUntil([&] { return SortedList(d2_).size() == 3; }, Duration(60000)))
      << "device 2 never received the entries\nhub:\n"
      << hub_.Output();

  RunResult r = d2_.Run({"sync"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("Up to date: nothing was left to send or receive.")) << r;
  EXPECT_THAT(r.out, HasSubstr("Since your last `haven sync`, background sync sent 0 changes and "
                               "received 3 (the last at "))
      << r;

  // Device 1 sent them; in JSON the tally says so, with when.
  nlohmann::json j = SyncOk(d1_);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["pushed"], 0) << j.dump();
  EXPECT_EQ(j["pulled"], 0) << j.dump();
  EXPECT_EQ(j["background"]["pushed"], 3) << j.dump();
  EXPECT_EQ(j["background"]["pulled"], 0) << j.dump();
  ASSERT_TRUE(j["background"]["last"].is_string()) << j.dump();
  EXPECT_TRUE(ParseRfc3339(j["background"]["last"]).has_value()) << j.dump();

  // A `haven sync` starts the tally again.
  r = d2_.Run({"sync"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_THAT(r.out, HasSubstr("Up to date")) << r;
  EXPECT_THAT(r.out, Not(HasSubstr("background"))) << r;
  j = SyncOk(d1_);
  EXPECT_EQ(j["background"], nlohmann::json({{"pushed", 0}, {"pulled", 0}, {"last", nullptr}}))
      << j.dump();
}

}  // namespace
}  // namespace haven::e2e
