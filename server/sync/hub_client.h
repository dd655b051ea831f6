// A device's connection to one hub: channel security, the challenge-response
// login, and the record streams. Errors come back as the device should
// report them: Unavailable for "unreachable or refused" (exit 5).
#ifndef HAVEN_SERVER_SYNC_HUB_CLIENT_H_
#define HAVEN_SERVER_SYNC_HUB_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "haven/v1/daemon.pb.h"
#include "haven/v1/hub.grpc.pb.h"
#include "server/store/record_log.h"
#include "server/vault/vault.h"

namespace haven {

struct HubEndpoint {
  std::string name;     // remote name, for messages
  std::string address;  // host:port
  std::string token;
  std::string ca_file;
  bool insecure = false;
  std::string hub_id;  // pinned at the first login (raw); empty before it
};

HubEndpoint EndpointFrom(const v1::RemoteConfig& config);

class HubClient {
 public:
  // TLS unless the address is loopback or `insecure`; a CA file pins the
  // hub's certificate authority. InvalidArgument for a bad address or CA.
  static absl::StatusOr<std::unique_ptr<HubClient>> Connect(const HubEndpoint& endpoint);

  // Challenge-response login as the credential's device, with its device
  // key ("haven-hub-auth-v3"); a credential without a device id (a vault
  // not migrated to device keys yet) logs in vault-wide with the vault's
  // auth key. Registers the vault first (with the token and a signed
  // challenge) when the hub does not know it yet; sends the credential's
  // membership records (SubmitMembership, with the token) when the hub
  // does not know the device yet, then logs in once more. Signs nothing
  // for a challenge whose nonce or hub id has the wrong length, or whose
  // hub id differs from the endpoint's pinned one. Every refusal is
  // Unavailable (exit 5), a revoked device's naming when and by whom
  // (IsRevokedRefusal).
  absl::Status Login(const HubCredential& credential);
  // The id of the hub that answered the last challenge (raw); empty before.
  const std::string& hub_id() const { return hub_id_; }
  absl::StatusOr<std::string> FetchWrappedKey(const std::string& vault_id,
                                              std::vector<std::string>* member_records = nullptr);

  // Sends membership records the hub may lack (with the token), in as many
  // calls as the hub's bounds need; a record bigger than one call allows
  // is refused here.
  absl::Status SubmitMemberRecords(const std::string& vault_id,
                                   const std::vector<std::string>& records);

  // The hub's heads; `last_seen`, when given, gets when each device (hex
  // id) last logged in to this hub (microseconds since the epoch).
  absl::StatusOr<VersionVector> Heads(std::map<std::string, int64_t>* last_seen = nullptr);
  // Streams the log's records the hub lacks; returns how many it accepted.
  // Uses as many streams as the hub's per-stream caps need. Logged in as a
  // device, only that device's own records go (the hub takes no others).
  absl::StatusOr<uint64_t> Push(const RecordLog& log, const VersionVector& hub_heads);
  // Streams what the hub has beyond `have`; `ingest` stores each batch.
  absl::Status Pull(const VersionVector& have,
                    const std::function<absl::Status(std::vector<std::string>)>& ingest);
  // Blocks, calling `on_change` per event, until the stream ends or `ctx`
  // is cancelled. Unauthenticated when the hub ended it because the
  // session expired (log in again and watch on); Unavailable otherwise.
  absl::Status Watch(grpc::ClientContext* ctx, const std::function<void()>& on_change);

  // Maps a hub error to the device's words.
  absl::Status Remote(const grpc::Status& s, std::string_view what) const;

  void PrepareContext(grpc::ClientContext* ctx, int deadline_s) const;

 private:
  HubClient(HubEndpoint endpoint, std::shared_ptr<grpc::Channel> channel);
  // A fresh challenge for `vault_id`, checked before anything is signed.
  absl::StatusOr<std::string> FreshNonce(const std::string& vault_id,
                                         const std::string& device_id = "");
  absl::Status Register(const HubCredential& credential);
  absl::Status LoginVaultWide(const HubCredential& credential);
  // One Authenticate as the credential's device: the hub's answer in
  // `*answer`; an error when no request was made (a bad challenge).
  absl::Status AuthenticateDevice(const HubCredential& credential, grpc::Status* answer);
  // Sends every membership record of the credential in one call, or says
  // why they do not fit in one.
  absl::Status SubmitMembership(const HubCredential& credential);
  // One Push stream, up to the hub's caps, from `*next` (device -> first
  // seq to send), which it advances; devices done are erased.
  absl::StatusOr<uint64_t> PushStream(const RecordLog& log, VersionVector* next);

  HubEndpoint endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Hub::Stub> stub_;
  std::string session_;
  std::string hub_id_;
  std::string device_id_;  // of the session; empty: vault-wide or none
};

// Whether `status` (from HubClient) is a hub refusing this device because
// the vault's membership revoked it.
bool IsRevokedRefusal(const absl::Status& status);

}  // namespace haven

#endif  // HAVEN_SERVER_SYNC_HUB_CLIENT_H_
