// A hub authenticates devices, not vaults (docs/design.md, "Devices and key
// epochs"), over real gRPC against a whole hub in the test's process: a
// device unknown to the hub is told to send its enrolment and then logs in
// with its own key; a revoked device is refused, naming when and by whom,
// at its login and at every call of a session opened before the revoke; a
// session pushes only its own device's records; the vault-wide login ends
// once the hub holds membership records.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time.h"
#include "server/crypto/ids.h"
#include "tests/hub/device_fixture.h"
#include "tests/hub/in_process_hub.h"

namespace haven {
namespace {

using testing::HubDevice;
using testing::HubVault;
using testing::InProcessHub;
using testing::RawHub;

bool Contains(const grpc::Status& s, const std::string& text) {
  return s.error_message().find(text) != std::string::npos;
}

class DeviceLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(hub_.Start());
    raw_ = std::make_unique<RawHub>(hub_.address());
    ASSERT_TRUE(raw_->Register(vault_, InProcessHub::kToken).ok());
    enrol_a_ = vault_.Enrol(a_);
    enrol_b_ = vault_.Enrol(b_);
  }
  grpc::Status Submit(const std::vector<std::string>& records) {
    return raw_->Submit(vault_.id(), InProcessHub::kToken, records);
  }
  std::string LoggedIn(const HubDevice& device) {
    std::string session;
    grpc::Status s = raw_->Login(vault_, device, &session);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return session;
  }

  InProcessHub hub_;
  std::unique_ptr<RawHub> raw_;
  HubVault vault_;
  HubDevice a_, b_;
  std::string enrol_a_, enrol_b_;
};

TEST_F(DeviceLoginTest, AnUnknownDeviceIsToldToSendItsEnrolmentThenLogsIn) {
  grpc::Status unknown = raw_->Login(vault_, a_, nullptr);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.error_message(),
            "this hub does not know device " + a_.short_id() + " yet; send its enrolment");
  ASSERT_TRUE(Submit({enrol_a_}).ok());
  std::string session = LoggedIn(a_);
  v1::VersionVectorMsg heads;
  ASSERT_TRUE(raw_->Heads(session, &heads).ok());
  ASSERT_TRUE(heads.last_seen_us().contains(HexEncode(a_.id)));
  EXPECT_GT(heads.last_seen_us().at(HexEncode(a_.id)), 0);
  EXPECT_FALSE(heads.last_seen_us().contains(HexEncode(b_.id)));
}

TEST_F(DeviceLoginTest, ALoginSignedByAnotherKeyIsRefused) {
  ASSERT_TRUE(Submit({enrol_a_, enrol_b_}).ok());
  HubDevice impostor;
  impostor.id = a_.id;  // a's id, its own key
  EXPECT_EQ(raw_->Login(vault_, impostor, nullptr).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(DeviceLoginTest, ARevokedDeviceIsRefusedNamingWhenAndByWhom) {
  ASSERT_TRUE(Submit({enrol_a_, enrol_b_}).ok());
  std::string session_b = LoggedIn(b_);
  std::string session_a = LoggedIn(a_);
  // a pushes its own records, the revoke among them.
  grpc::Status pushed = raw_->Push(session_a, {enrol_a_, vault_.Revoke(a_, b_, 1)});
  ASSERT_TRUE(pushed.ok()) << pushed.error_message();

  const std::string why = "this device was revoked on " + FormatRfc3339Utc(HubVault::kAtUs) +
                          " by device " + a_.short_id();
  grpc::Status login = raw_->Login(vault_, b_, nullptr);
  EXPECT_EQ(login.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(login.error_message(), why);
  // The session b opened before the revoke stops working at once.
  v1::VersionVectorMsg heads;
  grpc::Status later = raw_->Heads(session_b, &heads);
  EXPECT_EQ(later.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(later.error_message(), why);
  grpc::Status push = raw_->Push(session_b, {enrol_b_, vault_.Entry(b_)});
  EXPECT_EQ(push.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // a goes on.
  EXPECT_TRUE(raw_->Heads(session_a, &heads).ok());
}

// A revoke signed only by a's device key (no authority signature: what a
// locked laptop's disk yields) is kept without effect: b still logs in.
TEST_F(DeviceLoginTest, ARevokeWithoutAnAuthoritySignatureRevokesNobody) {
  ASSERT_TRUE(Submit({enrol_a_, enrol_b_}).ok());
  std::string session_a = LoggedIn(a_);
  raw_->Push(session_a, {enrol_a_, vault_.Revoke(a_, b_, 1, /*authority_signed=*/false)});
  grpc::Status login = raw_->Login(vault_, b_, nullptr);
  EXPECT_TRUE(login.ok()) << login.error_message();
  // The same revoke signed by the authority, next in a's chain, applies.
  ASSERT_TRUE(raw_->Push(session_a, {vault_.Revoke(a_, b_, 1)}).ok());
  EXPECT_EQ(raw_->Login(vault_, b_, nullptr).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

// A Watch stream open when the revoke arrives ends with the same refusal.
TEST_F(DeviceLoginTest, ARevokeEndsTheRevokedDevicesOpenWatch) {
  ASSERT_TRUE(Submit({enrol_a_, enrol_b_}).ok());
  std::string session_b = LoggedIn(b_);
  std::string session_a = LoggedIn(a_);
  auto stub =
      v1::Hub::NewStub(grpc::CreateChannel(hub_.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + session_b);
  auto reader = stub->Watch(&ctx, v1::WatchRequest());
  v1::WatchEvent event;
  ASSERT_TRUE(reader->Read(&event)) << "the stream opens with the heads";
  ASSERT_TRUE(raw_->Push(session_a, {enrol_a_, vault_.Revoke(a_, b_, 1)}).ok());
  while (reader->Read(&event)) {
  }
  grpc::Status ended = reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(ended.error_message().find("this device was revoked on"), std::string::npos)
      << ended.error_message();
}

TEST_F(DeviceLoginTest, ASessionPushesOnlyItsOwnDevicesRecords) {
  ASSERT_TRUE(Submit({enrol_a_, enrol_b_}).ok());
  std::string session_a = LoggedIn(a_);
  grpc::Status relayed = raw_->Push(session_a, {enrol_b_});
  EXPECT_EQ(relayed.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(relayed.error_message(), "a record in another device's name (" + b_.short_id() + "/1)");
  grpc::Status own = raw_->Push(session_a, {enrol_a_, vault_.Entry(a_)});
  EXPECT_TRUE(own.ok()) << own.error_message();
  auto heads = hub_.storage()->Heads(vault_.id());
  ASSERT_TRUE(heads.ok());
  EXPECT_EQ(heads->at(a_.id), 2u);
  EXPECT_FALSE(heads->contains(b_.id));
  // A format-1 record from an enrolled device beyond its legacy_until.
  grpc::Status legacy = raw_->Push(session_a, {vault_.LegacyEntry(a_)});
  EXPECT_EQ(legacy.error_code(), grpc::StatusCode::PERMISSION_DENIED) << legacy.error_message();
}

TEST_F(DeviceLoginTest, TheVaultWideLoginEndsOnceTheHubHoldsMembershipRecords) {
  std::string session;
  ASSERT_TRUE(raw_->LoginVaultWide(vault_, &session).ok());
  HubDevice old_device;
  grpc::Status old_push = raw_->Push(session, {vault_.LegacyEntry(old_device)});
  EXPECT_TRUE(old_push.ok()) << old_push.error_message();
  grpc::Status signed_push = raw_->Push(session, {vault_.Entry(old_device)});
  EXPECT_EQ(signed_push.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  ASSERT_TRUE(Submit({enrol_a_}).ok());
  grpc::Status refused = raw_->LoginVaultWide(vault_, nullptr);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(refused.error_message(),
            "this vault's devices now sign in with their own keys: upgrade haven on this device");
}

TEST_F(DeviceLoginTest, FetchWrappedKeyHandsOutTheNewestWrap) {
  std::string wrapped;
  ASSERT_TRUE(raw_->FetchWrappedKey(vault_.id(), InProcessHub::kToken, &wrapped).ok());
  EXPECT_EQ(wrapped, "wrapped at init");
  ASSERT_TRUE(Submit({enrol_a_, vault_.Wrap(a_, "wrapped under a new passphrase")}).ok());
  ASSERT_TRUE(raw_->FetchWrappedKey(vault_.id(), InProcessHub::kToken, &wrapped).ok());
  EXPECT_EQ(wrapped, "wrapped under a new passphrase");
}

}  // namespace
}  // namespace haven
