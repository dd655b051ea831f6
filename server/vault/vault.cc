#include "server/vault/vault.h"

#include <chrono>

#include "absl/status/status.h"
#include "common/time.h"
#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/secret_key.h"
#include "server/util/log.h"
#include "server/util/status_macros.h"
#include "server/vault/passphrase_strength.h"

namespace haven {
namespace {

constexpr char kVaultIdKey[] = "vault/id";
constexpr char kDeviceIdKey[] = "vault/device";
constexpr char kWrappedKey[] = "vault/wrapped_key";
constexpr char kSecretKey[] = "vault/secret_key";
constexpr char kAuthKey[] = "vault/auth_key";

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
  if (!device_id || !wrapped || !secret || !auth) {
    return absl::DataLossError("the vault's metadata is incomplete");
  }
  absl::MutexLock lock(&mu_);
  vault_id_ = *vault_id;
  device_id_ = *device_id;
  wrapped_key_ = *wrapped;
  secret_key_ = SecretBytes::CopyOf(*secret);
  auth_key_ = SecretBytes::CopyOf(*auth);
  WipeString(&*secret);  // the store's copies are its own (docs/design.md, "Keys")
  WipeString(&*auth);
  return absl::OkStatus();
}

absl::Status Vault::StoreIdentity(std::string_view vault_id, std::string_view device_id,
                                  std::string_view wrapped, const SecretBytes& secret_key,
                                  const SecretBytes& vault_key) {
  VaultKeys keys(SecretBytes::CopyOf(vault_key.view()));
  WriteBatch batch = store_->NewBatch();
  batch.Put(Family::kMeta, kVaultIdKey, vault_id);
  batch.Put(Family::kMeta, kDeviceIdKey, device_id);
  batch.Put(Family::kMeta, kWrappedKey, wrapped);
  batch.Put(Family::kMeta, kSecretKey, secret_key.view());
  batch.Put(Family::kMeta, kAuthKey, keys.auth_secret_key().view());
  RETURN_IF_ERROR(store_->Write(&batch, /*sync=*/true));
  return LoadIdentity();
}

absl::StatusOr<HubCredential> Vault::hub_credential() const {
  absl::MutexLock lock(&mu_);
  if (vault_id_.empty()) return absl::NotFoundError("no vault in this home yet");
  HubCredential c;
  c.vault_id = vault_id_;
  c.auth_secret_key = SecretBytes::CopyOf(auth_key_.view());
  c.auth_public_key = std::string(auth_key_.view().substr(32));  // libsodium keeps it in the tail
  c.wrapped_key = wrapped_key_;
  return c;
}

absl::StatusOr<std::string> Vault::Join(std::string_view vault_id, SecretBytes vault_key,
                                        const SecretBytes& secret_key, std::string wrapped_key) {
  RETURN_IF_ERROR(identity_status_);
  if (exists()) {
    return absl::AlreadyExistsError("this home already has a vault (" + vault_id_hex() +
                                    "); join from a fresh --home");
  }
  std::string device_id = RandomBytes(kDeviceIdBytes);
  RETURN_IF_ERROR(StoreIdentity(vault_id, device_id, wrapped_key, secret_key, vault_key));
  RETURN_IF_ERROR(OpenJournal(std::move(vault_key), 0));
  return HexEncode(device_id);
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

absl::StatusOr<InitResult> Vault::Init(std::string_view passphrase, std::string_view kdf) {
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
  ASSIGN_OR_RETURN(std::string wrapped,
                   WrapVaultKey(vault_key, passphrase, secret_key, vault_id, profile));
  RETURN_IF_ERROR(StoreIdentity(vault_id, device_id, wrapped, secret_key, vault_key));
  InitResult result{HexEncode(vault_id), HexEncode(device_id), FormatSecretKey(secret_key)};
  RETURN_IF_ERROR(OpenJournal(std::move(vault_key), 0));
  return result;
}

absl::Status Vault::Unlock(std::string_view passphrase, int64_t timeout_us) {
  std::string vault_id, wrapped;
  SecretBytes secret;
  int failures = 0;
  {
    absl::MutexLock lock(&mu_);
    if (vault_id_.empty()) {
      return absl::FailedPreconditionError("no vault in this home yet: run `haven init`");
    }
    vault_id = vault_id_;
    wrapped = wrapped_key_;
    secret = SecretBytes::CopyOf(secret_key_.view());
    failures = failed_unlocks_;
  }
  auto key = UnwrapVaultKey(wrapped, passphrase, secret, vault_id);
  if (!key.ok()) {
    if (key.status().code() == absl::StatusCode::kPermissionDenied) {
      {
        absl::MutexLock lock(&mu_);
        ++failed_unlocks_;
      }
      // Each failure in a row costs a little more time (at most 5 s) on top
      // of Argon2id, so guessing through the socket stays slow.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5000, 250 * failures)));
    }
    return key.status();
  }
  {
    absl::MutexLock lock(&mu_);
    failed_unlocks_ = 0;
  }
  return OpenJournal(std::move(*key), timeout_us);
}

absl::Status Vault::OpenJournal(SecretBytes vault_key, int64_t timeout_us) {
  VaultIdentity identity;
  {
    absl::MutexLock lock(&mu_);
    identity = {vault_id_, device_id_};
  }
  auto keys = std::make_unique<VaultKeys>(std::move(vault_key));
  ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal,
                   Journal::Open(store_, log_, &log_writer_, types_, identity, std::move(keys)));
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
  absl::MutexLock lock(&mu_);
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
