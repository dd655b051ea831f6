#include "server/hub/hub_service.h"

#include <algorithm>
#include <chrono>

#include "common/status.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/util/log.h"

namespace haven {
namespace {

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

bool ValidVaultId(const std::string& id) { return id.size() == kVaultIdBytes; }

// First thing in every call made before a login: a small request, from a
// caller within its rate (server/hub/peer_limits.h). Oversized calls are
// charged to the caller's rate too.
grpc::Status BeforeLogin(HubAuth* auth, grpc::ServerContext* ctx, std::string_view method,
                         const google::protobuf::Message& request) {
  size_t size = request.ByteSizeLong();
  absl::Status admitted = auth->Admit(PeerKey(ctx->peer()), method);
  if (size > kHubMaxUnauthenticatedBytes) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        std::string(method) + ": a request of " + std::to_string(size) +
                            " bytes is over the 4096-byte limit for calls before a login");
  }
  return ToGrpc(admitted);
}

}  // namespace

VersionVector FromMsg(const v1::VersionVectorMsg& msg) {
  VersionVector vv;
  for (const auto& h : msg.heads()) vv[h.device_id()] = h.seq();
  return vv;
}

v1::VersionVectorMsg ToMsg(const VersionVector& vv) {
  v1::VersionVectorMsg msg;
  for (const auto& [device, seq] : vv) {
    auto* h = msg.add_heads();
    h->set_device_id(device);
    h->set_seq(seq);
  }
  return msg;
}

HubService::HubService(HubStorage* storage, HubAuth* auth)
    : storage_(storage), auth_(auth), faults_(HubFaults::FromEnvironment()) {}

void HubService::Stop() {
  absl::MutexLock lock(&watch_mu_);
  stopping_ = true;
  watch_cv_.SignalAll();
}

absl::StatusOr<std::string> HubService::SessionVault(grpc::ServerContext* ctx) {
  auto session = SessionOf(ctx);
  if (!session.ok()) return session.status();
  return auth_->VaultForSession(*session);
}

absl::StatusOr<std::string> HubService::SessionOf(grpc::ServerContext* ctx) {
  const auto& meta = ctx->client_metadata();
  auto it = meta.find("authorization");
  if (it == meta.end()) return absl::UnauthenticatedError("no hub session; authenticate first");
  std::string value(it->second.data(), it->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.compare(0, kBearer.size(), kBearer) != 0) {
    return absl::UnauthenticatedError("malformed authorization");
  }
  return value.substr(kBearer.size());
}

void HubService::Notify(const std::string& vault_id) {
  absl::MutexLock lock(&watch_mu_);
  ++versions_[vault_id];
  watch_cv_.SignalAll();
}

grpc::Status HubService::RegisterVault(grpc::ServerContext* ctx,
                                       const v1::RegisterVaultRequest* req,
                                       v1::RegisterVaultReply*) {
  if (grpc::Status s = BeforeLogin(auth_, ctx, "RegisterVault", *req); !s.ok()) return s;
  if (auto s = auth_->CheckToken(req->token()); !s.ok()) return ToGrpc(s);
  if (!ValidVaultId(req->vault_id()) || req->wrapped_key().empty() ||
      req->wrapped_key().size() > 1024) {
    return Invalid("registration: malformed vault id or wrapped key");
  }
  if (auto s = auth_->CheckRegistration(req->vault_id(), req->auth_public_key(), req->wrapped_key(),
                                        req->nonce(), req->signature());
      !s.ok()) {
    return ToGrpc(s);
  }
  auto s = storage_->Register(req->vault_id(), {req->auth_public_key(), req->wrapped_key()});
  if (s.ok()) Log(LogLevel::kInfo, "vault registered", {{"vault", HexEncode(req->vault_id())}});
  return ToGrpc(s);
}

grpc::Status HubService::FetchWrappedKey(grpc::ServerContext* ctx,
                                         const v1::FetchWrappedKeyRequest* req,
                                         v1::FetchWrappedKeyReply* reply) {
  if (grpc::Status s = BeforeLogin(auth_, ctx, "FetchWrappedKey", *req); !s.ok()) return s;
  if (auto s = auth_->CheckToken(req->token()); !s.ok()) return ToGrpc(s);
  if (!ValidVaultId(req->vault_id())) return Invalid("fetch wrapped key: malformed vault id");
  auto reg = storage_->Lookup(req->vault_id());
  if (!reg.ok()) return ToGrpc(reg.status());
  if (!*reg) return grpc::Status(grpc::StatusCode::NOT_FOUND, "this hub holds no such vault");
  reply->set_wrapped_key((*reg)->wrapped_key);
  return grpc::Status::OK;
}

grpc::Status HubService::Challenge(grpc::ServerContext* ctx, const v1::ChallengeRequest* req,
                                   v1::ChallengeReply* reply) {
  if (grpc::Status s = BeforeLogin(auth_, ctx, "Challenge", *req); !s.ok()) return s;
  if (!ValidVaultId(req->vault_id())) return Invalid("challenge: malformed vault id");
  auto nonce = auth_->NewChallenge(req->vault_id(), PeerKey(ctx->peer()));
  if (!nonce.ok()) return ToGrpc(nonce.status());
  reply->set_nonce(*nonce);
  reply->set_hub_id(auth_->hub_id());
  return grpc::Status::OK;
}

grpc::Status HubService::Authenticate(grpc::ServerContext* ctx, const v1::AuthenticateRequest* req,
                                      v1::AuthenticateReply* reply) {
  if (grpc::Status s = BeforeLogin(auth_, ctx, "Authenticate", *req); !s.ok()) return s;
  if (!ValidVaultId(req->vault_id())) return Invalid("authenticate: malformed vault id");
  auto reg = storage_->Lookup(req->vault_id());
  if (!reg.ok()) return ToGrpc(reg.status());
  if (!*reg) {
    auth_->DropChallenge(req->vault_id(), req->nonce());
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "this hub holds no such vault");
  }
  int64_t expires = 0;
  auto session = auth_->Authenticate(req->vault_id(), req->nonce(), req->signature(),
                                     (*reg)->auth_public_key, &expires);
  if (!session.ok()) return ToGrpc(session.status());
  reply->set_session(*session);
  reply->set_expires_us(expires);
  return grpc::Status::OK;
}

grpc::Status HubService::Heads(grpc::ServerContext* ctx, const v1::HeadsRequest*,
                               v1::VersionVectorMsg* reply) {
  auto vault = SessionVault(ctx);
  if (!vault.ok()) return ToGrpc(vault.status());
  auto heads = storage_->Heads(*vault);
  if (!heads.ok()) return ToGrpc(heads.status());
  *reply = ToMsg(*heads);
  return grpc::Status::OK;
}

grpc::Status HubService::Push(grpc::ServerContext* ctx, grpc::ServerReader<v1::RecordBatch>* reader,
                              v1::PushReply* reply) {
  auto session = SessionOf(ctx);
  if (!session.ok()) return ToGrpc(session.status());
  auto vault = auth_->VaultForSession(*session);
  if (!vault.ok()) return ToGrpc(vault.status());
  uint64_t accepted = 0, received = 0;
  grpc::Status status = ReceivePush(*session, *vault, reader, &accepted, &received);
  // Whatever was stored is made durable before the device hears back,
  // even when a later batch was refused.
  if (accepted > 0) {
    absl::Status persisted = storage_->Persist();
    if (!persisted.ok()) return ToGrpc(persisted);
    Notify(*vault);
  }
  if (!status.ok()) return status;
  reply->set_accepted(accepted);
  reply->set_duplicates(received - accepted);
  return grpc::Status::OK;
}

grpc::Status HubService::ReceivePush(const std::string& session, const std::string& vault,
                                     grpc::ServerReader<v1::RecordBatch>* reader,
                                     uint64_t* accepted, uint64_t* received) {
  v1::RecordBatch batch;
  uint64_t batches = 0, bytes = 0;
  while (reader->Read(&batch)) {
    if (++batches > 1) {
      // One session check (and one rate-limit token) per batch, not per
      // stream: a stream outliving its session stops with it.
      auto again = auth_->VaultForSession(session);
      if (!again.ok()) return ToGrpc(again.status());
    }
    const size_t count = static_cast<size_t>(batch.records_size());
    if (count > kHubMaxBatchRecords) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "push: at most 1024 records per batch");
    }
    for (const std::string& r : batch.records()) bytes += r.size();
    if (*received + count > kHubMaxPushRecords || bytes > kHubMaxPushBytes) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "push: at most 65536 records and 128 MiB per stream; push the rest "
                          "in another stream");
    }
    std::vector<IncomingRecord> records;
    records.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      auto header = ParseRecordHeader(batch.records(i));
      if (!header.ok()) {
        return Invalid("push: record " + std::to_string(*received + i + 1) + ": " +
                       std::string(header.status().message()));
      }
      if (header->vault_id != vault) {
        return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                            "push: a record belongs to another vault");
      }
      records.push_back({std::move(*header), std::move(*batch.mutable_records(i))});
    }
    *received += records.size();
    auto stored = storage_->Append(vault, std::move(records));
    if (!stored.ok()) return ToGrpc(stored.status());
    *accepted += *stored;
    faults_.AfterPushBatch();
  }
  return grpc::Status::OK;
}

grpc::Status HubService::Pull(grpc::ServerContext* ctx, const v1::PullRequest* req,
                              grpc::ServerWriter<v1::RecordBatch>* writer) {
  auto vault = SessionVault(ctx);
  if (!vault.ok()) return ToGrpc(vault.status());
  if (static_cast<size_t>(req->have().heads_size()) > kHubMaxPullHeads) {
    return Invalid("pull: at most 1024 device heads per request");
  }
  VersionVector have = FromMsg(req->have());
  auto heads = storage_->Heads(*vault);
  if (!heads.ok()) return ToGrpc(heads.status());
  for (const auto& [device, head] : *heads) {
    auto had = have.find(device);
    uint64_t next = (had == have.end() ? 0 : had->second) + 1;
    while (next <= head) {
      if (ctx->IsCancelled()) return grpc::Status::CANCELLED;
      auto records = storage_->Read(*vault, device, next, kHubPullBatchRecords, kHubPullBatchBytes);
      if (!records.ok()) return ToGrpc(records.status());
      if (records->empty()) break;
      v1::RecordBatch batch;
      for (auto& r : *records) batch.add_records(std::move(r));
      next += batch.records_size();
      if (!writer->Write(batch)) return grpc::Status::CANCELLED;
      faults_.AfterPullBatch();
    }
  }
  return grpc::Status::OK;
}

grpc::Status HubService::ClaimWatch(const std::string& session, const std::string& vault) {
  absl::MutexLock lock(&watch_mu_);
  auto refuse = [](const std::string& message) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message);
  };
  if (watches_per_session_[session] >= kHubMaxWatchesPerSession) {
    return refuse("watch: this session already has a watch stream open");
  }
  if (watches_per_vault_[vault] >= kHubMaxWatchesPerVault) {
    return refuse("watch: this vault has 16 watch streams open on this hub, the most it serves");
  }
  if (watches_ >= kHubMaxWatches) {
    return refuse("watch: this hub serves 256 watch streams, the most it serves; try later");
  }
  ++watches_per_session_[session];
  ++watches_per_vault_[vault];
  ++watches_;
  return grpc::Status::OK;
}

void HubService::ReleaseWatch(const std::string& session, const std::string& vault) {
  absl::MutexLock lock(&watch_mu_);
  if (--watches_per_session_[session] == 0) watches_per_session_.erase(session);
  if (--watches_per_vault_[vault] == 0) watches_per_vault_.erase(vault);
  --watches_;
}

grpc::Status HubService::Watch(grpc::ServerContext* ctx, const v1::WatchRequest*,
                               grpc::ServerWriter<v1::WatchEvent>* writer) {
  auto session = SessionOf(ctx);
  if (!session.ok()) return ToGrpc(session.status());
  auto vault = auth_->VaultForSession(*session);
  if (!vault.ok()) return ToGrpc(vault.status());
  grpc::Status claimed = ClaimWatch(*session, *vault);
  if (!claimed.ok()) return claimed;
  grpc::Status ended = WatchUntilExpiry(ctx, *session, *vault, writer);
  ReleaseWatch(*session, *vault);
  return ended;
}

grpc::Status HubService::WatchUntilExpiry(grpc::ServerContext* ctx, const std::string& session,
                                          const std::string& vault,
                                          grpc::ServerWriter<v1::WatchEvent>* writer) {
  uint64_t seen = ~uint64_t{0};
  while (!ctx->IsCancelled()) {
    auto expires = auth_->SessionExpiresUs(session);
    if (!expires.ok()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "watch: session expired; authenticate again");
    }
    // Wake at least once a second (to see a cancelled call) and just after
    // the session expires.
    int64_t wait_us = std::clamp<int64_t>(*expires - NowMicros() + 1000, 1000, 1000000);
    uint64_t version;
    {
      absl::MutexLock lock(&watch_mu_);
      const absl::Time deadline = absl::Now() + absl::Microseconds(wait_us);
      while (!stopping_ && versions_[vault] == seen) {
        if (watch_cv_.WaitWithDeadline(&watch_mu_, deadline)) break;  // timed out
      }
      if (stopping_) return grpc::Status::OK;
      version = versions_[vault];
    }
    if (version == seen) continue;
    seen = version;
    auto heads = storage_->Heads(vault);
    if (!heads.ok()) return ToGrpc(heads.status());
    v1::WatchEvent event;
    *event.mutable_heads() = ToMsg(*heads);
    if (!writer->Write(event)) return grpc::Status::OK;
  }
  return grpc::Status::OK;
}

}  // namespace haven
