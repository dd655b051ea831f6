// Remote configuration: meta "remote/<name>" -> v1::RemoteConfig.
#include <regex>

#include "absl/status/status.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/sync/sync_engine.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr std::string_view kRemotePrefix = "remote/";

std::string RemoteKey(const std::string& name) { return std::string(kRemotePrefix) + name; }

std::string Who(const v1::RemoteConfig& config) {
  return "remote \"" + config.info().name() + "\" (" + config.info().address() + ")";
}

}  // namespace

absl::Status SyncEngine::AddRemote(v1::RemoteConfig config) {
  static const std::regex kName("[A-Za-z0-9_-]{1,32}");
  const std::string& name = config.info().name();
  if (!std::regex_match(name, kName)) {
    return absl::InvalidArgumentError("remote name \"" + name +
                                      "\": use 1-32 letters, digits, - or _");
  }
  RETURN_IF_ERROR(HubClient::Connect(EndpointFrom(config)).status());
  {
    absl::MutexLock lock(&remotes_mu_);
    ASSIGN_OR_RETURN(auto existing, store_->Get(Family::kMeta, RemoteKey(name)));
    if (existing) {
      return absl::AlreadyExistsError("remote \"" + name + "\" exists; `haven remote rm` it first");
    }
    if (!config.hub_id().empty()) RETURN_IF_ERROR(CheckHubIdUnusedLocked(name, config.hub_id()));
    RETURN_IF_ERROR(
        store_->Put(Family::kMeta, RemoteKey(name), config.SerializeAsString(), /*sync=*/true));
  }
  {
    absl::MutexLock lock(&mu_);
    wake_.SignalAll();  // start its watcher
  }
  return absl::OkStatus();
}

absl::Status SyncEngine::RemoveRemote(const std::string& name) {
  absl::ReleasableMutexLock remotes_lock(&remotes_mu_);
  ASSIGN_OR_RETURN(auto existing, store_->Get(Family::kMeta, RemoteKey(name)));
  if (!existing) return absl::NotFoundError("no remote named \"" + name + "\"");
  WriteBatch batch = store_->NewBatch();
  batch.Delete(Family::kMeta, RemoteKey(name));
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  remotes_lock.Release();
  absl::MutexLock lock(&mu_);
  wake_.SignalAll();  // its watcher ends
  return absl::OkStatus();
}

std::vector<v1::RemoteConfig> SyncEngine::Remotes() const {
  std::vector<v1::RemoteConfig> out;
  Cursor it = store_->NewCursor(Family::kMeta);
  for (it.Seek(kRemotePrefix); it.Valid(); it.Next()) {
    std::string_view key = it.key();
    if (key.substr(0, kRemotePrefix.size()) != kRemotePrefix) break;
    v1::RemoteConfig config;
    if (config.ParseFromArray(it.value().data(), static_cast<int>(it.value().size()))) {
      out.push_back(std::move(config));
    }
  }
  return out;
}

absl::Status SyncEngine::CheckHubIdUnusedLocked(const std::string& name,
                                                const std::string& hub_id) const {
  for (const v1::RemoteConfig& other : Remotes()) {
    if (other.info().name() != name && other.hub_id() == hub_id) {
      return absl::UnavailableError(
          "remote \"" + name + "\" answers as the same hub as " + Who(other) + " (id " +
          HexEncode(hub_id) + "): one hub answering for another is refused; remove one of them");
    }
  }
  return absl::OkStatus();
}

absl::Status SyncEngine::PinHubId(const std::string& name, const std::string& hub_id) {
  absl::MutexLock lock(&remotes_mu_);
  ASSIGN_OR_RETURN(auto raw, store_->Get(Family::kMeta, RemoteKey(name)));
  if (!raw) return absl::AbortedError("remote \"" + name + "\" was removed during the sync");
  v1::RemoteConfig config;
  if (!config.ParseFromString(*raw)) {
    return absl::DataLossError("remote \"" + name + "\" is corrupt");
  }
  if (config.hub_id() == hub_id) return absl::OkStatus();
  if (!config.hub_id().empty()) {
    return absl::UnavailableError(
        Who(config) + " answers as a different hub than before (id " + HexEncode(hub_id) +
        ", pinned " + HexEncode(config.hub_id()) +
        "); if the hub was really replaced, remove the remote and add it again");
  }
  RETURN_IF_ERROR(CheckHubIdUnusedLocked(name, hub_id));
  config.set_hub_id(hub_id);
  RETURN_IF_ERROR(
      store_->Put(Family::kMeta, RemoteKey(name), config.SerializeAsString(), /*sync=*/true));
  Log(LogLevel::kInfo, "pinned hub id", {{"remote", name}, {"hub_id", HexEncode(hub_id)}});
  return absl::OkStatus();
}

void SyncEngine::RecordOutcome(const std::string& name, const absl::Status& status) {
  absl::MutexLock lock(&remotes_mu_);
  auto raw = store_->Get(Family::kMeta, RemoteKey(name));
  if (!raw.ok() || !*raw) return;  // removed meanwhile
  v1::RemoteConfig config;
  if (!config.ParseFromString(**raw)) return;
  if (status.ok()) {
    config.mutable_info()->set_last_sync_us(NowMicros());
    config.mutable_info()->clear_last_error();
  } else {
    config.mutable_info()->set_last_error(std::string(status.message()));
  }
  // Only the remote's last outcome, shown by `haven remote list`: when it
  // cannot be written the sync's own result still reaches its caller.
  (void)store_->Put(Family::kMeta, RemoteKey(name), config.SerializeAsString(), /*sync=*/false);
}

}  // namespace haven
