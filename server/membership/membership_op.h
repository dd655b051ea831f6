// Membership records: a MembershipOp (proto/haven/v1/membership.proto) in
// the clear inside a format-2 record of the writer's own sequence, under
// the key epoch kMembershipEpoch, signed by the writer's device key like
// every format-2 record (server/crypto/sealed_record.h). Hubs read them;
// names inside are sealed.
#ifndef HAVEN_SERVER_MEMBERSHIP_MEMBERSHIP_OP_H_
#define HAVEN_SERVER_MEMBERSHIP_MEMBERSHIP_OP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "haven/v1/membership.pb.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"

namespace haven {

// A membership op's body is at most this big (an Epoch for 1,000 devices).
inline constexpr size_t kMaxMembershipOpBytes = 200 * 1024;

struct MemberRecord {
  RecordHeader header;
  v1::MembershipOp op;
  std::string sealed;  // the whole signed record
};

// The order membership ops apply in: (hlc, writer, seq); the bytes break
// the tie between two different records a writer made at one sequence, so
// the order never depends on arrival.
bool AppliesBefore(const MemberRecord& a, const MemberRecord& b);

// Parses the framing and the op (no signature check: that needs the
// writer's key, which Membership knows). InvalidArgument naming the cause
// when it is not a well-formed membership record of `vault_id`.
absl::StatusOr<MemberRecord> ParseMemberRecord(std::string sealed, std::string_view vault_id);

// A signed membership record of `op` at (device, seq), chained to the
// device's previous record (`prev_hash`, RecordChainHash).
std::string MakeMemberRecord(const RecordHeader& header, const v1::MembershipOp& op,
                             const SecretBytes& device_sign_key);

// What an Enrol's authority signature covers:
// "haven-enrol-v1" || vault id || device id || sign public key ||
// authority epoch (4 bytes, big-endian) || legacy_until (8 bytes, big-endian)
// [|| records_from (8 bytes, big-endian), when it is not 0].
std::string EnrolmentMessage(std::string_view vault_id, const v1::Enrol& enrol);
// Sets enrol->authority_epoch and signs EnrolmentMessage with the
// authority key of `epoch` (DeriveAuthorityKey of its vault key).
void SignEnrolment(v1::Enrol* enrol, std::string_view vault_id, uint32_t epoch,
                   const SecretBytes& authority_secret_key);

// What an op's authority signature covers (every op but an Enrol):
// "haven-member-op-v1" || vault id || device id || seq (8 bytes,
// big-endian) || the op serialized deterministically with
// authority_signature empty.
std::string OpAuthorityMessage(std::string_view vault_id, const RecordHeader& header,
                               const v1::MembershipOp& op);
// Sets op->authority_epoch and signs `op`, to be written at
// (header.device_id, header.seq), with the authority key of `epoch`
// (DeriveAuthorityKey of that epoch's vault key; 64 bytes).
void SignOpAuthority(v1::MembershipOp* op, const RecordHeader& header, uint32_t epoch,
                     const SecretBytes& authority_secret_key);

// A device name sealed for the vault under epoch `epoch`'s record key.
v1::SealedName SealName(const SecretBytes& record_key, uint32_t epoch, std::string_view device_id,
                        std::string_view name);
absl::StatusOr<std::string> OpenName(const SecretBytes& record_key, std::string_view device_id,
                                     const v1::SealedName& sealed);

}  // namespace haven

#endif  // HAVEN_SERVER_MEMBERSHIP_MEMBERSHIP_OP_H_
