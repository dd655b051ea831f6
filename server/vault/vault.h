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

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/crypto/key_wrap.h"
#include "server/crypto/secret_bytes.h"
#include "server/journal/journal.h"
#include "server/plugins/type_registry.h"
#include "server/store/record_log.h"
#include "server/store/store.h"

namespace haven {

// What a device needs to talk to a hub about its vault, available while
// the vault is locked: the hub only ever sees ciphertext.
// Move-only: the secret key lives in guarded memory and is wiped with it.
struct HubCredential {
  std::string vault_id;         // raw
  SecretBytes auth_secret_key;  // Ed25519, 64 bytes
  std::string auth_public_key;  // 32 bytes
  std::string wrapped_key;      // for registration (join needs passphrase + Secret Key)
};

struct InitResult {
  std::string vault_id;    // hex
  std::string device_id;   // hex
  std::string secret_key;  // formatted, shown once
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
  absl::StatusOr<InitResult> Init(std::string_view passphrase, std::string_view kdf);
  // Makes this device a member of an existing vault whose key was unwrapped
  // from `wrapped_key`, the hub's copy; leaves it unlocked. The same wrapped
  // key serves here (same passphrase, Secret Key and vault), which spares a
  // second Argon2id run. Returns the new device id (hex).
  absl::StatusOr<std::string> Join(std::string_view vault_id, SecretBytes vault_key,
                                   const SecretBytes& secret_key, std::string wrapped_key);
  // NotFound when there is no vault yet.
  absl::StatusOr<HubCredential> hub_credential() const;
  // PermissionDenied on a wrong passphrase (after a delay that grows with
  // repeated failures); FailedPrecondition when there is no vault.
  absl::Status Unlock(std::string_view passphrase, int64_t timeout_us);
  void Lock();

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
                             const SecretBytes& vault_key);
  absl::Status OpenJournal(SecretBytes vault_key, int64_t timeout_us);
  void IdleLockLoop() ABSL_LOCKS_EXCLUDED(mu_);
  int64_t NowLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store* store_;
  RecordLog* log_;
  TypeRegistry* types_;
  const int64_t default_lock_after_us_;
  std::string home_plugins_;
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
  SecretBytes auth_key_ ABSL_GUARDED_BY(mu_);    // Ed25519 secret key for hubs
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
