// The fold: membership records applied in order, and folded again
// without the ops that later ones void (server/membership/membership.h).
#include <sodium.h>

#include <utility>

#include "server/membership/membership.h"

namespace haven {
namespace {

const unsigned char* U8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

uint32_t AuthorityEpoch(const v1::MembershipOp& op) {
  return op.has_enrol() ? op.enrol().authority_epoch() : op.authority_epoch();
}

}  // namespace

void Membership::Recompute() {
  // Rotations close epochs: what they void stays void (`closed` only
  // grows). Cuts depend on which revokes apply, which a closed op can
  // change, so their voids are found again from scratch each time.
  std::vector<char> closed(records_.size(), 0);
  for (;;) {
    std::vector<char> voided = closed;
    do {
      Fold(voided);
    } while (VoidWhere(&Membership::OutsideCut, /*applied_only=*/true, &voided));
    if (!VoidWhere(&Membership::ClosedOverNot, /*applied_only=*/false, &closed)) return;
  }
}

void Membership::Fold(const std::vector<char>& voided) {
  devices_.clear();
  epochs_.clear();
  epochs_.emplace_back();
  epochs_.back().authority_public_key = epoch0_authority_;
  wrapped_key_.clear();
  wrap_generation_ = 0;
  applied_.assign(records_.size(), 0);
  // Of two different records at one (writer, seq), the first that applies wins.
  std::set<std::pair<std::string, uint64_t>> applied;
  for (size_t i = 0; i < records_.size(); ++i) {
    const MemberRecord& record = records_[i];
    auto slot = std::make_pair(record.header.device_id, record.header.seq);
    if (voided[i] || applied.count(slot) != 0) continue;
    if (Apply(record)) {
      applied.insert(std::move(slot));
      applied_[i] = 1;
    }
  }
}

bool Membership::VoidWhere(bool (Membership::*rule)(const MemberRecord&) const, bool applied_only,
                           std::vector<char>* voided) const {
  bool changed = false;
  for (size_t i = 0; i < records_.size(); ++i) {
    if ((*voided)[i] || (applied_only && !applied_[i]) || !(this->*rule)(records_[i])) continue;
    (*voided)[i] = 1;
    changed = changed || applied_[i];  // voiding what did not apply changes no fold
  }
  return changed;
}

bool Membership::OutsideCut(const MemberRecord& record) const {
  const DeviceState* writer = Find(record.header.device_id);
  if (writer == nullptr || !writer->revoked) return false;
  // The revoker named each membership record of it that it held; a revoke
  // from before revokes did, the cut alone.
  if (writer->held.has_value()) return writer->held->count(RecordChainHash(record.sealed)) == 0;
  return record.header.seq > writer->cut;
}

bool Membership::ClosedOverNot(const MemberRecord& record) const { return !ClosedOver(record); }

bool Membership::ClosedOver(const MemberRecord& record) const {
  if (record.op.has_epoch()) return true;  // a rival rotation loses by its number
  const uint32_t closing = AuthorityEpoch(record.op) + 1;
  if (closing > current_epoch()) return true;  // its epoch is still open
  const EpochState& rotation = epochs_[closing];
  if (rotation.seen.empty()) return true;  // a rotation from before rotations named what they saw
  const RecordHeader& h = record.header;
  if (record.op.has_revoke() && record.op.revoke().device_id() == rotation.written_by) {
    return true;  // a rotation does not close out the revocation of its own writer
  }
  if (h.device_id == rotation.written_by && h.seq < rotation.written_seq) return true;
  const DeviceState* writer = Find(h.device_id);
  if (record.op.has_enrol() && (writer == nullptr || !writer->revoked)) {
    // An enrolment counts only for a device the rotation listed as a member
    // with the key it enrols: its sequence alone, which its own key signs,
    // could claim any device's seen slot. (A revoked device's records are
    // pinned by its revoker's list instead, OutsideCut.)
    auto listed = rotation.listed.find(h.device_id);
    if (listed == rotation.listed.end() ||
        (!listed->second.empty() && listed->second != record.op.enrol().sign_public_key())) {
      return false;
    }
  }
  auto head = rotation.seen.find(h.device_id);
  return head != rotation.seen.end() && head->second >= h.seq;
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
  // A revoked writer's records count only within what its revoker held.
  if (writer->revoked && OutsideCut(record)) return false;
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
  if (refused_.count(triple) != 0) return false;
  if (crypto_sign_verify_detached(U8(signature), U8(message), message.size(), U8(public_key)) !=
      0) {
    refused_.insert(std::move(triple));
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
  if (refused_.count(triple) != 0) return false;
  if (!RecordSignatureValid(sealed, public_key)) {
    refused_.insert(std::move(triple));
    return false;
  }
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
  device.records_from = enrol.records_from() != 0 ? enrol.records_from() : record.header.seq;
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
  device.cut_hash = revoke.cut_hash();
  device.held.reset();
  if (!revoke.cut_hash().empty()) {
    device.held.emplace(revoke.held().begin(), revoke.held().end());
  }
  return true;
}

bool Membership::ApplyEpoch(const MemberRecord& record) {
  const v1::Epoch& op = record.op.epoch();
  // Numbered next, and signed by the authority of the epoch it closes: its
  // writer holds that key, to seal it into the keyring.
  if (op.epoch() != current_epoch() + 1 || record.op.authority_epoch() != current_epoch()) {
    return false;
  }
  EpochState next;
  next.epoch = op.epoch();
  next.authority_public_key = op.authority_public_key();
  next.holders.insert(op.members().begin(), op.members().end());
  next.keyring = op.keyring();
  next.secret_key_boxes.insert(op.secret_key_boxes().begin(), op.secret_key_boxes().end());
  next.written_by = record.header.device_id;
  next.written_seq = record.header.seq;
  for (const v1::Head& head : op.seen()) next.seen[head.device_id()] = head.seq();
  for (int i = 0; i < op.members_size(); ++i) {
    next.listed[op.members(i)] = i < op.member_keys_size() ? op.member_keys(i) : "";
  }
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

}  // namespace haven
