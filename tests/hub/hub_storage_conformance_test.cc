// What every HubStorage (server/hub/hub_storage.h) must do, run against
// the in-memory test double (tests/hub/memory_hub_storage.h) and the store
// the hub uses: registration and its bound, records that extend a device's
// sequence, a taken slot, the per-vault quota, reads in bounded pieces that
// always make progress, concurrent pushes of the same records, and the
// membership records kept per vault. What
// only a durable backend does (counts surviving a restart) is in
// hub_storage_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/crypto/ids.h"
#include "server/hub/hub_storage.h"
#include "tests/hub/memory_hub_storage.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

using absl::StatusCode;

const std::string kVault(16, 'v'), kOtherVault(16, 'w');
const std::string kDevice(16, 'd'), kOtherDevice(16, 'e');

// A record as a hub sees one: the header, then `size` opaque bytes.
IncomingRecord Record(uint64_t seq, char fill = 'x', const std::string& device = kDevice,
                      const std::string& vault = kVault) {
  RecordHeader header{kRecordFormatVersion, vault, device, seq};
  std::string sealed(1, static_cast<char>(kRecordFormatVersion));
  sealed += vault + device + EncodeU64(seq) + std::string(200, fill);
  return {header, sealed};
}

std::vector<IncomingRecord> Records(uint64_t from, uint64_t to, const std::string& vault = kVault) {
  std::vector<IncomingRecord> out;
  for (uint64_t seq = from; seq <= to; ++seq) out.push_back(Record(seq, 'x', kDevice, vault));
  return out;
}

const uint64_t kRecordBytes = Record(1).sealed.size();

struct MemoryBackend {
  absl::StatusOr<std::unique_ptr<HubStorage>> Open(HubStorageLimits limits) {
    return std::make_unique<testing::MemoryHubStorage>(limits);
  }
};

struct StoreBackend {
  // Reopens the store: the caller has let go of the storage made before.
  absl::StatusOr<std::unique_ptr<HubStorage>> Open(HubStorageLimits limits) {
    this->store.reset();
    auto store = Store::Open(dir.Join("hub"));
    if (!store.ok()) return store.status();
    this->store = std::move(*store);
    return NewRocksHubStorage(this->store.get(), limits);
  }
  testing::TempDir dir;
  std::unique_ptr<Store> store;
};

template <typename Backend>
class HubStorageConformanceTest : public ::testing::Test {
 protected:
  void Open(HubStorageLimits limits = {}) {
    storage_.reset();
    auto storage = backend_.Open(limits);
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage_ = std::move(*storage);
  }
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Open()); }

  uint64_t Head(const std::string& device = kDevice, const std::string& vault = kVault) {
    auto heads = storage_->Heads(vault);
    EXPECT_TRUE(heads.ok()) << heads.status();
    return heads.ok() && heads->contains(device) ? heads->at(device) : 0;
  }
  size_t Appended(std::vector<IncomingRecord> records, const std::string& vault = kVault) {
    auto appended = storage_->Append(vault, std::move(records));
    EXPECT_TRUE(appended.ok()) << appended.status();
    return appended.value_or(0);
  }
  std::vector<std::string> Read(uint64_t from, size_t max_records = 1000,
                                size_t max_bytes = 1 << 20) {
    auto read = storage_->Read(kVault, kDevice, from, max_records, max_bytes);
    EXPECT_TRUE(read.ok()) << read.status();
    return read.value_or(std::vector<std::string>{});
  }

  Backend backend_;  // before storage_: a store outlives its storage
  std::unique_ptr<HubStorage> storage_;
};

struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryBackend> ? "Memory" : "Store";
  }
};
using Backends = ::testing::Types<MemoryBackend, StoreBackend>;
TYPED_TEST_SUITE(HubStorageConformanceTest, Backends, BackendNames);

// A registration stays as first made: a second one with the same key is
// a device registering again, one with another key is refused.
TYPED_TEST(HubStorageConformanceTest, ARegistrationIsKeptAndNotTakenOver) {
  HubStorage& storage = *this->storage_;
  EXPECT_FALSE(*storage.Lookup(kVault));
  const VaultRegistration reg{std::string(32, 'k'), "wrapped"};
  ASSERT_TRUE(storage.Register(kVault, reg).ok());
  EXPECT_TRUE(storage.Register(kVault, {reg.auth_public_key, "wrapped again"}).ok());
  absl::Status taken = storage.Register(kVault, {std::string(32, 'q'), "mine now"});
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists) << taken;
  auto held = storage.Lookup(kVault);
  ASSERT_TRUE(held.ok() && held->has_value());
  EXPECT_EQ((*held)->auth_public_key, reg.auth_public_key);
  EXPECT_EQ((*held)->wrapped_key, "wrapped");
  EXPECT_FALSE(*storage.Lookup(kOtherVault));
}

// Membership records are kept per vault, each once, apart from the log.
TYPED_TEST(HubStorageConformanceTest, MemberRecordsAreKeptPerVaultEachOnce) {
  HubStorage& storage = *this->storage_;
  EXPECT_TRUE(storage.MemberRecords(kVault)->empty());
  ASSERT_TRUE(storage.AddMemberRecords(kVault, {"enrol a", "enrol b"}).ok());
  ASSERT_TRUE(storage.AddMemberRecords(kVault, {"enrol b", "revoke b"}).ok());
  ASSERT_TRUE(storage.AddMemberRecords(kOtherVault, {"elsewhere"}).ok());
  auto held = storage.MemberRecords(kVault);
  ASSERT_TRUE(held.ok()) << held.status();
  std::sort(held->begin(), held->end());
  EXPECT_EQ(*held, (std::vector<std::string>{"enrol a", "enrol b", "revoke b"}));
  EXPECT_EQ(*storage.MemberRecords(kOtherVault), std::vector<std::string>{"elsewhere"});
  EXPECT_EQ(this->Head(kDevice, kVault), 0u) << "membership records are not in the log";
}

TYPED_TEST(HubStorageConformanceTest, MaxVaultsRefusesANewVaultNotAKnownOne) {
  ASSERT_NO_FATAL_FAILURE(this->Open({.max_vaults = 2}));
  HubStorage& storage = *this->storage_;
  const VaultRegistration reg{std::string(32, 'k'), "wrapped"};
  ASSERT_TRUE(storage.Register("vault-number-001", reg).ok());
  EXPECT_FALSE(storage.Register("vault-number-001", {std::string(32, 'q'), "w"}).ok());
  ASSERT_TRUE(storage.Register("vault-number-002", reg).ok());
  absl::Status third = storage.Register("vault-number-003", reg);
  EXPECT_EQ(third.code(), StatusCode::kResourceExhausted) << third;
  EXPECT_NE(third.message().find("--max-vaults 2"), std::string_view::npos) << third;
  EXPECT_FALSE(*storage.Lookup("vault-number-003"));
  EXPECT_TRUE(storage.Register("vault-number-001", reg).ok()) << "a device registering again";
}

TYPED_TEST(HubStorageConformanceTest, RecordsExtendEachSequenceInAnyOrderUpToAGap) {
  EXPECT_TRUE(this->storage_->Heads(kVault)->empty());
  EXPECT_EQ(this->Appended({Record(3), Record(1), Record(2)}), 3u);
  EXPECT_EQ(this->Head(), 3u);
  EXPECT_EQ(this->Appended({Record(5), Record(6)}), 0u) << "after a gap";
  EXPECT_EQ(this->Head(), 3u);
  EXPECT_EQ(this->Appended({Record(6), Record(4), Record(5), Record(8)}), 3u);
  EXPECT_EQ(this->Head(), 6u);
  EXPECT_EQ(this->Appended({Record(1, 'x', kOtherDevice), Record(7)}), 2u);
  auto heads = this->storage_->Heads(kVault);
  EXPECT_EQ(*heads, (VersionVector{{kDevice, 7}, {kOtherDevice, 1}}));
  EXPECT_TRUE(this->storage_->Heads(kOtherVault)->empty()) << "vaults are apart";
  EXPECT_TRUE(this->storage_->Persist().ok());
}

TYPED_TEST(HubStorageConformanceTest, ReadsComeBackInOrderInBoundedPieces) {
  ASSERT_EQ(this->Appended(Records(1, 5)), 5u);
  std::vector<std::string> all = this->Read(1);
  ASSERT_EQ(all.size(), 5u);
  for (uint64_t seq = 1; seq <= 5; ++seq) EXPECT_EQ(all[seq - 1], Record(seq).sealed);
  EXPECT_EQ(this->Read(0), all) << "sequences start at 1";
  EXPECT_EQ(this->Read(4), std::vector<std::string>(all.begin() + 3, all.end()));
  EXPECT_TRUE(this->Read(6).empty());
  EXPECT_EQ(this->Read(2, 2), std::vector<std::string>(all.begin() + 1, all.begin() + 3));
  // A hub's Pull loop stops at an empty read: a record bigger than the
  // byte bound comes alone rather than not at all.
  EXPECT_EQ(this->Read(3, 1000, 1), std::vector<std::string>{all[2]});
  size_t about_two = this->Read(1, 1000, 2 * kRecordBytes).size();
  EXPECT_GE(about_two, 2u);
  EXPECT_LE(about_two, 3u);
  auto other = this->storage_->Read(kOtherVault, kDevice, 1, 1000, 1 << 20);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty()) << "read another vault's records";
}

TYPED_TEST(HubStorageConformanceTest, TheSameBytesAgainAreADuplicateOtherBytesAreRefused) {
  ASSERT_EQ(this->Appended(Records(1, 3)), 3u);
  EXPECT_EQ(this->Appended(Records(1, 3)), 0u) << "a duplicate is harmless";
  std::vector<IncomingRecord> batch = Records(4, 5);
  batch.push_back(Record(2, 'y'));  // slot 2 is taken by other bytes
  auto refused = this->storage_->Append(kVault, batch);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(refused.status().message().find("sequence 2"), std::string_view::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find(HexEncode(kDevice)), std::string_view::npos)
      << refused.status();
  EXPECT_EQ(this->Head(), 3u) << "records 4 and 5 of the refused batch were stored";
  EXPECT_EQ(this->Read(2, 1), std::vector<std::string>{Record(2).sealed});
}

TYPED_TEST(HubStorageConformanceTest, TwoDifferentRecordsForOneFreeSlotInOneBatchAreRefused) {
  auto refused = this->storage_->Append(kVault, {Record(1, 'a'), Record(1, 'b')});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(this->Head(), 0u);
  EXPECT_EQ(this->Appended({Record(1, 'a'), Record(1, 'a')}), 1u);
  EXPECT_EQ(this->Read(1), std::vector<std::string>{Record(1, 'a').sealed});
}

TYPED_TEST(HubStorageConformanceTest, TheQuotaRefusesTheBatchThatWouldPassItPerVault) {
  ASSERT_NO_FATAL_FAILURE(this->Open({.max_vault_bytes = 10 * kRecordBytes}));
  ASSERT_EQ(this->Appended(Records(1, 8)), 8u);
  auto over = this->storage_->Append(kVault, Records(9, 11));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(over.status().message().find("--max-vault-bytes"), std::string_view::npos)
      << over.status();
  EXPECT_EQ(this->Head(), 8u) << "what fit before stays; nothing of the refused batch is stored";
  EXPECT_EQ(this->Appended(Records(9, 10)), 2u) << "exactly the quota fits";
  EXPECT_FALSE(this->storage_->Append(kVault, Records(11, 11)).ok());
  EXPECT_EQ(this->Appended(Records(1, 10)), 0u) << "duplicates cost nothing";
  EXPECT_EQ(this->Appended(Records(1, 10, kOtherVault), kOtherVault), 10u)
      << "another vault has a quota of its own";
}

// Two devices pushing the same records at once (a retried push racing
// the first) store each once; pushes to other vaults go on beside them.
TYPED_TEST(HubStorageConformanceTest, ConcurrentPushesOfTheSameRecordsStoreEachOnce) {
  constexpr uint64_t kRecords = 200;
  std::vector<size_t> accepted(4, 0);
  std::vector<std::thread> pushers;
  for (int t = 0; t < 4; ++t) {
    const std::string vault = t < 3 ? kVault : kOtherVault;
    pushers.emplace_back([&, t, vault] {
      for (uint64_t from = 1; from <= kRecords; from += 10) {
        auto n = this->storage_->Append(vault, Records(from, from + 9, vault));
        if (n.ok()) accepted[t] += *n;
      }
    });
  }
  for (auto& p : pushers) p.join();
  EXPECT_EQ(accepted[0] + accepted[1] + accepted[2], kRecords);
  EXPECT_EQ(accepted[3], kRecords);
  EXPECT_EQ(this->Head(), kRecords);
  EXPECT_EQ(this->Head(kDevice, kOtherVault), kRecords);
  std::vector<std::string> all = this->Read(1);
  ASSERT_EQ(all.size(), kRecords);
  for (uint64_t seq = 1; seq <= kRecords; ++seq) ASSERT_EQ(all[seq - 1], Record(seq).sealed);
}

}  // namespace
}  // namespace haven
