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
    : storage_(storage),
      auth_(auth),
      memberships_(storage),
      faults_(HubFaults::FromEnvironment()) {}

void HubService::Stop() {
  absl::MutexLock lock(&watch_mu_);
  stopping_ = true;
  watch_cv_.SignalAll();
}

absl::StatusOr<HubSession> HubService::CheckSession(const std::string& session) {
  auto who = auth_->SessionFor(session);
  if (!who.ok()) return who.status();
  if (!who->device_id.empty()) {
    absl::Status active = memberships_.CheckActive(who->vault_id, who->device_id);
    if (!active.ok()) return active;
  }
  return who;
}

absl::StatusOr<HubSession> HubService::SessionWho(grpc::ServerContext* ctx) {
  auto session = SessionOf(ctx);
  if (!session.ok()) return session.status();
  return CheckSession(*session);
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

grpc::Status HubService::Heads(grpc::ServerContext* ctx, const v1::HeadsRequest*,
                               v1::VersionVectorMsg* reply) {
  auto who = SessionWho(ctx);
  if (!who.ok()) return ToGrpc(who.status());
  auto heads = storage_->Heads(who->vault_id);
  if (!heads.ok()) return ToGrpc(heads.status());
  *reply = ToMsg(*heads);
  for (const auto& [device, at] : memberships_.LastSeen(who->vault_id)) {
    (*reply->mutable_last_seen_us())[device] = at;
  }
  return grpc::Status::OK;
}

grpc::Status HubService::Push(grpc::ServerContext* ctx, grpc::ServerReader<v1::RecordBatch>* reader,
                              v1::PushReply* reply) {
  auto session = SessionOf(ctx);
  if (!session.ok()) return ToGrpc(session.status());
  auto who = CheckSession(*session);
  if (!who.ok()) return ToGrpc(who.status());
  uint64_t accepted = 0, received = 0;
  grpc::Status status = ReceivePush(*session, *who, reader, &accepted, &received);
  // Whatever was stored is made durable before the device hears back,
  // even when a later batch was refused.
  if (accepted > 0) {
    absl::Status persisted = storage_->Persist();
    if (!persisted.ok()) return ToGrpc(persisted);
    Notify(who->vault_id);
  }
  if (!status.ok()) return status;
  reply->set_accepted(accepted);
  reply->set_duplicates(received - accepted);
  return grpc::Status::OK;
}

grpc::Status HubService::ReceivePush(const std::string& session, const HubSession& who,
                                     grpc::ServerReader<v1::RecordBatch>* reader,
                                     uint64_t* accepted, uint64_t* received) {
  v1::RecordBatch batch;
  uint64_t batches = 0, bytes = 0;
  while (reader->Read(&batch)) {
    if (++batches > 1) {
      // One session check (and one rate-limit token) per batch, not per
      // stream: a stream outliving its session, or its device, stops.
      auto again = CheckSession(session);
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
    grpc::Status stored = StoreBatch(who, &batch, accepted, received);
    if (!stored.ok()) return stored;
    faults_.AfterPushBatch();
  }
  return grpc::Status::OK;
}

grpc::Status HubService::StoreBatch(const HubSession& who, v1::RecordBatch* batch,
                                    uint64_t* accepted, uint64_t* received) {
  const size_t count = static_cast<size_t>(batch->records_size());
  std::vector<IncomingRecord> records;
  records.reserve(count);
  std::vector<std::string> members;  // membership records, learned once stored
  for (size_t i = 0; i < count; ++i) {
    auto header = ParseRecordHeader(batch->records(i));
    if (!header.ok()) {
      return Invalid("push: record " + std::to_string(*received + i + 1) + ": " +
                     std::string(header.status().message()));
    }
    if (header->vault_id != who.vault_id) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "push: a record belongs to another vault");
    }
    if (header->membership()) members.push_back(batch->records(i));
    records.push_back({std::move(*header), std::move(*batch->mutable_records(i))});
  }
  absl::Status admitted = memberships_.AdmitPush(who.vault_id, who.device_id, records);
  if (!admitted.ok()) return ToGrpc(admitted);
  *received += records.size();
  auto stored = storage_->Append(who.vault_id, std::move(records));
  if (!stored.ok()) return ToGrpc(stored.status());
  *accepted += *stored;
  if (!members.empty()) {
    auto learned = memberships_.Add(who.vault_id, members, /*strict=*/false);
    if (!learned.ok()) return ToGrpc(learned.status());
  }
  return grpc::Status::OK;
}

grpc::Status HubService::Pull(grpc::ServerContext* ctx, const v1::PullRequest* req,
                              grpc::ServerWriter<v1::RecordBatch>* writer) {
  auto who = SessionWho(ctx);
  if (!who.ok()) return ToGrpc(who.status());
  const std::string* vault = &who->vault_id;
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
  auto who = CheckSession(*session);
  if (!who.ok()) return ToGrpc(who.status());
  grpc::Status claimed = ClaimWatch(*session, who->vault_id);
  if (!claimed.ok()) return claimed;
  grpc::Status ended = WatchUntilExpiry(ctx, *session, *who, writer);
  ReleaseWatch(*session, who->vault_id);
  return ended;
}

grpc::Status HubService::WatchUntilExpiry(grpc::ServerContext* ctx, const std::string& session,
                                          const HubSession& who,
                                          grpc::ServerWriter<v1::WatchEvent>* writer) {
  const std::string& vault = who.vault_id;
  uint64_t seen = ~uint64_t{0};
  while (!ctx->IsCancelled()) {
    auto expires = auth_->SessionExpiresUs(session);
    if (!expires.ok()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "watch: session expired; authenticate again");
    }
    if (!who.device_id.empty()) {  // a revoke ends the stream within a second
      absl::Status active = memberships_.CheckActive(vault, who.device_id);
      if (!active.ok()) return ToGrpc(active);
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
