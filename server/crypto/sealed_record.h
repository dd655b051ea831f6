// The sealed record: the only form in which a journal change is stored or
// leaves a device.
//
//   byte 0       format version (1)
//   bytes 1-16   vault id
//   bytes 17-32  device id
//   bytes 33-40  sequence number, big-endian
//   bytes 41-64  random XChaCha20 nonce
//   bytes 65-    XChaCha20-Poly1305 ciphertext of the padded body
//
// The first 41 bytes are the associated data, so a record cannot be moved
// to another vault, device or position without failing to open. The body is
// padded to a multiple of kPadBlock bytes so sizes leak only coarsely. A hub
// reads the header and never the body.
#ifndef HAVEN_SERVER_CRYPTO_SEALED_RECORD_H_
#define HAVEN_SERVER_CRYPTO_SEALED_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

inline constexpr uint8_t kRecordFormatVersion = 1;
inline constexpr size_t kRecordHeaderBytes = 41;
inline constexpr size_t kRecordOverheadBytes = kRecordHeaderBytes + 24 + 16;
inline constexpr size_t kPadBlock = 128;
// Larger records are refused everywhere (a long letter is far smaller).
inline constexpr size_t kMaxRecordBytes = 256 * 1024;

// The size of the record SealRecord makes of a body of `body_bytes`
// (sodium_pad always adds at least one byte).
constexpr size_t SealedRecordSize(size_t body_bytes) {
  return kRecordOverheadBytes + (body_bytes / kPadBlock + 1) * kPadBlock;
}

struct RecordHeader {
  uint8_t version = kRecordFormatVersion;
  std::string vault_id;   // 16 raw bytes
  std::string device_id;  // 16 raw bytes
  uint64_t seq = 0;
};

// Checks the framing only (sizes, version); no key needed.
absl::StatusOr<RecordHeader> ParseRecordHeader(std::string_view sealed);

std::string SealRecord(const SecretBytes& record_key, const RecordHeader& header,
                       std::string_view body);

// DataLoss when the record was forged, truncated or moved; InvalidArgument
// when it is not a record at all.
absl::StatusOr<std::string> OpenRecord(const SecretBytes& record_key, std::string_view sealed,
                                       RecordHeader* header_out);

// Seal / open a blob with a random nonce and fixed associated data; used for
// the local view and other per-device state.
std::string SealBlob(const SecretBytes& key, std::string_view plaintext, std::string_view ad);
absl::StatusOr<std::string> OpenBlob(const SecretBytes& key, std::string_view sealed,
                                     std::string_view ad);
// OpenBlob into `*plain`, reusing its buffer across a scan of many blobs.
absl::Status OpenBlobInto(const SecretBytes& key, std::string_view sealed, std::string_view ad,
                          std::string* plain);

}  // namespace haven

#endif  // HAVEN_SERVER_CRYPTO_SEALED_RECORD_H_
