// Real signed membership records for the membership tests: Ed25519 key
// pairs for devices and epoch authorities, each device's sequence and chain
// kept as a device keeps them, and builders for every op.
#ifndef HAVEN_TESTS_MEMBERSHIP_MEMBER_FIXTURE_H_
#define HAVEN_TESTS_MEMBERSHIP_MEMBER_FIXTURE_H_

#include <sodium.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "haven/v1/membership.pb.h"
#include "server/crypto/ids.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"
#include "server/membership/membership.h"
#include "server/membership/membership_op.h"

namespace haven::testing {

// An Ed25519 key pair.
struct KeyPair {
  std::string public_key;
  SecretBytes secret_key;

  static KeyPair Make() {
    EnsureSodium();
    KeyPair pair;
    pair.public_key.resize(crypto_sign_PUBLICKEYBYTES);
    pair.secret_key = SecretBytes(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(pair.public_key.data()),
                        pair.secret_key.data());
    return pair;
  }

  std::string Sign(const std::string& message) const {
    std::string signature(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         secret_key.data());
    return signature;
  }
};

// A device that writes records: its id, key, head sequence and chain.
struct TestDevice {
  std::string id = RandomBytes(kDeviceIdBytes);
  KeyPair key = KeyPair::Make();
  uint64_t seq = 0;
  std::string head_hash = std::string(kChainHashBytes, '\0');
};

// One vault: its epoch-0 authority (the vault id derives from it, as
// VaultIdFromAuthKey does) and a realistic clock for hlc and at_us.
class MemberVault {
 public:
  MemberVault() : authority0_(KeyPair::Make()), vault_id_(RandomBytes(kVaultIdBytes)) {}

  const std::string& vault_id() const { return vault_id_; }
  const KeyPair& authority0() const { return authority0_; }
  Membership NewMembership() const { return Membership(vault_id_, authority0_.public_key); }

  // The device's next record of `op` at `hlc`, chained and signed by
  // `signer` (the device's own key unless a forgery is wanted). Every op
  // but an Enrol also carries an authority signature by epoch 0's
  // authority (valid at every epoch); WriteWithAuthority chooses another.
  std::string Write(TestDevice& device, v1::MembershipOp op, uint64_t hlc,
                    const KeyPair* signer = nullptr) {
    return WriteWithAuthority(device, std::move(op), hlc, 0, &authority0_, signer);
  }

  // Write, with the authority signature of `authority` for `epoch`
  // (nullptr: no authority signature at all).
  std::string WriteWithAuthority(TestDevice& device, v1::MembershipOp op, uint64_t hlc,
                                 uint32_t epoch, const KeyPair* authority,
                                 const KeyPair* signer = nullptr) {
    op.set_hlc(hlc);
    RecordHeader header;
    header.vault_id = vault_id_;
    header.device_id = device.id;
    header.seq = ++device.seq;
    header.epoch = kMembershipEpoch;
    header.prev_hash = device.head_hash;
    if (op.has_epoch() && op.epoch().seen_size() == 0) {
      // The rotation saw everything written so far, unless a test says
      // otherwise (SeenOnly).
      for (const auto& [id, head] : heads_) {
        v1::Head* seen = op.mutable_epoch()->add_seen();
        seen->set_device_id(id);
        seen->set_seq(head);
      }
    }
    heads_[device.id] = header.seq;
    if (authority != nullptr && !op.has_enrol()) {
      SignOpAuthority(&op, header, epoch, authority->secret_key);
    }
    std::string sealed = MakeMemberRecord(
        header, op, signer != nullptr ? signer->secret_key : device.key.secret_key);
    device.head_hash = RecordChainHash(sealed);
    return sealed;
  }

  // Write, then ParseMemberRecord (which must succeed).
  MemberRecord Record(TestDevice& device, v1::MembershipOp op, uint64_t hlc,
                      const KeyPair* signer = nullptr) {
    auto parsed = ParseMemberRecord(Write(device, std::move(op), hlc, signer), vault_id_);
    if (!parsed.ok()) std::abort();
    return *std::move(parsed);
  }

  // RecordWithAuthority: WriteWithAuthority, then ParseMemberRecord.
  MemberRecord RecordWithAuthority(TestDevice& device, v1::MembershipOp op, uint64_t hlc,
                                   uint32_t epoch, const KeyPair* authority) {
    auto parsed = ParseMemberRecord(
        WriteWithAuthority(device, std::move(op), hlc, epoch, authority), vault_id_);
    if (!parsed.ok()) std::abort();
    return *std::move(parsed);
  }

  // An Enrol of `device` signed by `authority` for `epoch`.
  v1::MembershipOp Enrol(const TestDevice& device, const KeyPair& authority, uint32_t epoch = 0,
                         uint64_t legacy_until = 0) const {
    v1::MembershipOp op;
    v1::Enrol* enrol = op.mutable_enrol();
    enrol->set_device_id(device.id);
    enrol->set_sign_public_key(device.key.public_key);
    enrol->set_legacy_until(legacy_until);
    enrol->set_at_us(kNowUs);
    enrol->mutable_name()->set_sealed(std::string(64, 'n'));
    SignEnrolment(enrol, vault_id_, epoch, authority.secret_key);
    return op;
  }

  static v1::MembershipOp Rename(const TestDevice& target, const std::string& sealed_name) {
    v1::MembershipOp op;
    op.mutable_rename()->set_device_id(target.id);
    op.mutable_rename()->mutable_name()->set_sealed(sealed_name);
    return op;
  }

  // A Revoke at `cut`. `cut_hash` is the target's chain hash there and
  // `held` the chain hashes of its membership records up to the cut, as
  // the revoker holds them; with no cut_hash (a revoke from before revokes
  // named them), neither is checked.
  static v1::MembershipOp Revoke(const std::string& target_id, uint64_t cut,
                                 const std::string& cut_hash = "",
                                 const std::vector<std::string>& held = {}) {
    v1::MembershipOp op;
    op.mutable_revoke()->set_device_id(target_id);
    op.mutable_revoke()->set_cut(cut);
    op.mutable_revoke()->set_cut_hash(cut_hash);
    for (const std::string& hash : held) op.mutable_revoke()->add_held(hash);
    op.mutable_revoke()->set_at_us(kNowUs);
    return op;
  }

  static v1::MembershipOp Epoch(uint32_t epoch, const KeyPair& authority,
                                const std::vector<const TestDevice*>& members,
                                const std::string& wrapped_key) {
    v1::MembershipOp op;
    v1::Epoch* e = op.mutable_epoch();
    e->set_epoch(epoch);
    e->set_authority_public_key(authority.public_key);
    for (const TestDevice* member : members) e->add_members(member->id);
    e->set_keyring("sealed keyring of epoch " + std::to_string(epoch));
    e->set_wrapped_key(wrapped_key);
    e->set_at_us(kNowUs);
    return op;
  }

  // `op` (an Epoch) saw only `devices`' records written so far (a
  // rotation concurrent with the others').
  v1::MembershipOp SeenOnly(v1::MembershipOp op, const std::vector<const TestDevice*>& devices) {
    for (const TestDevice* device : devices) {
      v1::Head* seen = op.mutable_epoch()->add_seen();
      seen->set_device_id(device->id);
      seen->set_seq(device->seq);
    }
    return op;
  }

  static v1::MembershipOp Wrap(uint32_t epoch, const std::string& wrapped_key) {
    v1::MembershipOp op;
    op.mutable_wrap()->set_epoch(epoch);
    op.mutable_wrap()->set_wrapped_key(wrapped_key);
    op.mutable_wrap()->set_at_us(kNowUs);
    return op;
  }

  // An hlc stamp `ticks` after a realistic wall clock.
  static uint64_t Hlc(uint64_t ticks) { return (kNowUs / 1000 << 16) + ticks; }

  static constexpr int64_t kNowUs = int64_t{1796000000} * 1000000;

 private:
  KeyPair authority0_;
  std::string vault_id_;
  std::map<std::string, uint64_t> heads_;  // every device written for: its sequence head
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_MEMBERSHIP_MEMBER_FIXTURE_H_
