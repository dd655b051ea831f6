// Test-only: pushes a forged record into a slot of a vault on a hub, as a
// second device with the same device id (a restored copy of a home, say)
// would: a well-sealed record at (DEVICE_HEX, SEQ) whose bytes differ from
// whatever the hub holds there. Logs in as the vault's member, through the
// same HubClient the daemon uses.
//
//   forge_push_tool ADDRESS TOKEN VAULT_HEX SECRET_KEY DEVICE_HEX SEQ [HOME_STORE]
//   (the vault's passphrase in HAVEN_PASSPHRASE)
//
// With HOME_STORE (the device's store, its daemon stopped) it logs in as
// that device with its own device key, copies its true records 1..SEQ-1,
// and chains and signs the forged record SEQ after them, so that only the
// taken slot is wrong; without it, it logs in vault-wide (a vault made
// before device keys) and pushes format-1 records.
//
// Prints "pushed N accepted" and exits 0 when the hub took the push; prints
// the error in one line and exits 5 when the hub refused it (as `haven sync`
// reports a refusing hub), 1 on any other failure.
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_key.h"
#include "server/crypto/vault_keys.h"
#include "server/store/record_log.h"
#include "server/store/store.h"
#include "server/sync/hub_client.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

int Fail(const absl::Status& s, int code = 1) {
  std::fprintf(stderr, "forge_push_tool: %s\n", std::string(s.message()).c_str());
  return code;
}

// The device's true records 1..seq-1 from its home store, then a forged
// record seq chained after them, signed with `sign_key`: what a restored
// copy of the device's home would push.
absl::StatusOr<std::vector<IncomingRecord>> ChainedForgery(Store& home, const VaultKeys& keys,
                                                           const std::string& vault_id,
                                                           const std::string& device, uint64_t seq,
                                                           const SecretBytes& sign_key) {
  ASSIGN_OR_RETURN(auto home_log, RecordLog::Open(&home));
  std::vector<IncomingRecord> records;
  RecordHeader forged{kRecordFormatVersion, vault_id, device, seq};
  for (uint64_t i = 1; i < seq; ++i) {
    ASSIGN_OR_RETURN(auto sealed, home.Get(Family::kRecords, home_log->RecordKey(device, i)));
    if (!sealed) return absl::NotFoundError("the home lacks record " + std::to_string(i));
    ASSIGN_OR_RETURN(RecordHeader header, ParseRecordHeader(*sealed));
    forged.epoch = header.membership() ? forged.epoch : header.epoch;
    forged.prev_hash = RecordChainHash(*sealed);
    records.push_back({std::move(header), std::move(*sealed)});
  }
  std::string sealed = SealRecord(keys.record_key(), forged, "forged by a test");
  SignRecord(&sealed, sign_key);
  records.push_back({forged, std::move(sealed)});
  return records;
}

// Format-1 records 1..seq, each freshly sealed (so each differs from any
// record a hub holds), for the vault-wide login.
std::vector<IncomingRecord> LegacyForgery(const VaultKeys& keys, const std::string& vault_id,
                                          const std::string& device, uint64_t seq) {
  std::vector<IncomingRecord> records;
  for (uint64_t i = 1; i <= seq; ++i) {
    RecordHeader header{kRecordFormatV1, vault_id, device, i};
    records.push_back({header, SealRecord(keys.record_key(), header, "forged by a test")});
  }
  return records;
}

absl::StatusOr<std::unique_ptr<RecordLog>> ForgedLog(Store* store,
                                                     std::vector<IncomingRecord> records) {
  ASSIGN_OR_RETURN(auto log, RecordLog::Open(store));
  RecordLog::Append append = log->Stage(log->Accept(std::move(records)));
  RETURN_IF_ERROR(log->Commit(&append, /*sync=*/false));
  return log;
}

// The device key of a stopped device's home.
absl::StatusOr<SecretBytes> DeviceKey(const Store& home) {
  ASSIGN_OR_RETURN(auto key, home.Get(Family::kMeta, "vault/device_key"));
  if (!key || key->size() != 64) return absl::NotFoundError("the home holds no device key");
  return SecretBytes::CopyOf(*key);
}

int Run(char** argv, const char* home_store) {
  const char* passphrase = std::getenv("HAVEN_PASSPHRASE");
  auto vault_id = HexDecode(argv[3]);
  auto device = HexDecode(argv[5]);
  const uint64_t seq = std::strtoull(argv[6], nullptr, 10);
  if (passphrase == nullptr || !vault_id || !device || seq == 0) {
    return Fail(absl::InvalidArgumentError("bad arguments or no HAVEN_PASSPHRASE"), 2);
  }
  auto secret_key = ParseSecretKey(argv[4]);
  if (!secret_key.ok()) return Fail(secret_key.status());
  HubEndpoint endpoint{"forge", argv[1], argv[2], "", false};
  auto client = HubClient::Connect(endpoint);
  if (!client.ok()) return Fail(client.status());
  auto wrapped = (*client)->FetchWrappedKey(*vault_id);
  if (!wrapped.ok()) return Fail(wrapped.status());
  auto vault_key = UnwrapVaultKey(*wrapped, passphrase, *secret_key, *vault_id);
  if (!vault_key.ok()) return Fail(vault_key.status());
  VaultKeys keys(std::move(*vault_key));
  HubCredential credential{*vault_id, SecretBytes::CopyOf(keys.auth_secret_key().view()),
                           keys.auth_public_key(), *wrapped};
  std::vector<IncomingRecord> records;
  if (home_store != nullptr) {
    auto home = Store::Open(home_store);
    if (!home.ok()) return Fail(home.status());
    auto sign_key = DeviceKey(**home);
    if (!sign_key.ok()) return Fail(sign_key.status());
    auto chained = ChainedForgery(**home, keys, *vault_id, *device, seq, *sign_key);
    if (!chained.ok()) return Fail(chained.status());
    records = std::move(*chained);
    credential.device_id = *device;
    credential.device_sign_key = std::move(*sign_key);
  } else {
    records = LegacyForgery(keys, *vault_id, *device, seq);
  }
  if (auto s = (*client)->Login(credential); !s.ok()) return Fail(s);

  char dir[] = "/tmp/hv-forge-XXXXXX";
  if (mkdtemp(dir) == nullptr) return Fail(absl::InternalError("mkdtemp"));
  int code = 1;
  {
    auto store = Store::Open(std::string(dir) + "/store");
    if (!store.ok()) return Fail(store.status());
    auto log = ForgedLog(store->get(), std::move(records));
    if (!log.ok()) return Fail(log.status());
    // The hub is told to expect the last record only: the forged slot.
    auto pushed = (*client)->Push(**log, {{*device, seq - 1}});
    if (pushed.ok()) {
      std::printf("pushed %llu accepted\n", static_cast<unsigned long long>(*pushed));
      code = 0;
    } else {
      code =
          Fail(pushed.status(), pushed.status().code() == absl::StatusCode::kUnavailable ? 5 : 1);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return code;
}

}  // namespace
}  // namespace haven

int main(int argc, char** argv) {
  if (argc != 7 && argc != 8) {
    std::fprintf(stderr,
                 "usage: forge_push_tool ADDRESS TOKEN VAULT_HEX SECRET_KEY DEVICE_HEX SEQ "
                 "[HOME_STORE]\n");
    return 2;
  }
  return haven::Run(argv, argc == 8 ? argv[7] : nullptr);
}
