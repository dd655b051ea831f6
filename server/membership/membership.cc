#include "server/membership/membership.h"

#include <sodium.h>

#include <algorithm>
#include <tuple>
#include <utility>

#include "server/crypto/ids.h"

namespace haven {
namespace {

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string Short(const std::string& device_id) { return HexEncode(device_id).substr(0, 8); }

// Application order; the bytes break the tie between two different records
// a writer made at one sequence, so the order never depends on arrival.
bool Before(const MemberRecord& a, const MemberRecord& b) {
  return std::forward_as_tuple(a.op.hlc(), a.header.device_id, a.header.seq, a.sealed) <
         std::forward_as_tuple(b.op.hlc(), b.header.device_id, b.header.seq, b.sealed);
}

bool SameRecord(const MemberRecord& a, const MemberRecord& b) { return a.sealed == b.sealed; }

EpochState EpochZero(const std::string& authority) {
  EpochState zero;
  zero.authority_public_key = authority;
  return zero;
}

}  // namespace

Membership::Membership(std::string vault_id, std::string epoch0_authority)
    : vault_id_(std::move(vault_id)), epoch0_authority_(std::move(epoch0_authority)) {
  epochs_.push_back(EpochZero(epoch0_authority_));
}

void Membership::Add(std::vector<MemberRecord> records) {
  if (records.empty()) return;
  for (MemberRecord& record : records) records_.push_back(std::move(record));
  std::sort(records_.begin(), records_.end(), Before);
  records_.erase(std::unique(records_.begin(), records_.end(), SameRecord), records_.end());
  Recompute();
}

void Membership::Recompute() {
  devices_.clear();
  epochs_.clear();
  epochs_.push_back(EpochZero(epoch0_authority_));
  wrapped_key_.clear();
  wrap_generation_ = 0;
  // Of two different records at one (writer, seq), the first that applies wins.
  std::set<std::pair<std::string, uint64_t>> applied;
  for (const MemberRecord& record : records_) {
    auto slot = std::make_pair(record.header.device_id, record.header.seq);
    if (applied.count(slot) != 0) continue;
    if (Apply(record)) applied.insert(std::move(slot));
  }
}

bool Membership::Apply(const MemberRecord& record) {
  switch (record.op.op_case()) {
    case v1::MembershipOp::kEnrol:
      return ApplyEnrol(record);
    case v1::MembershipOp::kRename:
      return WriterMay(record) && ApplyRename(record.op.rename());
    case v1::MembershipOp::kRevoke:
      return WriterMay(record) && ApplyRevoke(record);
    case v1::MembershipOp::kEpoch:
      return WriterMay(record) && ApplyEpoch(record);
    case v1::MembershipOp::kWrap:
      return WriterMay(record) && ApplyWrap(record.op.wrap());
    case v1::MembershipOp::OP_NOT_SET:
      break;
  }
  return false;
}

bool Membership::WriterMay(const MemberRecord& record) {
  const DeviceState* writer = Find(record.header.device_id);
  if (writer == nullptr || !writer->enrolled) return false;
  if (writer->revoked && record.header.seq > writer->cut) return false;
  if (!SignedBy(record.sealed, writer->sign_public_key)) return false;
  // And by an epoch's authority key, which only an unlocked member holds
  // (a device key alone, from a locked laptop's disk, changes nothing).
  const uint32_t epoch = record.op.authority_epoch();
  if (epoch > current_epoch()) return false;
  return Verified(OpAuthorityMessage(vault_id_, record.header, record.op),
                  record.op.authority_signature(), epochs_[epoch].authority_public_key);
}

bool Membership::Verified(std::string_view message, std::string_view signature,
                          std::string_view public_key) {
  if (signature.size() != crypto_sign_BYTES || public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return false;
  }
  std::string digest(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(), U8(message),
                     message.size(), nullptr, 0);
  std::string triple = "m" + digest;  // apart from SignedBy's
  triple.append(signature);
  triple.append(public_key);
  if (verified_.count(triple) != 0) return true;
  if (crypto_sign_verify_detached(U8(signature), U8(message), message.size(), U8(public_key)) !=
      0) {
    return false;
  }
  verified_.insert(std::move(triple));
  return true;
}

bool Membership::SignedBy(std::string_view sealed, std::string_view public_key) {
  if (sealed.size() < kRecordSignatureBytes) return false;
  std::string triple = "r" + RecordChainHash(sealed);
  triple.append(sealed.substr(sealed.size() - kRecordSignatureBytes));
  triple.append(public_key);
  if (verified_.count(triple) != 0) return true;
  if (!RecordSignatureValid(sealed, public_key)) return false;
  verified_.insert(std::move(triple));
  return true;
}

bool Membership::ApplyEnrol(const MemberRecord& record) {
  const v1::Enrol& enrol = record.op.enrol();
  const std::string& id = record.header.device_id;
  if (enrol.device_id() != id) return false;
  const DeviceState* known = Find(id);
  if (known != nullptr && (known->enrolled || known->revoked)) return false;
  EpochState& epoch = epochs_.back();
  if (enrol.authority_epoch() != epoch.epoch) return false;
  if (!Verified(EnrolmentMessage(vault_id_, enrol), enrol.authority_signature(),
                epoch.authority_public_key) ||
      !SignedBy(record.sealed, enrol.sign_public_key())) {
    return false;
  }
  DeviceState& device = devices_[id];
  device.device_id = id;
  device.sign_public_key = enrol.sign_public_key();
  device.enrolled = true;
  device.enrol_seq = record.header.seq;
  device.enrol_epoch = epoch.epoch;
  device.enrolled_at_us = enrol.at_us();
  device.legacy_until = enrol.legacy_until();
  device.name = enrol.name();
  epoch.holders.insert(id);
  return true;
}

bool Membership::ApplyRename(const v1::Rename& rename) {
  auto it = devices_.find(rename.device_id());
  if (it == devices_.end()) return false;
  it->second.name = rename.name();
  return true;
}

bool Membership::ApplyRevoke(const MemberRecord& record) {
  const v1::Revoke& revoke = record.op.revoke();
  if (revoke.device_id() == record.header.device_id) return false;
  const DeviceState* known = Find(revoke.device_id());
  if (known != nullptr && known->revoked) return false;
  DeviceState& device = devices_[revoke.device_id()];
  device.device_id = revoke.device_id();
  device.revoked = true;
  device.revoked_at_us = revoke.at_us();
  device.revoked_by = record.header.device_id;
  device.cut = revoke.cut();
  return true;
}

bool Membership::ApplyEpoch(const MemberRecord& record) {
  const v1::Epoch& op = record.op.epoch();
  if (op.epoch() != current_epoch() + 1) return false;
  EpochState next;
  next.epoch = op.epoch();
  next.authority_public_key = op.authority_public_key();
  next.holders.insert(op.members().begin(), op.members().end());
  next.keyring = op.keyring();
  next.secret_key_boxes.insert(op.secret_key_boxes().begin(), op.secret_key_boxes().end());
  next.written_by = record.header.device_id;
  next.at_us = op.at_us();
  epochs_.push_back(std::move(next));
  wrapped_key_ = op.wrapped_key();
  ++wrap_generation_;
  return true;
}

bool Membership::ApplyWrap(const v1::Wrap& wrap) {
  if (wrap.epoch() != current_epoch()) return false;
  wrapped_key_ = wrap.wrapped_key();
  ++wrap_generation_;
  return true;
}

const DeviceState* Membership::Find(const std::string& device_id) const {
  auto it = devices_.find(device_id);
  return it == devices_.end() ? nullptr : &it->second;
}

const EpochState* Membership::epoch(uint32_t n) const {
  return n < epochs_.size() ? &epochs_[n] : nullptr;
}

bool Membership::Active(const std::string& device_id) const {
  const DeviceState* device = Find(device_id);
  return device != nullptr && device->enrolled && !device->revoked;
}

absl::Status Membership::Admits(const std::string& device_id, uint64_t seq, bool legacy) const {
  const DeviceState* device = Find(device_id);
  if (device != nullptr && device->revoked && seq > device->cut) {
    return absl::PermissionDeniedError("device " + Short(device_id) + " was revoked");
  }
  if (device == nullptr || !device->enrolled) {
    if (legacy) return absl::OkStatus();
    return absl::PermissionDeniedError("device " + Short(device_id) + " is not enrolled");
  }
  if (legacy && seq > device->legacy_until) {
    return absl::PermissionDeniedError("device " + Short(device_id) + " is enrolled: record " +
                                       std::to_string(seq) + " must be signed");
  }
  if (!legacy && seq < device->enrol_seq) {
    return absl::PermissionDeniedError("device " + Short(device_id) + " record " +
                                       std::to_string(seq) + " predates its enrolment");
  }
  return absl::OkStatus();
}

std::string Membership::SigningKey(const std::string& device_id) const {
  const DeviceState* device = Find(device_id);
  return device != nullptr && device->enrolled ? device->sign_public_key : std::string();
}

std::vector<std::string> Membership::ActiveDevices() const {
  std::vector<std::string> active;
  for (const auto& [id, device] : devices_) {
    if (Active(id)) active.push_back(id);
  }
  return active;
}

bool Membership::NeedsRotation() const {
  const EpochState& now = current();
  for (const auto& [id, device] : devices_) {
    if (!device.revoked) continue;
    // Epoch 0's key is held by every device that ever wrote to the vault.
    if (now.epoch == 0 || now.holders.count(id) != 0) return true;
  }
  return false;
}

}  // namespace haven
