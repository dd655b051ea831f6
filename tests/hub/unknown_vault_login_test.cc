// A login to a vault the hub does not hold answers its challenge: the
// device registers next, and nothing it asked for stays pending. Without
// that, every new vault left a challenge behind for a minute, and many
// devices registering from one address (a household behind one NAT, the
// hub benchmark) ran into the per-address bound.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>

#include "haven/v1/hub.grpc.pb.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "server/hub/hub_id.h"
#include "server/hub/hub_service.h"
#include "tests/hub/loopback_hub.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

TEST(UnknownVaultLoginTest, ItsChallengeIsAnsweredAndLeavesNothingPending) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("hub"));
  ASSERT_TRUE(store.ok()) << store.status();
  auto storage = NewRocksHubStorage(store->get());
  ASSERT_TRUE(storage.ok()) << storage.status();
  HubAuthLimits limits;
  limits.challenges.per_peer = 1;  // one pending challenge per address
  HubAuth auth("hub-token", RandomBytes(kHubIdBytes), limits);
  HubService service(storage->get(), &auth);
  testing::LoopbackHub server = testing::StartLoopbackHub(&service);
  ASSERT_NE(server.server, nullptr);
  auto stub = v1::Hub::NewStub(
      grpc::CreateChannel(server.address, grpc::InsecureChannelCredentials()));

  const std::string vault_id = VaultIdFromAuthKey(VaultKeys(GenerateVaultKey()).auth_public_key());
  for (int login = 0; login < 3; ++login) {
    v1::ChallengeRequest creq;
    creq.set_vault_id(vault_id);
    v1::ChallengeReply challenge;
    grpc::ClientContext cctx;
    grpc::Status asked = stub->Challenge(&cctx, creq, &challenge);
    ASSERT_TRUE(asked.ok()) << "login " << login << ": " << asked.error_message();

    v1::AuthenticateRequest areq;
    areq.set_vault_id(vault_id);
    areq.set_nonce(challenge.nonce());
    areq.set_signature(std::string(64, 's'));
    v1::AuthenticateReply ignored;
    grpc::ClientContext actx;
    EXPECT_EQ(stub->Authenticate(&actx, areq, &ignored).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  server.server->Shutdown();
}

}  // namespace
}  // namespace haven
