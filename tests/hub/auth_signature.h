// The Ed25519 signature a device makes with its vault's auth key, for
// tests that answer a hub's login or registration challenge by hand.
#ifndef HAVEN_TESTS_HUB_AUTH_SIGNATURE_H_
#define HAVEN_TESTS_HUB_AUTH_SIGNATURE_H_

#include <sodium.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "server/crypto/vault_keys.h"

namespace haven::testing {

// `message` signed (detached, crypto_sign_BYTES) by an Ed25519 secret key.
inline std::string Ed25519Sign(const SecretBytes& secret_key, std::string_view message) {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<uint8_t*>(signature.data()), nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                       secret_key.data());
  return signature;
}

// `message` signed by keys.auth_secret_key().
inline std::string SignWithAuthKey(const VaultKeys& keys, std::string_view message) {
  return Ed25519Sign(keys.auth_secret_key(), message);
}

}  // namespace haven::testing

#endif  // HAVEN_TESTS_HUB_AUTH_SIGNATURE_H_
