// The sealed record: the only form in which a journal change is stored or
// leaves a device (docs/design.md, "Records" and "Devices and key epochs").
//
// Format 2, written by every device since device keys:
//   byte 0        format version (2)
//   bytes 1-16    vault id
//   bytes 17-32   device id
//   bytes 33-40   sequence number, big-endian
//   bytes 41-44   key epoch, big-endian (kMembershipEpoch: a membership record)
//   bytes 45-76   chain: RecordChainHash of the device's previous record
//                 (zeros at sequence 1)
//   bytes 77-100  random XChaCha20 nonce      } a membership record holds
//   bytes 101-    XChaCha20-Poly1305 of the   } its body in the clear here
//                 padded body, under the record key of the epoch
//   last 64       Ed25519 signature by the device's key over RecordChainHash
//
// Format 1 (vaults made before device keys; still read, never written):
//   byte 0 = 1, vault id, device id, sequence as above, then the nonce and
//   the ciphertext at byte 41, under the epoch-0 record key.
//
// The header (77 bytes; 41 in format 1) is the associated data, so a record
// cannot be moved to another vault, device, position or epoch without
// failing to open. The body is padded to a multiple of kPadBlock bytes so
// sizes leak only coarsely. A hub reads the header and membership bodies,
// never an entry's body. Because each record names the hash of the one
// before it, one valid signature on a record vouches for every earlier
// record of its device: a reader checks the chain of a run of records and
// the signature at its end.
#ifndef HAVEN_SERVER_CRYPTO_SEALED_RECORD_H_
#define HAVEN_SERVER_CRYPTO_SEALED_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

inline constexpr uint8_t kRecordFormatV1 = 1;
inline constexpr uint8_t kRecordFormatVersion = 2;  // what SealRecord writes
inline constexpr size_t kRecordHeaderBytes = 41;    // format 1
inline constexpr size_t kRecordV2HeaderBytes = 77;
inline constexpr size_t kRecordSignatureBytes = 64;
inline constexpr size_t kRecordOverheadBytes =
    kRecordV2HeaderBytes + 24 + 16 + kRecordSignatureBytes;
inline constexpr size_t kChainHashBytes = 32;
// The epoch field of a membership record (server/membership/membership_op.h).
inline constexpr uint32_t kMembershipEpoch = 0xFFFFFFFF;
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
  uint32_t epoch = 0;     // format 2; 0 in format 1
  std::string prev_hash;  // format 2: kChainHashBytes; empty in format 1

  bool legacy() const { return version == kRecordFormatV1; }
  bool membership() const { return version != kRecordFormatV1 && epoch == kMembershipEpoch; }
};

// Checks the framing only (sizes, version); no key needed.
absl::StatusOr<RecordHeader> ParseRecordHeader(std::string_view sealed);

// A format-2 record (or format 1 when header.version says so, for tests
// of old vaults) of `body` sealed under `record_key`, the key of
// header.epoch; its signature is left zero for SignRecord.
std::string SealRecord(const SecretBytes& record_key, const RecordHeader& header,
                       std::string_view body);
// A format-2 record whose body is in the clear (a membership record),
// signature left zero for SignRecord.
std::string ClearRecord(const RecordHeader& header, std::string_view body);
// The clear body of a membership record; InvalidArgument for any other.
absl::StatusOr<std::string_view> ClearRecordBody(std::string_view sealed);

// DataLoss when the record was forged, truncated or moved; InvalidArgument
// when it is not a record at all (or is a membership record).
absl::StatusOr<std::string> OpenRecord(const SecretBytes& record_key, std::string_view sealed,
                                       RecordHeader* header_out);

// BLAKE2b-256("haven-chain-v2" || the record without its signature): what
// the next record of the device names in its chain field and what the
// signature covers. A format-1 record is hashed whole.
std::string RecordChainHash(std::string_view sealed);
// Fills a format-2 record's signature with `device_sign_key` (Ed25519, 64 bytes).
void SignRecord(std::string* sealed, const SecretBytes& device_sign_key);
// Whether a format-2 record's signature is by `public_key`.
bool RecordSignatureValid(std::string_view sealed, std::string_view public_key);

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
