// haven.v1.Vault: creating, unlocking and inspecting this device's vault,
// its remotes and sync (remote_service.cc), its devices and keys
// (device_service.cc). Served only on the home socket (server/daemon).
#ifndef HAVEN_SERVER_SERVICE_VAULT_SERVICE_H_
#define HAVEN_SERVER_SERVICE_VAULT_SERVICE_H_

#include <string>

#include "haven/v1/daemon.grpc.pb.h"
#include "server/store/record_log.h"
#include "server/vault/vault.h"

namespace haven {

class SyncEngine;

class VaultService final : public v1::Vault::Service {
 public:
  // Everything must outlive the service.
  VaultService(Vault* vault, RecordLog* log, SyncEngine* sync, std::string home);

  grpc::Status Init(grpc::ServerContext*, const v1::InitRequest*, v1::InitReply*) override;
  grpc::Status Unlock(grpc::ServerContext*, const v1::UnlockRequest*, v1::UnlockReply*) override;
  grpc::Status Lock(grpc::ServerContext*, const v1::LockRequest*, v1::LockReply*) override;
  grpc::Status Info(grpc::ServerContext*, const v1::InfoRequest*, v1::InfoReply*) override;
  grpc::Status Doctor(grpc::ServerContext*, const v1::DoctorRequest*, v1::DoctorReply*) override;
  grpc::Status AddRemote(grpc::ServerContext*, const v1::RemoteAddRequest*,
                         v1::RemoteReply*) override;
  grpc::Status RemoveRemote(grpc::ServerContext*, const v1::RemoteRemoveRequest*,
                            v1::RemoteReply*) override;
  grpc::Status ListRemotes(grpc::ServerContext*, const v1::RemoteListRequest*,
                           v1::RemoteListReply*) override;
  grpc::Status Sync(grpc::ServerContext*, const v1::SyncRequest*, v1::SyncReply*) override;
  grpc::Status Join(grpc::ServerContext*, const v1::JoinRequest*, v1::JoinReply*) override;
  grpc::Status ListDevices(grpc::ServerContext*, const v1::DeviceListRequest*,
                           v1::DeviceListReply*) override;
  grpc::Status RenameDevice(grpc::ServerContext*, const v1::DeviceRenameRequest*,
                            v1::DeviceReply*) override;
  grpc::Status RevokeDevice(grpc::ServerContext*, const v1::DeviceRevokeRequest*,
                            v1::DeviceReply*) override;
  grpc::Status Rekey(grpc::ServerContext*, const v1::RekeyRequest*, v1::RekeyReply*) override;
  grpc::Status ChangePassphrase(grpc::ServerContext*, const v1::ChangePassphraseRequest*,
                                v1::ChangePassphraseReply*) override;
  grpc::Status ShowKit(grpc::ServerContext*, const v1::KitRequest*, v1::KitReply*) override;

 private:
  // The current key epoch of the unlocked vault (0 while locked).
  uint32_t CurrentEpoch() const;

  Vault* vault_;
  RecordLog* log_;
  SyncEngine* sync_;
  std::string home_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SERVICE_VAULT_SERVICE_H_
