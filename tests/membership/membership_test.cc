// Membership's rules, one at a time, over real signed records: enrolment
// and its authority, renames, revokes and their cut, what Admits lets in,
// forged and rule-breaking records (kept, without effect), wraps and epochs.
#include "server/membership/membership.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/membership/member_fixture.h"

namespace haven {
namespace {

using testing::KeyPair;
using testing::MemberVault;
using testing::TestDevice;

class MembershipTest : public ::testing::Test {
 protected:
  MemberRecord EnrolRecord(TestDevice& device, uint64_t hlc) {
    return vault_.Record(device, vault_.Enrol(device, vault_.authority0()), MemberVault::Hlc(hlc));
  }

  MemberVault vault_;
  Membership membership_ = vault_.NewMembership();
  TestDevice a_, b_, c_;
};

TEST_F(MembershipTest, StartsEmptyAtEpochZero) {
  EXPECT_TRUE(membership_.empty());
  EXPECT_EQ(membership_.current_epoch(), 0u);
  EXPECT_EQ(membership_.current().authority_public_key, vault_.authority0().public_key);
  EXPECT_TRUE(membership_.ActiveDevices().empty());
  EXPECT_FALSE(membership_.NeedsRotation());
  EXPECT_TRUE(membership_.wrapped_key().empty());
  EXPECT_EQ(membership_.wrap_generation(), 0u);
  EXPECT_EQ(membership_.epoch(1), nullptr);
}

TEST_F(MembershipTest, EnrolsADeviceSignedByTheAuthority) {
  membership_.Add({EnrolRecord(a_, 1)});
  const DeviceState* a = membership_.Find(a_.id);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->enrolled);
  EXPECT_FALSE(a->revoked);
  EXPECT_EQ(a->sign_public_key, a_.key.public_key);
  EXPECT_EQ(a->enrol_seq, 1u);
  EXPECT_EQ(a->enrol_epoch, 0u);
  EXPECT_EQ(a->enrolled_at_us, MemberVault::kNowUs);
  EXPECT_EQ(a->name.sealed(), std::string(64, 'n'));
  EXPECT_EQ(membership_.SigningKey(a_.id), a_.key.public_key);
  EXPECT_EQ(membership_.ActiveDevices(), std::vector<std::string>{a_.id});
  EXPECT_EQ(membership_.current().holders.count(a_.id), 1u);
  EXPECT_TRUE(membership_.Admits(a_.id, 1, false).ok());
}

TEST_F(MembershipTest, IgnoresAnEnrolWithAWrongAuthoritySignature) {
  KeyPair stranger = KeyPair::Make();
  membership_.Add({vault_.Record(a_, vault_.Enrol(a_, stranger), MemberVault::Hlc(1))});
  EXPECT_FALSE(membership_.empty());            // kept...
  EXPECT_EQ(membership_.Find(a_.id), nullptr);  // ...without effect
  EXPECT_TRUE(membership_.SigningKey(a_.id).empty());
  absl::Status admits = membership_.Admits(a_.id, 1, false);
  EXPECT_EQ(admits.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(admits.message(), "device " + HexEncode(a_.id).substr(0, 8) + " is not enrolled");
}

TEST_F(MembershipTest, IgnoresAnEnrolSignedByAnotherKeyThanItCarries) {
  KeyPair other = KeyPair::Make();
  membership_.Add(
      {vault_.Record(a_, vault_.Enrol(a_, vault_.authority0()), MemberVault::Hlc(1), &other)});
  EXPECT_EQ(membership_.Find(a_.id), nullptr);
}

TEST_F(MembershipTest, IgnoresAnEnrolForAnOldEpochAfterARotation) {
  KeyPair authority1 = KeyPair::Make();
  membership_.Add(
      {EnrolRecord(a_, 1),
       vault_.Record(a_, MemberVault::Epoch(1, authority1, {&a_}, "w1"), MemberVault::Hlc(2)),
       vault_.Record(b_, vault_.Enrol(b_, vault_.authority0(), 0), MemberVault::Hlc(3)),
       vault_.Record(c_, vault_.Enrol(c_, authority1, 1), MemberVault::Hlc(4))});
  EXPECT_EQ(membership_.current_epoch(), 1u);
  EXPECT_EQ(membership_.Find(b_.id), nullptr);
  ASSERT_NE(membership_.Find(c_.id), nullptr);
  EXPECT_EQ(membership_.Find(c_.id)->enrol_epoch, 1u);
  EXPECT_EQ(membership_.current().holders, (std::set<std::string>{a_.id, c_.id}));
  // Stamped before the rotation, it still has no effect: the rotation had
  // not seen it (a revoked device keeps epoch 0's authority key).
  TestDevice d;
  const MemberRecord late =
      vault_.Record(d, vault_.Enrol(d, vault_.authority0(), 0), MemberVault::Hlc(1));
  membership_.Add({late});
  EXPECT_EQ(membership_.Find(d.id), nullptr);
  EXPECT_EQ(membership_.epoch(0)->holders.count(d.id), 0u);
}

TEST_F(MembershipTest, RenamesAnyKnownDevice) {
  membership_.Add({EnrolRecord(a_, 1), EnrolRecord(b_, 2),
                   vault_.Record(a_, MemberVault::Rename(b_, "new b"), MemberVault::Hlc(3)),
                   vault_.Record(b_, MemberVault::Rename(b_, "newer b"), MemberVault::Hlc(4)),
                   vault_.Record(a_, MemberVault::Rename(c_, "nobody"), MemberVault::Hlc(5))});
  EXPECT_EQ(membership_.Find(b_.id)->name.sealed(), "newer b");
  EXPECT_EQ(membership_.Find(a_.id)->name.sealed(), std::string(64, 'n'));
  EXPECT_EQ(membership_.Find(c_.id), nullptr);
}

TEST_F(MembershipTest, RevokeKeepsRecordsUpToTheCut) {
  membership_.Add({EnrolRecord(a_, 1), EnrolRecord(b_, 2)});
  b_.seq = 6;  // b wrote entries 2..6 that a had pulled
  membership_.Add({vault_.Record(a_, MemberVault::Revoke(b_.id, 6), MemberVault::Hlc(3))});
  const DeviceState* b = membership_.Find(b_.id);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->revoked);
  EXPECT_EQ(b->cut, 6u);
  EXPECT_EQ(b->revoked_by, a_.id);
  EXPECT_EQ(b->revoked_at_us, MemberVault::kNowUs);
  EXPECT_TRUE(membership_.Admits(b_.id, 6, false).ok());
  absl::Status after = membership_.Admits(b_.id, 7, false);
  EXPECT_EQ(after.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(after.message(), "device " + HexEncode(b_.id).substr(0, 8) + " was revoked");
  EXPECT_FALSE(membership_.Admits(b_.id, 7, true).ok());
  EXPECT_EQ(membership_.ActiveDevices(), std::vector<std::string>{a_.id});
  EXPECT_EQ(membership_.SigningKey(b_.id), b_.key.public_key);  // its kept records verify
  EXPECT_TRUE(membership_.NeedsRotation());                     // it holds epoch 0's key
}

TEST_F(MembershipTest, IgnoresASelfRevokeAndASecondRevoke) {
  membership_.Add({EnrolRecord(a_, 1), EnrolRecord(b_, 2), EnrolRecord(c_, 3),
                   vault_.Record(a_, MemberVault::Revoke(a_.id, 1), MemberVault::Hlc(4)),
                   vault_.Record(b_, MemberVault::Revoke(c_.id, 1), MemberVault::Hlc(5)),
                   vault_.Record(a_, MemberVault::Revoke(c_.id, 9), MemberVault::Hlc(6))});
  EXPECT_FALSE(membership_.Find(a_.id)->revoked);
  EXPECT_EQ(membership_.Find(c_.id)->revoked_by, b_.id);
  EXPECT_EQ(membership_.Find(c_.id)->cut, 1u);
}

TEST_F(MembershipTest, IgnoresARevokedWritersOpsBeyondItsCut) {
  membership_.Add({EnrolRecord(a_, 1), EnrolRecord(b_, 2),
                   vault_.Record(b_, MemberVault::Rename(b_, "kept"), MemberVault::Hlc(3)),
                   vault_.Record(a_, MemberVault::Revoke(b_.id, 2), MemberVault::Hlc(4)),
                   vault_.Record(b_, MemberVault::Rename(b_, "late"), MemberVault::Hlc(5)),
                   vault_.Record(b_, MemberVault::Wrap(0, "late key"), MemberVault::Hlc(6))});
  EXPECT_EQ(membership_.Find(b_.id)->name.sealed(), "kept");
  EXPECT_TRUE(membership_.wrapped_key().empty());
  // Its record at the cut, stamped after the revoke, still counts.
  TestDevice d;
  membership_.Add(
      {EnrolRecord(d, 7), vault_.Record(d, MemberVault::Revoke(a_.id, 3), MemberVault::Hlc(8))});
  membership_.Add({vault_.Record(a_, MemberVault::Rename(a_, "at cut"), MemberVault::Hlc(9))});
  EXPECT_EQ(a_.seq, 3u);
  EXPECT_EQ(membership_.Find(a_.id)->name.sealed(), "at cut");
}

TEST_F(MembershipTest, IgnoresOpsOfDevicesThatAreNotEnrolled) {
  membership_.Add({vault_.Record(a_, MemberVault::Revoke(b_.id, 1), MemberVault::Hlc(1)),
                   vault_.Record(a_, MemberVault::Wrap(0, "w"), MemberVault::Hlc(2))});
  EXPECT_EQ(membership_.Find(b_.id), nullptr);
  EXPECT_TRUE(membership_.wrapped_key().empty());
  EXPECT_EQ(membership_.records().size(), 2u);
}

TEST_F(MembershipTest, IgnoresForgedRecords) {
  membership_.Add({EnrolRecord(a_, 1), EnrolRecord(b_, 2)});
  // b writes in a's name, signing with its own key.
  membership_.Add(
      {vault_.Record(a_, MemberVault::Revoke(b_.id, 1), MemberVault::Hlc(3), &b_.key),
       vault_.Record(a_, MemberVault::Rename(a_, "forged"), MemberVault::Hlc(4), &b_.key),
       vault_.Record(a_, MemberVault::Epoch(1, KeyPair::Make(), {&b_}, "w"), MemberVault::Hlc(5),
                     &b_.key)});
  EXPECT_FALSE(membership_.Find(b_.id)->revoked);
  EXPECT_EQ(membership_.Find(a_.id)->name.sealed(), std::string(64, 'n'));
  EXPECT_EQ(membership_.current_epoch(), 0u);
}

TEST_F(MembershipTest, AdmitsLegacyRecordsUpToLegacyUntil) {
  EXPECT_TRUE(membership_.Admits(a_.id, 5, true).ok());  // no membership yet
  a_.seq = 5;                                            // five format-1 records before a's upgrade
  membership_.Add(
      {vault_.Record(a_, vault_.Enrol(a_, vault_.authority0(), 0, 5), MemberVault::Hlc(1))});
  EXPECT_EQ(membership_.Find(a_.id)->legacy_until, 5u);
  EXPECT_TRUE(membership_.Admits(a_.id, 5, true).ok());
  EXPECT_EQ(membership_.Admits(a_.id, 6, true).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(membership_.Admits(a_.id, 5, false).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(membership_.Admits(a_.id, 6, false).ok());
  EXPECT_TRUE(membership_.Admits(a_.id, 60, false).ok());
}

// Format 1 is sealed under epoch 0's key, which a revoked device keeps:
// after a rotation, a device that has not enrolled keeps only the format-1
// records the rotation saw, and a device it never saw none; once it
// enrols (under the current epoch), its legacy_until counts.
TEST_F(MembershipTest, AfterARotationALegacyDeviceKeepsOnlyWhatTheRotationSaw) {
  TestDevice legacy, unseen;
  legacy.seq = 5;  // five format-1 records that a holds
  membership_.Add({EnrolRecord(a_, 1)});
  EXPECT_TRUE(membership_.Admits(unseen.id, 9, true).ok()) << "epoch 0: any format-1 record";
  KeyPair authority1 = KeyPair::Make();
  membership_.Add({vault_.Record(
      a_, vault_.SeenOnly(MemberVault::Epoch(1, authority1, {&a_}, "w1"), {&a_, &legacy}),
      MemberVault::Hlc(2))});
  ASSERT_EQ(membership_.current_epoch(), 1u);
  EXPECT_TRUE(membership_.Admits(legacy.id, 5, true).ok());
  EXPECT_EQ(membership_.Admits(legacy.id, 6, true).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(membership_.Admits(unseen.id, 1, true).code(), absl::StatusCode::kPermissionDenied);

  legacy.seq = 8;  // it wrote three more before it upgraded
  membership_.Add(
      {vault_.Record(legacy, vault_.Enrol(legacy, authority1, 1, 8), MemberVault::Hlc(3))});
  EXPECT_TRUE(membership_.Find(legacy.id)->enrolled);
  EXPECT_TRUE(membership_.Admits(legacy.id, 8, true).ok());
}

// A revoked device still holds its device key: it can sign another record
// into a slot it had used, at or below its cut. The revoke lists the hashes
// of the target's membership records the revoker held: a device that holds
// the revoke refuses the other record as it arrives, and the fold voids it
// wherever it is stamped.
TEST_F(MembershipTest, ARevokedDevicesRecordRewrittenBelowItsCutHasNoEffect) {
  const MemberRecord enrol_b = EnrolRecord(b_, 1);
  TestDevice b_fork;  // b's id and chain before its rename; signed below with b's key
  b_fork.id = b_.id;
  b_fork.seq = b_.seq;
  b_fork.head_hash = b_.head_hash;
  const MemberRecord rename =
      vault_.Record(b_, MemberVault::Rename(b_, "real"), MemberVault::Hlc(5));
  const MemberRecord forged =
      vault_.Record(b_fork, MemberVault::Rename(b_, "forged"), MemberVault::Hlc(3), &b_.key);
  const MemberRecord revoke = vault_.Record(
      a_,
      MemberVault::Revoke(b_.id, 2, RecordChainHash(rename.sealed),
                          {RecordChainHash(enrol_b.sealed), RecordChainHash(rename.sealed)}),
      MemberVault::Hlc(10));
  membership_.Add({EnrolRecord(a_, 1), enrol_b, rename, revoke});
  ASSERT_TRUE(membership_.Find(b_.id)->revoked);
  EXPECT_FALSE(membership_.TakesNow(forged));
  EXPECT_TRUE(membership_.TakesNow(rename));
  membership_.Add({forged});
  EXPECT_FALSE(membership_.Applied(forged));
  EXPECT_TRUE(membership_.Applied(rename));
  EXPECT_EQ(membership_.Find(b_.id)->name.sealed(), "real");
}

// Membership records travel apart from the log, so a revoker may hold some
// of the target's beyond its log head (the cut): those it lists keep their
// effect; one it did not hold has none, above the cut as below.
TEST_F(MembershipTest, ARevokedDevicesMembershipRecordsCountOnlyIfItsRevokerHeldThem) {
  const MemberRecord enrol_b = EnrolRecord(b_, 1);
  const MemberRecord held = vault_.Record(b_, MemberVault::Rename(b_, "held"), MemberVault::Hlc(2));
  // Held too, though stamped after the revoke (a clock running ahead).
  const MemberRecord held_late =
      vault_.Record(b_, MemberVault::Rename(a_, "held late"), MemberVault::Hlc(20));
  const MemberRecord later =
      vault_.Record(b_, MemberVault::Rename(b_, "later"), MemberVault::Hlc(3));
  const MemberRecord revoke = vault_.Record(
      a_,
      MemberVault::Revoke(b_.id, 1, RecordChainHash(enrol_b.sealed),
                          {RecordChainHash(enrol_b.sealed), RecordChainHash(held.sealed),
                           RecordChainHash(held_late.sealed)}),
      MemberVault::Hlc(10));
  membership_.Add({EnrolRecord(a_, 1), enrol_b, held, held_late, later, revoke});
  EXPECT_TRUE(membership_.Find(b_.id)->revoked);
  EXPECT_EQ(membership_.Find(b_.id)->cut, 1u);
  EXPECT_TRUE(membership_.Applied(held));
  EXPECT_TRUE(membership_.Applied(held_late));
  EXPECT_FALSE(membership_.Applied(later));
  EXPECT_EQ(membership_.Find(b_.id)->name.sealed(), "held");
  EXPECT_EQ(membership_.Find(a_.id)->name.sealed(), "held late");
}

TEST_F(MembershipTest, RevokesADeviceKnownOnlyByItsLegacyRecords) {
  membership_.Add(
      {EnrolRecord(a_, 1), vault_.Record(a_, MemberVault::Revoke(b_.id, 4), MemberVault::Hlc(2))});
  const DeviceState* b = membership_.Find(b_.id);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->enrolled);
  EXPECT_TRUE(b->revoked);
  EXPECT_TRUE(membership_.Admits(b_.id, 4, true).ok());
  EXPECT_FALSE(membership_.Admits(b_.id, 5, true).ok());
  EXPECT_FALSE(membership_.Admits(b_.id, 4, false).ok());
  // A revoked device cannot enrol afterwards.
  b_.seq = 9;
  membership_.Add({EnrolRecord(b_, 3)});
  EXPECT_FALSE(membership_.Find(b_.id)->enrolled);
  EXPECT_TRUE(membership_.ActiveDevices() == std::vector<std::string>{a_.id});
}

TEST_F(MembershipTest, WrapsAndEpochsReplaceTheWrappedKey) {
  KeyPair authority1 = KeyPair::Make();
  membership_.Add({EnrolRecord(a_, 1),
                   vault_.Record(a_, MemberVault::Wrap(0, "passwd 1"), MemberVault::Hlc(2))});
  EXPECT_EQ(membership_.wrapped_key(), "passwd 1");
  EXPECT_EQ(membership_.wrap_generation(), 1u);
  membership_.Add(
      {vault_.Record(a_, MemberVault::Wrap(1, "wrong epoch"), MemberVault::Hlc(3)),
       vault_.Record(a_, MemberVault::Epoch(2, authority1, {&a_}, "skips 1"), MemberVault::Hlc(4)),
       vault_.Record(a_, MemberVault::Epoch(1, authority1, {&a_}, "epoch 1"),
                     MemberVault::Hlc(5))});
  EXPECT_EQ(membership_.wrapped_key(), "epoch 1");
  EXPECT_EQ(membership_.wrap_generation(), 2u);
  ASSERT_EQ(membership_.current_epoch(), 1u);
  const EpochState& one = membership_.current();
  EXPECT_EQ(one.authority_public_key, authority1.public_key);
  EXPECT_EQ(one.written_by, a_.id);
  EXPECT_EQ(one.keyring, "sealed keyring of epoch 1");
  EXPECT_EQ(one.holders, std::set<std::string>{a_.id});
  membership_.Add({vault_.RecordWithAuthority(a_, MemberVault::Wrap(1, "passwd 2"),
                                              MemberVault::Hlc(6), 1, &authority1)});
  EXPECT_EQ(membership_.wrapped_key(), "passwd 2");
  EXPECT_EQ(membership_.wrap_generation(), 3u);
}

TEST_F(MembershipTest, KeepsEachRecordOnce) {
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(b_, 2)};
  membership_.Add(records);
  membership_.Add(records);
  membership_.Add({records[1]});
  EXPECT_EQ(membership_.records().size(), 2u);
  EXPECT_EQ(membership_.ActiveDevices().size(), 2u);
}

}  // namespace
}  // namespace haven
