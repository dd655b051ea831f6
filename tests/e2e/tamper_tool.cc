// Test-only: flips one ciphertext byte of one sealed record in a stopped
// hub's store, as a malicious or broken hub would serve it.
//
//   tamper_tool STORE_DIR DEVICE_HEX [SEQ]
//   tamper_tool --count STORE_DIR DEVICE_HEX   (prints how many records of
//                                               DEVICE_HEX the store holds)
//   tamper_tool --swap-view|--save-view|--restore-view|--seal-deep ...
//                                              (a device's store: see
//                                               tests/e2e/tamper_store.cc)
//
// Hub record keys in the "records" column family are
// vault_id(16) || device_id(16) || seq(8, big-endian). Picks the record of
// DEVICE_HEX with sequence SEQ (default: the highest one), flips the last
// byte of its AEAD tag (the value's last byte in record format 1, the byte
// before the 64-byte signature in format 2), writes it back and prints
// "tampered DEVICE_HEX SEQ". Exit 0 on success, 1 when no such record.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "server/store/store.h"

namespace {

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace

// Modes on a device's store (tests/e2e/tamper_store.cc).
int RunStoreTamper(int argc, char** argv);

int main(int argc, char** argv) {
  if (int rc = RunStoreTamper(argc, argv); rc >= 0) return rc;
  bool count_only = argc > 1 && std::string(argv[1]) == "--count";
  if (count_only) {
    ++argv;
    --argc;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: tamper_tool [--count] STORE_DIR DEVICE_HEX [SEQ]\n");
    return 2;
  }
  const std::string device_hex = argv[2];
  const uint64_t want_seq = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 0;
  auto store = haven::Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open %s: %s\n", argv[1], std::string(store.status().message()).c_str());
    return 1;
  }
  std::string best_key;
  uint64_t best_seq = 0, count = 0;
  auto it = std::make_unique<haven::Cursor>((*store)->NewCursor(haven::Family::kRecords));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = it->key();
    if (key.size() != 40) continue;
    if (Hex(key.substr(16, 16)) != device_hex) continue;
    uint64_t seq = haven::DecodeU64(key.substr(32, 8));
    ++count;
    if (want_seq != 0 ? seq == want_seq : seq > best_seq) {
      best_seq = seq;
      best_key = std::string(key);
    }
  }
  it.reset();
  if (count_only) {
    std::printf("%llu\n", static_cast<unsigned long long>(count));
    return 0;
  }
  if (best_key.empty()) {
    std::fprintf(stderr, "no record of device %s\n", device_hex.c_str());
    return 1;
  }
  auto value = (*store)->Get(haven::Family::kRecords, best_key);
  if (!value.ok() || !*value || (*value)->empty()) {
    std::fprintf(stderr, "cannot read the record\n");
    return 1;
  }
  std::string sealed = **value;
  // Format 2 ends with the device's signature; the tag is just before it.
  const size_t signature = sealed[0] == '\x01' || sealed.size() <= 64 ? 0 : 64;
  sealed[sealed.size() - 1 - signature] ^= 0x01;
  auto put = (*store)->Put(haven::Family::kRecords, best_key, sealed, /*sync=*/true);
  if (!put.ok()) {
    std::fprintf(stderr, "write: %s\n", std::string(put.message()).c_str());
    return 1;
  }
  std::printf("tampered %s %llu\n", device_hex.c_str(), static_cast<unsigned long long>(best_seq));
  return 0;
}
