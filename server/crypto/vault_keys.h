// The key hierarchy below the vault key. Every subkey comes from
// crypto_kdf_derive_from_key(vault key, id, "havenvlt"), so one vault key
// serves distinct purposes without reusing key material.
#ifndef HAVEN_SERVER_CRYPTO_VAULT_KEYS_H_
#define HAVEN_SERVER_CRYPTO_VAULT_KEYS_H_

#include <string>
#include <string_view>

#include "server/crypto/secret_bytes.h"

namespace haven {

class VaultKeys {
 public:
  // Takes ownership of the vault key; derives every subkey at once.
  explicit VaultKeys(SecretBytes vault_key);

  const SecretBytes& vault_key() const { return vault_key_; }
  const SecretBytes& record_key() const { return record_key_; }  // seals records
  const SecretBytes& view_key() const { return view_key_; }      // seals the local view
  // Ed25519 key pair proving membership of the vault to a hub.
  const SecretBytes& auth_secret_key() const { return auth_secret_key_; }
  const std::string& auth_public_key() const { return auth_public_key_; }

  // A keyed hash naming an entry in the local view without revealing its id.
  std::string ViewKeyFor(std::string_view entry_id) const;

 private:
  SecretBytes vault_key_;
  SecretBytes record_key_;
  SecretBytes view_key_;
  SecretBytes index_key_;
  SecretBytes auth_secret_key_;
  std::string auth_public_key_;
};

// A new vault's id: the first 16 bytes of
// BLAKE2b-256("haven-vault-id-v1" || auth public key). A hub registers a
// vault id only for a key it was derived from, so nobody can take a vault's
// id on a hub without holding its key (docs/design.md "Sync").
std::string VaultIdFromAuthKey(std::string_view auth_public_key);
// VaultIdFromAuthKey of the auth key `vault_key` derives.
std::string VaultIdForVaultKey(const SecretBytes& vault_key);

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_VAULT_KEYS_H_
