// A scratch file of sealed items for one long operation: `haven import`
// checks every entry before it writes any, and keeps what it checked here
// instead of in memory or as plaintext.
//
// The file is anonymous (O_TMPFILE, or unlinked at once where the file
// system lacks it), so it vanishes when the spool is destroyed or the
// daemon dies, and it holds only a libsodium secretstream under a random
// key that lives in sodium_malloc memory: nothing readable ever reaches the
// disk. Items are sealed in chunks of about 64 KiB; a chunk that was
// altered, reordered or cut off fails to read back.
//
//   ASSIGN_OR_RETURN(SealedSpool spool, SealedSpool::Create(dir));
//   RETURN_IF_ERROR(spool.Append(bytes));   // as often as needed
//   RETURN_IF_ERROR(spool.Rewind());
//   std::string item;
//   while (true) { ASSIGN_OR_RETURN(bool more, spool.Next(&item)); if (!more) break; ... }
//
// Not thread-safe.
#ifndef HAVEN_SERVER_CRYPTO_SEALED_SPOOL_H_
#define HAVEN_SERVER_CRYPTO_SEALED_SPOOL_H_

#include <sodium.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

class SealedSpool {
 public:
  // A new, empty spool in `dir` (a directory on the disk it may fill).
  static absl::StatusOr<SealedSpool> Create(const std::string& dir);
  ~SealedSpool();

  SealedSpool(SealedSpool&& other) noexcept;
  SealedSpool& operator=(SealedSpool&&) = delete;
  SealedSpool(const SealedSpool&) = delete;
  SealedSpool& operator=(const SealedSpool&) = delete;

  // Adds one item (any bytes, at most 1 GiB) at the end. Only before Rewind.
  absl::Status Append(std::string_view item);
  // Seals what is buffered and goes back to the first item; after this the
  // spool only reads.
  absl::Status Rewind();
  // The next item in the order appended; false after the last one.
  // DataLoss when the file does not open as written.
  absl::StatusOr<bool> Next(std::string* item);

  uint64_t items() const { return items_; }

 private:
  SealedSpool(int fd, SecretBytes key);
  absl::Status SealChunk(bool last);
  absl::Status ReadChunk();

  crypto_secretstream_xchacha20poly1305_state* state() {
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data());
  }

  int fd_ = -1;
  SecretBytes key_;
  SecretBytes state_;  // the stream's state holds key material too
  bool reading_ = false;
  bool ended_ = false;    // the final chunk has been read
  std::string chunk_;     // plaintext being filled, or read from
  size_t chunk_pos_ = 0;  // next item's offset in chunk_ while reading
  std::string sealed_;    // one sealed chunk on its way to or from the file
  uint64_t items_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_SEALED_SPOOL_H_
