#include <map>
#include <mutex>

#include "absl/status/status.h"
#include "haven/v1/hub.pb.h"
#include "server/hub/hub_storage.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr std::string_view kVaultPrefix = "hubvault/";

class RocksHubStorage final : public HubStorage {
 public:
  explicit RocksHubStorage(Store* store) : store_(store) {}

  absl::Status Register(const std::string& vault_id, const VaultRegistration& reg) override {
    std::lock_guard<std::mutex> lock(register_mu_);
    ASSIGN_OR_RETURN(auto existing, Lookup(vault_id));
    if (existing) {
      if (existing->auth_public_key != reg.auth_public_key) {
        return absl::AlreadyExistsError("this vault is registered with another key");
      }
      return absl::OkStatus();  // a device registering again
    }
    v1::RegisterVaultRequest stored;
    stored.set_auth_public_key(reg.auth_public_key);
    stored.set_wrapped_key(reg.wrapped_key);
    return store_->Put(Family::kMeta, std::string(kVaultPrefix) + vault_id,
                       stored.SerializeAsString(), /*sync=*/true);
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
    ASSIGN_OR_RETURN(RecordLog * log, LogFor(vault_id));
    return log->Heads();
  }

  absl::StatusOr<size_t> Append(const std::string& vault_id,
                                std::vector<IncomingRecord> records) override {
    ASSIGN_OR_RETURN(RecordLog * log, LogFor(vault_id));
    std::lock_guard<std::mutex> lock(log->write_mutex());
    std::vector<IncomingRecord> accepted = log->Accept(std::move(records));
    if (accepted.empty()) return 0;
    rocksdb::WriteBatch batch = RecordLog::BatchFor(accepted);
    log->Stage(&batch, accepted);
    RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/false));
    log->Commit(accepted);
    return accepted.size();
  }

  absl::Status Persist() override { return FromRocks(store_->db()->SyncWAL()); }

  absl::StatusOr<std::vector<std::string>> Read(const std::string& vault_id,
                                                const std::string& device, uint64_t from_seq,
                                                size_t max_records, size_t max_bytes) override {
    ASSIGN_OR_RETURN(RecordLog * log, LogFor(vault_id));
    return log->Read(device, from_seq, max_records, max_bytes);
  }

 private:
  absl::StatusOr<RecordLog*> LogFor(const std::string& vault_id) {
    std::lock_guard<std::mutex> lock(logs_mu_);
    auto it = logs_.find(vault_id);
    if (it != logs_.end()) return it->second.get();
    ASSIGN_OR_RETURN(auto log, RecordLog::Open(store_, vault_id));
    return logs_.emplace(vault_id, std::move(log)).first->second.get();
  }

  Store* store_;
  std::mutex register_mu_;
  std::mutex logs_mu_;
  std::map<std::string, std::unique_ptr<RecordLog>> logs_;
};

}  // namespace

std::unique_ptr<HubStorage> NewRocksHubStorage(Store* store) {
  return std::make_unique<RocksHubStorage>(store);
}

}  // namespace haven
