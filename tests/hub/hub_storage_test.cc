// The store-backed hub storage (server/hub/hub_storage.h) across restarts:
// the per-vault byte count and the vault count come back without a scan,
// a vault stored before the byte counter is counted once, and membership
// records stay. What every
// backend does is in hub_storage_conformance_test.cc.
#include "server/hub/hub_storage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/crypto/ids.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

const std::string kVault(16, 'v');
const std::string kDevice(16, 'd');

// A record as a hub sees one: the header, then `size` opaque bytes.
IncomingRecord Record(uint64_t seq, char fill = 'x', size_t size = 200,
                      const std::string& vault = kVault) {
  RecordHeader header{kRecordFormatVersion, vault, kDevice, seq};
  std::string sealed(1, static_cast<char>(kRecordFormatVersion));
  sealed += vault + kDevice + EncodeU64(seq);
  sealed += std::string(size, fill);
  return {header, sealed};
}

std::vector<IncomingRecord> Records(uint64_t from, uint64_t to, char fill = 'x') {
  std::vector<IncomingRecord> out;
  for (uint64_t seq = from; seq <= to; ++seq) out.push_back(Record(seq, fill));
  return out;
}

class HubStorageTest : public ::testing::Test {
 protected:
  void Open(HubStorageLimits limits = {}) {
    storage_.reset();
    store_.reset();
    auto store = Store::Open(dir_.Join("hub"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto storage = NewRocksHubStorage(store_.get(), limits);
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage_ = std::move(*storage);
  }
  uint64_t Head(const std::string& vault = kVault) {
    auto heads = storage_->Heads(vault);
    EXPECT_TRUE(heads.ok()) << heads.status();
    return heads.ok() && heads->contains(kDevice) ? heads->at(kDevice) : 0;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<HubStorage> storage_;
};

TEST_F(HubStorageTest, TheQuotaCountSurvivesARestart) {
  const uint64_t record_bytes = Record(1).sealed.size();
  HubStorageLimits limits;
  limits.max_vault_bytes = 10 * record_bytes;
  ASSERT_NO_FATAL_FAILURE(Open(limits));
  ASSERT_EQ(*storage_->Append(kVault, Records(1, 8)), 8u);
  ASSERT_NO_FATAL_FAILURE(Open(limits));  // the count comes back without a scan
  auto over = storage_->Append(kVault, Records(9, 11));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("(--max-vault-bytes)"), std::string_view::npos)
      << over.status();
  EXPECT_EQ(Head(), 8u);
  EXPECT_EQ(*storage_->Append(kVault, Records(9, 10)), 2u) << "exactly the quota fits";
}

TEST_F(HubStorageTest, AVaultStoredBeforeTheCounterIsCountedOnce) {
  const uint64_t record_bytes = Record(1).sealed.size();
  {
    // Records written the way a hub without the counter wrote them.
    auto store = Store::Open(dir_.Join("hub"));
    ASSERT_TRUE(store.ok());
    auto log = RecordLog::Open(store->get(), kVault);
    ASSERT_TRUE(log.ok());
    RecordLog::Append append = (*log)->Stage(Records(1, 9));
    ASSERT_TRUE((*log)->Commit(&append, /*sync=*/true).ok());
  }
  HubStorageLimits limits;
  limits.max_vault_bytes = 10 * record_bytes;
  ASSERT_NO_FATAL_FAILURE(Open(limits));
  EXPECT_EQ(Head(), 9u);
  EXPECT_FALSE(storage_->Append(kVault, Records(10, 11)).ok());
  EXPECT_EQ(*storage_->Append(kVault, Records(10, 10)), 1u);
}

TEST_F(HubStorageTest, TheVaultCountSurvivesARestart) {
  HubStorageLimits limits;
  limits.max_vaults = 2;
  ASSERT_NO_FATAL_FAILURE(Open(limits));
  VaultRegistration reg{std::string(32, 'k'), "wrapped"};
  ASSERT_TRUE(storage_->Register("vault-number-001", reg).ok());
  ASSERT_TRUE(storage_->Register("vault-number-002", reg).ok());
  absl::Status third = storage_->Register("vault-number-003", reg);
  EXPECT_NE(third.message().find("as many vaults as it may (--max-vaults 2)"),
            std::string_view::npos)
      << third;
  ASSERT_NO_FATAL_FAILURE(Open(limits));
  EXPECT_TRUE(storage_->Register("vault-number-001", reg).ok()) << "a device registering again";
  EXPECT_EQ(storage_->Register("vault-number-003", reg).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(*storage_->Lookup("vault-number-003"));
}

TEST_F(HubStorageTest, MemberRecordsSurviveARestartAndCountNoVault) {
  ASSERT_NO_FATAL_FAILURE(Open({.max_vaults = 1}));
  ASSERT_TRUE(storage_->AddMemberRecords(kVault, {"an enrol", "a revoke"}).ok());
  ASSERT_NO_FATAL_FAILURE(Open({.max_vaults = 1}));
  auto held = storage_->MemberRecords(kVault);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->size(), 2u);
  EXPECT_TRUE(storage_->Register(kVault, {std::string(32, 'k'), "w"}).ok())
      << "membership records are not counted as a registered vault";
}

}  // namespace
}  // namespace haven
