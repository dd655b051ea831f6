// The authority rule for every op but an Enrol: the op must also be signed
// by the authority key of an epoch no later than the current one where it
// applies. An op signed only by a device key (what a locked laptop's disk
// yields), by a key that is no epoch's authority, or for an epoch beyond
// the current one is kept without effect; an op signed under an older
// epoch's authority after a rotation still applies.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "server/membership/membership.h"
#include "tests/membership/member_fixture.h"

namespace haven {
namespace {

using testing::KeyPair;
using testing::MemberVault;
using testing::TestDevice;

// How one op kind is written and how its effect is seen.
struct OpKind {
  std::string name;
  std::function<v1::MembershipOp(const TestDevice& target, uint32_t current)> make;
  std::function<bool(const Membership&, const TestDevice& target, uint32_t current)> applied;
};

std::vector<OpKind> Kinds(const KeyPair& next_authority) {
  return {
      {"rename", [](const TestDevice& t, uint32_t) { return MemberVault::Rename(t, "renamed"); },
       [](const Membership& m, const TestDevice& t, uint32_t) {
         return m.Find(t.id)->name.sealed() == "renamed";
       }},
      {"revoke", [](const TestDevice& t, uint32_t) { return MemberVault::Revoke(t.id, 1); },
       [](const Membership& m, const TestDevice& t, uint32_t) { return m.Find(t.id)->revoked; }},
      {"epoch",
       [&next_authority](const TestDevice& t, uint32_t current) {
         return MemberVault::Epoch(current + 1, next_authority, {&t}, "new key");
       },
       [](const Membership& m, const TestDevice&, uint32_t current) {
         return m.current_epoch() == current + 1;
       }},
      {"wrap", [](const TestDevice&, uint32_t current) { return MemberVault::Wrap(current, "w"); },
       [](const Membership& m, const TestDevice&, uint32_t) { return m.wrapped_key() == "w"; }},
  };
}

class MembershipAuthorityTest : public ::testing::Test {
 protected:
  MemberRecord EnrolRecord(TestDevice& device, uint64_t hlc) {
    return vault_.Record(device, vault_.Enrol(device, vault_.authority0()), MemberVault::Hlc(hlc));
  }

  // Whether `kind`'s op by a on b applies, signed by `authority` for
  // `epoch` (nullptr: no authority signature). a and b are enrolled at
  // epoch 0; at `current` 1, a has rotated to epoch 1 under authority1_.
  bool Applies(const OpKind& kind, uint32_t current, uint32_t epoch, const KeyPair* authority) {
    TestDevice a, b;
    Membership membership = vault_.NewMembership();
    std::vector<MemberRecord> records = {EnrolRecord(a, 1), EnrolRecord(b, 2)};
    if (current == 1) {
      records.push_back(vault_.Record(a, MemberVault::Epoch(1, authority1_, {&a, &b}, "w1"),
                                      MemberVault::Hlc(3)));
    }
    records.push_back(vault_.RecordWithAuthority(a, kind.make(b, current), MemberVault::Hlc(10),
                                                 epoch, authority));
    membership.Add(records);
    EXPECT_EQ(membership.records().size(), records.size());  // kept, with effect or not
    return kind.applied(membership, b, current);
  }

  MemberVault vault_;
  TestDevice a_, b_;  // for the concurrent revoke
  KeyPair authority1_ = KeyPair::Make();
  KeyPair authority2_ = KeyPair::Make();
  KeyPair stranger_ = KeyPair::Make();
};

TEST_F(MembershipAuthorityTest, AnOpSignedOnlyByTheDeviceKeyHasNoEffect) {
  for (const OpKind& kind : Kinds(authority1_)) {
    SCOPED_TRACE(kind.name);
    EXPECT_FALSE(Applies(kind, 0, 0, nullptr));
    EXPECT_FALSE(Applies(kind, 1, 0, nullptr));
  }
}

TEST_F(MembershipAuthorityTest, AnOpSignedByAKeyThatIsNoEpochsAuthorityHasNoEffect) {
  for (const OpKind& kind : Kinds(authority1_)) {
    SCOPED_TRACE(kind.name);
    EXPECT_FALSE(Applies(kind, 0, 0, &stranger_));
    // A device's own key as the authority does not do either.
    EXPECT_FALSE(Applies(kind, 0, 0, &a_.key));
    // Nor the next epoch's authority before its Epoch op applies.
    EXPECT_FALSE(Applies(kind, 0, 0, &authority1_));
  }
}

TEST_F(MembershipAuthorityTest, AnOpForAnEpochBeyondTheCurrentHasNoEffect) {
  for (const OpKind& kind : Kinds(authority1_)) {
    SCOPED_TRACE(kind.name);
    // Epoch 0's own authority, claimed for epoch 1 while 0 is current.
    EXPECT_FALSE(Applies(kind, 0, 1, &vault_.authority0()));
    EXPECT_FALSE(Applies(kind, 0, 1, &authority1_));
  }
  for (const OpKind& kind : Kinds(authority2_)) {
    SCOPED_TRACE(kind.name + " after a rotation");
    EXPECT_FALSE(Applies(kind, 1, 2, &authority2_));
  }
}

TEST_F(MembershipAuthorityTest, TheSameOpWithTheCurrentAuthorityApplies) {
  for (const OpKind& kind : Kinds(authority1_)) {
    SCOPED_TRACE(kind.name);
    EXPECT_TRUE(Applies(kind, 0, 0, &vault_.authority0()));
  }
  for (const OpKind& kind : Kinds(authority2_)) {
    SCOPED_TRACE(kind.name + " at epoch 1");
    EXPECT_TRUE(Applies(kind, 1, 1, &authority1_));
    // The right key claimed for the wrong epoch does not verify.
    EXPECT_FALSE(Applies(kind, 1, 0, &authority1_));
  }
}

// A rotation closes the epoch before it: an op signed under an older
// epoch's authority that the rotation had not seen has no effect, however
// it is stamped (a revoked device keeps old authority keys).
TEST_F(MembershipAuthorityTest, AnOpUnderAnOlderEpochsAuthorityTheRotationDidNotSeeHasNoEffect) {
  for (const OpKind& kind : Kinds(authority2_)) {
    SCOPED_TRACE(kind.name);
    EXPECT_FALSE(Applies(kind, 1, 0, &vault_.authority0()));
  }
}

// Stamped into the past, before the rotation, it has no effect either;
// the same op that the rotation saw keeps its effect.
TEST_F(MembershipAuthorityTest, AnOpStampedBeforeARotationCountsOnlyIfTheRotationSawIt) {
  TestDevice c;
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(b_, 2), EnrolRecord(c, 3)};
  records.push_back(vault_.Record(c, MemberVault::Rename(b_, "seen"), MemberVault::Hlc(4)));
  records.push_back(vault_.RecordWithAuthority(
      a_, vault_.SeenOnly(MemberVault::Epoch(1, authority1_, {&a_, &b_, &c}, "w1"), {&a_, &b_, &c}),
      MemberVault::Hlc(10), 0, &vault_.authority0()));
  // Written after the rotation, stamped before it.
  records.push_back(vault_.Record(c, MemberVault::Rename(b_, "backdated"), MemberVault::Hlc(5)));
  TestDevice puppet;
  records.push_back(
      vault_.Record(puppet, vault_.Enrol(puppet, vault_.authority0(), 0), MemberVault::Hlc(6)));
  Membership membership = vault_.NewMembership();
  membership.Add(records);
  EXPECT_EQ(membership.current_epoch(), 1u);
  EXPECT_EQ(membership.Find(b_.id)->name.sealed(), "seen");
  EXPECT_EQ(membership.Find(puppet.id), nullptr);
  EXPECT_TRUE(membership.Applied(records[3]));
  EXPECT_FALSE(membership.Applied(records[5]));
  EXPECT_FALSE(membership.Applied(records[6]));
}

// A concurrent revoke and rekey: c revokes b under epoch 0's authority, not
// having seen a's rotation. The revoke has no effect (c writes it again
// under epoch 1, Journal::RedoVoided); a revoke of the rotation's own
// writer keeps its effect, and voids that writer's rotation beyond its cut.
TEST_F(MembershipAuthorityTest, ARevokeConcurrentWithARekeyIsVoidUnlessItRevokesTheRekeyer) {
  TestDevice c;
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(b_, 2), EnrolRecord(c, 3)};
  const MemberRecord rotation = vault_.RecordWithAuthority(
      a_, vault_.SeenOnly(MemberVault::Epoch(1, authority1_, {&a_, &b_, &c}, "w1"), {&a_, &b_, &c}),
      MemberVault::Hlc(10), 0, &vault_.authority0());
  const MemberRecord revoke_b = vault_.RecordWithAuthority(
      c, MemberVault::Revoke(b_.id, 1), MemberVault::Hlc(11), 0, &vault_.authority0());
  Membership membership = vault_.NewMembership();
  records.push_back(rotation);
  records.push_back(revoke_b);
  membership.Add(records);
  EXPECT_EQ(membership.current_epoch(), 1u);
  EXPECT_FALSE(membership.Find(b_.id)->revoked);
  EXPECT_FALSE(membership.Applied(revoke_b));

  const MemberRecord revoke_a = vault_.RecordWithAuthority(
      c, MemberVault::Revoke(a_.id, 1), MemberVault::Hlc(12), 0, &vault_.authority0());
  membership.Add({revoke_a});
  EXPECT_TRUE(membership.Applied(revoke_a));
  EXPECT_TRUE(membership.Find(a_.id)->revoked);
  EXPECT_EQ(membership.Find(a_.id)->cut, 1u);
  EXPECT_FALSE(membership.Applied(rotation));  // beyond a's cut
  EXPECT_EQ(membership.current_epoch(), 0u);
  EXPECT_TRUE(membership.Applied(revoke_b));  // its epoch is open again
}

// Rotations name each member with its key: an enrolment claiming a slot
// the rotation saw of a device it did not list (a device of an older
// vault that had not enrolled), signed by some other key, has no effect.
TEST_F(MembershipAuthorityTest, AnEnrolmentClaimingAnUnlistedDevicesSeenSlotHasNoEffect) {
  TestDevice legacy;  // five format-1 records, not enrolled
  legacy.seq = 5;
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1)};
  TestDevice forger;  // its own key, legacy's id and a slot the rotation saw
  forger.id = legacy.id;
  forger.seq = 2;
  records.push_back(
      vault_.Record(forger, vault_.Enrol(forger, vault_.authority0()), MemberVault::Hlc(2)));
  records.push_back(vault_.RecordWithAuthority(
      a_, vault_.SeenOnly(MemberVault::Epoch(1, authority1_, {&a_}, "w1"), {&a_, &legacy}),
      MemberVault::Hlc(10), 0, &vault_.authority0()));
  Membership membership = vault_.NewMembership();
  membership.Add(records);
  EXPECT_EQ(membership.current_epoch(), 1u);
  EXPECT_FALSE(membership.Applied(records[1]));
  EXPECT_EQ(membership.SigningKey(legacy.id), "");
}

// A rotation that had not seen a revoke of t voids it; t's own revoke of
// x, which the rotation saw, then counts again, though while t was revoked
// it lay beyond t's cut.
TEST_F(MembershipAuthorityTest, AnOpBeyondACutCountsAgainWhenItsRevokeIsVoided) {
  TestDevice t, x, h2;
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(t, 2), EnrolRecord(x, 3),
                                       EnrolRecord(h2, 4)};
  records.push_back(vault_.Record(t,
                                  MemberVault::Revoke(x.id, 1, std::string(kChainHashBytes, 'x'),
                                                      {RecordChainHash(records[2].sealed)}),
                                  MemberVault::Hlc(12)));
  // h2 rotates having seen t's revoke of x, but not a's revoke of t.
  records.push_back(vault_.RecordWithAuthority(
      h2,
      vault_.SeenOnly(MemberVault::Epoch(1, authority1_, {&a_, &t, &h2}, "w1"), {&a_, &t, &x, &h2}),
      MemberVault::Hlc(13), 0, &vault_.authority0()));
  records.push_back(vault_.Record(a_,
                                  MemberVault::Revoke(t.id, 1, RecordChainHash(records[1].sealed),
                                                      {RecordChainHash(records[1].sealed)}),
                                  MemberVault::Hlc(10)));
  Membership membership = vault_.NewMembership();
  membership.Add(records);
  EXPECT_FALSE(membership.Applied(records[6]));
  EXPECT_FALSE(membership.Find(t.id)->revoked);
  EXPECT_TRUE(membership.Applied(records[4]));
  EXPECT_TRUE(membership.Find(x.id)->revoked);
}

}  // namespace
}  // namespace haven
