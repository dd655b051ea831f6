// A vault made before device keys, opened by this version (docs/design.md,
// "Vaults made before device keys"): tests/e2e/fixtures/v1_vault.tar.gz
// holds a hub and two devices made by 45f2654 (fixtures/README.md says
// how). Unpacked into temporary homes, run with the binaries under test and
// unlocked (which migrates each device: a device key and its enrolment),
// every entry is still there with its fields, the removed one can still be
// restored, `doctor` is clean, both devices are listed, a new entry syncs
// between them and a new device joins with the old secrets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "tests/e2e/devices_harness.h"

namespace haven::e2e {
namespace {

const std::string kFixtureDir = V1_FIXTURE_DIR;

// v1_vault.env: key=value lines.
std::map<std::string, std::string> FixtureValues() {
  std::map<std::string, std::string> values;
  std::ifstream in(kFixtureDir + "/v1_vault.env");
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return values;
}

// What must survive of an entry: everything its author wrote.
nlohmann::json Written(const nlohmann::json& entries) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& e : entries) {
    out[e.value("id", "")] = {
        {"type", e["type"]}, {"fields", e["fields"]}, {"tags", e["tags"]}, {"at", e["at"]}};
  }
  return out;
}

class MigrationTest : public ::testing::Test {
 protected:
  MigrationTest() : v_(FixtureValues()), d1_(v_["passphrase"]), d2_(v_["passphrase"]) {}

  void SetUp() override {
    ASSERT_FALSE(v_["vault_id"].empty()) << "no " << kFixtureDir << "/v1_vault.env";
    Unpack("hub", hub_.home());
    Unpack("d1", d1_.path());
    Unpack("d2", d2_.path());
    ASSERT_TRUE(hub_.Start()) << hub_.Output();
    // The fixture's remotes name the port its hub had; point them here.
    // The first unlock with this version migrates each device.
    for (TestHome* d : {&d1_, &d2_}) {
      Disconnect(*d);
      Reconnect(*d, hub_);
      RunResult unlock = d->Run({"unlock"});
      ASSERT_EQ(unlock.exit_code, 0) << unlock;
    }
  }

  // fixtures/v1_vault.tar.gz's `part`/ becomes `dest`.
  void Unpack(const std::string& part, const std::string& dest) {
    std::string out;
    std::string scratch = dest + ".unpack";
    int rc =
        Shell("mkdir -p '" + scratch + "' && tar -xzf '" + kFixtureDir + "/v1_vault.tar.gz' -C '" +
                  scratch + "' " + part + " && rm -rf '" + dest + "' && mv '" + scratch + "/" +
                  part + "' '" + dest + "' && rmdir '" + scratch + "' && chmod 700 '" + dest + "'",
              &out);
    ASSERT_EQ(rc, 0) << out;
  }

  nlohmann::json FixtureList() {
    return nlohmann::json::parse(ReadFile(kFixtureDir + "/v1_vault_list.json"), nullptr, false);
  }

  std::map<std::string, std::string> v_;
  Hub hub_;
  TestHome d1_, d2_;
};

TEST_F(MigrationTest, EveryEntryIsStillThereWithItsFields) {
  const nlohmann::json want = Written(FixtureList());
  ASSERT_EQ(want.size(), 4u) << FixtureList().dump();
  for (TestHome* d : {&d1_, &d2_}) {
    EXPECT_EQ(Written(SortedList(*d)), want) << d->path();
    DoctorClean(*d);
  }
  nlohmann::json edited = Show(d1_, v_["entry_mindfulness_edited"]);
  EXPECT_EQ(edited["fields"].value("minutes", 0), 15) << edited.dump();
  EXPECT_EQ(edited["fields"].value("judgment_after", 0), 2) << edited.dump();
  EXPECT_FALSE(want.contains(v_["entry_checkin_removed"]));
  RunResult restore = d2_.Run({"restore", v_["entry_checkin_removed"]});
  EXPECT_EQ(restore.exit_code, 0) << restore;
  EXPECT_EQ(Show(d2_, v_["entry_checkin_removed"])["fields"].value("mood", 0), 2);
}

TEST_F(MigrationTest, BothDevicesAreListedAndANewEntrySyncs) {
  ASSERT_TRUE(SyncOk(d1_).is_object()) << hub_.Output();
  ASSERT_TRUE(SyncOk(d2_).is_object()) << hub_.Output();
  std::string fresh = d1_.Log({"checkin", "-f", "mood=8", "-f", "connection=6"});
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(SyncOk(d1_).is_object());
    ASSERT_TRUE(SyncOk(d2_).is_object());
  }
  EXPECT_EQ(SortedList(d1_), SortedList(d2_));
  EXPECT_EQ(Show(d2_, fresh)["fields"].value("mood", 0), 8);
  EXPECT_EQ(SortedList(d2_).size(), 5u);

  for (TestHome* d : {&d1_, &d2_}) {
    nlohmann::json devices = DeviceList(*d);
    ASSERT_EQ(devices.size(), 2u) << devices.dump(1);
    std::set<std::string> ids;
    for (const auto& device : devices) {
      ids.insert(device.value("device_id", ""));
      EXPECT_FALSE(device.value("revoked", true)) << device.dump();
      EXPECT_TRUE(device.value("enrolled", false)) << device.dump();
    }
    EXPECT_EQ(ids, (std::set<std::string>{v_["d1_device"], v_["d2_device"]}));
    DoctorClean(*d);
  }
}

TEST_F(MigrationTest, TheUpgradedHubStillServesTheVaultToANewDevice) {
  ASSERT_TRUE(SyncOk(d1_).is_object()) << hub_.Output();
  ASSERT_TRUE(SyncOk(d2_).is_object()) << hub_.Output();
  TestHome d3(v_["passphrase"]);
  RunResult join = Join(d3, hub_, v_["vault_id"], v_["secret_key"], {"--device-name", "new"});
  ASSERT_EQ(join.exit_code, 0) << join << "\nhub:\n" << hub_.Output();
  EXPECT_EQ(Written(SortedList(d3)), Written(FixtureList()));
  EXPECT_EQ(DeviceList(d3).size(), 3u);
}

}  // namespace
}  // namespace haven::e2e
