// Test-only modes of tamper_tool that act on a stopped DEVICE's store, as
// someone who can write its disk (the view modes) or a compromised device
// of the vault (seal-deep) would:
//
//   tamper_tool --swap-view STORE_DIR
//       swaps the sealed values of the first two rows of the "view" family;
//       prints "swapped".
//   tamper_tool --save-view STORE_DIR FILE
//       copies every view row (key and sealed value) into FILE.
//   tamper_tool --restore-view STORE_DIR FILE
//       puts back every saved row whose value has changed since (a rollback
//       to older, validly sealed versions); prints "restored N".
//   tamper_tool --seal-deep STORE_DIR PASSPHRASE DEPTH
//       unwraps the vault key with PASSPHRASE and the Secret Key the device
//       stores, and appends to the device's own log a CREATE of a "checkin"
//       entry whose field "mood" is DEPTH nested arrays, sealed like any
//       record of the device; prints "sealed ENTRY_ID SEQ".
//
// Exit 0 on success, 1 on failure.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "haven/v1/record.pb.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/vault_keys.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace {

using haven::Family;
using haven::Store;

int Fail(const std::string& what) {
  std::fprintf(stderr, "tamper_tool: %s\n", what.c_str());
  return 1;
}

std::vector<std::pair<std::string, std::string>> ViewRows(Store& store) {
  std::vector<std::pair<std::string, std::string>> rows;
  haven::Cursor it = store.NewCursor(Family::kView);
  for (it.SeekToFirst(); it.Valid(); it.Next()) rows.emplace_back(it.key(), it.value());
  return rows;
}

int SwapView(Store& store) {
  auto rows = ViewRows(store);
  if (rows.size() < 2) return Fail("fewer than two view rows");
  haven::WriteBatch batch = store.NewBatch();
  batch.Put(Family::kView, rows[0].first, rows[1].second);
  batch.Put(Family::kView, rows[1].first, rows[0].second);
  if (!store.Write(&batch, /*sync=*/true).ok()) return Fail("write failed");
  std::printf("swapped\n");
  return 0;
}

// FILE: for each row, 4-byte key length, key, 4-byte value length, value.
void PutBytes(std::string* out, const std::string& bytes) {
  const uint32_t n = static_cast<uint32_t>(bytes.size());
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
  out->append(bytes);
}

bool GetBytes(std::string_view* in, std::string* bytes) {
  uint32_t n = 0;
  if (in->size() < sizeof n) return false;
  std::copy(in->begin(), in->begin() + sizeof n, reinterpret_cast<char*>(&n));
  in->remove_prefix(sizeof n);
  if (in->size() < n) return false;
  bytes->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

int SaveView(Store& store, const std::string& file) {
  std::string out;
  for (const auto& [key, value] : ViewRows(store)) {
    PutBytes(&out, key);
    PutBytes(&out, value);
  }
  std::ofstream(file, std::ios::binary) << out;
  std::printf("saved\n");
  return 0;
}

int RestoreView(Store& store, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string_view rest(saved);
  size_t restored = 0;
  std::string key, value;
  while (GetBytes(&rest, &key) && GetBytes(&rest, &value)) {
    auto now = store.Get(Family::kView, key);
    if (!now.ok() || (now->has_value() && **now == value)) continue;
    if (!store.Put(Family::kView, key, value, /*sync=*/true).ok()) return Fail("write failed");
    ++restored;
  }
  std::printf("restored %zu\n", restored);
  return 0;
}

absl::StatusOr<std::string> Meta(Store& store, const char* key) {
  auto value = store.Get(Family::kMeta, key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return absl::NotFoundError(std::string("no ") + key);
  return **value;
}

int SealDeep(Store& store, const std::string& passphrase, int depth) {
  auto vault_id = Meta(store, "vault/id");
  auto device_id = Meta(store, "vault/device");
  auto wrapped = Meta(store, "vault/wrapped_key");
  auto secret = Meta(store, "vault/secret_key");
  if (!vault_id.ok() || !device_id.ok() || !wrapped.ok() || !secret.ok()) {
    return Fail("the store holds no vault");
  }
  auto vault_key =
      haven::UnwrapVaultKey(*wrapped, passphrase, haven::SecretBytes::CopyOf(*secret), *vault_id);
  if (!vault_key.ok()) return Fail("unwrap: " + std::string(vault_key.status().message()));
  haven::VaultKeys keys(std::move(*vault_key));
  auto log = haven::RecordLog::Open(&store);
  if (!log.ok()) return Fail("record log");

  haven::v1::RecordBody body;
  body.set_kind(haven::v1::RecordBody::CREATE);
  body.set_entry_id(haven::NewEntryId());
  body.set_type("checkin");
  body.set_type_version(1);
  body.set_hlc(static_cast<uint64_t>(std::time(nullptr)) * 1000 << 16);
  body.set_has_at(true);
  body.set_at_us(static_cast<int64_t>(std::time(nullptr)) * 1000000);
  (*body.mutable_set_fields())["mood"] = std::string(depth, '[') + std::string(depth, ']');

  haven::RecordHeader header;
  header.vault_id = *vault_id;
  header.device_id = *device_id;
  header.seq = (*log)->Head(*device_id) + 1;
  std::vector<haven::IncomingRecord> records{
      {header, haven::SealRecord(keys.record_key(), header, body.SerializeAsString())}};
  haven::RecordLog::Append append = (*log)->Stage(std::move(records));
  if (!(*log)->Commit(&append, /*sync=*/true).ok()) return Fail("write failed");
  std::printf("sealed %s %llu\n", body.entry_id().c_str(),
              static_cast<unsigned long long>(header.seq));
  return 0;
}

}  // namespace

// Runs one of the modes above when argv[1] names it; -1 otherwise.
int RunStoreTamper(int argc, char** argv) {
  if (argc < 3) return -1;
  const std::string mode = argv[1];
  if (mode != "--swap-view" && mode != "--save-view" && mode != "--restore-view" &&
      mode != "--seal-deep") {
    return -1;
  }
  auto store = Store::Open(argv[2]);
  if (!store.ok()) return Fail("open " + std::string(argv[2]));
  if (mode == "--swap-view") return SwapView(**store);
  if (argc < 4) return Fail("usage: " + mode + " STORE_DIR FILE|PASSPHRASE ...");
  if (mode == "--save-view") return SaveView(**store, argv[3]);
  if (mode == "--restore-view") return RestoreView(**store, argv[3]);
  if (argc < 5) return Fail("usage: --seal-deep STORE_DIR PASSPHRASE DEPTH");
  return SealDeep(**store, argv[3], std::atoi(argv[4]));
}
