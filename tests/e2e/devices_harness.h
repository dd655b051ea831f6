// Helpers for the device, key epoch and migration end-to-end tests
// (docs/design.md, "Devices and key epochs"), on top of sync_harness.h: a
// hub and three devices of one vault, each named at init or join; what
// `haven device list` shows; and raw_record_tool, which reads sealed
// records straight from a stopped store.
//
//   class MyTest : public VaultOfThree {};
//   TEST_F(MyTest, X) {               // SetUp: hub, laptop (init), desktop
//     ASSERT_EQ(Revoke(d_[0], id_[2]).exit_code, 0);  // and phone (join)
//     SyncAll();
//   }
#ifndef HAVEN_TESTS_E2E_DEVICES_HARNESS_H_
#define HAVEN_TESTS_E2E_DEVICES_HARNESS_H_

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/sync_harness.h"

namespace haven::e2e {

// Where raw_record_tool lives (RAW_RECORD_TOOL at compile time).
std::string RawRecordToolBinary();
// `raw_record_tool ARGS...` (HAVEN_PASSPHRASE from `env`); its stdout parsed
// as JSON, null (with a test failure) unless it exits 0 with JSON.
nlohmann::json RawRecordTool(const std::vector<std::string>& args, const EnvOverrides& env = {});

// `device list --format json`, sorted by device_id.
nlohmann::json DeviceList(const TestHome& device);
// The same without what differs between devices ("current", last seen,
// heads): device_id, name and revoked of each device. Equal on devices
// that agree on the membership.
nlohmann::json Membership(const TestHome& device);
// `device revoke ID` / `device rename ID NAME` (HAVEN_PASSPHRASE: the home's).
RunResult Revoke(const TestHome& by, const std::string& device_id);
RunResult Rename(const TestHome& by, const std::string& device_id, const std::string& name);
// `vault info --format json`'s "epoch", when it has one.
std::optional<int64_t> Epoch(const TestHome& device);
// The number of lines of `text` (a trailing newline does not count).
int Lines(const std::string& text);

// A hub and three devices of one vault: d_[0] "laptop" made it, d_[1]
// "desktop" and d_[2] "phone" joined; every device synced twice.
class VaultOfThree : public ::testing::Test {
 protected:
  static constexpr const char* kNames[3] = {"laptop", "desktop", "phone"};
  void SetUp() override;
  // Each device in `which` (default: all) syncs, asserting exit 0, then
  // again, so each has what the others pushed.
  void SyncAll(const std::vector<int>& which = {0, 1, 2});
  // Fails the test unless the devices in `which` list the same entries and
  // the same membership.
  void ExpectConverged(const std::vector<int>& which);

  Hub hub_;
  TestHome d_[3];
  std::string id_[3];  // hex device ids
  nlohmann::json init_;
};

}  // namespace haven::e2e

#endif  // HAVEN_TESTS_E2E_DEVICES_HARNESS_H_
