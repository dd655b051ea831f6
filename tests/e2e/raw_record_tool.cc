// Test-only: reads the raw sealed records of a stopped hub's or device's
// store, to prove what a given device's keys can and cannot open.
//
//   raw_record_tool epochs STORE_DIR
//     {"membership": N, "epochs": {"E": N, ...}, "formats": {"1": N, "2": N}}
//     how many records of each key epoch the store holds.
//   raw_record_tool open-with-home STORE_DIR HOME_STORE_DIR
//     (the passphrase in HAVEN_PASSPHRASE)
//     {"keys": K, "epochs": {"E": {"records": N, "opened": M}, ...}}
//     every key found in HOME_STORE_DIR (its stored wrapped key, and the
//     wrapped key of every Epoch and Wrap op among its membership records,
//     each unwrapped with the passphrase and the Secret Key the home holds
//     (those that do not unwrap are skipped), and the older keys in every
//     keyring one of them opens) tried on every sealed record of
//     STORE_DIR. A record opens when any of the keys' record keys opens it.
//   raw_record_tool forge-push ADDRESS HOME_STORE_DIR VICTIM_DEVICE_HEX
//     a record in another device's name, pushed by the home's device
//     (tests/e2e/device_forge.cc).
//   raw_record_tool plant-forgery HUB_STORE_DIR HOME_STORE_DIR VICTIM_DEVICE_HEX
//     (the home's passphrase in HAVEN_PASSPHRASE) the victim's newest record
//     in a stopped hub, re-written by the home's device with one field
//     changed (tests/e2e/device_forge.cc).
//
// Exit 0 with the JSON on stdout; 1 with one line on stderr otherwise.
// Reads only: both stores must not be open in a running daemon.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "haven/v1/membership.pb.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/vault_keys.h"
#include "server/journal/vault_state.h"
#include "server/store/store.h"

namespace haven {

int RunForgePush(const std::string& address, const std::string& home_store,
                 const std::string& victim_hex);
int RunPlantForgery(const std::string& hub_store, const std::string& home_store,
                    const std::string& victim_hex);
absl::StatusOr<std::vector<std::unique_ptr<VaultKeys>>> HomeKeys(const Store& home,
                                                                 const char* passphrase);

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "raw_record_tool: %s\n", what.c_str());
  return 1;
}

std::optional<std::string> Meta(const Store& store, const std::string& key) {
  auto value = store.Get(Family::kMeta, key);
  if (!value.ok() || !value->has_value()) return std::nullopt;
  return **value;
}

// The home's membership ops, in key order.
std::vector<v1::MembershipOp> MemberOps(const Store& home) {
  std::vector<v1::MembershipOp> out;
  Cursor it = home.NewCursor(Family::kMeta);
  for (it.Seek("member/"); it.Valid() && it.key().substr(0, 7) == "member/"; it.Next()) {
    auto body = ClearRecordBody(it.value());
    v1::MembershipOp op;
    if (body.ok() && op.ParseFromArray(body->data(), static_cast<int>(body->size()))) {
      out.push_back(std::move(op));
    }
  }
  return out;
}

// Every wrapped key the home holds: its own, then those its membership
// records carry.
std::vector<std::string> WrappedKeys(const Store& home, const std::vector<v1::MembershipOp>& ops) {
  std::vector<std::string> out;
  if (auto own = Meta(home, "vault/wrapped_key")) out.push_back(*own);
  for (const auto& op : ops) {
    if (op.has_epoch()) out.push_back(op.epoch().wrapped_key());
    if (op.has_wrap()) out.push_back(op.wrap().wrapped_key());
  }
  return out;
}

// Adds to `keys` every older epoch's key that a keyring opened by one of
// them holds, until nothing new opens.
void AddKeyrings(const std::string& vault_id, const std::vector<v1::MembershipOp>& ops,
                 std::map<std::string, SecretBytes>* keys) {
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& op : ops) {
      if (!op.has_epoch()) continue;
      for (auto& [raw, key] : *keys) {
        auto plain = OpenBlob(key, op.epoch().keyring(), KeyringAd(vault_id, op.epoch().epoch()));
        v1::Keyring ring;
        if (!plain.ok() || !ring.ParseFromString(*plain)) continue;
        for (const std::string& k : ring.keys()) {
          if (keys->count(k) == 0) {
            keys->emplace(k, SecretBytes::CopyOf(k));
            grew = true;
          }
        }
        break;
      }
      if (grew) break;  // `keys` changed under the loop: start again
    }
  }
}

}  // namespace

// The record keys of every wrapped key that unwraps with the home's
// secrets, and of every key their keyrings hold.
absl::StatusOr<std::vector<std::unique_ptr<VaultKeys>>> HomeKeys(const Store& home,
                                                                 const char* passphrase) {
  auto vault_id = Meta(home, "vault/id");
  auto secret = Meta(home, "vault/secret_key");
  if (!vault_id || !secret) return absl::NotFoundError("the home holds no vault");
  SecretBytes secret_key = SecretBytes::CopyOf(*secret);
  const std::vector<v1::MembershipOp> ops = MemberOps(home);
  std::map<std::string, SecretBytes> found;  // raw key -> key
  for (const std::string& wrapped : WrappedKeys(home, ops)) {
    auto key = UnwrapVaultKey(wrapped, passphrase, secret_key, *vault_id);
    if (key.ok()) found.emplace(std::string(key->view()), std::move(*key));
  }
  AddKeyrings(*vault_id, ops, &found);
  std::vector<std::unique_ptr<VaultKeys>> keys;
  // VaultKeys derives the record key of the key it is given as "epoch 0":
  // an epoch's record key depends on its key only.
  for (auto& [raw, key] : found) keys.push_back(std::make_unique<VaultKeys>(std::move(key)));
  return keys;
}

namespace {

nlohmann::json CountEpochs(const Store& store) {
  nlohmann::json out = {{"membership", 0},
                        {"epochs", nlohmann::json::object()},
                        {"formats", nlohmann::json::object()}};
  Cursor it = store.NewCursor(Family::kRecords);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    auto header = ParseRecordHeader(it.value());
    if (!header.ok()) continue;
    std::string format = std::to_string(header->version);
    out["formats"][format] = out["formats"].value(format, 0) + 1;
    if (header->membership()) {
      out["membership"] = out["membership"].get<int>() + 1;
      continue;
    }
    std::string epoch = std::to_string(header->epoch);
    out["epochs"][epoch] = out["epochs"].value(epoch, 0) + 1;
  }
  return out;
}

nlohmann::json OpenAll(const Store& store, const std::vector<std::unique_ptr<VaultKeys>>& keys) {
  nlohmann::json epochs = nlohmann::json::object();
  Cursor it = store.NewCursor(Family::kRecords);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    auto header = ParseRecordHeader(it.value());
    if (!header.ok() || header->membership()) continue;
    bool opened = false;
    for (const auto& k : keys)
      opened = opened || OpenRecord(*k->record_key(0), it.value(), nullptr).ok();
    nlohmann::json& e = epochs[std::to_string(header->epoch)];
    if (e.is_null()) e = {{"records", 0}, {"opened", 0}};
    e["records"] = e["records"].get<int>() + 1;
    e["opened"] = e["opened"].get<int>() + (opened ? 1 : 0);
  }
  return {{"keys", keys.size()}, {"epochs", epochs}};
}

int Run(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "forge-push" && argc == 5) return RunForgePush(argv[2], argv[3], argv[4]);
  if (mode == "plant-forgery" && argc == 5) return RunPlantForgery(argv[2], argv[3], argv[4]);
  if (!((mode == "epochs" && argc == 3) || (mode == "open-with-home" && argc == 4))) {
    std::fprintf(stderr,
                 "usage: raw_record_tool epochs STORE_DIR\n"
                 "       raw_record_tool open-with-home STORE_DIR HOME_STORE_DIR\n"
                 "       raw_record_tool forge-push ADDRESS HOME_STORE_DIR VICTIM_HEX\n"
                 "       raw_record_tool plant-forgery HUB_STORE_DIR HOME_STORE_DIR VICTIM_HEX\n");
    return 2;
  }
  auto store = Store::Open(argv[2]);
  if (!store.ok()) return Fail(std::string(argv[2]) + ": " + std::string(store.status().message()));
  if (mode == "epochs") {
    std::printf("%s\n", CountEpochs(**store).dump().c_str());
    return 0;
  }
  const char* passphrase = std::getenv("HAVEN_PASSPHRASE");
  if (passphrase == nullptr) return Fail("no HAVEN_PASSPHRASE");
  auto home = Store::Open(argv[3]);
  if (!home.ok()) return Fail(std::string(argv[3]) + ": " + std::string(home.status().message()));
  auto keys = HomeKeys(**home, passphrase);
  if (!keys.ok()) return Fail(std::string(keys.status().message()));
  std::printf("%s\n", OpenAll(**store, *keys).dump().c_str());
  return 0;
}

}  // namespace
}  // namespace haven

int main(int argc, char** argv) { return haven::Run(argc, argv); }
