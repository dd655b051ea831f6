// A journal over a real store in a temporary directory, with the
// build tree's built-in plugins, that tests can close and reopen.
#ifndef HAVEN_TESTS_JOURNAL_JOURNAL_TEST_SUPPORT_H_
#define HAVEN_TESTS_JOURNAL_JOURNAL_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <string>
#include <vector>

#include "server/crypto/ids.h"
#include "server/crypto/key_wrap.h"
#include "server/journal/journal.h"
#include "server/model/entry_json.h"
#include "server/plugins/type_registry.h"
#include "tests/store/temp_store.h"

namespace haven::testing {

class JournalTestBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = TypeRegistry::Create(
                    RegistryOptions{{HAVEN_BUILTIN_NATIVE_DIR}, {HAVEN_BUILTIN_MANIFEST_DIR}})
                    .release();
    ASSERT_NE(registry_->Find("checkin"), nullptr) << "built-in manifests not staged";
    ASSERT_NE(registry_->Find("break"), nullptr) << "built-in native plugins not built";
  }

  JournalTestBase()
      : vault_key_(GenerateVaultKey().view()),
        identity_{RandomBytes(kVaultIdBytes), RandomBytes(kDeviceIdBytes)},
        device_key_(crypto_sign_SECRETKEYBYTES) {
    std::string public_key(crypto_sign_PUBLICKEYBYTES, '\0');
    crypto_sign_keypair(reinterpret_cast<uint8_t*>(public_key.data()), device_key_.data());
  }

  void SetUp() override { OpenAll(); }

  std::unique_ptr<VaultKeys> Keys() const {
    return std::make_unique<VaultKeys>(SecretBytes::CopyOf(vault_key_));
  }

  void OpenStore() {
    absl::Status opened = OpenStoreAndLog(dir_.Join("db"), &store_, &log_);
    ASSERT_TRUE(opened.ok()) << opened;
  }

  // This device's secrets: a fresh device key and Secret Key; no stretched
  // passphrase (these tests never rotate).
  DeviceSecrets Secrets() const {
    DeviceSecrets secrets;
    secrets.sign_key = SecretBytes::CopyOf(device_key_.view());
    secrets.secret_key = SecretBytes::Random(20);
    return secrets;
  }
  // The vault's membership: none yet, as in a vault made before device keys.
  Membership Members() const { return Membership(identity_.vault_id, Keys()->auth_public_key()); }

  void OpenJournal() {
    auto journal = Journal::Open(store_.get(), log_.get(), &log_writer_, registry_, identity_,
                                 Keys(), Secrets(), Members(), snapshot_path_);
    ASSERT_TRUE(journal.ok()) << journal.status();
    journal_ = std::move(*journal);
  }

  void OpenAll() {
    OpenStore();
    OpenJournal();
  }

  void CloseAll() {
    journal_.reset();
    log_.reset();
    store_.reset();
  }

  // Writes one entry or fails the test.
  Entry MustLog(const std::string& type, const nlohmann::json& fields, int64_t at_us,
                std::vector<std::string> tags = {}, std::string id = "") {
    LogInput in;
    in.type = type;
    in.fields_json = fields;
    in.at_us = at_us;
    in.tags = std::move(tags);
    in.id = std::move(id);
    auto entry = journal_->Log(in);
    EXPECT_TRUE(entry.ok()) << entry.status();
    return entry.ok() ? *entry : Entry();
  }

  // Drops one key underneath the journal (a damaged disk).
  void DeleteKey(Family family, std::string_view key) {
    WriteBatch batch = store_->NewBatch();
    batch.Delete(family, key);
    ASSERT_TRUE(store_->Write(&batch, /*sync=*/true).ok());
  }

  uint64_t LocalHead() const { return log_->Head(identity_.device_id); }

  std::vector<std::string> ListIds(const ListFilter& filter) const {
    auto entries = journal_->List(filter, nullptr);
    EXPECT_TRUE(entries.ok()) << entries.status();
    std::vector<std::string> ids;
    if (entries.ok()) {
      for (const Entry& e : *entries) ids.push_back(e.id);
    }
    return ids;
  }

  // Every entry (deleted ones too) as JSON text, newest first.
  std::vector<std::string> Dump() const {
    ListFilter all;
    all.include_deleted = true;
    auto entries = journal_->List(all, nullptr);
    EXPECT_TRUE(entries.ok()) << entries.status();
    std::vector<std::string> out;
    if (entries.ok()) {
      for (const Entry& e : *entries) out.push_back(EntryToJson(e).dump());
    }
    return out;
  }

  // Lives for the process: native plugins are never unloaded.
  static TypeRegistry* registry_;
  TempDir dir_;
  std::string vault_key_;
  VaultIdentity identity_;
  SecretBytes device_key_;  // this device's Ed25519 key
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
  absl::Mutex log_writer_;  // the log's one writer lock, as the Vault keeps it
  std::unique_ptr<Journal> journal_;
  std::string snapshot_path_;  // where journals keep the index snapshot; empty: none
};

inline TypeRegistry* JournalTestBase::registry_ = nullptr;

// 2026-11-20T00:00:00Z plus whole hours, in microseconds.
inline int64_t At(int hours) {
  return (int64_t{1'795'132'800} + int64_t{hours} * 3600) * 1'000'000;
}

}  // namespace haven::testing

#endif  // HAVEN_TESTS_JOURNAL_JOURNAL_TEST_SUPPORT_H_
