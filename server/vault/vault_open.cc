// Making a vault (init, join) and opening it (unlock, the passphrase
// check every key operation starts with).
#include <chrono>
#include <thread>

#include "absl/status/status.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/secret_key.h"
#include "server/journal/vault_state.h"
#include "server/util/status_macros.h"
#include "server/vault/passphrase_strength.h"
#include "server/vault/vault.h"

namespace haven {

absl::StatusOr<InitResult> Vault::Init(std::string_view passphrase, std::string_view kdf,
                                       std::string_view device_name) {
  RETURN_IF_ERROR(identity_status_);
  if (exists()) {
    return absl::AlreadyExistsError("this home already has a vault (" + vault_id_hex() + ")");
  }
  // A home that has a vault answered above whatever the passphrase; a new
  // vault gets only a passphrase that clears the bar.
  RETURN_IF_ERROR(CheckPassphraseStrength(passphrase));
  if (passphrase.size() < 8) {
    return absl::InvalidArgumentError("passphrase: use at least 8 characters");
  }
  ASSIGN_OR_RETURN(KdfProfile profile, KdfProfileByName(kdf.empty() ? kDefaultKdfProfile : kdf));
  SecretBytes vault_key = GenerateVaultKey();
  std::string vault_id = VaultIdForVaultKey(vault_key);  // hubs check it (docs/design.md)
  std::string device_id = RandomBytes(kDeviceIdBytes);
  SecretBytes secret_key = GenerateSecretKey();
  SecretBytes stretched;
  ASSIGN_OR_RETURN(std::string wrapped,
                   WrapVaultKey(vault_key, passphrase, secret_key, vault_id, profile, &stretched));
  RETURN_IF_ERROR(StoreIdentity(vault_id, device_id, wrapped, secret_key, vault_key));
  InitResult result{HexEncode(vault_id), HexEncode(device_id), FormatSecretKey(secret_key)};
  ASSIGN_OR_RETURN(Membership members, StoredMembership());
  RETURN_IF_ERROR(OpenJournal(std::make_unique<VaultKeys>(std::move(vault_key)),
                              std::move(stretched), members, 0, device_name));
  return result;
}

void Vault::PauseAfterFailure() {
  int failures = 0;
  {
    absl::MutexLock lock(&mu_);
    failures = failed_unlocks_++;
  }
  // Each failure in a row costs a little more time (at most 5 s) on top
  // of Argon2id, so guessing through the socket stays slow.
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5000, 250 * failures)));
}

absl::Status Vault::Unlock(std::string_view passphrase, int64_t timeout_us) {
  if (!exists())
    return absl::FailedPreconditionError("no vault in this home yet: run `haven init`");
  ASSIGN_OR_RETURN(Membership members, StoredMembership());
  SecretBytes current_key;
  ASSIGN_OR_RETURN(SecretBytes stretched, CheckPassphrase(passphrase, members, &current_key));
  std::string vault_id;
  {
    absl::MutexLock lock(&mu_);
    failed_unlocks_ = 0;
    vault_id = vault_id_;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<VaultKeys> keys,
                   KeysFromCurrent(members, vault_id, std::move(current_key)));
  return OpenJournal(std::move(keys), std::move(stretched), members, timeout_us, "");
}

absl::StatusOr<SecretBytes> Vault::CheckPassphrase(std::string_view passphrase,
                                                   SecretBytes* current_key) {
  ASSIGN_OR_RETURN(Membership members, StoredMembership());
  return CheckPassphrase(passphrase, members, current_key);
}

absl::StatusOr<SecretBytes> Vault::CheckPassphrase(std::string_view passphrase,
                                                   const Membership& members,
                                                   SecretBytes* current_key) {
  ASSIGN_OR_RETURN(std::string wrapped, CurrentWrapped(members));
  std::string vault_id, device_id;
  SecretBytes secret, device_key;
  {
    absl::MutexLock lock(&mu_);
    vault_id = vault_id_;
    device_id = device_id_;
    secret = SecretBytes::CopyOf(secret_key_.view());
    device_key = SecretBytes::CopyOf(device_key_.view());
  }
  ASSIGN_OR_RETURN(SecretBytes stretched, StretchPassphrase(wrapped, passphrase));
  auto key = UnwrapStretched(wrapped, stretched, secret, vault_id);
  if (!key.ok() && key.status().code() == absl::StatusCode::kPermissionDenied) {
    // A new Secret Key boxed for this device by a rotation it pulled.
    auto boxed = OpenSecretKeyBox(members, device_id, device_key);
    if (boxed.ok() && boxed->has_value()) {
      key = UnwrapStretched(wrapped, stretched, **boxed, vault_id);
      if (key.ok()) {
        RETURN_IF_ERROR(store_->Put(Family::kMeta, kMetaSecretKey, (*boxed)->view(), true));
        RETURN_IF_ERROR(LoadIdentity());
      }
    }
  }
  if (!key.ok()) {
    if (key.status().code() == absl::StatusCode::kPermissionDenied) PauseAfterFailure();
    return key.status();
  }
  if (current_key != nullptr) *current_key = std::move(*key);
  return stretched;
}

absl::StatusOr<std::string> Vault::Join(JoinSecrets join) {
  RETURN_IF_ERROR(identity_status_);
  if (exists()) {
    return absl::AlreadyExistsError("this home already has a vault (" + vault_id_hex() +
                                    "); join from a fresh --home");
  }
  std::vector<MemberRecord> records;
  for (const std::string& sealed : join.member_records) {
    auto record = ParseMemberRecord(sealed, join.vault_id);
    if (!record.ok())
      return absl::DataLossError("the hub's membership: " + std::string(record.status().message()));
    records.push_back(std::move(*record));
  }
  ASSIGN_OR_RETURN(std::string authority,
                   Epoch0Authority(join.vault_id, join.current_key, records));
  Membership members(join.vault_id, authority);
  members.Add(std::move(records));
  ASSIGN_OR_RETURN(std::unique_ptr<VaultKeys> keys,
                   KeysFromCurrent(members, join.vault_id, std::move(join.current_key)));
  std::string device_id = RandomBytes(kDeviceIdBytes);
  RETURN_IF_ERROR(StoreIdentity(join.vault_id, device_id, join.wrapped_key, join.secret_key,
                                keys->vault_key(), join.member_records));
  RETURN_IF_ERROR(
      OpenJournal(std::move(keys), std::move(join.stretched), members, 0, join.device_name));
  return HexEncode(device_id);
}

}  // namespace haven
