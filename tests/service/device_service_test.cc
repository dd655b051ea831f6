// The devices-and-keys handlers of haven.v1.Vault (server/service/
// device_service.cc) over a real vault: each reply carries what the Vault
// returned, each error its code (docs/commands.md, "Exit codes": a wrong
// passphrase PERMISSION_DENIED, revoking this device FAILED_PRECONDITION,
// an unknown device NOT_FOUND, a weak new passphrase INVALID_ARGUMENT),
// nothing secret comes back with a wrong passphrase, and every passphrase
// sent is wiped once the handler returns.
#include <gmock/gmock.h>

#include "tests/service/service_test_support.h"

namespace haven {
namespace {

constexpr char kNewPassphrase[] = "amber-willow-harbor-comet-42";

class DeviceServiceTest : public testing::ServiceTest {
 protected:
  // Creates the vault through the service, naming this device; its reply.
  v1::InitReply InitNamed(const std::string& name) {
    grpc::ServerContext context;
    v1::InitRequest req;
    req.set_passphrase(kPassphrase);
    req.set_kdf("interactive");
    req.set_device_name(name);
    v1::InitReply reply;
    grpc::Status s = vault_service_->Init(&context, &req, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return reply;
  }

  std::vector<v1::DeviceInfo> Devices() {
    grpc::ServerContext context;
    v1::DeviceListRequest req;
    v1::DeviceListReply reply;
    grpc::Status s = vault_service_->ListDevices(&context, &req, &reply);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {reply.devices().begin(), reply.devices().end()};
  }

  grpc::Status Kit(const std::string& passphrase, v1::KitReply* reply) {
    grpc::ServerContext context;
    v1::KitRequest req;
    req.set_passphrase(passphrase);
    return vault_service_->ShowKit(&context, &req, reply);
  }

  grpc::Status Rekey(const std::string& passphrase, bool new_secret_key, v1::RekeyReply* reply) {
    grpc::ServerContext context;
    v1::RekeyRequest req;
    req.set_passphrase(passphrase);
    req.set_new_secret_key(new_secret_key);
    return vault_service_->Rekey(&context, &req, reply);
  }
};

TEST_F(DeviceServiceTest, ListShowsThisDeviceWithTheNameItWasMadeWith) {
  v1::InitReply init = InitNamed("kitchen laptop");
  auto devices = Devices();
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].device_id(), init.device_id());
  EXPECT_EQ(devices[0].name(), "kitchen laptop");
  EXPECT_TRUE(devices[0].current());
  EXPECT_TRUE(devices[0].enrolled());
  EXPECT_FALSE(devices[0].revoked());
  EXPECT_GT(devices[0].added_us(), 0);
}

TEST_F(DeviceServiceTest, ALockedVaultIsUnauthenticated) {
  InitNamed("laptop");
  vault_->Lock();
  grpc::ServerContext context;
  v1::DeviceListRequest req;
  v1::DeviceListReply reply;
  EXPECT_EQ(vault_service_->ListDevices(&context, &req, &reply).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(DeviceServiceTest, RenameByPrefixRepliesWithTheRenamedDevice) {
  v1::InitReply init = InitNamed("laptop");
  grpc::ServerContext context;
  v1::DeviceRenameRequest req;
  req.set_device(init.device_id().substr(0, 8));
  req.set_name("desk");
  v1::DeviceReply reply;
  grpc::Status s = vault_service_->RenameDevice(&context, &req, &reply);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reply.device().device_id(), init.device_id());
  EXPECT_EQ(reply.device().name(), "desk");
  EXPECT_EQ(Devices()[0].name(), "desk");
}

TEST_F(DeviceServiceTest, AnUnknownDeviceIsNotFound) {
  InitNamed("laptop");
  grpc::ServerContext context;
  v1::DeviceRenameRequest req;
  req.set_device("ffffffffffffffffffffffffffffffff");
  req.set_name("desk");
  v1::DeviceReply reply;
  EXPECT_EQ(vault_service_->RenameDevice(&context, &req, &reply).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(DeviceServiceTest, RevokingThisDeviceIsRefusedAndThePassphraseWiped) {
  v1::InitReply init = InitNamed("laptop");
  for (const char* passphrase : {kPassphrase, "not-the-passphrase-at-all-3"}) {
    grpc::ServerContext context;
    v1::DeviceRevokeRequest req;
    req.set_device(init.device_id());
    req.set_passphrase(passphrase);
    v1::DeviceReply reply;
    grpc::Status s = vault_service_->RevokeDevice(&context, &req, &reply);
    EXPECT_NE(s.error_code(), grpc::StatusCode::OK) << passphrase;
    EXPECT_TRUE(req.passphrase().empty());
  }
  EXPECT_FALSE(Devices()[0].revoked());
}

TEST_F(DeviceServiceTest, RevokingThisDeviceIsFailedPrecondition) {
  v1::InitReply init = InitNamed("laptop");
  grpc::ServerContext context;
  v1::DeviceRevokeRequest req;
  req.set_device(init.device_id());
  req.set_passphrase(kPassphrase);
  v1::DeviceReply reply;
  EXPECT_EQ(vault_service_->RevokeDevice(&context, &req, &reply).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(DeviceServiceTest, KitNeedsThePassphraseAndGivesTheSecretKeyOfInit) {
  v1::InitReply init = InitNamed("laptop");
  v1::KitReply wrong;
  EXPECT_EQ(Kit("not-the-passphrase-at-all-3", &wrong).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(wrong.secret_key().empty());
  EXPECT_TRUE(wrong.vault_id().empty());
  v1::KitReply kit;
  grpc::Status s = Kit(kPassphrase, &kit);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(kit.vault_id(), init.vault_id());
  EXPECT_EQ(kit.secret_key(), init.secret_key());
}

TEST_F(DeviceServiceTest, RekeyMovesToTheNextEpochAndANewSecretKeyOnlyWhenAsked) {
  v1::InitReply init = InitNamed("laptop");
  v1::RekeyReply wrong;
  EXPECT_EQ(Rekey("not-the-passphrase-at-all-3", true, &wrong).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(wrong.secret_key().empty());
  v1::RekeyReply first;
  ASSERT_TRUE(Rekey(kPassphrase, false, &first).ok());
  EXPECT_EQ(first.epoch(), 1u);
  EXPECT_TRUE(first.secret_key().empty());
  v1::RekeyReply second;
  ASSERT_TRUE(Rekey(kPassphrase, true, &second).ok());
  EXPECT_EQ(second.epoch(), 2u);
  EXPECT_EQ(second.vault_id(), init.vault_id());
  EXPECT_FALSE(second.secret_key().empty());
  EXPECT_NE(second.secret_key(), init.secret_key());
  v1::KitReply kit;
  ASSERT_TRUE(Kit(kPassphrase, &kit).ok());
  EXPECT_EQ(kit.secret_key(), second.secret_key());
}

TEST_F(DeviceServiceTest, ChangePassphraseRefusesAWeakOneAndAWrongCurrentOne) {
  InitNamed("laptop");
  auto change = [&](const std::string& current, const std::string& next) {
    grpc::ServerContext context;
    v1::ChangePassphraseRequest req;
    req.set_passphrase(current);
    req.set_new_passphrase(next);
    v1::ChangePassphraseReply reply;
    grpc::Status s = vault_service_->ChangePassphrase(&context, &req, &reply);
    EXPECT_TRUE(req.passphrase().empty() && req.new_passphrase().empty());
    return s.error_code();
  };
  EXPECT_EQ(change(kPassphrase, "password"), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(change("not-the-passphrase-at-all-3", kNewPassphrase),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(change(kPassphrase, kNewPassphrase), grpc::StatusCode::OK);
  vault_->Lock();
  EXPECT_EQ(vault_->Unlock(kPassphrase, 0).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(vault_->Unlock(kNewPassphrase, 0).ok());
}

}  // namespace
}  // namespace haven
