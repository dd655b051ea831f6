// Where a hub keeps what vaults hand it: per vault, its registration (auth
// public key and wrapped vault key) and its sealed records. An interface so
// that a hub outgrowing one machine can swap in a distributed backend.
//
// Thread safety: implementations are safe to call from any thread.
#ifndef HAVEN_SERVER_HUB_HUB_STORAGE_H_
#define HAVEN_SERVER_HUB_HUB_STORAGE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace haven {

struct VaultRegistration {
  std::string auth_public_key;  // Ed25519
  std::string wrapped_key;
};

class HubStorage {
 public:
  virtual ~HubStorage() = default;

  // AlreadyExists when the vault is registered with another key.
  virtual absl::Status Register(const std::string& vault_id, const VaultRegistration& reg) = 0;
  virtual absl::StatusOr<std::optional<VaultRegistration>> Lookup(
      const std::string& vault_id) const = 0;

  virtual absl::StatusOr<VersionVector> Heads(const std::string& vault_id) = 0;
  // Stores the records that extend each device's sequence; returns how many.
  // Records must already be checked to belong to `vault_id`. They are
  // visible at once and durable after the next Persist.
  virtual absl::StatusOr<size_t> Append(const std::string& vault_id,
                                        std::vector<IncomingRecord> records) = 0;
  // Makes every Append so far durable: a push ends with one, not one per
  // batch. What a crash takes back before it is still on the device that
  // pushed it, which pushes it again at its next sync.
  virtual absl::Status Persist() = 0;
  virtual absl::StatusOr<std::vector<std::string>> Read(const std::string& vault_id,
                                                        const std::string& device,
                                                        uint64_t from_seq, size_t max_records,
                                                        size_t max_bytes) = 0;
};

// One RocksDB for every vault; each vault's records under its id.
std::unique_ptr<HubStorage> NewRocksHubStorage(Store* store);

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_STORAGE_H_
