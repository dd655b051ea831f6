// Each vault's membership as a hub sees it (docs/design.md, "Devices and
// key epochs"): computed from the membership records the hub holds
// (HubStorage::MemberRecords), kept in memory per vault and recomputed when
// new ones arrive, through SubmitMembership or a push. It decides which
// device key may log in, refuses revoked devices, and admits pushed
// records.
//
// Only ops that members signed are kept: an Enrol signed by the key it
// enrols, with an authority signature by the key of the epoch it names; any
// other op signed by its writer's enrolled key. A record the hub cannot
// verify yet (its writer's Enrol not held) is skipped, so whoever holds the
// hub token cannot fill a vault's membership with forgeries or take the
// slot of a record a member will send. Membership itself then ignores ops
// that break its rules.
//
// Thread safety: all methods may be called from any thread (one mutex).
#ifndef HAVEN_SERVER_HUB_HUB_MEMBERSHIP_H_
#define HAVEN_SERVER_HUB_HUB_MEMBERSHIP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/hub/hub_storage.h"
#include "server/membership/membership.h"

namespace haven {

class HubMemberships {
 public:
  // `storage` must outlive this.
  explicit HubMemberships(HubStorage* storage) : storage_(storage) {}

  // Whether the hub holds a membership record of the vault (the vault-wide
  // login is refused from then on). NotFound for an unregistered vault.
  absl::StatusOr<bool> HasMembers(const std::string& vault_id);

  // The Ed25519 key `device_id` logs in with, revoked or not (so that only
  // the key's holder hears when and by whom: CheckActive after the
  // signature). NotFound "this hub does not know device <8 hex> yet; send
  // its enrolment" when it is not enrolled here (PermissionDenied,
  // RevokedError, when it was revoked without ever enrolling).
  absl::StatusOr<std::string> LoginKey(const std::string& vault_id, const std::string& device_id);

  // OK while the device is enrolled and not revoked; PermissionDenied
  // naming when and by whom it was revoked, or that it is not enrolled.
  absl::Status CheckActive(const std::string& vault_id, const std::string& device_id);

  // Whether a session of `device_id` (empty: vault-wide) may push
  // `records`: its own records only, each admitted by the membership
  // (vault-wide: format-1 records only, of any device the membership
  // admits them from). PermissionDenied naming the record.
  absl::Status AdmitPush(const std::string& vault_id, const std::string& device_id,
                         const std::vector<IncomingRecord>& records);

  // Keeps the membership records among `sealed` (others are passed over)
  // that verify as the header says, stores them, and recomputes. `strict`:
  // a record that is not a membership record of the vault is
  // InvalidArgument naming its index and the cause. ResourceExhausted past
  // kMaxMemberRecords a vault (SubmitMembership and pushes of membership
  // records are then refused). Returns how many were new and kept.
  absl::StatusOr<size_t> Add(const std::string& vault_id, const std::vector<std::string>& sealed,
                             bool strict);

  // The current wrapped key when an Epoch or Wrap applied; nullopt when the
  // registered one is still current.
  absl::StatusOr<std::optional<std::string>> WrappedKey(const std::string& vault_id);

  // Notes a login of `device_id` now; LastSeen: hex device id -> when.
  void Seen(const std::string& vault_id, const std::string& device_id);
  std::map<std::string, int64_t> LastSeen(const std::string& vault_id);

 private:
  struct VaultState {
    std::unique_ptr<Membership> membership;
    std::map<std::string, int64_t> last_seen;  // hex device id -> us
  };
  // The vault's state, loaded from storage at first use.
  absl::StatusOr<VaultState*> Load(const std::string& vault_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The records of `parsed` that verify against `membership` and those
  // before them, in order.
  static std::vector<MemberRecord> Verified(const Membership& membership,
                                            std::vector<MemberRecord> parsed);
  // Whether a verified record that the membership does not hold yet may join
  // it now (docs/design.md, "Devices and key epochs"): its (device, seq)
  // slot holds no other bytes, here or among the stored records; a revoked
  // writer adds only a record it pushed before (and Membership::TakesNow);
  // and it is no stale enrolment (Membership::StaleEnrolment). A record
  // refused is tried once more against the membership with the call's
  // other records: a device's enrolment again vouches for its first.
  bool TakesNow(const std::string& vault_id, const Membership& membership,
                const MemberRecord& record) const;

  HubStorage* const storage_;
  absl::Mutex mu_;
  std::map<std::string, VaultState> vaults_ ABSL_GUARDED_BY(mu_);
};

// PermissionDenied "this device was revoked on <UTC time> by device <8 hex>".
absl::Status RevokedError(const DeviceState& device);

}  // namespace haven

#endif  // HAVEN_SERVER_HUB_HUB_MEMBERSHIP_H_
