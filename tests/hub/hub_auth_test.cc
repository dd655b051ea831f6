// The hub's login and registration proofs: signatures bound to the hub's
// id (and a device's to its device id), nonces of exactly 32 bytes answering once, registration
// only by the holder of the key the vault id was derived from, and the hub id kept in the hub's
// store.
#include "server/hub/hub_auth.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "server/store/store.h"
#include "tests/hub/auth_signature.h"
#include "tests/hub/device_fixture.h"

namespace haven {
namespace {

using absl::StatusCode;
using testing::SignWithAuthKey;

constexpr char kPeer[] = "10.1.2.3";

class HubAuthTest : public ::testing::Test {
 protected:
  HubAuthTest()
      : keys_(GenerateVaultKey()),
        vault_id_(VaultIdFromAuthKey(keys_.auth_public_key())),
        hub_id_(RandomBytes(kHubIdBytes)),
        auth_("hub-token", hub_id_) {}

  std::string Nonce(const std::string& vault_id) {
    auto nonce = auth_.NewChallenge(vault_id, kPeer);
    EXPECT_TRUE(nonce.ok()) << nonce.status();
    return nonce.value_or("");
  }

  absl::Status Login(const std::string& nonce, const std::string& signature) {
    int64_t expires = 0;
    return auth_.Authenticate(vault_id_, nonce, signature, keys_.auth_public_key(), &expires)
        .status();
  }

  absl::Status Register(const VaultKeys& signer, const std::string& vault_id,
                        const std::string& public_key, const std::string& nonce,
                        const std::string& hub_id) {
    std::string signature =
        SignWithAuthKey(signer, RegistrationMessage(hub_id, vault_id, nonce, public_key, kWrapped));
    return auth_.CheckRegistration(vault_id, public_key, kWrapped, nonce, signature);
  }

  static constexpr char kWrapped[] = "a wrapped key";
  VaultKeys keys_;
  std::string vault_id_;
  std::string hub_id_;
  HubAuth auth_;
};

TEST_F(HubAuthTest, ASignatureForThisHubLogsInOnce) {
  std::string nonce = Nonce(vault_id_);
  std::string signature = SignWithAuthKey(keys_, LoginMessage(hub_id_, vault_id_, nonce));
  int64_t expires = 0;
  auto session = auth_.Authenticate(vault_id_, nonce, signature, keys_.auth_public_key(), &expires);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(*auth_.VaultForSession(*session), vault_id_);
  EXPECT_EQ(Login(nonce, signature).code(), StatusCode::kUnauthenticated);  // replay
}

// One hub cannot relay another hub's challenge: what a device signed for
// hub A does not open a session at hub B, nor does the old unbound form.
TEST_F(HubAuthTest, ASignatureForAnotherHubOrWithoutAHubIdIsRefused) {
  std::string nonce = Nonce(vault_id_);
  std::string other_hub = RandomBytes(kHubIdBytes);
  EXPECT_EQ(Login(nonce, SignWithAuthKey(keys_, LoginMessage(other_hub, vault_id_, nonce))).code(),
            StatusCode::kUnauthenticated);
  std::string nonce2 = Nonce(vault_id_);
  std::string unbound = "haven-hub-auth-v1" + vault_id_ + nonce2;
  EXPECT_EQ(Login(nonce2, SignWithAuthKey(keys_, unbound)).code(), StatusCode::kUnauthenticated);
}

// A device login is bound to the device: its key over the v3 message with
// its own id; the session says which device it speaks for.
TEST_F(HubAuthTest, ADeviceLoginIsBoundToTheDeviceItNames) {
  testing::HubDevice device, other;
  auto signed_for = [&](const std::string& device_id, const std::string& nonce) {
    return testing::Ed25519Sign(device.secret_key,
                                DeviceLoginMessage(hub_id_, vault_id_, device_id, nonce));
  };
  std::string nonce = Nonce(vault_id_);
  EXPECT_EQ(auth_
                .CheckDeviceLogin(vault_id_, device.id, nonce, signed_for(other.id, nonce),
                                  device.public_key)
                .code(),
            StatusCode::kUnauthenticated);
  nonce = Nonce(vault_id_);
  std::string vault_wide =
      testing::Ed25519Sign(device.secret_key, LoginMessage(hub_id_, vault_id_, nonce));
  EXPECT_EQ(
      auth_.CheckDeviceLogin(vault_id_, device.id, nonce, vault_wide, device.public_key).code(),
      StatusCode::kUnauthenticated);
  nonce = Nonce(vault_id_);
  ASSERT_TRUE(auth_
                  .CheckDeviceLogin(vault_id_, device.id, nonce, signed_for(device.id, nonce),
                                    device.public_key)
                  .ok());
  int64_t expires = 0;
  std::string session = auth_.OpenSession({vault_id_, device.id}, &expires);
  auto who = auth_.SessionFor(session);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->vault_id, vault_id_);
  EXPECT_EQ(who->device_id, device.id);
}

TEST_F(HubAuthTest, NoncesMustBeExactlyThirtyTwoBytes) {
  std::string nonce = Nonce(vault_id_);
  for (const std::string& bad :
       {std::string(), nonce.substr(0, 31), nonce + "x", std::string(4096, 'n')}) {
    absl::Status s = Login(bad, SignWithAuthKey(keys_, LoginMessage(hub_id_, vault_id_, bad)));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad.size();
    EXPECT_NE(s.message().find("32 bytes"), std::string_view::npos) << s;
  }
  // The real nonce is still pending: the malformed ones consumed nothing.
  EXPECT_TRUE(Login(nonce, SignWithAuthKey(keys_, LoginMessage(hub_id_, vault_id_, nonce))).ok());
}

TEST_F(HubAuthTest, RegistrationWithAProofByTheVaultsKeyIsAccepted) {
  std::string nonce = Nonce(vault_id_);
  EXPECT_TRUE(Register(keys_, vault_id_, keys_.auth_public_key(), nonce, hub_id_).ok());
  // The nonce answered once.
  EXPECT_EQ(Register(keys_, vault_id_, keys_.auth_public_key(), nonce, hub_id_).code(),
            StatusCode::kUnauthenticated);
}

TEST_F(HubAuthTest, RegistrationWithoutProofIsRefused) {
  absl::Status s = auth_.CheckRegistration(vault_id_, keys_.auth_public_key(), kWrapped, "", "");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s;
  std::string nonce = Nonce(vault_id_);
  s = auth_.CheckRegistration(vault_id_, keys_.auth_public_key(), kWrapped, nonce,
                              std::string(crypto_sign_BYTES, '\0'));
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s;
}

TEST_F(HubAuthTest, RegistrationSignedByAnotherKeyIsRefused) {
  VaultKeys other(GenerateVaultKey());
  absl::Status s = Register(other, vault_id_, keys_.auth_public_key(), Nonce(vault_id_), hub_id_);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s;
}

// Squatting: a vault id is registered only with the key it was derived
// from, even by someone who signs correctly with a key of their own.
TEST_F(HubAuthTest, RegistrationOfAVaultIdNotDerivedFromTheKeyIsRefused) {
  VaultKeys squatter(GenerateVaultKey());
  absl::Status s =
      Register(squatter, vault_id_, squatter.auth_public_key(), Nonce(vault_id_), hub_id_);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s;
  std::string random_id = RandomBytes(kVaultIdBytes);
  s = Register(keys_, random_id, keys_.auth_public_key(), Nonce(random_id), hub_id_);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s;
}

TEST_F(HubAuthTest, RegistrationProofsAreBoundToHubNonceVaultAndWrappedKey) {
  EXPECT_EQ(Register(keys_, vault_id_, keys_.auth_public_key(), Nonce(vault_id_),
                     RandomBytes(kHubIdBytes))
                .code(),
            StatusCode::kUnauthenticated);
  // A nonce issued for another vault id does not serve.
  EXPECT_EQ(Register(keys_, vault_id_, keys_.auth_public_key(), Nonce(RandomBytes(kVaultIdBytes)),
                     hub_id_)
                .code(),
            StatusCode::kUnauthenticated);
  // The signature covers the wrapped key.
  std::string nonce = Nonce(vault_id_);
  std::string signature = SignWithAuthKey(
      keys_, RegistrationMessage(hub_id_, vault_id_, nonce, keys_.auth_public_key(), kWrapped));
  EXPECT_EQ(auth_
                .CheckRegistration(vault_id_, keys_.auth_public_key(), "another wrapped key", nonce,
                                   signature)
                .code(),
            StatusCode::kUnauthenticated);
}

TEST_F(HubAuthTest, CallsBeforeLoginAreRatedPerCaller) {
  HubAuth auth("t", hub_id_, HubAuthLimits{.before_login = {.burst = 5, .per_second = 0}});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(auth.Admit("1.1.1.1", "Challenge").ok());
  EXPECT_EQ(auth.Admit("1.1.1.1", "Challenge").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(auth.Admit("2.2.2.2", "Challenge").ok());
}

TEST(HubIdTest, MadeOnceAndKeptInTheStore) {
  std::string dir = ::testing::TempDir() + "/hub-id-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::string first;
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    auto id = LoadOrCreateHubId(store->get());
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->size(), kHubIdBytes);
    first = *id;
    EXPECT_EQ(*LoadOrCreateHubId(store->get()), first);
  }
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*LoadOrCreateHubId(store->get()), first);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace haven
