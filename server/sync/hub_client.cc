#include "server/sync/hub_client.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "common/field_error.h"
#include "server/crypto/ids.h"
#include "server/hub/hub_auth.h"
#include "server/hub/hub_service.h"
#include "server/util/net_address.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr size_t kPushBatchRecords = 512;
constexpr size_t kPushBatchBytes = 4 << 20;

}  // namespace

HubEndpoint EndpointFrom(const v1::RemoteConfig& config) {
  return {config.info().name(),    config.info().address(),  config.token(),
          config.info().ca_file(), config.info().insecure(), config.hub_id()};
}

HubClient::HubClient(HubEndpoint endpoint, std::shared_ptr<grpc::Channel> channel)
    : endpoint_(std::move(endpoint)),
      channel_(std::move(channel)),
      stub_(v1::Hub::NewStub(channel_)) {}

absl::StatusOr<std::unique_ptr<HubClient>> HubClient::Connect(const HubEndpoint& endpoint) {
  const std::string& address = endpoint.address;
  ASSIGN_OR_RETURN(HostPort host_port, SplitHostPort(address));
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (!endpoint.ca_file.empty()) {
    std::ifstream in(endpoint.ca_file);
    if (!in) {
      return InputError(absl::StatusCode::kInvalidArgument, "ca_file", "CA file",
                        "cannot read " + endpoint.ca_file);
    }
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = pem.str();
    creds = grpc::SslCredentials(options);
  } else if (endpoint.insecure || IsLoopbackHost(host_port.host)) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    creds = grpc::SslCredentials(grpc::SslCredentialsOptions());
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kHubMaxMessageBytes + (1 << 20));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  auto channel = grpc::CreateCustomChannel(address, creds, args);
  return std::unique_ptr<HubClient>(new HubClient(endpoint, std::move(channel)));
}

absl::Status HubClient::Remote(const grpc::Status& s, std::string_view what) const {
  if (s.ok()) return absl::OkStatus();
  std::string who = "remote \"" + endpoint_.name + "\" (" + endpoint_.address + ")";
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(who + " is unreachable: " + s.error_message());
    default:
      return absl::UnavailableError(who + " refused " + std::string(what) + ": " +
                                    s.error_message());
  }
}

void HubClient::PrepareContext(grpc::ClientContext* ctx, int deadline_s) const {
  if (deadline_s > 0) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(deadline_s));
  }
  if (!session_.empty()) ctx->AddMetadata("authorization", "Bearer " + session_);
}

absl::StatusOr<std::string> HubClient::FetchWrappedKey(const std::string& vault_id,
                                                       std::vector<std::string>* member_records) {
  v1::FetchWrappedKeyRequest req;
  req.set_vault_id(vault_id);
  req.set_token(endpoint_.token);
  v1::FetchWrappedKeyReply reply;
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 15);
  RETURN_IF_ERROR(Remote(stub_->FetchWrappedKey(&ctx, req, &reply), "to hand out the vault"));
  if (member_records != nullptr) {
    member_records->assign(reply.member_records().begin(), reply.member_records().end());
  }
  return reply.wrapped_key();
}

absl::StatusOr<std::string> HubClient::FreshNonce(const std::string& vault_id,
                                                  const std::string& device_id) {
  v1::ChallengeRequest req;
  req.set_vault_id(vault_id);
  req.set_device_id(device_id);
  v1::ChallengeReply challenge;
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 15);
  RETURN_IF_ERROR(Remote(stub_->Challenge(&ctx, req, &challenge), "a login"));
  std::string who = "remote \"" + endpoint_.name + "\" (" + endpoint_.address + ")";
  if (challenge.nonce().size() != kChallengeNonceBytes ||
      challenge.hub_id().size() != kHubIdBytes) {
    return absl::UnavailableError(who + " sent a malformed login challenge (a " +
                                  std::to_string(challenge.nonce().size()) + "-byte nonce and a " +
                                  std::to_string(challenge.hub_id().size()) +
                                  "-byte hub id); nothing was signed");
  }
  if (!endpoint_.hub_id.empty() && challenge.hub_id() != endpoint_.hub_id) {
    return absl::UnavailableError(
        who + " answers as a different hub than before (id " + HexEncode(challenge.hub_id()) +
        ", pinned " + HexEncode(endpoint_.hub_id) +
        "); if the hub was really replaced, remove the remote and add it again");
  }
  if (!hub_id_.empty() && challenge.hub_id() != hub_id_) {
    return absl::UnavailableError(who + " changed its hub id during one login; nothing was signed");
  }
  hub_id_ = challenge.hub_id();
  return challenge.nonce();
}

namespace {

// An Ed25519 signature by `secret_key` (64 bytes, in any byte container).
template <typename Key>
std::string Sign(const Key& secret_key, std::string_view message) {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<uint8_t*>(signature.data()), nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                       reinterpret_cast<const uint8_t*>(secret_key.data()));
  return signature;
}

}  // namespace

absl::Status HubClient::Register(const HubCredential& credential) {
  if (credential.auth_secret_key.size() != crypto_sign_SECRETKEYBYTES) {
    return absl::FailedPreconditionError("remote \"" + endpoint_.name +
                                         "\" does not hold this vault yet: unlock this device "
                                         "(any command that asks for the passphrase) and sync "
                                         "again to register it");
  }
  ASSIGN_OR_RETURN(std::string nonce, FreshNonce(credential.vault_id));
  v1::RegisterVaultRequest reg;
  reg.set_vault_id(credential.vault_id);
  reg.set_token(endpoint_.token);
  reg.set_auth_public_key(credential.auth_public_key);
  reg.set_wrapped_key(credential.wrapped_key);
  reg.set_nonce(nonce);
  reg.set_signature(Sign(credential.auth_secret_key,
                         RegistrationMessage(hub_id_, credential.vault_id, nonce,
                                             credential.auth_public_key, credential.wrapped_key)));
  v1::RegisterVaultReply ignored;
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 15);
  return Remote(stub_->RegisterVault(&ctx, reg, &ignored), "to register the vault");
}

absl::Status HubClient::LoginVaultWide(const HubCredential& credential) {
  if (credential.auth_secret_key.size() != crypto_sign_SECRETKEYBYTES) {
    return absl::FailedPreconditionError(
        "this device has not enrolled yet: unlock it once so that it signs in with its own key");
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    ASSIGN_OR_RETURN(std::string nonce, FreshNonce(credential.vault_id));
    v1::AuthenticateRequest areq;
    areq.set_vault_id(credential.vault_id);
    areq.set_nonce(nonce);
    areq.set_signature(
        Sign(credential.auth_secret_key, LoginMessage(hub_id_, credential.vault_id, nonce)));
    v1::AuthenticateReply session;
    grpc::ClientContext actx;
    PrepareContext(&actx, 15);
    grpc::Status s = stub_->Authenticate(&actx, areq, &session);
    if (s.ok()) {
      session_ = session.session();
      device_id_.clear();
      return absl::OkStatus();
    }
    if (s.error_code() != grpc::StatusCode::NOT_FOUND || attempt > 0) return Remote(s, "a login");
    // The hub has not seen this vault: register it (needs the hub token).
    RETURN_IF_ERROR(Register(credential));
  }
  return absl::InternalError("login did not complete");
}

absl::Status HubClient::AuthenticateDevice(const HubCredential& credential, grpc::Status* answer) {
  auto nonce = FreshNonce(credential.vault_id, credential.device_id);
  if (!nonce.ok()) return nonce.status();
  v1::AuthenticateRequest areq;
  areq.set_vault_id(credential.vault_id);
  areq.set_device_id(credential.device_id);
  areq.set_nonce(*nonce);
  areq.set_signature(
      Sign(credential.device_sign_key,
           DeviceLoginMessage(hub_id_, credential.vault_id, credential.device_id, *nonce)));
  v1::AuthenticateReply session;
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 15);
  *answer = stub_->Authenticate(&ctx, areq, &session);
  if (answer->ok()) {
    session_ = session.session();
    device_id_ = credential.device_id;
  }
  return absl::OkStatus();
}

absl::Status HubClient::SubmitMembership(const HubCredential& credential) {
  v1::SubmitMembershipRequest req;
  req.set_vault_id(credential.vault_id);
  req.set_token(endpoint_.token);
  for (const std::string& record : credential.member_records) req.add_records(record);
  if (req.records_size() > kHubMaxMembershipSubmitRecords ||
      req.ByteSizeLong() > kHubMaxMembershipSubmitBytes) {
    return absl::UnavailableError(
        "remote \"" + endpoint_.name + "\" does not know this device yet, and its " +
        std::to_string(req.records_size()) + " membership records (" +
        std::to_string(req.ByteSizeLong()) +
        " bytes) are more than a hub takes in one call (256 records, 64 KiB)");
  }
  v1::SubmitMembershipReply ignored;
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 15);
  return Remote(stub_->SubmitMembership(&ctx, req, &ignored), "this device's enrolment");
}

absl::Status HubClient::SubmitMemberRecords(const std::string& vault_id,
                                            const std::vector<std::string>& records) {
  constexpr size_t kRoomForFraming = 1024;
  size_t next = 0;
  while (next < records.size()) {
    v1::SubmitMembershipRequest req;
    req.set_vault_id(vault_id);
    req.set_token(endpoint_.token);
    size_t bytes = req.ByteSizeLong() + kRoomForFraming;
    while (next < records.size() && req.records_size() < kHubMaxMembershipSubmitRecords &&
           (req.records_size() == 0 ||
            bytes + records[next].size() + 8 <= kHubMaxMembershipSubmitBytes)) {
      bytes += records[next].size() + 8;
      req.add_records(records[next++]);
    }
    if (bytes > kHubMaxMembershipSubmitBytes) {
      return absl::UnavailableError("a membership record is larger than remote \"" +
                                    endpoint_.name + "\" takes in one call (64 KiB)");
    }
    v1::SubmitMembershipReply ignored;
    grpc::ClientContext ctx;
    PrepareContext(&ctx, 15);
    RETURN_IF_ERROR(Remote(stub_->SubmitMembership(&ctx, req, &ignored), "membership records"));
  }
  return absl::OkStatus();
}

absl::Status HubClient::Login(const HubCredential& credential) {
  if (credential.device_id.empty()) return LoginVaultWide(credential);
  grpc::Status s;
  RETURN_IF_ERROR(AuthenticateDevice(credential, &s));
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
    // The hub does not hold the vault (register it), or does not know this
    // device yet (send its enrolment): both need the hub token.
    if (s.error_message().find("no such vault") != std::string::npos) {
      RETURN_IF_ERROR(Register(credential));
    }
    RETURN_IF_ERROR(SubmitMembership(credential));
    RETURN_IF_ERROR(AuthenticateDevice(credential, &s));
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
      // Its enrolment is held but has no effect: a rotation this device
      // had not seen closed the epoch it was signed under.
      return absl::NotFoundError("remote \"" + endpoint_.name +
                                 "\" does not count this device's enrolment: " + s.error_message());
    }
  }
  return Remote(s, "a login");
}

absl::StatusOr<VersionVector> HubClient::Heads(std::map<std::string, int64_t>* last_seen) {
  v1::VersionVectorMsg reply;
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 15);
  RETURN_IF_ERROR(Remote(stub_->Heads(&ctx, v1::HeadsRequest(), &reply), "its heads"));
  if (last_seen != nullptr) {
    last_seen->clear();
    for (const auto& [device, at] : reply.last_seen_us()) (*last_seen)[device] = at;
  }
  return FromMsg(reply);
}

absl::StatusOr<uint64_t> HubClient::Push(const RecordLog& log, const VersionVector& hub_heads) {
  // Where each device's records start that the hub lacks.
  VersionVector next;
  for (const auto& [device, head] : log.Heads()) {
    if (!device_id_.empty() && device != device_id_) continue;  // each device pushes its own
    auto it = hub_heads.find(device);
    uint64_t from = (it == hub_heads.end() ? 0 : it->second) + 1;
    if (from <= head) next[device] = from;
  }
  uint64_t accepted = 0;
  // The hub takes at most kHubMaxPushRecords records and kHubMaxPushBytes
  // per stream: a big push is several streams, each durable on the hub
  // before the next starts.
  while (!next.empty()) {
    ASSIGN_OR_RETURN(uint64_t stream_accepted, PushStream(log, &next));
    accepted += stream_accepted;
  }
  return accepted;
}

absl::StatusOr<uint64_t> HubClient::PushStream(const RecordLog& log, VersionVector* next) {
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 0);
  v1::PushReply reply;
  auto writer = stub_->Push(&ctx, &reply);
  size_t records_sent = 0, bytes_sent = 0;
  bool open = true;
  while (open && !next->empty()) {
    auto it = next->begin();
    const uint64_t head = log.Head(it->first);
    size_t room = std::min(kPushBatchRecords, kHubMaxPushRecords - records_sent);
    size_t byte_room = std::min(kPushBatchBytes, kHubMaxPushBytes - bytes_sent);
    ASSIGN_OR_RETURN(auto records, log.Read(it->first, it->second, room, byte_room));
    if (records.empty()) {  // nothing more of this device (as the heads said)
      next->erase(it);
      continue;
    }
    // Read may go past byte_room by its last record; keep the stream
    // under the hub's cap.
    size_t bytes = 0, keep = 0;
    while (keep < records.size() && bytes + records[keep].size() <= byte_room) {
      bytes += records[keep++].size();
    }
    records.resize(keep);
    if (records.empty()) {
      if (records_sent == 0 && bytes_sent == 0) {
        return absl::InternalError("push: a record is larger than a whole push stream");
      }
      break;  // the stream is full: the rest goes in the next one
    }
    it->second += records.size();
    if (it->second > head) next->erase(it);
    records_sent += records.size();
    bytes_sent += bytes;
    v1::RecordBatch batch;
    for (auto& r : records) batch.add_records(std::move(r));
    open = writer->Write(batch);  // false: the hub ended the stream; Finish says why
    if (records_sent == kHubMaxPushRecords) break;
  }
  writer->WritesDone();
  RETURN_IF_ERROR(Remote(writer->Finish(), "records"));
  if (!open) return absl::InternalError("push: the hub ended the stream early without a reason");
  return reply.accepted();
}

absl::Status HubClient::Pull(const VersionVector& have,
                             const std::function<absl::Status(std::vector<std::string>)>& ingest) {
  v1::PullRequest req;
  *req.mutable_have() = ToMsg(have);
  grpc::ClientContext ctx;
  PrepareContext(&ctx, 0);
  auto reader = stub_->Pull(&ctx, req);
  v1::RecordBatch batch;
  absl::Status ingested;
  while (ingested.ok() && reader->Read(&batch)) {
    std::vector<std::string> records;
    records.reserve(batch.records_size());
    for (std::string& r : *batch.mutable_records()) records.push_back(std::move(r));
    ingested = ingest(std::move(records));
  }
  if (!ingested.ok()) {
    ctx.TryCancel();
    reader->Finish();
    return ingested;
  }
  return Remote(reader->Finish(), "records");
}

absl::Status HubClient::Watch(grpc::ClientContext* ctx, const std::function<void()>& on_change) {
  PrepareContext(ctx, 0);
  auto reader = stub_->Watch(ctx, v1::WatchRequest());
  v1::WatchEvent event;
  while (reader->Read(&event)) on_change();
  grpc::Status ended = reader->Finish();
  // The session expired: the caller logs in again (at once) and watches on.
  if (ended.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    return absl::UnauthenticatedError(ended.error_message());
  }
  return Remote(ended, "to watch");
}

bool IsRevokedRefusal(const absl::Status& status) {
  return !status.ok() &&
         status.message().find(": this device was revoked on ") != std::string::npos;
}

}  // namespace haven
