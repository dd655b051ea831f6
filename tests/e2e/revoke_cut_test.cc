// What a revocation and a passphrase change do to devices that were not
// looking (docs/design.md, "Devices and key epochs"), end to end with a hub
// and three devices: a device revoked by one that had not pulled its latest
// entry keeps only its records up to the cut, so a device that had pulled
// that entry drops it from its view at its next unlock and every remaining
// device shows the same; and a locked device takes a new passphrase at its
// sync without being unlocked (a locked sync pushes and exchanges the
// membership, not entries), after which only the new one opens it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/e2e/devices_harness.h"

namespace haven::e2e {
namespace {

constexpr char kNewPassphrase[] = "another-passphrase-for-the-whole-vault";

bool Lists(const TestHome& device, const std::string& id) {
  const std::vector<std::string> ids = Ids(SortedList(device));
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

class RevokeCutTest : public VaultOfThree {
 protected:
  // d_[0] "laptop" is A, d_[1] "desktop" is B, d_[2] "phone" is P.
  static constexpr int kA = 0, kB = 1, kP = 2;
};

TEST_F(RevokeCutTest, RecordsBeyondTheCutLeaveTheView) {
  const std::string before = d_[kP].Log({"checkin", "-f", "mood=3"});
  SyncAll();           // every device holds P's first entry: it is within the cut
  Disconnect(d_[kA]);  // A's head for P stays here

  const std::string e = d_[kP].Log({"checkin", "-f", "mood=8", "-f", "note=beyond the cut"});
  ASSERT_TRUE(SyncOk(d_[kP]).is_object());
  Disconnect(d_[kP]);
  ASSERT_TRUE(SyncOk(d_[kB]).is_object());
  ASSERT_TRUE(Lists(d_[kB], e)) << "B did not pull E, so the test proves nothing";
  ASSERT_FALSE(Lists(d_[kA], e)) << "A was meant to be offline";

  RunResult revoke = Revoke(d_[kA], id_[kP]);
  ASSERT_EQ(revoke.exit_code, 0) << revoke;
  Reconnect(d_[kA], hub_);
  // The hub still holds E (taken before the revoke): A passes over it.
  for (int round = 0; round < 2; ++round) {
    RunResult sync = Sync(d_[kA]);
    EXPECT_EQ(sync.exit_code, 0) << "A's sync " << round + 1 << " after revoking" << sync;
  }
  EXPECT_FALSE(Lists(d_[kA], e)) << "A took P's record beyond the cut";
  ASSERT_TRUE(SyncOk(d_[kB]).is_object());  // B pulls the revoke

  ASSERT_EQ(d_[kB].Run({"lock"}).exit_code, 0);
  RunResult unlocked = d_[kB].Run({"--format", "json", "list"});
  ASSERT_EQ(unlocked.exit_code, 0) << unlocked;
  EXPECT_FALSE(Lists(d_[kB], e)) << "B still shows a record of P beyond the cut";
  EXPECT_TRUE(Lists(d_[kB], before)) << "B dropped a record of P within the cut";
  RunResult shown = d_[kB].Run({"show", e});
  EXPECT_NE(shown.exit_code, 0) << shown;

  SyncAll({kA, kB});
  EXPECT_FALSE(Lists(d_[kA], e)) << "A took P's record beyond the cut at a later sync";
  EXPECT_TRUE(Lists(d_[kA], before));
  ExpectConverged({kA, kB});
  for (int i : {kA, kB}) {
    for (const auto& device : DeviceList(d_[i])) {
      EXPECT_EQ(device.value("revoked", false), device.value("device_id", "") == id_[kP])
          << kNames[i] << ": " << device.dump();
    }
    DoctorClean(d_[i]);
  }
}

TEST_F(RevokeCutTest, ALockedDeviceLearnsANewPassphraseAtItsSync) {
  const std::string earlier = d_[kA].Log({"checkin", "-f", "mood=5"});
  SyncAll();
  ASSERT_EQ(d_[kB].Run({"lock"}).exit_code, 0);

  RunResult passwd = d_[kA].Run({"passwd"}, {{"HAVEN_NEW_PASSPHRASE", kNewPassphrase}});
  ASSERT_EQ(passwd.exit_code, 0) << passwd;
  const std::string later = d_[kA].Log({"mindfulness", "-f", "minutes=12"});
  ASSERT_TRUE(SyncOk(d_[kA]).is_object());

  // No passphrase at all: a locked sync pushes and pulls without unlocking.
  RunResult locked_sync =
      d_[kB].Run({"--format", "json", "sync"}, {{"HAVEN_PASSPHRASE", std::nullopt}});
  ASSERT_EQ(locked_sync.exit_code, 0) << locked_sync;

  RunResult old = d_[kB].Run({"--format", "json", "list"});  // the old passphrase
  EXPECT_EQ(old.exit_code, 3) << old;
  EXPECT_TRUE(old.out.empty() || old.out.find(earlier) == std::string::npos) << old;
  RunResult fresh =
      d_[kB].Run({"--format", "json", "list"}, {{"HAVEN_PASSPHRASE", kNewPassphrase}});
  ASSERT_EQ(fresh.exit_code, 0) << fresh;
  const std::vector<std::string> ids = Ids(fresh.JsonOut());
  EXPECT_NE(std::find(ids.begin(), ids.end(), earlier), ids.end()) << fresh;
  // A locked device does not pull entries; unlocking starts a sync.
  EXPECT_TRUE(WaitUntil([&] { return Lists(d_[kB], later); })) << "B never pulled " << later;
  EXPECT_EQ(SortedList(d_[kB]), SortedList(d_[kA]));
  EXPECT_EQ(Membership(d_[kB]), Membership(d_[kA]));
}

}  // namespace
}  // namespace haven::e2e
