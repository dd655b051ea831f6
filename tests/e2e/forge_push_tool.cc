// Test-only: pushes a forged record into a slot of a vault on a hub, as a
// second device with the same device id (a restored copy of a home, say)
// would: a well-sealed record at (DEVICE_HEX, SEQ) whose bytes differ from
// whatever the hub holds there. Logs in as the vault's member, through the
// same HubClient the daemon uses.
//
//   forge_push_tool ADDRESS TOKEN VAULT_HEX SECRET_KEY DEVICE_HEX SEQ
//   (the vault's passphrase in HAVEN_PASSPHRASE)
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

// A log holding the device's records 1..seq, each freshly sealed (so each
// differs from any record a hub holds).
absl::StatusOr<std::unique_ptr<RecordLog>> ForgedLog(Store* store, const VaultKeys& keys,
                                                     const std::string& vault_id,
                                                     const std::string& device, uint64_t seq) {
  ASSIGN_OR_RETURN(auto log, RecordLog::Open(store));
  std::vector<IncomingRecord> records;
  for (uint64_t i = 1; i <= seq; ++i) {
    RecordHeader header{kRecordFormatVersion, vault_id, device, i};
    records.push_back({header, SealRecord(keys.record_key(), header, "forged by a test")});
  }
  RecordLog::Append append = log->Stage(log->Accept(std::move(records)));
  RETURN_IF_ERROR(log->Commit(&append, /*sync=*/false));
  return log;
}

int Run(char** argv) {
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
  if (auto s = (*client)->Login(credential); !s.ok()) return Fail(s);

  char dir[] = "/tmp/hv-forge-XXXXXX";
  if (mkdtemp(dir) == nullptr) return Fail(absl::InternalError("mkdtemp"));
  int code = 1;
  {
    auto store = Store::Open(std::string(dir) + "/store");
    if (!store.ok()) return Fail(store.status());
    auto log = ForgedLog(store->get(), keys, *vault_id, *device, seq);
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
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: forge_push_tool ADDRESS TOKEN VAULT_HEX SECRET_KEY DEVICE_HEX SEQ\n");
    return 2;
  }
  return haven::Run(argv);
}
