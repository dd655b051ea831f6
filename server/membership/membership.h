// The vault's membership as a function of its membership records: which
// devices are enrolled and under which signing keys, their names, which
// were revoked (and up to which record of theirs), and the key epochs.
// Devices and hubs compute it the same way from the same records, whatever
// order they arrived in (docs/design.md, "Devices and key epochs").
//
// Ops apply in (hlc, writer device id, writer seq) order. Each op's record
// must carry a valid signature by its writer's device key (for an Enrol,
// the key it enrols); an op that breaks a rule is kept but has no effect:
//   - a membership record of a revoked writer that its revoker did not
//     hold (Revoke.held; for a revoke from before revokes listed them,
//     one beyond the cut) is ignored, whatever it says and wherever its
//     stamp sorts it: a revoked device keeps its device key and could sign
//     another record, even into a slot it had used;
//   - a rotation closes the epoch before it: an op signed under the
//     authority of epoch a is void when the Epoch that made a + 1 had not
//     seen it (its `seen` heads, or the rotation's writer's own earlier
//     records), except a Revoke of that rotation's writer. A revoked
//     device keeps old authority keys; this is what stops it stamping an
//     op so that it sorts before the rotation. The writer of a voided op
//     writes it again under the new epoch (an Enrol with records_from);
//   - Enrol: the writer enrols itself, is not enrolled or revoked yet, and
//     the authority signature is by the current epoch's authority key;
//   - Rename, Revoke, Epoch, Wrap: the writer is enrolled and not revoked
//     (or revoked, and the record is one its revoker held: those stay,
//     whenever they are stamped), and the op carries an
//     authority signature (OpAuthorityMessage) by the authority key of an
//     epoch no later than the current one: only an unlocked member, which
//     holds a vault key, changes the membership;
//   - Rename: of a device enrolled or revoked before;
//   - Revoke: of another device (enrolled or only known by its records),
//     not already revoked;
//   - Epoch: numbered current + 1 and signed by the current epoch's
//     authority; its members become the epoch's holders;
//   - Wrap: for the current epoch.
// The rules that look at later ops (the revoker's list, the closing
// rotation) are applied by folding again without the ops they void, until
// none is (Recompute).
// A device that enrols while an epoch is current holds that epoch's key
// too. When a revoked device still holds the current epoch's key (a revoke
// met a concurrent rotation that listed it), NeedsRotation() says so and
// any unlocked member rotates again: every device converges on one
// membership and one current epoch.
//
// No rule can tell a revoked device's op, stamped into the past, from an
// honest op made concurrently at that time: a device that has applied a
// revocation therefore refuses, as it arrives, what only the revoked
// device would send (TakesNow), as hubs do (docs/design.md).
//
// Thread safety: none; callers guard an instance (it is small and cheap to
// copy).
#ifndef HAVEN_SERVER_MEMBERSHIP_MEMBERSHIP_H_
#define HAVEN_SERVER_MEMBERSHIP_MEMBERSHIP_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "haven/v1/membership.pb.h"
#include "server/membership/membership_op.h"

namespace haven {

struct DeviceState {
  std::string device_id;        // 16 raw bytes
  std::string sign_public_key;  // Ed25519; empty for a device known only by legacy records
  bool enrolled = false;
  uint64_t enrol_seq = 0;     // the sequence of its Enrol record
  uint64_t records_from = 0;  // its format-2 records are admitted from here
  uint32_t enrol_epoch = 0;
  int64_t enrolled_at_us = 0;
  uint64_t legacy_until = 0;
  v1::SealedName name;  // the newest Enrol or Rename name
  bool revoked = false;
  int64_t revoked_at_us = 0;
  std::string revoked_by;  // device id
  uint64_t cut = 0;        // its records up to here stay
  std::string cut_hash;    // the chain hash of its record at the cut
  // The chain hashes of its membership records the revoker held
  // (v1::Revoke.held); nullopt for a revoke from before revokes listed them.
  std::optional<std::set<std::string>> held;
};

struct EpochState {
  uint32_t epoch = 0;
  std::string authority_public_key;
  // Device ids that hold this epoch's key: the Epoch op's members and the
  // devices that enrolled while it was current. Epoch 0's key is also held
  // by every device that wrote format-1 records, which no record lists, so
  // NeedsRotation() counts any revoked device while epoch 0 is current.
  std::set<std::string> holders;
  std::string keyring;  // sealed (v1::Epoch.keyring); empty for epoch 0
  std::map<std::string, std::string> secret_key_boxes;  // hex device id -> box
  std::string written_by;                               // device id; empty for epoch 0
  uint64_t written_seq = 0;                             // its Epoch record's sequence
  std::map<std::string, uint64_t> seen;  // the writer's head for each device (v1::Epoch.seen)
  // The Epoch op's members, each with its device key ("" in a rotation
  // from before rotations named the keys).
  std::map<std::string, std::string> listed;
  int64_t at_us = 0;
};

// The most membership records a vault keeps (a hub refuses more, a device
// takes no more): they are all replayed at every change.
inline constexpr size_t kMaxMemberRecords = 4096;

class Membership {
 public:
  // `epoch0_authority`: the Ed25519 public key the vault id derives from
  // (VaultIdFromAuthKey); epoch 0's authority.
  Membership(std::string vault_id, std::string epoch0_authority);

  // Adds membership records (ParseMemberRecord'ed); a record already held
  // (the same bytes) is skipped. Recomputes the state. Of two different
  // records at one (writer, seq), which a hub never accepts, the first in
  // application order that applies counts, so the state still depends only
  // on the set of records.
  void Add(std::vector<MemberRecord> records);

  bool empty() const { return records_.empty(); }  // no ops: a vault made before device keys
  const std::vector<MemberRecord>& records() const { return records_; }
  const std::map<std::string, DeviceState>& devices() const { return devices_; }
  const DeviceState* Find(const std::string& device_id) const;
  uint32_t current_epoch() const { return epochs_.back().epoch; }
  const EpochState& current() const { return epochs_.back(); }
  const EpochState* epoch(uint32_t n) const;
  // The newest wrapped vault key (an applied Epoch's or Wrap's) and how
  // many such ops applied; empty/0 when none did (the key made at init
  // is still current and wrapped as it was then).
  const std::string& wrapped_key() const { return wrapped_key_; }
  uint64_t wrap_generation() const { return wrap_generation_; }

  // Whether a record of `device` at `seq` may be stored and used: format 1
  // (`legacy`) records only from a device not enrolled yet or up to its
  // legacy_until (once a rotation happened, a device not enrolled only up
  // to the head the first rotation saw); format 2 records only from an
  // enrolled device, from records_from on; never beyond a revoked
  // device's cut.
  // PermissionDenied naming the device and why.
  absl::Status Admits(const std::string& device_id, uint64_t seq, bool legacy) const;
  // The key `device`'s format-2 records are signed with; empty when unknown.
  std::string SigningKey(const std::string& device_id) const;
  // Enrolled and not revoked, in device id order.
  std::vector<std::string> ActiveDevices() const;
  bool NeedsRotation() const;
  // Whether `record` applied.
  bool Applied(const MemberRecord& record) const;
  // Whether a membership record arriving now may be kept: not from a
  // writer this membership has revoked, unless its revoker held it
  // (OutsideCut). What an honest
  // device never sends once the revocation exists; the fold alone cannot
  // tell an op stamped into the past from one made concurrently, so a
  // device or hub that has seen a revocation refuses it as it arrives.
  bool TakesNow(const MemberRecord& record) const;
  // An Enrol under an epoch a rotation closed without seeing it, which no
  // later enrolment of its writer vouches for (records_from): it can have
  // no effect, and hubs, which anyone with the hub token may send
  // enrolments, refuse to keep it (a revoked device keeps old authority
  // keys and could fill the hub's membership records with them).
  bool StaleEnrolment(const MemberRecord& record) const;

 private:
  void Recompute();
  // One pass over records_ in order, skipping those `voided`; sets applied_.
  void Fold(const std::vector<char>& voided);
  // Marks in `voided` each record (each applied one, with `applied_only`)
  // that `rule` voids; whether it marked one that had applied (only that
  // changes the next fold). Marking those that did not apply as well
  // keeps many such records from costing one fold each.
  bool VoidWhere(bool (Membership::*rule)(const MemberRecord&) const, bool applied_only,
                 std::vector<char>* voided) const;
  // Whether the rotation that closed `record`'s authority epoch (if one
  // applied) saw it.
  bool ClosedOver(const MemberRecord& record) const;
  // Whether `record`'s writer is revoked and the record is not one its
  // revoker held (or, for an older revoke, is beyond the cut).
  bool OutsideCut(const MemberRecord& record) const;
  bool ClosedOverNot(const MemberRecord& record) const;
  // Whether `record` applied (it broke no rule).
  bool Apply(const MemberRecord& record);
  bool Active(const std::string& device_id) const;
  // A device not enrolled: how far its format-1 records stay admitted
  // once a rotation happened (the first rotation's head for it).
  uint64_t LegacyCut(const std::string& device_id) const;
  // Whether `record`'s writer may write it: enrolled, and not revoked or
  // within its cut; and the record is signed by its key.
  bool WriterMay(const MemberRecord& record);
  bool ApplyEnrol(const MemberRecord& record);
  bool ApplyRename(const v1::Rename& rename);
  bool ApplyRevoke(const MemberRecord& record);
  bool ApplyEpoch(const MemberRecord& record);
  bool ApplyWrap(const v1::Wrap& wrap);
  // crypto_sign_verify_detached (an Enrol's authority signature),
  // remembering the triples found valid, as SignedBy does: a recompute
  // replays every record, and most were checked before.
  bool Verified(std::string_view message, std::string_view signature, std::string_view public_key);
  // RecordSignatureValid, remembered.
  bool SignedBy(std::string_view sealed, std::string_view public_key);

  std::string vault_id_;
  std::string epoch0_authority_;
  std::vector<MemberRecord> records_;  // in application order
  std::vector<char> applied_;          // parallel to records_
  std::map<std::string, DeviceState> devices_;
  std::vector<EpochState> epochs_;  // index = epoch; never empty
  std::string wrapped_key_;
  uint64_t wrap_generation_ = 0;
  std::set<std::string> verified_;  // kind || message digest || signature || public key
  std::set<std::string> refused_;   // the same, for checks that failed
};

}  // namespace haven

#endif  // HAVEN_SERVER_MEMBERSHIP_MEMBERSHIP_H_
