// Membership converges: the state is a function of the set of records,
// whatever order and in whatever batches they arrive. Concurrent revokes,
// a revoke meeting a concurrent rotation, a device writing two records at
// one sequence, and random histories of every op from several devices.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "server/membership/membership.h"
#include "tests/membership/member_fixture.h"

namespace haven {
namespace {

using testing::KeyPair;
using testing::MemberVault;
using testing::TestDevice;

// Everything a caller can observe, as one comparable string.
std::string Snapshot(const Membership& m) {
  std::string out;
  for (const auto& [id, d] : m.devices()) {
    out += HexEncode(id) + " key=" + HexEncode(d.sign_public_key) +
           " enrolled=" + std::to_string(d.enrolled) + "@" + std::to_string(d.enrol_seq) + "/" +
           std::to_string(d.enrol_epoch) + " legacy=" + std::to_string(d.legacy_until) +
           " name=" + d.name.sealed() + " revoked=" + std::to_string(d.revoked) + " by " +
           HexEncode(d.revoked_by) + " cut=" + std::to_string(d.cut) + "\n";
  }
  for (uint32_t e = 0; e <= m.current_epoch(); ++e) {
    const EpochState* epoch = m.epoch(e);
    out += "epoch " + std::to_string(e) + " by " + HexEncode(epoch->written_by) + " authority " +
           HexEncode(epoch->authority_public_key) + " holders";
    for (const std::string& holder : epoch->holders) out += " " + HexEncode(holder);
    out += "\n";
  }
  out += "wrapped " + m.wrapped_key() + " #" + std::to_string(m.wrap_generation());
  out += " rotate " + std::to_string(m.NeedsRotation());
  return out;
}

// The state of `records` added in a shuffled order, in random batches.
std::string AddShuffled(const MemberVault& vault, std::vector<MemberRecord> records,
                        std::mt19937_64& rng) {
  std::shuffle(records.begin(), records.end(), rng);
  Membership m = vault.NewMembership();
  size_t next = 0;
  while (next < records.size()) {
    size_t batch = 1 + rng() % 4;
    std::vector<MemberRecord> part;
    for (; batch > 0 && next < records.size(); --batch) part.push_back(records[next++]);
    m.Add(std::move(part));
  }
  return Snapshot(m);
}

// Another writer with `device`'s id, key, sequence and chain.
TestDevice Clone(const TestDevice& device) {
  TestDevice clone;
  clone.id = device.id;
  clone.key.public_key = device.key.public_key;
  clone.key.secret_key = SecretBytes::CopyOf(device.key.secret_key.view());
  clone.seq = device.seq;
  clone.head_hash = device.head_hash;
  return clone;
}

class MembershipConvergenceTest : public ::testing::Test {
 protected:
  MemberRecord EnrolRecord(TestDevice& device, uint64_t hlc) {
    return vault_.Record(device, vault_.Enrol(device, vault_.authority0()), MemberVault::Hlc(hlc));
  }

  // Every permutation of `records`, one record per Add, gives one state.
  void ExpectEveryOrderAgrees(std::vector<MemberRecord> records, const std::string& want) {
    std::vector<size_t> order(records.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    int orders = 0;
    do {
      Membership m = vault_.NewMembership();
      for (size_t i : order) m.Add({records[i]});
      ASSERT_EQ(Snapshot(m), want) << "order " << orders;
      ++orders;
    } while (std::next_permutation(order.begin(), order.end()));
  }

  // For histories too long to try every order: 200 seeded shuffles.
  void ExpectShuffledOrdersAgree(std::vector<MemberRecord> records, const std::string& want) {
    std::mt19937 random(17);
    for (int round = 0; round < 200; ++round) {
      std::shuffle(records.begin(), records.end(), random);
      Membership m = vault_.NewMembership();
      for (const MemberRecord& record : records) m.Add({record});
      ASSERT_EQ(Snapshot(m), want) << "round " << round;
    }
  }

  MemberVault vault_;
  TestDevice a_, b_, c_;
};

TEST_F(MembershipConvergenceTest, OfTwoDevicesRevokingEachOtherExactlyOneSurvives) {
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(b_, 2), EnrolRecord(c_, 3)};
  // Each revokes the other at once, naming the other's head as it knows it.
  records.push_back(vault_.Record(a_, MemberVault::Revoke(b_.id, 1), MemberVault::Hlc(10)));
  records.push_back(vault_.Record(b_, MemberVault::Revoke(a_.id, 1), MemberVault::Hlc(10)));
  Membership all = vault_.NewMembership();
  all.Add(records);
  const bool a_revoked = all.Find(a_.id)->revoked;
  const bool b_revoked = all.Find(b_.id)->revoked;
  EXPECT_NE(a_revoked, b_revoked);
  // Equal stamps: the writer id decides.
  EXPECT_EQ(b_revoked, a_.id < b_.id);
  EXPECT_EQ(all.ActiveDevices().size(), 2u);
  ExpectEveryOrderAgrees(records, Snapshot(all));
}

// a revokes c and rotates; b, unaware, rekeys for all three, stamped
// between them. b's rotation closes epoch 0 without a's revoke, so the
// revoke has no effect; a writes it again under epoch 1 and rotates again.
TEST_F(MembershipConvergenceTest, ARevokeMeetingAConcurrentRotationIsWrittenAgain) {
  KeyPair by_b = KeyPair::Make(), by_a = KeyPair::Make(), healed = KeyPair::Make();
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(b_, 2), EnrolRecord(c_, 3)};
  // Written first, so that it sees only the enrolments.
  const MemberRecord b_rotates = vault_.Record(
      b_, MemberVault::Epoch(1, by_b, {&a_, &b_, &c_}, "b's key"), MemberVault::Hlc(11));
  records.push_back(vault_.Record(a_, MemberVault::Revoke(c_.id, 1), MemberVault::Hlc(10)));
  records.push_back(b_rotates);
  records.push_back(
      vault_.Record(a_, MemberVault::Epoch(1, by_a, {&a_, &b_}, "a's key"), MemberVault::Hlc(12)));
  Membership m = vault_.NewMembership();
  m.Add(records);
  ASSERT_EQ(m.current_epoch(), 1u);
  EXPECT_EQ(m.current().authority_public_key, by_b.public_key);
  EXPECT_EQ(m.wrapped_key(), "b's key");
  EXPECT_FALSE(m.Find(c_.id)->revoked);
  EXPECT_FALSE(m.Applied(records[3]));
  ExpectEveryOrderAgrees(records, Snapshot(m));

  records.push_back(vault_.RecordWithAuthority(a_, MemberVault::Revoke(c_.id, 1),
                                               MemberVault::Hlc(20), 1, &by_b));
  records.push_back(vault_.RecordWithAuthority(
      a_, MemberVault::Epoch(2, healed, {&a_, &b_}, "healed"), MemberVault::Hlc(21), 1, &by_b));
  m.Add({records[records.size() - 2], records.back()});
  EXPECT_TRUE(m.Find(c_.id)->revoked);
  EXPECT_EQ(m.current_epoch(), 2u);
  EXPECT_FALSE(m.NeedsRotation());
  EXPECT_EQ(m.wrapped_key(), "healed");
  ExpectShuffledOrdersAgree(records, Snapshot(m));
}

TEST_F(MembershipConvergenceTest, ARotationThatLeftTheRevokedDeviceOutNeedsNoOther) {
  KeyPair by_a = KeyPair::Make(), by_b = KeyPair::Make();
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(b_, 2), EnrolRecord(c_, 3)};
  records.push_back(vault_.Record(a_, MemberVault::Revoke(c_.id, 1), MemberVault::Hlc(10)));
  records.push_back(
      vault_.Record(a_, MemberVault::Epoch(1, by_a, {&a_, &b_}, "a's key"), MemberVault::Hlc(11)));
  records.push_back(vault_.Record(b_, MemberVault::Epoch(1, by_b, {&a_, &b_, &c_}, "b's key"),
                                  MemberVault::Hlc(12)));
  Membership m = vault_.NewMembership();
  m.Add(records);
  EXPECT_EQ(m.current().authority_public_key, by_a.public_key);
  EXPECT_FALSE(m.NeedsRotation());
  ExpectEveryOrderAgrees(records, Snapshot(m));
}

TEST_F(MembershipConvergenceTest, TwoRecordsAtOneSequenceResolveTheSameWayInAnyOrder) {
  std::vector<MemberRecord> records = {EnrolRecord(a_, 1), EnrolRecord(b_, 2)};
  // a writes two different records at its sequence 2...
  TestDevice fork = Clone(a_);
  records.push_back(vault_.Record(a_, MemberVault::Rename(a_, "one"), MemberVault::Hlc(5)));
  records.push_back(vault_.Record(fork, MemberVault::Rename(a_, "two"), MemberVault::Hlc(5)));
  // ...and forges one at b's sequence 2, before b's own record there.
  TestDevice forger = Clone(b_);
  records.push_back(
      vault_.Record(forger, MemberVault::Rename(b_, "forged"), MemberVault::Hlc(6), &a_.key));
  records.push_back(vault_.Record(b_, MemberVault::Rename(b_, "real"), MemberVault::Hlc(7)));
  Membership m = vault_.NewMembership();
  m.Add(records);
  EXPECT_EQ(m.records().size(), records.size());
  EXPECT_EQ(m.Find(b_.id)->name.sealed(), "real");
  ExpectEveryOrderAgrees(records, Snapshot(m));
}

}  // namespace
}  // namespace haven
