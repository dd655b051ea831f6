// HubStorage over haven's Store: one store for every vault, each vault's
// log under its id as the key prefix (the key layout is in hub_storage.h).
#include <sodium.h>

#include <map>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "haven/v1/hub.pb.h"
#include "server/crypto/ids.h"
#include "server/hub/hub_storage.h"
#include "server/util/byte_size.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr std::string_view kVaultPrefix = "hubvault/";
// Meta key of a vault's counter: the bytes of sealed records the hub holds
// for it (big-endian u64).
constexpr std::string_view kBytesPrefix = "hubbytes/";
// Meta keys of a vault's membership records: hubmember/ || vault id ||
// BLAKE2b-256(record), the record as the value.
constexpr std::string_view kMemberPrefix = "hubmember/";

std::string MemberKey(const std::string& vault_id, std::string_view record) {
  std::string digest(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<uint8_t*>(digest.data()), digest.size(),
                     reinterpret_cast<const uint8_t*>(record.data()), record.size(), nullptr, 0);
  return std::string(kMemberPrefix) + vault_id + digest;
}

// One vault's log and the bytes its records take. Appends to one vault
// hold `mu` from the check of taken slots to the commit, so that heads
// never move under them.
struct VaultLog {
  std::unique_ptr<RecordLog> log;
  absl::Mutex mu;
  uint64_t bytes ABSL_GUARDED_BY(mu) = 0;
};

// A slot (device, seq) that `records` fills with other bytes than the hub
// holds, or fills twice with different bytes; AlreadyExists naming it.
absl::Status CheckTakenSlots(const std::string& vault_id, VaultLog& vault,
                             const std::vector<IncomingRecord>& records)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(vault.mu) {
  const RecordLog& log = *vault.log;
  std::map<std::pair<std::string, uint64_t>, const std::string*> seen;
  for (const auto& r : records) {
    const std::string& device = r.header.device_id;
    const uint64_t seq = r.header.seq;
    std::optional<std::string> held;
    auto [it, fresh] = seen.emplace(std::make_pair(device, seq), &r.sealed);
    if (!fresh) {
      held = *it->second;
    } else if (seq <= log.Head(device)) {
      ASSIGN_OR_RETURN(held, log.Get(device, seq));
      if (!held) return absl::DataLossError("hub store: a record below a head is missing");
    }
    if (!held || *held == r.sealed) continue;
    Log(LogLevel::kError, "push refused: a different record in a taken slot",
        {{"vault", HexEncode(vault_id)},
         {"device", HexEncode(device)},
         {"seq", std::to_string(seq)}});
    return absl::AlreadyExistsError(absl::StrCat(
        "push: device ", HexEncode(device), " already has a different record at sequence ", seq,
        " on this hub; nothing of this batch was stored (two devices may share one device id)"));
  }
  return absl::OkStatus();
}

class StoreHubStorage final : public HubStorage {
 public:
  StoreHubStorage(Store* store, HubStorageLimits limits, uint64_t vaults)
      : store_(store), limits_(limits), vaults_(vaults) {}

  absl::Status Register(const std::string& vault_id, const VaultRegistration& reg) override
      ABSL_LOCKS_EXCLUDED(register_mu_) {
    absl::MutexLock lock(&register_mu_);
    ASSIGN_OR_RETURN(auto existing, Lookup(vault_id));
    if (existing) {
      if (existing->auth_public_key != reg.auth_public_key) {
        return absl::AlreadyExistsError("this vault is registered with another key");
      }
      return absl::OkStatus();  // a device registering again
    }
    if (vaults_ >= limits_.max_vaults) {
      return absl::ResourceExhaustedError(
          absl::StrCat("registration: this hub holds as many vaults as it may (--max-vaults ",
                       limits_.max_vaults, ")"));
    }
    v1::RegisterVaultRequest stored;
    stored.set_auth_public_key(reg.auth_public_key);
    stored.set_wrapped_key(reg.wrapped_key);
    RETURN_IF_ERROR(store_->Put(Family::kMeta, std::string(kVaultPrefix) + vault_id,
                                stored.SerializeAsString(), /*sync=*/true));
    ++vaults_;
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<VaultRegistration>> Lookup(
      const std::string& vault_id) const override {
    ASSIGN_OR_RETURN(auto raw, store_->Get(Family::kMeta, std::string(kVaultPrefix) + vault_id));
    if (!raw) return std::optional<VaultRegistration>();
    v1::RegisterVaultRequest stored;
    if (!stored.ParseFromString(*raw)) return absl::DataLossError("vault registration is corrupt");
    return std::optional<VaultRegistration>(
        VaultRegistration{stored.auth_public_key(), stored.wrapped_key()});
  }

  absl::StatusOr<VersionVector> Heads(const std::string& vault_id) override {
    ASSIGN_OR_RETURN(VaultLog * vault, LogFor(vault_id));
    return vault->log->Heads();
  }

  absl::StatusOr<size_t> Append(const std::string& vault_id,
                                std::vector<IncomingRecord> records) override {
    ASSIGN_OR_RETURN(VaultLog * vault, LogFor(vault_id));
    RecordLog* log = vault->log.get();
    absl::MutexLock lock(&vault->mu);
    RETURN_IF_ERROR(CheckTakenSlots(vault_id, *vault, records));
    RecordLog::Append append = log->Stage(log->Accept(std::move(records)));
    if (append.records.empty()) return 0;
    uint64_t added = 0;
    for (const auto& r : append.records) added += r.sealed.size();
    if (vault->bytes + added > limits_.max_vault_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("push: this vault has reached the hub's quota of ",
                       FormatByteSize(limits_.max_vault_bytes),
                       " (--max-vault-bytes); what was pushed before is kept"));
    }
    append.batch.Put(Family::kMeta, BytesKey(vault_id), EncodeU64(vault->bytes + added));
    RETURN_IF_ERROR(log->Commit(&append, /*sync=*/false));
    vault->bytes += added;
    return append.records.size();
  }

  absl::Status Persist() override { return store_->Sync(); }

  absl::StatusOr<std::vector<std::string>> Read(const std::string& vault_id,
                                                const std::string& device, uint64_t from_seq,
                                                size_t max_records, size_t max_bytes) override {
    ASSIGN_OR_RETURN(VaultLog * vault, LogFor(vault_id));
    return vault->log->Read(device, from_seq, max_records, max_bytes);
  }

  absl::Status AddMemberRecords(const std::string& vault_id,
                                std::vector<std::string> records) override {
    if (records.empty()) return absl::OkStatus();
    WriteBatch batch = store_->NewBatch();
    for (const std::string& record : records) {
      batch.Put(Family::kMeta, MemberKey(vault_id, record), record);
    }
    return store_->Write(&batch, /*sync=*/true);
  }

  absl::StatusOr<std::vector<std::string>> MemberRecords(
      const std::string& vault_id) const override {
    const std::string prefix = std::string(kMemberPrefix) + vault_id;
    std::vector<std::string> out;
    Cursor it = store_->NewCursor(Family::kMeta);
    for (it.Seek(prefix); it.Valid() && it.key().starts_with(prefix); it.Next()) {
      out.emplace_back(it.value());
    }
    RETURN_IF_ERROR(it.status());
    return out;
  }

 private:
  static std::string BytesKey(const std::string& vault_id) {
    return std::string(kBytesPrefix) + vault_id;
  }

  absl::StatusOr<VaultLog*> LogFor(const std::string& vault_id) ABSL_LOCKS_EXCLUDED(logs_mu_) {
    absl::MutexLock lock(&logs_mu_);
    auto it = logs_.find(vault_id);
    if (it != logs_.end()) return it->second.get();
    auto vault = std::make_unique<VaultLog>();
    ASSIGN_OR_RETURN(vault->log, RecordLog::Open(store_, vault_id));
    ASSIGN_OR_RETURN(uint64_t bytes, StoredBytes(vault_id, *vault->log));
    {
      absl::MutexLock vault_lock(&vault->mu);
      vault->bytes = bytes;
    }
    return logs_.emplace(vault_id, std::move(vault)).first->second.get();
  }

  // The vault's counter; a vault stored before the counter existed is
  // counted once, by a scan of its records, and the count written down.
  absl::StatusOr<uint64_t> StoredBytes(const std::string& vault_id, const RecordLog& log) {
    ASSIGN_OR_RETURN(auto raw, store_->Get(Family::kMeta, BytesKey(vault_id)));
    if (raw) return DecodeU64(*raw);
    if (log.TotalRecords() == 0) return 0;
    uint64_t bytes = 0;
    Cursor it = store_->NewCursor(Family::kRecords);
    for (it.Seek(vault_id); it.Valid() && it.key().starts_with(vault_id); it.Next()) {
      bytes += it.value().size();
    }
    RETURN_IF_ERROR(it.status());
    RETURN_IF_ERROR(store_->Put(Family::kMeta, BytesKey(vault_id), EncodeU64(bytes), true));
    return bytes;
  }

  Store* store_;
  const HubStorageLimits limits_;
  absl::Mutex register_mu_;
  uint64_t vaults_ ABSL_GUARDED_BY(register_mu_);
  absl::Mutex logs_mu_;
  std::map<std::string, std::unique_ptr<VaultLog>> logs_ ABSL_GUARDED_BY(logs_mu_);
};

// How many vaults the hub has registered (keys only; at most max_vaults).
absl::StatusOr<uint64_t> CountVaults(Store* store) {
  uint64_t count = 0;
  Cursor it = store->NewCursor(Family::kMeta);
  for (it.Seek(kVaultPrefix); it.Valid() && it.key().starts_with(kVaultPrefix); it.Next()) {
    ++count;
  }
  RETURN_IF_ERROR(it.status());
  return count;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HubStorage>> NewRocksHubStorage(Store* store,
                                                               HubStorageLimits limits) {
  ASSIGN_OR_RETURN(uint64_t vaults, CountVaults(store));
  return std::unique_ptr<HubStorage>(new StoreHubStorage(store, limits, vaults));
}

}  // namespace haven
