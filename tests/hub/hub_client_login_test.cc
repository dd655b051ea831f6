// The device side of a hub login, against a hub of the test's own making:
// a challenge whose nonce or hub id has the wrong length, or whose hub id
// differs from the one pinned for the remote, is refused before anything
// is signed or sent back; a good one is answered with a signature bound to
// the hub's id.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <mutex>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "server/hub/hub_auth.h"
#include "server/sync/hub_client.h"
#include "tests/hub/loopback_hub.h"

namespace haven {
namespace {

// Hands out the challenge it is told to, and records what comes back.
class ScriptedHub final : public v1::Hub::Service {
 public:
  ScriptedHub(std::string nonce, std::string hub_id)
      : nonce_(std::move(nonce)), hub_id_(std::move(hub_id)) {}

  grpc::Status Challenge(grpc::ServerContext*, const v1::ChallengeRequest*,
                         v1::ChallengeReply* reply) override {
    reply->set_nonce(nonce_);
    reply->set_hub_id(hub_id_);
    return grpc::Status::OK;
  }
  grpc::Status Authenticate(grpc::ServerContext*, const v1::AuthenticateRequest* req,
                            v1::AuthenticateReply* reply) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++answers_;
    last_ = *req;
    reply->set_session("session");
    return grpc::Status::OK;
  }
  grpc::Status RegisterVault(grpc::ServerContext*, const v1::RegisterVaultRequest*,
                             v1::RegisterVaultReply*) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++answers_;
    return grpc::Status::OK;
  }

  int answers() {
    std::lock_guard<std::mutex> lock(mu_);
    return answers_;
  }
  v1::AuthenticateRequest last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  const std::string nonce_, hub_id_;
  std::mutex mu_;
  int answers_ = 0;
  v1::AuthenticateRequest last_;
};

class HubClientLoginTest : public ::testing::Test {
 protected:
  HubClientLoginTest() : keys_(GenerateVaultKey()) {
    credential_.vault_id = VaultIdFromAuthKey(keys_.auth_public_key());
    credential_.auth_secret_key = SecretBytes::CopyOf(keys_.auth_secret_key().view());
    credential_.auth_public_key = keys_.auth_public_key();
    credential_.wrapped_key = "wrapped";
  }

  // Logs in to a ScriptedHub handing out (nonce, hub_id); `pinned` is the
  // remote's pinned hub id.
  absl::Status LoginTo(ScriptedHub* hub, const std::string& pinned,
                       std::string* seen_hub_id = nullptr) {
    haven::testing::LoopbackHub server = haven::testing::StartLoopbackHub(hub);
    EXPECT_NE(server.server, nullptr);
    HubEndpoint endpoint{"hub", server.address, "token", "", false, pinned};
    auto client = HubClient::Connect(endpoint);
    EXPECT_TRUE(client.ok()) << client.status();
    absl::Status login = (*client)->Login(credential_);
    if (seen_hub_id != nullptr) *seen_hub_id = (*client)->hub_id();
    server.server->Shutdown();
    return login;
  }

  VaultKeys keys_;
  HubCredential credential_;
};

TEST_F(HubClientLoginTest, AGoodChallengeIsSignedForTheHubsId) {
  std::string nonce = RandomBytes(32), hub_id = RandomBytes(kHubIdBytes);
  ScriptedHub hub(nonce, hub_id);
  std::string seen;
  absl::Status login = LoginTo(&hub, "", &seen);
  ASSERT_TRUE(login.ok()) << login;
  EXPECT_EQ(seen, hub_id);
  v1::AuthenticateRequest answer = hub.last();
  std::string message = LoginMessage(hub_id, credential_.vault_id, nonce);
  EXPECT_EQ(
      crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(answer.signature().data()),
                                  reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                                  reinterpret_cast<const uint8_t*>(keys_.auth_public_key().data())),
      0);
}

TEST_F(HubClientLoginTest, AChallengeOfTheWrongShapeIsNotSigned) {
  for (auto [nonce_bytes, hub_id_bytes] :
       {std::pair{31, 16}, std::pair{33, 16}, std::pair{0, 16}, std::pair{32, 0}, std::pair{32, 15},
        std::pair{4096, 16}}) {
    ScriptedHub hub(RandomBytes(nonce_bytes), RandomBytes(hub_id_bytes));
    absl::Status login = LoginTo(&hub, "");
    EXPECT_EQ(login.code(), absl::StatusCode::kUnavailable) << nonce_bytes << " " << hub_id_bytes;
    EXPECT_NE(login.message().find("malformed login challenge"), std::string_view::npos) << login;
    EXPECT_EQ(hub.answers(), 0) << "something was sent back for a malformed challenge";
  }
}

TEST_F(HubClientLoginTest, AHubOtherThanThePinnedOneIsNotAnswered) {
  std::string pinned = RandomBytes(kHubIdBytes), other = RandomBytes(kHubIdBytes);
  ScriptedHub hub(RandomBytes(32), other);
  absl::Status login = LoginTo(&hub, pinned);
  EXPECT_EQ(login.code(), absl::StatusCode::kUnavailable) << login;
  EXPECT_NE(login.message().find("answers as a different hub than before (id " + HexEncode(other) +
                                 ", pinned " + HexEncode(pinned) + ")"),
            std::string_view::npos)
      << login;
  EXPECT_EQ(hub.answers(), 0);
  // The pinned hub itself is answered.
  ScriptedHub same(RandomBytes(32), pinned);
  EXPECT_TRUE(LoginTo(&same, pinned).ok());
}

}  // namespace
}  // namespace haven
