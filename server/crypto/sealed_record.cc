#include "server/crypto/sealed_record.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/public_random.h"

namespace haven {
namespace {

constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }
uint8_t* U8(std::string& s) { return reinterpret_cast<uint8_t*>(s.data()); }

std::string EncodeHeader(const RecordHeader& h) {
  std::string out;
  out.reserve(kRecordV2HeaderBytes);
  out.push_back(static_cast<char>(h.version));
  out.append(h.vault_id);
  out.append(h.device_id);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(h.seq >> (8 * i)));
  if (h.version == kRecordFormatV1) return out;
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(h.epoch >> (8 * i)));
  if (h.prev_hash.size() == kChainHashBytes) {
    out.append(h.prev_hash);
  } else {
    out.append(kChainHashBytes, '\0');
  }
  return out;
}

size_t HeaderBytes(uint8_t version) {
  return version == kRecordFormatV1 ? kRecordHeaderBytes : kRecordV2HeaderBytes;
}

// The smallest well-formed record of each kind.
size_t MinimumBytes(const RecordHeader& h) {
  if (h.legacy()) return kRecordHeaderBytes + kNonceBytes + kTagBytes + kPadBlock;
  if (h.membership()) return kRecordV2HeaderBytes + 1 + kRecordSignatureBytes;
  return kRecordV2HeaderBytes + kNonceBytes + kTagBytes + kPadBlock + kRecordSignatureBytes;
}

std::string_view Unsigned(std::string_view sealed) {
  if (!sealed.empty() && static_cast<uint8_t>(sealed[0]) == kRecordFormatV1) return sealed;
  return sealed.substr(0, sealed.size() - std::min(sealed.size(), kRecordSignatureBytes));
}

// Returns `prefix` ‖ nonce ‖ XChaCha20-Poly1305(`plaintext` padded to
// kPadBlock) with `ad` as the associated data, exactly as given: `prefix` is
// authenticated only when the caller passes it in `ad` too (SealRecord does).
std::string SealPadded(const SecretBytes& key, std::string prefix, std::string_view plaintext,
                       std::string_view ad) {
  size_t padded_max = plaintext.size() + kPadBlock;
  std::string padded(plaintext);
  padded.resize(padded_max);
  size_t padded_len = 0;
  sodium_pad(&padded_len, U8(padded), plaintext.size(), kPadBlock, padded_max);
  size_t base = prefix.size();
  std::string out = std::move(prefix);
  out.resize(base + kNonceBytes + padded_len + kTagBytes);
  PublicRandom(U8(out) + base, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(U8(out) + base + kNonceBytes, &written, U8(padded),
                                             padded_len, U8(ad), ad.size(), nullptr, U8(out) + base,
                                             key.data());
  sodium_memzero(padded.data(), padded.size());
  return out;
}

// Length of `plain[0, padded_len)` without its ISO/IEC 7816-4 padding. The
// bytes were authenticated just before, so the padding is read directly:
// sodium_unpad's constant-time walk guards unauthenticated input, and on a
// scan of a million view rows it cost more than the decryption itself.
std::optional<size_t> UnpaddedLength(const std::string& plain, size_t padded_len) {
  if (padded_len == 0 || padded_len % kPadBlock != 0) return std::nullopt;
  const size_t floor = padded_len - kPadBlock;
  size_t end = padded_len;
  while (end > floor && plain[end - 1] == '\0') --end;
  if (end == floor || static_cast<unsigned char>(plain[end - 1]) != 0x80) return std::nullopt;
  return end - 1;
}

// Opens into `*plain`, reusing its buffer.
absl::Status OpenPadded(const SecretBytes& key, std::string_view sealed, std::string_view ad,
                        std::string* plain) {
  if (sealed.size() < kNonceBytes + kTagBytes + kPadBlock) {
    return absl::DataLossError("sealed data is truncated");
  }
  std::string_view nonce = sealed.substr(0, kNonceBytes);
  std::string_view cipher = sealed.substr(kNonceBytes);
  plain->resize(cipher.size() - kTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(U8(*plain), &written, nullptr, U8(cipher),
                                                 cipher.size(), U8(ad), ad.size(), U8(nonce),
                                                 key.data()) != 0) {
    return absl::DataLossError("sealed data does not open with this vault's key");
  }
  std::optional<size_t> unpadded = UnpaddedLength(*plain, written);
  if (!unpadded) return absl::DataLossError("sealed data has invalid padding");
  plain->resize(*unpadded);
  return absl::OkStatus();
}

absl::StatusOr<std::string> OpenPadded(const SecretBytes& key, std::string_view sealed,
                                       std::string_view ad) {
  std::string plain;
  absl::Status opened = OpenPadded(key, sealed, ad, &plain);
  if (!opened.ok()) return opened;
  return plain;
}

}  // namespace

absl::StatusOr<RecordHeader> ParseRecordHeader(std::string_view sealed) {
  if (sealed.size() > kMaxRecordBytes) {
    return absl::InvalidArgumentError("record is larger than the limit of 256 KiB");
  }
  if (sealed.size() < kRecordV2HeaderBytes)
    return absl::InvalidArgumentError("record is truncated");
  RecordHeader h;
  h.version = static_cast<uint8_t>(sealed[0]);
  if (h.version != kRecordFormatV1 && h.version != kRecordFormatVersion) {
    return absl::InvalidArgumentError("record has unknown format version " +
                                      std::to_string(h.version));
  }
  h.vault_id = std::string(sealed.substr(1, 16));
  h.device_id = std::string(sealed.substr(17, 16));
  for (size_t i = 33; i < 41; ++i) h.seq = (h.seq << 8) | static_cast<uint8_t>(sealed[i]);
  if (h.seq == 0) return absl::InvalidArgumentError("record has sequence number 0");
  if (!h.legacy()) {
    for (size_t i = 41; i < 45; ++i) h.epoch = (h.epoch << 8) | static_cast<uint8_t>(sealed[i]);
    h.prev_hash = std::string(sealed.substr(45, kChainHashBytes));
  }
  if (sealed.size() < MinimumBytes(h)) return absl::InvalidArgumentError("record is truncated");
  return h;
}

std::string SealRecord(const SecretBytes& record_key, const RecordHeader& header,
                       std::string_view body) {
  std::string head = EncodeHeader(header);
  std::string ad = head;
  std::string out = SealPadded(record_key, std::move(head), body, ad);
  if (!header.legacy()) out.append(kRecordSignatureBytes, '\0');
  return out;
}

std::string ClearRecord(const RecordHeader& header, std::string_view body) {
  RecordHeader h = header;
  h.version = kRecordFormatVersion;
  h.epoch = kMembershipEpoch;
  std::string out = EncodeHeader(h);
  out.append(body);
  out.append(kRecordSignatureBytes, '\0');
  return out;
}

absl::StatusOr<std::string_view> ClearRecordBody(std::string_view sealed) {
  auto header = ParseRecordHeader(sealed);
  if (!header.ok()) return header.status();
  if (!header->membership()) return absl::InvalidArgumentError("not a membership record");
  return sealed.substr(kRecordV2HeaderBytes,
                       sealed.size() - kRecordV2HeaderBytes - kRecordSignatureBytes);
}

std::string RecordChainHash(std::string_view sealed) {
  constexpr std::string_view kContext = "haven-chain-v2";
  std::string_view covered = Unsigned(sealed);
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kChainHashBytes);
  crypto_generichash_update(&state, U8(kContext), kContext.size());
  crypto_generichash_update(&state, U8(covered), covered.size());
  std::string out(kChainHashBytes, '\0');
  crypto_generichash_final(&state, U8(out), out.size());
  return out;
}

void SignRecord(std::string* sealed, const SecretBytes& device_sign_key) {
  std::string hash = RecordChainHash(*sealed);
  uint8_t* signature = U8(*sealed) + sealed->size() - kRecordSignatureBytes;
  crypto_sign_detached(signature, nullptr, U8(hash), hash.size(), device_sign_key.data());
}

bool RecordSignatureValid(std::string_view sealed, std::string_view public_key) {
  auto header = ParseRecordHeader(sealed);  // the smallest record of its kind, or none
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || !header.ok() || header->legacy()) {
    return false;
  }
  std::string hash = RecordChainHash(sealed);
  return crypto_sign_verify_detached(U8(sealed) + sealed.size() - kRecordSignatureBytes, U8(hash),
                                     hash.size(), U8(public_key)) == 0;
}

absl::StatusOr<std::string> OpenRecord(const SecretBytes& record_key, std::string_view sealed,
                                       RecordHeader* header_out) {
  auto header = ParseRecordHeader(sealed);
  if (!header.ok()) return header.status();
  if (header->membership()) return absl::InvalidArgumentError("a membership record is not sealed");
  const size_t head = HeaderBytes(header->version);
  std::string_view cipher = Unsigned(sealed).substr(head);
  auto body = OpenPadded(record_key, cipher, sealed.substr(0, head));
  if (!body.ok()) {
    return absl::DataLossError("record " + HexEncode(header->device_id).substr(0, 8) + "/" +
                               std::to_string(header->seq) + ": " +
                               std::string(body.status().message()));
  }
  if (header_out != nullptr) *header_out = std::move(*header);
  return body;
}

std::string SealBlob(const SecretBytes& key, std::string_view plaintext, std::string_view ad) {
  return SealPadded(key, std::string(), plaintext, ad);
}

absl::StatusOr<std::string> OpenBlob(const SecretBytes& key, std::string_view sealed,
                                     std::string_view ad) {
  return OpenPadded(key, sealed, ad);
}

absl::Status OpenBlobInto(const SecretBytes& key, std::string_view sealed, std::string_view ad,
                          std::string* plain) {
  return OpenPadded(key, sealed, ad, plain);
}

}  // namespace haven
