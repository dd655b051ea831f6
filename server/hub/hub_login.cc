// The Hub calls made before a login: registration, the wrapped key for
// join, challenges, logins and membership submissions (the rules are in
// proto/haven/v1/hub.proto and docs/design.md, "Sync").
#include <string>
#include <vector>

#include "common/status.h"
#include "server/crypto/ids.h"
#include "server/hub/hub_service.h"
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
                         const google::protobuf::Message& request,
                         size_t max_bytes = kHubMaxUnauthenticatedBytes) {
  size_t size = request.ByteSizeLong();
  absl::Status admitted = auth->Admit(PeerKey(ctx->peer()), method);
  if (size > max_bytes) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        std::string(method) + ": a request of " + std::to_string(size) +
                            " bytes is over the " + std::to_string(max_bytes) +
                            "-byte limit for this call before a login");
  }
  return ToGrpc(admitted);
}

}  // namespace

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
  // An Epoch or Wrap replaced the key made at init: hand out the newest.
  auto newer = memberships_.WrappedKey(req->vault_id());
  if (!newer.ok()) return ToGrpc(newer.status());
  reply->set_wrapped_key(newer->has_value() ? **newer : (*reg)->wrapped_key);
  auto members = storage_->MemberRecords(req->vault_id());
  if (!members.ok()) return ToGrpc(members.status());
  for (std::string& record : *members) reply->add_member_records(std::move(record));
  return grpc::Status::OK;
}

grpc::Status HubService::Challenge(grpc::ServerContext* ctx, const v1::ChallengeRequest* req,
                                   v1::ChallengeReply* reply) {
  if (grpc::Status s = BeforeLogin(auth_, ctx, "Challenge", *req); !s.ok()) return s;
  if (!ValidVaultId(req->vault_id())) return Invalid("challenge: malformed vault id");
  if (!req->device_id().empty() && req->device_id().size() != kDeviceIdBytes) {
    return Invalid("challenge: device_id must be 16 bytes (or empty)");
  }
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
  if (!req->device_id().empty() && req->device_id().size() != kDeviceIdBytes) {
    return Invalid("authenticate: device_id must be 16 bytes (or empty)");
  }
  auto reg = storage_->Lookup(req->vault_id());
  if (!reg.ok()) return ToGrpc(reg.status());
  if (!*reg) {
    auth_->DropChallenge(req->vault_id(), req->nonce());
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "this hub holds no such vault");
  }
  if (!req->device_id().empty()) return AuthenticateDevice(*req, reply);
  // The vault-wide login, only for a vault that has no device keys yet.
  auto members = memberships_.HasMembers(req->vault_id());
  if (!members.ok()) return ToGrpc(members.status());
  if (*members) {
    auth_->DropChallenge(req->vault_id(), req->nonce());
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "this vault's devices now sign in with their own keys: upgrade haven on "
                        "this device");
  }
  int64_t expires = 0;
  auto session = auth_->Authenticate(req->vault_id(), req->nonce(), req->signature(),
                                     (*reg)->auth_public_key, &expires);
  if (!session.ok()) return ToGrpc(session.status());
  reply->set_session(*session);
  reply->set_expires_us(expires);
  return grpc::Status::OK;
}

grpc::Status HubService::AuthenticateDevice(const v1::AuthenticateRequest& req,
                                            v1::AuthenticateReply* reply) {
  const std::string& vault = req.vault_id();
  const std::string& device = req.device_id();
  auto key = memberships_.LoginKey(vault, device);
  if (!key.ok()) {
    auth_->DropChallenge(vault, req.nonce());
    return ToGrpc(key.status());
  }
  absl::Status signed_ok =
      auth_->CheckDeviceLogin(vault, device, req.nonce(), req.signature(), *key);
  if (!signed_ok.ok()) return ToGrpc(signed_ok);
  // Only the holder of the device's key hears when and by whom it was revoked.
  if (absl::Status active = memberships_.CheckActive(vault, device); !active.ok()) {
    return ToGrpc(active);
  }
  int64_t expires = 0;
  reply->set_session(auth_->OpenSession({vault, device}, &expires));
  reply->set_expires_us(expires);
  memberships_.Seen(vault, device);
  return grpc::Status::OK;
}

grpc::Status HubService::SubmitMembership(grpc::ServerContext* ctx,
                                          const v1::SubmitMembershipRequest* req,
                                          v1::SubmitMembershipReply*) {
  if (grpc::Status s =
          BeforeLogin(auth_, ctx, "SubmitMembership", *req, kHubMaxMembershipSubmitBytes);
      !s.ok()) {
    return s;
  }
  if (auto s = auth_->CheckToken(req->token()); !s.ok()) return ToGrpc(s);
  if (!ValidVaultId(req->vault_id())) return Invalid("submit membership: malformed vault id");
  if (req->records_size() > kHubMaxMembershipSubmitRecords) {
    return Invalid("submit membership: " + std::to_string(req->records_size()) +
                   " records; at most 256 per call");
  }
  auto reg = storage_->Lookup(req->vault_id());
  if (!reg.ok()) return ToGrpc(reg.status());
  if (!*reg) return grpc::Status(grpc::StatusCode::NOT_FOUND, "this hub holds no such vault");
  std::vector<std::string> records(req->records().begin(), req->records().end());
  auto added = memberships_.Add(req->vault_id(), records, /*strict=*/true);
  if (!added.ok()) {
    if (added.status().code() == absl::StatusCode::kInvalidArgument) {
      return Invalid("submit membership: " + std::string(added.status().message()));
    }
    return ToGrpc(added.status());
  }
  if (*added > 0) {
    Log(LogLevel::kInfo, "membership records added",
        {{"vault", HexEncode(req->vault_id())}, {"records", std::to_string(*added)}});
  }
  return grpc::Status::OK;
}

}  // namespace haven
