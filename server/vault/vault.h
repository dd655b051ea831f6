// This device's vault: its identity and wrapped key on disk, and the
// unlocked journal in memory while the key is cached.
//
// Thread safety: all methods may be called from any thread.
#ifndef HAVEN_SERVER_VAULT_VAULT_H_
#define HAVEN_SERVER_VAULT_VAULT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/secret_bytes.h"
#include "server/journal/journal.h"
#include "server/membership/membership.h"
#include "server/plugins/type_registry.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace haven {

// What a device needs to talk to a hub about its vault, available while
// the vault is locked: the hub only ever sees ciphertext.
// Move-only: the secret key lives in guarded memory and is wiped with it.
struct HubCredential {
  std::string vault_id;         // raw
  SecretBytes auth_secret_key;  // Ed25519, 64 bytes: the epoch-0 vault key, for registration
  std::string auth_public_key;  // 32 bytes
  std::string wrapped_key;      // the newest wrapped key (join needs passphrase + Secret Key)
  std::string device_id;        // raw, 16 bytes
  SecretBytes
      device_sign_key;  // Ed25519, 64 bytes: logins (docs/design.md, "Devices and key epochs")
  // Every membership record this device holds, in the order they apply:
  // what a hub that does not know this device yet is sent first.
  std::vector<std::string> member_records;
};

// One device of the vault as `haven device list` shows it.
struct DeviceView {
  std::string device_id;  // hex
  std::string name;       // empty when none could be read
  bool current = false;   // this device
  bool enrolled = false;  // false: known only by records from before device keys
  bool revoked = false;
  int64_t added_us = 0;
  std::string added_by;  // hex device id; empty: it joined with passphrase and Secret Key
  uint64_t seq = 0;      // its sequence head here
  int64_t revoked_us = 0;
  std::string revoked_by;    // hex
  int64_t last_seen_us = 0;  // its last login at a hub, as this device heard at a sync
};

struct RekeyResult {
  uint32_t epoch = 0;
  std::string secret_key;  // formatted; only with a new Secret Key
};

// The emergency kit: what a new device needs besides the passphrase.
struct EmergencyKit {
  std::string vault_id;    // hex
  std::string secret_key;  // formatted
};

struct InitResult {
  std::string vault_id;    // hex
  std::string device_id;   // hex
  std::string secret_key;  // formatted, shown once
};

// What `haven join` hands the vault once the hub's wrapped key opened.
struct JoinSecrets {
  std::string vault_id;                     // raw
  std::vector<std::string> member_records;  // the hub's
  SecretBytes current_key;                  // the current epoch's vault key
  SecretBytes stretched;                    // the passphrase for `wrapped_key`'s salt
  SecretBytes secret_key;
  std::string wrapped_key;
  std::string device_name;
};

// The key derivation profile of a vault whose client names none
// (server/crypto/key_wrap.h; `haven init` sends its own default, the same).
inline constexpr std::string_view kDefaultKdfProfile = "moderate";

class Vault {
 public:
  // `store`, `log` and `types` must outlive the vault. `default_lock_after_us`
  // is the idle time after which the key is forgotten (0: never).
  Vault(Store* store, RecordLog* log, TypeRegistry* types, int64_t default_lock_after_us);
  ~Vault();

  bool exists() const;
  // Hex ids; empty when there is no vault yet.
  std::string vault_id_hex() const;
  std::string device_id_hex() const;
  std::string kdf_name() const;

  // Creates a vault and leaves it unlocked. AlreadyExists when there is
  // one; InvalidArgument for a passphrase under the strength bar
  // (passphrase_strength.h) or an unknown profile. An empty `kdf` means
  // kDefaultKdfProfile.
  absl::StatusOr<InitResult> Init(std::string_view passphrase, std::string_view kdf,
                                  std::string_view device_name = "");
  // Makes this device a member of an existing vault whose current key was
  // unwrapped from `join.wrapped_key`, the hub's copy, and enrols it;
  // leaves it unlocked. The same wrapped key serves here (same passphrase,
  // Secret Key and vault), which spares a second Argon2id run. Returns the
  // new device id (hex).
  absl::StatusOr<std::string> Join(JoinSecrets join);
  // NotFound when there is no vault yet.
  absl::StatusOr<HubCredential> hub_credential() const;
  // PermissionDenied on a wrong passphrase (after a delay that grows with
  // repeated failures); FailedPrecondition when there is no vault.
  absl::Status Unlock(std::string_view passphrase, int64_t timeout_us);
  void Lock();

  // Devices (docs/design.md, "Devices and key epochs"). Each needs the
  // vault unlocked; `id` is a full hex id or a unique prefix (NotFound /
  // InvalidArgument naming `device` otherwise). Revoke, Rekey,
  // ChangePassphrase and ShowKit check `passphrase` first
  // (PermissionDenied, nothing changed, nothing secret returned).
  // Revoking this device is FailedPrecondition.
  absl::StatusOr<std::vector<DeviceView>> ListDevices();
  absl::StatusOr<DeviceView> RenameDevice(std::string_view id, std::string_view name);
  absl::StatusOr<DeviceView> RevokeDevice(std::string_view id, std::string_view passphrase);
  absl::StatusOr<RekeyResult> Rekey(std::string_view passphrase, bool new_secret_key);
  // InvalidArgument for a new passphrase under the strength bar.
  absl::Status ChangePassphrase(std::string_view current, std::string_view next);
  absl::StatusOr<EmergencyKit> ShowKit(std::string_view passphrase);

  // Membership records a hub holds (docs/design.md, "Devices and key
  // epochs"), added to this device's: a new wrapped key or a Secret Key
  // boxed for this device takes effect here even while locked. Records
  // that do not parse are passed over.
  absl::Status AddMemberRecords(const std::vector<std::string>& sealed) ABSL_LOCKS_EXCLUDED(mu_);
  // Keeps when a hub last saw each device (hex id -> microseconds), the
  // newest of what every hub said.
  absl::Status NoteLastSeen(const std::map<std::string, int64_t>& last_seen);
  // After a sync pulled records: enrols this device if it is not yet, and
  // rotates when a revoked device still holds the current key (both only
  // while unlocked).
  void Settle() ABSL_LOCKS_EXCLUDED(mu_);

  // The unlocked journal, or Unauthenticated("vault is locked"). Each call
  // counts as activity for the idle lock.
  absl::StatusOr<std::shared_ptr<Journal>> journal();
  // The journal when unlocked, without counting as activity (background sync).
  std::shared_ptr<Journal> PeekJournal() const;
  bool unlocked() const;
  int64_t locks_at_us() const;
  // Manifest types under this directory are shared through the vault at
  // every unlock (see Journal::PublishLocalTypes).
  void set_home_plugins(std::string dir) { home_plugins_ = std::move(dir); }
  // Where each journal keeps its index snapshot between a lock and the next
  // unlock (docs/design.md, "Index snapshot"); empty: none. Set before the
  // first Init/Unlock/Join.
  void set_snapshot_path(std::string path) { snapshot_path_ = std::move(path); }
  // Runs each time an unlocked journal has been destroyed (at `haven lock`,
  // the idle lock, shutdown), on the thread that let go of it last, with
  // no lock held: its keys are wiped and its index freed by then. Set it
  // before the first unlock.
  void set_after_close(std::function<void()> after_close) { after_close_ = std::move(after_close); }

  // The idle lock's clock, microseconds since the epoch (default: the
  // wall clock, NowMicros). A seam for tests, which move time themselves
  // and then call LockIfIdle; set it before the first Init/Unlock/Join.
  void set_clock(std::function<int64_t()> now);
  // Drops the journal when the vault has been idle up to its deadline
  // (locks_at_us); returns whether it did. The idle thread calls this about
  // once a second.
  bool LockIfIdle();

 private:
  absl::Status LoadIdentity();
  absl::Status StoreIdentity(std::string_view vault_id, std::string_view device_id,
                             std::string_view wrapped, const SecretBytes& secret_key,
                             const SecretBytes& vault_key,
                             const std::vector<std::string>& member_records = {});
  // This device's membership as stored, and the wrapped key it unlocks with.
  absl::StatusOr<Membership> StoredMembership() const ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<HubCredential> BaseCredential() const ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::string> CurrentWrapped(const Membership& members) const;
  absl::Status OpenJournal(std::unique_ptr<VaultKeys> keys, SecretBytes stretched,
                           const Membership& members, int64_t timeout_us,
                           std::string_view device_name) ABSL_LOCKS_EXCLUDED(mu_);
  // After an open: enrol a device of a vault made before device keys, and
  // rotate when a revoked device still holds the current key.
  void SettleMembership(Journal* journal, std::string_view device_name);
  void DropStoredAuthKey() ABSL_LOCKS_EXCLUDED(mu_);
  // The stretched passphrase when it opens the current wrapped key, after
  // the failure delay otherwise (PermissionDenied). Also the key it opens.
  absl::StatusOr<SecretBytes> CheckPassphrase(std::string_view passphrase,
                                              SecretBytes* current_key = nullptr)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The same, against a membership the caller has read already.
  absl::StatusOr<SecretBytes> CheckPassphrase(std::string_view passphrase,
                                              const Membership& members, SecretBytes* current_key)
      ABSL_LOCKS_EXCLUDED(mu_);
  void PauseAfterFailure() ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::string> ResolveDevice(const Membership& members, std::string_view id) const;
  DeviceView ViewOf(const Journal& journal, const DeviceState& device) const;
  void IdleLockLoop() ABSL_LOCKS_EXCLUDED(mu_);
  int64_t NowLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store* store_;
  RecordLog* log_;
  TypeRegistry* types_;
  const int64_t default_lock_after_us_;
  std::string home_plugins_;
  std::string snapshot_path_;
  std::function<void()> after_close_;

  // How reading the identity went when the vault was made; set before the
  // idle thread starts and never after.
  absl::Status identity_status_;
  // The log's one writer lock, shared by every journal this vault opens
  // (Journal::Open says why).
  absl::Mutex log_writer_;
  mutable absl::Mutex mu_;
  std::string vault_id_ ABSL_GUARDED_BY(mu_);   // raw
  std::string device_id_ ABSL_GUARDED_BY(mu_);  // raw
  std::string wrapped_key_ ABSL_GUARDED_BY(mu_);
  // Both kept in guarded memory for the daemon's life (docs/design.md,
  // "Keys", says why the device holds them); copied out only into other
  // SecretBytes.
  SecretBytes secret_key_ ABSL_GUARDED_BY(mu_);  // raw Secret Key
  // Epoch 0's auth secret key: only in a home from before device keys, until
  // it enrols (docs/design.md, "Keys"); empty otherwise.
  SecretBytes auth_key_ ABSL_GUARDED_BY(mu_);
  std::string auth_public_ ABSL_GUARDED_BY(mu_);  // the key the vault id derives from
  SecretBytes device_key_ ABSL_GUARDED_BY(mu_);   // this device's Ed25519 key
  std::shared_ptr<Journal> journal_ ABSL_GUARDED_BY(mu_);
  int64_t lock_after_us_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t locks_at_us_ ABSL_GUARDED_BY(mu_) = 0;
  int failed_unlocks_ ABSL_GUARDED_BY(mu_) = 0;
  std::function<int64_t()> now_ ABSL_GUARDED_BY(mu_);  // empty: NowMicros

  absl::CondVar wake_;  // signalled when stopping_ or the idle deadline change
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread idle_thread_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_VAULT_VAULT_H_
