// The devices-and-keys half of haven.v1.Vault: list, rename and revoke
// devices, rotate the vault key, change the passphrase, show the emergency
// kit. Each handler calls one Vault function (server/vault/vault.h) and
// wipes the secrets it was sent or made.
#include "common/status.h"
#include "server/crypto/secret_bytes.h"
#include "server/service/vault_service.h"
#include "server/sync/sync_engine.h"

namespace haven {
namespace {

void FillDevice(const DeviceView& view, v1::DeviceInfo* out) {
  out->set_device_id(view.device_id);
  out->set_name(view.name);
  out->set_current(view.current);
  out->set_enrolled(view.enrolled);
  out->set_revoked(view.revoked);
  out->set_added_us(view.added_us);
  out->set_added_by(view.added_by);
  out->set_seq(view.seq);
  out->set_revoked_us(view.revoked_us);
  out->set_revoked_by(view.revoked_by);
  out->set_last_seen_us(view.last_seen_us);
}

}  // namespace

uint32_t VaultService::CurrentEpoch() const {
  std::shared_ptr<Journal> journal = vault_->PeekJournal();
  return journal ? journal->members().current_epoch() : 0;
}

grpc::Status VaultService::ListDevices(grpc::ServerContext*, const v1::DeviceListRequest*,
                                       v1::DeviceListReply* reply) {
  auto devices = vault_->ListDevices();
  if (!devices.ok()) return ToGrpc(devices.status());
  for (const DeviceView& view : *devices) FillDevice(view, reply->add_devices());
  return grpc::Status::OK;
}

grpc::Status VaultService::RenameDevice(grpc::ServerContext*, const v1::DeviceRenameRequest* req,
                                        v1::DeviceReply* reply) {
  auto renamed = vault_->RenameDevice(req->device(), req->name());
  if (!renamed.ok()) return ToGrpc(renamed.status());
  FillDevice(*renamed, reply->mutable_device());
  sync_->NotifyLocalWrite();  // the rename is a record: push it
  return grpc::Status::OK;
}

grpc::Status VaultService::RevokeDevice(grpc::ServerContext*, const v1::DeviceRevokeRequest* req,
                                        v1::DeviceReply* reply) {
  WipeOnExit wipe({&req->passphrase()});
  auto revoked = vault_->RevokeDevice(req->device(), req->passphrase());
  if (!revoked.ok()) return ToGrpc(revoked.status());
  FillDevice(*revoked, reply->mutable_device());
  reply->set_epoch(CurrentEpoch());
  sync_->NotifyLocalWrite();
  return grpc::Status::OK;
}

grpc::Status VaultService::Rekey(grpc::ServerContext*, const v1::RekeyRequest* req,
                                 v1::RekeyReply* reply) {
  WipeOnExit wipe({&req->passphrase()});
  auto rekeyed = vault_->Rekey(req->passphrase(), req->new_secret_key());
  if (!rekeyed.ok()) return ToGrpc(rekeyed.status());
  reply->set_epoch(rekeyed->epoch);
  reply->set_vault_id(vault_->vault_id_hex());
  reply->set_secret_key(rekeyed->secret_key);
  WipeString(&rekeyed->secret_key);
  sync_->NotifyLocalWrite();
  return grpc::Status::OK;
}

grpc::Status VaultService::ChangePassphrase(grpc::ServerContext*,
                                            const v1::ChangePassphraseRequest* req,
                                            v1::ChangePassphraseReply*) {
  WipeOnExit wipe({&req->passphrase(), &req->new_passphrase()});
  absl::Status changed = vault_->ChangePassphrase(req->passphrase(), req->new_passphrase());
  if (!changed.ok()) return ToGrpc(changed);
  sync_->NotifyLocalWrite();
  return grpc::Status::OK;
}

grpc::Status VaultService::ShowKit(grpc::ServerContext*, const v1::KitRequest* req,
                                   v1::KitReply* reply) {
  WipeOnExit wipe({&req->passphrase()});
  auto kit = vault_->ShowKit(req->passphrase());
  if (!kit.ok()) return ToGrpc(kit.status());
  reply->set_vault_id(kit->vault_id);
  reply->set_secret_key(kit->secret_key);
  WipeString(&kit->secret_key);
  return grpc::Status::OK;
}

}  // namespace haven
