#include "server/service/vault_service.h"

#include "common/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/secret_bytes.h"
#include "server/sync/sync_engine.h"

namespace haven {

VaultService::VaultService(Vault* vault, RecordLog* log, SyncEngine* sync, std::string home)
    : vault_(vault), log_(log), sync_(sync), home_(std::move(home)) {}

grpc::Status VaultService::Init(grpc::ServerContext*, const v1::InitRequest* req,
                                v1::InitReply* reply) {
  WipeOnExit wipe({&req->passphrase()});
  auto result = vault_->Init(req->passphrase(), req->kdf(), req->device_name());
  if (!result.ok()) return ToGrpc(result.status());
  reply->set_vault_id(result->vault_id);
  reply->set_device_id(result->device_id);
  reply->set_secret_key(result->secret_key);
  WipeString(&result->secret_key);
  return grpc::Status::OK;
}

grpc::Status VaultService::Unlock(grpc::ServerContext*, const v1::UnlockRequest* req,
                                  v1::UnlockReply* reply) {
  WipeOnExit wipe({&req->passphrase()});
  absl::Status s = vault_->Unlock(req->passphrase(), req->timeout_us());
  if (!s.ok()) return ToGrpc(s);
  sync_->NotifyLocalWrite();  // pull what arrived while locked
  reply->set_locks_at_us(vault_->locks_at_us());
  return grpc::Status::OK;
}

grpc::Status VaultService::Lock(grpc::ServerContext*, const v1::LockRequest*, v1::LockReply*) {
  vault_->Lock();
  return grpc::Status::OK;
}

grpc::Status VaultService::Info(grpc::ServerContext*, const v1::InfoRequest*,
                                v1::InfoReply* reply) {
  if (!vault_->exists()) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "no vault in this home yet: run `haven init`");
  }
  reply->set_vault_id(vault_->vault_id_hex());
  reply->set_device_id(vault_->device_id_hex());
  reply->set_kdf(vault_->kdf_name());
  reply->set_home(home_);
  reply->set_records(log_->TotalRecords());
  for (const auto& [device, head] : log_->Heads()) {
    auto* h = reply->add_heads();
    h->set_device_id(HexEncode(device));
    h->set_seq(head);
  }
  reply->set_unlocked(vault_->unlocked());
  reply->set_locks_at_us(vault_->locks_at_us());
  for (const auto& r : sync_->Remotes()) *reply->add_remotes() = r.info();
  if (vault_->unlocked()) {
    auto journal = vault_->journal();
    if (journal.ok()) {
      reply->set_entries((*journal)->live_entries());
      reply->set_deleted_entries((*journal)->deleted_entries());
      reply->set_epoch((*journal)->members().current_epoch());
    }
  }
  return grpc::Status::OK;
}

grpc::Status VaultService::Doctor(grpc::ServerContext*, const v1::DoctorRequest*,
                                  v1::DoctorReply* reply) {
  auto journal = vault_->journal();
  if (!journal.ok()) return ToGrpc(journal.status());
  size_t records = 0, entries = 0;
  std::vector<std::string> warnings;
  for (const auto& p : (*journal)->Verify(&records, &entries, &warnings)) reply->add_problems(p);
  for (const auto& w : warnings) reply->add_warnings(w);
  reply->set_records_checked(records);
  reply->set_entries_checked(entries);
  reply->set_ok(reply->problems().empty());
  return grpc::Status::OK;
}

}  // namespace haven
