#include "server/vault/vault.h"

#include <sodium.h>
#include <unistd.h>

#include <chrono>

#include "absl/status/status.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/secret_key.h"
#include "server/journal/vault_state.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"
#include "server/vault/passphrase_strength.h"

namespace haven {
namespace {

constexpr char kVaultIdKey[] = "vault/id";
constexpr char kDeviceIdKey[] = "vault/device";
constexpr char kWrappedKey[] = "vault/wrapped_key";
constexpr char kSecretKey[] = "vault/secret_key";
// Epoch 0's auth secret key, which homes made before device keys kept
// unsealed; read while present, dropped once the device enrols.
constexpr char kAuthKey[] = "vault/auth_key";
constexpr char kAuthPublic[] = "vault/auth_public";  // the key the vault id derives from
static_assert(std::string_view(kWrappedKey) == kMetaWrappedKey);
static_assert(std::string_view(kSecretKey) == kMetaSecretKey);

SecretBytes NewDeviceKey() {
  SecretBytes secret(crypto_sign_SECRETKEYBYTES);
  std::string public_key(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_keypair(reinterpret_cast<uint8_t*>(public_key.data()), secret.data());
  return secret;
}

std::string HostName() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') return "this device";
  return host;
}

}  // namespace

Vault::Vault(Store* store, RecordLog* log, TypeRegistry* types, int64_t default_lock_after_us)
    : store_(store), log_(log), types_(types), default_lock_after_us_(default_lock_after_us) {
  identity_status_ = LoadIdentity();
  if (!identity_status_.ok()) {
    // Init and Join refuse from now on: writing a new identity over one
    // that did not read would lose the vault.
    Log(LogLevel::kError, "the vault's identity could not be read",
        {{"error", std::string(identity_status_.message())}});
  }
  idle_thread_ = std::thread([this] { IdleLockLoop(); });
}

Vault::~Vault() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  idle_thread_.join();
}

absl::Status Vault::LoadIdentity() {
  ASSIGN_OR_RETURN(auto vault_id, store_->Get(Family::kMeta, kVaultIdKey));
  if (!vault_id) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto device_id, store_->Get(Family::kMeta, kDeviceIdKey));
  ASSIGN_OR_RETURN(auto wrapped, store_->Get(Family::kMeta, kWrappedKey));
  ASSIGN_OR_RETURN(auto secret, store_->Get(Family::kMeta, kSecretKey));
  ASSIGN_OR_RETURN(auto auth, store_->Get(Family::kMeta, kAuthKey));
  ASSIGN_OR_RETURN(auto auth_public, store_->Get(Family::kMeta, kAuthPublic));
  ASSIGN_OR_RETURN(auto device_key, store_->Get(Family::kMeta, kMetaDeviceKey));
  if (!device_id || !wrapped || !secret || (!auth && !auth_public)) {
    return absl::DataLossError("the vault's metadata is incomplete");
  }
  if (!auth_public) {
    auth_public = auth->substr(32);  // libsodium keeps the public key in the tail
    RETURN_IF_ERROR(store_->Put(Family::kMeta, kAuthPublic, *auth_public, /*sync=*/true));
  }
  if (!device_key) {
    // A home made before device keys: its key is made now and enrolled at
    // the next unlock (docs/design.md, "Devices and key epochs").
    SecretBytes made = NewDeviceKey();
    RETURN_IF_ERROR(store_->Put(Family::kMeta, kMetaDeviceKey, made.view(), /*sync=*/true));
    device_key = std::string(made.view());
  }
  absl::MutexLock lock(&mu_);
  vault_id_ = *vault_id;
  device_id_ = *device_id;
  wrapped_key_ = *wrapped;
  secret_key_ = SecretBytes::CopyOf(*secret);
  auth_key_ = auth ? SecretBytes::CopyOf(*auth) : SecretBytes();
  auth_public_ = *auth_public;
  device_key_ = SecretBytes::CopyOf(*device_key);
  WipeString(&*secret);  // the store's copies are its own (docs/design.md, "Keys")
  if (auth) WipeString(&*auth);
  WipeString(&*device_key);
  return absl::OkStatus();
}

absl::Status Vault::StoreIdentity(std::string_view vault_id, std::string_view device_id,
                                  std::string_view wrapped, const SecretBytes& secret_key,
                                  const SecretBytes& vault_key,
                                  const std::vector<std::string>& member_records) {
  VaultKeys keys(SecretBytes::CopyOf(vault_key.view()));  // epoch 0's
  WriteBatch batch = store_->NewBatch();
  batch.Put(Family::kMeta, kVaultIdKey, vault_id);
  batch.Put(Family::kMeta, kDeviceIdKey, device_id);
  batch.Put(Family::kMeta, kWrappedKey, wrapped);
  batch.Put(Family::kMeta, kSecretKey, secret_key.view());
  batch.Put(Family::kMeta, kAuthPublic, keys.auth_public_key());
  batch.Put(Family::kMeta, kMetaDeviceKey, NewDeviceKey().view());
  for (const std::string& sealed : member_records) {
    auto header = ParseRecordHeader(sealed);
    if (header.ok())
      batch.Put(Family::kMeta, MemberMetaKey(header->device_id, header->seq), sealed);
  }
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  return LoadIdentity();
}

absl::StatusOr<Membership> Vault::StoredMembership() const {
  std::string vault_id, authority;
  {
    absl::MutexLock lock(&mu_);
    vault_id = vault_id_;
    authority = auth_public_;
  }
  return ReadMembership(*store_, vault_id, authority);
}

absl::StatusOr<std::string> Vault::CurrentWrapped(const Membership& members) const {
  if (members.wrap_generation() > 0) return members.wrapped_key();
  ASSIGN_OR_RETURN(auto stored, store_->Get(Family::kMeta, kWrappedKey));
  if (!stored) return absl::DataLossError("the vault's wrapped key is missing");
  return *stored;
}

absl::StatusOr<HubCredential> Vault::BaseCredential() const {
  absl::MutexLock lock(&mu_);
  if (vault_id_.empty()) return absl::NotFoundError("no vault in this home yet");
  HubCredential c;
  c.vault_id = vault_id_;
  // Epoch 0's auth secret key registers the vault on a hub: derived from
  // the vault key while unlocked, never kept on disk.
  if (journal_ != nullptr) {
    c.auth_secret_key = SecretBytes::CopyOf(journal_->keys().auth_secret_key().view());
  } else if (auth_key_.size() > 0) {
    c.auth_secret_key = SecretBytes::CopyOf(auth_key_.view());
  }
  c.auth_public_key = auth_public_;
  c.wrapped_key = wrapped_key_;
  c.device_id = device_id_;
  c.device_sign_key = SecretBytes::CopyOf(device_key_.view());
  return c;
}

absl::StatusOr<HubCredential> Vault::hub_credential() const {
  ASSIGN_OR_RETURN(HubCredential c, BaseCredential());
  ASSIGN_OR_RETURN(Membership members, StoredMembership());
  ASSIGN_OR_RETURN(c.wrapped_key, CurrentWrapped(members));
  for (const MemberRecord& record : members.records()) c.member_records.push_back(record.sealed);
  // Without an enrolment of its own, the device still logs in as the vault
  // (a vault made before device keys, until its next unlock).
  const DeviceState* self = members.Find(c.device_id);
  if (self == nullptr || !self->enrolled) c.device_id.clear();
  return c;
}

bool Vault::exists() const {
  absl::MutexLock lock(&mu_);
  return !vault_id_.empty();
}

std::string Vault::vault_id_hex() const {
  absl::MutexLock lock(&mu_);
  return HexEncode(vault_id_);
}

std::string Vault::device_id_hex() const {
  absl::MutexLock lock(&mu_);
  return HexEncode(device_id_);
}

std::string Vault::kdf_name() const {
  absl::MutexLock lock(&mu_);
  auto profile = WrappedKeyProfile(wrapped_key_);
  return profile.ok() ? profile->name : "";
}

absl::Status Vault::OpenJournal(std::unique_ptr<VaultKeys> keys, SecretBytes stretched,
                                const Membership& members, int64_t timeout_us,
                                std::string_view device_name) {
  VaultIdentity identity;
  DeviceSecrets secrets;
  {
    absl::MutexLock lock(&mu_);
    identity = {vault_id_, device_id_};
    secrets.sign_key = SecretBytes::CopyOf(device_key_.view());
    secrets.secret_key = SecretBytes::CopyOf(secret_key_.view());
  }
  secrets.stretched = std::move(stretched);
  ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal,
                   Journal::Open(store_, log_, &log_writer_, types_, identity, std::move(keys),
                                 std::move(secrets), members, snapshot_path_));
  SettleMembership(journal.get(), device_name);
  if (!home_plugins_.empty()) {
    absl::Status published = journal->PublishLocalTypes(home_plugins_);
    if (!published.ok()) {
      Log(LogLevel::kWarn, "could not share custom types",
          {{"error", std::string(published.message())}});
    }
  }
  // In-flight requests may hold the journal past a lock; whoever lets go
  // last destroys it and then runs after_close_.
  std::shared_ptr<Journal> shared(journal.release(),
                                  [after_close = after_close_](Journal* closing) {
                                    delete closing;
                                    if (after_close) after_close();
                                  });
  std::shared_ptr<Journal> replaced;  // destroyed after mu_ is released
  absl::MutexLock lock(&mu_);
  replaced = std::move(journal_);
  journal_ = std::move(shared);
  lock_after_us_ = timeout_us > 0 ? timeout_us : default_lock_after_us_;
  locks_at_us_ = lock_after_us_ > 0 ? NowLocked() + lock_after_us_ : 0;
  wake_.SignalAll();
  return absl::OkStatus();
}

void Vault::DropStoredAuthKey() {
  {
    absl::MutexLock lock(&mu_);
    if (auth_key_.size() == 0) return;
  }
  // A home from before device keys kept epoch 0's auth secret key on disk;
  // an enrolled device needs it only while unlocked, when it derives it.
  WriteBatch batch = store_->NewBatch();
  batch.Delete(Family::kMeta, kAuthKey);
  if (!store_->Write(&batch, /*sync=*/true).ok()) return;
  absl::MutexLock lock(&mu_);
  auth_key_ = SecretBytes();
}

void Vault::Settle() {
  std::shared_ptr<Journal> journal = PeekJournal();
  if (journal != nullptr && !journal->keys_lost()) SettleMembership(journal.get(), "");
}

void Vault::SettleMembership(Journal* journal, std::string_view device_name) {
  if (!journal->enrolled()) {
    absl::Status enrolled = journal->Enrol(device_name.empty() ? HostName() : device_name);
    if (!enrolled.ok()) {
      Log(LogLevel::kError, "could not enrol this device",
          {{"error", std::string(enrolled.message())}});
    }
  }
  if (journal->enrolled()) DropStoredAuthKey();
  // A revoke or rename of this device that a concurrent rotation voided.
  auto redone = journal->RedoVoided();
  if (!redone.ok() || *redone > 0) {
    Log(redone.ok() ? LogLevel::kInfo : LogLevel::kWarn,
        "wrote again membership changes a concurrent rotation had voided",
        {{"result",
          redone.ok() ? std::to_string(*redone) : std::string(redone.status().message())}});
  }
  Membership members = journal->members();
  const DeviceState* self = members.Find(journal->identity().device_id);
  if (members.NeedsRotation() && self != nullptr && self->enrolled && !self->revoked) {
    auto epoch = journal->Rotate(nullptr);  // docs/design.md: a revoked device holds the key
    Log(epoch.ok() ? LogLevel::kInfo : LogLevel::kWarn, "rotated the vault key after a revocation",
        {{"result", epoch.ok() ? std::to_string(*epoch) : std::string(epoch.status().message())}});
  }
}

void Vault::Lock() {
  std::shared_ptr<Journal> dropped;
  {
    absl::MutexLock lock(&mu_);
    dropped = std::move(journal_);
    locks_at_us_ = 0;
  }
  // Keys are wiped when the last in-flight request lets go of the journal.
}

absl::StatusOr<std::shared_ptr<Journal>> Vault::journal() {
  std::shared_ptr<Journal> dropped;  // destroyed after mu_ is released
  absl::MutexLock lock(&mu_);
  if (journal_ && journal_->keys_lost()) {
    // A rotation arrived that this unlock's passphrase does not open
    // (docs/design.md, "Devices and key epochs"): ask for it again.
    dropped = std::move(journal_);
    locks_at_us_ = 0;
  }
  if (!journal_) {
    if (vault_id_.empty()) {
      return absl::FailedPreconditionError("no vault in this home yet: run `haven init`");
    }
    return absl::UnauthenticatedError("vault is locked");
  }
  if (lock_after_us_ > 0) locks_at_us_ = NowLocked() + lock_after_us_;
  return journal_;
}

std::shared_ptr<Journal> Vault::PeekJournal() const {
  absl::MutexLock lock(&mu_);
  return journal_;
}

bool Vault::unlocked() const {
  absl::MutexLock lock(&mu_);
  return journal_ != nullptr;
}

int64_t Vault::locks_at_us() const {
  absl::MutexLock lock(&mu_);
  return locks_at_us_;
}

void Vault::set_clock(std::function<int64_t()> now) {
  absl::MutexLock lock(&mu_);
  now_ = std::move(now);
}

int64_t Vault::NowLocked() const { return now_ ? now_() : NowMicros(); }

bool Vault::LockIfIdle() {
  std::shared_ptr<Journal> dropped;  // destroyed after mu_ is released
  {
    absl::MutexLock lock(&mu_);
    if (!journal_ || locks_at_us_ == 0 || NowLocked() < locks_at_us_) return false;
    dropped = std::move(journal_);
    locks_at_us_ = 0;
  }
  return true;
}

void Vault::IdleLockLoop() {
  mu_.Lock();
  while (!stopping_) {
    wake_.WaitWithTimeout(&mu_, absl::Seconds(1));
    if (stopping_) break;
    mu_.Unlock();
    LockIfIdle();
    mu_.Lock();
  }
  mu_.Unlock();
}

}  // namespace haven
