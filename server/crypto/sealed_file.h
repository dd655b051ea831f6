// A byte string sealed whole into a named file: the index snapshot that a
// lock leaves for the next unlock (docs/design.md, "Index snapshot").
//
// The file is a libsodium secretstream (XChaCha20-Poly1305) in chunks of
// 64 KiB, each bound to the caller's associated data; the last chunk is
// tagged final. A file altered, reordered, cut short or extended, sealed
// under another key or for other associated data, does not read. It is
// written to PATH.tmp (mode 0600), fsynced and renamed over PATH, so PATH
// is always either the old file or the whole new one. Only ciphertext ever
// reaches the disk.
//
// Thread-compatible: calls on different paths may run at once.
#ifndef HAVEN_SERVER_CRYPTO_SEALED_FILE_H_
#define HAVEN_SERVER_CRYPTO_SEALED_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

// The key that seals index snapshots: crypto_kdf(epoch 0's vault key, 5,
// "havenvlt"), beside the record, view, index and auth subkeys
// (server/crypto/vault_keys.cc).
SecretBytes IndexSnapshotKey(const SecretBytes& vault_key);

// Seals `plain` into `path` (see above). Internal on an I/O error; the
// temporary file is then removed and `path` left as it was.
absl::Status WriteSealedFile(const std::string& path, const SecretBytes& key, std::string_view ad,
                             std::string_view plain);

// What WriteSealedFile sealed into `path` with the same key and `ad`.
// NotFound when there is no file; DataLoss when it does not read (see
// above) or would hold more than `max_bytes` of plaintext.
absl::StatusOr<std::string> ReadSealedFile(const std::string& path, const SecretBytes& key,
                                           std::string_view ad, size_t max_bytes);

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_SEALED_FILE_H_
