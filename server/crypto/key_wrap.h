// Wrapping the vault key for storage on a device and on a hub.
//
// wrap_key = BLAKE2b-256(key = Argon2id(passphrase, salt, profile),
//                        message = "haven-wrap-v1" || secret_key)
// wrapped  = XChaCha20-Poly1305(vault_key, wrap_key, random nonce,
//                               ad = header || vault id)
// Both secrets are needed: the passphrase alone, against a stolen hub copy,
// leaves 160 unknown bits of Secret Key.
#ifndef HAVEN_SERVER_CRYPTO_KEY_WRAP_H_
#define HAVEN_SERVER_CRYPTO_KEY_WRAP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

inline constexpr size_t kVaultKeyBytes = 32;

struct KdfProfile {
  std::string name;
  uint64_t ops_limit;
  uint64_t mem_limit;  // bytes
};

// "interactive" (64 MiB), "moderate" (256 MiB), "sensitive" (1 GiB).
absl::StatusOr<KdfProfile> KdfProfileByName(std::string_view name);
// A profile for parameters read from a wrapped key; rejects anything weaker
// than "interactive" or stronger than "sensitive" (4 passes, 1 GiB), whoever
// supplied it: a hub could otherwise make a joining device exhaust its
// memory.
absl::StatusOr<KdfProfile> CheckKdfParameters(uint64_t ops_limit, uint64_t mem_limit);

SecretBytes GenerateVaultKey();

// `stretched_out` (optional) receives the passphrase's Argon2id output
// for the new salt (see StretchPassphrase).
absl::StatusOr<std::string> WrapVaultKey(const SecretBytes& vault_key, std::string_view passphrase,
                                         const SecretBytes& secret_key, std::string_view vault_id,
                                         const KdfProfile& profile,
                                         SecretBytes* stretched_out = nullptr);

// PermissionDenied when the passphrase or Secret Key is wrong;
// InvalidArgument when `wrapped` is malformed or its KDF is too weak.
absl::StatusOr<SecretBytes> UnwrapVaultKey(std::string_view wrapped, std::string_view passphrase,
                                           const SecretBytes& secret_key,
                                           std::string_view vault_id);

// The Argon2id output of `passphrase` under `wrapped`'s salt and profile.
// An unlocked device keeps it (docs/design.md, "Devices and key epochs"),
// so that a new wrapped key made with the same salt (WrapStretched) opens
// without asking for the passphrase again.
absl::StatusOr<SecretBytes> StretchPassphrase(std::string_view wrapped,
                                              std::string_view passphrase);
// UnwrapVaultKey with the passphrase already stretched for `wrapped`'s
// salt; PermissionDenied when it (or the Secret Key) is not the one.
absl::StatusOr<SecretBytes> UnwrapStretched(std::string_view wrapped, const SecretBytes& stretched,
                                            const SecretBytes& secret_key,
                                            std::string_view vault_id);
// Wraps `vault_key` with the salt and profile of `like`, so that the same
// stretched passphrase opens it.
absl::StatusOr<std::string> WrapStretched(const SecretBytes& vault_key,
                                          const SecretBytes& stretched, std::string_view like,
                                          const SecretBytes& secret_key, std::string_view vault_id);

// The profile recorded in a wrapped key (for `vault info`).
absl::StatusOr<KdfProfile> WrappedKeyProfile(std::string_view wrapped);

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_KEY_WRAP_H_
