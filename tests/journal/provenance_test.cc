// CheckProvenance (server/journal/provenance.h) over real signed, chained
// format-2 records and a real RecordLog in a temporary store: a run of a
// device's records holds when its chain holds and a record signed by the
// device's enrolled key vouches for it (the run's last, or when that one
// fails the nearest before it); a break, a foreign signature, a device not
// enrolled or a record beyond a revoked device's cut fails from there on;
// format-1 records of a device not enrolled pass; records at or below the
// log's head are left to the log.
#include "server/journal/provenance.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <string>
#include <vector>

#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"
#include "tests/membership/member_fixture.h"
#include "tests/store/temp_store.h"

namespace haven {
namespace {

using testing::KeyPair;
using testing::MemberVault;
using testing::TestDevice;

class ProvenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::OpenStoreAndLog(dir_.Join("store"), &store_, &log_).ok());
    randombytes_buf(record_key_.data(), 32);
    enrol_ = Enrol(dev_);
  }

  // The device's Enrol (its first record), added to the membership.
  std::string Enrol(TestDevice& device) {
    std::string sealed =
        vault_.Write(device, vault_.Enrol(device, vault_.authority0()), MemberVault::Hlc(++hlc_));
    AddMember(sealed);
    return sealed;
  }

  void AddMember(const std::string& sealed) {
    auto parsed = ParseMemberRecord(sealed, vault_.vault_id());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    members_.Add({*std::move(parsed)});
  }

  // An entry record (epoch 0) of `device` at `seq` chained to `prev_hash`,
  // signed by `signer`.
  std::string Sealed(const TestDevice& device, uint64_t seq, const std::string& prev_hash,
                     const KeyPair& signer) {
    RecordHeader header;
    header.vault_id = vault_.vault_id();
    header.device_id = device.id;
    header.seq = seq;
    header.epoch = 0;
    header.prev_hash = prev_hash;
    std::string sealed = SealRecord(record_key_, header, "entry " + std::to_string(seq));
    SignRecord(&sealed, signer.secret_key);
    return sealed;
  }

  // The device's next entry record, chained to its head and signed by
  // `signer` (its own key unless a forgery is wanted). With `prev_hash`,
  // chained there instead (a broken chain).
  std::string Entry(TestDevice& device, const KeyPair* signer = nullptr,
                    const std::string* prev_hash = nullptr) {
    std::string sealed =
        Sealed(device, device.seq + 1, prev_hash != nullptr ? *prev_hash : device.head_hash,
               signer != nullptr ? *signer : device.key);
    ++device.seq;
    device.head_hash = RecordChainHash(sealed);
    return sealed;
  }

  // A format-1 record (no chain, no signature) of `device`'s next sequence.
  std::string LegacyEntry(TestDevice& device) {
    RecordHeader header;
    header.version = kRecordFormatV1;
    header.vault_id = vault_.vault_id();
    header.device_id = device.id;
    header.seq = ++device.seq;
    std::string sealed = SealRecord(record_key_, header, "legacy entry");
    device.head_hash = RecordChainHash(sealed);
    return sealed;
  }

  // Stores records in the log as a pull that accepted them would.
  void Keep(const std::vector<std::string>& sealed) {
    std::vector<IncomingRecord> records;
    for (const std::string& s : sealed) {
      auto header = ParseRecordHeader(s);
      ASSERT_TRUE(header.ok()) << header.status();
      records.push_back({*header, s});
    }
    RecordLog::Append append = log_->Stage(log_->Accept(std::move(records)));
    ASSERT_EQ(append.records.size(), sealed.size()) << "not a contiguous extension";
    ASSERT_TRUE(log_->Commit(&append, /*sync=*/false).ok());
  }

  // CheckProvenance of `sealed`, every record's header parsed; good[i] per
  // record (as 0/1 ints, for readable failures).
  std::vector<int> Check(const std::vector<std::string>& sealed, std::vector<char> good = {}) {
    std::vector<RecordHeader> headers;
    for (const std::string& s : sealed) {
      auto header = ParseRecordHeader(s);
      EXPECT_TRUE(header.ok()) << header.status();
      headers.push_back(header.ok() ? *header : RecordHeader{});
    }
    if (good.empty()) good.assign(sealed.size(), 1);
    CheckProvenance(*log_, members_, sealed, headers, &good);
    return std::vector<int>(good.begin(), good.end());
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RecordLog> log_;
  MemberVault vault_;
  Membership members_ = vault_.NewMembership();
  SecretBytes record_key_{32};
  uint64_t hlc_ = 0;
  TestDevice dev_;     // enrolled in SetUp
  std::string enrol_;  // its Enrol, seq 1
};

TEST_F(ProvenanceTest, AGoodRunPasses) {
  std::vector<std::string> run{enrol_, Entry(dev_), Entry(dev_), Entry(dev_)};
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 1, 1}));
  // In any order in the batch: the run is checked in sequence order.
  EXPECT_EQ(Check({run[3], run[1], run[0], run[2]}), (std::vector<int>{1, 1, 1, 1}));
}

TEST_F(ProvenanceTest, ARunSignedByAnotherKeyFailsWhole) {
  Keep({enrol_});
  const KeyPair other = KeyPair::Make();  // a member forging the device's records
  std::vector<std::string> run{Entry(dev_, &other), Entry(dev_, &other), Entry(dev_, &other)};
  EXPECT_EQ(Check(run), (std::vector<int>{0, 0, 0}));
  // Only the last one's signature is checked when it holds: one by the
  // device's key vouches for the whole chain before it.
  run.push_back(Entry(dev_));
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 1, 1}));
}

TEST_F(ProvenanceTest, ARunWhoseLastSignatureIsByAnotherKeyLosesThatRecord) {
  Keep({enrol_});
  const KeyPair other = KeyPair::Make();
  std::vector<std::string> run{Entry(dev_), Entry(dev_), Entry(dev_, &other)};
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 0}));
  // And what follows the forged record fails with it.
  run.push_back(Entry(dev_, &other));
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 0, 0}));
}

TEST_F(ProvenanceTest, ABrokenChainFailsFromThereOn) {
  const std::string elsewhere(kChainHashBytes, 'x');
  std::vector<std::string> run{enrol_, Entry(dev_), Entry(dev_)};
  run.push_back(Entry(dev_, nullptr, &elsewhere));  // seq 4, signed, chained wrong
  run.push_back(Entry(dev_));                       // 5 and 6 chained to it, signed
  run.push_back(Entry(dev_));
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 1, 0, 0, 0}));
}

TEST_F(ProvenanceTest, ARecordOfADeviceNotEnrolledFails) {
  TestDevice stranger;  // has a key of its own, never enrolled
  std::vector<std::string> batch{Entry(stranger), Entry(stranger), enrol_, Entry(dev_)};
  EXPECT_EQ(Check(batch), (std::vector<int>{0, 0, 1, 1}));
}

TEST_F(ProvenanceTest, AFormat1RecordOfAnUnknownDevicePasses) {
  TestDevice old;  // a device of a vault made before device keys
  std::vector<std::string> batch{LegacyEntry(old), LegacyEntry(old)};
  EXPECT_EQ(Check(batch), (std::vector<int>{1, 1}));
  // The control: an enrolled device (legacy_until 0) may not write format 1.
  Keep({enrol_});
  EXPECT_EQ(Check({LegacyEntry(dev_)}), (std::vector<int>{0}));
}

TEST_F(ProvenanceTest, ARunContinuingTheLogChainsToTheStoredRecord) {
  const std::string second = Entry(dev_);
  Keep({enrol_, second});
  // Another seq 2, never stored, and a seq 3 after it, both signed by the
  // device's own key: only the chain to the stored record tells them apart.
  const std::string other_second = Sealed(dev_, 2, RecordChainHash(enrol_), dev_.key);
  ASSERT_NE(RecordChainHash(other_second), RecordChainHash(second));
  const std::string forked_third = Sealed(dev_, 3, RecordChainHash(other_second), dev_.key);
  const std::string third = Entry(dev_);
  const std::string fourth = Entry(dev_);
  EXPECT_EQ(Check({forked_third}), (std::vector<int>{0}));
  EXPECT_EQ(Check({forked_third, fourth}), (std::vector<int>{0, 0}));
  EXPECT_EQ(Check({third, fourth}), (std::vector<int>{1, 1}));
}

TEST_F(ProvenanceTest, ARevokedDevicesRecordsBeyondItsCutFailUpToItPass) {
  TestDevice revoker;
  Enrol(revoker);
  std::vector<std::string> run{enrol_, Entry(dev_), Entry(dev_), Entry(dev_), Entry(dev_)};
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 1, 1, 1})) << "the control, before the revoke";
  AddMember(vault_.Write(
      revoker, MemberVault::Revoke(dev_.id, 3, RecordChainHash(run[2]), {RecordChainHash(enrol_)}),
      MemberVault::Hlc(++hlc_)));
  ASSERT_TRUE(members_.Find(dev_.id) != nullptr && members_.Find(dev_.id)->revoked);
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 1, 0, 0}));
}

// The revoked device signs another chain up to its cut (its key still
// signs): a device that has not held those records yet takes only the
// chain the revoker held, whose hash the Revoke names.
TEST_F(ProvenanceTest, ARevokedDevicesForkedChainUpToItsCutIsRefused) {
  TestDevice revoker;
  Enrol(revoker);
  const std::string second = Entry(dev_);
  const std::string third = Entry(dev_);
  AddMember(vault_.Write(
      revoker, MemberVault::Revoke(dev_.id, 3, RecordChainHash(third), {RecordChainHash(enrol_)}),
      MemberVault::Hlc(++hlc_)));
  const std::string other_second = Sealed(dev_, 2, RecordChainHash(enrol_), dev_.key);
  const std::string other_third = Sealed(dev_, 3, RecordChainHash(other_second), dev_.key);
  EXPECT_EQ(Check({enrol_, other_second, other_third}), (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(Check({enrol_, second, third}), (std::vector<int>{1, 1, 1})) << "the control";
}

TEST_F(ProvenanceTest, RecordsAtOrBelowTheHeadAreLeftAlone) {
  const std::string second = Entry(dev_);
  const std::string third = Entry(dev_);
  Keep({enrol_, second, third});
  // A forged copy of seq 3 (another key, another chain): the log drops it
  // as already held, so the check does not look at it.
  const KeyPair other = KeyPair::Make();
  const std::string forged_third = Sealed(dev_, 3, std::string(kChainHashBytes, 'x'), other);
  const std::string fourth = Entry(dev_);
  EXPECT_EQ(Check({second, forged_third, fourth}), (std::vector<int>{1, 1, 1}));
  // A record whose header did not parse stays refused.
  EXPECT_EQ(Check({fourth}, {0}), (std::vector<int>{0}));
}

// Only the first copy of a sequence in a batch is checked; the log's Accept
// then keeps the first copy still marked good. So when the first copy fails,
// a second one must not stay marked good unchecked.
TEST_F(ProvenanceTest, ASecondCopyOfARefusedRecordInTheBatchIsRefusedToo) {
  TestDevice revoker;
  Enrol(revoker);
  std::vector<std::string> run{enrol_, Entry(dev_), Entry(dev_)};
  AddMember(vault_.Write(
      revoker, MemberVault::Revoke(dev_.id, 2, RecordChainHash(run[1]), {RecordChainHash(enrol_)}),
      MemberVault::Hlc(++hlc_)));
  // Seq 3 is beyond the cut, served twice.
  run.push_back(Sealed(dev_, 3, RecordChainHash(run[1]), dev_.key));
  EXPECT_EQ(Check(run), (std::vector<int>{1, 1, 0, 0}));
}

TEST_F(ProvenanceTest, AForgeryBehindABrokenCopyIsRefused) {
  Keep({enrol_});
  const std::string second = Entry(dev_);
  const KeyPair other = KeyPair::Make();  // another member's key
  const std::string broken = Sealed(dev_, 3, std::string(kChainHashBytes, 'x'), dev_.key);
  const std::string forged = Sealed(dev_, 3, RecordChainHash(second), other);
  EXPECT_EQ(Check({second, forged}), (std::vector<int>{1, 0})) << "the control";
  EXPECT_EQ(Check({second, broken, forged}), (std::vector<int>{1, 0, 0}));
}

}  // namespace
}  // namespace haven
