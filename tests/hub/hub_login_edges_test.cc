// The edges of a hub login (server/hub/hub_auth.h) that hub_auth_test.cc
// leaves out: a signature of the wrong length or by another key, a bad
// signature using up its nonce (one guess per challenge), a nonce issued
// for another vault, a dropped challenge, sessions bound to one vault and
// refused once expired, and the hub token.
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/vault_keys.h"
#include "server/hub/hub_auth.h"
#include "tests/hub/auth_signature.h"

namespace haven {
namespace {

using absl::StatusCode;
using testing::SignWithAuthKey;

constexpr char kPeer[] = "10.1.2.3";

// A vault's keys and the id a hub derives from them.
struct TestVault {
  TestVault() : keys(GenerateVaultKey()), id(VaultIdFromAuthKey(keys.auth_public_key())) {}
  VaultKeys keys;
  std::string id;
};

class HubLoginEdgesTest : public ::testing::Test {
 protected:
  explicit HubLoginEdgesTest(HubAuthLimits limits = {})
      : hub_id_(RandomBytes(kHubIdBytes)), auth_("hub-token", hub_id_, limits) {}

  std::string Nonce(const TestVault& vault) {
    auto nonce = auth_.NewChallenge(vault.id, kPeer);
    EXPECT_TRUE(nonce.ok()) << nonce.status();
    return nonce.value_or("");
  }
  std::string Signed(const TestVault& vault, const std::string& nonce) {
    return SignWithAuthKey(vault.keys, LoginMessage(hub_id_, vault.id, nonce));
  }
  // A login to `vault` whose registered key is `vault`'s.
  absl::StatusOr<std::string> Login(const TestVault& vault, const std::string& nonce,
                                    const std::string& signature) {
    int64_t expires = 0;
    return auth_.Authenticate(vault.id, nonce, signature, vault.keys.auth_public_key(), &expires);
  }

  TestVault vault_, other_;
  std::string hub_id_;
  HubAuth auth_;
};

TEST_F(HubLoginEdgesTest, ASignatureOfTheWrongLengthIsRefusedAndConsumesNothing) {
  std::string nonce = Nonce(vault_);
  std::string good = Signed(vault_, nonce);
  for (const std::string& bad : {std::string(), good.substr(0, 63), good + "x"}) {
    absl::Status s = Login(vault_, nonce, bad).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad.size();
    EXPECT_NE(s.message().find("64 bytes"), std::string_view::npos) << s;
  }
  EXPECT_TRUE(Login(vault_, nonce, good).ok());
}

// Otherwise one challenge would serve any number of signature guesses.
TEST_F(HubLoginEdgesTest, ABadSignatureUsesUpItsNonce) {
  std::string nonce = Nonce(vault_);
  EXPECT_EQ(Login(vault_, nonce, std::string(crypto_sign_BYTES, 's')).status().code(),
            StatusCode::kUnauthenticated);
  absl::Status again = Login(vault_, nonce, Signed(vault_, nonce)).status();
  EXPECT_EQ(again.code(), StatusCode::kUnauthenticated) << again;
  EXPECT_NE(again.message().find("unknown or expired challenge"), std::string_view::npos) << again;
}

TEST_F(HubLoginEdgesTest, ASignatureByAnotherKeyOrAMalformedKeyIsRefused) {
  std::string nonce = Nonce(vault_);
  EXPECT_EQ(
      Login(vault_, nonce, SignWithAuthKey(other_.keys, LoginMessage(hub_id_, vault_.id, nonce)))
          .status()
          .code(),
      StatusCode::kUnauthenticated);
  nonce = Nonce(vault_);
  int64_t expires = 0;
  auto short_key = auth_.Authenticate(vault_.id, nonce, Signed(vault_, nonce),
                                      vault_.keys.auth_public_key().substr(0, 31), &expires);
  EXPECT_EQ(short_key.status().code(), StatusCode::kUnauthenticated) << short_key.status();
}

// A challenge belongs to the vault it was asked for: using it for another
// vault fails and leaves it to its own.
TEST_F(HubLoginEdgesTest, ANonceIssuedForAnotherVaultDoesNotLogIn) {
  std::string others = Nonce(other_);
  EXPECT_EQ(Login(vault_, others, Signed(vault_, others)).status().code(),
            StatusCode::kUnauthenticated);
  auto session = Login(other_, others, Signed(other_, others));
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(*auth_.VaultForSession(*session), other_.id);
}

TEST_F(HubLoginEdgesTest, ADroppedChallengeNoLongerAnswers) {
  std::string nonce = Nonce(vault_);
  auth_.DropChallenge(other_.id, nonce);  // another vault's drop leaves it
  auth_.DropChallenge(vault_.id, nonce);
  EXPECT_EQ(Login(vault_, nonce, Signed(vault_, nonce)).status().code(),
            StatusCode::kUnauthenticated);
  std::string registration = Nonce(vault_);
  auth_.DropChallenge(vault_.id, registration);
  std::string proof = SignWithAuthKey(
      vault_.keys,
      RegistrationMessage(hub_id_, vault_.id, registration, vault_.keys.auth_public_key(), "w"));
  EXPECT_EQ(
      auth_.CheckRegistration(vault_.id, vault_.keys.auth_public_key(), "w", registration, proof)
          .code(),
      StatusCode::kUnauthenticated);
}

TEST_F(HubLoginEdgesTest, ARegistrationKeyOfTheWrongLengthIsRefusedAndConsumesNothing) {
  const std::string key = vault_.keys.auth_public_key();
  std::string nonce = Nonce(vault_);
  std::string proof =
      SignWithAuthKey(vault_.keys, RegistrationMessage(hub_id_, vault_.id, nonce, key, "w"));
  for (const std::string& bad : {std::string(), key.substr(0, 31), key + "k"}) {
    absl::Status s = auth_.CheckRegistration(vault_.id, bad, "w", nonce, proof);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad.size();
    EXPECT_NE(s.message().find("32 bytes"), std::string_view::npos) << s;
  }
  EXPECT_TRUE(auth_.CheckRegistration(vault_.id, key, "w", nonce, proof).ok());
}

TEST_F(HubLoginEdgesTest, EachSessionServesOnlyItsOwnVault) {
  std::string mine = Nonce(vault_), theirs = Nonce(other_);
  int64_t expires = 0;
  auto session = auth_.Authenticate(vault_.id, mine, Signed(vault_, mine),
                                    vault_.keys.auth_public_key(), &expires);
  ASSERT_TRUE(session.ok()) << session.status();
  auto other_session = Login(other_, theirs, Signed(other_, theirs));
  ASSERT_TRUE(other_session.ok()) << other_session.status();
  EXPECT_NE(*session, *other_session);
  EXPECT_EQ(*auth_.VaultForSession(*session), vault_.id);
  EXPECT_EQ(*auth_.VaultForSession(*other_session), other_.id);
  EXPECT_EQ(*auth_.SessionExpiresUs(*session), expires);
  for (const std::string& forged :
       {std::string(), std::string("not-a-session"), session->substr(0, session->size() - 1)}) {
    EXPECT_EQ(auth_.VaultForSession(forged).status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(auth_.SessionExpiresUs(forged).status().code(), StatusCode::kUnauthenticated);
  }
}

// A session whose lifetime has passed (here: one that ends before it
// starts, so that no clock has to move) opens nothing.
class ExpiredSessionTest : public HubLoginEdgesTest {
 protected:
  ExpiredSessionTest() : HubLoginEdgesTest(HubAuthLimits{.session_lifetime_us = -1}) {}
};

TEST_F(ExpiredSessionTest, AnExpiredSessionIsRefused) {
  std::string nonce = Nonce(vault_);
  auto session = Login(vault_, nonce, Signed(vault_, nonce));
  ASSERT_TRUE(session.ok()) << session.status();
  absl::Status s = auth_.VaultForSession(*session).status();
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s;
  EXPECT_NE(s.message().find("authenticate again"), std::string_view::npos) << s;
  EXPECT_EQ(auth_.SessionExpiresUs(*session).status().code(), StatusCode::kUnauthenticated);
}

TEST(HubTokenTest, OnlyTheHubsTokenPassesAndAHubWithoutOneRegistersNothing) {
  HubAuth auth("hub-token", RandomBytes(kHubIdBytes));
  EXPECT_TRUE(auth.CheckToken("hub-token").ok());
  for (const char* wrong : {"", "hub-token ", "hub-toke", "HUB-TOKEN"}) {
    absl::Status s = auth.CheckToken(wrong);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << wrong;
    EXPECT_NE(s.message().find("missing or wrong"), std::string_view::npos) << s;
  }
  HubAuth closed("", RandomBytes(kHubIdBytes));
  for (const char* any : {"", "hub-token"}) {
    absl::Status s = closed.CheckToken(any);
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << any;
    EXPECT_NE(s.message().find("registers no vaults"), std::string_view::npos) << s;
  }
}

}  // namespace
}  // namespace haven
