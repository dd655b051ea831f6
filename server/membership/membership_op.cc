#include "server/membership/membership_op.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sodium.h>

#include <set>
#include <tuple>
#include <utility>

#include "server/crypto/ids.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

constexpr std::string_view kNameContext = "haven-name-v1";
constexpr std::string_view kEnrolContext = "haven-enrol-v1";
// A sealed device name: a host name of up to 255 bytes, padded and sealed.
constexpr size_t kMaxSealedNameBytes = 4096;
constexpr int kMaxEpochMembers = 1024;
// An Epoch's heads: every device the writer holds records of.
constexpr int kMaxSeenHeads = 4096;

absl::Status Invalid(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError("membership op " + std::string(field) + " " +
                                    std::string(what));
}

absl::Status CheckSize(std::string_view field, std::string_view value, size_t want) {
  if (value.size() == want) return absl::OkStatus();
  return Invalid(field,
                 "must be " + std::to_string(want) + " bytes, not " + std::to_string(value.size()));
}

absl::Status CheckName(std::string_view field, const v1::SealedName& name) {
  if (name.sealed().size() <= kMaxSealedNameBytes) return absl::OkStatus();
  return Invalid(field, "is larger than " + std::to_string(kMaxSealedNameBytes) + " bytes");
}

absl::Status CheckEnrol(const RecordHeader& header, const v1::Enrol& enrol) {
  RETURN_IF_ERROR(CheckSize("enrol.device_id", enrol.device_id(), kDeviceIdBytes));
  if (enrol.device_id() != header.device_id) {
    return Invalid("enrol.device_id", "is not the record's writer");
  }
  RETURN_IF_ERROR(
      CheckSize("enrol.sign_public_key", enrol.sign_public_key(), crypto_sign_PUBLICKEYBYTES));
  RETURN_IF_ERROR(
      CheckSize("enrol.authority_signature", enrol.authority_signature(), crypto_sign_BYTES));
  if (enrol.legacy_until() >= header.seq) {
    return Invalid("enrol.legacy_until",
                   "must be below the record's sequence " + std::to_string(header.seq));
  }
  if (enrol.records_from() >= header.seq ||
      enrol.records_from() > 0 && enrol.records_from() <= enrol.legacy_until()) {
    return Invalid(
        "enrol.records_from",
        "must be above legacy_until and below the record's sequence " + std::to_string(header.seq));
  }
  return CheckName("enrol.name.sealed", enrol.name());
}

absl::Status CheckRename(const v1::Rename& rename) {
  RETURN_IF_ERROR(CheckSize("rename.device_id", rename.device_id(), kDeviceIdBytes));
  return CheckName("rename.name.sealed", rename.name());
}

absl::Status CheckBoxes(const v1::Epoch& epoch) {
  std::set<std::string> members;
  for (const std::string& member : epoch.members()) members.insert(HexEncode(member));
  for (const auto& [hex, box] : epoch.secret_key_boxes()) {
    if (members.count(hex) == 0) {
      return Invalid("epoch.secret_key_boxes", "has a key that is not a member's hex id");
    }
    if (box.empty()) return Invalid("epoch.secret_key_boxes", "has an empty box");
  }
  return absl::OkStatus();
}

absl::Status CheckSeen(const v1::Epoch& epoch) {
  if (epoch.seen_size() > kMaxSeenHeads) {
    return Invalid("epoch.seen", "has more than " + std::to_string(kMaxSeenHeads) + " heads");
  }
  std::set<std::string> devices;
  for (const v1::Head& head : epoch.seen()) {
    RETURN_IF_ERROR(CheckSize("epoch.seen.device_id", head.device_id(), kDeviceIdBytes));
    if (!devices.insert(head.device_id()).second) {
      return Invalid("epoch.seen", "names a device twice");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRevoke(const v1::Revoke& revoke) {
  RETURN_IF_ERROR(CheckSize("revoke.device_id", revoke.device_id(), kDeviceIdBytes));
  if (revoke.held_size() > kMaxSeenHeads) {
    return Invalid("revoke.held", "has more than " + std::to_string(kMaxSeenHeads) + " hashes");
  }
  for (const std::string& hash : revoke.held()) {
    RETURN_IF_ERROR(CheckSize("revoke.held", hash, kChainHashBytes));
  }
  // Empty in a revoke written before revokes named their cut's hash.
  if (revoke.cut_hash().empty()) return absl::OkStatus();
  return CheckSize("revoke.cut_hash", revoke.cut_hash(), kChainHashBytes);
}

absl::Status CheckEpoch(const v1::Epoch& epoch) {
  if (epoch.epoch() == 0 || epoch.epoch() == kMembershipEpoch) {
    return Invalid("epoch.epoch", "must be between 1 and 2^32-2");
  }
  RETURN_IF_ERROR(CheckSize("epoch.authority_public_key", epoch.authority_public_key(),
                            crypto_sign_PUBLICKEYBYTES));
  if (epoch.members_size() > kMaxEpochMembers) {
    return Invalid("epoch.members", "has more than " + std::to_string(kMaxEpochMembers));
  }
  for (const std::string& member : epoch.members()) {
    RETURN_IF_ERROR(CheckSize("epoch.members", member, kDeviceIdBytes));
  }
  if (epoch.member_keys_size() != 0 && epoch.member_keys_size() != epoch.members_size()) {
    return Invalid("epoch.member_keys", "must be as many as epoch.members");
  }
  for (const std::string& key : epoch.member_keys()) {
    RETURN_IF_ERROR(CheckSize("epoch.member_keys", key, crypto_sign_PUBLICKEYBYTES));
  }
  if (epoch.keyring().empty()) return Invalid("epoch.keyring", "is empty");
  if (epoch.wrapped_key().empty()) return Invalid("epoch.wrapped_key", "is empty");
  RETURN_IF_ERROR(CheckSeen(epoch));
  return CheckBoxes(epoch);
}

absl::Status CheckOp(const RecordHeader& header, const v1::MembershipOp& op) {
  switch (op.op_case()) {
    case v1::MembershipOp::kEnrol:
      return CheckEnrol(header, op.enrol());
    case v1::MembershipOp::kRename:
      return CheckRename(op.rename());
    case v1::MembershipOp::kRevoke:
      return CheckRevoke(op.revoke());
    case v1::MembershipOp::kEpoch:
      return CheckEpoch(op.epoch());
    case v1::MembershipOp::kWrap:
      if (op.wrap().wrapped_key().empty()) return Invalid("wrap.wrapped_key", "is empty");
      return absl::OkStatus();
    case v1::MembershipOp::OP_NOT_SET:
      break;
  }
  return Invalid("op", "is not set");
}

std::string NameAd(std::string_view device_id) {
  std::string ad(kNameContext);
  ad.append(device_id);
  return ad;
}

void AppendBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(value >> (8 * i)));
}

}  // namespace

absl::StatusOr<MemberRecord> ParseMemberRecord(std::string sealed, std::string_view vault_id) {
  ASSIGN_OR_RETURN(RecordHeader header, ParseRecordHeader(sealed));
  if (!header.membership()) {
    return absl::InvalidArgumentError("record is not a membership record (key epoch " +
                                      std::to_string(header.epoch) + ")");
  }
  if (header.vault_id != vault_id) {
    return absl::InvalidArgumentError("membership record is of another vault");
  }
  ASSIGN_OR_RETURN(std::string_view body, ClearRecordBody(sealed));
  if (body.size() > kMaxMembershipOpBytes) {
    return Invalid("body", "is larger than the limit of " +
                               std::to_string(kMaxMembershipOpBytes / 1024) + " KiB");
  }
  MemberRecord record;
  if (!record.op.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return Invalid("body", "does not parse");
  }
  RETURN_IF_ERROR(CheckOp(header, record.op));
  record.header = std::move(header);
  record.sealed = std::move(sealed);
  return record;
}

bool AppliesBefore(const MemberRecord& a, const MemberRecord& b) {
  return std::forward_as_tuple(a.op.hlc(), a.header.device_id, a.header.seq, a.sealed) <
         std::forward_as_tuple(b.op.hlc(), b.header.device_id, b.header.seq, b.sealed);
}

std::string MakeMemberRecord(const RecordHeader& header, const v1::MembershipOp& op,
                             const SecretBytes& device_sign_key) {
  std::string sealed = ClearRecord(header, op.SerializeAsString());
  SignRecord(&sealed, device_sign_key);
  return sealed;
}

std::string EnrolmentMessage(std::string_view vault_id, const v1::Enrol& enrol) {
  std::string message(kEnrolContext);
  message.append(vault_id);
  message.append(enrol.device_id());
  message.append(enrol.sign_public_key());
  AppendBigEndian(&message, enrol.authority_epoch(), 4);
  AppendBigEndian(&message, enrol.legacy_until(), 8);
  // A first enrolment's message is as it was before re-enrolment existed.
  if (enrol.records_from() != 0) AppendBigEndian(&message, enrol.records_from(), 8);
  return message;
}

void SignEnrolment(v1::Enrol* enrol, std::string_view vault_id, uint32_t epoch,
                   const SecretBytes& authority_secret_key) {
  enrol->set_authority_epoch(epoch);
  const std::string message = EnrolmentMessage(vault_id, *enrol);
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<uint8_t*>(signature.data()), nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                       authority_secret_key.data());
  enrol->set_authority_signature(signature);
}

v1::SealedName SealName(const SecretBytes& record_key, uint32_t epoch, std::string_view device_id,
                        std::string_view name) {
  v1::SealedName sealed;
  sealed.set_epoch(epoch);
  sealed.set_sealed(SealBlob(record_key, name, NameAd(device_id)));
  return sealed;
}

absl::StatusOr<std::string> OpenName(const SecretBytes& record_key, std::string_view device_id,
                                     const v1::SealedName& sealed) {
  return OpenBlob(record_key, sealed.sealed(), NameAd(device_id));
}

std::string OpAuthorityMessage(std::string_view vault_id, const RecordHeader& header,
                               const v1::MembershipOp& op) {
  v1::MembershipOp unsigned_op = op;
  unsigned_op.clear_authority_signature();
  std::string body;
  {
    google::protobuf::io::StringOutputStream raw(&body);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    unsigned_op.SerializeToCodedStream(&out);
  }
  std::string message = "haven-member-op-v1";
  message.append(vault_id);
  message.append(header.device_id);
  for (int i = 7; i >= 0; --i) message.push_back(static_cast<char>(header.seq >> (8 * i)));
  message.append(body);
  return message;
}

void SignOpAuthority(v1::MembershipOp* op, const RecordHeader& header, uint32_t epoch,
                     const SecretBytes& authority_secret_key) {
  op->set_authority_epoch(epoch);
  op->clear_authority_signature();
  const std::string message = OpAuthorityMessage(header.vault_id, header, *op);
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<uint8_t*>(signature.data()), nullptr,
                       reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                       authority_secret_key.data());
  op->set_authority_signature(signature);
}

}  // namespace haven
