// The key hierarchy below the vault key: subkeys are distinct, stable and
// derived with libsodium's crypto_kdf (existing vaults depend on the ids).
#include "server/crypto/vault_keys.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"

namespace haven {
namespace {

std::string Bytes(const SecretBytes& b) { return std::string(b.view()); }

VaultKeys KeysFrom(std::string_view vault_key) { return VaultKeys(SecretBytes::CopyOf(vault_key)); }

TEST(VaultKeysTest, SubkeysAreDistinct) {
  std::string raw(GenerateVaultKey().view());
  VaultKeys keys = KeysFrom(raw);
  EXPECT_EQ(Bytes(keys.vault_key()), raw);
  EXPECT_EQ(keys.record_key().size(), 32u);
  EXPECT_EQ(keys.view_key().size(), 32u);
  EXPECT_EQ(keys.auth_secret_key().size(), size_t{crypto_sign_SECRETKEYBYTES});
  EXPECT_EQ(keys.auth_public_key().size(), size_t{crypto_sign_PUBLICKEYBYTES});
  std::set<std::string> distinct = {raw, Bytes(keys.record_key()), Bytes(keys.view_key()),
                                    Bytes(keys.auth_secret_key()).substr(0, 32),
                                    keys.auth_public_key()};
  EXPECT_EQ(distinct.size(), 5u);
}

TEST(VaultKeysTest, SubkeysAreDeterministic) {
  std::string raw(GenerateVaultKey().view());
  VaultKeys a = KeysFrom(raw);
  VaultKeys b = KeysFrom(raw);
  EXPECT_EQ(Bytes(a.record_key()), Bytes(b.record_key()));
  EXPECT_EQ(Bytes(a.view_key()), Bytes(b.view_key()));
  EXPECT_EQ(Bytes(a.auth_secret_key()), Bytes(b.auth_secret_key()));
  EXPECT_EQ(a.auth_public_key(), b.auth_public_key());

  VaultKeys other = KeysFrom(GenerateVaultKey().view());
  EXPECT_NE(Bytes(a.record_key()), Bytes(other.record_key()));
  EXPECT_NE(Bytes(a.view_key()), Bytes(other.view_key()));
  EXPECT_NE(a.auth_public_key(), other.auth_public_key());
}

// Pins the derivation: changing an id or the context would strand every
// existing vault's records.
TEST(VaultKeysTest, RecordKeyIsCryptoKdfSubkeyOne) {
  std::string raw(32, '\x5a');
  VaultKeys keys = KeysFrom(raw);
  uint8_t expected[32];
  crypto_kdf_derive_from_key(expected, sizeof expected, 1, "havenvlt",
                             reinterpret_cast<const uint8_t*>(raw.data()));
  EXPECT_EQ(Bytes(keys.record_key()), std::string(reinterpret_cast<char*>(expected), 32));
  crypto_kdf_derive_from_key(expected, sizeof expected, 2, "havenvlt",
                             reinterpret_cast<const uint8_t*>(raw.data()));
  EXPECT_EQ(Bytes(keys.view_key()), std::string(reinterpret_cast<char*>(expected), 32));
}

TEST(VaultKeysTest, AuthKeyPairSigns) {
  VaultKeys keys = KeysFrom(GenerateVaultKey().view());
  const std::string message = "prove membership";
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), keys.auth_secret_key().data());
  EXPECT_EQ(crypto_sign_verify_detached(
                sig, reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                reinterpret_cast<const uint8_t*>(keys.auth_public_key().data())),
            0);
}

TEST(VaultKeysTest, ViewKeyForIsDeterministicPerEntryAndVault) {
  std::string raw(GenerateVaultKey().view());
  VaultKeys a = KeysFrom(raw);
  VaultKeys a_again = KeysFrom(raw);
  VaultKeys b = KeysFrom(GenerateVaultKey().view());
  const std::string id = "0123456789abcdef01234567";
  EXPECT_EQ(a.ViewKeyFor(id).size(), 16u);
  EXPECT_EQ(a.ViewKeyFor(id), a.ViewKeyFor(id));
  EXPECT_EQ(a.ViewKeyFor(id), a_again.ViewKeyFor(id));
  EXPECT_NE(a.ViewKeyFor(id), b.ViewKeyFor(id));
  EXPECT_NE(a.ViewKeyFor(id), a.ViewKeyFor("0123456789abcdef01234568"));
  // Keyed: not an unkeyed hash of the id, and not the id itself.
  uint8_t plain_hash[16];
  crypto_generichash(plain_hash, sizeof plain_hash, reinterpret_cast<const uint8_t*>(id.data()),
                     id.size(), nullptr, 0);
  EXPECT_NE(a.ViewKeyFor(id), std::string(reinterpret_cast<char*>(plain_hash), 16));
  EXPECT_EQ(a.ViewKeyFor(id).find("0123456789"), std::string::npos);
}

}  // namespace
}  // namespace haven

namespace haven {
namespace {

// The vault id construction is shared by devices, hubs and outsiders
// (tests/outsider computes it with Python's hashlib): pin it.
TEST(VaultIdTest, DerivedFromTheAuthKeyAsDocumented) {
  std::string public_key;
  for (int i = 0; i < 32; ++i) public_key.push_back(static_cast<char>(i));
  EXPECT_EQ(HexEncode(VaultIdFromAuthKey(public_key)), "db87c42725431e054ef7b8a3612fe9d3");
}

TEST(VaultIdTest, ForVaultKeyUsesItsAuthKeyAndDiffersPerKey) {
  SecretBytes a = GenerateVaultKey(), b = GenerateVaultKey();
  std::string id = VaultIdForVaultKey(a);
  EXPECT_EQ(id.size(), kVaultIdBytes);
  EXPECT_EQ(id, VaultIdFromAuthKey(KeysFrom(a.view()).auth_public_key()));
  EXPECT_NE(id, VaultIdForVaultKey(b));
}

}  // namespace
}  // namespace haven
