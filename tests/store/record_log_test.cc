// The record log: per-device contiguous sequences, heads that survive a
// reopen, Accept's filtering of duplicates and gaps, and ranged reads.
#include "server/store/record_log.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/crypto/ids.h"
#include "tests/store/temp_store.h"

namespace haven {
namespace {

const std::string kDeviceA(16, '\xa1');
const std::string kDeviceB(16, '\xb2');

class RecordLogTest : public ::testing::Test {
 protected:
  RecordLogTest() : key_(SecretBytes::Random(32)), vault_(RandomBytes(16)) { Reopen(); }

  void Reopen() {
    log_.reset();
    store_.reset();
    absl::Status opened = testing::OpenStoreAndLog(dir_.Join("db"), &store_, &log_);
    ASSERT_TRUE(opened.ok()) << opened;
  }

  IncomingRecord Record(const std::string& device, uint64_t seq) {
    IncomingRecord r;
    r.header.vault_id = vault_;
    r.header.device_id = device;
    r.header.seq = seq;
    r.sealed = SealRecord(key_, r.header, "body " + std::to_string(seq));
    return r;
  }

  std::vector<IncomingRecord> Records(const std::string& device, std::vector<uint64_t> seqs) {
    std::vector<IncomingRecord> out;
    for (uint64_t s : seqs) out.push_back(Record(device, s));
    return out;
  }

  // The full write path: Accept -> Stage -> Commit (durable write, heads).
  std::vector<uint64_t> Append(std::vector<IncomingRecord> records) {
    RecordLog::Append append = log_->Stage(log_->Accept(std::move(records)));
    EXPECT_TRUE(log_->Commit(&append, /*sync=*/true).ok());
    return Seqs(append.records);
  }

  static std::vector<uint64_t> Seqs(const std::vector<IncomingRecord>& records) {
    std::vector<uint64_t> out;
    for (const auto& r : records) out.push_back(r.header.seq);
    return out;
  }

  std::vector<uint64_t> ReadSeqs(const std::string& device, uint64_t from, size_t max_records,
                                 size_t max_bytes = 1 << 20) {
    auto read = log_->Read(device, from, max_records, max_bytes);
    EXPECT_TRUE(read.ok()) << read.status();
    std::vector<uint64_t> out;
    for (const auto& sealed : *read) {
      auto header = ParseRecordHeader(sealed);
      EXPECT_TRUE(header.ok()) << header.status();
      EXPECT_EQ(header->device_id, device);
      out.push_back(header->seq);
    }
    return out;
  }

  testing::TempDir dir_;
  SecretBytes key_;
  std::string vault_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
};

using Seq = std::vector<uint64_t>;

TEST_F(RecordLogTest, EmptyLogHasNoHeads) {
  EXPECT_EQ(log_->Head(kDeviceA), 0u);
  EXPECT_TRUE(log_->Heads().empty());
  EXPECT_EQ(log_->TotalRecords(), 0u);
  EXPECT_TRUE(ReadSeqs(kDeviceA, 1, 10).empty());
}

TEST_F(RecordLogTest, HeadsSurviveReopen) {
  EXPECT_EQ(Append(Records(kDeviceA, {1, 2, 3})), (Seq{1, 2, 3}));
  EXPECT_EQ(Append(Records(kDeviceB, {1, 2})), (Seq{1, 2}));
  Reopen();
  EXPECT_EQ(log_->Head(kDeviceA), 3u);
  EXPECT_EQ(log_->Head(kDeviceB), 2u);
  EXPECT_EQ(log_->TotalRecords(), 5u);
  EXPECT_EQ(log_->Heads(), (VersionVector{{kDeviceA, 3}, {kDeviceB, 2}}));
  EXPECT_EQ(ReadSeqs(kDeviceA, 1, 10), (Seq{1, 2, 3}));
  auto second = log_->Get(kDeviceB, 2);
  ASSERT_TRUE(second.ok() && second->has_value());
  auto opened = OpenRecord(key_, **second, nullptr);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "body 2");
}

TEST_F(RecordLogTest, StagedButUncommittedRecordsAreDurable) {
  // A crash after the durable write and before the heads move in memory
  // must not lose heads: they are in the batch.
  {
    RecordLog::Append append = log_->Stage(log_->Accept(Records(kDeviceA, {1, 2})));
    ASSERT_TRUE(store_->Write(&append.batch, /*sync=*/true).ok());
    EXPECT_EQ(log_->Head(kDeviceA), 0u) << "written, but not committed";
  }
  Reopen();
  EXPECT_EQ(log_->Head(kDeviceA), 2u);
}

TEST_F(RecordLogTest, AcceptKeepsContiguousRecords) {
  EXPECT_EQ(Seqs(log_->Accept(Records(kDeviceA, {1, 2, 3}))), (Seq{1, 2, 3}));
  EXPECT_EQ(Seqs(log_->Accept(Records(kDeviceA, {2, 3}))), Seq{}) << "must start at head + 1";
}

TEST_F(RecordLogTest, AcceptDropsDuplicates) {
  Append(Records(kDeviceA, {1, 2, 3}));
  EXPECT_EQ(Append(Records(kDeviceA, {2, 3, 4})), (Seq{4}));
  EXPECT_EQ(Append(Records(kDeviceA, {5, 5, 6, 6})), (Seq{5, 6}));
  EXPECT_EQ(Append(Records(kDeviceA, {1, 2, 3, 4, 5, 6})), Seq{});
  EXPECT_EQ(log_->Head(kDeviceA), 6u);
  EXPECT_EQ(ReadSeqs(kDeviceA, 1, 100), (Seq{1, 2, 3, 4, 5, 6}));
}

TEST_F(RecordLogTest, AcceptStopsAtTheFirstGap) {
  EXPECT_EQ(Append(Records(kDeviceA, {1, 2, 4, 5})), (Seq{1, 2}));
  EXPECT_EQ(log_->Head(kDeviceA), 2u);
  EXPECT_EQ(Append(Records(kDeviceA, {5})), Seq{});
  EXPECT_EQ(Append(Records(kDeviceA, {3, 4, 5})), (Seq{3, 4, 5}));
  EXPECT_FALSE(log_->Get(kDeviceA, 6)->has_value());
}

TEST_F(RecordLogTest, AcceptHandlesOutOfOrderInputAcrossDevices) {
  std::vector<IncomingRecord> mixed;
  for (auto [device, seq] : std::vector<std::pair<std::string, uint64_t>>{{kDeviceB, 2},
                                                                          {kDeviceA, 3},
                                                                          {kDeviceA, 1},
                                                                          {kDeviceB, 1},
                                                                          {kDeviceA, 2},
                                                                          {kDeviceB, 4}}) {
    mixed.push_back(Record(device, seq));
  }
  std::vector<IncomingRecord> accepted;
  accepted = log_->Accept(mixed);
  // Accept alone does not move heads.
  EXPECT_EQ(log_->Head(kDeviceA), 0u);
  EXPECT_EQ(log_->Accept(mixed).size(), accepted.size());
  ASSERT_EQ(accepted.size(), 5u);
  VersionVector last;
  for (const auto& r : accepted) {
    EXPECT_EQ(r.header.seq, last[r.header.device_id] + 1) << "sorted per device";
    last[r.header.device_id] = r.header.seq;
  }
  Append(mixed);
  EXPECT_EQ(log_->Head(kDeviceA), 3u);
  EXPECT_EQ(log_->Head(kDeviceB), 2u);
}

TEST(LogOrderTest, OrdersByDeviceThenSequence) {
  RecordHeader a1{kRecordFormatVersion, "", kDeviceA, 1}, a2{kRecordFormatVersion, "", kDeviceA, 2};
  RecordHeader b1{kRecordFormatVersion, "", kDeviceB, 1};
  EXPECT_TRUE(LogOrder(a1, a2));
  EXPECT_FALSE(LogOrder(a2, a1));
  EXPECT_TRUE(LogOrder(a2, b1)) << "device first";
  EXPECT_FALSE(LogOrder(a1, a1));
}

TEST_F(RecordLogTest, AcceptRejectsSequenceZero) {
  EXPECT_TRUE(log_->Accept(Records(kDeviceA, {0})).empty());
}

TEST_F(RecordLogTest, ReadReturnsRanges) {
  std::vector<uint64_t> seqs;
  for (uint64_t s = 1; s <= 20; ++s) seqs.push_back(s);
  Append(Records(kDeviceA, seqs));
  Append(Records(kDeviceB, {1, 2, 3}));
  EXPECT_EQ(ReadSeqs(kDeviceA, 1, 3), (Seq{1, 2, 3}));
  EXPECT_EQ(ReadSeqs(kDeviceA, 0, 2), (Seq{1, 2})) << "0 reads from the start";
  EXPECT_EQ(ReadSeqs(kDeviceA, 18, 10), (Seq{18, 19, 20}));
  EXPECT_EQ(ReadSeqs(kDeviceA, 21, 10), Seq{});
  EXPECT_EQ(ReadSeqs(kDeviceB, 2, 10), (Seq{2, 3})) << "never crosses into another device";
  EXPECT_EQ(ReadSeqs(std::string(16, '\xc3'), 1, 10), Seq{});
  // max_bytes: stops once the budget is reached (at least one record).
  size_t one = Record(kDeviceA, 1).sealed.size();
  EXPECT_EQ(ReadSeqs(kDeviceA, 5, 10, 1), (Seq{5}));
  EXPECT_EQ(ReadSeqs(kDeviceA, 5, 10, 2 * one), (Seq{5, 6}));
  EXPECT_EQ(ReadSeqs(kDeviceA, 5, 10, 2 * one + 1), (Seq{5, 6, 7}));
}

TEST_F(RecordLogTest, ReadStopsAtAGap) {
  Append(Records(kDeviceA, {1, 2, 3, 4, 5}));
  // Lose record 3 underneath the log (a damaged disk).
  WriteBatch lose = store_->NewBatch();
  lose.Delete(Family::kRecords, log_->RecordKey(kDeviceA, 3));
  ASSERT_TRUE(store_->Write(&lose, /*sync=*/false).ok());
  EXPECT_EQ(ReadSeqs(kDeviceA, 1, 10), (Seq{1, 2}));
  EXPECT_EQ(ReadSeqs(kDeviceA, 3, 10), Seq{});
  EXPECT_EQ(ReadSeqs(kDeviceA, 4, 10), (Seq{4, 5}));
}

TEST_F(RecordLogTest, ReadNeverPassesTheHead) {
  Append(Records(kDeviceA, {1, 2}));
  // A record beyond the head (written but never accepted) is not served.
  ASSERT_TRUE(
      store_->Put(Family::kRecords, log_->RecordKey(kDeviceA, 3), Record(kDeviceA, 3).sealed, false)
          .ok());
  EXPECT_EQ(ReadSeqs(kDeviceA, 1, 10), (Seq{1, 2}));
}

TEST_F(RecordLogTest, RecordKeysSortBySequence) {
  std::string device(16, '\x01');
  EXPECT_LT(log_->RecordKey(device, 2), log_->RecordKey(device, 10));
  EXPECT_LT(log_->RecordKey(device, 255), log_->RecordKey(device, 256));
  EXPECT_EQ(log_->RecordKey(device, 1).size(), 24u);
  EXPECT_NE(log_->HeadKey(device), log_->HeadKey(std::string(16, '\x02')));
}

// A hub keeps one log per vault in one store, each under its own prefix.
TEST_F(RecordLogTest, LogsUnderDifferentPrefixesAreIsolated) {
  Append(Records(kDeviceA, {1, 2}));
  const std::string other_vault(16, '\x77');
  auto other = RecordLog::Open(store_.get(), other_vault);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ((*other)->Head(kDeviceA), 0u);
  {
    RecordLog::Append append = (*other)->Stage((*other)->Accept(Records(kDeviceA, {1, 2, 3})));
    ASSERT_EQ(append.records.size(), 3u);
    ASSERT_TRUE((*other)->Commit(&append, true).ok());
  }
  EXPECT_EQ(log_->Head(kDeviceA), 2u);
  EXPECT_EQ(ReadSeqs(kDeviceA, 1, 10), (Seq{1, 2}));
  other->reset();
  Reopen();
  EXPECT_EQ(log_->Heads(), (VersionVector{{kDeviceA, 2}})) << "no heads of the other vault";
  auto reopened = RecordLog::Open(store_.get(), other_vault);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Heads(), (VersionVector{{kDeviceA, 3}}));
  auto read = (*reopened)->Read(kDeviceA, 1, 10, 1 << 20);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), 3u);
}

}  // namespace
}  // namespace haven
