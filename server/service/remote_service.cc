// The sync half of haven.v1.Vault: remotes, sync and join.
#include "common/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/secret_bytes.h"
#include "server/service/vault_service.h"
#include "server/sync/sync_engine.h"

namespace haven {

grpc::Status VaultService::AddRemote(grpc::ServerContext*, const v1::RemoteAddRequest* req,
                                     v1::RemoteReply*) {
  v1::RemoteConfig config;
  config.mutable_info()->set_name(req->name());
  config.mutable_info()->set_address(req->address());
  config.mutable_info()->set_ca_file(req->ca_file());
  config.mutable_info()->set_insecure(req->insecure());
  config.set_token(req->token());
  return ToGrpc(sync_->AddRemote(std::move(config)));
}

grpc::Status VaultService::RemoveRemote(grpc::ServerContext*, const v1::RemoteRemoveRequest* req,
                                        v1::RemoteReply*) {
  return ToGrpc(sync_->RemoveRemote(req->name()));
}

grpc::Status VaultService::ListRemotes(grpc::ServerContext*, const v1::RemoteListRequest*,
                                       v1::RemoteListReply* reply) {
  for (const auto& r : sync_->Remotes()) {
    v1::RemoteInfo* info = reply->add_remotes();
    *info = r.info();
    info->set_hub_id(HexEncode(r.hub_id()));
  }
  return grpc::Status::OK;
}

grpc::Status VaultService::Sync(grpc::ServerContext*, const v1::SyncRequest* req,
                                v1::SyncReply* reply) {
  auto counts = sync_->Sync(req->remote());
  if (!counts.ok()) return ToGrpc(counts.status());
  reply->set_pushed(counts->pushed);
  reply->set_pulled(counts->pulled);
  reply->set_background_pushed(counts->background.pushed);
  reply->set_background_pulled(counts->background.pulled);
  reply->set_background_last_us(counts->background.last_us);
  return grpc::Status::OK;
}

grpc::Status VaultService::Join(grpc::ServerContext*, const v1::JoinRequest* req,
                                v1::JoinReply* reply) {
  WipeOnExit wipe({&req->passphrase(), &req->secret_key()});
  auto joined = sync_->Join(*req);
  if (!joined.ok()) return ToGrpc(joined.status());
  reply->set_vault_id(vault_->vault_id_hex());
  reply->set_device_id(joined->first);
  reply->set_pulled(joined->second.pulled);
  return grpc::Status::OK;
}

}  // namespace haven
