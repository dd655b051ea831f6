// Devices of a vault end to end (docs/design.md, "Devices and key epochs";
// docs/commands.md, "haven device"): a real hub and three devices. Each
// device is listed everywhere with its name; a rename reaches every
// device; a revoked device is refused by the hub (its sync exits 5 with one
// line saying so) while the others go on and converge; a device cannot
// revoke itself; what is written after a revocation does not open with any
// key the revoked device holds (read from the raw records); and a record
// pushed by one member in another's name is refused by the hub.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/devices_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;

class DevicesTest : public VaultOfThree {
 protected:
  // d_[0] revokes the phone (d_[2]) while the phone is offline, so that it
  // cannot have pulled anything written at or after the revocation.
  void RevokePhone(bool offline = true) {
    if (offline) Disconnect(d_[2]);
    RunResult revoke = Revoke(d_[0], id_[2]);
    ASSERT_EQ(revoke.exit_code, 0) << revoke;
    SyncAll({0, 1});
  }
  RunResult PlantAndSyncPhone(int forger, std::string* id);
  void LaterRecordsDoNotOpenWithThePhonesKeys(bool offline);
};

TEST_F(DevicesTest, EveryDeviceListsEveryDeviceWithItsName) {
  for (int i = 0; i < 3; ++i) {
    nlohmann::json list = DeviceList(d_[i]);
    ASSERT_EQ(list.size(), 3u) << kNames[i] << ": " << list.dump(1);
    int current = 0;
    for (const auto& device : list) {
      const std::string id = device.value("device_id", "");
      EXPECT_EQ(id.size(), 32u) << device.dump();
      EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
      EXPECT_FALSE(device.value("revoked", true)) << device.dump();
      const bool is_me = device.value("current", false);
      current += is_me ? 1 : 0;
      EXPECT_EQ(is_me, id == id_[i]) << kNames[i] << ": " << device.dump();
      for (int j = 0; j < 3; ++j) {
        if (id == id_[j]) EXPECT_EQ(device.value("name", ""), kNames[j]) << device.dump();
      }
    }
    EXPECT_EQ(current, 1) << kNames[i];
  }
  ExpectConverged({0, 1, 2});
}

TEST_F(DevicesTest, ARenameReachesEveryDevice) {
  RunResult rename = Rename(d_[1], id_[2], "old phone");
  ASSERT_EQ(rename.exit_code, 0) << rename;
  SyncAll();
  for (int i = 0; i < 3; ++i) {
    for (const auto& device : DeviceList(d_[i])) {
      if (device.value("device_id", "") == id_[2]) {
        EXPECT_EQ(device.value("name", ""), "old phone") << kNames[i];
      }
    }
  }
  ExpectConverged({0, 1, 2});
}

TEST_F(DevicesTest, ARevokedDeviceIsRefusedAndTheOthersConverge) {
  RevokePhone();
  std::string after = d_[1].Log({"checkin", "-f", "mood=7"});
  SyncAll({0, 1});

  Reconnect(d_[2], hub_);
  RunResult refused = Sync(d_[2]);
  EXPECT_EQ(refused.exit_code, 5) << refused;
  EXPECT_EQ(Lines(refused.err), 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("revoked")) << refused;
  EXPECT_THAT(refused.err, HasSubstr(id_[0].substr(0, 8))) << "not naming the revoking device";

  ExpectConverged({0, 1});
  for (int i : {0, 1}) {
    for (const auto& device : DeviceList(d_[i])) {
      EXPECT_EQ(device.value("revoked", false), device.value("device_id", "") == id_[2])
          << kNames[i] << ": " << device.dump();
    }
    EXPECT_EQ(SortedList(d_[i]).size(), 1u) << kNames[i];
  }
  RunResult shown = d_[2].Run({"show", after});
  EXPECT_NE(shown.exit_code, 0) << "the phone pulled an entry written after it was revoked";
}

TEST_F(DevicesTest, RevokingTheCurrentDeviceIsRefused) {
  const nlohmann::json before = DeviceList(d_[0]);
  RunResult self = Revoke(d_[0], id_[0]);
  EXPECT_NE(self.exit_code, 0) << self;
  EXPECT_FALSE(self.err.empty()) << "no message saying why";
  EXPECT_EQ(DeviceList(d_[0]), before);
  SyncAll();
  ExpectConverged({0, 1, 2});
  for (const auto& device : DeviceList(d_[1])) {
    EXPECT_FALSE(device.value("revoked", true)) << device.dump();
  }
}

// The phone offline (lost) or online and unlocked (stolen, watching the
// hub) when it is revoked.
void DevicesTest::LaterRecordsDoNotOpenWithThePhonesKeys(bool offline) {
  d_[2].Log({"checkin", "-f", "mood=4"});  // a record of the phone's own, before
  SyncOk(d_[2]);
  RevokePhone(offline);
  for (int i = 0; i < 3; ++i) d_[1].Log({"checkin", "-f", "mood=" + std::to_string(5 + i)});
  SyncAll({0, 1});
  for (TestHome& d : d_) d.StopDaemon();
  ASSERT_TRUE(hub_.Stop().has_value());

  // The newest epoch the phone ever wrote or read in.
  nlohmann::json phone = RawRecordTool({"epochs", d_[2].path() + "/store"});
  ASSERT_TRUE(phone.is_object());
  int64_t phone_epoch = -1;
  for (const auto& [epoch, n] : phone["epochs"].items()) {
    phone_epoch = std::max<int64_t>(phone_epoch, std::stoll(epoch));
  }
  ASSERT_GE(phone_epoch, 0) << phone.dump();

  EnvOverrides env{{"HAVEN_PASSPHRASE", d_[2].passphrase()}};
  nlohmann::json opened =
      RawRecordTool({"open-with-home", hub_.store(), d_[2].path() + "/store"}, env);
  ASSERT_TRUE(opened.is_object());
  EXPECT_GE(opened.value("keys", 0), 1) << opened.dump();
  int later = 0;
  for (const auto& [epoch, counts] : opened["epochs"].items()) {
    if (std::stoll(epoch) > phone_epoch) {
      later += counts.value("records", 0);
      EXPECT_EQ(counts.value("opened", -1), 0) << "epoch " << epoch << ": " << opened.dump();
    } else {  // the control: the phone's keys are real keys of this vault
      EXPECT_EQ(counts.value("opened", -1), counts.value("records", -2))
          << "epoch " << epoch << ": " << opened.dump();
    }
  }
  EXPECT_GE(later, 3) << "no record sealed after the revocation: " << opened.dump();

  // And a current member's keys do open them.
  EnvOverrides env1{{"HAVEN_PASSPHRASE", d_[1].passphrase()}};
  nlohmann::json member =
      RawRecordTool({"open-with-home", hub_.store(), d_[1].path() + "/store"}, env1);
  for (const auto& [epoch, counts] : member["epochs"].items()) {
    EXPECT_EQ(counts.value("opened", -1), counts.value("records", -2)) << "epoch " << epoch;
  }
}

TEST_F(DevicesTest, WhatIsWrittenAfterARevocationDoesNotOpenWithTheRevokedKeys) {
  LaterRecordsDoNotOpenWithThePhonesKeys(/*offline=*/true);
}

TEST_F(DevicesTest, NorWhenTheRevokedDeviceWasOnlineAndWatching) {
  LaterRecordsDoNotOpenWithThePhonesKeys(/*offline=*/false);
}

TEST_F(DevicesTest, ARecordInAnotherDevicesNameIsRefusedByTheHub) {
  d_[0].Log({"checkin", "-f", "mood=6"});
  SyncAll();
  const int64_t records = d_[0].Records();
  d_[1].StopDaemon();  // the forger reads the desktop's device key from its store
  RunResult forged = RunProgram(RawRecordToolBinary(),
                                {"forge-push", hub_.address(), d_[1].path() + "/store", id_[0]});
  EXPECT_EQ(forged.exit_code, 5) << forged << "\nhub:\n" << hub_.Output();
  EXPECT_THAT(forged.out, HasSubstr("push:")) << "refused at the push, not at the login";
  EXPECT_THAT(forged.out, HasSubstr("another device")) << forged;

  // Nothing of it reached the others.
  SyncAll({0, 2});
  EXPECT_EQ(d_[0].Records(), records);
  ExpectConverged({0, 2});
  DoctorClean(d_[2]);
}

// A hub serves the laptop's newest record re-written by `forger` (its
// device key signs it; it opens with the vault's key) to the phone, which
// had not pulled the true one; the phone's sync.
RunResult DevicesTest::PlantAndSyncPhone(int forger, std::string* id) {
  Disconnect(d_[2]);
  *id = d_[0].Log({"checkin", "-f", "mood=6"});
  EXPECT_TRUE(SyncOk(d_[0]).is_object());
  EXPECT_TRUE(SyncOk(d_[1]).is_object());
  d_[forger].StopDaemon();
  EXPECT_TRUE(hub_.Stop().has_value());
  RunResult planted = RunProgram(
      RawRecordToolBinary(), {"plant-forgery", hub_.store(), d_[forger].path() + "/store", id_[0]},
      {.env = {{"HAVEN_PASSPHRASE", d_[forger].passphrase()}}});
  EXPECT_EQ(planted.exit_code, 0) << planted;
  EXPECT_TRUE(hub_.Start());
  Reconnect(d_[2], hub_);
  return Sync(d_[2]);
}

TEST_F(DevicesTest, ARecordInAnotherDevicesNameIsRejectedByADevice) {
  std::string id;
  RunResult r = PlantAndSyncPhone(/*forger=*/1, &id);
  ASSERT_FALSE(HasFailure());
  EXPECT_NE(r.exit_code, 0) << "the phone took a record the laptop did not write" << r;
  EXPECT_LT(r.exit_code, 128) << r;
  EXPECT_THAT(r.err, HasSubstr("rejected")) << r;
  RunResult shown = d_[2].Run({"--format", "json", "show", id});
  if (shown.exit_code == 0) {
    EXPECT_NE(shown.JsonOut()["fields"].value("mood", 0), 1) << "the forged field was taken";
  }
  EXPECT_EQ(Show(d_[0], id)["fields"].value("mood", 0), 6);
  DoctorClean(d_[2]);
}

// The control: the same rewrite signed by the laptop itself is the
// laptop's record, and the phone (which never saw the first) takes it.
TEST_F(DevicesTest, TheSameRewriteByItsOwnDeviceIsTaken) {
  std::string id;
  RunResult r = PlantAndSyncPhone(/*forger=*/0, &id);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(Show(d_[2], id)["fields"].value("mood", 0), 1);
}

}  // namespace
}  // namespace haven::e2e
