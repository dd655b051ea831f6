// Where a hub keeps what vaults hand it: per vault, its registration (auth
// public key and wrapped vault key), its sealed records, and the membership
// records the hub learned its membership from. An interface so
// that a hub outgrowing one machine can swap in a distributed backend.
//
// Thread safety: implementations are safe to call from any thread.
#ifndef HAVEN_SERVER_HUB_HUB_STORAGE_H_
#define HAVEN_SERVER_HUB_HUB_STORAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace haven {

// What one hub holds at most. Each refusal is RESOURCE_EXHAUSTED naming the
// flag that sets the limit (see docs/design.md, "Hub limits").
struct HubStorageLimits {
  // Bytes of sealed records per vault (`havend --max-vault-bytes`).
  uint64_t max_vault_bytes = uint64_t{1} << 30;
  // Registered vaults (`havend --max-vaults`).
  uint64_t max_vaults = 1000;
};

struct VaultRegistration {
  std::string auth_public_key;  // Ed25519
  std::string wrapped_key;
};

class HubStorage {
 public:
  virtual ~HubStorage() = default;

  // AlreadyExists when the vault is registered with another key;
  // ResourceExhausted when it is new and the hub holds max_vaults already.
  virtual absl::Status Register(const std::string& vault_id, const VaultRegistration& reg) = 0;
  virtual absl::StatusOr<std::optional<VaultRegistration>> Lookup(
      const std::string& vault_id) const = 0;

  virtual absl::StatusOr<VersionVector> Heads(const std::string& vault_id) = 0;
  // Stores the records that extend each device's sequence; returns how many.
  // Records must already be checked to belong to `vault_id`. They are
  // visible at once and durable after the next Persist. A record whose
  // (device, seq) slot is taken is a duplicate when its bytes equal the
  // stored ones; with other bytes (or two different records for one slot in
  // `records`) the whole call fails with AlreadyExists naming the device and
  // sequence, and is logged as an error. ResourceExhausted, naming the quota,
  // when the new records would take the vault past max_vault_bytes. A failed
  // call stores nothing; what earlier calls stored stays.
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

  // Keeps membership records (already checked by the caller) for the
  // vault, durably before it returns; a record with the same bytes as one
  // held is kept once. Apart from the record log: the hub computes the
  // vault's membership from them (HubMemberships).
  virtual absl::Status AddMemberRecords(const std::string& vault_id,
                                        std::vector<std::string> records) = 0;
  // Every membership record kept for the vault, in no particular order;
  // none for a vault without any.
  virtual absl::StatusOr<std::vector<std::string>> MemberRecords(
      const std::string& vault_id) const = 0;
};

// One RocksDB for every vault; each vault's records under its id, and the
// bytes they take as a counter in the meta family, written in the same
// batch as the records (so a restart needs no scan).
absl::StatusOr<std::unique_ptr<HubStorage>> NewRocksHubStorage(Store* store,
                                                               HubStorageLimits limits = {});

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_STORAGE_H_
