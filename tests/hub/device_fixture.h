// Devices of one vault as a hub meets them, for the device login tests:
// the vault's epoch-0 auth key (its id derives from it; it signs
// enrolments), devices with their own Ed25519 keys and chained sequences,
// real signed membership records (MakeMemberRecord) and sealed entry
// records, and raw calls to a hub: registration, SubmitMembership, a
// device login and a push with a session.
#ifndef HAVEN_TESTS_HUB_DEVICE_FIXTURE_H_
#define HAVEN_TESTS_HUB_DEVICE_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <sodium.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "haven/v1/hub.grpc.pb.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/vault_keys.h"
#include "server/hub/hub_auth.h"
#include "server/membership/membership_op.h"
#include "server/vault/vault.h"
#include "tests/hub/auth_signature.h"

namespace haven::testing {

// A device: its id, key pair, and where its own sequence and chain are.
struct HubDevice {
  HubDevice() : id(RandomBytes(kDeviceIdBytes)), secret_key(crypto_sign_SECRETKEYBYTES) {
    EnsureSodium();
    public_key.resize(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<uint8_t*>(public_key.data()), secret_key.data());
  }
  std::string short_id() const { return HexEncode(id).substr(0, 8); }

  std::string id;
  std::string public_key;
  SecretBytes secret_key;
  uint64_t seq = 0;
  std::string head_hash = std::string(kChainHashBytes, '\0');
};

class HubVault {
 public:
  HubVault() : keys_(GenerateVaultKey()), id_(VaultIdFromAuthKey(keys_.auth_public_key())) {}

  const std::string& id() const { return id_; }
  const VaultKeys& keys() const { return keys_; }

  // The device's next record, a membership record of `op`, signed by
  // `signer` (the device's own key unless a forgery is wanted); every op
  // but an Enrol also by epoch 0's authority (the vault's auth key), unless
  // `authority_signed` is false (a device key alone).
  std::string Write(HubDevice& device, v1::MembershipOp op, const SecretBytes* signer = nullptr,
                    bool authority_signed = true) {
    // Stamped in the order written, as each device stamps after what it holds.
    op.set_hlc((static_cast<uint64_t>(kAtUs / 1000) << 16) + ++stamps_);
    const RecordHeader header = NextHeader(device, kMembershipEpoch);
    if (authority_signed && !op.has_enrol()) {
      SignOpAuthority(&op, header, 0, keys_.auth_secret_key());
    }
    std::string sealed =
        MakeMemberRecord(header, op, signer != nullptr ? *signer : device.secret_key);
    device.head_hash = RecordChainHash(sealed);
    return sealed;
  }
  // The device's Enrol, its authority signature by `authority` (the
  // vault's epoch-0 auth key unless a forgery is wanted) for `epoch`; an
  // enrolment again names `records_from`.
  std::string Enrol(HubDevice& device, const VaultKeys* authority = nullptr, uint32_t epoch = 0,
                    uint64_t records_from = 0) {
    v1::MembershipOp op;
    v1::Enrol* enrol = op.mutable_enrol();
    enrol->set_device_id(device.id);
    enrol->set_sign_public_key(device.public_key);
    enrol->set_records_from(records_from);
    enrol->set_at_us(kAtUs);
    enrol->mutable_name()->set_sealed(std::string(64, 'n'));
    SignEnrolment(enrol, id_, epoch, (authority != nullptr ? *authority : keys_).auth_secret_key());
    return Write(device, std::move(op));
  }
  // A Revoke of `target` by `by`, with no authority signature when
  // `authority_signed` is false.
  std::string Revoke(HubDevice& by, const HubDevice& target, uint64_t cut,
                     bool authority_signed = true) {
    v1::MembershipOp op;
    op.mutable_revoke()->set_device_id(target.id);
    op.mutable_revoke()->set_cut(cut);
    op.mutable_revoke()->set_cut_hash(
        std::string(kChainHashBytes, '\0'));  // not the hub's to check
    op.mutable_revoke()->set_at_us(kAtUs);
    return Write(by, std::move(op), nullptr, authority_signed);
  }
  std::string Wrap(HubDevice& by, const std::string& wrapped_key) {
    v1::MembershipOp op;
    op.mutable_wrap()->set_epoch(0);
    op.mutable_wrap()->set_wrapped_key(wrapped_key);
    op.mutable_wrap()->set_at_us(kAtUs);
    return Write(by, std::move(op));
  }
  // `by`'s Epoch 1 under `next`'s authority key, having seen `seen`'s
  // records so far (its own earlier records count as seen anyway).
  std::string Rotate(HubDevice& by, const VaultKeys& next,
                     const std::vector<const HubDevice*>& seen) {
    v1::MembershipOp op;
    v1::Epoch* epoch = op.mutable_epoch();
    epoch->set_epoch(1);
    epoch->set_authority_public_key(next.auth_public_key());
    for (const HubDevice* device : seen) {
      epoch->add_members(device->id);
      v1::Head* head = epoch->add_seen();
      head->set_device_id(device->id);
      head->set_seq(device->seq);
    }
    epoch->set_keyring("a sealed keyring");
    epoch->set_wrapped_key("a wrapped key");
    epoch->set_at_us(kAtUs);
    return Write(by, std::move(op));
  }
  // The device's next entry record (format 2, sealed and signed).
  std::string Entry(HubDevice& device) {
    std::string sealed =
        SealRecord(keys_.record_key(), NextHeader(device, 0), "an entry of " + device.short_id());
    SignRecord(&sealed, device.secret_key);
    device.head_hash = RecordChainHash(sealed);
    return sealed;
  }
  // A format-1 record of a device without a device key.
  std::string LegacyEntry(HubDevice& device) {
    RecordHeader header{kRecordFormatV1, id_, device.id, ++device.seq};
    return SealRecord(keys_.record_key(), header, "an old entry");
  }

  // What the device's daemon hands its hub client.
  HubCredential Credential(const HubDevice& device, std::vector<std::string> member_records) {
    HubCredential credential;
    credential.vault_id = id_;
    credential.auth_secret_key = SecretBytes::CopyOf(keys_.auth_secret_key().view());
    credential.auth_public_key = keys_.auth_public_key();
    credential.wrapped_key = "wrapped at init";
    credential.device_id = device.id;
    credential.device_sign_key = SecretBytes::CopyOf(device.secret_key.view());
    credential.member_records = std::move(member_records);
    return credential;
  }

  // 2026-11-30T05:20:00Z: when the tests' ops say they were made.
  static constexpr int64_t kAtUs = int64_t{1796016000} * 1000000;

 private:
  RecordHeader NextHeader(HubDevice& device, uint32_t epoch) {
    RecordHeader header;
    header.vault_id = id_;
    header.device_id = device.id;
    header.seq = ++device.seq;
    header.epoch = epoch;
    header.prev_hash = device.head_hash;
    return header;
  }

  VaultKeys keys_;
  std::string id_;
  uint64_t stamps_ = 0;
};

// Raw calls to a hub, as a device makes them.
class RawHub {
 public:
  explicit RawHub(const std::string& address)
      : stub_(v1::Hub::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  v1::ChallengeReply Challenge(const std::string& vault_id) {
    v1::ChallengeRequest req;
    req.set_vault_id(vault_id);
    v1::ChallengeReply reply;
    grpc::ClientContext ctx;
    stub_->Challenge(&ctx, req, &reply);
    return reply;
  }
  grpc::Status Register(const HubVault& vault, const std::string& token) {
    v1::ChallengeReply challenge = Challenge(vault.id());
    v1::RegisterVaultRequest req;
    req.set_vault_id(vault.id());
    req.set_token(token);
    req.set_auth_public_key(vault.keys().auth_public_key());
    req.set_wrapped_key("wrapped at init");
    req.set_nonce(challenge.nonce());
    req.set_signature(SignWithAuthKey(
        vault.keys(), RegistrationMessage(challenge.hub_id(), vault.id(), challenge.nonce(),
                                          req.auth_public_key(), req.wrapped_key())));
    v1::RegisterVaultReply reply;
    grpc::ClientContext ctx;
    return stub_->RegisterVault(&ctx, req, &reply);
  }
  grpc::Status Submit(const std::string& vault_id, const std::string& token,
                      const std::vector<std::string>& records) {
    v1::SubmitMembershipRequest req;
    req.set_vault_id(vault_id);
    req.set_token(token);
    for (const std::string& r : records) req.add_records(r);
    v1::SubmitMembershipReply reply;
    grpc::ClientContext ctx;
    return stub_->SubmitMembership(&ctx, req, &reply);
  }
  // A login as `device` (signed with its key); the session in `*session`.
  grpc::Status Login(const HubVault& vault, const HubDevice& device, std::string* session) {
    v1::ChallengeReply challenge = Challenge(vault.id());
    v1::AuthenticateRequest req;
    req.set_vault_id(vault.id());
    req.set_device_id(device.id);
    req.set_nonce(challenge.nonce());
    req.set_signature(Ed25519Sign(
        device.secret_key,
        DeviceLoginMessage(challenge.hub_id(), vault.id(), device.id, challenge.nonce())));
    v1::AuthenticateReply reply;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->Authenticate(&ctx, req, &reply);
    if (session != nullptr) *session = reply.session();
    return s;
  }
  // The vault-wide login with the vault's auth key.
  grpc::Status LoginVaultWide(const HubVault& vault, std::string* session) {
    v1::ChallengeReply challenge = Challenge(vault.id());
    v1::AuthenticateRequest req;
    req.set_vault_id(vault.id());
    req.set_nonce(challenge.nonce());
    req.set_signature(SignWithAuthKey(
        vault.keys(), LoginMessage(challenge.hub_id(), vault.id(), challenge.nonce())));
    v1::AuthenticateReply reply;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->Authenticate(&ctx, req, &reply);
    if (session != nullptr) *session = reply.session();
    return s;
  }
  grpc::Status Push(const std::string& session, const std::vector<std::string>& records) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + session);
    v1::PushReply reply;
    auto writer = stub_->Push(&ctx, &reply);
    v1::RecordBatch batch;
    for (const std::string& r : records) batch.add_records(r);
    writer->Write(batch);
    writer->WritesDone();
    return writer->Finish();
  }
  grpc::Status Heads(const std::string& session, v1::VersionVectorMsg* reply) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + session);
    return stub_->Heads(&ctx, v1::HeadsRequest(), reply);
  }
  grpc::Status FetchWrappedKey(const std::string& vault_id, const std::string& token,
                               std::string* wrapped) {
    v1::FetchWrappedKeyRequest req;
    req.set_vault_id(vault_id);
    req.set_token(token);
    v1::FetchWrappedKeyReply reply;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->FetchWrappedKey(&ctx, req, &reply);
    *wrapped = reply.wrapped_key();
    return s;
  }

 private:
  std::unique_ptr<v1::Hub::Stub> stub_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_HUB_DEVICE_FIXTURE_H_
