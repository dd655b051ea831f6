#include "server/crypto/vault_keys.h"

#include <sodium.h>

#include "server/crypto/ids.h"

namespace haven {
namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "havenvlt";
constexpr std::string_view kVaultIdContext = "haven-vault-id-v1";
enum SubkeyId : uint64_t { kRecord = 1, kView = 2, kIndex = 3, kAuth = 4 };

SecretBytes Derive(const SecretBytes& key, SubkeyId id) {
  SecretBytes out(32);
  crypto_kdf_derive_from_key(out.data(), out.size(), id, kContext, key.data());
  return out;
}

}  // namespace

VaultKeys::VaultKeys(SecretBytes vault_key)
    : vault_key_(std::move(vault_key)),
      record_key_(Derive(vault_key_, kRecord)),
      view_key_(Derive(vault_key_, kView)),
      index_key_(Derive(vault_key_, kIndex)),
      auth_secret_key_(crypto_sign_SECRETKEYBYTES) {
  SecretBytes seed = Derive(vault_key_, kAuth);
  auth_public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<uint8_t*>(auth_public_key_.data()),
                           auth_secret_key_.data(), seed.data());
}

std::string VaultKeys::ViewKeyFor(std::string_view entry_id) const {
  std::string out(16, '\0');
  crypto_generichash(reinterpret_cast<uint8_t*>(out.data()), out.size(),
                     reinterpret_cast<const uint8_t*>(entry_id.data()), entry_id.size(),
                     index_key_.data(), index_key_.size());
  return out;
}

std::string VaultIdFromAuthKey(std::string_view auth_public_key) {
  std::string message(kVaultIdContext);
  message.append(auth_public_key);
  uint8_t digest[32];
  crypto_generichash(digest, sizeof(digest), reinterpret_cast<const uint8_t*>(message.data()),
                     message.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(digest), kVaultIdBytes);
}

std::string VaultIdForVaultKey(const SecretBytes& vault_key) {
  return VaultIdFromAuthKey(VaultKeys(SecretBytes::CopyOf(vault_key.view())).auth_public_key());
}

}  // namespace haven
