// A Watch stream lives no longer than the session that opened it: the hub
// ends it with UNAUTHENTICATED when the session expires, and the device's
// client reports that as Unauthenticated (so its watch loop logs in again).
// The session here lasts a second; the test waits for the stream to
// end, never for a time.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "server/sync/hub_client.h"
#include "tests/hub/in_process_hub.h"

namespace haven {
namespace {

TEST(WatchExpiryTest, AWatchEndsWhenItsSessionExpiresAndALoginWatchesAgain) {
  HubAuthLimits limits;
  limits.session_lifetime_us = 1000 * 1000;
  testing::InProcessHub hub(limits);
  ASSERT_TRUE(hub.Start());

  VaultKeys keys(GenerateVaultKey());
  HubCredential credential{VaultIdFromAuthKey(keys.auth_public_key()),
                           SecretBytes::CopyOf(keys.auth_secret_key().view()),
                           keys.auth_public_key(), "a wrapped key"};
  HubEndpoint endpoint{"test", hub.address(), testing::InProcessHub::kToken, "", false};
  // Two watches that ended with their sessions. (A round whose session
  // expired before its watch began, on a machine slower than the session,
  // proves nothing and is tried again.)
  int watched = 0;
  for (int round = 0; round < 20 && watched < 2; ++round) {
    auto client = HubClient::Connect(endpoint);
    ASSERT_TRUE(client.ok()) << client.status();
    ASSERT_TRUE((*client)->Login(credential).ok());
    grpc::ClientContext ctx;
    // Far beyond the session: a watch that outlives it fails here instead
    // of hanging the test.
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    int events = 0;
    absl::Status ended = (*client)->Watch(&ctx, [&] { ++events; });
    ASSERT_EQ(ended.code(), absl::StatusCode::kUnauthenticated) << ended;
    if (events == 0) continue;
    EXPECT_NE(ended.message().find("session expired"), std::string_view::npos) << ended;
    ++watched;
  }
  EXPECT_EQ(watched, 2);
}

}  // namespace
}  // namespace haven
