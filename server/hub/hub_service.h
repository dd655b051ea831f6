// haven.v1.Hub: stores and serves sealed records for many vaults. Holds no
// vault key and opens no entry; it checks record headers, sizes and
// sequence continuity, and reads membership records to know which devices
// may log in and push (HubMemberships; the rules are in hub.proto). The
// login calls are in hub_login.cc, the data path in hub_service.cc.
#ifndef HAVEN_SERVER_HUB_HUB_SERVICE_H_
#define HAVEN_SERVER_HUB_HUB_SERVICE_H_

#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "haven/v1/hub.grpc.pb.h"
#include "server/hub/hub_auth.h"
#include "server/hub/hub_faults.h"
#include "server/hub/hub_membership.h"
#include "server/hub/hub_storage.h"

namespace haven {

// Limits that turn abuse into RESOURCE_EXHAUSTED rather than memory use.
inline constexpr size_t kHubMaxBatchRecords = 1024;
inline constexpr size_t kHubMaxMessageBytes = 16 << 20;
inline constexpr size_t kHubPullBatchRecords = 512;
inline constexpr size_t kHubPullBatchBytes = 4 << 20;
// One Push stream carries at most this many records / bytes of records; a
// device splits a bigger push into several streams (HubClient::Push).
inline constexpr size_t kHubMaxPushRecords = 65536;
inline constexpr size_t kHubMaxPushBytes = size_t{128} << 20;
// A Pull names at most this many device heads it already has.
inline constexpr size_t kHubMaxPullHeads = 1024;
// Open Watch streams: per session, per vault and on the whole hub. Each
// holds a server thread until the device goes or its session expires.
inline constexpr int kHubMaxWatchesPerSession = 1;
inline constexpr int kHubMaxWatchesPerVault = 16;
inline constexpr int kHubMaxWatches = 256;
// SubmitMembership, before a login: at most this big and this many records.
inline constexpr size_t kHubMaxMembershipSubmitBytes = 64 * 1024;
inline constexpr int kHubMaxMembershipSubmitRecords = 256;

class HubService final : public v1::Hub::Service {
 public:
  // `storage` and `auth` must outlive the service.
  HubService(HubStorage* storage, HubAuth* auth);
  // Ends open Watch streams (before server shutdown).
  void Stop();

  grpc::Status RegisterVault(grpc::ServerContext*, const v1::RegisterVaultRequest*,
                             v1::RegisterVaultReply*) override;
  grpc::Status FetchWrappedKey(grpc::ServerContext*, const v1::FetchWrappedKeyRequest*,
                               v1::FetchWrappedKeyReply*) override;
  grpc::Status Challenge(grpc::ServerContext*, const v1::ChallengeRequest*,
                         v1::ChallengeReply*) override;
  grpc::Status Authenticate(grpc::ServerContext*, const v1::AuthenticateRequest*,
                            v1::AuthenticateReply*) override;
  grpc::Status Heads(grpc::ServerContext*, const v1::HeadsRequest*, v1::VersionVectorMsg*) override;
  grpc::Status Push(grpc::ServerContext*, grpc::ServerReader<v1::RecordBatch>*,
                    v1::PushReply*) override;
  grpc::Status Pull(grpc::ServerContext*, const v1::PullRequest*,
                    grpc::ServerWriter<v1::RecordBatch>*) override;
  grpc::Status Watch(grpc::ServerContext*, const v1::WatchRequest*,
                     grpc::ServerWriter<v1::WatchEvent>*) override;
  grpc::Status SubmitMembership(grpc::ServerContext*, const v1::SubmitMembershipRequest*,
                                v1::SubmitMembershipReply*) override;

 private:
  // The bearer session of a call, unchecked.
  absl::StatusOr<std::string> SessionOf(grpc::ServerContext* ctx);
  // Who a live session speaks for, charging its vault's rate limit; a
  // revoked device's session is PermissionDenied from the moment the hub
  // learns of the revoke.
  absl::StatusOr<HubSession> CheckSession(const std::string& session);
  absl::StatusOr<HubSession> SessionWho(grpc::ServerContext* ctx);
  // The device login of Authenticate (a request with a device id).
  grpc::Status AuthenticateDevice(const v1::AuthenticateRequest& req, v1::AuthenticateReply* reply);
  // Stores each pushed batch as it arrives, counting what was new; each
  // batch after the first re-checks the session and charges its vault's
  // rate limit.
  grpc::Status ReceivePush(const std::string& session, const HubSession& who,
                           grpc::ServerReader<v1::RecordBatch>* reader, uint64_t* accepted,
                           uint64_t* received);
  // Checks one pushed batch (framing, vault, what the session may push),
  // stores it and learns the membership records in it.
  grpc::Status StoreBatch(const HubSession& who, v1::RecordBatch* batch, uint64_t* accepted,
                          uint64_t* received);
  void Notify(const std::string& vault_id);
  // Takes a Watch slot for (session, vault), or says which bound is full.
  grpc::Status ClaimWatch(const std::string& session, const std::string& vault);
  void ReleaseWatch(const std::string& session, const std::string& vault);
  // Sends heads whenever the vault changes, until the session expires.
  grpc::Status WatchUntilExpiry(grpc::ServerContext* ctx, const std::string& session,
                                const HubSession& who, grpc::ServerWriter<v1::WatchEvent>* writer);

  HubStorage* storage_;
  HubAuth* auth_;
  HubMemberships memberships_;
  absl::Mutex watch_mu_;
  absl::CondVar watch_cv_;  // signalled when versions_ or stopping_ change
  // Per vault, bumped on every append.
  std::map<std::string, uint64_t> versions_ ABSL_GUARDED_BY(watch_mu_);
  bool stopping_ ABSL_GUARDED_BY(watch_mu_) = false;
  // Open Watch streams.
  std::map<std::string, int> watches_per_session_ ABSL_GUARDED_BY(watch_mu_);
  std::map<std::string, int> watches_per_vault_ ABSL_GUARDED_BY(watch_mu_);
  int watches_ ABSL_GUARDED_BY(watch_mu_) = 0;
  HubFaults faults_;  // test-only; see hub_faults.h
};

VersionVector FromMsg(const v1::VersionVectorMsg& msg);
v1::VersionVectorMsg ToMsg(const VersionVector& vv);

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_SERVICE_H_
