#include "server/hub/hub_membership.h"

#include <sodium.h>

#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/util/status_macros.h"

namespace haven {
namespace {

std::string Short(const std::string& device_id) { return HexEncode(device_id).substr(0, 8); }

bool SignedBy(std::string_view message, std::string_view signature, std::string_view key) {
  return key.size() == crypto_sign_PUBLICKEYBYTES && signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(reinterpret_cast<const uint8_t*>(signature.data()),
                                     reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(),
                                     reinterpret_cast<const uint8_t*>(key.data())) == 0;
}

}  // namespace

absl::Status RevokedError(const DeviceState& device) {
  const int64_t at_s = device.revoked_at_us / 1000000;
  return absl::PermissionDeniedError(absl::StrCat("this device was revoked on ",
                                                  FormatRfc3339Utc(at_s * 1000000), " by device ",
                                                  Short(device.revoked_by)));
}

absl::StatusOr<HubMemberships::VaultState*> HubMemberships::Load(const std::string& vault_id) {
  auto it = vaults_.find(vault_id);
  if (it != vaults_.end()) return &it->second;
  ASSIGN_OR_RETURN(auto reg, storage_->Lookup(vault_id));
  if (!reg) return absl::NotFoundError("this hub holds no such vault");
  ASSIGN_OR_RETURN(std::vector<std::string> held, storage_->MemberRecords(vault_id));
  VaultState state;
  state.membership = std::make_unique<Membership>(vault_id, reg->auth_public_key);
  std::vector<MemberRecord> parsed;
  for (std::string& sealed : held) {
    auto record = ParseMemberRecord(std::move(sealed), vault_id);
    if (!record.ok()) return absl::DataLossError("hub store: a kept membership record is corrupt");
    parsed.push_back(std::move(*record));
  }
  state.membership->Add(std::move(parsed));
  return &vaults_.emplace(vault_id, std::move(state)).first->second;
}

absl::StatusOr<bool> HubMemberships::HasMembers(const std::string& vault_id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(VaultState * vault, Load(vault_id));
  return !vault->membership->empty();
}

absl::StatusOr<std::string> HubMemberships::LoginKey(const std::string& vault_id,
                                                     const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(VaultState * vault, Load(vault_id));
  const DeviceState* device = vault->membership->Find(device_id);
  if (device != nullptr && device->revoked && !device->enrolled) return RevokedError(*device);
  if (device == nullptr || !device->enrolled) {
    return absl::NotFoundError(absl::StrCat("this hub does not know device ", Short(device_id),
                                            " yet; send its enrolment"));
  }
  return device->sign_public_key;
}

absl::Status HubMemberships::CheckActive(const std::string& vault_id,
                                         const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(VaultState * vault, Load(vault_id));
  const DeviceState* device = vault->membership->Find(device_id);
  if (device != nullptr && device->revoked) return RevokedError(*device);
  if (device == nullptr || !device->enrolled) {
    return absl::PermissionDeniedError("this device is not enrolled in the vault");
  }
  return absl::OkStatus();
}

absl::Status HubMemberships::AdmitPush(const std::string& vault_id, const std::string& device_id,
                                       const std::vector<IncomingRecord>& records) {
  auto named = [](const RecordHeader& h) { return absl::StrCat(Short(h.device_id), "/", h.seq); };
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(VaultState * vault, Load(vault_id));
  for (const IncomingRecord& r : records) {
    if (device_id.empty() && !r.header.legacy()) {  // a vault-wide session: no device key
      return absl::PermissionDeniedError(
          absl::StrCat("push: record ", named(r.header),
                       " is signed by a device key: log in as that device to push it"));
    }
    if (!device_id.empty() && r.header.device_id != device_id) {
      return absl::PermissionDeniedError(
          absl::StrCat("a record in another device's name (", named(r.header), ")"));
    }
    absl::Status admitted =
        vault->membership->Admits(r.header.device_id, r.header.seq, r.header.legacy());
    if (!admitted.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat("push: record ", named(r.header), ": ", admitted.message()));
    }
  }
  return absl::OkStatus();
}

std::vector<MemberRecord> HubMemberships::Verified(const Membership& membership,
                                                   std::vector<MemberRecord> parsed) {
  std::map<std::string, std::string> keys;      // device id -> signing key
  std::map<uint32_t, std::string> authorities;  // epoch -> authority key
  for (const auto& [id, device] : membership.devices()) {
    if (device.enrolled) keys[id] = device.sign_public_key;
  }
  for (uint32_t n = 0; n <= membership.current_epoch(); ++n) {
    if (const EpochState* e = membership.epoch(n)) authorities[n] = e->authority_public_key;
  }
  std::vector<MemberRecord> kept;
  for (MemberRecord& record : parsed) {
    const std::string& writer = record.header.device_id;
    if (record.op.has_enrol()) {
      const v1::Enrol& enrol = record.op.enrol();
      auto authority = authorities.find(enrol.authority_epoch());
      if (enrol.device_id() != writer || authority == authorities.end() ||
          !SignedBy(EnrolmentMessage(record.header.vault_id, enrol), enrol.authority_signature(),
                    authority->second) ||
          !RecordSignatureValid(record.sealed, enrol.sign_public_key())) {
        continue;
      }
      keys.try_emplace(writer, enrol.sign_public_key());
    } else {
      auto key = keys.find(writer);
      if (key == keys.end() || !RecordSignatureValid(record.sealed, key->second)) continue;
      if (record.op.has_epoch()) {
        authorities.try_emplace(record.op.epoch().epoch(),
                                record.op.epoch().authority_public_key());
      }
    }
    kept.push_back(std::move(record));
  }
  return kept;
}

bool HubMemberships::TakesNow(const std::string& vault_id, const Membership& membership,
                              const MemberRecord& record) const {
  const RecordHeader& h = record.header;
  // The bytes in this slot, if the hub holds the record already.
  auto stored = storage_->Read(vault_id, h.device_id, h.seq, 1, kMaxRecordBytes);
  const bool slot_taken = stored.ok() && !stored->empty();
  if (slot_taken && stored->front() != record.sealed) return false;  // a rewritten slot
  for (const MemberRecord& r : membership.records()) {
    if (r.header.device_id == h.device_id && r.header.seq == h.seq) return false;
  }
  // A revoked device adds nothing it had not pushed before its revocation.
  const DeviceState* writer = membership.Find(h.device_id);
  if (writer != nullptr && writer->revoked && !slot_taken) return false;
  // A device enrolled under one key enrols under no other (it could not
  // apply; a hub need not keep it).
  if (record.op.has_enrol() && writer != nullptr && writer->enrolled &&
      writer->sign_public_key != record.op.enrol().sign_public_key()) {
    return false;
  }
  // An enrolment under an older epoch's key (which revoked devices keep)
  // only when the rotation that closed that epoch had seen it, or its
  // device enrolled again from it on (the first record of its chain).
  return membership.TakesNow(record) && !membership.StaleEnrolment(record);
}

absl::StatusOr<size_t> HubMemberships::Add(const std::string& vault_id,
                                           const std::vector<std::string>& sealed, bool strict) {
  std::vector<MemberRecord> parsed;
  for (size_t i = 0; i < sealed.size(); ++i) {
    auto record = ParseMemberRecord(sealed[i], vault_id);
    if (record.ok()) {
      parsed.push_back(std::move(*record));
    } else if (strict) {
      return absl::InvalidArgumentError(
          absl::StrCat("records[", i, "]: ", record.status().message()));
    }
  }
  if (parsed.empty()) return 0;
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(VaultState * vault, Load(vault_id));
  std::set<std::string> held;
  for (const MemberRecord& r : vault->membership->records()) held.insert(r.sealed);
  std::vector<MemberRecord> fresh, later;
  for (MemberRecord& r : Verified(*vault->membership, std::move(parsed))) {
    if (held.contains(r.sealed)) continue;
    if (!TakesNow(vault_id, *vault->membership, r)) {
      later.push_back(std::move(r));
      continue;
    }
    held.insert(r.sealed);
    fresh.push_back(std::move(r));
  }
  if (!later.empty() && !fresh.empty()) {
    // Once more against the membership with the fresh ones: a device's
    // enrolment again vouches for its first, sent in the same call.
    Membership with_fresh = *vault->membership;
    with_fresh.Add(fresh);
    for (MemberRecord& r : later) {
      if (held.contains(r.sealed) || !TakesNow(vault_id, with_fresh, r)) continue;
      held.insert(r.sealed);
      fresh.push_back(std::move(r));
    }
  }
  if (fresh.empty()) return 0;
  if (held.size() > kMaxMemberRecords) {
    return absl::ResourceExhaustedError(
        absl::StrCat("membership: this vault has ", kMaxMemberRecords,
                     " membership records on this hub, the most it keeps"));
  }
  std::vector<std::string> bytes;
  for (const MemberRecord& r : fresh) bytes.push_back(r.sealed);
  RETURN_IF_ERROR(storage_->AddMemberRecords(vault_id, std::move(bytes)));
  const size_t added = fresh.size();
  vault->membership->Add(std::move(fresh));
  return added;
}

absl::StatusOr<std::optional<std::string>> HubMemberships::WrappedKey(const std::string& vault_id) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(VaultState * vault, Load(vault_id));
  if (vault->membership->wrap_generation() == 0) return std::optional<std::string>();
  return std::optional<std::string>(vault->membership->wrapped_key());
}

void HubMemberships::Seen(const std::string& vault_id, const std::string& device_id) {
  absl::MutexLock lock(&mu_);
  auto vault = Load(vault_id);
  if (vault.ok()) (*vault)->last_seen[HexEncode(device_id)] = NowMicros();
}

std::map<std::string, int64_t> HubMemberships::LastSeen(const std::string& vault_id) {
  absl::MutexLock lock(&mu_);
  auto vault = Load(vault_id);
  return vault.ok() ? (*vault)->last_seen : std::map<std::string, int64_t>();
}

}  // namespace haven
