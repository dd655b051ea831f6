// The hub's login doors, with real hubs and devices: a device pins the id
// of the hub it first logged in to and refuses a different hub on that
// address (or the same hub under a second remote); a vault is registered
// only with a proof by the key its id was derived from; plaintext TCP is
// for loopback addresses only, decided by parsing the address.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <string>

#include "haven/v1/hub.grpc.pb.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "server/hub/hub_auth.h"
#include "tests/e2e/sync_harness.h"

namespace haven::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What an outsider holding the hub token could send, through a stub of its own.
class RawHub {
 public:
  explicit RawHub(const Hub& hub)
      : stub_(v1::Hub::NewStub(
            grpc::CreateChannel(hub.address(), grpc::InsecureChannelCredentials()))),
        token_(hub.token()) {}

  grpc::Status Challenge(const std::string& vault_id, v1::ChallengeReply* reply) {
    v1::ChallengeRequest req;
    req.set_vault_id(vault_id);
    grpc::ClientContext ctx;
    return stub_->Challenge(&ctx, req, reply);
  }

  // Registers `vault_id` with `keys`' public key, signing with `signer`
  // (nullptr: no proof at all).
  grpc::Status Register(const std::string& vault_id, const VaultKeys& keys,
                        const VaultKeys* signer) {
    v1::RegisterVaultRequest req;
    req.set_vault_id(vault_id);
    req.set_token(token_);
    req.set_auth_public_key(keys.auth_public_key());
    req.set_wrapped_key(std::string(kWrappedBytes, 'w'));
    if (signer != nullptr) {
      v1::ChallengeReply challenge;
      grpc::Status s = Challenge(vault_id, &challenge);
      if (!s.ok()) return s;
      std::string message = RegistrationMessage(challenge.hub_id(), vault_id, challenge.nonce(),
                                                keys.auth_public_key(), req.wrapped_key());
      std::string signature(crypto_sign_BYTES, '\0');
      crypto_sign_detached(reinterpret_cast<uint8_t*>(signature.data()), nullptr,
                           reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                           signer->auth_secret_key().data());
      req.set_nonce(challenge.nonce());
      req.set_signature(signature);
    }
    v1::RegisterVaultReply reply;
    grpc::ClientContext ctx;
    return stub_->RegisterVault(&ctx, req, &reply);
  }

  grpc::Status FetchWrappedKey(const std::string& vault_id) {
    v1::FetchWrappedKeyRequest req;
    req.set_vault_id(vault_id);
    req.set_token(token_);
    v1::FetchWrappedKeyReply reply;
    grpc::ClientContext ctx;
    return stub_->FetchWrappedKey(&ctx, req, &reply);
  }

 private:
  static constexpr size_t kWrappedBytes = 92;
  std::unique_ptr<v1::Hub::Stub> stub_;
  std::string token_;
};

std::string RawId(const nlohmann::json& init) {
  return HexDecode(init["vault_id"].get<std::string>()).value_or("");
}

class HubLoginTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(hub_.Start()); }

  Hub hub_;
  TestHome d1_, d2_;
};

// A second hub answering on the first one's address (the first killed)
// is refused by the device that logged in to the first: one line, exit 5,
// and nothing moves either way.
TEST_F(HubLoginTest, ADifferentHubOnAPinnedAddressIsRefusedAndNothingMoves) {
  nlohmann::json init = d1_.Init();
  ASSERT_TRUE(init.is_object());
  d1_.Log({"checkin", "-f", "mood=5"});
  AddRemote(d1_, hub_);
  ASSERT_TRUE(SyncOk(d1_).is_object());  // pins hub_'s id

  // Another hub holding the same vault and an entry of its own (from d2_).
  Hub other;
  ASSERT_TRUE(other.Start());
  AddRemote(d1_, other, "other");
  ASSERT_TRUE(SyncOk(d1_, "other").is_object());
  Disconnect(d1_, "other");
  ASSERT_EQ(Join(d2_, other, init["vault_id"], init["secret_key"]).exit_code, 0);
  std::string only_on_other = d2_.Log({"checkin", "-f", "mood=9"});
  ASSERT_TRUE(SyncOk(d2_).is_object());
  std::string not_sent = d1_.Log({"checkin", "-f", "mood=1"});

  // The other hub takes over the first one's address.
  hub_.Kill();
  other.Stop();
  auto impostor = DaemonProcess::Start({"--home", other.home(), "--hub", "--listen", hub_.address(),
                                        "--token-file", other.root() + "/token"});
  ASSERT_TRUE(impostor != nullptr);
  ASSERT_TRUE(WaitForTcpPort(hub_.port())) << impostor->Output();

  RunResult r = Sync(d1_, "hub");
  EXPECT_EQ(r.exit_code, 5) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  EXPECT_THAT(r.err, HasSubstr("answers as a different hub than before")) << r;
  EXPECT_THAT(r.err, HasSubstr("remove the remote and add it again")) << r;
  EXPECT_THAT(Ids(SortedList(d1_)), Not(::testing::Contains(only_on_other)));

  // Nothing was pushed to it: back on its own address, d2_ sees no new entry.
  impostor->Terminate();
  ASSERT_TRUE(other.Start());
  ASSERT_TRUE(SyncOk(d2_).is_object());
  EXPECT_THAT(Ids(SortedList(d2_)), Not(::testing::Contains(not_sent)));
}

// `remote list` shows the id pinned at the first login, the same one the
// hub prints when it starts: how a person checks that the first login
// reached the hub they meant.
TEST_F(HubLoginTest, RemoteListShowsThePinnedIdTheHubPrints) {
  ASSERT_TRUE(d1_.Init().is_object());
  AddRemote(d1_, hub_);
  // (The daemon's own watch may log in first: either way the id is pinned
  // once a sync has finished.)
  ASSERT_TRUE(SyncOk(d1_).is_object());
  nlohmann::json after = d1_.Json({"remote", "list"});
  ASSERT_TRUE(after.is_array() && after.size() == 1) << after.dump();
  const std::string pinned = after[0].value("hub_id", "");
  ASSERT_EQ(pinned.size(), 32u) << after.dump();
  EXPECT_THAT(hub_.Output(), HasSubstr("hub_id=" + pinned));
}

// The same hub under two remotes (as a hub relaying another would look)
// is refused for the second.
TEST_F(HubLoginTest, TheSameHubUnderASecondRemoteIsRefused) {
  ASSERT_TRUE(d1_.Init().is_object());
  AddRemote(d1_, hub_);
  ASSERT_TRUE(SyncOk(d1_).is_object());
  RunResult add = d1_.Run({"remote", "add", "again", "localhost:" + std::to_string(hub_.port()),
                           "--token", hub_.token()});
  ASSERT_EQ(add.exit_code, 0) << add;
  RunResult r = Sync(d1_, "again");
  EXPECT_EQ(r.exit_code, 5) << r;
  EXPECT_EQ(r.ErrLines(), 1) << r;
  EXPECT_THAT(r.err, HasSubstr("answers as the same hub as remote \"hub\"")) << r;
  ASSERT_TRUE(SyncOk(d1_, "hub").is_object());  // the first remote still works
}

TEST_F(HubLoginTest, RegistrationWithoutProofIsRefused) {
  RawHub raw(hub_);
  VaultKeys keys(GenerateVaultKey());
  std::string vault_id = VaultIdFromAuthKey(keys.auth_public_key());
  grpc::Status s = raw.Register(vault_id, keys, /*signer=*/nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(raw.FetchWrappedKey(vault_id).error_code(), grpc::StatusCode::NOT_FOUND);
  // With the proof, the same registration goes through.
  s = raw.Register(vault_id, keys, &keys);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(raw.FetchWrappedKey(vault_id).ok());
}

// Squatting: someone with the hub token registers a device's vault id
// (shown by `haven init`) under a key of their own before the device's
// first sync. The hub refuses, and the device's own first sync works.
TEST_F(HubLoginTest, AVaultIdCannotBeTakenWithoutItsKey) {
  nlohmann::json init = d1_.Init();
  ASSERT_TRUE(init.is_object());
  RawHub raw(hub_);
  VaultKeys squatter(GenerateVaultKey());
  grpc::Status s = raw.Register(RawId(init), squatter, &squatter);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  AddRemote(d1_, hub_);
  ASSERT_TRUE(SyncOk(d1_).is_object()) << hub_.Output();
}

// "127.example.com" is a DNS name, not loopback: no plaintext hub there.
TEST(LoopbackListenTest, APrefixOf127IsNotLoopback) {
  Hub hub;  // for its directory and token file
  auto d = DaemonProcess::Start({"--home", hub.home(), "--hub", "--listen",
                                 "127.example.com:" + std::to_string(hub.port()), "--token-file",
                                 hub.root() + "/token"});
  ASSERT_TRUE(d != nullptr);
  std::optional<int> code = d->WaitExit(Duration(20000));
  ASSERT_TRUE(code.has_value()) << d->Output();
  EXPECT_NE(*code, 0) << d->Output();
  EXPECT_THAT(d->Output(), HasSubstr("plaintext TCP is allowed only on loopback"));
}

}  // namespace
}  // namespace haven::e2e
