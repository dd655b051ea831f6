#include "tests/e2e/devices_harness.h"

#include <algorithm>

namespace haven::e2e {

std::string RawRecordToolBinary() { return RAW_RECORD_TOOL; }

nlohmann::json RawRecordTool(const std::vector<std::string>& args, const EnvOverrides& env) {
  RunOptions options;
  options.env = env;
  RunResult r = RunProgram(RawRecordToolBinary(), args, options);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "raw_record_tool failed" << r;
    return nullptr;
  }
  return r.JsonOut();
}

nlohmann::json DeviceList(const TestHome& device) {
  nlohmann::json list = device.Json({"device", "list"});
  if (!list.is_array()) {
    ADD_FAILURE() << "device list --format json is not an array: " << list.dump();
    return nlohmann::json::array();
  }
  std::vector<nlohmann::json> devices(list.begin(), list.end());
  std::sort(devices.begin(), devices.end(), [](const auto& a, const auto& b) {
    return a.value("device_id", "") < b.value("device_id", "");
  });
  return nlohmann::json(devices);
}

nlohmann::json Membership(const TestHome& device) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : DeviceList(device)) {
    out.push_back({{"device_id", d.value("device_id", "")},
                   {"name", d.value("name", "")},
                   {"revoked", d.value("revoked", false)}});
  }
  return out;
}

RunResult Revoke(const TestHome& by, const std::string& device_id) {
  return by.Run({"device", "revoke", device_id});
}

RunResult Rename(const TestHome& by, const std::string& device_id, const std::string& name) {
  return by.Run({"device", "rename", device_id, name});
}

std::optional<int64_t> Epoch(const TestHome& device) {
  nlohmann::json info = VaultInfo(device);
  if (!info.is_object() || !info.contains("epoch")) return std::nullopt;
  return info["epoch"].get<int64_t>();
}

int Lines(const std::string& text) {
  if (text.empty()) return 0;
  int n = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  return text.back() == '\n' ? n : n + 1;
}

void VaultOfThree::SetUp() {
  ASSERT_TRUE(hub_.Start());
  RunResult init =
      d_[0].Run({"--format", "json", "init", "--kdf", "interactive", "--device-name", kNames[0]});
  ASSERT_EQ(init.exit_code, 0) << init;
  init_ = init.JsonOut();
  id_[0] = init_.value("device_id", "");
  AddRemote(d_[0], hub_);
  ASSERT_TRUE(SyncOk(d_[0]).is_object());
  for (int i = 1; i < 3; ++i) {
    RunResult join =
        Join(d_[i], hub_, init_["vault_id"], init_["secret_key"], {"--device-name", kNames[i]});
    ASSERT_EQ(join.exit_code, 0) << join << "\nhub:\n" << hub_.Output();
    id_[i] = join.JsonOut().value("device_id", "");
    ASSERT_EQ(id_[i].size(), 32u) << join;
  }
  SyncAll();
}

void VaultOfThree::SyncAll(const std::vector<int>& which) {
  for (int round = 0; round < 2; ++round) {
    for (int i : which) ASSERT_TRUE(SyncOk(d_[i]).is_object()) << kNames[i];
  }
}

void VaultOfThree::ExpectConverged(const std::vector<int>& which) {
  const int first = which.front();
  const nlohmann::json entries = SortedList(d_[first]);
  const nlohmann::json members = Membership(d_[first]);
  for (int i : which) {
    EXPECT_EQ(SortedList(d_[i]), entries) << kNames[i] << " vs " << kNames[first];
    EXPECT_EQ(Membership(d_[i]), members) << kNames[i] << " vs " << kNames[first];
  }
}

}  // namespace haven::e2e
