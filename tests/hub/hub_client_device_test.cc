// The device side of a device login (server/sync/hub_client.h) against a
// whole hub in the test's process: a device the hub does not know sends
// its membership records and logs in within one Login (registering a new
// vault first), a revoked device hears why, membership records that do not
// fit one call are refused on the device with a clear error, and a push
// carries only the device's own records.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/sync/hub_client.h"
#include "tests/hub/device_fixture.h"
#include "tests/hub/in_process_hub.h"
#include "tests/store/temp_store.h"

namespace haven {
namespace {

using testing::HubDevice;
using testing::HubVault;
using testing::InProcessHub;

class HubClientDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(hub_.Start()); }

  std::unique_ptr<HubClient> Client() {
    auto client = HubClient::Connect({"hub", hub_.address(), InProcessHub::kToken, "", false, ""});
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  InProcessHub hub_;
  HubVault vault_;
  HubDevice a_, b_;
};

TEST_F(HubClientDeviceTest, ANewDeviceRegistersSendsItsEnrolmentAndLogsIn) {
  std::string enrol_a = vault_.Enrol(a_);
  auto client = Client();
  absl::Status login = client->Login(vault_.Credential(a_, {enrol_a}));
  ASSERT_TRUE(login.ok()) << login;
  auto held = hub_.storage()->MemberRecords(vault_.id());
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(*held, std::vector<std::string>{enrol_a});
  std::map<std::string, int64_t> last_seen;
  ASSERT_TRUE(client->Heads(&last_seen).ok());
  EXPECT_TRUE(last_seen.contains(HexEncode(a_.id)));

  // Another device of the vault, with both enrolments.
  std::string enrol_b = vault_.Enrol(b_);
  absl::Status second = Client()->Login(vault_.Credential(b_, {enrol_a, enrol_b}));
  EXPECT_TRUE(second.ok()) << second;
}

TEST_F(HubClientDeviceTest, ARevokedDeviceHearsWhenAndByWhom) {
  std::vector<std::string> records = {vault_.Enrol(a_), vault_.Enrol(b_)};
  records.push_back(vault_.Revoke(a_, b_, 1));
  ASSERT_TRUE(Client()->Login(vault_.Credential(a_, records)).ok());
  absl::Status login = Client()->Login(vault_.Credential(b_, records));
  EXPECT_EQ(login.code(), absl::StatusCode::kUnavailable) << login;
  EXPECT_TRUE(IsRevokedRefusal(login)) << login;
  EXPECT_NE(login.message().find("by device " + a_.short_id()), std::string_view::npos) << login;
  EXPECT_FALSE(IsRevokedRefusal(absl::UnavailableError("remote refused a login: other")));
}

TEST_F(HubClientDeviceTest, MembershipRecordsOverOneCallAreRefusedOnTheDevice) {
  std::vector<std::string> records = {vault_.Enrol(a_)};
  for (int i = 0; i < 256; ++i) records.push_back(vault_.Wrap(a_, "wrapped " + std::to_string(i)));
  absl::Status login = Client()->Login(vault_.Credential(a_, records));
  EXPECT_EQ(login.code(), absl::StatusCode::kUnavailable) << login;
  EXPECT_NE(login.message().find("257 membership records"), std::string_view::npos) << login;
  EXPECT_NE(login.message().find("256 records, 64 KiB"), std::string_view::npos) << login;
}

TEST_F(HubClientDeviceTest, APushCarriesOnlyTheDevicesOwnRecords) {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<RecordLog> log;
  ASSERT_TRUE(testing::OpenStoreAndLog(dir.Join("device"), &store, &log).ok());
  std::vector<std::string> sealed = {vault_.Enrol(a_), vault_.Enrol(b_), vault_.Entry(a_),
                                     vault_.Entry(b_)};
  std::vector<IncomingRecord> incoming;
  for (const std::string& r : sealed) incoming.push_back({*ParseRecordHeader(r), r});
  RecordLog::Append append = log->Stage(log->Accept(std::move(incoming)));
  ASSERT_TRUE(log->Commit(&append, /*sync=*/false).ok());

  auto client = Client();
  ASSERT_TRUE(client->Login(vault_.Credential(a_, {sealed[0], sealed[1]})).ok());
  auto pushed = client->Push(*log, {});
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  EXPECT_EQ(*pushed, 2u);
  auto heads = hub_.storage()->Heads(vault_.id());
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ(heads->at(a_.id), 2u);
  EXPECT_FALSE(heads->contains(b_.id)) << "b's records are b's to push";
}

}  // namespace
}  // namespace haven
