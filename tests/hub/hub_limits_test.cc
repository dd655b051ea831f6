// A hub's limits as a device meets them through its client, against a hub
// in the test's process: --max-vaults refuses the registration of one vault
// too many but not a login to a known one; --max-vault-bytes refuses the
// push that would pass it, and what was pushed before stays; a session
// pushes only its own vault's records.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "server/sync/hub_client.h"
#include "tests/hub/in_process_hub.h"
#include "tests/store/temp_store.h"

namespace haven {
namespace {

using absl::StatusCode;
using testing::InProcessHub;

const std::string kDevice(kDeviceIdBytes, 'd');
constexpr size_t kBodyBytes = 200;

HubCredential NewCredential() {
  VaultKeys keys(GenerateVaultKey());
  return {VaultIdFromAuthKey(keys.auth_public_key()),
          SecretBytes::CopyOf(keys.auth_secret_key().view()), keys.auth_public_key(),
          "a wrapped key"};
}

// A device's record log with sealed-looking records (a header and opaque
// bytes: the hub opens nothing).
class DeviceLog {
 public:
  DeviceLog() {
    absl::Status opened = testing::OpenStoreAndLog(dir_.Join("device"), &store_, &log_);
    EXPECT_TRUE(opened.ok()) << opened;
  }
  void Add(const std::string& vault_id, uint64_t from, uint64_t to) {
    std::vector<IncomingRecord> records;
    for (uint64_t seq = from; seq <= to; ++seq) {
      std::string sealed(1, static_cast<char>(kRecordFormatV1));
      sealed += vault_id + kDevice + EncodeU64(seq) + std::string(kBodyBytes, 'x');
      records.push_back({{kRecordFormatV1, vault_id, kDevice, seq}, std::move(sealed)});
    }
    RecordLog::Append append = log_->Stage(std::move(records));
    ASSERT_TRUE(log_->Commit(&append, /*sync=*/false).ok());
  }
  const RecordLog& log() const { return *log_; }

 private:
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
};

std::unique_ptr<HubClient> Connect(const InProcessHub& hub) {
  auto client = HubClient::Connect({"hub", hub.address(), InProcessHub::kToken, "", false});
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? std::move(*client) : nullptr;
}

TEST(HubLimitsTest, MaxVaultsRefusesOneVaultTooManyButNotAKnownOne) {
  InProcessHub hub({}, HubStorageLimits{.max_vaults = 1});
  ASSERT_TRUE(hub.Start());
  HubCredential first = NewCredential(), second = NewCredential();
  ASSERT_TRUE(Connect(hub)->Login(first).ok()) << "registers the first vault";

  absl::Status refused = Connect(hub)->Login(second);
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused;
  EXPECT_NE(refused.message().find("refused to register the vault"), std::string_view::npos)
      << refused;
  EXPECT_NE(refused.message().find("--max-vaults 1"), std::string_view::npos) << refused;
  EXPECT_FALSE(*hub.storage()->Lookup(second.vault_id));
  EXPECT_TRUE(Connect(hub)->Login(first).ok()) << "a known vault still logs in";
}

TEST(HubLimitsTest, TheQuotaRefusesThePushThatWouldPassItAndKeepsWhatCameBefore) {
  const uint64_t record_bytes = 1 + 2 * 16 + 8 + kBodyBytes;
  InProcessHub hub({}, HubStorageLimits{.max_vault_bytes = 10 * record_bytes});
  ASSERT_TRUE(hub.Start());
  HubCredential credential = NewCredential();
  DeviceLog device;
  ASSERT_NO_FATAL_FAILURE(device.Add(credential.vault_id, 1, 8));
  auto client = Connect(hub);
  ASSERT_TRUE(client->Login(credential).ok());
  auto pushed = client->Push(device.log(), {});
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  EXPECT_EQ(*pushed, 8u);

  ASSERT_NO_FATAL_FAILURE(device.Add(credential.vault_id, 9, 11));
  auto over = client->Push(device.log(), *client->Heads());
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kUnavailable) << over.status();
  EXPECT_NE(over.status().message().find("quota"), std::string_view::npos) << over.status();
  EXPECT_NE(over.status().message().find("--max-vault-bytes"), std::string_view::npos)
      << over.status();
  auto heads = client->Heads();
  ASSERT_TRUE(heads.ok()) << heads.status();
  EXPECT_EQ(*heads, (VersionVector{{kDevice, 8}})) << "what fit before stays, nothing more";

  // Another vault on the same hub has a quota of its own.
  HubCredential other = NewCredential();
  DeviceLog other_device;
  ASSERT_NO_FATAL_FAILURE(other_device.Add(other.vault_id, 1, 10));
  auto other_client = Connect(hub);
  ASSERT_TRUE(other_client->Login(other).ok());
  EXPECT_EQ(*other_client->Push(other_device.log(), {}), 10u);
}

TEST(HubLimitsTest, ASessionPushesOnlyItsOwnVaultsRecords) {
  InProcessHub hub;
  ASSERT_TRUE(hub.Start());
  HubCredential mine = NewCredential(), theirs = NewCredential();
  ASSERT_TRUE(Connect(hub)->Login(theirs).ok());
  DeviceLog forged;
  ASSERT_NO_FATAL_FAILURE(forged.Add(theirs.vault_id, 1, 3));
  auto client = Connect(hub);
  ASSERT_TRUE(client->Login(mine).ok());

  auto pushed = client->Push(forged.log(), {});
  ASSERT_FALSE(pushed.ok());
  EXPECT_NE(pushed.status().message().find("a record belongs to another vault"),
            std::string_view::npos)
      << pushed.status();
  EXPECT_TRUE(hub.storage()->Heads(theirs.vault_id)->empty());
  EXPECT_TRUE(hub.storage()->Heads(mine.vault_id)->empty());
}

}  // namespace
}  // namespace haven
