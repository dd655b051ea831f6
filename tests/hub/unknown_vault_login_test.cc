// A login to a vault the hub does not hold answers its challenge: the
// device registers next, and nothing it asked for stays pending. Without
// that, every new vault left a challenge behind for a minute, and many
// devices registering from one address (a household behind one NAT, the
// hub benchmark) ran into the per-address bound.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>

#include "haven/v1/hub.grpc.pb.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "tests/hub/in_process_hub.h"

namespace haven {
namespace {

TEST(UnknownVaultLoginTest, ItsChallengeIsAnsweredAndLeavesNothingPending) {
  HubAuthLimits limits;
  limits.challenges.per_peer = 1;  // one pending challenge per address
  testing::InProcessHub hub(limits);
  ASSERT_TRUE(hub.Start());
  auto stub =
      v1::Hub::NewStub(grpc::CreateChannel(hub.address(), grpc::InsecureChannelCredentials()));

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
    EXPECT_EQ(stub->Authenticate(&actx, areq, &ignored).error_code(), grpc::StatusCode::NOT_FOUND);
  }
}

}  // namespace
}  // namespace haven
