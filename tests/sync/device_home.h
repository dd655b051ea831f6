// One device in the test's process: a store in a temporary directory, its
// record log, its vault (built-in manifest types) and a sync engine with no
// timer and no watchers, so that each test syncs when it says so.
#ifndef HAVEN_TESTS_SYNC_DEVICE_HOME_H_
#define HAVEN_TESTS_SYNC_DEVICE_HOME_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "server/sync/sync_engine.h"
#include "server/vault/vault.h"
#include "tests/store/temp_store.h"

namespace haven::testing {

inline constexpr char kPassphrase[] = "quiet-lantern-marble-orbit-7";

// What a device holds, to compare before and after a sync: its log's heads
// and every entry (removed ones too) as id -> its fields and times.
struct DeviceState {
  VersionVector heads;
  std::map<std::string, std::string> entries;
  bool operator==(const DeviceState&) const = default;
};

inline void PrintTo(const DeviceState& state, std::ostream* os) {
  *os << state.heads.size() << " device heads, " << state.entries.size() << " entries";
}

class DeviceHome {
 public:
  DeviceHome() {
    types_ = TypeRegistry::Create(RegistryOptions{{}, {HAVEN_BUILTIN_MANIFEST_DIR}});
    absl::Status opened = OpenStoreAndLog(dir_.Join("store"), &store_, &log_);
    EXPECT_TRUE(opened.ok()) << opened;
    if (!opened.ok()) return;
    vault_ = std::make_unique<Vault>(store_.get(), log_.get(), types_.get(), 0);
    sync_ = std::make_unique<SyncEngine>(store_.get(), log_.get(), vault_.get(), 0);
  }

  bool ok() const { return sync_ != nullptr; }
  Vault& vault() { return *vault_; }
  SyncEngine& sync() { return *sync_; }
  RecordLog& log() { return *log_; }

  // The unlocked journal, or null (with a test failure).
  std::shared_ptr<Journal> journal() {
    auto journal = vault_->journal();
    EXPECT_TRUE(journal.ok()) << journal.status();
    return journal.ok() ? *journal : nullptr;
  }

  // Logs a check-in; returns its id ("" with a test failure).
  std::string LogCheckin(int mood) {
    std::shared_ptr<Journal> j = journal();
    if (j == nullptr) return "";
    LogInput in;
    in.type = "checkin";
    in.fields_json = {{"mood", mood}};
    auto entry = j->Log(in);
    EXPECT_TRUE(entry.ok()) << entry.status();
    return entry.ok() ? entry->id : "";
  }

  // Needs the vault unlocked.
  DeviceState State() {
    DeviceState state{log_->Heads(), {}};
    std::shared_ptr<Journal> j = journal();
    if (j == nullptr) return state;
    ListFilter all;
    all.include_deleted = true;
    size_t total = 0;
    auto entries = j->List(all, &total);
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (!entries.ok()) return state;
    for (const Entry& e : *entries) {
      state.entries[e.id] = e.fields.dump() + " at " + std::to_string(e.at_us) + " updated " +
                            std::to_string(e.updated_us) + (e.deleted ? " removed" : "");
    }
    return state;
  }

 private:
  TempDir dir_;
  std::unique_ptr<TypeRegistry> types_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<SyncEngine> sync_;  // last: it goes first
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_SYNC_DEVICE_HOME_H_
