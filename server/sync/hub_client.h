// A device's connection to one hub: channel security, the challenge-response
// login, and the record streams. Errors come back as the device should
// report them: Unavailable for "unreachable or refused" (exit 5).
#ifndef HAVEN_SERVER_SYNC_HUB_CLIENT_H_
#define HAVEN_SERVER_SYNC_HUB_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

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

  // Challenge-response login; registers the vault first (with the token
  // and a signed challenge) when the hub does not know it yet. Signs nothing
  // for a challenge whose nonce or hub id has the wrong length, or whose hub
  // id differs from the endpoint's pinned one (Unavailable, exit 5).
  absl::Status Login(const HubCredential& credential);
  // The id of the hub that answered the last challenge (raw); empty before.
  const std::string& hub_id() const { return hub_id_; }
  absl::StatusOr<std::string> FetchWrappedKey(const std::string& vault_id);

  absl::StatusOr<VersionVector> Heads();
  // Streams the log's records the hub lacks; returns how many it accepted.
  // Uses as many streams as the hub's per-stream caps need.
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
  absl::StatusOr<std::string> FreshNonce(const std::string& vault_id);
  absl::Status Register(const HubCredential& credential);
  // One Push stream, up to the hub's caps, from `*next` (device -> first
  // seq to send), which it advances; devices done are erased.
  absl::StatusOr<uint64_t> PushStream(const RecordLog& log, VersionVector* next);

  HubEndpoint endpoint_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Hub::Stub> stub_;
  std::string session_;
  std::string hub_id_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SYNC_HUB_CLIENT_H_
