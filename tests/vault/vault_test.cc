// The device's vault (server/vault/vault.h) over a real store: the right
// passphrase and Secret Key open the journal they sealed; a wrong one is
// refused with PERMISSION_DENIED and changes nothing; Lock drops the
// journal (its keys are wiped when the last holder lets go); the idle lock
// fires at its deadline and not before, driven by a test clock
// (Vault::set_clock, Vault::LockIfIdle) and, for the idle thread, by a wait
// on the journal's close.
#include "server/vault/vault.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "server/crypto/ids.h"
#include "server/crypto/secret_key.h"
#include "server/crypto/vault_keys.h"
#include "tests/store/temp_store.h"

namespace haven {
namespace {

using absl::StatusCode;

constexpr char kPassphrase[] = "quiet-lantern-marble-orbit-7";
constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kT0 = 1'790'000'000'000'000;  // the test clock's start

// Counts journals closed (keys wiped, Vault::set_after_close) and lets a
// test wait for one without a time bound.
class CloseCounter {
 public:
  void Closed() {
    std::lock_guard<std::mutex> lock(mu_);
    ++closed_;
    cv_.notify_all();
  }
  int closed() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  void WaitFor(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closed_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int closed_ = 0;
};

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    types_ = TypeRegistry::Create(RegistryOptions{{}, {HAVEN_BUILTIN_MANIFEST_DIR}});
    ASSERT_NE(types_->Find("checkin"), nullptr) << "built-in manifests not staged";
    absl::Status opened = testing::OpenStoreAndLog(dir_.Join("store"), &store_, &log_);
    ASSERT_TRUE(opened.ok()) << opened;
    OpenVault();
  }

  // A new Vault over the same store, as at a daemon restart.
  void OpenVault(int64_t lock_after_us = 0) {
    vault_.reset();
    vault_ = std::make_unique<Vault>(store_.get(), log_.get(), types_.get(), lock_after_us);
    vault_->set_clock([this] { return now_.load(); });
    vault_->set_after_close([this] { closes_.Closed(); });
  }

  InitResult MustInit() {
    auto init = vault_->Init(kPassphrase, "interactive");
    EXPECT_TRUE(init.ok()) << init.status();
    return init.value_or(InitResult{});
  }

  std::string MustLogCheckin() {
    auto journal = vault_->journal();
    EXPECT_TRUE(journal.ok()) << journal.status();
    if (!journal.ok()) return "";
    LogInput in;
    in.type = "checkin";
    in.fields_json = {{"mood", 6}};
    auto entry = (*journal)->Log(in);
    EXPECT_TRUE(entry.ok()) << entry.status();
    return entry.ok() ? entry->id : "";
  }

  // At or past the deadline: this check or the idle thread's, whichever
  // runs first, locks the vault.
  void Lapse() {
    vault_->LockIfIdle();
    EXPECT_FALSE(vault_->unlocked());
  }

  std::optional<std::string> Meta(std::string_view key) {
    auto value = store_->Get(Family::kMeta, key);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? *value : std::nullopt;
  }

  testing::TempDir dir_;
  std::unique_ptr<TypeRegistry> types_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
  std::atomic<int64_t> now_{kT0};
  CloseCounter closes_;
  std::unique_ptr<Vault> vault_;  // last: it goes before what it uses
};

TEST_F(VaultTest, TheRightPassphraseAfterARestartOpensWhatInitSealed) {
  InitResult init = MustInit();
  EXPECT_TRUE(vault_->unlocked()) << "init leaves the vault unlocked";
  EXPECT_TRUE(ParseSecretKey(init.secret_key).ok()) << init.secret_key;
  std::string id = MustLogCheckin();

  OpenVault();
  EXPECT_TRUE(vault_->exists());
  EXPECT_EQ(vault_->vault_id_hex(), init.vault_id);
  EXPECT_EQ(vault_->device_id_hex(), init.device_id);
  EXPECT_EQ(vault_->kdf_name(), "interactive");
  EXPECT_FALSE(vault_->unlocked());
  EXPECT_EQ(vault_->journal().status().code(), StatusCode::kUnauthenticated);

  ASSERT_TRUE(vault_->Unlock(kPassphrase, 0).ok());
  auto journal = vault_->journal();
  ASSERT_TRUE(journal.ok()) << journal.status();
  auto entry = (*journal)->Get(id);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->fields["mood"], 6);
}

TEST_F(VaultTest, AWrongPassphraseIsRefusedAndChangesNothing) {
  InitResult init = MustInit();
  vault_->Lock();
  const auto wrapped = Meta("vault/wrapped_key"), secret = Meta("vault/secret_key");
  ASSERT_TRUE(wrapped && secret);

  absl::Status refused = vault_->Unlock("quiet-lantern-marble-orbit-8", 0);
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused;
  EXPECT_FALSE(vault_->unlocked());
  EXPECT_EQ(vault_->journal().status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(vault_->locks_at_us(), 0);
  EXPECT_EQ(Meta("vault/wrapped_key"), wrapped);
  EXPECT_EQ(Meta("vault/secret_key"), secret);
  EXPECT_EQ(vault_->vault_id_hex(), init.vault_id);
  EXPECT_EQ(vault_->device_id_hex(), init.device_id);

  EXPECT_TRUE(vault_->Unlock(kPassphrase, 0).ok()) << "the right one still opens it";
}

// The device keeps its Secret Key in the store (docs/design.md, "Keys");
// with another one there, the right passphrase alone does not unwrap.
TEST_F(VaultTest, AWrongSecretKeyIsRefusedWithTheRightPassphrase) {
  MustInit();
  vault_.reset();
  const auto secret = Meta("vault/secret_key"), wrapped = Meta("vault/wrapped_key");
  ASSERT_TRUE(secret && wrapped);
  ASSERT_TRUE(
      store_->Put(Family::kMeta, "vault/secret_key", GenerateSecretKey().view(), true).ok());

  OpenVault();
  absl::Status refused = vault_->Unlock(kPassphrase, 0);
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused;
  EXPECT_FALSE(vault_->unlocked());
  EXPECT_EQ(Meta("vault/wrapped_key"), wrapped) << "a refused unlock rewrote the wrapped key";

  vault_.reset();
  ASSERT_TRUE(store_->Put(Family::kMeta, "vault/secret_key", *secret, true).ok());
  OpenVault();
  EXPECT_TRUE(vault_->Unlock(kPassphrase, 0).ok());
}

TEST_F(VaultTest, WithoutAVaultThereIsNothingToUnlock) {
  EXPECT_FALSE(vault_->exists());
  EXPECT_EQ(vault_->vault_id_hex(), "");
  EXPECT_EQ(vault_->Unlock(kPassphrase, 0).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(vault_->journal().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(vault_->hub_credential().status().code(), StatusCode::kNotFound);
}

// The vault refuses a passphrase under the zxcvbn bar (its estimate is
// tested in passphrase_strength_test), an unknown KDF profile and a second
// vault, storing nothing.
TEST_F(VaultTest, InitRefusesAWeakPassphraseAnUnknownProfileAndASecondVault) {
  absl::Status weak = vault_->Init("7chars!", "interactive").status();
  EXPECT_EQ(weak.code(), StatusCode::kInvalidArgument) << weak;
  EXPECT_NE(weak.message().find("passphrase too weak"), std::string_view::npos) << weak;
  EXPECT_FALSE(vault_->Init(kPassphrase, "no-such-profile").ok());
  EXPECT_FALSE(vault_->exists());
  EXPECT_FALSE(Meta("vault/id").has_value()) << "a refused init stored an identity";

  InitResult init = MustInit();
  const auto wrapped = Meta("vault/wrapped_key");
  auto again = vault_->Init("another-long-passphrase-here", "interactive");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status();
  EXPECT_EQ(vault_->vault_id_hex(), init.vault_id);
  EXPECT_EQ(Meta("vault/wrapped_key"), wrapped);
  EXPECT_TRUE(vault_->journal().ok()) << "a refused init dropped the open journal";
}

// A home whose identity does not read whole (here: the vault id without the
// rest) is not taken for an empty one: init and join refuse and write nothing.
TEST_F(VaultTest, AnIdentityThatDoesNotReadIsNeverOverwritten) {
  ASSERT_TRUE(store_->Put(Family::kMeta, "vault/id", "sixteen-raw-byte", /*sync=*/true).ok());
  OpenVault();
  auto init = vault_->Init(kPassphrase, "interactive");
  EXPECT_EQ(init.status().code(), StatusCode::kDataLoss) << init.status();
  JoinSecrets join;
  join.vault_id = "sixteen-raw-byte";
  join.current_key = SecretBytes::CopyOf(std::string(32, 'k'));
  join.secret_key = SecretBytes::CopyOf(std::string(16, 's'));
  join.wrapped_key = "wrapped";
  auto joined = vault_->Join(std::move(join));
  EXPECT_EQ(joined.status().code(), StatusCode::kDataLoss) << joined.status();
  EXPECT_FALSE(Meta("vault/device").has_value()) << "a refused init or join wrote an identity";
  EXPECT_EQ(Meta("vault/id"), "sixteen-raw-byte");
}

// The hub credential serves a locked vault (it only moves ciphertext), and
// its vault id is the one a hub derives from the public key.
TEST_F(VaultTest, TheHubCredentialIsThereWhileLockedAndMatchesTheVaultId) {
  InitResult init = MustInit();
  auto unlocked = vault_->hub_credential();
  ASSERT_TRUE(unlocked.ok()) << unlocked.status();
  // Unlocked, the epoch-0 auth secret key (registration) is derived.
  EXPECT_EQ(unlocked->auth_secret_key.view().substr(32), unlocked->auth_public_key);
  vault_->Lock();
  auto credential = vault_->hub_credential();
  ASSERT_TRUE(credential.ok()) << credential.status();
  EXPECT_EQ(HexEncode(credential->vault_id), init.vault_id);
  EXPECT_EQ(VaultIdFromAuthKey(credential->auth_public_key), credential->vault_id);
  // Locked: the device key logs in; no vault-derived secret is on disk.
  EXPECT_EQ(credential->device_sign_key.size(), 64u);
  EXPECT_EQ(credential->auth_secret_key.size(), 0u);
  EXPECT_FALSE(Meta("vault/auth_key").has_value());
}

TEST_F(VaultTest, LockDropsTheJournalAndItsKeysGoWithTheLastHolder) {
  MustInit();
  auto held = vault_->journal();
  ASSERT_TRUE(held.ok());
  vault_->Lock();
  EXPECT_FALSE(vault_->unlocked());
  EXPECT_EQ(vault_->PeekJournal(), nullptr);
  EXPECT_EQ(vault_->journal().status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(closes_.closed(), 0) << "closed under a request that still holds it";
  held->reset();
  EXPECT_EQ(closes_.closed(), 1);
  vault_->Lock();  // locking a locked vault is harmless
  EXPECT_EQ(closes_.closed(), 1);
}

TEST_F(VaultTest, TheIdleLockFiresAtItsDeadlineAndNotBefore) {
  OpenVault(/*lock_after_us=*/kMinute);
  MustInit();
  EXPECT_EQ(vault_->locks_at_us(), kT0 + kMinute);
  now_ = kT0 + kMinute - 1;
  EXPECT_FALSE(vault_->LockIfIdle());
  EXPECT_TRUE(vault_->unlocked());
  now_ = kT0 + kMinute;
  Lapse();
  EXPECT_EQ(vault_->locks_at_us(), 0);
  EXPECT_EQ(closes_.closed(), 1);
  EXPECT_FALSE(vault_->LockIfIdle()) << "nothing left to lock";
}

TEST_F(VaultTest, EachRequestPushesTheIdleDeadlineBackgroundReadsDoNot) {
  OpenVault(/*lock_after_us=*/kMinute);
  MustInit();
  now_ = kT0 + kMinute / 2;
  ASSERT_TRUE(vault_->journal().ok());
  EXPECT_EQ(vault_->locks_at_us(), kT0 + kMinute / 2 + kMinute);
  now_ = kT0 + kMinute;
  ASSERT_NE(vault_->PeekJournal(), nullptr);  // background sync's read
  EXPECT_EQ(vault_->locks_at_us(), kT0 + kMinute / 2 + kMinute);
  EXPECT_FALSE(vault_->LockIfIdle());
  now_ = kT0 + kMinute / 2 + kMinute;
  Lapse();
}

TEST_F(VaultTest, AnUnlocksTimeoutOverridesTheDefaultAndNoneMeansNever) {
  MustInit();  // default 0: never
  EXPECT_EQ(vault_->locks_at_us(), 0);
  now_ = kT0 + 1000 * kMinute;
  EXPECT_FALSE(vault_->LockIfIdle());
  vault_->Lock();
  ASSERT_TRUE(vault_->Unlock(kPassphrase, 5 * kMinute).ok());
  EXPECT_EQ(vault_->locks_at_us(), kT0 + 1005 * kMinute);
  now_ = kT0 + 1005 * kMinute;
  Lapse();
}

// The idle thread checks on its own (about once a second): the test moves
// the clock past the deadline and waits for the journal to close.
TEST_F(VaultTest, TheIdleThreadLocksAnIdleVaultByItself) {
  OpenVault(/*lock_after_us=*/kMinute);
  MustInit();
  now_ = kT0 + 2 * kMinute;
  closes_.WaitFor(1);
  EXPECT_FALSE(vault_->unlocked());
  EXPECT_EQ(vault_->journal().status().code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace haven
