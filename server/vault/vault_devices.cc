// Devices, key rotation, the passphrase and the emergency kit
// (docs/design.md, "Devices and key epochs").
#include <algorithm>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/secret_key.h"
#include "server/journal/vault_state.h"
#include "server/util/status_macros.h"
#include "server/vault/passphrase_strength.h"
#include "server/vault/vault.h"

namespace haven {
namespace {

absl::Status CheckName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError("name: use 1 to 64 characters");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("name: control characters are not allowed");
    }
  }
  return absl::OkStatus();
}

}  // namespace

DeviceView Vault::ViewOf(const Journal& journal, const DeviceState& device) const {
  DeviceView view;
  view.device_id = HexEncode(device.device_id);
  view.name = journal.DeviceName(device);
  view.current = device.device_id == journal.identity().device_id;
  view.enrolled = device.enrolled;
  view.revoked = device.revoked;
  view.added_us = device.enrolled_at_us;
  view.seq = log_->Head(device.device_id);
  view.revoked_us = device.revoked_at_us;
  view.revoked_by = device.revoked_by.empty() ? "" : HexEncode(device.revoked_by);
  auto seen = store_->Get(Family::kMeta, std::string(kMetaSeenPrefix) + view.device_id);
  if (seen.ok() && seen->has_value()) view.last_seen_us = std::atoll((*seen)->c_str());
  return view;
}

absl::StatusOr<std::vector<DeviceView>> Vault::ListDevices() {
  ASSIGN_OR_RETURN(std::shared_ptr<Journal> journal, this->journal());
  Membership members = journal->members();
  std::vector<DeviceView> out;
  for (const auto& [id, device] : members.devices()) out.push_back(ViewOf(*journal, device));
  // Devices known only by their records (from before device keys, not
  // upgraded yet).
  for (const auto& [id, head] : log_->Heads()) {
    if (members.Find(id) != nullptr) continue;
    DeviceState legacy;
    legacy.device_id = id;
    out.push_back(ViewOf(*journal, legacy));
  }
  std::sort(out.begin(), out.end(), [](const DeviceView& a, const DeviceView& b) {
    return std::tie(a.added_us, a.device_id) < std::tie(b.added_us, b.device_id);
  });
  return out;
}

absl::StatusOr<std::string> Vault::ResolveDevice(const Membership& members,
                                                 std::string_view id) const {
  std::string prefix = absl::AsciiStrToLower(std::string(id));
  if (prefix.size() < 4 || prefix.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::InvalidArgumentError(
        "device: expected a device id or a prefix of it (4+ hex "
        "characters), as `haven device list` shows, got \"" +
        std::string(id) + "\"");
  }
  std::vector<std::string> found;
  for (const auto& [raw, device] : members.devices()) {
    if (HexEncode(raw).rfind(prefix, 0) == 0) found.push_back(raw);
  }
  for (const auto& [raw, head] : log_->Heads()) {
    if (members.Find(raw) == nullptr && HexEncode(raw).rfind(prefix, 0) == 0) found.push_back(raw);
  }
  if (found.empty()) return absl::NotFoundError("device: no device " + prefix + " in this vault");
  if (found.size() > 1) {
    return absl::InvalidArgumentError("device: " + prefix + " names more than one device");
  }
  return found.front();
}

absl::StatusOr<DeviceView> Vault::RenameDevice(std::string_view id, std::string_view name) {
  RETURN_IF_ERROR(CheckName(name));
  ASSIGN_OR_RETURN(std::shared_ptr<Journal> journal, this->journal());
  ASSIGN_OR_RETURN(std::string device, ResolveDevice(journal->members(), id));
  RETURN_IF_ERROR(journal->Rename(device, name));
  const Membership members = journal->members();
  const DeviceState* state = members.Find(device);
  if (state == nullptr) return absl::InternalError("the renamed device is not in the membership");
  return ViewOf(*journal, *state);
}

absl::StatusOr<DeviceView> Vault::RevokeDevice(std::string_view id, std::string_view passphrase) {
  ASSIGN_OR_RETURN(std::shared_ptr<Journal> journal, this->journal());
  ASSIGN_OR_RETURN(std::string device, ResolveDevice(journal->members(), id));
  if (device == journal->identity().device_id) {
    return absl::FailedPreconditionError(
        "this is the device you are on: revoke it from another of your devices");
  }
  const Membership members = journal->members();
  const DeviceState* before = members.Find(device);
  if (before != nullptr && before->revoked) {
    return absl::FailedPreconditionError("device " + HexEncode(device).substr(0, 8) +
                                         " is already revoked");
  }
  ASSIGN_OR_RETURN(SecretBytes stretched, CheckPassphrase(passphrase));
  journal->UseStretched(std::move(stretched));
  RETURN_IF_ERROR(journal->Revoke(device).status());
  const Membership after = journal->members();
  const DeviceState* state = after.Find(device);
  if (state == nullptr) return absl::InternalError("the revoked device is not in the membership");
  return ViewOf(*journal, *state);
}

absl::StatusOr<RekeyResult> Vault::Rekey(std::string_view passphrase, bool new_secret_key) {
  ASSIGN_OR_RETURN(std::shared_ptr<Journal> journal, this->journal());
  ASSIGN_OR_RETURN(SecretBytes stretched, CheckPassphrase(passphrase));
  journal->UseStretched(std::move(stretched));
  RekeyResult result;
  std::optional<SecretBytes> secret;
  if (new_secret_key) secret = GenerateSecretKey();
  ASSIGN_OR_RETURN(result.epoch, journal->Rotate(secret ? &*secret : nullptr));
  if (secret) {
    result.secret_key = FormatSecretKey(*secret);
    RETURN_IF_ERROR(LoadIdentity());  // the journal stored the new Secret Key
  }
  return result;
}

absl::Status Vault::ChangePassphrase(std::string_view current, std::string_view next) {
  ASSIGN_OR_RETURN(std::shared_ptr<Journal> journal, this->journal());
  RETURN_IF_ERROR(CheckPassphraseStrength(next));
  if (next.size() < 8) return absl::InvalidArgumentError("passphrase: use at least 8 characters");
  SecretBytes key;
  RETURN_IF_ERROR(CheckPassphrase(current, &key).status());
  ASSIGN_OR_RETURN(KdfProfile profile, WrappedKeyProfile(journal->CurrentWrappedKey()));
  SecretBytes secret, stretched;
  std::string vault_id;
  {
    absl::MutexLock lock(&mu_);
    secret = SecretBytes::CopyOf(secret_key_.view());
    vault_id = vault_id_;
  }
  ASSIGN_OR_RETURN(std::string wrapped,
                   WrapVaultKey(key, next, secret, vault_id, profile, &stretched));
  return journal->Rewrap(wrapped, std::move(stretched));
}

absl::Status Vault::AddMemberRecords(const std::vector<std::string>& sealed) {
  std::vector<MemberRecord> parsed;
  const std::string vault_raw = [&] {
    absl::MutexLock lock(&mu_);
    return vault_id_;
  }();
  for (const std::string& record : sealed) {
    auto member = ParseMemberRecord(record, vault_raw);
    if (member.ok()) parsed.push_back(std::move(*member));
  }
  if (parsed.empty()) return absl::OkStatus();
  if (std::shared_ptr<Journal> journal = PeekJournal()) return journal->AddMembers(parsed);
  // Locked: the same filter as Journal::AddMembers.
  ASSIGN_OR_RETURN(Membership members, StoredMembership());
  TakeIncomingMembers(*store_, *log_, members, &parsed);
  const size_t before = members.records().size();
  members.Add(parsed);
  if (members.records().size() == before) return absl::OkStatus();
  WriteBatch batch = store_->NewBatch();
  for (const MemberRecord& r : parsed) {
    batch.Put(Family::kMeta, MemberMetaKey(r.header.device_id, r.header.seq), r.sealed);
  }
  if (members.wrap_generation() > 0)
    batch.Put(Family::kMeta, kMetaWrappedKey, members.wrapped_key());
  SecretBytes device_key;
  std::string device_id;
  {
    absl::MutexLock lock(&mu_);
    device_key = SecretBytes::CopyOf(device_key_.view());
    device_id = device_id_;
  }
  auto boxed = OpenSecretKeyBox(members, device_id, device_key);
  if (boxed.ok() && boxed->has_value()) batch.Put(Family::kMeta, kMetaSecretKey, (*boxed)->view());
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  return LoadIdentity();
}

absl::Status Vault::NoteLastSeen(const std::map<std::string, int64_t>& last_seen) {
  WriteBatch batch = store_->NewBatch();
  for (const auto& [hex, us] : last_seen) {
    if (hex.size() != 2 * kDeviceIdBytes || us <= 0) continue;
    const std::string key = std::string(kMetaSeenPrefix) + hex;
    ASSIGN_OR_RETURN(auto stored, store_->Get(Family::kMeta, key));
    if (stored && std::atoll(stored->c_str()) >= us) continue;
    batch.Put(Family::kMeta, key, std::to_string(us));
  }
  if (batch.Count() == 0) return absl::OkStatus();
  return store_->Write(&batch, /*sync=*/false);
}

absl::StatusOr<EmergencyKit> Vault::ShowKit(std::string_view passphrase) {
  if (!exists())
    return absl::FailedPreconditionError("no vault in this home yet: run `haven init`");
  RETURN_IF_ERROR(CheckPassphrase(passphrase).status());
  absl::MutexLock lock(&mu_);
  return EmergencyKit{HexEncode(vault_id_), FormatSecretKey(secret_key_)};
}

}  // namespace haven
