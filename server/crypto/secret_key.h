// The Secret Key of a vault: 160 random bits shown once at `haven init`, in
// the emergency kit, as "H1-" and eight dash-separated groups of four
// Crockford base32 characters. It is combined with the passphrase to wrap
// the vault key, so a copy of the wrapped key held by a hub cannot be
// brute-forced from the passphrase alone.
#ifndef HAVEN_SERVER_CRYPTO_SECRET_KEY_H_
#define HAVEN_SERVER_CRYPTO_SECRET_KEY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

inline constexpr size_t kSecretKeyBytes = 20;

SecretBytes GenerateSecretKey();
std::string FormatSecretKey(const SecretBytes& key);
// Tolerates lower case, spaces, missing dashes and the look-alikes O/I/L.
// InvalidArgument when it is not a Secret Key at all.
absl::StatusOr<SecretBytes> ParseSecretKey(std::string_view text);

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_SECRET_KEY_H_
